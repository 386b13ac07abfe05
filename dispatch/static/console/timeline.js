// What the consoles say about events, actors, reasons and time, in Chinese. The wire stays
// English (event types, reasons written by the pipeline); nothing English reaches a person.
import { api, CATEGORY, el, EVENT, FLAG, hms, label, STATUS, UNIT_STATUS } from "./console.js";

export const ROLE = { call_taker: "接警员", precinct: "派出所", command: "指挥中心", analyst: "分析员",
  admin: "管理员", unit: "警力", agency: "外单位", desk: "值班台", author: "网民" };

export const HANDOFF_STAGE = {
  created: "已生成移交单", sent: "已送达", delivery_failed: "送达失败", retry_requested: "重新发送",
  acknowledged: "对方已接收", outcome: "对方反馈结果", ack_overdue: "对方签收超时",
  locate_overdue: "两小时未查找到", caller_told: "已告知报警人", unrouted: "无对口单位",
  held: "暂缓移交", outcome_returned: "结果已回传12345", outcome_return_failed: "结果回传失败",
};
export const HANDOFF_STATUS = { pending: "待送达", sent: "已送达", failed: "送达失败", acknowledged: "已接收", completed: "已办结" };
export const HANDOFF_KIND = { cross_jurisdiction: "跨辖区移交", to_12345: "转12345" };
export const MISSING_STAGE = {
  case_proposed: "建议立走失案", case_opened: "已立走失案", case_closed: "走失案已结",
  sighting_matched: "疑似走失人员线索", verification_requested: "请核实是否本人", verified: "已确认是本人",
  dismissed: "已排除（不是本人）", sighting_candidates: "可能相关的走失案", found_registered: "已登记发现人员",
  sighting_unusable: "线索信息不足", case_not_proposed: "未建议立案",
};
export const SATISFACTION = { satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" };

// The pipeline's reasons, as a person would say them.
const REASONS = [
  [/^precinct containing the location$/, "按事发位置所属派出所派警"],
  [/^no precinct in jurisdiction: command centre confirms$/, "未能定位到派出所，由指挥中心确认位置"],
  [/^assignment not acknowledged in time$/, "超时未签收"],
  [/^re-routed: priority (P\d) → (P\d)$/, "改判级别 $1 → $2，重新派警"],
  [/^location corrected: picked (.*)$/, "位置已更正（选定：$1）"],
  [/^location corrected: placed on the map$/, "位置已更正（地图点选）"],
  [/^location corrected: (.*)$/, "位置已更正：$1"],
  [/^picked (.*)$/, "选定：$1"],
  [/^placed on the map$/, "地图点选"],
  [/^no unit on scene within the arrival target$/, "未在到场时限内到达现场"],
  [/^a later caller \((.*)\) reports something more urgent$/, "后续报警人（$1）反映情况更紧急"],
  [/^accepted by (.*) \((.*)\)$/, "$1 已接收（$2）"],
];

export function reasonText(reason) {
  if (!reason) return "";
  for (const [pattern, text] of REASONS) if (pattern.test(reason)) return reason.replace(pattern, text);
  return /[\u4e00-\u9fff]/.test(reason) ? reason : `（系统说明）${reason}`;
}

// "precinct:150203001:张伟" → "友谊大街派出所 张伟"; "system" → "系统".
export function actorText(actor, names = new Map()) {
  if (!actor || actor === "system") return "系统";
  const [role, id, name] = String(actor).split(":");
  if (role === "precinct") return [names.get(id) || `派出所 ${id || ""}`, name].filter(Boolean).join(" ");
  if (role === "unit") return `警力 ${id || ""}`;
  const who = ROLE[role] || role;
  return id && id !== role && id !== "sim" ? `${who} ${id}` : who;
}

export function precinctText(id, names) {
  if (!id) return "未分派";
  if (id === "command") return "指挥中心";
  return names.get(id) || id;
}

// Minutes since the call: "3 分", "1 小时 12 分".
export function since(iso, now = Date.now()) {
  if (!iso) return "—";
  const min = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60000));
  return min >= 60 ? `${Math.floor(min / 60)} 小时 ${min % 60} 分` : `${min} 分`;
}

// A ticking "已过 N 分" node; tickElapsed() updates every node on the page.
export function elapsedNode(iso) {
  return el("span", { class: "elapsed mono", dataset: { since: iso || "" }, title: "距接警" }, since(iso));
}

export function tickElapsed() {
  for (const node of document.querySelectorAll(".elapsed[data-since]")) {
    if (node.dataset.since) node.textContent = since(node.dataset.since);
  }
}

export function describeEvent(ev, names = new Map(), units = new Map()) {
  const p = ev.payload || {};
  const parts = [];
  if (ev.type === "incident.handoff") parts.push(label(HANDOFF_STAGE, p.stage), p.agency_name || "");
  if (ev.type === "incident.missing") parts.push(label(MISSING_STAGE, p.stage), p.case_id || "", p.description || "");
  if (ev.type === "incident.answered") parts.push(`答复：${p.answer || ""}`);
  if (ev.type === "incident.located") {
    if (p.corrected) parts.push("人工更正位置");
    if (p.place || p.address) parts.push(p.place || p.address);
    if (p.precinct_name || p.district_name) parts.push([p.district_name, p.precinct_name].filter(Boolean).join(" "));
    else if (p.in_jurisdiction === false) parts.push(`辖区外 ${p.city || p.province || ""}`);
    if (p.radius_m) parts.push(`误差约 ${p.radius_m >= 1000 ? `${(p.radius_m / 1000).toFixed(1)} 公里` : `${Math.round(p.radius_m)} 米`}`);
  }
  if (p.category || p.priority) parts.push([p.priority, p.category && label(CATEGORY, p.category)].filter(Boolean).join(" "));
  if (ev.type === "incident.assigned" || ev.type === "incident.escalated") {
    if (p.precinct) parts.push(`${p.reassigned_from ? "转派至" : "派往"} ${precinctText(p.precinct, names)}`);
  }
  if (p.status && ev.type === "incident.status_changed") parts.push(label(STATUS, p.status));
  if (p.disposition && p.disposition.label) parts.push(`处置结果：${p.disposition.label}`);
  if (p.level) parts.push(`升级至第 ${p.level} 级`);
  if (p.unit_id) parts.push(`警力 ${unitText(p.unit_id, units)}`);
  if (p.flags && p.flags.length && ev.type !== "incident.located") parts.push(p.flags.map((f) => label(FLAG, f)).join("、"));
  if (p.reason) parts.push(`原因：${reasonText(p.reason)}`);
  if ((ev.type === "report.received" || ev.type === "incident.caller_added") && p.text) parts.push(p.text);
  if (p.into) parts.push(`并入 ${p.into}`);
  if (p.satisfaction) parts.push(`回访：${label(SATISFACTION, p.satisfaction)}${p.comment ? `（${p.comment}）` : ""}`);
  if (p.note) parts.push(`备注：${p.note}`);
  if (p.reference) parts.push(`对方：${p.reference}`);
  return parts.filter(Boolean).join(" · ");
}

export function timelineList(timeline, names, units) {
  return el("ol", { class: "timeline" }, (timeline || []).map((ev) => el("li", { dataset: { type: ev.type } },
    el("span", { class: "when" }, hms(ev.at)),
    el("span", { class: "what" }, label(EVENT, ev.type)),
    el("span", { class: "actor" }, actorText(ev.actor, names)),
    el("div", { class: "note" }, describeEvent(ev, names, units)))));
}

// Units by id, for call signs ("林荫路巡2" instead of "U150203004-02").
export function unitText(id, units) {
  const u = units && units.get(id);
  return u ? (u.call_sign || u.name || id) : id;
}

export function unitLabel(status) { return label(UNIT_STATUS, status); }

let dispositions = null;

// The fixed registry of dispositions (GET /v1/dispositions), loaded once.
export async function loadDispositions() {
  if (!dispositions) dispositions = api("/v1/dispositions").then((d) => d.items || []).catch(() => { dispositions = null; return []; });
  return dispositions;
}

// <select> of dispositions; answerOnly: those that may close an answered matter.
export async function dispositionSelect(id, answerOnly = false) {
  const items = (await loadDispositions()).filter((d) => !answerOnly || d.answer);
  return el("select", { id }, el("option", { value: "" }, "选择处置结果…"),
    items.map((d) => el("option", { value: d.code }, d.label)));
}

// The latest case proposal / verification request on an incident's timeline.
export function missingStage(timeline, stage) {
  return [...(timeline || [])].reverse().find((e) => e.type === "incident.missing" && (e.payload || {}).stage === stage);
}

// A consultation or P4 matter nobody has driven to yet may be answered on the spot.
export function canAnswer(inc) {
  return ["triaged", "assigned", "acknowledged"].includes(inc.status)
    && (["consultation", "non_police"].includes(inc.category) || inc.priority === "P4");
}
