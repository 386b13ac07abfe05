// Every caller counts (一警多报): what a later caller of a merged incident added, as the
// pipeline recorded it (incident.retriaged / assigned / located with by_caller), shown so
// the officer sees it at once: a 新情况 chip on the card, a banner and marked timeline rows.
import { el, FLAG, hms, label } from "./console.js";
import { LIFE_RISK } from "./questions.js";

// One change record (the retriaged event's `changed`) in Chinese.
export function changeText(changed) {
  const parts = [];
  if (!changed) return "";
  if (changed.priority) parts.push(`级别 ${changed.priority.from} → ${changed.priority.to}`);
  if ((changed.flags || []).length) parts.push(`新增标记：${changed.flags.map((f) => label(FLAG, f)).join("、")}`);
  if ((changed.life_risk || []).length) parts.push(`生命危险：${changed.life_risk.map((k) => label(LIFE_RISK, k)).join("、")}`);
  return parts.join("；");
}

// The events a later caller caused, oldest first.
export function callerEvents(inc) {
  return (inc.timeline || []).filter((ev) => ev.payload && ev.payload.by_caller);
}

// True when a feed message says a later caller changed the incident.
export function isCallerChange(msg) {
  return !!(msg && msg.payload && msg.payload.by_caller);
}

// The banner above the detail: each caller's additions, newest first.
export function callerBanner(inc) {
  const rows = callerEvents(inc).filter((ev) => ev.type === "incident.retriaged" || ev.type === "incident.located"
    || ev.type === "incident.escalated");
  if (!rows.length) return null;
  return el("div", { class: "caller-change-banner", id: "caller-changes" },
    el("strong", {}, `后续报警人补充情况（${rows.length}）`),
    el("ul", {}, rows.slice().reverse().map((ev) => el("li", {},
      el("span", { class: "mono" }, hms(ev.at)), " ",
      el("span", { class: "mono" }, ev.payload.by_caller), "：",
      ev.type === "incident.located" ? "提供了更准确的位置"
        : ev.type === "incident.escalated" ? "反映情况危及生命，已升级"
          : changeText(ev.payload.changed)))));
}

// The chip on a card whose incident a later caller changed since the officer last opened it.
export function callerChip(summary) {
  return summary ? el("span", { class: "chip caller-change", title: summary }, "新情况") : null;
}
