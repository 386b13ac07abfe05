// Analyst console: launch a what-if simulation (an RQ job), follow its progress, and read
// its report (from kpis.json: the headline, every KPI by priority and by precinct, the
// duplicates; and the plots). Every text that comes from the server goes into the page
// with textContent (el/fill) only.
import { $, api, ApiError, claims, el, explain, fill, header, showConnection, toast, token } from "./console.js";
import { duplicatesBlock, headlineTable, precinctTable, priorityTable, runLabel, SCENARIOS } from "./analyst_report.js";

const POLL_MS = 1000;
const STATUS = {
  queued: "排队中", started: "运行中", deferred: "等待中", scheduled: "已计划",
  finished: "已完成", failed: "失败", stopped: "已停止", canceled: "已取消",
};
const jobs = new Map();  // id → {row, timer}

function number(form, name) {
  const value = form.elements[name].value;
  return value === "" ? null : Number(value);
}

function request(form) {
  const config = {};
  const surge = number(form, "surge");
  if (surge !== null && surge !== 1) config.surge = surge;
  const units = number(form, "units_per_precinct");
  if (units !== null && units !== 2) config.units_per_precinct = units;
  const takers = number(form, "call_takers");
  if (takers !== null && takers !== 6) config.call_takers = takers;
  const ack = {};
  const p1 = number(form, "ack_p1");
  const p2 = number(form, "ack_p2");
  if (p1 !== null && p1 !== 30) ack.P1 = p1;
  if (p2 !== null && p2 !== 60) ack.P2 = p2;
  if (Object.keys(ack).length) config.ack_timeouts = ack;
  // The scenario is a knob of the base run (its [stream] table), not of the request: the
  // request's `mix` goes into both runs, so "compare with the defaults" with only a
  // scenario chosen compared the scenario with itself and showed two identical columns.
  const mix = form.elements.mix.value;
  if (mix) config.stream = { mix: [mix] };
  const body = { hours: number(form, "hours"), seed: number(form, "seed"), config };
  if (form.elements.compare.checked) body.compare = {};
  return body;
}

function problems(err) {
  if (err instanceof ApiError && err.status === 422 && err.body && Array.isArray(err.body.detail)) {
    return err.body.detail.map((d) => `${(d.loc || []).slice(1).join(".")}：${d.msg}`).join("；");
  }
  return explain(err);
}

async function launch(event) {
  event.preventDefault();
  const form = event.target;
  const button = $("#go");
  button.disabled = true;
  fill($("#form-error"));
  try {
    const body = request(form);
    const created = await api("/v1/simulations", { method: "POST", body });
    track(created.id, body);
    toast("推演已提交");
  } catch (err) {
    fill($("#form-error"), problems(err));
  } finally {
    button.disabled = false;
  }
}

function track(id, body) {
  const bar = el("progress", { max: "1", value: "0" });
  const status = el("span", {}, STATUS.queued);
  const open = el("button", { class: "btn small", type: "button", disabled: true,
    onclick: () => showReport(id) }, "查看报告");
  const scenario = ((body.config.stream || {}).mix || [])[0];
  const what = `${body.hours} 小时 · 种子 ${body.seed}` + (scenario ? ` · ${SCENARIOS[scenario] || scenario}` : "")
    + (body.compare ? " · 对比默认" : "");
  const row = el("div", { class: "job" }, el("div", {}, what), bar, status, open);
  if (jobs.size === 0) fill($("#jobs"));
  $("#jobs").prepend(row);
  const entry = { bar, status, open, timer: null };
  jobs.set(id, entry);
  poll(id);
}

async function poll(id) {
  const entry = jobs.get(id);
  try {
    const s = await api(`/v1/simulations/${encodeURIComponent(id)}`);
    entry.bar.value = s.progress || 0;
    entry.status.textContent = `${STATUS[s.status] || s.status} ${Math.round((s.progress || 0) * 100)}%`;
    if (s.status === "finished") {
      entry.open.disabled = false;
      showReport(id);
      return;
    }
    if (s.status === "failed" || s.status === "stopped" || s.status === "canceled") {
      entry.status.textContent = `${STATUS[s.status] || s.status}：${s.error || ""}`;
      return;
    }
  } catch (err) {
    entry.status.textContent = explain(err);
  }
  entry.timer = setTimeout(() => poll(id), POLL_MS);
}

// Report files need the bearer token, so they are fetched and shown as blob: URLs.
async function fetchFile(id, name) {
  const response = await fetch(`/v1/simulations/${encodeURIComponent(id)}/report/${name}`, {
    headers: { Authorization: `Bearer ${token()}` },
  });
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`, null);
  return response;
}

const PLOTS = [
  ["durations", "各环节用时分布与时限"], ["hourly", "分时段曲线"], ["precincts", "派出所负荷与车辆利用率"],
  ["escalations", "超时升级情况"], ["missing", "走失人员找回用时"], ["forum", "论坛按时回复"],
  ["map", "警情分布图"],
];

async function showReport(id) {
  const box = $("#report");
  fill(box, el("p", { class: "quiet" }, "加载报告…"));
  try {
    const doc = await (await fetchFile(id, "kpis.json")).json();
    const runs = doc.runs || [];
    const figures = [];
    for (const [name, caption] of PLOTS) {
      const blob = await (await fetchFile(id, `${name}.png`)).blob();
      figures.push(el("figure", {}, el("img", { src: URL.createObjectURL(blob), alt: caption,
        style: "max-width:100%" }), el("figcaption", {}, caption)));
    }
    const raw = el("button", { class: "btn small", type: "button", onclick: async () => {
      const blob = await (await fetchFile(id, "kpis.json")).blob();
      const a = el("a", { href: URL.createObjectURL(blob), download: `${id}-kpis.json` });
      a.click();
    } }, "下载 kpis.json");
    const precincts = runs.map((r) => el("details", { open: true },
      el("summary", {}, `按派出所：${runLabel(r.label)}（${Object.keys(r.kpis.per_precinct || {}).length} 个）`),
      precinctTable(r)));
    fill(box, el("h3", {}, `推演报告 ${id}`),
      el("h4", {}, "核心指标"), headlineTable(runs), raw,
      el("h4", {}, "按优先级"), priorityTable(runs),
      el("h4", {}, "按派出所"), el("p", { class: "quiet" }, "达标率后括号内为该所 P1 警情的达标率"), precincts,
      el("h4", {}, "重复报警合并（对照真实事件）"), duplicatesBlock(runs),
      el("h4", {}, "图表"), figures);
  } catch (err) {
    fill(box, el("p", { class: "quiet" }, explain(err)));
  }
}

function init() {
  const who = claims();
  const { conn } = header({ title: "研判分析 · 推演模拟", who: who.sub ? `${who.sub}（${who.role}）` : "" });
  if (!token()) {
    showConnection(conn, "denied", "缺少令牌");
    fill($("#jobs"), el("p", { class: "quiet" }, "请用带令牌的链接打开本页（analyst 或 command 角色）"));
    return;
  }
  showConnection(conn, "live");
  const select = $("#mix");
  for (const [code, name] of Object.entries(SCENARIOS)) select.append(el("option", { value: code }, name));
  $("#launch").addEventListener("submit", launch);
}

init();
