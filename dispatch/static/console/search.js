// The search box of the consoles' header: an incident by its id, the caller's phone (or its
// last digits), words of the address or the report, within a time window
// (GET /v1/incidents/search). Results open under the box; a click picks one.
// Server text goes in through el() (text nodes) only.
import { api, CATEGORY, el, explain, fill, label, prioChip, shortDate, sinceChip, statusChip } from "./console.js";

const WINDOWS = [["", "不限时间"], ["1", "近1小时"], ["today", "今天"], ["24", "近24小时"], ["168", "近7天"]];

function windowStart(code) {
  if (!code) return null;
  if (code === "today") {
    const d = new Date();
    d.setHours(0, 0, 0, 0);
    return d;
  }
  return new Date(Date.now() - Number(code) * 3600 * 1000);
}

// onPick(incident) when a result is chosen. Returns the element for the header.
export function searchBox({ onPick, placeholder = "搜索：警情编号 / 电话 / 地址 / 内容" }) {
  const input = el("input", { type: "search", id: "search-q", maxlength: "100", placeholder, autocomplete: "off" });
  const range = el("select", { id: "search-window", title: "时间范围" }, WINDOWS.map(([v, t]) => el("option", { value: v }, t)));
  const results = el("div", { class: "search-results", id: "search-results", hidden: true });
  let seq = 0;
  let timer = null;
  const close = () => { results.hidden = true; };
  const run = async () => {
    const q = input.value.trim();
    const start = windowStart(range.value);
    if (!q && !start) { close(); return; }
    const params = new URLSearchParams({ limit: "30" });
    if (q) params.set("q", q);
    if (start) params.set("from", start.toISOString());
    const mine = ++seq;
    let data;
    try {
      data = await api(`/v1/incidents/search?${params}`);
    } catch (err) {
      if (mine === seq) { fill(results, el("p", { class: "quiet error-line" }, explain(err))); results.hidden = false; }
      return;
    }
    if (mine !== seq) return;
    const items = (data && data.items) || [];
    const kind = { id: "按编号", phone: "按电话", text: "按地址/内容" }[data.query && data.query.kind] || "按时间";
    fill(results,
      el("div", { class: "search-head" }, `${kind}找到 ${items.length} 条`, el("button", { type: "button", class: "btn small", onclick: close }, "关闭")),
      items.length ? el("table", { class: "list", id: "search-table" }, el("tbody", {}, items.map((inc) => el("tr", {
        class: `pri-${inc.priority || "none"}`, dataset: { id: inc.id },
        onclick: () => { close(); onPick(inc); },
      },
      el("td", {}, prioChip(inc.priority)),
      el("td", { class: "mono" }, inc.id),
      el("td", { class: "mono" }, `${shortDate(inc.received_at)}`), el("td", {}, sinceChip(inc.received_at)),
      el("td", {}, label(CATEGORY, inc.category)),
      el("td", { class: "text", title: inc.text || "" }, inc.address ? `${inc.address} · ${inc.text || ""}` : (inc.text || "")),
      el("td", {}, statusChip(inc.status)))))) : el("p", { class: "quiet" }, "没有符合条件的警情"));
    results.hidden = false;
  };
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 300); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); run(); }
    if (e.key === "Escape") close();
  });
  range.addEventListener("change", run);
  document.addEventListener("click", (e) => { if (!box.contains(e.target)) close(); });
  const box = el("div", { class: "search", id: "search" }, input, range, results);
  box.focusInput = () => input.focus();
  return box;
}

