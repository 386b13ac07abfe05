// The command console's incident drawer: the full detail and every action a duty officer
// needs on one incident — 转派, dispatch a unit from any precinct, fix the location (a map
// click or a gazetteer candidate), 代签收, 当场答复, 结案 with a disposition, open the
// missing-person case proposed from the report.
import {
  $, ACTIVE, api, ApiError, CATEGORY, CHANNEL, countdown, el, escalationChip, explain, fill,
  flagChips, hms, label, prioChip, STATUS, statusChip, toast, UNIT_STATUS,
} from "./console.js";
import { renderCase } from "./command_panels.js";
import { placedText, suggestBox } from "./places.js";
import {
  actorText, canAnswer, dispositionSelect, elapsedNode, missingStage, precinctText,
  timelineList, unitText,
} from "./timeline.js";

const NEXT = {
  acknowledged: [["en_route", "出警"], ["on_scene", "到达现场"], ["resolved", "处置完毕"]],
  en_route: [["on_scene", "到达现场"], ["resolved", "处置完毕"]],
  on_scene: [["resolved", "处置完毕"]],
};

function isPrecise(loc) {
  return loc && loc.lat != null && loc.precinct && loc.in_jurisdiction && (loc.radius_m || 0) <= 1500;
}

export class Drawer {
  constructor({ state, upsert, render, ackIncident }) {
    this.state = state;
    this.upsert = upsert;
    this.render = render;
    this.ackIncident = ackIncident;
    this.node = $("#drawer");
    this.body = $("#drawer-body");
    this.id = null;        // incident id, or null
    this.caseId = null;    // missing-person case id, or null
    this.seq = 0;
    this.best = null;      // the top recommendation (D key)
    this.timer = null;
  }

  isOpen() { return !this.node.hidden; }

  isShowing(id) { return this.isOpen() && this.id === id; }

  close() {
    this.node.hidden = true;
    this.id = null;
    this.caseId = null;
    if (this.state.map) { this.state.map.cancelPick(); this.state.map.showPick(null); }
  }

  focus(selector) { const n = this.body.querySelector(selector); if (n) n.focus(); }

  // The drawer refreshes on new events, unless the officer is typing in it.
  refreshSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const busy = this.body.contains(document.activeElement)
        && ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
      if (!busy && this.id) this.open(this.id);
    }, 250);
  }

  async openCase(caseId) {
    this.id = null;
    this.caseId = caseId;
    this.node.hidden = false;
    $("#drawer-title").textContent = `走失人员专案 ${caseId}`;
    const seq = ++this.seq;
    try {
      const c = await api(`/v1/missing/${encodeURIComponent(caseId)}`);
      if (seq === this.seq) fill(this.body, renderCase(c, this.state));
    } catch (err) {
      if (seq === this.seq) fill(this.body, el("p", { class: "quiet error-line" }, explain(err)));
    }
  }

  async open(id) {
    this.id = id;
    this.caseId = null;
    this.node.hidden = false;
    $("#drawer-title").textContent = `警情 ${id}`;
    const seq = ++this.seq;
    let inc;
    try {
      inc = await api(`/v1/incidents/${encodeURIComponent(id)}`);
    } catch (err) {
      if (seq === this.seq) fill(this.body, el("p", { class: "quiet error-line" }, explain(err)));
      return;
    }
    if (seq !== this.seq) return;
    this.upsert(inc);
    const { names, units } = this.state;
    const loc = inc.location || {};
    const open = ["received", "triaged", "assigned", "acknowledged", "en_route", "on_scene"].includes(inc.status);
    const recs = el("div", { id: "drawer-recommendations" }, el("p", { class: "quiet" }, "加载推荐警力…"));
    fill(this.body,
      el("div", { class: "preview-head" }, prioChip(inc.priority), el("strong", {}, label(CATEGORY, inc.category)),
        ...flagChips(inc.flags), statusChip(inc.status), escalationChip(inc.escalation_level)),
      open && !isPrecise(loc) ? el("div", { class: "placed warn", id: "drawer-unplaced" },
        `⚠ 未能精确定位到派出所：${placedText(loc)}。请修正位置（选择地点或地图点选），或直接转派。`) : null,
      el("dl", { class: "kv" },
        el("dt", {}, "警情编号"), el("dd", { class: "mono" }, inc.id),
        el("dt", {}, "报警内容"), el("dd", { id: "drawer-text" }, inc.text || ""),
        el("dt", {}, "事发地址"), el("dd", {}, inc.address || "—"),
        el("dt", {}, "定位"), el("dd", {}, loc.lat != null ? `${placedText(loc)} · ${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}` : "无坐标",
          loc.corrected ? el("span", { class: "tag" }, " 人工更正") : null),
        el("dt", {}, "报警人电话"), el("dd", { class: "mono", id: "drawer-phone" }, (inc.caller && inc.caller.phone) || "—"),
        el("dt", {}, "来源"), el("dd", {}, label(CHANNEL, inc.channel)),
        el("dt", {}, "接警时间"), el("dd", { class: "mono" }, hms(inc.received_at), " · 已过 ", elapsedNode(inc.received_at)),
        el("dt", {}, "承办单位"), el("dd", { id: "drawer-precinct" }, precinctText(inc.precinct, names)),
        el("dt", {}, "签收时限"), el("dd", {}, inc.status === "assigned" && inc.ack_due_at
          ? el("span", { class: "countdown", dataset: { due: inc.ack_due_at } }, countdown(inc.ack_due_at).text) : "—"),
        el("dt", {}, "签收"), el("dd", {}, inc.acknowledged_by ? `${actorText(inc.acknowledged_by, names)} ${hms(inc.acknowledged_at)}` : "—"),
        el("dt", {}, "到场时限"), el("dd", { class: "mono" }, inc.arrival_due_at ? hms(inc.arrival_due_at) : "—"),
        el("dt", {}, "出警警力"), el("dd", { id: "drawer-units" }, (inc.units || []).map((u) => unitText(u, units)).join("、") || "—"),
        el("dt", {}, "处置结果"), el("dd", {}, inc.disposition ? `${inc.disposition.label}${inc.disposition.note ? `：${inc.disposition.note}` : ""}` : "—"),
        el("dt", {}, "回访"), el("dd", {}, inc.callback ? label({ satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" }, inc.callback.satisfaction) : "—")),
      this.actions(inc),
      open ? this.locationSection(inc) : null,
      ["triaged", "assigned", "acknowledged"].includes(inc.status) ? this.reassignSection(inc) : null,
      open ? el("div", {}, el("div", { class: "section-title" }, "派遣警力（全市，按预计到达排序）"), recs) : null,
      el("div", { id: "drawer-answer-slot" }),
      el("div", { id: "drawer-close-slot" }),
      el("div", { class: "section-title" }, `时间线（${(inc.timeline || []).length}）`),
      timelineList(inc.timeline, names, units));
    if (open) this.loadRecommendations(inc, recs, seq);
    if (canAnswer(inc)) fill($("#drawer-answer-slot"), await this.answerSection(inc));
    if (inc.status === "resolved") fill($("#drawer-close-slot"), await this.closeSection(inc));
  }

  actions(inc) {
    const buttons = [];
    if (inc.status === "assigned") buttons.push(el("button", { class: "btn ack", id: "drawer-ack", onclick: () => this.ackIncident(inc.id) }, "代签收（A）"));
    for (const [status, text] of NEXT[inc.status] || []) {
      buttons.push(el("button", { class: "btn", dataset: { status }, onclick: () => this.setStatus(inc.id, status) }, text));
    }
    const proposed = missingStage(inc.timeline, "case_proposed");
    const opened = missingStage(inc.timeline, "case_opened");
    if (opened) buttons.push(el("button", { class: "btn", onclick: () => this.openCase(opened.payload.case_id) }, `走失专案 ${opened.payload.case_id}`));
    else if (proposed) {
      buttons.push(el("button", { class: "btn primary", id: "drawer-open-case", onclick: () => this.openMissingCase(inc.id) },
        `立走失案（${proposed.payload.description || "按报警内容"}）`));
    }
    return buttons.length ? el("div", { class: "actions" }, buttons) : null;
  }

  locationSection(inc) {
    const input = el("input", { type: "text", id: "drawer-address", maxlength: "200", value: inc.address || "", placeholder: "输入地点名称联想，如 阿尔丁广场" });
    const box = el("div", { id: "drawer-suggest" });
    const pickOnMap = el("button", { class: "btn", type: "button", id: "drawer-pick-map", onclick: async () => {
      if (!this.state.map || !this.state.map.ready) { toast("地图未加载", "error"); return; }
      pickOnMap.textContent = "请在地图上点击事发位置…（Esc 取消）";
      const point = await this.state.map.pickPoint();
      pickOnMap.textContent = "在地图上点选";
      if (point) this.fixLocation(inc.id, { lat: point.lat, lon: point.lon, reason: "地图点选" });
    } }, "在地图上点选");
    const widget = suggestBox(input, box, (c) => {
      if (this.state.map) this.state.map.showPick(c);
      this.fixLocation(inc.id, { lat: c.lat, lon: c.lon, place: c.name, accuracy_m: Math.min(c.radius_m || 300, 1500), address: input.value.trim() || undefined });
    }, { idPrefix: "drawer-sg" });
    if (input.value.trim().length >= 2) setTimeout(() => widget.refresh(), 0);
    return el("div", { id: "drawer-location" }, el("div", { class: "section-title" }, "修正位置（L）"),
      el("div", { class: "row" }, input, pickOnMap), box);
  }

  reassignSection(inc) {
    const { precincts, names } = this.state;
    const suggested = ((inc.location || {}).candidates || []).filter(([id]) => id !== inc.precinct);
    const byDistrict = new Map();
    for (const p of precincts.values()) {
      if (p.id === inc.precinct) continue;
      if (!byDistrict.has(p.district_name)) byDistrict.set(p.district_name, []);
      byDistrict.get(p.district_name).push(p);
    }
    const select = el("select", { id: "drawer-reassign-to" },
      el("option", { value: "" }, "转派至派出所…"),
      suggested.length ? el("optgroup", { label: "按位置建议" }, suggested.map(([id, share]) =>
        el("option", { value: id }, `${names.get(id) || id}（覆盖 ${Math.round(share * 100)}%）`))) : null,
      [...byDistrict].map(([district, list]) => el("optgroup", { label: district || "其他" },
        list.map((p) => el("option", { value: p.id }, p.name)))));
    const reason = el("input", { type: "text", id: "drawer-reassign-reason", maxlength: "200", placeholder: "转派理由（必填）" });
    const send = async () => {
      if (!select.value) { toast("请选择转派的派出所", "error"); select.focus(); return; }
      if (reason.value.trim().length < 2) { toast("转派须填写理由", "error"); reason.focus(); return; }
      try {
        const moved = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/reassign`, {
          method: "POST", body: { precinct: select.value, reason: reason.value.trim() } });
        this.upsert(moved);
        this.render();
        toast(`已转派至 ${precinctText(moved.precinct, names)}`, "ok");
        this.open(inc.id);
      } catch (err) {
        toast(`转派失败：${explain(err)}`, "error");
      }
    };
    return el("div", { id: "drawer-reassign" }, el("div", { class: "section-title" }, "转派（R）"),
      el("div", { class: "row" }, select, reason,
        el("button", { class: "btn primary", type: "button", id: "drawer-reassign-send", style: "flex:none", onclick: send }, "转派")));
  }

  async answerSection(inc) {
    const text = el("textarea", { id: "drawer-answer", rows: "2", maxlength: "2000", placeholder: "答复内容（如：补办身份证请携带户口本到户籍窗口）" });
    const code = await dispositionSelect("drawer-answer-disposition", true);
    code.value = "answered";
    const send = async () => {
      if (text.value.trim().length < 2) { toast("请填写答复内容", "error"); text.focus(); return; }
      try {
        this.upsert(await api(`/v1/incidents/${encodeURIComponent(inc.id)}/answer`, {
          method: "POST", body: { answer: text.value.trim(), disposition: code.value || "answered" } }));
        toast("已当场答复并结案", "ok");
        this.render();
        this.open(inc.id);
      } catch (err) {
        toast(`答复失败：${explain(err)}`, "error");
      }
    };
    return el("div", {}, el("div", { class: "section-title" }, "当场答复（无需出警）"), text,
      el("div", { class: "row" }, code, el("button", { class: "btn primary", id: "drawer-answer-send", style: "flex:none", onclick: send }, "答复并结案")));
  }

  async closeSection(inc) {
    const code = await dispositionSelect("drawer-disposition");
    const note = el("input", { type: "text", id: "drawer-close-note", maxlength: "200", placeholder: "处置情况（可选）" });
    const send = async () => {
      if (!code.value) { toast("结案须选择处置结果", "error"); code.focus(); return; }
      const body = { status: "closed", disposition: code.value };
      if (note.value.trim()) body.reason = note.value.trim();
      await this.setStatus(inc.id, "closed", body);
    };
    return el("div", {}, el("div", { class: "section-title" }, "结案"),
      el("div", { class: "row" }, code, note, el("button", { class: "btn primary", id: "drawer-close-send", style: "flex:none", onclick: send }, "结案")));
  }

  async setStatus(id, status, body = { status }) {
    try {
      this.upsert(await api(`/v1/incidents/${encodeURIComponent(id)}/status`, { method: "POST", body }));
      this.render();
      this.open(id);
    } catch (err) {
      const allowed = err instanceof ApiError && err.body && err.body.allowed;
      toast(allowed ? `不允许：可改为 ${allowed.map((s) => label(STATUS, s)).join("、")}` : explain(err), "error");
    }
  }

  async fixLocation(id, body) {
    try {
      const fixed = await api(`/v1/incidents/${encodeURIComponent(id)}/location`, { method: "POST", body });
      this.upsert(fixed);
      this.render();
      toast(`位置已更正：${placedText(fixed.location)} → ${precinctText(fixed.precinct, this.state.names)}`, "ok");
      this.open(id);
    } catch (err) {
      toast(`更正位置失败：${explain(err)}`, "error");
    }
  }

  async openMissingCase(reportId) {
    try {
      const c = await api("/v1/missing", { method: "POST", body: { report_id: reportId } });
      toast(`已立走失案 ${c.id}`, "ok");
      if (this.state.missing) this.state.missing.load();
      this.openCase(c.id);
    } catch (err) {
      toast(`立案失败：${explain(err)}`, "error");
    }
  }

  async loadRecommendations(inc, box, seq) {
    try {
      const data = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/recommendations`);
      if (seq !== this.seq) return;
      const items = (data && data.items) || [];
      this.best = items[0] ? { incident: inc, unit: items[0].unit_id } : null;
      if (!items.length) {
        fill(box, el("p", { class: "quiet" }, data && data.reason && data.reason.includes("jurisdiction")
          ? "事发地在本市辖区外：不派本市警力，请移交当地公安机关" : (inc.location || {}).lat == null ? "尚无坐标：请先修正位置" : "暂无可用警力"));
        return;
      }
      const rough = !isPrecise(inc.location || {});
      fill(box, rough ? el("p", { class: "placed warn" }, "位置未精确：以下按区县中心估算，先修正位置更可靠") : null,
        el("table", { class: "list" },
        el("thead", {}, el("tr", {}, ["呼号", "所属", "状态", "距离", "预计到达", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, items.slice(0, 8).map((u) => el("tr", {},
          el("td", {}, u.call_sign || u.name || u.unit_id),
          el("td", {}, precinctText(u.precinct, this.state.names)),
          el("td", {}, label(UNIT_STATUS, u.status)),
          el("td", { class: "mono" }, `${(u.distance_m / 1000).toFixed(1)} km`),
          el("td", { class: "mono" }, `${Math.round(u.eta_s / 60)} 分`),
          el("td", {}, el("button", { class: "btn small", dataset: { unit: u.unit_id }, onclick: () => this.dispatch(inc, u.unit_id) }, "派遣")))))));
    } catch (err) {
      if (seq === this.seq) fill(box, el("p", { class: "quiet" }, explain(err)));
    }
  }

  dispatchBest() { if (this.best) this.dispatch(this.best.incident, this.best.unit); }

  // 派遣: acknowledge first if nobody has, send the unit, and the incident sets out (出警).
  async dispatch(inc, unitId) {
    const path = `/v1/incidents/${encodeURIComponent(inc.id)}`;
    try {
      let current = inc;
      if (current.status === "assigned") current = await api(`${path}/ack`, { method: "POST" });
      current = await api(`${path}/units`, { method: "POST", body: { unit_id: unitId } });
      if (current.status === "acknowledged") {
        current = await api(`${path}/status`, { method: "POST", body: { status: "en_route", reason: "指挥中心派遣" } });
      }
      this.upsert(current);
      this.render();
      toast(`已派遣 ${unitText(unitId, this.state.units)}`, "ok");
      this.open(inc.id);
    } catch (err) {
      toast(`派遣失败：${explain(err)}`, "error");
    }
  }
}

export { ACTIVE };
