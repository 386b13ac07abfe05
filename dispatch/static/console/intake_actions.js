// Call-taker actions around the intake form: "not placed precisely — pick one" before
// submitting, search over recent incidents, and on the current incident 当场答复 and
// opening the proposed missing-person case prefilled from what triage extracted.
import { $, api, el, explain, fill, toast } from "./console.js";
import { suggestBox } from "./places.js";
import { canAnswer, dispositionSelect, missingStage } from "./timeline.js";

let address = null;       // the suggestion widget of the address field
let warnedFor = null;     // the address the call-taker was warned about once

function hasDevicePoint() { return $("#f-lat").value !== "" && $("#f-lon").value !== ""; }

// Under the address field: where it lands and, when imprecise, places to pick.
export function installAddressCheck() {
  const box = el("div", { id: "address-check" });
  $("#f-address").closest("label").after(box);
  address = suggestBox($("#f-address"), box, (c) => {
    $("#f-lat").value = String(c.lat);
    $("#f-lon").value = String(c.lon);
    $("#f-crs").value = "wgs84";
    $("#f-accuracy").value = String(Math.round(Math.min(c.radius_m || 300, 1500)));
    $("#f-lat").dataset.picked = c.name;
    toast(`已选定地点：${c.label}`, "ok");
  }, { idPrefix: "address", map: false });
  $("#report-form").addEventListener("reset", () => { address.clear(); warnedFor = null; delete $("#f-lat").dataset.picked; });
}

// Before submitting: an address that is not placed precisely, with no device point and no
// pick, is refused once with the request to pick; a second submit goes as it is.
export async function confirmPlace() {
  const text = $("#f-address").value.trim();
  if (!address || !text || hasDevicePoint()) return true;
  let s = address.state();
  if (s.query !== text || s.precise === null) { await address.refresh(); s = address.state(); }
  if (s.precise !== false || warnedFor === text) return true;
  warnedFor = text;
  toast("地址未能精确定位到派出所：请在地址下方选择一个地点（或再次点击提交，按区县级提交由指挥中心确认）", "error");
  const status = $("#address-status");
  if (status) status.scrollIntoView({ block: "nearest" });
  return false;
}

// The recent list's search box: Enter asks the server (id, phone, address, text).
export function installRecentSearch(onSearch) {
  const input = el("input", { type: "text", id: "recent-search", maxlength: "100", placeholder: "搜索 编号/电话/地址/内容，回车" });
  const row = el("div", { class: "search-row" }, input,
    el("button", { class: "btn small", type: "button", onclick: () => { input.value = ""; onSearch(""); } }, "清除"));
  $("#recent").before(row);
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); onSearch(input.value.trim()); } });
  return input;
}

// ---------------------------------------------------------------------------------------
// Current incident: answer on the spot, open the missing-person case.

let caseSeq = 0;

export async function showActions(inc, refresh) {
  const slot = $("#current-actions");
  if (!slot) return;
  const seq = ++caseSeq;
  const parts = [];
  if (canAnswer(inc)) parts.push(await answerForm(inc, refresh));
  const opened = missingStage(inc.timeline, "case_opened");
  const proposed = missingStage(inc.timeline, "case_proposed");
  if (opened) parts.push(el("p", { class: "placed ok", id: "case-opened" }, `已立走失案 ${opened.payload.case_id}`));
  else if (proposed) parts.push(caseForm(inc, proposed.payload, refresh));
  else if (inc.category === "missing_person" && inc.status !== "received") {
    parts.push(el("p", { class: "quiet" }, "正在整理走失人员信息…"));
    setTimeout(async () => {  // the proposal follows triage by a moment
      if (seq !== caseSeq) return;
      try { showActions(await api(`/v1/incidents/${encodeURIComponent(inc.id)}`), refresh); } catch { /* next follow */ }
    }, 1000);
  }
  if (seq === caseSeq) fill(slot, parts);
}

async function answerForm(inc, refresh) {
  const text = el("textarea", { id: "answer-text", rows: "2", maxlength: "2000", placeholder: "答复内容（如：补办身份证请携带户口本到户籍窗口）" });
  const code = await dispositionSelect("answer-disposition", true);
  code.value = "answered";
  const send = async () => {
    if (text.value.trim().length < 2) { toast("请填写答复内容", "error"); text.focus(); return; }
    try {
      await api(`/v1/incidents/${encodeURIComponent(inc.id)}/answer`, {
        method: "POST", body: { answer: text.value.trim(), disposition: code.value || "answered" } });
      toast("已当场答复并结案", "ok");
      refresh(inc.id);
    } catch (err) {
      toast(`答复失败：${explain(err)}`, "error");
    }
  };
  return el("div", { id: "answer" }, el("div", { class: "section-title" }, "当场答复（咨询/无需出警）"), text,
    el("div", { class: "row" }, code, el("button", { type: "button", class: "btn primary", id: "answer-send", style: "flex:none", onclick: send }, "答复并结案")));
}

const GENDER = [["unknown", "未说明"], ["male", "男"], ["female", "女"]];
const CONDITIONS = [["dementia", "痴呆"], ["mental_illness", "精神疾病"], ["depression", "抑郁"], ["medication", "依赖药物"], ["suicidal", "有轻生倾向"]];

function field(labelText, node) { return el("label", { class: "field" }, el("span", {}, labelText), node); }

function range(r) {
  if (!r || typeof r !== "object") return "";
  return r.min === r.max ? String(r.min) : `${r.min}-${r.max}`;
}

function parseRange(text) {
  const m = String(text).trim().match(/^(\d+)(?:\s*[-–~]\s*(\d+))?$/);
  if (!m) return null;
  return m[2] ? [Number(m[1]), Number(m[2])] : Number(m[1]);
}

// 立案 prefilled from the proposal; the call-taker completes what is missing.
function caseForm(inc, proposal, refresh) {
  const person = proposal.person || {};
  const name = el("input", { type: "text", id: "mp-name", maxlength: "100", placeholder: "姓名（如知道）" });
  const gender = el("select", { id: "mp-gender" }, GENDER.map(([v, t]) => el("option", { value: v, selected: v === (person.gender || "unknown") }, t)));
  const age = el("input", { type: "text", id: "mp-age", value: range(person.age), placeholder: "如 72 或 70-80" });
  const height = el("input", { type: "text", id: "mp-height", value: range(person.height), placeholder: "厘米，如 170" });
  const clothing = el("input", { type: "text", id: "mp-clothing", value: (person.clothing || []).map((c) => c.text || "").filter(Boolean).join("，"), placeholder: "衣着，逗号分隔" });
  const features = el("input", { type: "text", id: "mp-features", value: (person.features || []).join("，"), placeholder: "体貌特征" });
  const conditions = CONDITIONS.map(([v, t]) => el("label", { class: "tag" },
    el("input", { type: "checkbox", value: v, checked: (person.conditions || []).includes(v) }), t));
  const where = el("input", { type: "text", id: "mp-where", maxlength: "500", value: proposal.address || inc.address || "", placeholder: "最后出现地点" });
  const ago = el("input", { type: "number", id: "mp-ago", min: "0", step: "1", value: proposal.last_seen_minutes_ago != null ? String(proposal.last_seen_minutes_ago) : "", placeholder: "分钟前" });
  const send = async () => {
    const p = { gender: gender.value };
    if (name.value.trim()) p.name = name.value.trim();
    const a = parseRange(age.value);
    if (age.value.trim() && a === null) { toast("年龄格式：72 或 70-80", "error"); age.focus(); return; }
    if (Array.isArray(a)) p.age_range = a; else if (a !== null) p.age = a;
    const h = parseRange(height.value);
    if (height.value.trim() && h === null) { toast("身高格式：170 或 165-175", "error"); height.focus(); return; }
    if (h !== null) p.height_cm = h;
    const split = (s) => s.split(/[，,、；;]/).map((x) => x.trim()).filter(Boolean);
    p.clothing = split(clothing.value);
    p.features = split(features.value);
    p.conditions = conditions.map((l) => l.querySelector("input")).filter((c) => c.checked).map((c) => c.value);
    const body = { report_id: inc.id, person: p };
    if (where.value.trim() || ago.value !== "") {
      const minutes = Number(ago.value || 0);
      body.last_seen = { at: new Date(new Date(inc.received_at).getTime() - minutes * 60000).toISOString() };
      if (where.value.trim()) body.last_seen.address = where.value.trim();
    }
    try {
      const c = await api("/v1/missing", { method: "POST", body });
      toast(`已立走失案 ${c.id}（${c.risk && c.risk.grade === "high" ? "高风险" : "已评估风险"}）`, "ok");
      refresh(inc.id);
    } catch (err) {
      toast(`立案失败：${explain(err)}`, "error");
    }
  };
  return el("div", { id: "case-form" },
    el("div", { class: "section-title" }, "走失人员立案（已按报警内容预填，请核对补全）"),
    proposal.description ? el("p", { class: "quiet" }, `系统提取：${proposal.description}`) : null,
    el("div", { class: "row" }, field("姓名", name), field("性别", gender), field("年龄", age), field("身高", height)),
    field("衣着", clothing), field("特征", features),
    el("div", { class: "actions" }, conditions),
    el("div", { class: "row" }, field("最后出现地点", where), field("最后出现（分钟前）", ago)),
    el("div", { class: "actions" }, el("button", { type: "button", class: "btn primary", id: "mp-open", onclick: send }, "立案")));
}
