// The simulation report's figures in the analyst console, read from kpis.json: the
// headline (P1 beside every share within target), every KPI by priority and by
// precinct, and duplicates against the truth. Every text goes into the page through
// el() (textContent) only.
import { el } from "./console.js";

// kpis.json key, Chinese name, unit the tables print it in.
export const KPIS = [
  ["call_answer_s", "接警应答", "s"], ["time_to_dispatch_s", "派警", "min"],
  ["time_to_ack_s", "签收", "s"], ["time_to_arrival_s", "到场", "min"],
  ["missing_found_s", "走失人员找回", "min"], ["forum_reply_s", "论坛回复", "min"],
];
const PRIORITIES = ["P1", "P2", "P3", "P4"];
const UNITS = { s: "秒", min: "分钟" };
export const SCENARIOS = {
  "elderly-wanderer": "老人走失（17 分钟找回）",
  "forum-crisis-out-of-province": "论坛轻生求助（外省）",
  "fire-surge": "高层火灾集中报警",
  "telecom-fraud-wave": "电信诈骗集中报案",
  "missing-child-market": "市场走失儿童",
  "night-brawl": "夜间聚众斗殴",
  "snowstorm-pileup": "雪天连环追尾",
};
const ALL_SCENARIOS = { background: "日常背景警情", ...SCENARIOS };

const none = (x) => x === null || x === undefined;
export function pct(x) { return none(x) ? "—" : `${(x * 100).toFixed(1)}%`; }
export function mins(x) { return none(x) ? "—" : `${(x / 60).toFixed(1)} 分钟`; }
function secs(x) { return none(x) ? "—" : Math.abs(x) < 120 ? `${x.toFixed(0)} 秒` : mins(x); }
function share(x) { return none(x) ? "—" : x.toFixed(3); }
function inUnit(x, unit) { return none(x) ? "—" : unit === "s" ? x.toFixed(0) : (x / 60).toFixed(1); }

export function runLabel(label) {
  return label === "base" ? "基准" : label === "compare" ? "对比" : label;
}

// The run-wide distribution of one of KPIS (an empty one in an older kpis.json).
function kpiBlock(k, key) {
  if (key === "missing_found_s") return (k.missing_persons || {}).time_to_found_s || {};
  if (key === "forum_reply_s") return (k.forum || {}).reply_s || {};
  return k[key] || {};
}
const p1 = (block) => ((block || {}).by_priority || {}).P1 || {};
const withP1 = (block) => `${pct((block || {}).within_target)}（P1 ${pct(p1(block).within_target)}）`;
const p50p90 = (block, fmt = mins) => `${fmt((block || {}).p50)} / ${fmt((block || {}).p90)}`;

export function headline(k) {
  const syn = k.synthesis;
  const dup = k.duplicates;
  return [
    ["报警数（合并后警情）", `${k.reports.total}（${k.reports.incidents}）`],
    ["接警应答用时 中位 / P90", p50p90(k.call_answer_s, secs)],
    ["接警应答 10 秒内接听率（P1）", withP1(k.call_answer_s)],
    ["受理用时 中位 / P90", p50p90(k.time_to_triage_s)],
    ["派警用时 中位 / P90", p50p90(k.time_to_dispatch_s)],
    ["派警用时 中位 / P90 · P1", p50p90(p1(k.time_to_dispatch_s))],
    ["派警达标率（P1）", withP1(k.time_to_dispatch_s)],
    ["签收时限内签收率（P1）", withP1(k.time_to_ack_s)],
    ["到场用时 中位 / P90", p50p90(k.time_to_arrival_s)],
    ["到场用时 中位 / P90 · P1", p50p90(p1(k.time_to_arrival_s))],
    ["到场达标率（P1）", withP1(k.time_to_arrival_s)],
    ["升级警情", `${k.escalations.incidents}（${pct(k.escalations.share_of_assigned)}）`],
    ["巡逻车平均利用率", pct(k.units.utilisation_mean)],
    ["走失人员找回时限内（P1）", withP1(kpiBlock(k, "missing_found_s"))],
    ["论坛按时回复率（P1）", withP1(kpiBlock(k, "forum_reply_s"))],
    ["重复报警合并 准确率 / 召回率（仅系统自动）", dup
      ? `${share(dup.precision)} / ${share(dup.recall)}（${share(dup.automatic.precision)} / ${share(dup.automatic.recall)}）`
      : "—"],
    ["警情分类准确率", pct(k.accuracy.category)],
    ["合成研判：有发现的警情", syn ? `${syn.with_findings} / ${syn.incidents}` : "—"],
    ["合成研判改变决策（升级优先级）", syn ? `${syn.decisions_changed}` : "—"],
    ["派警用时 升级警情 / 其余 中位 / P90", syn
      ? `${p50p90(syn.time_to_dispatch_s.affected)}；${p50p90(syn.time_to_dispatch_s.rest)}`
      : "—"],
    ["地址标注推送出警单位", syn ? `${syn.premise_notes.shown_to_unit} / ${syn.premise_notes.hits}` : "—"],
  ];
}

function table(head, rows, cls = "kpis") {
  return el("div", { class: "scroll" }, el("table", { class: cls },
    el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c, i) => el(i === 0 ? "th" : "td", {}, c)))))));
}

export function headlineTable(runs) {
  const heads = runs.map((r) => headline(r.kpis));
  return table(["指标", ...runs.map((r) => runLabel(r.label))],
    heads[0].map(([key], i) => [key, ...heads.map((h) => h[i][1])]));
}

// Every KPI overall and per priority, P1 first: n, P50, P90, share within target.
export function priorityTable(runs) {
  const head = ["指标", "优先级"];
  for (const r of runs) {
    const l = runLabel(r.label);
    head.push(`${l} 数量`, `${l} 中位`, `${l} P90`, `${l} 达标率`);
  }
  const rows = [];
  for (const [key, name, unit] of KPIS) {
    const blocks = runs.map((r) => kpiBlock(r.kpis, key));
    const present = PRIORITIES.filter((p) => blocks.some((b) => (b.by_priority || {})[p]));
    for (const part of ["全部", ...present]) {
      const cells = [`${name}（${UNITS[unit]}）`, part];
      for (const block of blocks) {
        const b = part === "全部" ? block : (block.by_priority || {})[part] || {};
        cells.push(String(b.n || 0), inUnit(b.p50, unit), inUnit(b.p90, unit), pct(b.within_target));
      }
      rows.push(cells);
    }
  }
  return table(head, rows, "kpis wide");
}

// Per precinct (name and district, by district, the busiest first): load, escalations,
// unit utilisation and each KPI's n, P50 / P90 and share within target with P1's.
export function precinctTable(run) {
  const per = run.kpis.per_precinct || {};
  const ids = Object.keys(per).sort((a, b) => {
    const da = per[a].district || "~";
    const db = per[b].district || "~";
    return da < db ? -1 : da > db ? 1 : (per[b].incidents || 0) - (per[a].incidents || 0);
  });
  const head = ["派出所（区县）", "警情", "升级", "车辆利用率"];
  for (const [, name, unit] of KPIS) head.push(`${name} 数量`, `${name} 中位 / P90（${UNITS[unit]}）`, `${name} 达标率（P1）`);
  const rows = ids.map((id) => {
    const e = per[id];
    const name = e.name || id;
    const cells = [e.district_name ? `${name}（${e.district_name}）` : name, String(e.incidents || 0),
      String(e.escalations || 0), pct(e.utilisation)];
    for (const [key, , unit] of KPIS) {
      const b = e[key] || {};
      cells.push(String(b.n || 0), `${inUnit(b.p50, unit)} / ${inUnit(b.p90, unit)}`, withP1(b));
    }
    return cells;
  });
  return table(head, rows, "kpis wide");
}

function dupCells(d) {
  const per = (d || {}).incidents_per_event || {};
  return [share(d.precision), share(d.recall), `${per.mean || "—"} / ${per.max || "—"}`,
    `${per.events_in_one_incident || 0} / ${d.events_with_several_reports || 0}`,
    `${d.wrong_merges || 0}（${d.wrong_cross_category || 0}）`, String(d.merges || 0)];
}

const DUPLICATE_ROWS = ["准确率（合并的报警对中确属同一事件的比例）", "召回率（同一事件的报警对中被合并的比例）",
  "多报事件对应警情数 平均 / 最多", "一事一警的事件 / 多报事件", "错误合并（其中跨类别）", "合并次数"];

// Duplicate merging against the truth: the pipeline alone and with the call-taker's
// merges, then per scenario. Empty when the report predates it.
export function duplicatesBlock(runs) {
  const withDup = runs.filter((r) => r.kpis.duplicates);
  if (!withDup.length) return el("p", { class: "quiet" }, "此报告没有重复报警合并数据");
  const head = ["指标"];
  for (const r of withDup) head.push(`${runLabel(r.label)} 仅系统自动合并`, `${runLabel(r.label)} 含接警员确认合并`);
  const cells = withDup.map((r) => [dupCells(r.kpis.duplicates.automatic || {}), dupCells(r.kpis.duplicates)]);
  const rows = DUPLICATE_ROWS.map((name, i) => [name, ...cells.flatMap(([auto, both]) => [auto[i], both[i]])]);
  const by = withDup.map((r) => {
    const m = r.kpis.duplicates.merges_by || {};
    return `${runLabel(r.label)}：系统 ${m.system || 0} 次，接警员 ${m.call_taker || 0} 次`;
  }).join("、");
  const scenarioRows = [];
  for (const r of withDup) {
    const auto = (r.kpis.duplicates.automatic || {}).by_scenario || {};
    for (const [name, part] of Object.entries(r.kpis.duplicates.by_scenario || {})) {
      const a = auto[name] || {};
      scenarioRows.push([ALL_SCENARIOS[name] || name, runLabel(r.label), String(part.reports || 0),
        `${part.events || 0}（${part.events_with_several_reports || 0}）`,
        share(a.precision), share(a.recall), share(part.precision), share(part.recall),
        String(part.wrong_merges || 0)]);
    }
  }
  return el("div", {}, table(head, rows), el("p", {}, `合并来源：${by}。`),
    el("h5", {}, "按场景"),
    table(["场景", "运行", "报警数", "事件数（多报事件）", "自动 准确率", "自动 召回率",
      "含接警员 准确率", "含接警员 召回率", "错误合并"], scenarioRows));
}
