// Missing persons in the consoles: Chinese labels of the workflow's codes, and the form
// that opens a case from a report (建立走失案件), prefilled with what triage extracted.
// Server text goes in through el() (text nodes) only.
import { api, ApiError, el, explain, toast } from "./console.js";

export const TARGET = {
  precinct_dispatched: "派出所出警", search_centre_activated: "启动失联人员查找中心",
  registered_broadcast: "登记并全市通报", risk_review: "风险复核", located: "找到人员",
};
export const TARGET_STATE = { met: "已完成", pending: "进行中", breached: "已超时", cancelled: "已取消" };
export const RISK = { high: ["高风险", "P1"], medium: ["中风险", "P2"], low: ["低风险", "P3"], absent: ["无明显风险", "P4"] };
export const CASE_STATUS = { open: "查找中", located: "已找到", closed: "已结案" };
export const PROFILE = { on_foot: "步行", child: "儿童", vehicle: "驾车/乘车" };
export const OUTCOME = {
  found_safe: "已找到（平安）", found_injured: "已找到（受伤）", found_deceased: "已找到（死亡）",
  returned: "已自行返回", false_report: "不实报告",
};
export const CONDITION = {
  dementia: "认知障碍", mental_illness: "精神疾病", depression: "抑郁", medication: "需按时服药", suicidal: "有轻生倾向",
};
export const SIGHTING_STATE = { verifying: "核查中", confirmed: "已确认本人", dismissed: "已排除" };
const GENDER = { male: "男", female: "女", unknown: "不详" };
const COMPONENT = {
  gender: "性别", age: "年龄", height: "身高", clothing: "衣着", features: "特征", conditions: "健康状况",
  place_time: "时间地点", veto: "否决",
};
const WORDS = [
  [/\bboth male\b/g, "均为男性"], [/\bboth female\b/g, "均为女性"], [/\bmale\b/g, "男"], [/\bfemale\b/g, "女"],
  [/ \(/g, "（"], [/\)/g, "）"], [/, /g, "，"], [/; /g, "；"], [/ y apart/g, " 岁之差"], [/ km away/g, " 公里"], [/\breach\b/g, "可达"], [/ km\b/g, " 公里"],
  [/ min\b/g, " 分钟"], [/ cm\b/g, " 厘米"], [/ vs /g, " 对 "], [/ in /g, "，用时 "], [/\bon_foot\b/g, "步行"],
  [/\bchild\b/g, "儿童"], [/\bvehicle\b/g, "驾车"], [/ not on record/g, "（案件未登记）"], [/ on record/g, "（与案件一致）"],
  [/\bseen (.+) before the last sighting/g, "早于最后出现时间 $1"], [/\bgender\b/g, "性别"], [/\bage\b/g, "年龄"],
];

// The matcher prints clothing as colour and garment codes ("grey jacket").
const CLOTHING = {
  navy: "藏青", brown: "棕色", khaki: "卡其", green: "绿色", black: "黑色", white: "白色", grey: "灰色",
  red: "红色", orange: "橙色", yellow: "黄色", blue: "蓝色", purple: "紫色", pink: "粉色",
  coat: "外套/棉服", jacket: "夹克", trousers: "长裤", shorts: "短裤", shirt: "衬衫/短袖", sweater: "毛衣",
  top: "上衣", skirt: "裙子", hat: "帽子", shoes: "鞋", scarf: "围巾", bag: "包",
};

function clothingZh(text) {
  // "grey jacket~grey jacket 1.00; ? coat~…" → "灰色夹克≈灰色夹克 100%"
  return text.replace(/(\S+) (\S+)~(\S+) (\S+) ([0-9.]+)/g, (_, c1, i1, c2, i2, sim) =>
    `${CLOTHING[c1] || (c1 === "?" ? "" : c1)}${CLOTHING[i1] || (i1 === "?" ? "" : i1)}≈${CLOTHING[c2] || (c2 === "?" ? "" : c2)}${CLOTHING[i2] || (i2 === "?" ? "" : i2)} ${Math.round(Number(sim) * 100)}%`);
}

// "clothing: grey jacket~grey jacket 1.00" → "衣着：…"; the codes the matcher prints become Chinese.
export function sightingReason(text) {
  const s = String(text || "");
  const at = s.indexOf(": ");
  const name = at > 0 ? s.slice(0, at) : "";
  let rest = at > 0 ? s.slice(at + 2) : s;
  if (name === "clothing") return `衣着：${clothingZh(rest)}`;
  if (name === "conditions") rest = rest.replace(/[a-z_]+(?=[,\s]|$)/g, (code) => CONDITION[code] || code);
  for (const [pattern, zh] of WORDS) rest = rest.replace(pattern, zh);
  return COMPONENT[name] ? `${COMPONENT[name]}：${rest}` : rest;
}

// "risk_review#2" → "风险复核（第2次）".
export function targetLabel(t) {
  const [name, n] = String(t.key || t.name || "").split("#");
  const text = TARGET[t.name || name] || t.name || name;
  return n ? `${text}（第${n}次）` : text;
}

export function riskChip(risk) {
  const grade = risk && typeof risk === "object" ? risk.grade : risk;
  const [text, cls] = RISK[grade] || [grade || "未评估", ""];
  return el("span", { class: `prio ${cls}`, title: "走失风险等级" }, text);
}

export function minutes(seconds) {
  if (seconds == null) return "—";
  const m = Math.round(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} 小时 ${m % 60} 分` : `${m} 分`;
}

// The case stages of an incident's timeline (incident.missing events), oldest first.
export function missingStages(inc) {
  return (inc.timeline || []).filter((e) => e.type === "incident.missing").map((e) => ({ ...(e.payload || {}), at: e.at, actor: e.actor }));
}

export function openedCaseId(inc) {
  const opened = missingStages(inc).find((s) => s.stage === "case_opened");
  return opened ? opened.case_id : null;
}

// A report about someone missing (not a sighting of someone found) may become a case.
export function isCaseReport(inc) {
  return inc && inc.category === "missing_person" && !(inc.extracted && inc.extracted.sighting === true)
    && !["received", "merged", "cancelled"].includes(inc.status);
}

// What the form starts from: triage's extraction (the same facts the server takes).
function prefill(inc) {
  const x = inc.extracted || {};
  const age = (x.ages || []).find((a) => a && (a.min != null || a.max != null));
  const h = x.height_cm;
  const range = (lo, hi) => (lo == null && hi == null ? "" : lo === hi || hi == null ? String(lo) : lo == null ? String(hi) : `${lo}-${hi}`);
  const proposal = missingStages(inc).find((s) => s.stage === "case_proposed") || {};
  const ago = ((x.times || []).find((t) => t && t.minutes_ago != null) || {}).minutes_ago;
  const places = (x.places || []).filter((p) => typeof p === "string");
  return {
    name: "", gender: x.gender || "unknown", age: age ? range(age.min, age.max) : "",
    height: h ? range(h.min, h.max) : "",
    clothing: (x.clothing || []).map((c) => c.text || [c.colour, c.item].filter(Boolean).join("")).join("、"),
    features: (x.features || []).join("、"),
    conditions: new Set((x.conditions || []).filter((c) => CONDITION[c])),
    address: inc.address || places[0] || "", minutes: ago != null ? String(ago) : "",
    placed: Boolean(inc.location && typeof inc.location.lat === "number"),
    risk: proposal.risk || null,
  };
}

function list(text) {
  return String(text).split(/[、,，;；\n]+/).map((s) => s.trim()).filter(Boolean);
}

// "70-75" → [70, 75]; "82" → 82; "" → null; anything else → NaN (refused before sending).
function numberOrRange(text) {
  const s = String(text).trim();
  if (!s) return null;
  const m = s.match(/^(\d{1,3})\s*[-–~至到]\s*(\d{1,3})$/);
  if (m) return [Number(m[1]), Number(m[2])];
  return /^\d{1,3}(\.\d+)?$/.test(s) ? Number(s) : NaN;
}

const MISSING_WHAT = {
  person: "请补充走失人员特征：性别、年龄、身高、衣着、体貌特征或姓名至少填写一项",
  last_seen: "请填写最后出现的地点",
  "last_seen.at": "请填写最后出现的时间",
};

// The 422's first field, e.g. "person: …" → "person".
function refusedField(err) {
  if (!(err instanceof ApiError) || err.status !== 422) return null;
  const m = String(err.message).match(/^([a-z_.]+):/);
  return m ? m[1] : null;
}

// The form 建立走失案件: prefilled from the report; only what the call-taker changed or
// added is sent with report_id, the server takes the rest from the report's triage.
export function caseForm(inc, onOpened) {
  const start = prefill(inc);
  const input = (id, value, placeholder, extra = {}) => el("input", { type: "text", id, value, placeholder, maxlength: "200", ...extra });
  const f = {
    name: input("mp-name", start.name, "姓名（如知道）"),
    gender: el("select", { id: "mp-gender" }, Object.entries(GENDER).map(([code, text]) =>
      el("option", { value: code, selected: code === start.gender }, text))),
    age: input("mp-age", start.age, "如 78 或 70-75", { maxlength: "9" }),
    height: input("mp-height", start.height, "厘米，如 170", { maxlength: "9" }),
    clothing: input("mp-clothing", start.clothing, "如 灰色夹克、黑色裤子"),
    features: input("mp-features", start.features, "如 拄拐杖、左脸有痣"),
    address: input("mp-address", start.address, "最后出现地点", { maxlength: "500" }),
    minutes: el("input", { type: "number", id: "mp-minutes", min: "0", max: "43200", step: "1", value: start.minutes, placeholder: "分钟前" }),
    reporter: input("mp-reporter", "", "报警人姓名"),
    relation: input("mp-relation", "", "与走失人关系，如 女儿"),
  };
  const conditions = Object.entries(CONDITION).map(([code, text]) => el("label", { class: "tag" },
    el("input", { type: "checkbox", value: code, checked: start.conditions.has(code) }), text));
  const describedAtStart = start.gender !== "unknown" || start.age || start.height || start.clothing || start.features;
  if (!describedAtStart) for (const k of ["gender", "age", "clothing"]) f[k].classList.add("missing");
  if (!start.address && !start.placed) f.address.classList.add("missing");
  const note = el("p", { class: "placement warn", id: "mp-note", hidden: describedAtStart && (start.address || start.placed) },
    !describedAtStart ? MISSING_WHAT.person : MISSING_WHAT.last_seen);
  const send = el("button", { type: "button", class: "btn primary", id: "mp-send" }, "建立走失案件");

  const body = () => {
    const person = {};
    if (f.name.value.trim()) person.name = f.name.value.trim();
    if (f.gender.value !== start.gender) person.gender = f.gender.value;
    if (f.age.value.trim() !== start.age) {
      const age = numberOrRange(f.age.value);
      if (Number.isNaN(age)) throw new Error("年龄请填写数字或范围，如 78 或 70-75");
      if (Array.isArray(age)) person.age_range = age; else if (age != null) person.age = Math.round(age);
    }
    if (f.height.value.trim() !== start.height) {
      const h = numberOrRange(f.height.value);
      if (Number.isNaN(h)) throw new Error("身高请填写厘米数，如 170 或 165-175");
      if (h != null) person.height_cm = h;
    }
    if (f.clothing.value.trim() !== start.clothing) person.clothing = list(f.clothing.value);
    if (f.features.value.trim() !== start.features) person.features = list(f.features.value);
    const chosen = conditions.map((l) => l.querySelector("input")).filter((c) => c.checked).map((c) => c.value);
    if ([...chosen].sort().join() !== [...start.conditions].sort().join()) person.conditions = chosen;
    const out = { report_id: inc.id };
    if (Object.keys(person).length) out.person = person;
    const lastSeen = {};
    if (f.address.value.trim() && f.address.value.trim() !== start.address) lastSeen.address = f.address.value.trim();
    if (f.minutes.value !== start.minutes && f.minutes.value !== "") {
      const ago = Number(f.minutes.value);
      if (!(ago >= 0)) throw new Error("最后出现时间请填写几分钟前");
      lastSeen.at = new Date(new Date(inc.received_at).getTime() - ago * 60000).toISOString();
    }
    if (Object.keys(lastSeen).length) out.last_seen = lastSeen;
    if (f.reporter.value.trim() || f.relation.value.trim()) {
      out.reporter = {};
      if (f.reporter.value.trim()) out.reporter.name = f.reporter.value.trim();
      if (f.relation.value.trim()) out.reporter.relation = f.relation.value.trim();
    }
    return out;
  };

  send.addEventListener("click", async () => {
    let payload;
    try { payload = body(); } catch (err) { toast(err.message, "error"); return; }
    send.disabled = true;
    try {
      const opened = await api("/v1/missing", { method: "POST", body: payload });
      toast(`已建立走失案件 ${opened.id}`, "ok");
      onOpened(opened);
    } catch (err) {
      const field = refusedField(err);
      if (field) {
        const what = MISSING_WHAT[field] || MISSING_WHAT[field.split(".")[0]] || explain(err);
        note.textContent = what;
        note.hidden = false;
        const focus = field.startsWith("last_seen") ? (field === "last_seen.at" ? f.minutes : f.address) : f.age;
        focus.classList.add("missing");
        focus.focus();
        toast(`未能建立：${what}`, "error");
      } else {
        toast(`建立走失案件失败：${explain(err)}`, "error");
      }
    } finally {
      send.disabled = false;
    }
  });

  const field = (text, node) => el("label", { class: "field" }, el("span", {}, text), node);
  return el("div", { class: "drawer-section case-form", id: "case-form", dataset: { report: inc.id } },
    el("div", { class: "section-title" }, "建立走失案件（已按报警内容预填，请核对并补充）"),
    start.risk ? el("p", { class: "quiet", id: "mp-risk" }, "预评估：", riskChip(start.risk),
      start.risk.criminal_case ? el("span", { class: "esc" }, " 须立即刑事立案") : null) : null,
    note,
    el("div", { class: "row" }, field("姓名", f.name), field("性别", f.gender), field("年龄", f.age), field("身高", f.height)),
    el("div", { class: "row" }, field("衣着", f.clothing), field("体貌特征", f.features)),
    el("div", { class: "actions" }, el("span", { class: "quiet" }, "健康状况："), conditions),
    el("div", { class: "row" }, field("最后出现地点", f.address), field("最后出现（几分钟前）", f.minutes)),
    el("div", { class: "row" }, field("报警人", f.reporter), field("关系", f.relation)),
    el("div", { class: "actions" }, send,
      el("span", { class: "quiet" }, "未填写的项按报警内容研判结果建立")));
}

// The section shown on a missing-person report: the button, the form, or the case opened.
export function caseSection(inc, onOpened) {
  const caseId = openedCaseId(inc);
  if (caseId) {
    return el("div", { class: "drawer-section", id: "case-opened" },
      el("div", { class: "section-title" }, "走失案件"),
      el("p", {}, "已建立走失案件 ", el("span", { class: "mono", id: "case-opened-id" }, caseId)));
  }
  const box = el("div", { class: "drawer-section", id: "case-section" });
  const open = el("button", { type: "button", class: "btn primary", id: "case-open" }, "建立走失案件");
  open.addEventListener("click", () => {
    box.replaceChildren(caseForm(inc, (opened) => {
      box.replaceChildren(el("div", { class: "section-title" }, "走失案件"),
        el("p", {}, "已建立走失案件 ", el("span", { class: "mono", id: "case-opened-id" }, opened.id)));
      onOpened(opened);
    }));
  });
  box.append(el("div", { class: "actions" }, open,
    el("span", { class: "quiet" }, "人员走失警情：一键建立专案，自动预填人员特征与最后出现信息")));
  return box;
}

export const STAGE = {
  case_proposed: "建议建立走失案件", case_not_proposed: "未能建议建案", case_opened: "已建立走失案件",
  case_closed: "走失案件结案", sighting_matched: "匹配到走失案件", verification_requested: "请求派出所核查",
  verified: "已确认是本人", dismissed: "核查：不是本人", sighting_candidates: "可能相关的走失案件",
  found_registered: "登记为已找到人员", sighting_unusable: "线索无法比对",
};

// One timeline line for an incident.missing event, in Chinese.
export function stageText(p) {
  const parts = [STAGE[p.stage] || p.stage];
  if (p.case_id) parts.push(`案件 ${p.case_id}`);
  if (p.score != null) parts.push(`匹配度 ${Math.round(p.score * 100)}%`);
  if (p.description) parts.push(`人员：${p.description}`);
  if (p.outcome) parts.push(OUTCOME[p.outcome] || p.outcome);
  if (p.note) parts.push(`说明：${p.note}`);
  return parts.join(" · ");
}

// The precinct sent to verify a sighting: the case description and 确认是本人 / 不是本人.
// onDone() after the answer was recorded (the detail reloads).
export function verificationSection(inc, onDone) {
  const stages = missingStages(inc);
  const request = stages.filter((s) => s.stage === "verification_requested").pop();
  if (!request) return null;
  const matched = stages.filter((s) => s.stage === "sighting_matched" && s.case_id === request.case_id).pop() || {};
  const answered = stages.filter((s) => (s.stage === "verified" || s.stage === "dismissed") && s.case_id === request.case_id).pop();
  const facts = el("div", { class: "quiet", id: "verify-case" }, "加载案件信息…");
  api(`/v1/missing/${encodeURIComponent(request.case_id)}`).then((c) => {
    const ls = c.last_seen || {};
    const where = ls.address || (typeof ls.lat === "number" ? `${ls.lat.toFixed(5)}, ${ls.lon.toFixed(5)}` : "—");
    facts.replaceChildren(riskChip(c.risk), ` 最后出现：${where} · `,
      el("span", { class: "mono" }, new Date(ls.at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false })),
      c.status !== "open" ? ` · 案件${CASE_STATUS[c.status] || c.status}` : "");
  }).catch((err) => facts.replaceChildren(explain(err)));
  const box = el("div", { class: "verification", id: "verification", dataset: { case: request.case_id } },
    el("div", { class: "section-title" }, "走失人员核查（指挥中心请求）"),
    el("div", {}, "案件 ", el("span", { class: "mono" }, request.case_id),
      matched.score != null ? ` · 匹配度 ${Math.round(matched.score * 100)}%` : ""),
    el("div", { class: "description", id: "verify-description" }, request.description || matched.description || "—"),
    facts,
    matched.reasons ? el("ul", { class: "cues" }, matched.reasons.map((r) => el("li", {}, sightingReason(r)))) : null);
  if (answered) {
    box.append(el("p", { id: "verify-result" }, answered.stage === "verified" ? "已确认是本人" : "已确认不是本人",
      `（${answered.actor || ""}）`));
    return box;
  }
  const note = el("input", { type: "text", id: "verify-note", maxlength: "500", placeholder: "核查说明（可选）" });
  const closeToo = el("input", { type: "checkbox", id: "verify-close" });
  const send = async (action) => {
    const body = { note: note.value.trim() };
    if (action === "confirm" && closeToo.checked) body.close_as = "found_safe";
    try {
      await api(`/v1/missing/${encodeURIComponent(request.case_id)}/sightings/${encodeURIComponent(inc.id)}/${action}`, { method: "POST", body });
      toast(action === "confirm" ? "已确认是本人，走失案件已更新" : "已反馈：不是本人", "ok");
      onDone();
    } catch (err) {
      toast(`核查反馈失败：${explain(err)}`, "error");
    }
  };
  box.append(el("div", { class: "row" }, note),
    el("div", { class: "actions" },
      el("button", { type: "button", class: "btn primary", id: "verify-confirm", onclick: () => send("confirm") }, "确认是本人"),
      el("button", { type: "button", class: "btn", id: "verify-dismiss", onclick: () => send("dismiss") }, "不是本人"),
      el("label", { class: "tag" }, closeToo, "平安找到，同时结案")));
  return box;
}
