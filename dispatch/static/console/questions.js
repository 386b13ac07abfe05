// Triage's doubt and the key questions (要素追问), shared by the consoles: the 待人工研判
// banner with its candidates, the life-risk banner, and one-click answers.
import { CATEGORY, el, label } from "./console.js";

export const LIFE_RISK = {
  trapped: "有人被困", unconscious: "意识/呼吸异常", bleeding: "大量出血", fire_people: "火灾/烟雾有人",
  gas: "煤气/一氧化碳中毒", gas_leak: "燃气泄漏", water_ice: "落水/冰面", weapon: "持械",
  child_alone: "儿童/无自理能力者独处危险", dependent_alone: "无人照看", self_harm: "轻生风险",
  exposure: "失温冻伤风险", vulnerable_missing: "脆弱人员走失", mass_casualty: "多人伤亡",
  abduction: "劫持/拐带", child_abuse: "儿童正遭殴打", person_in_traffic: "人员在车流中",
};

const ANSWER = {
  yes: "是", no: "否", unknown: "不清楚", within_hour: "一小时内转出", earlier: "更早转出",
  dementia: "老年痴呆", mental_illness: "精神疾病", suicidal: "有轻生念头", none: "都没有",
  conscious: "清醒", unconscious: "无意识", not_breathing: "无呼吸",
};

// Short names of the key questions, for the list of what has been answered.
export const QUESTION = {
  anyone_hurt: "有无伤者", still_happening: "是否仍在发生", weapon: "有无凶器", suspect_where: "嫌疑人去向",
  money_sent: "是否已转账", still_in_contact: "是否仍在联系", trapped: "有无被困", still_blocking: "车辆是否仍占道",
  gas_source: "有无燃气/危险品", age: "年龄", conditions: "疾病/轻生念头", last_seen: "最后见到",
  plan_means: "有无计划/工具", acted: "是否已实施", location_now: "当前位置", alone: "是否独处",
  conscious: "意识/呼吸", danger: "有无人身危险",
};

export function answerLabel(value) {
  return ANSWER[value] || String(value);
}

// "待人工研判" with the candidates, or nothing when triage is sure.
export function reviewBanner(t) {
  if (!t || !t.needs_review) return null;
  const names = (t.candidates || []).map((c) => label(CATEGORY, c)).join(" / ");
  return el("div", { class: "banner review", role: "status" },
    el("strong", {}, "待人工研判"), ` 系统不确定，候选：${names}。已按其中最高级别派警，不会自动转12345。`);
}

export function lifeRiskBanner(t) {
  const risks = (t && t.life_risk) || [];
  if (!risks.length) return null;
  return el("div", { class: "banner life-risk", role: "alert" },
    el("strong", {}, "生命危险"), " ",
    risks.map((r) => `${LIFE_RISK[r.kind] || r.kind}（${r.level}）`).join("、"));
}

// The open questions, each answered with one click (or a number / a short text).
// onAnswer(code, value) is called with the chosen answer.
export function questionsPanel(t, onAnswer, given = {}) {
  const open = (t && t.questions) || [];
  const answered = Object.entries(given || {});
  if (!open.length && !answered.length) return null;
  const rows = open.map((q) => el("li", { class: "question", dataset: { code: q.code } },
    el("span", { class: "ask" }, q.question), el("span", { class: "answers" }, answerInputs(q, onAnswer))));
  return el("div", { class: "questions" },
    el("div", { class: "section-title" }, `要素追问（${open.length} 项待问）`),
    el("ul", { class: "question-list" }, rows),
    answered.length ? el("p", { class: "quiet answered" },
      "已答：", answered.map(([c, v]) => `${QUESTION[c] || c}：${answerLabel(v)}`).join("，")) : null);
}

function answerInputs(q, onAnswer) {
  if (q.kind === "age") {
    const input = el("input", { type: "number", min: "0", max: "120", step: "1", class: "age", placeholder: "岁" });
    return [input, el("button", { type: "button", class: "btn small", onclick: () => {
      const n = Number(input.value);
      if (input.value !== "" && Number.isInteger(n) && n >= 0 && n <= 120) onAnswer(q.code, n);
    } }, "确定")];
  }
  if (q.kind === "text") {
    const input = el("input", { type: "text", maxlength: "200", class: "text-answer", placeholder: "记录回答" });
    return [input, el("button", { type: "button", class: "btn small", onclick: () => {
      if (input.value.trim()) onAnswer(q.code, input.value.trim());
    } }, "记录")];
  }
  const options = [...(q.options || []), ...(q.kind === "choice" ? ["unknown"] : [])];
  return options.map((v) => el("button", {
    type: "button", class: "btn small", dataset: { answer: v }, onclick: () => onAnswer(q.code, v),
  }, answerLabel(v)));
}
