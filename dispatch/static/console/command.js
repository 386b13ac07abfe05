// Command console: city-wide live board with search, escalation alarm, the incident drawer
// (转派, dispatch, location fix, answer, close), hand-off monitor, missing persons, map.
import {
  $, ACTIVE, api, beep, CATEGORY, countdown, el, escalationChip, explain, Feed, fill,
  flagChips, header, hms, label, prioChip, prioRank, showConnection, statusChip, toast, token,
  unlockAudio,
} from "./console.js";
import { DispatchMap } from "./map.js";
import { Drawer } from "./command_drawer.js";
import { HandoffMonitor, MissingPanel } from "./command_panels.js";
import { elapsedNode, precinctText, reasonText, tickElapsed } from "./timeline.js";

const OPEN = new Set(["received", "triaged", "assigned", "acknowledged", "en_route", "on_scene"]);
const GONE = new Set(["merged", "cancelled"]);   // not work any more: off the board
const MAX_ROWS = 300;

const state = {
  incidents: new Map(),
  units: new Map(),         // id → unit (call signs, map)
  escalations: [],          // {incident_id, level, at, incident}
  precincts: new Map(),     // id → {name, district_name}
  names: new Map(),         // id → name, for the timeline
  selected: null,
  search: null,             // server search result ids, or null
  map: null,
  feed: null,
  drawer: null,
  banner: null,             // the escalation the banner shows
};

// ---------------------------------------------------------------------------------------
// Board

function matchesFilter(inc) {
  const q = $("#board-search").value.trim();
  const hours = Number($("#board-window").value || 0);
  if (hours && Date.now() - new Date(inc.received_at).getTime() > hours * 3600000) return false;
  if (state.search) return state.search.has(inc.id);
  if (!q) return !GONE.has(inc.status);
  return [inc.id, inc.text, inc.address, precinctText(inc.precinct, state.names)]
    .some((f) => f && String(f).includes(q));
}

function ordered() {
  return [...state.incidents.values()].filter(matchesFilter).sort((a, b) =>
    (OPEN.has(a.status) ? 0 : 1) - (OPEN.has(b.status) ? 0 : 1)
    || (OPEN.has(a.status) ? prioRank(a.priority) - prioRank(b.priority) : 0)
    || String(b.received_at).localeCompare(String(a.received_at))).slice(0, MAX_ROWS);
}

function ackCell(inc) {
  if (inc.status === "assigned" && inc.ack_due_at) {
    const c = countdown(inc.ack_due_at);
    // Once escalated (or when it sits at the centre), the duty officer may acknowledge.
    const ack = (inc.escalation_level > 0 || inc.precinct === "command") && state.feed
      ? el("button", { class: "btn ack small", dataset: { ack: inc.id }, onclick: (e) => {
        e.stopPropagation();
        ackIncident(inc.id);
      } }, "代签收")
      : null;
    return [el("span", { class: `countdown ${c.overdue ? "overdue" : ""}`, dataset: { due: inc.ack_due_at } }, c.text), " ", ack];
  }
  if (inc.acknowledged_at) return el("span", { class: "mono" }, hms(inc.acknowledged_at));
  return "—";
}

function unplaced(inc) {
  const loc = inc.location || {};
  return OPEN.has(inc.status) && (inc.precinct === "command" || loc.lat == null);
}

function row(inc) {
  return el("tr", {
    class: `pri-${inc.priority || "none"} ${inc.id === state.selected ? "selected" : ""} ${unplaced(inc) ? "unplaced" : ""}`,
    dataset: { id: inc.id, status: inc.status },
    onclick: () => select(inc.id, true),
  },
  el("td", {}, prioChip(inc.priority)),
  el("td", { class: "mono" }, hms(inc.received_at), " ", OPEN.has(inc.status) ? elapsedNode(inc.received_at) : null),
  el("td", { class: "cut" }, label(CATEGORY, inc.category), " ", ...flagChips(inc.flags),
    inc.needs_review ? el("span", { class: "chip review", title: `候选：${(inc.candidates || []).map((c) => label(CATEGORY, c)).join(" / ")}` }, "待人工研判") : null),
  el("td", { class: "text", title: inc.text || "" }, inc.text || ""),
  el("td", { class: "cut", title: inc.address || "" }, inc.address || (inc.location && inc.location.district_name) || "—"),
  el("td", { class: "cut" }, inc.precinct === "command"
    ? el("span", { class: "esc", title: "未能定位到派出所，需人工确认位置或转派" }, "待定位") : precinctText(inc.precinct, state.names)),
  el("td", { class: "cut", title: inc.escalation_level ? "已升级" : "" }, statusChip(inc.status), " ", escalationChip(inc.escalation_level)),
  el("td", {}, ...[ackCell(inc)].flat()));
}

// Fixed column widths so the text column keeps what is left, also on a 1366×768 screen.
const WIDE = [["级别", 44], ["接警", 104], ["类别", 96], ["内容", null], ["地址", 130], ["派出所", 110], ["状态", 128], ["签收", 128]];
const NARROW = [["级别", 40], ["接警", 90], ["类别", 72], ["内容", null], ["地址", 96], ["派出所", 84], ["状态", 76], ["签收", 118]];
const cols = () => (window.innerWidth < 1500 ? NARROW : WIDE);

function renderBoard() {
  const list = ordered();
  const open = [...state.incidents.values()].filter((i) => OPEN.has(i.status));
  $("#board-count").textContent = `在办 ${open.length} · 待定位 ${open.filter(unplaced).length}${state.search ? ` · 搜索结果 ${list.length}` : ""}`;
  if (!list.length) { fill($("#board"), el("p", { class: "quiet" }, state.search ? "没有符合条件的警情" : "暂无警情")); return; }
  fill($("#board"), el("table", { class: "list fixed", id: "board-table" },
    el("colgroup", {}, cols().map(([, w]) => el("col", w ? { style: `width:${w}px` } : {}))),
    el("thead", {}, el("tr", {}, cols().map(([h]) => el("th", {}, h)))),
    el("tbody", {}, list.map(row))));
}

function renderTiles() {
  const open = [...state.incidents.values()].filter((i) => OPEN.has(i.status));
  const tiles = [
    ["在办警情", open.length, ""],
    ["待签收", open.filter((i) => i.status === "assigned").length, "amber"],
    ["待定位/转派", open.filter(unplaced).length, "red"],
    ["已升级", open.filter((i) => i.escalation_level > 0).length, "red"],
    ["P1 在办", open.filter((i) => i.priority === "P1").length, "red"],
    ["已签收/出警", open.filter((i) => ["acknowledged", "en_route", "on_scene"].includes(i.status)).length, ""],
  ];
  fill($("#tiles"), tiles.map(([k, v, cls]) => el("div", { class: `tile ${cls}` },
    el("div", { class: "v" }, String(v)), el("div", { class: "k" }, k))));
}

function renderEscalations() {
  const waiting = state.escalations.filter((e) => (state.incidents.get(e.incident_id) || {}).status === "assigned");
  $("#esc-count").textContent = waiting.length ? `${waiting.length} 起未签收` : "";
  if (!state.escalations.length) { fill($("#escalations"), el("p", { class: "quiet" }, "暂无升级")); return; }
  fill($("#escalations"), el("table", { class: "list" }, el("tbody", {},
    state.escalations.slice(0, 50).map((e) => {
      const inc = state.incidents.get(e.incident_id) || e.incident || {};
      return el("tr", { class: `pri-${inc.priority || "none"}`, dataset: { id: e.incident_id }, onclick: () => select(e.incident_id, true) },
        el("td", { class: "mono" }, hms(e.at)),
        el("td", {}, prioChip(inc.priority)),
        el("td", {}, escalationChip(e.level || inc.escalation_level || 1)),
        el("td", {}, precinctText(inc.precinct, state.names)),
        el("td", {}, statusChip(inc.status)));
    }))));
}

function renderLoad() {
  const byPrecinct = new Map();
  for (const inc of state.incidents.values()) {
    if (!ACTIVE.has(inc.status) || !inc.precinct) continue;
    const entry = byPrecinct.get(inc.precinct) || { waiting: 0, acked: 0, moving: 0 };
    if (inc.status === "assigned") entry.waiting += 1;
    else if (inc.status === "acknowledged") entry.acked += 1;
    else entry.moving += 1;
    byPrecinct.set(inc.precinct, entry);
  }
  const counts = new Map([...byPrecinct].map(([id, e]) => [id, e.waiting + e.acked + e.moving]));
  if (state.map && state.map.ready) state.map.setLoad(counts);
  if (!byPrecinct.size) { fill($("#load"), el("p", { class: "quiet" }, "暂无在办警情")); return; }
  const max = Math.max(...counts.values(), 4);
  const rows = [...byPrecinct].sort((a, b) => counts.get(b[0]) - counts.get(a[0])).slice(0, 20);
  fill($("#load"), rows.map(([id, e]) => el("div", { class: "load-row", dataset: { precinct: id } },
    el("span", { class: "name", title: id }, precinctText(id, state.names)),
    el("span", { class: "bar" },
      el("span", { style: `width:${(e.waiting / max) * 100}%;background:var(--p1)`, title: "待签收" }),
      el("span", { style: `width:${(e.acked / max) * 100}%;background:var(--p2)`, title: "已签收" }),
      el("span", { style: `width:${(e.moving / max) * 100}%;background:var(--accent)`, title: "出警/现场" })),
    el("span", { class: "n" }, String(counts.get(id))))));
}

let renderQueued = false;

// Many events can arrive in a burst: render at most once per frame.
function render() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderBoard();
    renderTiles();
    renderEscalations();
    renderLoad();
    renderBanner();
  });
}

function upsert(inc) {
  if (!inc || !inc.id) return;
  const old = state.incidents.get(inc.id);
  const merged = old ? { ...old, ...inc } : inc;
  state.incidents.set(inc.id, merged);
  if (state.map) state.map.setIncident(merged);
}

// ---------------------------------------------------------------------------------------
// Selection, keyboard, actions

function select(id, open = false) {
  state.selected = id;
  renderBoard();
  const node = document.querySelector(`#board-table tr[data-id="${CSS.escape(id)}"]`);
  if (node) node.scrollIntoView({ block: "nearest" });
  if (state.map) state.map.flyTo(state.incidents.get(id));
  if (open) state.drawer.open(id);
}

function step(delta) {
  const list = ordered();
  if (!list.length) return;
  const at = list.findIndex((i) => i.id === state.selected);
  const next = list[Math.max(0, Math.min(list.length - 1, at < 0 ? 0 : at + delta))];
  select(next.id, state.drawer.isOpen());
}

async function ackIncident(id) {
  if (state.feed.send({ type: "ack", incident_id: id })) return;
  try {
    upsert(await api(`/v1/incidents/${encodeURIComponent(id)}/ack`, { method: "POST" }));
    toast(`已代签收 ${id}`, "ok");
    render();
  } catch (err) {
    toast(`签收失败：${explain(err)}`, "error");
  }
}

function typing(e) {
  const t = e.target;
  return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
}

function onKey(e) {
  if (e.key === "Escape") { state.drawer.close(); if (state.map) state.map.cancelPick(); return; }
  if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.toLowerCase();
  if (key === "j" || e.key === "ArrowDown") { e.preventDefault(); step(1); } else if (key === "k" || e.key === "ArrowUp") { e.preventDefault(); step(-1); } else if (e.key === "Enter" && state.selected) state.drawer.open(state.selected);
  else if (key === "a" && state.selected) {
    const inc = state.incidents.get(state.selected);
    if (inc && inc.status === "assigned") ackIncident(inc.id);
  } else if (key === "d" && state.drawer.isOpen()) state.drawer.dispatchBest();
  else if (key === "r" && state.drawer.isOpen()) { e.preventDefault(); state.drawer.focus("#drawer-reassign-to"); } else if (key === "l" && state.drawer.isOpen()) { e.preventDefault(); state.drawer.focus("#drawer-address"); } else if (e.key === "/") { e.preventDefault(); $("#board-search").focus(); }
}

// ---------------------------------------------------------------------------------------
// Escalation alarm: sound and a flashing banner until someone looks.

function alarm(message) {
  state.banner = message;
  beep();
  renderBanner();
}

function renderBanner() {
  const b = state.banner;
  const inc = b && state.incidents.get(b.incident_id);
  const live = b && (!inc || inc.status === "assigned" || b.kind !== "escalation");
  $("#esc-banner").classList.toggle("on", Boolean(live));
  $("#esc-banner-text").textContent = live ? b.text : "";
}

function escalationText(msg) {
  const inc = msg.incident || state.incidents.get(msg.incident_id) || {};
  const p = msg.payload || {};
  return `${inc.priority || ""} ${label(CATEGORY, inc.category)} · ${precinctText(inc.precinct, state.names)} · ${reasonText(p.reason) || "超时未签收"}（${msg.incident_id}）`;
}

// ---------------------------------------------------------------------------------------
// Feed

let panelsTimer = null;

function onEvent(msg) {
  if (msg.type === "incident.acknowledged" && msg.incident) {
    msg.incident.acknowledged_at = msg.incident.acknowledged_at || msg.at;
  }
  if (msg.incident) upsert(msg.incident);
  if (typeof msg.type === "string" && msg.type.startsWith("unit.") && msg.payload && msg.payload.id) {
    state.units.set(msg.payload.id, msg.payload);
    if (state.map) state.map.setUnit(msg.payload);
  }
  if (typeof msg.type === "string" && (msg.type.startsWith("missing.") || msg.type === "incident.handoff")) {
    clearTimeout(panelsTimer);
    panelsTimer = setTimeout(() => { state.missing.load(); state.handoffs.load(); }, 300);
  }
  if (msg.type === "incident.escalated") {
    state.escalations.unshift({ incident_id: msg.incident_id, at: msg.at,
      level: (msg.payload && msg.payload.level) || (msg.incident && msg.incident.escalation_level),
      incident: msg.incident });
    alarm({ kind: "escalation", incident_id: msg.incident_id, text: escalationText(msg) });
  }
  if (msg.type === "incident.handoff" && ["delivery_failed", "ack_overdue", "unrouted", "outcome_return_failed"].includes((msg.payload || {}).stage)) {
    alarm({ kind: "handoff", incident_id: msg.incident_id, text: `移交需人工处理：${state.handoffs.stageText(msg.payload)}（${msg.incident_id}）` });
  }
  if (msg.type === "missing.target_breached" || msg.type === "missing.criminal_case") {
    alarm({ kind: "missing", incident_id: null, text: `走失人员专案 ${(msg.payload || {}).case_id || ""}：${msg.type === "missing.criminal_case" ? "须立即立刑事案件" : "时限已超"}` });
  }
  if (msg.incident_id && state.drawer.isShowing(msg.incident_id)) state.drawer.refreshSoon();
  render();
}

async function loadBoard() {
  try {
    const data = await api(`/v1/incidents?limit=${MAX_ROWS}`);
    for (const inc of data.items || []) {
      upsert(inc);
      if (OPEN.has(inc.status) && inc.escalation_level > 0
          && !state.escalations.some((e) => e.incident_id === inc.id)) {
        state.escalations.push({ incident_id: inc.id, at: inc.escalated_at, level: inc.escalation_level });
      }
    }
  } catch (err) {
    toast(`加载警情失败：${explain(err)}`, "error");
  }
  render();
}

async function loadUnits() {
  try {
    const data = await api("/v1/units");
    for (const u of data.items || []) {
      state.units.set(u.id, u);
      if (state.map) state.map.setUnit(u);
    }
  } catch (err) {
    console.warn("units", err);
  }
}

// Enter in the search box asks the server (phones, older incidents); typing filters locally.
async function searchServer() {
  const q = $("#board-search").value.trim();
  const hours = Number($("#board-window").value || 0);
  if (!q && !hours) { state.search = null; render(); return; }
  const params = new URLSearchParams({ limit: "200" });
  if (q) params.set("q", q);
  if (hours) params.set("since", new Date(Date.now() - hours * 3600000).toISOString());
  try {
    const data = await api(`/v1/incidents?${params}`);
    for (const inc of data.items || []) upsert(inc);
    state.search = new Set((data.items || []).map((i) => i.id));
  } catch (err) {
    toast(`搜索失败：${explain(err)}`, "error");
  }
  render();
}

function tick() {
  for (const node of document.querySelectorAll(".countdown[data-due]")) {
    const c = countdown(node.dataset.due);
    node.textContent = c.text;
    node.classList.toggle("overdue", c.overdue);
  }
}

// ---------------------------------------------------------------------------------------

async function main() {
  token();
  const { conn } = header({ title: "指挥中心态势台", who: "包头市公安局 110 指挥中心" });
  $("#conn").before(unlockAudio());
  try {
    for (const p of await api("/v1/precincts")) {
      state.precincts.set(p.id, p);
      state.names.set(p.id, p.name);
    }
  } catch (err) {
    toast(`加载派出所失败：${explain(err)}`, "error");
  }
  state.names.set("command", "指挥中心");
  renderTiles();
  state.map = new DispatchMap($("#map"), { onIncidentClick: (id) => select(id, true) });
  state.drawer = new Drawer({ state, upsert, render, ackIncident });
  state.handoffs = new HandoffMonitor($("#handoffs"), $("#handoff-count"), { state, select });
  state.missing = new MissingPanel($("#missing"), $("#missing-count"), { state });
  const mapReady = state.map.load();
  state.feed = new Feed("command", {
    onEvent,
    onSync: loadBoard,
    onState: (s, d) => {
      showConnection(conn, s, d);
      if (s === "denied") fill($("#board"), el("p", { class: "quiet error-line" }, `${d}：请用有效令牌重新打开本页`));
    },
    onAckResult: (r) => toast(r.ok ? `已代签收 ${r.incident_id}` : `签收失败：${r.error || ""}`, r.ok ? "ok" : "error"),
  });
  state.feed.start();
  document.addEventListener("keydown", onKey);
  $("#board-search").addEventListener("input", () => { state.search = null; render(); });
  $("#board-search").addEventListener("keydown", (e) => { if (e.key === "Enter") searchServer(); });
  $("#board-window").addEventListener("change", searchServer);
  $("#drawer-close").addEventListener("click", () => state.drawer.close());
  $("#esc-banner-dismiss").addEventListener("click", () => { state.banner = null; renderBanner(); });
  $("#esc-banner-open").addEventListener("click", () => {
    if (state.banner && state.banner.incident_id) select(state.banner.incident_id, true);
    state.banner = null;
    renderBanner();
  });
  setInterval(tick, 250);
  setInterval(tickElapsed, 15000);
  mapReady.then(async () => {
    renderLoad();
    for (const inc of state.incidents.values()) state.map.setIncident(inc);
    await loadUnits();
    state.missing.load();
  });
  state.handoffs.load();
  setInterval(() => state.handoffs.load(), 15000);
  setInterval(() => state.missing.load(), 30000);
}

main();
