// Closing properly, shared by the consoles: 结案 with a disposition of the fixed registry
// (GET /v1/dispositions), and 当场答复 for a consultation or a P4 matter
// (POST /v1/incidents/{id}/answer-on-spot), which closes it.
import { api, ApiError, el, explain, label, STATUS, toast } from "./console.js";

const ANSWERABLE = new Set(["triaged", "assigned", "acknowledged"]);
let registry = null;

// The registry, loaded once per page.
export function dispositions() {
  if (!registry) {
    registry = api("/v1/dispositions").then((d) => (d && d.items) || [])
      .catch((err) => { registry = null; throw err; });
  }
  return registry;
}

export function isAnswerable(inc) {
  return Boolean(inc) && ANSWERABLE.has(inc.status)
    && (inc.category === "consultation" || inc.priority === "P4");
}

// The disposition label of a closed incident (for details and timelines).
export async function dispositionLabel(code) {
  if (!code) return "";
  try {
    const found = (await dispositions()).find((d) => d.code === code);
    return found ? found.label : code;
  } catch {
    return code;
  }
}

// 结案: a select of the registry and the button; onDone(updated incident).
export function closeForm(inc, onDone) {
  const select = el("select", { id: "disposition" }, el("option", { value: "" }, "选择处置结果…"));
  dispositions().then((items) => {
    for (const d of items) select.append(el("option", { value: d.code }, d.label));
  }).catch(() => select.append(el("option", { value: "", disabled: true }, "处置结果加载失败")));
  const reason = el("input", { type: "text", id: "close-note", maxlength: "200", placeholder: "结案说明（可选）" });
  const send = async () => {
    if (!select.value) { toast("结案须选择处置结果", "error"); select.focus(); return; }
    const body = { status: "closed", disposition: select.value };
    if (reason.value.trim()) body.reason = reason.value.trim();
    try {
      const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/status`, { method: "POST", body });
      toast(`已结案：${select.selectedOptions[0].textContent}`, "ok");
      onDone(updated);
    } catch (err) {
      const allowed = err instanceof ApiError && err.body && err.body.allowed;
      toast(allowed ? `不允许：可改为 ${allowed.map((s) => label(STATUS, s)).join("、")}` : `结案失败：${explain(err)}`, "error");
    }
  };
  return el("div", { class: "close-form", id: "close-form" },
    el("div", { class: "section-title" }, "结案"),
    el("div", { class: "row" }, select, reason,
      el("button", { type: "button", class: "btn primary", id: "close-send", dataset: { status: "closed" }, onclick: send }, "结案")));
}

// 当场答复: what the caller was told; closes the incident. onDone(updated incident).
export function onSpotForm(inc, onDone) {
  const text = el("textarea", { id: "onspot-answer", rows: "2", maxlength: "2000", placeholder: "答复内容（必填），如：携带旧证到户籍窗口办理" });
  const send = async () => {
    if (text.value.trim().length < 2) { toast("请填写答复内容", "error"); text.focus(); return; }
    try {
      const updated = await api(`/v1/incidents/${encodeURIComponent(inc.id)}/answer-on-spot`, {
        method: "POST", body: { answer: text.value.trim() },
      });
      toast("已当场答复并结案", "ok");
      onDone(updated);
    } catch (err) {
      toast(`答复失败：${explain(err)}`, "error");
    }
  };
  return el("div", { class: "onspot-form", id: "onspot-form" },
    el("div", { class: "section-title" }, "当场答复（无需出警）"),
    text,
    el("div", { class: "actions" },
      el("button", { type: "button", class: "btn primary", id: "onspot-send", onclick: send }, "答复并结案")));
}
