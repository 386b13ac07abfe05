// Call-taker console: intake form, live triage preview with highlighted cues, override,
// duplicate suggestions, recent incidents.
import {
  $, api, ApiError, CATEGORY, CHANNEL, claims, el, explain, fill, FLAG, flagChips, header, hms,
  label, prioChip, showConnection, sinceChip, statusChip, tickSince, toast, token,
} from "./console.js";
import { searchBox } from "./search.js";
import { isAnswerable, onSpotForm } from "./closing.js";
import { caseSection, isCaseReport } from "./missing.js";
import { PlacementCheck } from "./placement.js";
import { lifeRiskBanner, questionsPanel, reviewBanner } from "./questions.js";
import { findingsPanel, loadIncidentFindings } from "./synthesis.js";

const PREVIEW_DELAY_MS = 300;
// answers: the caller's answers to key questions given before submitting (sent with the
// preview, then recorded on the incident once it exists); pending: by incident id.
// placement: the "未能精确定位" check; places: what the last preview read as places (the
// pipeline places by the address, else by the first of them); pendingPlace: a picked
// candidate by incident id, sent as a location fix once the pipeline has placed it.
const state = {
  current: null, precincts: new Map(), previewSeq: 0, previewOffUntil: 0, answers: {}, pending: new Map(),
  placement: null, places: [], pendingPlace: new Map(), synthesisSeq: 0,
};

function precinctName(id) {
  if (id === "command") return "指挥中心（未能定位到派出所）";
  const p = id && state.precincts.get(id);
  return p ? `${p.district_name} ${p.name}` : (id || "—");
}

// ---------------------------------------------------------------------------------------
// Triage preview

// Which kind of cue colours a character; stronger kinds win where spans overlap.
const CUE_RANK = { negated: 4, idiom: 4, priority: 3, flag: 2, category: 1 };

function cueKind(effect) {
  const kind = String(effect || "").split(":")[0];
  return CUE_RANK[kind] ? kind : null;
}

// The text as nodes, with every cue span wrapped in <mark> (offsets count code points).
export function highlight(text, cues) {
  const chars = Array.from(text);
  const kinds = new Array(chars.length).fill(null);
  const titles = new Array(chars.length).fill(null);
  for (const cue of cues || []) {
    const kind = cueKind(cue.effect);
    if (!kind || !Array.isArray(cue.span)) continue;
    const [start, end] = cue.span;
    for (let i = Math.max(0, start); i < Math.min(end, chars.length); i += 1) {
      if (!kinds[i] || CUE_RANK[kind] > CUE_RANK[kinds[i]]) { kinds[i] = kind; titles[i] = cue.effect; }
    }
  }
  const nodes = [];
  let i = 0;
  while (i < chars.length) {
    let j = i;
    while (j < chars.length && kinds[j] === kinds[i]) j += 1;
    const piece = chars.slice(i, j).join("");
    nodes.push(kinds[i] ? el("mark", { class: `cue-${kinds[i]}`, title: titles[i] }, piece) : piece);
    i = j;
  }
  return nodes;
}

function describeCue(cue) {
  const [kind, value] = String(cue.effect || "").split(":");
  const what = {
    category: `类别 ${label(CATEGORY, value)}`, flag: `标记 ${label(FLAG, value)}`,
    priority: `级别 ${value}`, negated: "否定", idiom: "习语（非险情）", model: `模型 ${value || ""}`,
  }[kind] || cue.effect;
  return `${cue.phrase} → ${what}`;
}

function renderPreview(text, t) {
  fill($("#preview"),
    el("div", { class: "preview-head" }, prioChip(t.priority), el("strong", {}, label(CATEGORY, t.category)),
      ...flagChips(t.flags),
      t.confidence != null ? el("span", { class: "confidence" }, `置信度 ${(t.confidence * 100).toFixed(0)}%`) : null),
    lifeRiskBanner(t), reviewBanner(t),
    questionsPanel(t, (code, value) => { state.answers = { ...state.answers, [code]: value }; preview(); }, state.answers),
    el("div", { class: "preview-text", id: "preview-text" }, highlight(text, t.cues)),
    el("ul", { class: "cues" }, (t.cues || []).slice(0, 12).map((c) => el("li", {}, describeCue(c)))));
}

async function preview() {
  const text = $("#f-text").value;
  const seq = ++state.previewSeq;
  if (!text.trim()) { fill($("#preview"), el("p", { class: "quiet" }, "输入报警内容后自动研判")); return; }
  if (Date.now() < state.previewOffUntil) { previewUnavailable(); return; }
  try {
    const body = { text, channel: $("#f-channel").value };
    if (Object.keys(state.answers).length) body.answers = state.answers;
    const t = await api("/v1/triage/preview", { method: "POST", body });
    if (seq === state.previewSeq) {
      renderPreview(text, t);
      state.places = ((t.extracted && t.extracted.places) || []).filter((x) => typeof x === "string");
      schedulePlacement();
    }
  } catch (err) {
    if (seq !== state.previewSeq) return;
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
      state.previewOffUntil = Date.now() + 60000;  // not offered by this server: ask again later
      previewUnavailable();
    } else if (!(err instanceof ApiError && err.status === 422)) {
      fill($("#preview"), el("p", { class: "quiet" }, explain(err)));
    }
  }
}

function previewUnavailable() {
  fill($("#preview"), el("p", { class: "quiet" }, "研判预览暂未开放，提交后由系统研判"));
}

let previewTimer = null;

function schedulePreview() {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(preview, PREVIEW_DELAY_MS);
}

// 合成研判: caller, place and text checked against what the centre knows, while typing.
// A phone is sent only once it is a whole number (a half-typed one would be a 422).
const WHOLE_PHONE = /^(?:\+?86)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;
let synthesisTimer = null;

function scheduleSynthesis() {
  clearTimeout(synthesisTimer);
  synthesisTimer = setTimeout(synthesize, PREVIEW_DELAY_MS);
}

async function synthesize() {
  const seq = ++state.synthesisSeq;
  const body = reportBody();
  const phone = (body.caller && body.caller.phone || "").replace(/[\s-]/g, "");
  delete body.caller;
  if (WHOLE_PHONE.test(phone)) body.phone = phone;
  if (!body.phone && !body.address && !body.location && !body.text) {
    fill($("#synthesis"), el("p", { class: "quiet" }, "输入报警人电话、地址或报警内容后自动合成"));
    return;
  }
  try {
    const result = await api("/v1/synthesis/preview", { method: "POST", body });
    if (seq === state.synthesisSeq) fill($("#synthesis"), findingsPanel(result, { onIncident: follow }));
  } catch (err) {
    if (seq === state.synthesisSeq) fill($("#synthesis"), el("p", { class: "quiet" }, explain(err)));
  }
}

// The placement check: the address as typed, else the first place the text names (a text
// that names none is asked about); a device fix needs no check.
let placementTimer = null;

function schedulePlacement() {
  clearTimeout(placementTimer);
  placementTimer = setTimeout(() => {
    if ($("#f-lat").value !== "" && $("#f-lon").value !== "") { state.placement.clear(); return; }
    const query = $("#f-address").value.trim() || state.places[0] || "";
    if (!query && $("#f-text").value.trim()) { state.placement.noPlace(); return; }
    state.placement.check(query);
  }, PREVIEW_DELAY_MS);
}

// ---------------------------------------------------------------------------------------
// Submit

function reportBody() {
  const body = { channel: $("#f-channel").value, text: $("#f-text").value.trim() };
  const address = $("#f-address").value.trim();
  const phone = $("#f-phone").value.trim();
  const lat = $("#f-lat").value;
  const lon = $("#f-lon").value;
  if (address) body.address = address;
  if (phone) body.caller = { phone };
  if (lat !== "" && lon !== "") {
    body.location = { lat: Number(lat), lon: Number(lon), crs: $("#f-crs").value };
    if ($("#f-accuracy").value !== "") body.location.accuracy_m = Number($("#f-accuracy").value);
  }
  return body;
}

// 先期处置: send what is known now (place and a P1 cue) so a unit sets out, and go on
// asking; what the caller says next goes in 补充情况 on the incident.
async function submitEarly() {
  await submit(null, true);
  const box = $("#details-text");
  if (box) box.focus();
}

async function submit(event, early = false) {
  if (event) event.preventDefault();
  const body = reportBody();
  if (!body.text) { toast("请填写报警内容", "error"); return; }
  $("#submit").disabled = true;
  try {
    const accepted = await api("/v1/reports", { method: "POST", body });
    if (Object.keys(state.answers).length) state.pending.set(accepted.id, state.answers);
    if (state.placement.picked) state.pendingPlace.set(accepted.id, state.placement.picked);
    state.answers = {};
    state.places = [];
    state.placement.clear();
    toast(early ? `已先期处置 ${accepted.id}：继续询问，补充情况随后送出` : `已受理 ${accepted.id}`, "ok");
    $("#form-note").textContent = `已受理 ${accepted.id}`;
    $("#report-form").reset();
    fill($("#preview"), el("p", { class: "quiet" }, "输入报警内容后自动研判"));
    fill($("#synthesis"), el("p", { class: "quiet" }, "输入报警人电话、地址或报警内容后自动合成"));
    follow(accepted.id);
    loadRecent();
  } catch (err) {
    toast(`提交失败：${explain(err)}`, "error");
  } finally {
    $("#submit").disabled = false;
  }
}

// ---------------------------------------------------------------------------------------
// Current incident: follow it through triage, offer duplicates and the override.

let followSeq = 0;

async function follow(id) {
  const seq = ++followSeq;
  state.current = id;
  for (let i = 0; i < 40 && seq === followSeq; i += 1) {
    let inc;
    try {
      inc = await api(`/v1/incidents/${encodeURIComponent(id)}`);
    } catch (err) {
      fill($("#current"), el("p", { class: "quiet error-line" }, explain(err)));
      return;
    }
    if (seq !== followSeq) return;
    if (inc.status !== "received" && state.pending.has(id)) {
      const answers = state.pending.get(id);
      state.pending.delete(id);
      inc = (await sendAnswers(inc, answers)) || inc;
    }
    if (inc.status !== "received" && state.pendingPlace.has(id)) {
      const picked = state.pendingPlace.get(id);
      state.pendingPlace.delete(id);
      inc = (await sendPlace(inc, picked)) || inc;
    }
    renderCurrent(inc);
    if (inc.status !== "received") { loadDuplicates(inc, seq); loadRecent(); return; }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function overrideForm(inc) {
  const category = el("select", { id: "o-category" },
    Object.entries(CATEGORY).map(([code, text]) => el("option", { value: code, selected: code === inc.category }, text)));
  const priority = el("select", { id: "o-priority" },
    ["P1", "P2", "P3", "P4"].map((p) => el("option", { value: p, selected: p === inc.priority }, p)));
  const flags = Object.entries(FLAG).map(([code, text]) => el("label", { class: "tag" },
    el("input", { type: "checkbox", value: code, checked: (inc.flags || []).includes(code) }), text));
  const reason = el("input", { type: "text", id: "o-reason", maxlength: "200", placeholder: "改判理由（必填）" });
  const send = async () => {
    if (!reason.value.trim()) { toast("改判须填写理由", "error"); reason.focus(); return; }
    const chosen = flags.map((l) => l.querySelector("input")).filter((c) => c.checked).map((c) => c.value);
    try {
      const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/triage`, {
        method: "POST",
        body: { category: category.value, priority: priority.value, flags: chosen, reason: reason.value.trim() },
      });
      toast("已改判", "ok");
      renderCurrent(updated.timeline ? updated : { ...inc, ...updated });
    } catch (err) {
      toast(`改判失败：${explain(err)}`, "error");
    }
  };
  return el("div", {},
    el("div", { class: "section-title" }, "人工改判"),
    el("div", { class: "row" }, category, priority),
    el("div", { class: "actions" }, flags),
    el("div", { class: "row" }, reason, el("button", { type: "button", class: "btn", id: "o-send", style: "flex:none", onclick: send }, "改判")));
}

// Fix a submitted incident's place to the candidate picked before submitting.
async function sendPlace(inc, picked) {
  try {
    const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/location`, {
      method: "POST", body: { candidate: picked.id, reason: "接警员核实后选定地点" },
    });
    toast(`已按“${picked.label}”定位`, "ok");
    return updated;
  } catch (err) {
    toast(`定位修正失败：${explain(err)}`, "error");
    return null;
  }
}

// Record answers on a submitted incident; returns the re-triaged incident (or null).
async function sendAnswers(inc, answers) {
  try {
    const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/answers`, { method: "POST", body: { answers } });
    if (updated.priority !== inc.priority) toast(`追问后级别 ${inc.priority} → ${updated.priority}`, "ok");
    return updated;
  } catch (err) {
    toast(`追问记录失败：${explain(err)}`, "error");
    return null;
  }
}

function renderCurrent(inc) {
  const loc = inc.location;
  const answer = async (code, value) => {
    const updated = await sendAnswers(inc, { [code]: value });
    if (updated) renderCurrent({ ...inc, ...updated });
  };
  fill($("#current"),
    el("div", { class: "preview-head" }, prioChip(inc.priority), el("strong", {}, label(CATEGORY, inc.category)),
      ...flagChips(inc.flags), statusChip(inc.status)),
    inc.status === "received" ? null : lifeRiskBanner(inc),
    inc.status === "received" ? null : reviewBanner(inc),
    inc.status === "received" || !inc.status || ["closed", "cancelled", "merged"].includes(inc.status)
      ? null : questionsPanel(inc, answer, inc.answers),
    el("dl", { class: "kv" },
      el("dt", {}, "警情编号"), el("dd", { class: "mono" }, inc.id),
      el("dt", {}, "报警内容"), el("dd", {}, inc.text || ""),
      el("dt", {}, "报警电话"), el("dd", { class: "mono" }, (inc.caller && inc.caller.phone) || "—"),
      el("dt", {}, "接警时间"), el("dd", {}, el("span", { class: "mono" }, hms(inc.received_at)), " · 已历时 ", sinceChip(inc.received_at)),
      el("dt", {}, "派出所"), el("dd", {}, precinctName(inc.precinct)),
      el("dt", {}, "定位"), el("dd", { class: "mono" }, loc && typeof loc.lat === "number" ? `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}` : "—"),
      el("dt", {}, "签收时限"), el("dd", { class: "mono" }, inc.ack_due_at ? hms(inc.ack_due_at) : "—"),
      inc.answer ? [el("dt", {}, "当场答复"), el("dd", { id: "current-answer" }, inc.answer)] : null),
    ["received", "closed", "cancelled", "merged", "transferred", "handed_off"].includes(inc.status) ? null : detailsForm(inc),
    isAnswerable(inc) ? onSpotForm(inc, (updated) => { renderCurrent({ ...inc, ...updated }); loadRecent(); }) : null,
    isCaseReport(inc) ? caseSection(inc, () => follow(inc.id)) : null,
    inc.status === "received" ? null : findingsSection(inc),
    el("div", { id: "duplicates" }),
    inc.status === "received" ? el("p", { class: "quiet" }, "研判中…") : overrideForm(inc));
}

// 补充情况: what the caller says after the incident was sent (a preliminary dispatch).
function detailsForm(inc) {
  const text = el("textarea", { id: "details-text", rows: "2", maxlength: "2000", placeholder: "报警人继续讲述的情况（如：人还在里面、对方有刀、孩子三岁）" });
  const send = async () => {
    const value = text.value.trim();
    if (!value) { toast("请填写补充情况", "error"); text.focus(); return; }
    try {
      const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/details`, { method: "POST", body: { text: value } });
      toast(updated.priority !== inc.priority ? `补充后级别 ${inc.priority} → ${updated.priority}` : "已补充", "ok");
      renderCurrent(updated);
    } catch (err) {
      toast(`补充失败：${explain(err)}`, "error");
    }
  };
  return el("div", { id: "details" },
    el("div", { class: "section-title" }, "补充情况"),
    (inc.details || []).length ? el("ol", { class: "details-list" }, inc.details.map((d) => el("li", {}, d))) : null,
    el("div", { class: "row" }, text, el("button", { type: "button", class: "btn", id: "details-send", style: "flex:none", onclick: send }, "补充")));
}

function findingsSection(inc) {
  const box = el("div", { id: "current-synthesis" }, el("p", { class: "quiet" }, "加载合成研判…"));
  loadIncidentFindings(inc.id, box, { onIncident: follow });
  return [el("div", { class: "section-title" }, "合成研判"), box];
}

// Keep the followed incident's status current, without disturbing an override in progress.
async function refreshCurrent() {
  const box = $("#current");
  if (!state.current || box.contains(document.activeElement) || ($("#o-reason") && $("#o-reason").value)) return;
  try {
    const inc = await api(`/v1/incidents/${encodeURIComponent(state.current)}`);
    const head = box.querySelector(".preview-head");
    if (head && inc.id === state.current) {
      fill(head, prioChip(inc.priority), el("strong", {}, label(CATEGORY, inc.category)),
        ...flagChips(inc.flags), statusChip(inc.status));
    }
  } catch { /* the next poll tries again */ }
}

async function loadDuplicates(inc, seq) {
  const box = $("#duplicates");
  if (!box) return;
  try {
    const data = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/duplicates`);
    if (seq !== followSeq) return;
    const items = (data && data.items) || [];
    if (!items.length) { fill(box, el("p", { class: "quiet" }, "未发现疑似重复警情")); return; }
    fill(box, el("div", { class: "section-title" }, `疑似重复（${items.length}）`),
      el("table", { class: "list" }, el("tbody", {}, items.slice(0, 5).map((d) => el("tr", { dataset: { id: d.incident_id } },
        el("td", { class: "mono" }, d.incident_id),
        el("td", { class: "mono" }, `${Math.round((d.score || 0) * 100)}%`),
        el("td", { class: "mono" }, d.distance_m != null ? `${Math.round(d.distance_m)} 米` : "—"),
        el("td", { class: "mono" }, d.minutes != null ? `${Math.round(d.minutes)} 分钟前` : "—"),
        el("td", {}, sameKind(d.reasons)),
        el("td", {}, el("button", { class: "btn small", dataset: { merge: d.incident_id }, onclick: () => merge(inc.id, d.incident_id) }, "合并")))))));
  } catch (err) {
    if (seq === followSeq) {
      fill(box, el("p", { class: "quiet" }, err instanceof ApiError && err.status === 404 ? "重复警情比对暂未开放" : explain(err)));
    }
  }
}

// The server's reasons are English phrases; the category one is what the call-taker needs.
function sameKind(reasons) {
  const text = (reasons || []).find((r) => r.includes("categor")) || "";
  return text.startsWith("same") ? "同类警情" : text ? "相关类别" : "";
}

async function merge(id, into) {
  try {
    await api(`/v1/incidents/${encodeURIComponent(id)}/merge`, { method: "POST", body: { into, reason: "接警员确认重复报警" } });
    toast(`已并入 ${into}`, "ok");
    follow(into);
    loadRecent();
  } catch (err) {
    toast(`合并失败：${explain(err)}`, "error");
  }
}

// ---------------------------------------------------------------------------------------
// Recent incidents

async function loadRecent() {
  try {
    const data = await api("/v1/incidents?limit=30");
    const items = data.items || [];
    $("#recent-count").textContent = `${items.length} 条`;
    fill($("#recent"), items.length ? el("table", { class: "list", id: "recent-table" },
      el("thead", {}, el("tr", {}, ["级别", "时间", "来源", "内容", "状态"].map((h) => el("th", {}, h)))),
      el("tbody", {}, items.map((inc) => el("tr", {
        class: `pri-${inc.priority || "none"} ${inc.id === state.current ? "selected" : ""}`,
        dataset: { id: inc.id }, onclick: () => follow(inc.id),
      },
      el("td", {}, prioChip(inc.priority)),
      el("td", { class: "mono" }, hms(inc.received_at), " ", sinceChip(inc.received_at)),
      el("td", {}, label(CHANNEL, inc.channel)),
      el("td", { class: "text", title: inc.text || "" }, inc.text || ""),
      el("td", {}, statusChip(inc.status)))))) : el("p", { class: "quiet" }, "暂无警情"));
    return true;
  } catch (err) {
    fill($("#recent"), el("p", { class: "quiet error-line" }, explain(err)));
    return false;
  }
}

async function main() {
  token();
  const c = claims();
  const { conn } = header({ title: "110 接警台", who: c.sub && c.sub !== "call_taker" ? `接警员 ${c.sub}` : "接警员" });
  // Any incident, not only the 30 most recent: by id, phone, address or time.
  conn.before(searchBox({ onPick: (inc) => follow(inc.id) }));
  setInterval(tickSince, 1000);
  $("#report-form").addEventListener("submit", submit);
  $("#submit-early").addEventListener("click", submitEarly);
  $("#f-text").addEventListener("input", schedulePreview);
  for (const id of ["#f-text", "#f-phone", "#f-address", "#f-lat", "#f-lon"]) $(id).addEventListener("input", scheduleSynthesis);
  $("#f-channel").addEventListener("change", schedulePreview);
  state.placement = new PlacementCheck($("#placement"));
  for (const id of ["#f-address", "#f-lat", "#f-lon"]) $(id).addEventListener("input", schedulePlacement);
  $("#report-form").addEventListener("reset", () => { state.places = []; state.placement.clear(); });
  api("/v1/precincts").then((list) => { for (const p of list) state.precincts.set(p.id, p); }).catch(() => {});
  // The call-taker has no feed: the badge tracks whether the API answers.
  const poll = async () => {
    const ok = await loadRecent();
    if (ok) refreshCurrent();
    showConnection(conn, ok ? "live" : "down", ok ? "" : "正在重试");
  };
  await poll();
  setInterval(poll, 4000);
}

main();
