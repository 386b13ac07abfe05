// Address suggestions under an address field (GET /v1/geo/suggest): where the typed text
// lands, whether that is precise enough to dispatch, and gazetteer places to pick instead.
import { api, el, explain, fill } from "./console.js";

const DELAY_MS = 300;

function radiusText(m) {
  if (m == null) return "";
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`;
}

// How the located point reads to a person: "沼潭街道（误差约 80 米）" or a warning.
export function placedText(located) {
  if (!located || located.lat == null) return "无法定位";
  if (located.in_jurisdiction === false) return `辖区外：${located.province || ""}${located.city || ""}`;
  const where = [located.district_name, located.precinct_name].filter(Boolean).join(" ");
  return `${where || "包头市"}（误差约 ${radiusText(located.radius_m)}）`;
}

// Watches `input`; renders into `box`; onPick(candidate) when a place is chosen.
// Returns {state: () => ({precise, picked, query}), refresh(), clear()}.
export function suggestBox(input, box, onPick, { idPrefix = "sg", map = true } = {}) {
  let timer = null;
  let seq = 0;
  let last = { precise: null, picked: null, query: "" };

  const render = (found) => {
    const head = found.precise
      ? el("div", { class: "placed ok", id: `${idPrefix}-status`, dataset: { precise: "true" } }, `✓ 已精确定位：${placedText(found.located)}`)
      : el("div", { class: "placed warn", id: `${idPrefix}-status`, dataset: { precise: "false" } },
        `⚠ 未能精确定位：${placedText(found.located)}`, el("br"), map ? "请从下列地点中选择一个，或在地图上点选" : "请从下列地点中选择一个（或回拨核实地址）");
    const list = (found.candidates || []).map((c, i) => el("button", {
      type: "button", class: `cand ${last.picked && last.picked.name === c.name ? "picked" : ""}`,
      dataset: { candidate: String(i), precinct: c.precinct || "" },
      onclick: () => { last.picked = c; render(found); onPick(c); },
    }, el("strong", {}, c.name), " ", el("span", { class: "quiet-inline" }, `${c.kind_label} · ${c.district_name || ""} ${c.precinct_name || ""}`)));
    fill(box, head, list.length ? el("div", { class: "cands" }, list) : el("p", { class: "quiet" }, "地名库中没有相近的地点"));
  };

  const run = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    last = { precise: null, picked: null, query: q };
    if (q.length < 2) { fill(box); return; }
    try {
      const found = await api(`/v1/geo/suggest?q=${encodeURIComponent(q)}`);
      if (mine !== seq) return;
      last.precise = Boolean(found.precise);
      render(found);
    } catch (err) {
      if (mine === seq) fill(box, el("p", { class: "quiet" }, `地址联想不可用：${explain(err)}`));
    }
  };

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, DELAY_MS); });
  return {
    state: () => last,
    refresh: run,
    clear: () => { seq += 1; last = { precise: null, picked: null, query: "" }; fill(box); },
  };
}
