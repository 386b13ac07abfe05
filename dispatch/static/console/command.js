// Command console: city-wide live board, escalations, load per precinct, map, missing
// persons, series (系列案件).
import {
  $, ACTIVE, api, beep, CATEGORY, countdown, el, escalationChip, explain, Feed, fill,
  flagChips, header, hms, label, loadUnitNames, PRECINCT_NAMES, prioChip, prioRank, shortcutHint,
  shortcuts, showConnection, sinceChip, statusChip, tickSince, toast, token, unlockAudio,
} from "./console.js";
import { searchBox } from "./search.js";
import { IncidentDrawer } from "./command_drawer.js";
import { DispatchMap } from "./map.js";
import { HandoffMonitor } from "./handoff_monitor.js";
import { CasePanel } from "./missing_panel.js";
import { SeriesPanel } from "./series_panel.js";

const OPEN = new Set(["received", "triaged", "assigned", "acknowledged", "en_route", "on_scene"]);
const MAX_ROWS = 300;

const state = {
  incidents: new Map(),
  escalations: [],          // {incident_id, level, at, incident}
  precincts: new Map(),     // id → {name, district_name}
  selected: null,
  map: null,
  feed: null,
  drawer: null,
  cases: null,
  handoffs: null,
  series: null,
};

// Open an incident in the drawer (board row, escalation row or map marker).
function openIncident(id) {
  if (state.cases && state.cases.id) state.cases.close();
  state.selected = id;
  renderBoard();
  if (state.map) state.map.flyTo(state.incidents.get(id));
  state.drawer.open(id);
}

function precinctName(id) {
  if (id === "command") return "指挥中心（未定位）";
  const p = id && state.precincts.get(id);
  return p ? p.name : (id || "未分派");
}

// ---------------------------------------------------------------------------------------
// Board

// Merged reports live on in their parent incident: they leave the board.
const OFF_BOARD = new Set(["merged"]);

function ordered() {
  return [...state.incidents.values()].filter((i) => !OFF_BOARD.has(i.status)).sort((a, b) =>
    (OPEN.has(a.status) ? 0 : 1) - (OPEN.has(b.status) ? 0 : 1)
    || (OPEN.has(a.status) ? prioRank(a.priority) - prioRank(b.priority) : 0)
    || String(b.received_at).localeCompare(String(a.received_at))).slice(0, MAX_ROWS);
}

function ackCell(inc) {
  if (inc.status === "assigned" && inc.ack_due_at) {
    const c = countdown(inc.ack_due_at);
    // Once escalated to the centre, the duty officer may acknowledge in the precinct's stead.
    const ack = inc.escalation_level > 0 && state.feed
      ? el("button", { class: "btn ack small", dataset: { ack: inc.id }, onclick: (e) => {
        e.stopPropagation();
        if (!state.feed.send({ type: "ack", incident_id: inc.id })) toast("连接中断，稍后重试", "error");
      } }, "代签收")
      : null;
    return [el("span", { class: `countdown ${c.overdue ? "overdue" : ""}`, dataset: { due: inc.ack_due_at } }, c.text), " ", ack];
  }
  if (inc.acknowledged_at) return el("span", { class: "mono" }, hms(inc.acknowledged_at));
  return "—";
}

function row(inc) {
  return el("tr", {
    class: `pri-${inc.priority || "none"} ${inc.id === state.selected ? "selected" : ""}`,
    dataset: { id: inc.id, status: inc.status },
    onclick: () => openIncident(inc.id),
  },
  el("td", {}, prioChip(inc.priority)),
  el("td", { class: "mono wrap" }, hms(inc.received_at), " ", OPEN.has(inc.status) ? sinceChip(inc.received_at) : null),
  el("td", { class: "wrap" }, label(CATEGORY, inc.category), " ", ...flagChips(inc.flags),
    inc.needs_review ? el("span", { class: "chip review", title: `候选：${(inc.candidates || []).map((c) => label(CATEGORY, c)).join(" / ")}` }, "待人工研判") : null),
  el("td", { class: "text", title: inc.text || "" }, inc.text || ""),
  el("td", { class: "addr", title: inc.address || "" }, inc.address || (inc.location && inc.location.district_name) || "—"),
  el("td", { class: "precinct", title: precinctName(inc.precinct) }, precinctName(inc.precinct)),
  el("td", { class: "wrap" }, statusChip(inc.status), " ", escalationChip(inc.escalation_level)),
  el("td", { class: "wrap" }, ...[ackCell(inc)].flat()));
}

function renderBoard() {
  const list = ordered();
  const open = list.filter((i) => OPEN.has(i.status));
  $("#board-count").textContent = `在办 ${open.length} / 共 ${list.length}`;
  if (!list.length) { fill($("#board"), el("p", { class: "quiet" }, "暂无警情")); return; }
  fill($("#board"), el("table", { class: "list", id: "board-table" },
    el("thead", {}, el("tr", {}, [["级别", "c-prio"], ["接警 · 历时", "c-time"], ["类别", "c-cat"], ["内容", "c-text"],
      ["地址", "c-addr"], ["派出所", "c-precinct"], ["状态", "c-status"], ["签收", "c-ack"]].map(([h, cls]) => el("th", { class: cls }, h)))),
    el("tbody", {}, list.map(row))));
}

function renderTiles() {
  const all = [...state.incidents.values()];
  const open = all.filter((i) => OPEN.has(i.status));
  const tiles = [
    ["在办警情", open.length, ""],
    ["待签收", open.filter((i) => i.status === "assigned").length, "amber"],
    ["已升级", open.filter((i) => i.escalation_level > 0).length, "red"],
    ["P1 在办", open.filter((i) => i.priority === "P1").length, "red"],
    ["已签收/出警", open.filter((i) => ["acknowledged", "en_route", "on_scene"].includes(i.status)).length, ""],
  ];
  fill($("#tiles"), tiles.map(([k, v, cls]) => el("div", { class: `tile ${cls}` },
    el("div", { class: "v" }, String(v)), el("div", { class: "k" }, k))));
}

// The flashing banner: escalated assignments nobody has acknowledged yet.
function renderBanner(open) {
  const banner = $("#escalation-banner");
  banner.classList.toggle("on", open.length > 0);
  const first = open[0] && state.incidents.get(open[0].incident_id);
  $("#escalation-banner-text").textContent = open.length
    ? `${open.length} 起未签收：${first ? `${first.priority || ""} ${label(CATEGORY, first.category)} · ${precinctName(first.precinct)}` : ""}（点击处理）` : "";
  banner.dataset.id = open.length ? open[0].incident_id : "";
}

function renderEscalations() {
  const seen = new Set();
  const open = state.escalations.filter((e) => {
    const inc = state.incidents.get(e.incident_id);
    if (!inc || inc.status !== "assigned" || seen.has(e.incident_id)) return false;
    seen.add(e.incident_id);
    return true;
  });
  renderBanner(open);
  $("#esc-count").textContent = open.length ? `${open.length} 起未签收` : "";
  if (!state.escalations.length) { fill($("#escalations"), el("p", { class: "quiet" }, "暂无升级")); return; }
  fill($("#escalations"), el("table", { class: "list" }, el("tbody", {},
    state.escalations.slice(0, 50).map((e) => {
      const inc = state.incidents.get(e.incident_id) || e.incident || {};
      return el("tr", { class: `pri-${inc.priority || "none"}`, dataset: { id: e.incident_id }, onclick: () => openIncident(e.incident_id) },
        el("td", { class: "mono" }, hms(e.at)),
        el("td", {}, prioChip(inc.priority)),
        el("td", {}, escalationChip(e.level || inc.escalation_level || 1)),
        el("td", {}, precinctName(inc.precinct)),
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
    el("span", { class: "name", title: id }, precinctName(id)),
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
  });
}

function upsert(inc) {
  if (!inc || !inc.id) return;
  const old = state.incidents.get(inc.id);
  state.incidents.set(inc.id, old ? { ...old, ...inc } : inc);
  if (state.map) state.map.setIncident(state.incidents.get(inc.id));
}

function onEvent(msg) {
  if (typeof msg.type === "string" && msg.type.startsWith("unit.") && msg.payload && msg.payload.id) {
    if (state.map) state.map.setUnit(msg.payload);  // coloured by status, moved in place
    return;
  }
  // The summary carries no ack time: take it from the ack event itself.
  if (msg.type === "incident.acknowledged" && msg.incident) {
    msg.incident.acknowledged_at = msg.incident.acknowledged_at || msg.at;
  }
  if (msg.incident) upsert(msg.incident);
  if (msg.incident && state.series) state.series.seen(msg.incident);
  if (msg.incident_id && state.drawer) state.drawer.touched(msg.incident_id);
  if (typeof msg.type === "string" && msg.type.startsWith("missing.")) {
    state.cases.touched(msg.payload && msg.payload.case_id);  // a case changed
    if (msg.type === "missing.target_breached") flagTab("missing", true);
  }
  if (msg.type === "incident.missing" && msg.payload && msg.payload.case_id) state.cases.touched(msg.payload.case_id);
  if (msg.type === "incident.handoff") state.handoffs.touched();
  if (msg.type === "incident.escalated") {
    flagTab("escalations", true);
    beep();  // the sound of an escalation (after the first click enabled audio)
    state.escalations.unshift({ incident_id: msg.incident_id, at: msg.at,
      level: (msg.payload && msg.payload.level) || (msg.incident && msg.incident.escalation_level),
      incident: msg.incident });
  }
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

function tick() {
  tickSince();
  for (const node of document.querySelectorAll(".countdown[data-due]")) {
    const c = countdown(node.dataset.due);
    node.textContent = c.text;
    node.classList.toggle("overdue", c.overdue);
  }
}

// ---------------------------------------------------------------------------------------
// Keyboard: J/K (or the arrows) move through the board and open the incident; A takes an
// escalated assignment (代签收); D sends the fastest recommended unit of the open drawer.

function step(delta) {
  const list = ordered();
  if (!list.length) return;
  const at = list.findIndex((i) => i.id === state.selected);
  const next = list[Math.min(list.length - 1, Math.max(0, at < 0 ? 0 : at + delta))];
  openIncident(next.id);
  const node = document.querySelector(`#board-table tr[data-id="${CSS.escape(next.id)}"]`);
  if (node) node.scrollIntoView({ block: "nearest" });
}

function ackSelected() {
  const inc = state.selected && state.incidents.get(state.selected);
  if (!inc || inc.status !== "assigned") { toast("所选警情无需签收", "error"); return; }
  if (!state.feed.send({ type: "ack", incident_id: inc.id })) toast("连接中断，稍后重试", "error");
}

function dispatchFirst() {
  const button = document.querySelector("#drawer #drawer-recommendations [data-unit]");
  if (button) button.click(); else toast("没有可派遣的推荐警力", "error");
}

// ---------------------------------------------------------------------------------------
// Side panel tabs: 升级告警 / 走失专案 / 系列案件 / 移交监控 / 派出所负荷

function showTab(name) {
  for (const tab of document.querySelectorAll("#side-panel .tab")) {
    tab.classList.toggle("active", tab.dataset.tab === name);
    if (tab.dataset.tab === name) tab.classList.remove("alarm");
  }
  for (const body of document.querySelectorAll("#side-panel .tab-body")) body.hidden = body.id !== name;
}

// A tab that is not shown lights up when something there needs the officer.
function flagTab(name, on) {
  const tab = document.querySelector(`#side-panel .tab[data-tab="${name}"]`);
  if (tab && !tab.classList.contains("active")) tab.classList.toggle("alarm", Boolean(on));
}

// ---------------------------------------------------------------------------------------

async function main() {
  token();
  const { conn } = header({ title: "指挥中心态势台", who: "包头市公安局 110 指挥中心" });
  // Bound before the first await: a tab clicked while the page is still loading works.
  for (const tab of document.querySelectorAll("#side-panel .tab")) {
    tab.addEventListener("click", () => showTab(tab.dataset.tab));
  }
  const search = searchBox({ onPick: (inc) => { upsert(inc); render(); openIncident(inc.id); } });
  conn.before(search, shortcutHint("J/K 上下 · A 代签收 · D 派遣 · / 搜索"), unlockAudio());
  $("#escalation-banner").addEventListener("click", () => {
    const id = $("#escalation-banner").dataset.id;
    if (id) openIncident(id);
  });
  loadUnitNames();
  try {
    for (const p of await api("/v1/precincts")) { state.precincts.set(p.id, p); PRECINCT_NAMES.set(p.id, p.name); }
  } catch (err) {
    toast(`加载派出所失败：${explain(err)}`, "error");
  }
  renderTiles();
  state.map = new DispatchMap($("#map"), {
    onIncidentClick: (id) => openIncident(id),
    onMapClick: (point) => state.drawer.mapClicked(point),
  });
  state.drawer = new IncidentDrawer($("#drawer"), {
    precincts: state.precincts, map: state.map,
    onChange: (inc) => { upsert(inc); render(); },
    onCase: (opened) => { state.cases.load(); showTab("missing"); state.cases.open(opened.id); },
  });
  state.cases = new CasePanel({
    list: $("#missing"), count: $("#missing-count"), drawer: $("#case-drawer"),
    precinctName, map: state.map, openIncident,
    onOpen: () => { if (!$("#drawer").hidden) state.drawer.close(); },
  });
  state.handoffs = new HandoffMonitor({
    list: $("#handoffs"), count: $("#handoff-count"), openIncident,
    onAlarm: (on) => flagTab("handoffs", on),
  });
  state.series = new SeriesPanel({
    list: $("#series"), count: $("#series-count"), openIncident, precinctName,
    onNew: () => flagTab("series", true),
  });
  document.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (!$("#drawer").hidden) state.drawer.close();
    if (!$("#case-drawer").hidden) state.cases.close();
  });
  shortcuts({
    j: () => step(1), ArrowDown: () => step(1), k: () => step(-1), ArrowUp: () => step(-1),
    a: () => ackSelected(), d: () => dispatchFirst(), "/": () => search.focusInput(),
  });
  const mapReady = state.map.load();
  // The feed first; its first hello loads the board (see Feed.sync).
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
  setInterval(tick, 250);
  mapReady.then(async (ok) => {
    renderLoad();
    for (const inc of state.incidents.values()) state.map.setIncident(inc);
    if (!ok) return;
    try {
      const data = await api("/v1/units");
      for (const u of (data && data.items) || []) state.map.setUnit(u);
    } catch { /* units are optional on the city map */ }
  });
  state.cases.load();
  setInterval(() => state.cases.load(), 30000);
  state.handoffs.load();
  setInterval(() => state.handoffs.load(), 30000);
  state.series.load();
  setInterval(() => state.series.load(), 60000);
}

main();
