// The command console's incident drawer: the full detail of one incident and what the
// command centre does about it — 转派 to any precinct, 定位修正 (a gazetteer candidate or a
// click on the map), dispatching a unit from any precinct — and the timeline.
// Server text goes in through el() (text nodes) only.
import {
  $, actorName, api, ApiError, CATEGORY, CHANNEL, countdown, el, escalationChip, EVENT, explain,
  fill, flagChips, handoffText, hms, label, prioChip, reasonText, SATISFACTION, sinceChip, STATUS,
  statusChip, toast, UNIT_STATUS, unitName,
} from "./console.js";
import { timelineFindings } from "./synthesis.js";
import { closeForm, dispositionLabel, isAnswerable, onSpotForm } from "./closing.js";
import { caseSection, isCaseReport, stageText } from "./missing.js";

const REASSIGNABLE = new Set(["triaged", "assigned", "acknowledged"]);
const RELOCATABLE = new Set(["triaged", "assigned", "acknowledged", "en_route", "on_scene"]);
const OPEN = new Set(["received", "triaged", "assigned", "acknowledged", "en_route", "on_scene"]);
const SOURCE = { device: "设备定位", address: "地址解析", text: "报警内容", combined: "综合", region_hint: "归属地", manual: "地图点选", gazetteer: "地名库候选", none: "未定位" };

export class IncidentDrawer {
  // box: the <aside>; precincts: Map id → {name, district_name}; map: the DispatchMap;
  // onChange(incident) after an action changed it (the board updates at once).
  // onCase(case) after a missing-person case was opened from the incident.
  constructor(box, { precincts, map, onChange = () => {}, onCase = () => {} }) {
    this.onCase = onCase;
    this.box = box;
    this.precincts = precincts;
    this.map = map;
    this.onChange = onChange;
    this.id = null;
    this.incident = null;
    this.picking = false;
    this.seq = 0;
    this.timer = null;
  }

  precinctName(id) {
    if (id === "command") return "指挥中心（未能定位到派出所）";
    const p = id && this.precincts.get(id);
    return p ? `${p.district_name} ${p.name}` : (id || "—");
  }

  async open(id) {
    this.id = id;
    this.stopPicking();
    this.box.hidden = false;
    await this.load();
  }

  close() {
    this.id = null;
    this.incident = null;
    this.stopPicking();
    this.box.hidden = true;
    fill(this.box);
  }

  // A feed event about the open incident: refresh the detail and the timeline soon; the
  // forms stay as the officer left them unless the status (what may be done) changed.
  touched(id) {
    if (id !== this.id) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(true), 200);
  }

  async load(partial = false) {
    const seq = ++this.seq;
    let inc;
    try {
      inc = await api(`/v1/incidents/${encodeURIComponent(this.id)}`);
    } catch (err) {
      if (seq === this.seq) fill(this.box, this.head(null), el("p", { class: "quiet error-line" }, explain(err)));
      return;
    }
    if (seq !== this.seq) return;
    const before = this.incident;
    this.incident = inc;
    const kv = this.box.querySelector("#drawer-kv");
    const history = this.box.querySelector("#drawer-history");
    if (partial && before && before.id === inc.id && before.status === inc.status
        && before.precinct === inc.precinct && kv && history) {
      this.box.querySelector(".drawer-head").replaceWith(this.head(inc));
      kv.replaceWith(this.details(inc));
      history.replaceWith(this.history(inc));
      return;
    }
    this.render(inc);
  }

  head(inc) {
    return el("div", { class: "drawer-head" },
      inc ? [prioChip(inc.priority), el("strong", {}, label(CATEGORY, inc.category)), ...flagChips(inc.flags),
        statusChip(inc.status), escalationChip(inc.escalation_level)] : el("strong", {}, "警情详情"),
      el("span", { class: "grow" }),
      el("button", { class: "btn small", id: "drawer-close", type: "button", title: "关闭（Esc）", onclick: () => this.close() }, "关闭"));
  }

  render(inc) {
    fill(this.box, this.head(inc),
      el("div", { class: "drawer-body", id: "drawer-body", dataset: { id: inc.id } },
        this.details(inc),
        isCaseReport(inc) ? caseSection(inc, (opened) => { this.onCase(opened); this.load(); }) : null,
        REASSIGNABLE.has(inc.status) ? this.reassignForm(inc) : null,
        RELOCATABLE.has(inc.status) ? this.locationForm(inc) : null,
        isAnswerable(inc) ? onSpotForm(inc, (u) => this.changed(u)) : null,
        inc.status === "resolved" ? closeForm(inc, (u) => this.changed(u)) : null,
        OPEN.has(inc.status) ? this.unitsSection(inc) : null,
        timelineFindings(inc, { onIncident: (id) => this.open(id) }),
        this.history(inc)));
  }

  details(inc) {
    const loc = inc.location || {};
    const placed = typeof loc.lat === "number";
    const phone = inc.caller && inc.caller.phone;
    return el("dl", { class: "kv", id: "drawer-kv" },
          el("dt", {}, "警情编号"), el("dd", { class: "mono" }, inc.id),
          el("dt", {}, "报警内容"), el("dd", { id: "drawer-text" }, inc.text || ""),
          el("dt", {}, "来源"), el("dd", {}, label(CHANNEL, inc.channel)),
          el("dt", {}, "报警电话"), el("dd", { class: "mono", id: "drawer-phone" }, inc.caller_phone_hidden ? `${phone || ""}（无权查看完整号码）` : (phone || "—")),
          el("dt", {}, "接警时间"), el("dd", {}, el("span", { class: "mono" }, hms(inc.received_at)), " · 已历时 ", sinceChip(inc.received_at)),
          el("dt", {}, "地址"), el("dd", {}, inc.address || "—"),
          el("dt", {}, "定位"), el("dd", { id: "drawer-location" }, placed
            ? [el("span", { class: "mono" }, `${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}`),
              loc.radius_m != null ? ` ±${Math.round(loc.radius_m)} 米` : "", ` · ${label(SOURCE, loc.source)}`,
              loc.district_name ? ` · ${loc.district_name}` : ""]
            : "未能定位"),
          el("dt", {}, "派出所"), el("dd", { id: "drawer-precinct" }, this.precinctName(inc.precinct),
            inc.precinct === "command" ? el("span", { class: "esc" }, " 待指挥中心处置") : null),
          el("dt", {}, "签收时限"), el("dd", {}, inc.status === "assigned" && inc.ack_due_at
            ? el("span", { class: "countdown", dataset: { due: inc.ack_due_at } }, countdown(inc.ack_due_at).text) : "—"),
          el("dt", {}, "签收"), el("dd", {}, inc.acknowledged_by ? `${actorName(inc.acknowledged_by)} ${hms(inc.acknowledged_at)}` : "—"),
          el("dt", {}, "报警人数"), el("dd", {}, String(inc.callers || 1)),
          el("dt", {}, "出警警力"), el("dd", { id: "drawer-units" }, (inc.units || []).map((u) => el("span", { class: "unit-name", title: u, dataset: { unit: u } }, unitName(u))).reduce((acc, node, i) => (i ? [...acc, "、", node] : [node]), []).concat((inc.units || []).length ? [] : ["—"])),
          inc.disposition ? [el("dt", {}, "处置结果"), this.disposition(inc.disposition)] : null,
          inc.answer ? [el("dt", {}, "当场答复"), el("dd", {}, inc.answer)] : null);
  }

  history(inc) {
    return el("div", { id: "drawer-history" },
      el("div", { class: "section-title" }, `时间线（${(inc.timeline || []).length}）`),
      el("ol", { class: "timeline", id: "drawer-timeline" }, (inc.timeline || []).map((ev) => el("li", {},
        el("span", { class: "when" }, hms(ev.at)),
        el("span", { class: "what" }, label(EVENT, ev.type)),
        el("span", { class: "actor", title: ev.actor || "" }, actorName(ev.actor)),
        el("div", { class: "note" }, this.describe(ev))))));
  }

  disposition(code) {
    const dd = el("dd", { id: "drawer-disposition" }, code);
    dispositionLabel(code).then((text) => { dd.textContent = text; });
    return dd;
  }

  describe(ev) {
    const p = ev.payload || {};
    if (ev.type === "incident.missing") return stageText(p);
    if (ev.type === "incident.handoff") return handoffText(p);
    const parts = [];
    if (ev.type === "incident.assigned") parts.push(`派出所 ${this.precinctName(p.precinct)}`);
    if (ev.type === "incident.located" && typeof p.lat === "number") {
      parts.push(`${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}`, label(SOURCE, p.source));
    }
    if (p.status) parts.push(label(STATUS, p.status));
    if (p.unit_id) parts.push(`警力 ${unitName(p.unit_id)}`);
    if (p.satisfaction) parts.push(`满意度 ${SATISFACTION[p.satisfaction] || p.satisfaction}`);
    if (p.disposition_label) parts.push(`处置结果：${p.disposition_label}`);
    if (p.answer) parts.push(`答复：${p.answer}`);
    if (p.reason) parts.push(`原因：${reasonText(p.reason)}`);
    if (p.officer) parts.push(`经办：${p.officer}`);
    return parts.join(" · ");
  }

  // 转派: a select of every precinct, grouped by district, and the reason.
  reassignForm(inc) {
    const groups = new Map();
    for (const [id, p] of this.precincts) {
      if (!groups.has(p.district_name)) groups.set(p.district_name, []);
      groups.get(p.district_name).push([id, p]);
    }
    const select = el("select", { id: "reassign-precinct" }, el("option", { value: "" }, "选择派出所…"),
      [...groups].map(([district, list]) => el("optgroup", { label: district || "—" },
        list.map(([id, p]) => el("option", { value: id, disabled: id === inc.precinct }, p.name)))));
    const reason = el("input", { type: "text", id: "reassign-reason", maxlength: "200", placeholder: "转派理由（必填）" });
    const send = async () => {
      if (!select.value) { toast("请选择派出所", "error"); select.focus(); return; }
      if (reason.value.trim().length < 2) { toast("转派须填写理由", "error"); reason.focus(); return; }
      try {
        const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/reassign`, {
          method: "POST", body: { precinct: select.value, reason: reason.value.trim() },
        });
        toast(`已转派至 ${this.precinctName(updated.precinct)}`, "ok");
        this.changed(updated);
      } catch (err) {
        toast(`转派失败：${explain(err)}`, "error");
      }
    };
    return el("div", { class: "drawer-section", id: "reassign" },
      el("div", { class: "section-title" }, "转派"),
      el("div", { class: "row" }, select, reason,
        el("button", { type: "button", class: "btn", id: "reassign-send", onclick: send }, "转派")));
  }

  // 定位修正: candidates for the address (or what the officer types), or a map click.
  locationForm(inc) {
    const list = el("div", { class: "candidates", id: "location-candidates" });
    const query = el("input", { type: "search", id: "location-query", maxlength: "100", value: inc.address || "", placeholder: "输入地址、小区、地标查找候选" });
    let seq = 0;
    const search = async () => {
      const q = query.value.trim();
      const mine = ++seq;
      if (!q) { fill(list); return; }
      try {
        const data = await api(`/v1/geo/suggest?q=${encodeURIComponent(q)}&limit=8`);
        if (mine !== seq) return;
        const items = data.items || [];
        fill(list, items.length ? items.map((item) => el("button", {
          type: "button", class: "btn small candidate", dataset: { candidate: item.id },
          onclick: () => this.fixLocation({ candidate: item.id }, item.label),
        }, item.label, item.share ? ` ${Math.round(item.share * 100)}%` : "")) : el("span", { class: "quiet" }, "地名库中没有匹配的地点"));
      } catch (err) {
        if (mine === seq) fill(list, el("span", { class: "quiet" }, explain(err)));
      }
    };
    let timer = null;
    query.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 300); });
    if (query.value) search();
    const pick = el("button", { type: "button", class: `btn ${this.picking ? "primary" : ""}`, id: "location-pick", onclick: () => {
      if (this.picking) this.stopPicking(); else this.startPicking();
    } }, this.picking ? "取消点选" : "在地图上点选");
    return el("div", { class: "drawer-section", id: "location-fix" },
      el("div", { class: "section-title" }, "定位修正"),
      el("div", { class: "row" }, query, pick),
      el("p", { class: "quiet", id: "location-hint", hidden: !this.picking }, "在右侧地图上点击事发地点"),
      list);
  }

  startPicking() {
    this.picking = true;
    if (this.map) this.map.setPicking(true);
    const button = $("#location-pick");
    if (button) { button.textContent = "取消点选"; button.classList.add("primary"); }
    const hint = $("#location-hint");
    if (hint) hint.hidden = false;
  }

  stopPicking() {
    this.picking = false;
    if (this.map) this.map.setPicking(false);
    const button = $("#location-pick");
    if (button) { button.textContent = "在地图上点选"; button.classList.remove("primary"); }
    const hint = $("#location-hint");
    if (hint) hint.hidden = true;
  }

  // A click on the map: only while picking.
  mapClicked(point) {
    if (!this.picking || !this.incident) return false;
    if (this.map) this.map.showPick(point);
    this.fixLocation({ lat: Number(point.lat.toFixed(6)), lon: Number(point.lon.toFixed(6)) },
      `${point.lat.toFixed(5)}, ${point.lon.toFixed(5)}`);
    return true;
  }

  async fixLocation(body, what) {
    const inc = this.incident;
    if (!inc) return;
    try {
      const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/location`, {
        method: "POST", body: { ...body, reason: "指挥中心定位修正" },
      });
      this.stopPicking();
      toast(`已修正定位（${what}），派出所：${this.precinctName(updated.precinct)}`, "ok");
      this.changed(updated);
    } catch (err) {
      toast(`定位修正失败：${explain(err)}`, "error");
    }
  }

  // 派遣: the fastest available units from any precinct.
  unitsSection(inc) {
    const box = el("div", { id: "drawer-recommendations" }, el("p", { class: "quiet" }, "加载推荐警力…"));
    this.loadUnits(inc, box);
    const loc = inc.location || {};
    const rough = typeof loc.lat === "number" && (loc.radius_m || 0) > 2000;
    return el("div", { class: "drawer-section", id: "dispatch-units" },
      el("div", { class: "section-title" }, "派遣警力（全市）"),
      rough ? el("p", { class: "placement warn", id: "units-rough" }, "位置不精确（误差超过 2 公里）：距离和到达时间仅供参考，建议先修正定位") : null,
      box, this.anyUnit(inc));
  }

  // Any available unit of any precinct, grouped by precinct (beyond the fastest few).
  anyUnit(inc) {
    const select = el("select", { id: "unit-any" }, el("option", { value: "" }, "其他警力（按派出所）…"));
    api("/v1/units").then((data) => {
      const groups = new Map();
      for (const u of (data && data.items) || []) {
        if (u.status !== "available") continue;
        if (!groups.has(u.precinct)) groups.set(u.precinct, []);
        groups.get(u.precinct).push(u);
      }
      for (const [pid, units] of [...groups].sort((a, b) => this.precinctName(a[0]).localeCompare(this.precinctName(b[0]), "zh-CN"))) {
        select.append(el("optgroup", { label: this.precinctName(pid) },
          units.map((u) => el("option", { value: u.id, dataset: { name: u.name || u.id } }, u.name || u.id))));
      }
    }).catch(() => select.append(el("option", { value: "", disabled: true }, "警力列表加载失败")));
    const send = () => {
      if (!select.value) { toast("请选择警力", "error"); select.focus(); return; }
      const option = select.selectedOptions[0];
      this.dispatchUnit(inc, { unit_id: select.value, name: option ? option.dataset.name : select.value });
    };
    return el("div", { class: "row", style: "margin-top:6px" }, select,
      el("button", { type: "button", class: "btn", id: "unit-any-send", onclick: send }, "派遣"));
  }

  async loadUnits(inc, box) {
    // A partial refresh (a feed event) keeps this box: fill it while it is on the page.
    const current = () => this.id === inc.id && box.isConnected;
    try {
      const data = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/recommendations`);
      if (!current()) return;
      const items = (data && data.items) || [];
      if (!items.length) {
        const why = data && data.reason === "out_of_area" ? "事发地不在本市辖区：不派本市警力，请经“移交监控”移交当地公安机关"
          : data && data.reason ? "尚未定位，先修正定位再派遣" : "暂无可用警力";
        fill(box, el("p", { class: "quiet", id: "units-none" }, why));
        return;
      }
      fill(box, el("table", { class: "list" },
        el("thead", {}, el("tr", {}, ["警力", "所属", "状态", "距离", "预计到达", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, items.slice(0, 8).map((u) => el("tr", { dataset: { unitRow: u.unit_id } },
          el("td", { title: u.unit_id }, u.name || u.unit_id),
          el("td", {}, this.precinctName(u.precinct)),
          el("td", {}, label(UNIT_STATUS, u.status)),
          el("td", { class: "mono" }, u.distance_m != null ? `${(u.distance_m / 1000).toFixed(1)} km` : "—"),
          el("td", { class: "mono" }, u.eta_s != null ? `${Math.round(u.eta_s / 60)} 分` : "—"),
          el("td", {}, el("button", { class: "btn small", type: "button", dataset: { unit: u.unit_id }, onclick: () => this.dispatchUnit(inc, u) }, "派遣")))))));
    } catch (err) {
      if (current()) fill(box, el("p", { class: "quiet" }, err instanceof ApiError && err.status === 404 ? "警力推荐暂未开放" : explain(err)));
    }
  }

  async dispatchUnit(inc, unit) {
    try {
      const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/units`, { method: "POST", body: { unit_id: unit.unit_id } });
      toast(`已派遣 ${unit.name || unit.unit_id}`, "ok");
      this.changed(updated);
    } catch (err) {
      toast(`派遣失败：${explain(err)}`, "error");
    }
  }

  changed(updated) {
    this.onChange(updated);
    this.load();
  }
}
