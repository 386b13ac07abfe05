// The command console's hand-off monitor (移交监控): every hand-off to another agency and
// every 12345 transfer with its state, the agency's contact and deadlines. A failed
// delivery is an alarm with 重试 and 已电话移交 (who took it, when). Server text goes in
// through el() (text nodes) only.
import { api, countdown, el, explain, fill, hms, toast } from "./console.js";

export const HANDOFF_STATUS = {
  pending: "待送达", sent: "已送达待确认", failed: "送达失败", acknowledged: "对方已接收", completed: "已办结",
};
const KIND = { cross_jurisdiction: "跨区域联动", to_12345: "转12345" };
const ESCALATION = { delivery: "送达失败", ack: "超时未确认", locate: "办结超时" };
const RESULT = { located: "已找到/已处置", resolved: "已办结", not_found: "未找到", declined: "拒收", transferred: "已转办" };
const ORDER = { failed: 0, pending: 1, sent: 2, acknowledged: 3, completed: 4 };

// The delivery job's reasons are English; the duty officer reads Chinese.
function errorText(error) {
  const e = String(error || "");
  if (/no webhook configured/.test(e)) return "对方未配置接收接口，无法自动送达，须电话移交";
  if (/no longer registered/.test(e)) return "对方单位已不在通讯录中";
  const http = e.match(/answered HTTP (\d+)/);
  if (http) return `对方接口返回错误（HTTP ${http[1]}）`;
  if (/Connect|Timeout|Network|HTTPError/i.test(e)) return "无法连接对方接口（网络故障或对方系统停机）";
  return e;
}

function minutesSince(iso) {
  const m = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
  return m >= 60 ? `${Math.floor(m / 60)} 小时 ${m % 60} 分` : `${m} 分`;
}

// "HH:MM" today (yesterday if that is still to come) → ISO.
function timeToday(hhmm) {
  const [h, m] = String(hhmm).split(":").map(Number);
  const at = new Date();
  at.setHours(h, m, 0, 0);
  if (at.getTime() > Date.now() + 60000) at.setDate(at.getDate() - 1);
  return at.toISOString();
}

export class HandoffMonitor {
  // list: the tab body; count: its badge; openIncident(id); onAlarm(on) when failures
  // (or missed deadlines) appear or clear.
  constructor({ list, count, openIncident, onAlarm = () => {} }) {
    Object.assign(this, { list, count, openIncident, onAlarm });
    this.items = [];
    this.showAll = false;
    this.timer = null;
    this.phoneOpen = null;   // the hand-off whose 已电话移交 form is open
  }

  async load() {
    let data;
    try {
      data = await api("/v1/handoffs?limit=200");
    } catch (err) {
      fill(this.list, el("p", { class: "quiet error-line" }, `移交记录加载失败：${explain(err)}`));
      return;
    }
    this.items = ((data && data.items) || []).sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9)
      || String(b.created_at).localeCompare(String(a.created_at)));
    this.render();
  }

  // A hand-off step on the command feed: reload soon (a burst renders once).
  touched() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 300);
  }

  alarms() {
    return this.items.filter((h) => h.status === "failed"
      || (!h.acknowledged_at && (h.escalations || []).includes("ack")));
  }

  render() {
    // An open phone form survives a refresh: what the officer typed stays.
    const keep = this.phoneOpen && this.list.querySelector(`[data-handoff="${CSS.escape(this.phoneOpen)}"] .phone-form`);
    const failed = this.items.filter((h) => h.status === "failed");
    const alarms = this.alarms();
    const open = this.items.filter((h) => h.status !== "completed");
    this.count.textContent = `${open.length}${failed.length ? ` · 失败 ${failed.length}` : ""}`;
    this.count.classList.toggle("alarm", alarms.length > 0);
    this.onAlarm(alarms.length > 0);
    const shown = this.showAll ? this.items : open;
    const toggle = el("label", { class: "quiet" }, el("input", { type: "checkbox", id: "handoff-all", checked: this.showAll,
      onchange: (e) => { this.showAll = e.target.checked; this.render(); } }), "显示已办结");
    fill(this.list,
      failed.length ? el("div", { class: "alarm-line", id: "handoff-alarm", role: "alert" },
        `⚠ ${failed.length} 起移交送达失败：请重试或电话移交`) : null,
      el("div", { class: "actions" }, toggle, el("span", { class: "quiet" }, `共 ${this.items.length} 起`)),
      // The card being phoned stays the very same element while its form is open (a
      // refresh neither moves nor rebuilds what the officer is typing into).
      shown.length ? shown.map((h) => (keep && h.id === this.phoneOpen && !h.acknowledged_at
        ? keep.closest(".handoff") : this.card(h, keep))) : el("p", { class: "quiet" }, "暂无在办移交"));
  }

  card(h, keep) {
    const contact = h.agency_contact || {};
    const due = (iso, text) => el("span", {}, `${text} `, el("span", { class: "countdown", dataset: { due: iso } }, countdown(iso).text));
    const steps = h.steps || [];
    const phoned = steps.filter((s) => s.stage === "handed_over_by_phone").pop();
    const actions = [];
    if (h.status === "failed") {
      actions.push(el("button", { type: "button", class: "btn danger small", dataset: { retry: h.id }, onclick: () => this.retry(h) }, "重试"));
    }
    if (!h.acknowledged_at) {
      actions.push(el("button", { type: "button", class: "btn small", dataset: { phone: h.id }, onclick: () => { this.phoneOpen = h.id; this.render(); } }, "已电话移交"));
    }
    return el("div", { class: `handoff ${h.status}`, dataset: { handoff: h.id, status: h.status } },
      el("div", { class: "row" },
        el("span", { class: `target-state ${h.status === "failed" ? "breached" : h.status === "completed" || h.status === "acknowledged" ? "met" : "pending"}` }, HANDOFF_STATUS[h.status] || h.status),
        el("span", { class: "tag" }, KIND[h.kind] || h.kind),
        h.priority ? el("span", { class: `prio ${h.priority}` }, h.priority) : null,
        el("strong", { class: "agency", title: h.agency }, h.agency_name || h.agency),
        el("span", { class: "mono", title: "对方值班电话" }, contact.phone ? `☎ ${contact.phone}` : "☎ 未登记（查通讯录）"),
        el("button", { type: "button", class: "btn small", dataset: { incident: h.incident_id }, title: "打开警情", onclick: () => this.openIncident(h.incident_id) }, h.incident_id),
        ...actions),
      el("div", { class: "row quiet" },
        el("span", { class: "mono" }, `发起 ${hms(h.created_at)} · 已历时 ${minutesSince(h.created_at)}`),
        !h.acknowledged_at && h.ack_due_at ? due(h.ack_due_at, "确认时限") : null,
        h.acknowledged_at ? el("span", {}, `已接收 ${hms(h.acknowledged_at)}${phoned ? `（电话：${phoned.contact}，${hms(phoned.phoned_at)}，经办 ${phoned.officer || ""}）` : ""}`) : null,
        h.locate_due_at && !h.outcome ? due(h.locate_due_at, "办结时限") : null,
        h.outcome ? el("span", {}, `结果：${RESULT[h.outcome.result] || h.outcome.result}`) : null,
        ...[...new Set(h.escalations || [])].map((e) => el("span", { class: "esc" }, ESCALATION[e] || e))),
      h.status === "failed" && h.last_error ? el("div", { class: "quiet error-line", title: h.last_error }, `失败原因：${errorText(h.last_error)}（已尝试 ${h.attempts} 次）`) : null,
      this.phoneOpen === h.id && !h.acknowledged_at ? (keep || this.phoneForm(h)) : null);
  }

  phoneForm(h) {
    const now = new Date();
    const contact = el("input", { type: "text", class: "phone-contact", maxlength: "100", placeholder: "对方接收人，如 值班民警 张警官" });
    const at = el("input", { type: "time", class: "phone-at", value: `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}` });
    const note = el("input", { type: "text", class: "phone-note", maxlength: "500", placeholder: "说明（可选）" });
    const send = async () => {
      if (contact.value.trim().length < 2) { toast("请填写对方接收人", "error"); contact.focus(); return; }
      try {
        await api(`/v1/handoffs/${encodeURIComponent(h.id)}/phoned`, {
          method: "POST", body: { contact: contact.value.trim(), at: timeToday(at.value), ...(note.value.trim() ? { note: note.value.trim() } : {}) },
        });
        this.phoneOpen = null;
        toast(`已记录电话移交：${h.agency_name}`, "ok");
        this.load();
      } catch (err) { toast(`记录失败：${explain(err)}`, "error"); }
    };
    return el("div", { class: "row phone-form" }, contact, at, note,
      el("button", { type: "button", class: "btn primary small phone-send", onclick: send }, "确认移交"),
      el("button", { type: "button", class: "btn small", onclick: () => { this.phoneOpen = null; this.render(); } }, "取消"));
  }

  async retry(h) {
    try {
      await api(`/v1/handoffs/${encodeURIComponent(h.id)}/retry`, { method: "POST", body: {} });
      toast(`已重新发送：${h.agency_name}`, "ok");
      this.load();
    } catch (err) { toast(`重试失败：${explain(err)}`, "error"); }
  }
}
