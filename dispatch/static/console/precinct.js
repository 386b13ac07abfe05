// Precinct console: live assignments, ack with countdown, P1 alert, detail, units, map.
import {
  $, ACTIVE, api, ApiError, beep, CATEGORY, CHANNEL, claims, countdown, el, escalationChip,
  EVENT, explain, Feed, fill, flagChips, header, hms, label, prioChip, prioRank, showConnection,
  STATUS, statusChip, toast, token, UNIT_STATUS, unlockAudio,
} from "./console.js";
import { DispatchMap } from "./map.js";
import {
  actorText, canAnswer, dispositionSelect, elapsedNode, missingStage, tickElapsed, timelineList,
  unitText,
} from "./timeline.js";

// Status buttons offered after the ack (the server's status machine has the last word).
const NEXT = {
  acknowledged: [["en_route", "出警"], ["on_scene", "到达现场"], ["resolved", "处置完毕"]],
  en_route: [["on_scene", "到达现场"], ["resolved", "处置完毕"]],
  on_scene: [["resolved", "处置完毕"]],
};

const state = {
  precinct: null,
  incidents: new Map(),   // id → incident summary
  selected: null,
  feed: null,
  map: null,
  alerted: new Set(),     // P1 ids already beeped for
  names: new Map(),       // precinct id → name, for the timeline
  units: new Map(),       // unit id → unit (call signs, colours)
  best: null,             // the top recommendation of the open detail (D key)
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
    escalationChip(inc.escalation_level), el("span", { class: "grow" }), due, statusChip(inc.status), ack),
  el("div", { class: "text" }, inc.text || ""),
  el("div", { class: "meta" },
    el("span", { class: "mono" }, hms(inc.received_at)), elapsedNode(inc.received_at),
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

// 派遣: acknowledge first if nobody has, send the unit, and the incident sets out (出警).
async function assignUnit(id, unitId) {
  const path = `/v1/incidents/${encodeURIComponent(id)}`;
  try {
    let inc = state.incidents.get(id) || await api(path);
    if (inc.status === "assigned") inc = await api(`${path}/ack`, { method: "POST" });
    inc = await api(`${path}/units`, { method: "POST", body: { unit_id: unitId } });
    if (inc.status === "acknowledged") {
      inc = await api(`${path}/status`, { method: "POST", body: { status: "en_route", reason: "派遣警力出警" } });
    }
    upsert(inc);
    toast(`已派遣 ${unitText(unitId, state.units)}，出警`, "ok");
    renderList();
    showDetail(id);
    loadUnits();
  } catch (err) {
    toast(`派遣失败：${explain(err)}`, "error");
  }
}

async function closeIncident(id) {
  const code = $("#close-disposition");
  if (!code || !code.value) { toast("结案须选择处置结果", "error"); if (code) code.focus(); return; }
  const note = ($("#close-note") && $("#close-note").value.trim()) || null;
  try {
    upsert(await api(`/v1/incidents/${encodeURIComponent(id)}/status`, {
      method: "POST", body: note ? { status: "closed", disposition: code.value, reason: note } : { status: "closed", disposition: code.value } }));
    toast("已结案", "ok");
    renderList();
    showDetail(id);
  } catch (err) {
    toast(`结案失败：${explain(err)}`, "error");
  }
}

async function answerIncident(id) {
  const text = $("#answer-text");
  if (!text || text.value.trim().length < 2) { toast("请填写答复内容", "error"); if (text) text.focus(); return; }
  try {
    upsert(await api(`/v1/incidents/${encodeURIComponent(id)}/answer`, {
      method: "POST", body: { answer: text.value.trim(), disposition: ($("#answer-disposition") || {}).value || "answered" } }));
    toast("已当场答复并结案", "ok");
    renderList();
    showDetail(id);
  } catch (err) {
    toast(`答复失败：${explain(err)}`, "error");
  }
}

// 确认是本人 / 不是本人: the verification the case's owner sent to this precinct.
async function verify(caseId, incidentId, confirmed) {
  const note = ($("#verify-note") && $("#verify-note").value.trim()) || "";
  const action = confirmed ? "confirm" : "dismiss";
  try {
    await api(`/v1/missing/${encodeURIComponent(caseId)}/sightings/${encodeURIComponent(incidentId)}/${action}`, {
      method: "POST", body: note ? { note } : {} });
    toast(confirmed ? "已确认是走失人员本人，专案已更新" : "已排除：不是本人", "ok");
    showDetail(incidentId);
  } catch (err) {
    toast(`提交失败：${explain(err)}`, "error");
  }
}

function verificationBox(inc) {
  const asked = missingStage(inc.timeline, "verification_requested")
    || missingStage(inc.timeline, "sighting_matched");
  if (!asked) return null;
  const p = asked.payload || {};
  const done = missingStage(inc.timeline, "verified") || missingStage(inc.timeline, "dismissed");
  return el("div", { class: "verify", id: "verify" },
    el("strong", {}, `走失人员核查 · 专案 ${p.case_id || ""}`),
    el("div", { id: "verify-description" }, `走失人员：${p.description || "（见专案）"}`),
    p.score != null ? el("div", { class: "quiet-inline" }, `比对相似度 ${Math.round(p.score * 100)}%${(p.reasons || []).length ? `：${p.reasons.join("；")}` : ""}`) : null,
    done ? el("div", { class: "placed ok" }, done.payload.stage === "verified" ? "已确认是本人" : "已排除：不是本人")
      : el("div", { class: "actions" },
        el("input", { type: "text", id: "verify-note", maxlength: "200", placeholder: "核查情况（可选）" }),
        el("button", { class: "btn confirm", id: "verify-confirm", onclick: () => verify(p.case_id, inc.id, true) }, "确认是本人"),
        el("button", { class: "btn danger", id: "verify-dismiss", onclick: () => verify(p.case_id, inc.id, false) }, "不是本人")));
}

// ---------------------------------------------------------------------------------------
// Detail: state, timeline, status buttons, recommendations

function select(id) {
  state.selected = id;
  for (const node of document.querySelectorAll(".card")) node.classList.toggle("selected", node.dataset.id === id);
  showDetail(id);
  if (state.map) state.map.flyTo(state.incidents.get(id));
}

let detailSeq = 0;

async function showDetail(id) {
  const seq = ++detailSeq;
  const box = $("#detail");
  let inc;
  try {
    inc = await api(`/v1/incidents/${encodeURIComponent(id)}`);
  } catch (err) {
    if (seq === detailSeq) fill(box, el("p", { class: "quiet error-line" }, explain(err)));
    return;
  }
  if (seq !== detailSeq) return;
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
    el("dl", { class: "kv" },
      el("dt", {}, "警情编号"), el("dd", { class: "mono" }, inc.id),
      el("dt", {}, "报警内容"), el("dd", { id: "detail-text" }, inc.text || ""),
      el("dt", {}, "地址"), el("dd", {}, inc.address || "—"),
      el("dt", {}, "位置"), el("dd", { class: "mono" }, loc && typeof loc.lat === "number" ? `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}` : "—"),
      el("dt", {}, "来源"), el("dd", {}, label(CHANNEL, inc.channel)),
      el("dt", {}, "接警时间"), el("dd", { class: "mono" }, hms(inc.received_at)),
      el("dt", {}, "签收时限"), el("dd", { class: "mono" }, inc.ack_due_at ? hms(inc.ack_due_at) : "—"),
      el("dt", {}, "签收"), el("dd", {}, inc.acknowledged_by ? `${actorText(inc.acknowledged_by, state.names)} ${hms(inc.acknowledged_at)}` : "—"),
      el("dt", {}, "报警人电话"), el("dd", { class: "mono", id: "detail-phone" }, (inc.caller && inc.caller.phone) || "—"),
      el("dt", {}, "已过"), el("dd", {}, elapsedNode(inc.received_at)),
      el("dt", {}, "处置结果"), el("dd", {}, inc.disposition ? inc.disposition.label : "—"),
      el("dt", {}, "报警人数"), el("dd", {}, String(inc.callers || 1)),
      el("dt", {}, "到场时限"), el("dd", { class: "mono" }, inc.arrival_due_at ? hms(inc.arrival_due_at) : "—",
        (inc.breaches || []).length ? el("span", { class: "esc" }, ` 超时：${inc.breaches.join("、")}`) : null),
      el("dt", {}, "出警警力"), el("dd", { id: "detail-units", dataset: { units: (inc.units || []).join(",") } }, (inc.units || []).map((u) => unitText(u, state.units)).join("、") || "—")),
    verificationBox(inc),
    el("div", { class: "actions" }, actions.length ? actions : el("span", { class: "quiet" }, "当前状态无需操作"),
      actions.length ? el("input", { type: "text", id: "status-reason", placeholder: "说明（可选）", maxlength: "200" }) : null),
    el("div", { id: "answer-slot" }),
    el("div", { id: "close-slot" }),
    el("div", { class: "section-title" }, "推荐警力"),
    recs,
    el("div", { class: "section-title" }, `时间线（${(inc.timeline || []).length}）`),
    timelineList(inc.timeline, state.names, state.units));
  loadRecommendations(inc, recs, seq);
  if (canAnswer(inc)) {
    const code = await dispositionSelect("answer-disposition", true);
    code.value = "answered";
    if (seq === detailSeq) fill($("#answer-slot"), el("div", { class: "section-title" }, "当场答复（无需出警）"),
      el("textarea", { id: "answer-text", rows: "2", maxlength: "2000", placeholder: "答复内容" }),
      el("div", { class: "row" }, code, el("button", { class: "btn primary", id: "answer-send", style: "flex:none", onclick: () => answerIncident(inc.id) }, "答复并结案")));
  }
  if (inc.status === "resolved") {
    const code = await dispositionSelect("close-disposition");
    if (seq === detailSeq) fill($("#close-slot"), el("div", { class: "section-title" }, "结案"),
      el("div", { class: "row" }, code, el("input", { type: "text", id: "close-note", maxlength: "200", placeholder: "处置情况（可选）" }),
        el("button", { class: "btn primary", id: "close-send", style: "flex:none", onclick: () => closeIncident(inc.id) }, "结案")));
  }
}

async function loadRecommendations(inc, box, seq) {
  if (!ACTIVE.has(inc.status)) { fill(box, el("p", { class: "quiet" }, "—")); return; }
  try {
    const data = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/recommendations`);
    if (seq !== detailSeq) return;
    const items = (data && data.items) || [];
    state.best = items[0] ? { id: inc.id, unit: items[0].unit_id } : null;
    if (!items.length) {
      fill(box, el("p", { class: "quiet" }, data && data.reason && data.reason.includes("jurisdiction")
        ? "事发地在本市辖区外：不派本市警力，由指挥中心移交" : "暂无可用警力"));
      return;
    }
    fill(box, el("table", { class: "list" },
      el("thead", {}, el("tr", {}, ["呼号", "所属", "状态", "距离", "预计到达", ""].map((h) => el("th", {}, h)))),
      el("tbody", {}, items.slice(0, 6).map((u) => el("tr", {},
        el("td", {}, u.call_sign || u.name || u.unit_id),
        el("td", {}, state.names.get(u.precinct) || u.precinct || ""),
        el("td", {}, label(UNIT_STATUS, u.status)),
        el("td", { class: "mono" }, u.distance_m != null ? `${(u.distance_m / 1000).toFixed(1)} km` : "—"),
        el("td", { class: "mono" }, u.eta_s != null ? `${Math.round(u.eta_s / 60)} 分` : "—"),
        el("td", {}, el("button", { class: "btn small", dataset: { unit: u.unit_id }, onclick: () => assignUnit(inc.id, u.unit_id) }, "派遣")))))));
  } catch (err) {
    if (seq === detailSeq) fill(box, el("p", { class: "quiet" }, err instanceof ApiError && err.status === 404 ? "警力推荐暂未开放" : explain(err)));
  }
}

async function loadUnits() {
  try {
    const data = await api(`/v1/units?precinct=${encodeURIComponent(state.precinct)}`);
    const units = Array.isArray(data) ? data : (data && data.items) || [];
    for (const u of units) { state.units.set(u.id, u); state.map.setUnit(u); }
    $("#units-note").textContent = `警力 ${units.length}`;
  } catch (err) {
    $("#units-note").textContent = err instanceof ApiError && err.status === 404 ? "警力位置暂未开放" : "";
  }
}

// ---------------------------------------------------------------------------------------
// Feed events

let detailTimer = null;

function onEvent(msg) {
  if (msg.incident) upsert(msg.incident);
  if (typeof msg.type === "string" && msg.type.startsWith("unit.") && msg.payload && msg.payload.id) {
    state.units.set(msg.payload.id, msg.payload);
    if (state.map && msg.payload.precinct === state.precinct) state.map.setUnit(msg.payload);
  }
  if (msg.type === "missing.verification") beep();
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

// Keyboard: J/K (or arrows) next/previous, A 签收, D 派遣 the fastest unit, Esc clears.
function onKey(e) {
  const t = e.target;
  if (t && ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName)) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const key = e.key.toLowerCase();
  const list = ordered();
  if (key === "j" || key === "k" || e.key === "ArrowDown" || e.key === "ArrowUp") {
    if (!list.length) return;
    e.preventDefault();
    const at = list.findIndex((i) => i.id === state.selected);
    const delta = key === "j" || e.key === "ArrowDown" ? 1 : -1;
    select(list[Math.max(0, Math.min(list.length - 1, at < 0 ? 0 : at + delta))].id);
  } else if (key === "a" && state.selected) {
    const inc = state.incidents.get(state.selected);
    if (inc && inc.status === "assigned") ackIncident(inc.id);
  } else if (key === "d" && state.best && state.best.id === state.selected) {
    assignUnit(state.best.id, state.best.unit);
  }
}

async function main() {
  token();
  const { conn } = header({ title: "派出所接处警台", who: "" });
  $("#conn").before(unlockAudio());
  state.precinct = precinctId();
  if (!state.precinct) { choosePrecinct(); showConnection(conn, "down", "未选择派出所"); return; }

  api("/v1/precincts").then((list) => {
    for (const x of list) state.names.set(x.id, x.name);
    state.names.set("command", "指挥中心");
    const p = list.find((x) => x.id === state.precinct);
    const officer = claims().sub && claims().sub !== "precinct" ? ` · 值班民警 ${claims().sub}` : "";
    $("#who").textContent = (p ? `${p.district_name} · ${p.name}（${p.id}）` : state.precinct) + officer;
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
  document.addEventListener("keydown", onKey);
  setInterval(tick, 250);
  setInterval(tickElapsed, 15000);
  setInterval(alarm, 10000);
  if (await mapReady) loadUnits();
}

main();
