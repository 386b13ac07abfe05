// The command console's series list (系列案件): same-category incidents close together
// within a week, as the synthesis linked them (GET /v1/synthesis/series,
// docs/synthesis.md). A series opens its members; a member opens the incident drawer.
// Server text goes in through el() (text nodes) only.
import { api, CATEGORY, el, explain, fill, label, shortDate, statusChip } from "./console.js";

export class SeriesPanel {
  // list: the tab body; count: its badge; openIncident(id); precinctName(id);
  // onNew(): a new member arrived (light the tab).
  constructor({ list, count, openIncident, precinctName, onNew = () => {} }) {
    Object.assign(this, { list, count, openIncident, precinctName, onNew });
    this.items = [];
    this.members = new Set();   // incident ids of every listed series
    this.opened = null;         // the series whose members are shown
    this.timer = null;
    this.loaded = false;
  }

  async load() {
    let data;
    try {
      data = await api("/v1/synthesis/series?days=7");
    } catch (err) {
      fill(this.list, el("p", { class: "quiet error-line" }, `系列案件加载失败：${explain(err)}`));
      return;
    }
    const before = this.members;
    this.items = (data && data.items) || [];
    this.members = new Set(this.items.flatMap((s) => s.members.map((m) => m.incident_id)));
    if (this.loaded && [...this.members].some((id) => !before.has(id))) this.onNew();
    this.loaded = true;
    this.render();
  }

  // A feed message: an incident marked as a series member we do not list yet reloads
  // the list (a burst reloads once).
  seen(incident) {
    if (!incident || !incident.id || !(incident.marks || []).includes("series")) return;
    if (this.members.has(incident.id)) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 300);
  }

  area(s) {
    const names = s.precincts.map((p) => this.precinctName(p)).join("、") || "—";
    return s.radius_m !== null && s.radius_m !== undefined ? `${names} · 半径 ${Math.round(s.radius_m)} 米` : names;
  }

  render() {
    this.count.textContent = this.items.length ? `${this.items.length} 组` : "";
    if (!this.items.length) { fill(this.list, el("p", { class: "quiet" }, "近 7 天暂无系列案件")); return; }
    fill(this.list, el("table", { class: "list series-list" },
      el("thead", {}, el("tr", {}, ["类别", "起数", "区域", "最近发案"].map((h) => el("th", {}, h)))),
      el("tbody", {}, this.items.flatMap((s) => {
        const open = s.id === this.opened;
        const head = el("tr", {
          class: `series-row ${open ? "selected" : ""}`, dataset: { series: s.id },
          title: `系列编号 ${s.id}（首发 ${shortDate(s.first_at)}）`,
          onclick: () => { this.opened = open ? null : s.id; this.render(); },
        },
        el("td", { class: "wrap" }, open ? "▾ " : "▸ ", label(CATEGORY, s.category)),
        el("td", { class: "n" }, `${s.count} 起`),
        el("td", { class: "addr", title: this.area(s) }, this.area(s)),
        el("td", { class: "mono" }, shortDate(s.last_at)));
        if (!open) return [head];
        const rows = s.members.slice().reverse().map((m) => el("tr", {
          class: `series-member pri-${m.priority || "none"}`, dataset: { id: m.incident_id },
          onclick: () => this.openIncident(m.incident_id),
        },
        el("td", { class: "mono" }, shortDate(m.at)),
        el("td", { class: "mono", colspan: "2" }, m.incident_id, " · ", this.precinctName(m.precinct)),
        el("td", {}, statusChip(m.status))));
        if (s.omitted) {
          rows.push(el("tr", { class: "series-member" }, el("td", { colspan: "4", class: "quiet" }, `另有 ${s.omitted} 起属其他派出所`)));
        }
        return [head, ...rows];
      }))));
  }
}
