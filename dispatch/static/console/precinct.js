// Precinct console: live assignments, ack with countdown, P1 alert, detail, units, map.
import {
  $, ACTIVE, actorName, api, ApiError, beep, CATEGORY, CHANNEL, claims, countdown, el, escalationChip,
  EVENT, explain, Feed, fill, flagChips, handoffText, header, hms, label, loadUnitNames, PRECINCT_NAMES,
  prioChip, prioRank, reasonText, SATISFACTION, shortcutHint, shortcuts, showConnection, sinceChip,
  STATUS, statusChip, tickSince, toast, token, UNIT_STATUS, unitName, unlockAudio,
} from "./console.js";
import { timelineFindings } from "./synthesis.js";
import { closeForm, isAnswerable, onSpotForm } from "./closing.js";
import { DispatchMap } from "./map.js";
import { stageText, verificationSection } from "./missing.js";
import { callerBanner, callerChip, changeText, isCallerChange } from "./caller_changes.js";

// Status buttons offered after the ack (the server's status machine has the last word).
const NEXT = {
  acknowledged: [["en_route", "出警"], ["on_scene", "到达现场"], ["resolved", "处置完毕"]],
  en_route: [["on_scene", "到达现场"], ["resolved", "处置完毕"]],
  on_scene: [["resolved", "处置完毕"]],
  // resolved: 结案 asks for a disposition (closeForm)
};

const state = {
  precinct: null,
  incidents: new Map(),   // id → incident summary
  selected: null,
  feed: null,
  map: null,
  alerted: new Set(),     // P1 ids already beeped for
  names: new Map(),       // precinct id → name, for the timeline
  verify: new Set(),      // incidents this precinct was asked to verify (走失核查)
  changed: new Map(),     // id → what a later caller added, until the officer opens it
};

function precinctId() {
  const url = new URL(window.location.href);
  const id = url.searchParams.get("precinct") || claims().precinct
    || sessionStorage.getItem("dispatch.precinct");
  if (id) sessionStorage.setItem("dispatch.precinct", id);
  return id;
}

// ---------------------------------------------------------------------------------------
// Assignment list

function ordered() {
  return [...state.incidents.values()].sort((a, b) =>
    prioRank(a.priority) - prioRank(b.priority)
    || (a.status === "assigned" ? 0 : 1) - (b.status === "assigned" ? 0 : 1)
    || String(a.received_at).localeCompare(String(b.received_at)));
}

function card(inc) {
  const unacked = inc.status === "assigned";
  const due = unacked && inc.ack_due_at
    ? el("span", { class: "countdown", dataset: { due: inc.ack_due_at } }, countdown(inc.ack_due_at).text)
    : null;
  const ack = unacked
    ? el("button", { class: "btn ack", dataset: { ack: inc.id }, onclick: (e) => { e.stopPropagation(); ackIncident(inc.id); } }, "签收")
    : null;
  return el("article", {
    class: `card ${inc.priority || ""} ${unacked ? "unacked" : ""} ${inc.id === state.selected ? "selected" : ""}`,
    dataset: { id: inc.id, status: inc.status, priority: inc.priority || "" },
    onclick: () => select(inc.id),
  },
  el("div", { class: "head" },
    prioChip(inc.priority), el("strong", {}, label(CATEGORY, inc.category)), ...flagChips(inc.flags),
    state.verify.has(inc.id) ? el("span", { class: "chip mp" }, "走失核查") : null,
    state.changed.has(inc.id) ? callerChip(state.changed.get(inc.id)) : null,
    escalationChip(inc.escalation_level), el("span", { class: "grow" }), due, statusChip(inc.status), ack),
  el("div", { class: "text" }, inc.text || ""),
  el("div", { class: "meta" },
    el("span", { class: "mono" }, hms(inc.received_at)), sinceChip(inc.received_at),
    el("span", {}, label(CHANNEL, inc.channel)),
    inc.address ? el("span", {}, inc.address) : null,
    el("span", { class: "mono" }, inc.id)));
}

function renderList() {
  const list = ordered();
  $("#assign-count").textContent = `${list.length} 条 · 待签收 ${list.filter((i) => i.status === "assigned").length}`;
  if (!list.length) fill($("#assignments"), el("p", { class: "quiet" }, "暂无在办警情"));
  else fill($("#assignments"), list.map(card));
  renderBanner();
}

function renderBanner() {
  const p1 = ordered().filter((i) => i.priority === "P1" && i.status === "assigned");
  $("#p1-banner").classList.toggle("on", p1.length > 0);
  $("#p1-banner-text").textContent = p1.length
    ? `${p1.length} 起：${p1.map((i) => label(CATEGORY, i.category)).join("、")}` : "";
}

// Countdowns tick without re-rendering the list.
function tick() {
  tickSince();
  for (const node of document.querySelectorAll(".countdown[data-due]")) {
    const c = countdown(node.dataset.due);
    node.textContent = c.text;
    node.classList.toggle("overdue", c.overdue);
  }
}

// Keep the beep going every 10 s while a P1 is unacknowledged.
function alarm() {
  if (ordered().some((i) => i.priority === "P1" && i.status === "assigned")) beep();
}

function upsert(inc) {
  if (!inc || !inc.id) return;
  const mine = inc.precinct === state.precinct && ACTIVE.has(inc.status);
  if (mine) state.incidents.set(inc.id, inc);
  else state.incidents.delete(inc.id);
  if (state.map) state.map.setIncident(mine ? inc : { ...inc, status: "closed" });
  if (mine && inc.priority === "P1" && inc.status === "assigned" && !state.alerted.has(inc.id)) {
    state.alerted.add(inc.id);
    beep();
  }
}

// ---------------------------------------------------------------------------------------
// Actions

async function ackIncident(id) {
  // Per-event acknowledgment over the subscription; HTTP when the socket is down.
  if (state.feed.send({ type: "ack", incident_id: id })) return;
  try {
    upsert(await api(`/v1/incidents/${encodeURIComponent(id)}/ack`, { method: "POST" }));
    renderList();
    toast("已签收", "ok");
  } catch (err) {
    toast(`签收失败：${explain(err)}`, "error");
  }
}

function onAckResult(result) {
  if (result.ok) toast(`已签收 ${result.incident_id}`, "ok");
  else toast(`签收失败：${result.error || "未知原因"}`, "error");
}

async function setStatus(id, status) {
  const reason = ($("#status-reason") && $("#status-reason").value.trim()) || null;
  try {
    upsert(await api(`/v1/incidents/${encodeURIComponent(id)}/status`, {
      method: "POST", body: reason ? { status, reason } : { status },
    }));
    renderList();
    showDetail(id);
  } catch (err) {
    const allowed = err instanceof ApiError && err.body && err.body.allowed;
    toast(allowed ? `不允许：可改为 ${allowed.map((s) => label(STATUS, s)).join("、")}` : explain(err), "error");
  }
}

// 派遣: the unit goes, and the incident with it moves to 出警 (signed for first if needed).
async function assignUnit(id, unitId) {
  try {
    let inc = await api(`/v1/incidents/${encodeURIComponent(id)}/units`, { method: "POST", body: { unit_id: unitId } });
    if (inc.status === "assigned") inc = await api(`/v1/incidents/${encodeURIComponent(id)}/ack`, { method: "POST" });
    if (inc.status === "acknowledged") {
      inc = await api(`/v1/incidents/${encodeURIComponent(id)}/status`, { method: "POST", body: { status: "en_route", reason: `派遣 ${unitName(unitId)}` } });
    }
    upsert(inc);
    toast(`已派遣 ${unitName(unitId)}，警情转为出警`, "ok");
    renderList();
    showDetail(id);
    loadUnits();
  } catch (err) {
    toast(`派车失败：${explain(err)}`, "error");
  }
}

// ---------------------------------------------------------------------------------------
// Detail: state, timeline, status buttons, recommendations

function select(id) {
  state.selected = id;
  if (state.changed.delete(id)) renderList();
  for (const node of document.querySelectorAll(".card")) node.classList.toggle("selected", node.dataset.id === id);
  showDetail(id);
  if (state.map) state.map.flyTo(state.incidents.get(id));
}

function describeEvent(ev) {
  const p = ev.payload || {};
  if (ev.type === "incident.missing") return stageText(p);
  if (ev.type === "incident.handoff") return handoffText(p);
  const parts = [];
  if (p.category || p.priority) parts.push([p.priority, p.category && label(CATEGORY, p.category)].filter(Boolean).join(" "));
  if (p.precinct) parts.push(`派出所 ${state.names.get(p.precinct) || p.precinct}`);
  if (p.status) parts.push(label(STATUS, p.status));
  if (p.level) parts.push(`升级至第 ${p.level} 级`);
  if (p.unit_id) parts.push(`警力 ${unitName(p.unit_id)}`);
  if (p.disposition_label) parts.push(`处置结果：${p.disposition_label}`);
  if (p.answer) parts.push(`答复：${p.answer}`);
  if (p.reason) parts.push(`原因：${reasonText(p.reason)}`);
  if (["report.received", "incident.caller_added", "incident.details_added"].includes(ev.type) && p.text) parts.push(p.text);
  if (p.into) parts.push(`并入 ${p.into}`);
  if (p.satisfaction) parts.push(`满意度 ${SATISFACTION[p.satisfaction] || p.satisfaction}`);
  return parts.join(" · ");
}

let detailSeq = 0;

// What a detail shows changes with its status, owner and timeline; the same version is not
// drawn again (a feed event for a change this console just made would wipe the form).
function detailVersion(inc) {
  return [inc.id, inc.status, inc.precinct, (inc.timeline || []).length, inc.escalation_level || 0].join("|");
}

// What the officer has typed or picked in the detail, put back after it is drawn again
// for the same incident (the disposition picked, a note half written, the focus).
function keepTyped(box, id) {
  if (box.dataset.incident !== id) return () => {};
  const saved = [...box.querySelectorAll("input[id], textarea[id], select[id]")]
    .filter((e) => e.value).map((e) => [e.id, e.value]);
  const focused = box.contains(document.activeElement) ? document.activeElement.id : "";
  const put = () => {
    for (const [key, value] of saved) {
      const e = document.getElementById(key);
      if (e && box.contains(e) && !e.value) e.value = value;
    }
  };
  return () => {
    put();
    setTimeout(put, 0); // a select whose options arrive a moment later
    const f = focused && document.getElementById(focused);
    if (f && box.contains(f)) f.focus();
  };
}

async function showDetail(id) {
  const seq = ++detailSeq;
  const box = $("#detail");
  let inc;
  try {
    inc = await api(`/v1/incidents/${encodeURIComponent(id)}`);
  } catch (err) {
    // Need to know (docs/api.md, "Access"): an incident that left this precinct (转派) is
    // another precinct's now, and its detail is refused.
    const gone = err instanceof ApiError && err.status === 403;
    if (seq === detailSeq) {
      fill(box, el("p", { class: "quiet error-line" }, gone ? "该警情已不属于本所（已转派），无权查看详情" : explain(err)));
      box.dataset.version = "";
    }
    if (gone && state.selected === id) state.selected = null;
    return;
  }
  if (seq !== detailSeq) return;
  if (box.dataset.version === detailVersion(inc)) return;
  const restore = keepTyped(box, inc.id);
  box.dataset.incident = inc.id;
  box.dataset.version = detailVersion(inc);
  const loc = inc.location;
  const actions = (NEXT[inc.status] || []).map(([status, text]) =>
    el("button", { class: "btn", dataset: { status }, onclick: () => setStatus(inc.id, status) }, text));
  if (inc.status === "assigned") {
    actions.unshift(el("button", { class: "btn ack", onclick: () => ackIncident(inc.id) }, "签收"));
  }
  const recs = el("div", { id: "recommendations" }, el("p", { class: "quiet" }, "加载推荐警力…"));
  fill(box,
    el("div", { class: "preview-head" }, prioChip(inc.priority), el("strong", {}, label(CATEGORY, inc.category)),
      ...flagChips(inc.flags), statusChip(inc.status), escalationChip(inc.escalation_level)),
    callerBanner(inc),
    el("dl", { class: "kv" },
      el("dt", {}, "警情编号"), el("dd", { class: "mono" }, inc.id),
      el("dt", {}, "报警内容"), el("dd", { id: "detail-text" }, inc.text || ""),
      el("dt", {}, "地址"), el("dd", {}, inc.address || "—"),
      el("dt", {}, "位置"), el("dd", { class: "mono" }, loc && typeof loc.lat === "number" ? `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}` : "—"),
      el("dt", {}, "来源"), el("dd", {}, label(CHANNEL, inc.channel)),
      el("dt", {}, "报警电话"), el("dd", { class: "mono", id: "detail-phone" }, inc.caller_phone_hidden
        ? `${(inc.caller && inc.caller.phone) || ""}（无权查看完整号码）` : ((inc.caller && inc.caller.phone) || "—")),
      el("dt", {}, "接警时间"), el("dd", {}, el("span", { class: "mono" }, hms(inc.received_at)), " · 已历时 ", sinceChip(inc.received_at)),
      el("dt", {}, "签收时限"), el("dd", { class: "mono" }, inc.ack_due_at ? hms(inc.ack_due_at) : "—"),
      el("dt", {}, "签收"), el("dd", {}, inc.acknowledged_by ? `${actorName(inc.acknowledged_by)} ${hms(inc.acknowledged_at)}` : "—"),
      el("dt", {}, "报警人数"), el("dd", {}, String(inc.callers || 1)),
      el("dt", {}, "到场时限"), el("dd", { class: "mono" }, inc.arrival_due_at ? hms(inc.arrival_due_at) : "—",
        (inc.breaches || []).length ? el("span", { class: "esc" }, ` 超时：${inc.breaches.join("、")}`) : null),
      el("dt", {}, "出警警力"), el("dd", { id: "detail-units" }, (inc.units || []).length
        ? (inc.units || []).map((u, i) => [i ? "、" : "", el("span", { title: u, dataset: { unit: u } }, unitName(u))]) : "—")),
    el("div", { class: "actions" }, actions.length ? actions
      : el("span", { class: "quiet" }, inc.status === "resolved" ? "请选择处置结果后结案" : "当前状态无需操作"),
      actions.length ? el("input", { type: "text", id: "status-reason", placeholder: "说明（可选）", maxlength: "200" }) : null),
    verificationSection(inc, () => showDetail(inc.id)),
    inc.status === "resolved" ? closeForm(inc, closed) : null,
    isAnswerable(inc) ? onSpotForm(inc, closed) : null,
    timelineFindings(inc, { onIncident: showDetail }),
    el("div", { class: "section-title" }, "推荐警力"),
    recs,
    el("div", { class: "section-title" }, `时间线（${(inc.timeline || []).length}）`),
    el("ol", { class: "timeline" }, (inc.timeline || []).map((ev) => el("li", {
      class: ev.payload && ev.payload.by_caller ? "caller-change" : "" },
      el("span", { class: "when" }, hms(ev.at)),
      el("span", { class: "what" }, label(EVENT, ev.type)),
      el("span", { class: "actor", title: ev.actor || "" }, actorName(ev.actor)),
      el("div", { class: "note" }, describeEvent(ev))))));
  restore();
  loadRecommendations(inc, recs);
}

// After 结案 or 当场答复: the card leaves the list; the detail shows the closed incident.
function closed(updated) {
  upsert(updated);
  renderList();
  showDetail(updated.id);
}

async function loadRecommendations(inc, box) {
  if (!ACTIVE.has(inc.status)) { fill(box, el("p", { class: "quiet" }, "—")); return; }
  try {
    const data = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/recommendations`);
    // The box this render drew is still shown: fill it, even when a later showDetail found
    // nothing changed and kept it (its own load would not come).
    if (!box.isConnected) return;
    const items = (data && data.items) || [];
    if (!items.length) {
      fill(box, el("p", { class: "quiet" }, data && data.reason === "out_of_area" ? "事发地不在本市辖区，由指挥中心移交当地公安机关" : "暂无可用警力"));
      return;
    }
    fill(box, el("table", { class: "list" },
      el("thead", {}, el("tr", {}, ["警力", "所属", "状态", "距离", "预计到达", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, items.slice(0, 6).map((u) => el("tr", {},
        el("td", { title: u.unit_id }, u.name || unitName(u.unit_id)),
        el("td", {}, state.names.get(u.precinct) || u.precinct || ""),
        el("td", {}, label(UNIT_STATUS, u.status)),
        el("td", { class: "mono" }, u.distance_m != null ? `${(u.distance_m / 1000).toFixed(1)} km` : "—"),
        el("td", { class: "mono" }, u.eta_s != null ? `${Math.round(u.eta_s / 60)} 分` : "—"),
        el("td", {}, el("button", { class: "btn small", dataset: { unit: u.unit_id }, onclick: () => assignUnit(inc.id, u.unit_id) }, "派遣")))))));
  } catch (err) {
    if (box.isConnected) fill(box, el("p", { class: "quiet" }, err instanceof ApiError && err.status === 404 ? "警力推荐暂未开放" : explain(err)));
  }
}

async function loadUnits() {
  try {
    const data = await api(`/v1/units?precinct=${encodeURIComponent(state.precinct)}`);
    const units = Array.isArray(data) ? data : (data && data.items) || [];
    for (const u of units) state.map.setUnit(u);
    $("#units-note").textContent = `警力 ${units.length}`;
  } catch (err) {
    $("#units-note").textContent = err instanceof ApiError && err.status === 404 ? "警力位置暂未开放" : "";
  }
}

// ---------------------------------------------------------------------------------------
// Keyboard: A (or Enter) signs for the selected assignment, else the most urgent waiting
// one; J/K move through the list; D sends the fastest recommended unit (and 出警).

function ackSelected() {
  const list = ordered();
  const chosen = list.find((i) => i.id === state.selected && i.status === "assigned")
    || list.find((i) => i.status === "assigned");
  if (!chosen) { toast("没有待签收的警情", "error"); return; }
  select(chosen.id);
  ackIncident(chosen.id);
}

function step(delta) {
  const list = ordered();
  if (!list.length) return;
  const at = list.findIndex((i) => i.id === state.selected);
  const next = list[Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + delta))];
  select(next.id);
  const node = document.querySelector(`#assignments .card[data-id="${CSS.escape(next.id)}"]`);
  if (node) node.scrollIntoView({ block: "nearest" });
}

function dispatchFirst() {
  const button = document.querySelector("#recommendations [data-unit]");
  if (button) button.click(); else toast("请先选择警情；暂无可派遣的推荐警力", "error");
}

// ---------------------------------------------------------------------------------------
// Feed events

let detailTimer = null;

function onEvent(msg) {
  // A unit changed (status or position): its marker follows, coloured by status.
  if (typeof msg.type === "string" && msg.type.startsWith("unit.") && msg.payload && msg.payload.id) {
    if (state.map) state.map.setUnit(msg.payload);
    return;
  }
  if (msg.type === "incident.missing" && msg.payload && msg.payload.stage === "verification_requested") state.verify.add(msg.incident_id);
  if (msg.type === "missing.verification" && msg.payload && msg.payload.incident_id) state.verify.add(msg.payload.incident_id);
  if (isCallerChange(msg) && msg.incident_id !== state.selected) {
    state.changed.set(msg.incident_id, changeText(msg.payload.changed) || "后续报警人补充了情况");
  }
  if (msg.incident) upsert(msg.incident);
  renderList();
  if (msg.incident_id && msg.incident_id === state.selected) {
    clearTimeout(detailTimer);
    detailTimer = setTimeout(() => showDetail(state.selected), 150);
  }
}

async function loadAssignments() {
  try {
    const data = await api(`/v1/incidents?precinct=${encodeURIComponent(state.precinct)}&limit=200`);
    for (const inc of data.items || []) upsert(inc);
  } catch (err) {
    toast(`加载警情失败：${explain(err)}`, "error");
  }
  renderList();
}

async function choosePrecinct() {
  // A command or admin token may look at any precinct: offer the list.
  const box = $("#assignments");
  try {
    const list = await api("/v1/precincts");
    const select = el("select", {}, el("option", { value: "" }, "选择派出所…"),
      list.map((p) => el("option", { value: p.id }, `${p.district_name} ${p.name}`)));
    const open = (id) => {
      sessionStorage.setItem("dispatch.precinct", id);
      window.location.search = `?precinct=${encodeURIComponent(id)}`;
    };
    select.addEventListener("change", () => { if (select.value) open(select.value); });
    fill(box, el("label", { class: "field" }, el("span", {}, "派出所"), select),
      el("p", { class: "quiet" }, "或在右侧地图上点击辖区"));
    new DispatchMap($("#map"), { onPrecinctClick: open }).load();
  } catch (err) {
    fill(box, el("p", { class: "quiet error-line" }, explain(err)));
  }
}

async function main() {
  token();
  const { conn } = header({ title: "派出所接处警台", who: "" });
  const me = claims().sub && claims().sub !== "precinct" ? claims().sub : "";
  $("#conn").before(el("span", { class: "who", id: "officer" }, me ? `值班民警 ${me}` : ""),
    shortcutHint("A 签收 · J/K 上下 · D 派遣"), unlockAudio());
  loadUnitNames();
  shortcuts({
    a: () => ackSelected(), Enter: () => ackSelected(),
    j: () => step(1), ArrowDown: () => step(1), k: () => step(-1), ArrowUp: () => step(-1),
    d: () => dispatchFirst(),
  });
  state.precinct = precinctId();
  if (!state.precinct) { choosePrecinct(); showConnection(conn, "down", "未选择派出所"); return; }

  api("/v1/precincts").then((list) => {
    for (const x of list) { state.names.set(x.id, x.name); PRECINCT_NAMES.set(x.id, x.name); }
    state.names.set("command", "指挥中心");
    const p = list.find((x) => x.id === state.precinct);
    $("#who").textContent = p ? `${p.district_name} · ${p.name}（${p.id}）` : state.precinct;
  }).catch(() => { $("#who").textContent = state.precinct; });

  state.map = new DispatchMap($("#map"), { focus: state.precinct, onIncidentClick: select });
  const mapReady = state.map.load();

  // The feed first; its first hello loads the current list (see Feed.sync).
  state.feed = new Feed(state.precinct, {
    onEvent,
    onAckResult,
    onSync: loadAssignments,
    onState: (s, detail) => {
      showConnection(conn, s, detail);
      if (s === "denied") fill($("#assignments"), el("p", { class: "quiet error-line" }, `${detail}：请用本所有效令牌重新打开本页`));
    },
  });
  state.feed.start();
  setInterval(tick, 250);
  setInterval(alarm, 10000);
  if (await mapReady) loadUnits();
}

main();
