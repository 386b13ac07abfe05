// 合成研判: what the centre already knows about a report's caller, place and text
// (docs/synthesis.md). Every server text goes in through el() (text nodes), never innerHTML.
import { api, CATEGORY, el, explain, FLAG, label, shortDate, STATUS } from "./console.js";

export const FINDING = {
  caller_history: "报警人历史", dv_risk: "家暴风险", place_history: "地点历史",
  premise_note: "警情地址标注", watch_list: "布控车辆", missing_person: "失踪人员比对", series: "系列案",
};
const MARK = {
  repeat_caller: "重复报警", frequent_caller: "频繁报警", dv_history: "既往家暴", hotspot: "警情高发点",
  premise_note: "地址标注", officer_safety: "注意民警安全", watch_hit: "布控命中", series: "系列案",
  missing_hit: "疑似在册失踪人员", priority_raised: "已提级",
};
const NOTE_KIND = {
  mental_illness: "严重精神障碍", firearm: "登记枪支", hazardous_chemicals: "危险化学品",
  elderly_alone: "独居老人", dog: "犬只", officer_assault: "曾袭警", other: "其他",
};
const FACTOR = {
  previous_dv: "既往家暴报警", three_callouts_12_months: "12个月内第3次及以上", weapon_before: "既往动用凶器",
  injury_before: "既往致伤", more_often: "30天内再发",
};
const LIST = { wanted: "布控车辆", stolen: "被盗抢车辆" };

function when(iso) { return iso ? shortDate(iso) : "—"; }

function counts(byCategory) {
  return Object.entries(byCategory || {}).map(([c, n]) => `${label(CATEGORY, c)} ${n}`).join("、") || "—";
}

function incidentRef(id, onIncident) {
  return onIncident
    ? el("button", { type: "button", class: "link mono", onclick: () => onIncident(id) }, id)
    : el("span", { class: "mono" }, id);
}

function pastItem(e, onIncident) {
  return el("li", {}, incidentRef(e.incident_id, onIncident), " ", when(e.at), " · ",
    label(CATEGORY, e.category), e.priority ? ` ${e.priority}` : "",
    (e.flags || []).length ? ` · ${e.flags.map((f) => label(FLAG, f)).join("、")}` : "",
    e.distance_m != null ? ` · ${Math.round(e.distance_m)} 米` : "",
    e.via ? ` · ${e.via === "caller" ? "同一报警人" : "同一地址"}` : "",
    e.disposition || e.status ? ` · ${e.disposition || label(STATUS, e.status)}` : "");
}

function summary(f) {
  const d = f.detail || {};
  switch (f.kind) {
    case "caller_history":
      return `${d.days} 天内报警 ${d.count} 次（30 天内含本次 ${d.calls_30_days} 次）：${counts(d.by_category)}；上次 ${when(d.last_at)}`;
    case "dv_risk":
      return `既往家暴警情 ${d.count} 起；风险因素：${(d.factors || []).map((x) => FACTOR[x] || x).join("、")}`;
    case "place_history":
      return `${d.radius_m} 米内 30 天 ${d.count_30_days} 起（${counts(d.by_category_30_days)}），90 天 ${d.count_90_days} 起`;
    case "premise_note":
      return `${d.count} 条地址标注：${(d.kinds || []).map((k) => NOTE_KIND[k] || k).join("、")}`;
    case "watch_list":
      return `${d.count} 个车牌命中：${(d.lists || []).map((l) => LIST[l] || l).join("、")}`;
    case "missing_person":
      return `与 ${d.open_cases} 起在查失踪案件比对，${d.count} 起相似；最高 ${Math.round((d.best_score || 0) * 100)} 分（${d.best_case_id}）`
        + (d.auto_link ? `，达到自动关联阈值 ${Math.round((d.threshold || 0) * 100)} 分` : "，未达自动关联阈值")
        + (d.ambiguous ? "，多起案件分数接近，请人工核对" : "");
    case "series":
      return `${d.radius_m} 米、${d.days} 天内同类 ${d.count} 起（${label(CATEGORY, d.category)}），系列编号 ${d.series_id}`;
    default:
      return "";
  }
}

function evidence(f, onIncident) {
  if (f.kind === "premise_note") {
    return el("ul", { class: "evidence" }, f.evidence.map((n) => el("li", {},
      el("strong", {}, NOTE_KIND[n.kind] || n.kind), "：", n.text,
      ` · ${Math.round(n.distance_m || 0)} 米 · 至 ${shortDate(n.expires_at)} · ${n.precinct}`)));
  }
  if (f.kind === "watch_list") {
    return el("ul", { class: "evidence" }, f.evidence.map((w) => el("li", {},
      el("strong", { class: "mono" }, w.plate), `（原文“${w.text}”）· ${LIST[w.list] || w.list} · ${w.reason}`,
      w.reference ? ` · ${w.reference}` : "")));
  }
  if (f.kind === "missing_person") {
    return el("ul", { class: "evidence" }, f.evidence.map((c) => el("li", {},
      el("strong", { class: "mono" }, c.case_id), ` ${Math.round((c.score || 0) * 100)} 分`,
      c.auto_link ? el("span", { class: "chip flag" }, "达到关联阈值") : null,
      c.description ? ` · ${c.description}` : "",
      c.last_seen_at ? ` · 最后出现 ${shortDate(c.last_seen_at)}` : "",
      c.distance_m != null ? ` · 相距 ${Math.round(c.distance_m)} 米` : "",
      (c.reasons || []).length ? el("div", { class: "quiet" }, c.reasons.join("；")) : null)));
  }
  return el("ul", { class: "evidence" }, (f.evidence || []).map((e) => pastItem(e, onIncident)));
}

function finding(f, onIncident) {
  const title = el("div", { class: "finding-head" }, el("strong", {}, FINDING[f.kind] || f.kind),
    ...((f.detail && f.detail.marks) || []).map((m) => el("span", { class: "chip flag" }, MARK[m] || m)));
  const raised = f.adjustment && f.adjustment.priority
    ? el("p", { class: "esc" }, `已提级 ${f.adjustment.priority.from} → ${f.adjustment.priority.to}：${f.adjustment.reason}`)
    : null;
  if (f.redacted) {
    return el("div", { class: `finding ${f.kind}` }, title, raised,
      el("p", { class: "quiet" }, "涉及报警人历史，仅接警员、指挥中心和承办派出所可见"));
  }
  return el("div", { class: `finding ${f.kind}` }, title, raised, el("p", {}, summary(f)), evidence(f, onIncident));
}

// A synthesis result (the preview, or an incident's incident.synthesized payload).
export function findingsPanel(result, { onIncident } = {}) {
  const findings = (result && result.findings) || [];
  const partial = ((result && result.plates) || []).filter((p) => p.partial);
  return el("div", { class: "synthesis" },
    findings.length ? findings.map((f) => finding(f, onIncident))
      : el("p", { class: "quiet" }, "未发现相关历史警情、地址标注、布控或失踪人员信息"),
    partial.length ? el("p", { class: "quiet" }, `不完整车牌：${partial.map((p) => p.text).join("、")}（请人工比对）`) : null);
}

// The findings of a submitted incident, loaded into `box`; a 403 says why.
export async function loadIncidentFindings(id, box, options = {}) {
  try {
    const result = await api(`/v1/incidents/${encodeURIComponent(id)}/synthesis`);
    box.replaceChildren(result.synthesized_at ? findingsPanel(result, options)
      : el("p", { class: "quiet" }, "暂无合成研判结果"));
  } catch (err) {
    box.replaceChildren(el("p", { class: "quiet" }, explain(err)));
  }
}

// The findings already on an incident's timeline (the latest incident.synthesized), or null.
export function timelineFindings(inc, options = {}) {
  const events = (inc.timeline || []).filter((ev) => ev.type === "incident.synthesized");
  if (!events.length) return null;
  return [el("div", { class: "section-title" }, "合成研判"),
    el("div", { class: "detail-synthesis" }, findingsPanel(events[events.length - 1].payload, options))];
}
