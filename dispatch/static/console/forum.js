// Forum moderators' console: posts ordered by how soon their target falls due, the triage
// and its cues, the replies, a reply box and 办结. Server text goes in with textContent only.
import {
  $, api, CATEGORY, claims, countdown, el, explain, Feed, fill, flagChips, header, hms, label,
  prioChip, shortDate, showConnection, toast, token,
} from "./console.js";

const POST_STATUS = { open: "待回复", replied: "已回复待办结", completed: "已办结" };
const MAX_REPLY = 2000;
const POLL_MS = 5000;
const GAP = "display: flex; gap: 12px; flex-wrap: wrap;";

const state = { posts: [], selected: null, draft: new Map(), busy: false };

// ---------------------------------------------------------------------------------------
// Figures (the annual-report numbers, for the last 365 days)

function pct(x) { return x === null || x === undefined ? "—" : `${(x * 100).toFixed(2)}%`; }

async function loadStats() {
  try {
    const s = await api("/v1/forum/stats");
    const tiles = [
      ["帖子数", String(s.posts)], ["回复率", pct(s.reply_rate)], ["按时回复率", pct(s.on_time_reply_rate)],
      ["办结率", pct(s.completion_rate)], ["满意率", pct(s.satisfaction)],
    ];
    fill($("#tiles"), tiles.map(([k, v]) => el("div", { class: "tile" }, el("div", { class: "v" }, v),
      el("div", { class: "k" }, `${k}（近一年）`))));
  } catch (err) {
    fill($("#tiles"), el("p", { class: "quiet" }, explain(err)));
  }
}

// ---------------------------------------------------------------------------------------
// List

// "04:59" under an hour, "1时59分" under a day, "2天23时" beyond; "超时 …" once overdue.
function dueText(dueIso) {
  const c = countdown(dueIso);
  const s = Math.floor(Math.abs(new Date(dueIso).getTime() - Date.now()) / 1000);
  let text = c.text.replace("超时 ", "");
  if (s >= 86400) text = `${Math.floor(s / 86400)}天${Math.floor((s % 86400) / 3600)}时`;
  else if (s >= 3600) text = `${Math.floor(s / 3600)}时${Math.floor((s % 3600) / 60)}分`;
  return { overdue: c.overdue, text: c.overdue ? `超时 ${text}` : text };
}

function dueLabel(post) {
  if (!post.next_due_at) return null;
  const c = dueText(post.next_due_at);
  const what = post.status === "open" ? "回复" : "办结";
  return el("span", { class: `countdown ${c.overdue ? "overdue" : ""}`, dataset: { due: post.next_due_at, what } },
    `${what} ${c.text}`);
}

function card(post) {
  const inc = post.incident || {};
  return el("div", {
    class: `card pri-${post.priority || "none"} ${post.post_id === state.selected ? "selected" : ""}`,
    dataset: { post: post.post_id },
    onclick: () => { state.selected = post.post_id; render(); },
  },
  el("div", { class: "head" }, prioChip(post.priority), el("strong", {}, label(CATEGORY, post.category)),
    ...flagChips(post.flags), el("span", { class: "grow" }), dueLabel(post)),
  el("div", { class: "text" }, inc.text || ""),
  el("div", { class: "meta" }, el("span", {}, `作者 ${post.author || "匿名"}`),
    el("span", {}, `收到 ${shortDate(post.received_at)}`), el("span", {}, POST_STATUS[post.status] || post.status),
    post.escalations && post.escalations.length ? el("span", { class: "esc" }, "已超时升级") : null));
}

function renderList() {
  $("#post-count").textContent = `${state.posts.length}`;
  if (!state.posts.length) {
    fill($("#posts"), el("p", { class: "quiet" }, "没有待处理的帖子"));
    return;
  }
  fill($("#posts"), state.posts.map(card));
}

// ---------------------------------------------------------------------------------------
// Detail: text with the deciding cues marked, triage, location, replies, reply box

function markedText(text, cues) {
  const spans = (cues || []).filter((c) => Array.isArray(c.span) && c.span.length === 2)
    .map((c) => ({ start: c.span[0], end: c.span[1], effect: String(c.effect || "") }))
    .filter((s) => s.start >= 0 && s.end <= text.length && s.start < s.end)
    .sort((a, b) => a.start - b.start);
  const parts = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;  // overlapping cue: the first one wins
    parts.push(text.slice(at, s.start));
    const kind = s.effect.startsWith("priority") ? "cue-priority" : s.effect.startsWith("flag") ? "cue-flag" : "";
    parts.push(el("mark", { class: kind, title: s.effect }, text.slice(s.start, s.end)));
    at = s.end;
  }
  parts.push(text.slice(at));
  return el("div", { class: "preview-text" }, ...parts);
}

function where(loc) {
  if (!loc || (loc.lat === undefined && loc.in_jurisdiction === undefined)) return "未定位";
  if (loc.in_jurisdiction === false) return "辖区外（需跨区域联动）";
  if (loc.precinct_name) return `${loc.district_name || ""} ${loc.precinct_name}`;
  return loc.lat === null || loc.lat === undefined ? "未定位" : "本市";
}

function detail(post) {
  const inc = post.incident || {};
  const box = el("textarea", {
    id: "reply-text", rows: 5, maxlength: String(MAX_REPLY), placeholder: "回复网友（最多 2000 字）",
    style: "width: 100%; box-sizing: border-box;",
    value: state.draft.get(post.post_id) || "",
  });
  const counter = el("span", { class: "quiet" }, `${box.value.length}/${MAX_REPLY}`);
  box.addEventListener("input", () => {
    state.draft.set(post.post_id, box.value);
    counter.textContent = `${box.value.length}/${MAX_REPLY}`;
  });
  const closed = post.status === "completed";
  const replyBtn = el("button", { class: "btn primary", disabled: closed, onclick: () => send(post, box) }, "回复");
  const doneBtn = el("button", { class: "btn", disabled: closed || post.status === "open", onclick: () => complete(post) }, "办结");
  return [
    el("div", { class: "preview-head" }, prioChip(post.priority), el("strong", {}, label(CATEGORY, post.category)),
      ...flagChips(post.flags),
      inc.confidence !== undefined && inc.confidence !== null
        ? el("span", { class: "confidence" }, `置信度 ${Number(inc.confidence).toFixed(2)}`) : null),
    markedText(inc.text || "", inc.cues),
    el("div", { class: "section-title" }, "时限"),
    el("div", { class: "meta", style: GAP },
      el("span", {}, `首次回复时限 ${hms(post.reply_due_at)}`), el("span", {}, `办结时限 ${shortDate(post.complete_due_at)}`),
      dueLabel(post),
      post.escalations && post.escalations.length ? el("span", { class: "esc" }, "已超时升级") : null),
    el("div", { class: "section-title" }, "网友与位置"),
    el("div", { class: "meta", style: GAP }, el("span", {}, `作者 ${post.author || "匿名"}`),
      el("span", {}, `位置 ${where(inc.location)}`),
      post.thread_url ? el("span", { class: "mono" }, post.thread_url) : null),
    el("div", { class: "section-title" }, `回复（${(post.replies || []).length}）`),
    ...(post.replies || []).map((r) => el("div", { class: "card" },
      el("div", { class: "meta" }, el("span", {}, hms(r.at)), el("span", {}, r.by)),
      el("div", { class: "text" }, r.text))),
    closed ? el("p", { class: "quiet" }, `已于 ${shortDate(post.completed_at)} 办结`) : box,
    closed ? null : el("div", { class: "actions" }, replyBtn, doneBtn, counter),
    post.rating ? el("p", { class: "quiet" }, `网友评价：${{ satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" }[post.rating] || post.rating}`) : null,
  ];
}

function render() {
  renderList();
  const post = state.posts.find((p) => p.post_id === state.selected);
  const pane = $("#detail");
  if (!post) {
    if (!pane.querySelector("#reply-text")) fill(pane, el("p", { class: "quiet" }, "在左侧选择一个帖子"));
    return;
  }
  const typing = document.activeElement && document.activeElement.id === "reply-text";
  if (typing && pane.dataset.post === post.post_id) return;  // do not disturb a moderator typing
  pane.dataset.post = post.post_id;
  fill(pane, ...detail(post));
}

// ---------------------------------------------------------------------------------------
// Actions

async function send(post, box) {
  const text = box.value.trim();
  if (!text) { toast("回复内容不能为空", "warn"); return; }
  if (state.busy) return;
  state.busy = true;
  try {
    await api(`/v1/forum/posts/${encodeURIComponent(post.post_id)}/replies`, { method: "POST", body: { text } });
    state.draft.delete(post.post_id);
    box.blur();
    toast("已回复");
    await refresh();
    loadStats();
  } catch (err) {
    toast(explain(err), "error");
  } finally {
    state.busy = false;
  }
}

async function complete(post) {
  try {
    await api(`/v1/forum/posts/${encodeURIComponent(post.post_id)}/complete`, { method: "POST", body: {} });
    toast("已办结");
    state.selected = null;
    await refresh();
    loadStats();
  } catch (err) {
    toast(explain(err), "error");
  }
}

async function refresh() {
  try {
    const data = await api("/v1/forum/posts?limit=300");
    state.posts = data.items;
    render();
  } catch (err) {
    fill($("#posts"), el("p", { class: "error-line" }, explain(err)));
  }
}

function tick() {
  document.querySelectorAll(".countdown[data-due]").forEach((node) => {
    const c = dueText(node.dataset.due);
    node.textContent = `${node.dataset.what || ""} ${c.text}`;
    node.classList.toggle("overdue", c.overdue);
  });
}

// ---------------------------------------------------------------------------------------

function start() {
  token();
  const who = claims();
  const { conn } = header({ title: "网络警民互动平台 · 版主台", who: who.sub ? `${who.sub}（${who.role}）` : "" });
  loadStats();
  refresh();
  setInterval(tick, 1000);
  setInterval(loadStats, 60000);
  if (who.role === "command" || who.role === "admin") {
    // The command feed carries every forum event: refresh as they happen.
    const feed = new Feed("command", {
      onEvent: (msg) => { if (msg.incident && msg.incident.channel === "forum") refresh(); },
      onState: (s, d) => showConnection(conn, s, d),
    });
    feed.start();
  } else {
    showConnection(conn, "live", "每 5 秒刷新");
  }
  setInterval(refresh, POLL_MS);
}

start();
