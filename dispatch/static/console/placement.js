// Where will this report land? Before submitting, the intake console asks the gazetteer how
// the address alone would be placed (GET /v1/geo/suggest). When only a district, the city
// or nothing is known, it says "未能精确定位" and offers the candidates to pick from; the
// pick is sent as a location fix once the incident exists (POST /v1/incidents/{id}/location).
import { api, el, fill } from "./console.js";

const LEVEL_TEXT = {
  district: "只能定位到区县", city: "只能定位到包头市", none: "离线地名库中没有这个地址",
};

export class PlacementCheck {
  // box: the element to draw in; onPick(item|null) when the call-taker picks (or unpicks).
  constructor(box, { onPick = () => {} } = {}) {
    this.box = box;
    this.onPick = onPick;
    this.seq = 0;
    this.query = "";
    this.picked = null;
  }

  clear() {
    this.seq += 1;
    this.query = "";
    this.setPick(null);
    fill(this.box);
    this.box.hidden = true;
  }

  setPick(item) {
    this.picked = item;
    for (const b of this.box.querySelectorAll("[data-candidate]")) {
      b.classList.toggle("selected", Boolean(item) && b.dataset.candidate === item.id);
    }
    const note = this.box.querySelector("#placement-pick");
    if (note) note.textContent = item ? `已选：${item.label}（提交后按此定位）` : "";
    this.onPick(item);
  }

  // Neither the address field nor the text names a place: nothing to look up, so ask.
  noPlace() {
    this.seq += 1;
    this.query = "";
    this.setPick(null);
    this.box.hidden = false;
    fill(this.box, el("div", { class: "placement warn", id: "placement-warning", role: "alert" },
      el("strong", {}, "未能精确定位"), " 报警内容和地址栏都没有地点。请向报警人追问路口、门牌或附近地标。"));
  }

  async check(query) {
    const q = (query || "").trim();
    if (!q) { this.clear(); return; }
    if (q === this.query) return;
    const seq = ++this.seq;
    this.query = q;
    this.setPick(null);
    let data;
    try {
      data = await api(`/v1/geo/suggest?q=${encodeURIComponent(q.slice(0, 100))}&limit=6`);
    } catch {
      if (seq === this.seq) { fill(this.box); this.box.hidden = true; }
      return;  // no check offered: the pipeline places the report as before
    }
    if (seq !== this.seq) return;
    this.render(data);
  }

  render(data) {
    if (data.precise) {
      const p = data.placement || {};
      this.box.hidden = false;
      fill(this.box, el("div", { class: "placement ok", id: "placement-ok" },
        `定位到：${[p.district_name, p.precinct_name].filter(Boolean).join(" ")}`));
      return;
    }
    if (data.level === "out_of_area") {
      const p = data.placement || {};
      this.box.hidden = false;
      fill(this.box, el("div", { class: "placement warn", id: "placement-outside" },
        el("strong", {}, "不在本市辖区"), ` ${[p.province, p.city].filter(Boolean).join("")}：提交后由指挥中心移交`));
      return;
    }
    const p = data.placement || {};
    const where = LEVEL_TEXT[data.level] || "";
    const items = data.items || [];
    this.box.hidden = false;
    fill(this.box, el("div", { class: "placement warn", id: "placement-warning", role: "alert" },
      el("strong", {}, "未能精确定位"),
      ` ${where}${data.level === "district" && p.district_name ? `（${p.district_name}）` : ""}。`,
      items.length ? "请向报警人核实后选择地点：" : "请向报警人追问路口、门牌或附近地标。",
      items.length ? el("div", { class: "candidates" }, items.map((item) => el("button", {
        type: "button", class: "btn small candidate", dataset: { candidate: item.id },
        title: item.kind === "precinct" ? "按派出所辖区定位" : item.name,
        onclick: () => this.setPick(this.picked && this.picked.id === item.id ? null : item),
      }, item.label, item.share ? ` ${Math.round(item.share * 100)}%` : ""))) : null,
      el("div", { class: "quiet", id: "placement-pick" })));
  }
}
