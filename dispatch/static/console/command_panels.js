// The command console's hand-off monitor and missing-person panel (and the case view the
// drawer shows). A failed delivery is an alarm with 重试 and 电话移交 (who, when).
import { api, ApiError, countdown, el, explain, fill, hms, label, toast } from "./console.js";
import { HANDOFF_KIND, HANDOFF_STAGE, HANDOFF_STATUS, since } from "./timeline.js";

const RISK = { high: ["高风险", "P1"], medium: ["中风险", "P2"], low: ["低风险", "P3"], absent: ["未达走失", "P4"] };
const TARGET_STATE = { met: "已完成", pending: "进行中", breached: "已超时", cancelled: "已取消" };
const SIGHTING_STATE = { verifying: "待核实", confirmed: "已确认是本人", dismissed: "已排除" };
const OUTCOME = { found_safe: "已找到（安全）", found_injured: "已找到（受伤）", found_deceased: "已找到（死亡）", returned: "已自行返回", false_report: "虚假报告" };
const TARGET_NAME = {
  precinct_dispatched: "派出所出警", search_centre_activated: "启动搜寻指挥", risk_review: "风险复核",
  criminal_case_filed: "立刑事案件", alert_broadcast: "发布协查", first_search: "首次搜寻",
};
const REASON_CODE = {
  child: "儿童", minor: "未成年人", elderly: "高龄老人", dementia: "认知障碍（痴呆）", mental_illness: "精神疾病",
  depression: "抑郁", suicidal: "有轻生倾向", medication: "依赖药物", out_of_character: "行为反常",
  suspected_crime: "疑似被侵害", cold: "低温天气", heat: "高温天气", no_apparent_risk: "无明显风险",
};

export function riskChip(risk) {
  const grade = risk && typeof risk === "object" ? risk.grade : risk;
  const [text, cls] = RISK[grade] || [grade || "—", ""];
  return el("span", { class: `prio ${cls}` }, text);
}

export function describePerson(person) {
  if (!person || typeof person !== "object") return "—";
  const gender = { male: "男", female: "女" }[person.gender] || "";
  const age = person.age && typeof person.age === "object"
    ? `${person.age.min}${person.age.max !== person.age.min ? `–${person.age.max}` : ""}岁`
    : (person.age != null ? `${person.age}岁` : "");
  return [person.name, gender, age].filter(Boolean).join(" ") || "—";
}

function nextTarget(c) {
  const open = (c.targets || []).filter((t) => t.state === "pending" && t.due_at);
  open.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
  return open[0] || null;
}

function targetName(t) { return TARGET_NAME[t.key] || TARGET_NAME[t.name] || t.name || t.key; }

// The case as the drawer shows it: description, risk and reasons, targets, sightings.
export function renderCase(c, state) {
  const reasons = ((c.risk || {}).reasons || []).map((r) => r.text || REASON_CODE[r.code] || r.code);
  const area = c.area || {};
  return el("div", { id: "case-panel", dataset: { case: c.id } },
    el("div", { class: "preview-head" }, riskChip(c.risk), el("strong", {}, describePerson(c.person)),
      el("span", { class: "tag" }, c.status === "open" ? "在办" : c.status === "located" ? "已找到" : "已结案"),
      (c.risk || {}).criminal_case ? el("span", { class: "esc" }, "须立刑事案件") : null),
    el("dl", { class: "kv" },
      el("dt", {}, "案件编号"), el("dd", { class: "mono" }, c.id),
      el("dt", {}, "体貌特征"), el("dd", { id: "case-description" }, c.description || "—"),
      el("dt", {}, "风险理由"), el("dd", {}, reasons.join("；") || "—"),
      el("dt", {}, "最后出现"), el("dd", {}, [(c.last_seen || {}).address, hms((c.last_seen || {}).at)].filter(Boolean).join(" · ") || "—"),
      el("dt", {}, "搜寻范围"), el("dd", {}, area.radius_m ? `半径 ${(area.radius_m / 1000).toFixed(1)} 公里 · ${(area.precincts || []).length} 个派出所` : "—"),
      el("dt", {}, "报案人"), el("dd", { class: "mono" }, (c.reporter && c.reporter.phone) || "—"),
      el("dt", {}, "已历时"), el("dd", {}, since(c.opened_at)),
      el("dt", {}, "结果"), el("dd", {}, c.outcome ? label(OUTCOME, c.outcome) : "—")),
    el("div", { class: "section-title" }, "时限"),
    el("table", { class: "list", id: "case-targets" }, el("tbody", {}, (c.targets || []).map((t) => el("tr", { dataset: { target: t.key || t.name } },
      el("td", {}, targetName(t)),
      el("td", {}, label(TARGET_STATE, t.state)),
      el("td", {}, t.state === "pending" && t.due_at ? el("span", { class: "countdown", dataset: { due: t.due_at } }, countdown(t.due_at).text) : hms(t.met_at || t.breached_at || t.cancelled_at)))))),
    el("div", { class: "section-title" }, `线索（${(c.sightings || []).length}）`),
    (c.sightings || []).length ? el("table", { class: "list", id: "case-sightings" }, el("tbody", {}, c.sightings.map((s) => el("tr", {},
      el("td", { class: "mono" }, s.incident_id),
      el("td", {}, state.names.get(s.precinct) || s.precinct || ""),
      el("td", { class: "mono" }, `${Math.round((s.score || 0) * 100)}%`),
      el("td", { class: "text", title: (s.reasons || []).join("；") }, (s.reasons || []).join("；")),
      el("td", {}, label(SIGHTING_STATE, s.state)))))) : el("p", { class: "quiet" }, "暂无线索"));
}

export class MissingPanel {
  constructor(box, count, { state }) {
    this.box = box;
    this.count = count;
    this.state = state;
  }

  async load() {
    let data;
    try {
      data = await api("/v1/missing?status=open");
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 404 || err.status === 405))) console.warn("missing cases", err);
      return;
    }
    const items = (data && data.items) || [];
    this.count.textContent = `${items.length} 起`;
    const map = this.state.map;
    if (map && map.ready) {
      for (const c of items) {
        const seen = c.last_seen || {};
        map.setAlertCircle(c.id, { lat: seen.lat, lon: seen.lon, radius_m: (c.area || {}).radius_m, description: c.description });
      }
      map.keepAlertCircles(new Set(items.map((c) => c.id)));
    }
    if (!items.length) { fill(this.box, el("p", { class: "quiet" }, "暂无在办走失案件")); return; }
    fill(this.box, el("table", { class: "list", id: "missing-table" },
      el("tbody", {}, items.map((c) => {
        const next = nextTarget(c);
        const breached = (c.targets || []).filter((t) => t.state === "breached").length;
        return el("tr", { dataset: { id: c.id }, class: breached ? "alarm" : "", onclick: () => this.state.drawer.openCase(c.id) },
          el("td", {}, riskChip(c.risk)),
          el("td", {}, describePerson(c.person)),
          el("td", {}, since(c.opened_at)),
          el("td", {}, next ? [el("span", { class: "countdown", dataset: { due: next.due_at } }, countdown(next.due_at).text), ` ${targetName(next)}`] : "—",
            breached ? el("span", { class: "prio P1", title: "已超时的时限" }, ` 超时 ${breached}`) : ""));
      }))));
  }
}

export class HandoffMonitor {
  constructor(box, count, { state, select }) {
    this.box = box;
    this.count = count;
    this.state = state;
    this.select = select;
    this.phoneFor = null;  // the hand-off whose phone form is open
  }

  stageText(p) { return `${label(HANDOFF_STAGE, p.stage)} · ${p.agency_name || ""}`; }

  async load() {
    if (this.box.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    let data;
    try {
      data = await api("/v1/handoffs?limit=100");
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) console.warn("handoffs", err);
      return;
    }
    const items = (data && data.items) || [];
    const open = items.filter((h) => h.status !== "completed");
    const failed = items.filter((h) => h.status === "failed");
    this.count.textContent = `在办 ${open.length}${failed.length ? ` · 送达失败 ${failed.length}` : ""}`;
    this.count.classList.toggle("alarm-text", failed.length > 0);
    if (!items.length) { fill(this.box, el("p", { class: "quiet" }, "暂无移交")); return; }
    items.sort((a, b) => (a.status === "failed" ? 0 : 1) - (b.status === "failed" ? 0 : 1)
      || String(b.created_at).localeCompare(String(a.created_at)));
    fill(this.box, el("table", { class: "list", id: "handoff-table" }, el("tbody", {}, items.map((h) => this.row(h)))));
  }

  row(h) {
    const contact = h.agency_contact || {};
    const waitingAck = !h.acknowledged_at && h.status !== "completed";
    const actions = [];
    if (h.status === "failed") {
      actions.push(el("button", { class: "btn small danger", dataset: { retry: h.id }, onclick: (e) => { e.stopPropagation(); this.retry(h.id); } }, "重试"));
    }
    if (waitingAck) {
      actions.push(el("button", { class: "btn small", dataset: { phone: h.id }, onclick: (e) => { e.stopPropagation(); this.phoneFor = h.id; this.load(); } }, "电话移交"));
    }
    const cells = el("tr", { class: h.status === "failed" ? "alarm" : "", dataset: { handoff: h.id, status: h.status }, onclick: () => this.select(h.incident_id, true) },
      el("td", {}, label(HANDOFF_KIND, h.kind)),
      el("td", { class: "cut", title: h.agency_name }, h.agency_name),
      el("td", {}, el("span", { class: `hstatus ${h.status}` }, label(HANDOFF_STATUS, h.status))),
      el("td", { class: "mono", title: "对方联系电话" }, contact.phone || (contact.webhook === false ? "无接口，须电话" : "—")),
      el("td", {}, waitingAck && h.ack_due_at ? el("span", { class: "countdown", dataset: { due: h.ack_due_at } }, countdown(h.ack_due_at).text) : hms(h.acknowledged_at)),
      el("td", {}, actions));
    if (this.phoneFor !== h.id) return cells;
    return [cells, this.phoneForm(h)];
  }

  phoneForm(h) {
    const now = new Date();
    const who = el("input", { type: "text", id: "phone-who", maxlength: "60", placeholder: "对方接收人（姓名/单位）" });
    const when = el("input", { type: "text", id: "phone-when", maxlength: "20", value: `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}` });
    const send = async () => {
      if (who.value.trim().length < 2) { toast("请填写对方接收人", "error"); who.focus(); return; }
      try {
        await api(`/v1/handoffs/${encodeURIComponent(h.id)}/ack`, { method: "POST", body: {
          reference: who.value.trim(), note: `电话移交 ${when.value.trim()}` } });
        toast(`已记录电话移交：${h.agency_name}`, "ok");
        this.phoneFor = null;
        this.load();
      } catch (err) {
        toast(`记录失败：${explain(err)}`, "error");
      }
    };
    return el("tr", { class: "form-row" }, el("td", { colspan: "6" },
      el("div", { class: "row" }, who, when,
        el("button", { class: "btn small primary", id: "phone-send", onclick: send }, "确认已电话移交"),
        el("button", { class: "btn small", onclick: () => { this.phoneFor = null; this.load(); } }, "取消"))));
  }

  async retry(id) {
    try {
      await api(`/v1/handoffs/${encodeURIComponent(id)}/retry`, { method: "POST" });
      toast("已重新发送", "ok");
      this.load();
    } catch (err) {
      toast(`重试失败：${explain(err)}`, "error");
    }
  }
}
