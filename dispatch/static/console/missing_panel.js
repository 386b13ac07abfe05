// The command console's missing-person cases: the list (a tab of the side panel), the
// case drawer (description, risk and reasons, targets with countdowns, sightings with
// their scores and reasons, verification and closing) and the alert circles on the map.
// Server text goes in through el() (text nodes) only.
import { api, countdown, el, explain, fill, hms, shortDate, toast } from "./console.js";
import {
  CASE_STATUS, CONDITION, minutes, OUTCOME, PROFILE, riskChip, SIGHTING_STATE, sightingReason,
  TARGET_STATE, targetLabel,
} from "./missing.js";

const MEETABLE = new Set(["search_centre_activated", "risk_review", "precinct_dispatched"]);

function elapsedSince(iso) {
  if (!iso) return "—";
  return minutes(Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000));
}

// The earliest pending target: what the duty officer must watch.
function nextTarget(c) {
  return (c.targets || []).filter((t) => t.state === "pending" && t.due_at)
    .sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)))[0] || null;
}

function breachedCount(c) {
  return (c.targets || []).filter((t) => t.state === "breached").length;
}

export class CasePanel {
  // list: the tab body; count: its count badge; drawer: the case <aside>;
  // precinctName(id); map: the DispatchMap; openIncident(id) for a linked report;
  // onOpen() before the drawer opens (the incident drawer closes).
  constructor({ list, count, drawer, precinctName, map, openIncident, onOpen = () => {} }) {
    Object.assign(this, { list, count, drawer, precinctName, map, openIncident, onOpen });
    this.cases = new Map();
    this.id = null;
    this.seq = 0;
    this.timer = null;
  }

  async load() {
    let data;
    try {
      data = await api("/v1/missing?status=open");
    } catch (err) {
      fill(this.list, el("p", { class: "quiet error-line" }, `走失案件加载失败：${explain(err)}`));
      return;
    }
    const items = (data && data.items) || [];
    const seen = new Set(items.map((c) => c.id));
    for (const id of this.cases.keys()) if (!seen.has(id) && this.map) this.map.removeAlertCircle(id);
    this.cases = new Map(items.map((c) => [c.id, c]));
    for (const c of items) if (this.map) this.map.setAlertCircle(c);
    this.render();
  }

  // A feed message of the workflow (missing.*): reload soon, and the open case too.
  touched(caseId) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.load();
      if (this.id && (!caseId || caseId === this.id)) this.show(true);
    }, 300);
  }

  render() {
    const items = [...this.cases.values()];
    const late = items.reduce((n, c) => n + breachedCount(c), 0);
    this.count.textContent = items.length ? `${items.length}${late ? ` · 超时 ${late}` : ""}` : "";
    this.count.classList.toggle("alarm", late > 0);
    if (!items.length) { fill(this.list, el("p", { class: "quiet" }, "暂无在办走失案件")); return; }
    fill(this.list, el("table", { class: "list", id: "missing-table" },
      el("thead", {}, el("tr", {}, ["风险", "走失人员", "最后出现", "已历时", "下一时限"].map((h) => el("th", {}, h)))),
      el("tbody", {}, items.map((c) => {
        const next = nextTarget(c);
        return el("tr", { class: c.id === this.id ? "selected" : "", dataset: { id: c.id }, onclick: () => this.open(c.id) },
          el("td", {}, riskChip(c.risk)),
          el("td", { class: "text", title: c.description || "" }, c.description || "—"),
          el("td", { class: "text", title: (c.last_seen && c.last_seen.address) || "" },
            (c.last_seen && (c.last_seen.address || this.precinctName(c.last_seen.precinct))) || "—"),
          el("td", { class: "mono" }, elapsedSince(c.opened_at)),
          el("td", {}, next ? [el("span", { class: "countdown", dataset: { due: next.due_at } }, countdown(next.due_at).text), " ", targetLabel(next)] : "—",
            breachedCount(c) ? el("span", { class: "prio P1", title: "已超时的时限" }, `超时 ${breachedCount(c)}`) : null));
      }))));
  }

  async open(id) {
    this.onOpen();
    this.id = id;
    this.drawer.hidden = false;
    this.render();
    const c = this.cases.get(id);
    if (c && this.map) this.map.flyTo({ location: c.last_seen });
    await this.show();
  }

  close() {
    this.id = null;
    this.drawer.hidden = true;
    fill(this.drawer);
    this.render();
  }

  async show(partial = false) {
    const seq = ++this.seq;
    let c;
    try {
      c = await api(`/v1/missing/${encodeURIComponent(this.id)}`);
    } catch (err) {
      if (seq === this.seq) fill(this.drawer, this.head(null), el("p", { class: "quiet error-line" }, explain(err)));
      return;
    }
    if (seq !== this.seq || !this.id) return;
    const scroll = this.drawer.querySelector(".drawer-body");
    const top = partial && scroll ? scroll.scrollTop : 0;
    if (this.map) this.map.setAlertCircle(c);
    fill(this.drawer, this.head(c), el("div", { class: "drawer-body", id: "case-body", dataset: { id: c.id } },
      this.details(c), this.reasons(c), this.targets(c), this.sightings(c),
      c.status !== "closed" ? this.closeForm(c) : null));
    const body = this.drawer.querySelector(".drawer-body");
    if (body) body.scrollTop = top;
  }

  head(c) {
    return el("div", { class: "drawer-head" },
      c ? [riskChip(c.risk), el("strong", {}, "走失案件"), el("span", { class: "mono" }, c.id),
        el("span", { class: "status" }, CASE_STATUS[c.status] || c.status),
        c.risk && c.risk.criminal_case ? el("span", { class: "esc" }, "刑事立案") : null] : el("strong", {}, "走失案件"),
      el("span", { class: "grow" }),
      el("button", { class: "btn small", id: "case-close", type: "button", title: "关闭（Esc）", onclick: () => this.close() }, "关闭"));
  }

  details(c) {
    const ls = c.last_seen || {};
    const reporter = c.reporter || {};
    const p = c.person || {};
    return el("dl", { class: "kv", id: "case-kv" },
      el("dt", {}, "走失人员"), el("dd", { id: "case-description" }, c.description || "—"),
      el("dt", {}, "健康状况"), el("dd", {}, (p.conditions || []).map((x) => CONDITION[x] || x).join("、") || "—"),
      el("dt", {}, "最后出现"), el("dd", {}, ls.address || this.precinctName(ls.precinct) || "—",
        ` · ${shortDate(ls.at)}（${elapsedSince(ls.at)}前）`),
      el("dt", {}, "立案"), el("dd", {}, el("span", { class: "mono" }, hms(c.opened_at)), ` · 已历时 ${elapsedSince(c.opened_at)}`),
      el("dt", {}, "报警人"), el("dd", {}, [reporter.name, reporter.relation].filter(Boolean).join("，") || "—"),
      el("dt", {}, "布控范围"), el("dd", { id: "case-area" },
        `半径 ${((c.area && c.area.radius_m) / 1000 || 0).toFixed(1)} 公里 · 已通报 ${(c.area && c.area.precincts || []).length} 个派出所 · ${PROFILE[c.profile] || c.profile || ""}`),
      el("dt", {}, "报警记录"), el("dd", {}, (c.reports || []).map((r) => el("button", {
        type: "button", class: "btn small", dataset: { incident: r.incident_id },
        onclick: () => this.openIncident(r.incident_id),
      }, `${r.role === "report" ? "报案" : "线索"} ${r.incident_id}`))),
      c.outcome ? [el("dt", {}, "结果"), el("dd", {}, OUTCOME[c.outcome] || c.outcome)] : null);
  }

  reasons(c) {
    const risk = c.risk || { reasons: [] };
    return el("div", { class: "drawer-section", id: "case-risk" },
      el("div", { class: "section-title" }, "风险评估依据"),
      risk.reasons.length ? el("ul", { class: "cues" }, risk.reasons.map((r) => el("li", {}, riskChip(r.grade), " ", r.text)))
        : el("p", { class: "quiet" }, "未发现风险因素"),
      risk.overridden_by ? el("p", { class: "quiet" }, `人工调整：${risk.overridden_by}（${risk.override_reason || ""}）`) : null);
  }

  targets(c) {
    return el("div", { class: "drawer-section", id: "case-targets" },
      el("div", { class: "section-title" }, "工作时限"),
      el("table", { class: "list" },
        el("thead", {}, el("tr", {}, ["事项", "时限", "状态", "剩余/用时", ""].map((h) => el("th", {}, h)))),
        el("tbody", {}, (c.targets || []).map((t) => el("tr", { class: t.state === "breached" ? "late" : "", dataset: { target: t.key } },
          el("td", {}, targetLabel(t)),
          el("td", { class: "mono" }, t.allowed_s != null ? minutes(t.allowed_s) : "—"),
          el("td", {}, el("span", { class: `target-state ${t.state}` }, TARGET_STATE[t.state] || t.state)),
          el("td", { class: "mono" }, t.state === "pending" && t.due_at
            ? el("span", { class: "countdown", dataset: { due: t.due_at } }, countdown(t.due_at).text)
            : t.took_s != null ? `用时 ${minutes(t.took_s)}` : "—"),
          el("td", {}, t.state === "pending" && MEETABLE.has(t.name) && c.status !== "closed"
            ? el("button", { type: "button", class: "btn small", dataset: { meet: t.name }, onclick: () => this.meet(c, t) }, "标记完成") : null))))));
  }

  sightings(c) {
    const list = c.sightings || [];
    const found = c.found_candidates || [];
    return el("div", { class: "drawer-section", id: "case-sightings" },
      el("div", { class: "section-title" }, `关联线索（${list.length}）`),
      list.length ? list.map((s) => el("div", { class: "sighting", dataset: { sighting: s.incident_id, state: s.state } },
        el("div", { class: "row" },
          el("span", { class: "mono" }, hms(s.at)),
          el("strong", { class: "mono" }, `匹配度 ${Math.round((s.score || 0) * 100)}%`),
          el("span", {}, this.precinctName(s.precinct)),
          el("span", { class: `target-state ${s.state === "confirmed" ? "met" : s.state === "dismissed" ? "cancelled" : "pending"}` }, SIGHTING_STATE[s.state] || s.state),
          s.auto ? el("span", { class: "tag" }, "自动关联") : el("span", { class: "tag" }, "人工关联"),
          el("button", { type: "button", class: "btn small", onclick: () => this.openIncident(s.incident_id) }, "查看警情")),
        el("ul", { class: "cues" }, (s.reasons || []).map((r) => el("li", {}, sightingReason(r)))),
        s.state === "verifying" && c.status === "open" ? el("div", { class: "actions" },
          el("button", { type: "button", class: "btn primary", dataset: { confirm: s.incident_id }, onclick: () => this.verify(c, s, "confirm") }, "确认是本人"),
          el("button", { type: "button", class: "btn", dataset: { dismiss: s.incident_id }, onclick: () => this.verify(c, s, "dismiss") }, "不是本人")) : null))
        : el("p", { class: "quiet" }, "暂无关联线索"),
      found.length ? [el("div", { class: "section-title" }, `疑似已找到人员（${found.length}）`),
        el("ul", { class: "cues" }, found.map((f) => el("li", {}, `${this.precinctName(f.held_at)} · 匹配度 ${Math.round((f.score || 0) * 100)}% · `,
          (f.reasons || []).map(sightingReason).join("；"))))] : null);
  }

  closeForm(c) {
    const select = el("select", { id: "case-outcome" }, el("option", { value: "" }, "选择结果…"),
      Object.entries(OUTCOME).map(([code, text]) => el("option", { value: code }, text)));
    const note = el("input", { type: "text", id: "case-note", maxlength: "500", placeholder: "说明（可选）" });
    const send = async () => {
      if (!select.value) { toast("结案须选择结果", "error"); return; }
      try {
        await api(`/v1/missing/${encodeURIComponent(c.id)}/close`, { method: "POST", body: { outcome: select.value, note: note.value.trim() } });
        toast(`走失案件已结案：${OUTCOME[select.value]}`, "ok");
        this.load();
        this.show();
      } catch (err) { toast(`结案失败：${explain(err)}`, "error"); }
    };
    return el("div", { class: "drawer-section close-form", id: "case-close-form" },
      el("div", { class: "section-title" }, "结案"),
      el("div", { class: "row" }, select, note, el("button", { type: "button", class: "btn", id: "case-close-send", onclick: send }, "结案")));
  }

  async meet(c, t) {
    try {
      await api(`/v1/missing/${encodeURIComponent(c.id)}/targets/${encodeURIComponent(t.name)}/meet`, { method: "POST" });
      toast(`已完成：${targetLabel(t)}`, "ok");
      this.show(true);
      this.load();
    } catch (err) { toast(`操作失败：${explain(err)}`, "error"); }
  }

  async verify(c, s, action) {
    try {
      await api(`/v1/missing/${encodeURIComponent(c.id)}/sightings/${encodeURIComponent(s.incident_id)}/${action}`, { method: "POST", body: {} });
      toast(action === "confirm" ? "已确认是本人：人员已找到" : "已排除该线索", "ok");
      this.show(true);
      this.load();
    } catch (err) { toast(`操作失败：${explain(err)}`, "error"); }
  }
}
