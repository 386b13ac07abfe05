// Shared console code: auth, API calls, the live feed, labels and DOM helpers.
//
// Rule for every page: text that comes from the server is put into the page with
// textContent / text nodes only (see el()). Nothing built from data goes through innerHTML.

const TOKEN_KEY = "dispatch.token";

// ---------------------------------------------------------------------------------------
// Auth: the token arrives once in the page URL (?token=…), then lives in sessionStorage.

export function token() {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    // Keep the token out of the address bar, history and screenshots.
    url.searchParams.delete("token");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

// The token's claims (role, precinct, sub) for display only; the server verifies it.
export function claims() {
  const t = token();
  if (!t) return {};
  try {
    const part = t.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part.padEnd(part.length + (4 - part.length % 4) % 4, "=")),
      (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------
// HTTP

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// Call the API with the bearer token. Returns the parsed JSON; throws ApiError.
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json" };
  const t = token();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "无法连接服务器", null);
  }
  let data = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (data && (data.message || (typeof data.detail === "string" && data.detail)))
      || `HTTP ${response.status}`;
    throw new ApiError(response.status, message, data);
  }
  return data;
}

// A short Chinese explanation of an API failure for the operator.
export function explain(err) {
  if (!(err instanceof ApiError)) return String(err && err.message || err);
  if (err.status === 0) return "无法连接服务器，稍后自动重试";
  if (err.status === 401) return "令牌无效或已过期，请重新打开带令牌的控制台链接";
  if (err.status === 403) return `无权操作：${err.message}`;
  if (err.status === 404) return "该功能暂未开放";
  if (err.status === 409) return `状态冲突：${err.message}`;
  return err.message;
}

// ---------------------------------------------------------------------------------------
// Live feed: hello → backlog after `since` → live events; ping; reconnect with backoff.
// Loosely NENA-STA-024 subscribe/notify: the websocket URL is the subscription (one feed),
// each event is a notification carrying its own id, and `since` resumes the subscription.

const PING_EVERY_MS = 20000;     // client ping (the server answers pong)
const SILENCE_LIMIT_MS = 45000;  // the server pings after 15 s of silence; 45 s means dead
const CLOSE_REASON = {
  4400: "订阅参数错误", 4401: "令牌无效或已过期", 4403: "无权订阅此频道",
  4404: "频道不存在", 4008: "处理过慢，正在重新同步",
};

// Compare two stream ids "ms-seq" numerically.
export function compareIds(a, b) {
  const [am, as = "0"] = String(a).split("-");
  const [bm, bs = "0"] = String(b).split("-");
  if (am.length !== bm.length) return am.length - bm.length;
  if (am !== bm) return am < bm ? -1 : 1;
  return Number(as) - Number(bs);
}

// The store banner (#store-banner on a page): while the incident store does not answer
// (a failover or a restart under way) new reports and acknowledgements wait; say so, and
// say when it answers again, from which node.
let storeBannerTimer = null;
export function storeBanner(p) {
  const banner = document.getElementById("store-banner");
  if (!banner) return;
  clearTimeout(storeBannerTimer);
  const text = banner.querySelector(".text") || banner;
  if (p.available === false) {
    banner.className = "alert-banner store on";
    text.textContent = "警情数据存储正在主备切换或重启：新警情与签收可能延迟数秒，系统自动重试，请勿重复录入";
    return;
  }
  banner.className = "alert-banner store on recovered";
  text.textContent = p.failover
    ? `数据存储已切换至新主节点 ${p.primary || ""}，业务已恢复` + (p.down_s != null ? `（中断 ${p.down_s} 秒）` : "")
    : "数据存储已恢复" + (p.down_s != null ? `（中断 ${p.down_s} 秒）` : "");
  storeBannerTimer = setTimeout(() => { banner.className = "alert-banner store"; }, 15000);
}

export class Feed {
  // feed: a precinct id or "command". onEvent(message) for every incident event, once.
  // onState(state, detail): connecting | backlog | live | down | denied.
  // onSync(): after the first hello, and after a hello that could not resume (the page
  // loads the current list then; events that arrive meanwhile are held and replayed).
  constructor(feed, { onEvent, onState = () => {}, onAckResult = () => {}, onSync = null,
    onStore = storeBanner }) {
    this.feed = feed;
    this.onStore = onStore;
    this.onEvent = onEvent;
    this.onState = onState;
    this.onAckResult = onAckResult;
    this.onSync = onSync;
    this.needSync = Boolean(onSync);
    this.held = null;
    this.sinceKey = `dispatch.since.${feed}`;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.lastHeard = 0;
    this.timers = [];
  }

  get since() { return sessionStorage.getItem(this.sinceKey); }

  set since(id) { sessionStorage.setItem(this.sinceKey, id); }

  start() {
    this.timers.push(setInterval(() => this.keepAlive(), 5000));
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    const url = new URL(`/v1/consoles/${encodeURIComponent(this.feed)}/ws`, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const t = token();
    if (t) url.searchParams.set("token", t);
    if (this.since) url.searchParams.set("since", this.since);
    this.onState("connecting", this.attempt ? `第 ${this.attempt} 次重连` : "");
    const ws = new WebSocket(url);
    this.ws = ws;
    this.lastHeard = Date.now();
    this.lastPing = Date.now();
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = (e) => this.closed(ws, e);
  }

  receive(raw) {
    this.lastHeard = Date.now();
    let msg;
    try { msg = JSON.parse(raw); } catch { return; }
    switch (msg.type) {
      case "hello": {
        this.attempt = 0;
        const head = (msg.payload && msg.payload.head) || "0-0";  // "0-0": an empty feed
        // Without a stored position, start at the feed's head so a reconnect later resumes
        // exactly where this connection began. A position beyond the head means the feed
        // was reset under us (a new store): start again from its head and reload the state.
        if (!this.since || compareIds(head, this.since) < 0) {
          if (this.since) this.needSync = Boolean(this.onSync);
          this.since = head;
        }
        const behind = compareIds(head, this.since) > 0;
        this.caughtUpAt = behind ? head : null;
        this.onState(behind ? "backlog" : "live", "");
        if (this.needSync) this.sync();
        return;
      }
      case "ping": case "pong": return;  // keep-alives; lastHeard is already updated
      case "ack_result": this.onAckResult(msg.payload || {}); return;
      case "store": this.onStore(msg.payload || {}); return;  // the store failing over / back
      case "error": console.warn("feed error", msg.payload); return;
      default: break;
    }
    if (!msg.event_id) return;
    if (this.since && compareIds(msg.event_id, this.since) <= 0) return;  // seen already
    this.since = msg.event_id;
    if (this.caughtUpAt && compareIds(msg.event_id, this.caughtUpAt) >= 0) {
      this.caughtUpAt = null;
      this.onState("live", "");
    }
    if (this.held) this.held.push(msg);
    else this.deliver(msg);
  }

  deliver(msg) {
    try {
      this.onEvent(msg);
    } catch (err) {
      console.error("event handler failed", err);
    }
  }

  // Load the page's current state, then replay the events that arrived during the load,
  // so an event newer than the list always wins and none falls between the two.
  async sync() {
    this.needSync = false;
    this.held = [];
    try {
      await this.onSync();
    } finally {
      const held = this.held;
      this.held = null;
      held.forEach((msg) => this.deliver(msg));
    }
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  keepAlive() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (now - this.lastHeard > SILENCE_LIMIT_MS) {
      this.ws.close(4000, "silent");  // a half-open connection: start over
      return;
    }
    if (now - this.lastPing > PING_EVERY_MS) {
      this.lastPing = now;
      this.send({ type: "ping" });
    }
  }

  closed(ws, event) {
    if (ws !== this.ws) return;
    this.ws = null;
    if (event.code === 4401 || event.code === 4403 || event.code === 4404) {
      this.stopped = true;
      this.onState("denied", CLOSE_REASON[event.code]);
      return;
    }
    if (event.code === 4400) {
      // The server refused our position: start from its head and reload the state.
      sessionStorage.removeItem(this.sinceKey);
      this.needSync = Boolean(this.onSync);
    }
    // Backoff 0.5 s, 1 s, 2 s, then every 3 s, with jitter so consoles do not stampede.
    const delay = Math.min(3000, 500 * 2 ** Math.min(this.attempt, 3)) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    this.onState("down", CLOSE_REASON[event.code] || "连接中断，正在重连");
    setTimeout(() => this.connect(), event.code === 4008 ? 0 : delay);
  }
}

// ---------------------------------------------------------------------------------------
// DOM helpers

// el("td", {class: "x", onclick: fn}, "text", childNode, …): strings become text nodes.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (typeof value !== "string") node[key] = value;  // disabled, value, checked
    else node.setAttribute(key, value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replace all children of `node`.
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function $(selector) { return document.querySelector(selector); }

// ---------------------------------------------------------------------------------------
// Labels (the wire codes stay English; the consoles speak Chinese)

export const STATUS = {
  received: "已接收", triaged: "已研判", assigned: "待签收", acknowledged: "已签收",
  en_route: "出警途中", on_scene: "到达现场", resolved: "已处置", closed: "已结案",
  merged: "已合并", transferred: "转12345", handed_off: "已移交", cancelled: "已撤销",
  failed: "处理失败",
};
export const CATEGORY = {
  violent_crime: "暴力犯罪", property_crime: "侵财犯罪", fraud: "诈骗", public_order: "治安",
  traffic: "交通", fire_disaster: "火灾灾害", dispute: "纠纷", missing_person: "人员走失",
  self_harm: "自伤轻生", assistance: "群众求助", consultation: "咨询", non_police: "非警务",
};
export const FLAG = {
  weapon: "持械", injury: "有伤", minor: "未成年人", elderly: "老人",
  domestic_violence: "家暴", in_progress: "正在发生", sensitive: "敏感", out_of_area: "辖区外",
  needs_review: "待人工研判",
};
export const CHANNEL = { call: "110电话", forum: "警民论坛", transfer_12345: "12345转办" };
export const EVENT = {
  "report.received": "接警", "incident.triaged": "研判", "incident.retriaged": "人工改判",
  "incident.located": "定位", "incident.assigned": "派警", "incident.acknowledged": "签收",
  "incident.escalated": "升级", "incident.status_changed": "状态变更",
  "incident.merged": "合并重复警情", "incident.unit_assigned": "派车",
  "incident.callback": "回访", "incident.processing_failed": "处理失败",
  "incident.caller_added": "新增报警人", "incident.target_breached": "超出时限",
  "incident.handoff": "移交", "incident.forum": "论坛处置", "incident.missing": "走失专案",
  "incident.noted": "备注", "incident.answered_on_spot": "当场答复",
  "incident.questions_answered": "要素追问", "incident.synthesized": "合成研判",
  "incident.details_added": "补充情况", "incident.split": "拆分警情",
};
// The pipeline's reasons are English codes of the audit trail; the officer reads Chinese.
const REASON = {
  "precinct containing the location": "按事发地所属派出所",
  "no precinct in jurisdiction: command centre confirms": "未能定位到派出所，由指挥中心确认",
  "location fixed: precinct containing the new point": "定位修正后按新位置所属派出所",
  "location fixed outside every precinct: command centre confirms": "修正后的位置不在本市辖区，由指挥中心确认",
  "assignment not acknowledged in time": "超时未签收",
};

// Precinct names for actorName (a page that loads /v1/precincts fills it).
export const PRECINCT_NAMES = new Map();

// "precinct:150203001:张磊" → "白音席勒街道派出所 张磊"; "command:王伟" → "指挥中心 王伟".
export function actorName(actor) {
  if (!actor || actor === "system") return "系统";
  const [role, who, name] = String(actor).split(":");
  if (role === "precinct") {
    const place = PRECINCT_NAMES.get(who) ? `${PRECINCT_NAMES.get(who)}派出所` : `派出所 ${who || ""}`.trim();
    return name ? `${place} ${name}` : place;
  }
  if (role === "agency") return `对方单位 ${who || ""}`.trim();
  if (role === "unit") return `警力 ${unitName(who)}`;
  if (role === "desk") return "值班台";
  const title = { command: "指挥中心", call_taker: "接警员", admin: "管理员", analyst: "分析员" }[role];
  const shown = who && !["command", "call_taker", "admin", "analyst"].includes(who) ? who : "";
  return title ? `${title} ${shown}`.trim() : actor;
}

// Reasons that carry a variable part: matched by their start.
const REASON_PREFIX = [
  ["accepted by ", (r) => `对方已接收：${r.slice(12)}`],
  ["automatic triage/geo failed", () => "自动研判或定位失败，请人工处理"],
  ["no 12345 hotline", () => "通讯录中没有12345热线"],
  ["no agency registered for this location", () => "事发地无对应接收单位，请电话联系移交"],
  ["no unit on scene within the arrival target", () => "超过到场时限仍无警力到场"],
  ["only the IP region places it outside the city", () => "仅凭IP归属地判断在外地：请先核实位置"],
  ["triage is unsure", () => "研判不确定（待人工研判）：先由人工决定"],
  ["a later caller", (r) => `后续报警人反映情况更紧急（${(r.match(/\(([^)]+)\)/) || [])[1] || ""}）`],
  ["non-police matter at", () => "非警务事项但级别较高：不自动转12345"],
  ["re-routed: priority", (r) => `级别变化后重新派警：${r.replace("re-routed: priority ", "")}`],
  ["re-routed: a later caller", (r) => `后续报警人反映情况更紧急，重新派警（${(r.match(/\(([^)]+)\)/) || [])[1] || ""}）`],
  ["split from a merged incident", () => "从合并警情中拆分，按事发地重新派警"],
  ["assignment not acknowledged in time", () => "超时未签收"],
  ["the agency's webhook did not take the packet", () => "对方接口未能接收，请电话联系"],
  ["the receiving agency has not acknowledged", () => "对方超时未确认接收"],
  ["no outcome within the 2-hour locate target", () => "超过2小时未反馈结果"],
  ["the outcome could not be sent to 12345", () => "处理结果未能回传12345，请电话联系"],
];

export function reasonText(reason) {
  if (typeof reason === "string" && reason.startsWith("synthesis: ")) return `合成研判提级（${reason.slice(11)}）`;
  if (REASON[reason]) return REASON[reason];
  const hit = REASON_PREFIX.find(([start]) => String(reason || "").startsWith(start));
  return hit ? hit[1](String(reason)) : reason;
}

export const HANDOFF_STAGE = {
  created: "发起移交", sent: "已送达对方", delivery_failed: "送达失败", acknowledged: "对方已接收",
  outcome: "对方反馈结果", ack_overdue: "对方超时未确认", locate_overdue: "超时未办结", caller_told: "已告知报警人",
  unrouted: "无对应接收单位，须电话移交", outcome_returned: "结果已回传12345", outcome_return_failed: "结果回传12345失败",
  retry_requested: "重试送达", handed_over_by_phone: "已电话移交", held: "暂缓移交（待核实位置）",
};
export const SATISFACTION = { satisfied: "满意", basically_satisfied: "基本满意", dissatisfied: "不满意" };

// One line for an incident.handoff event.
export function handoffText(p) {
  const parts = [HANDOFF_STAGE[p.stage] || p.stage];
  if (p.agency_name) parts.push(p.agency_name);
  if (p.contact) parts.push(`对方接收人：${p.contact}`);
  if (p.officer) parts.push(`经办：${p.officer}`);
  if (p.reason) parts.push(reasonText(p.reason));
  return parts.join(" · ");
}

// ---------------------------------------------------------------------------------------
// Call signs: unit ids (U150203003-02) read as the registry's names (昆北巡1).

export const UNIT_NAMES = new Map();
let unitsLoading = null;

export function loadUnitNames() {
  unitsLoading = unitsLoading || api("/v1/units").then((data) => {
    for (const u of (data && data.items) || []) UNIT_NAMES.set(u.id, u.name || u.id);
    return UNIT_NAMES;
  }).catch(() => UNIT_NAMES);
  return unitsLoading;
}

export function unitName(id) { return UNIT_NAMES.get(id) || id; }

// ---------------------------------------------------------------------------------------
// Time since the call, on every card; tickSince() keeps them current.

export function sinceText(iso) {
  if (!iso) return "—";
  const s = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s} 秒`;
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} 时 ${m % 60} 分` : `${m} 分`;
}

export function sinceChip(iso) {
  return el("span", { class: "since mono", title: "距接警已过", dataset: { since: iso || "" } }, sinceText(iso));
}

export function tickSince() {
  for (const node of document.querySelectorAll(".since[data-since]")) node.textContent = sinceText(node.dataset.since);
}

// ---------------------------------------------------------------------------------------
// Keyboard shortcuts: keys are ignored while the officer types in a field.

export function shortcuts(map) {
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName))) {
      if (e.key === "Escape") t.blur();
      return;
    }
    const action = map[e.key] || map[e.key.toLowerCase()];
    if (action) { e.preventDefault(); action(e); }
  });
}

export function shortcutHint(text) {
  return el("span", { class: "shortcut-hint", id: "shortcut-hint", title: "键盘快捷键" }, text);
}

export const ESCALATION = { 1: "已升级至指挥中心", 2: "已升级至值班领导" };
export const UNIT_STATUS = {
  available: "待命", dispatched: "已派", en_route: "途中", on_scene: "现场", off_duty: "下勤",
};
export const PRIORITY_COLOR = { P1: "#e5383b", P2: "#f07a22", P3: "#e3b505", P4: "#6c8296" };

// Open statuses still needing a precinct's attention, most urgent handling first.
export const ACTIVE = new Set(["assigned", "acknowledged", "en_route", "on_scene"]);

export function label(map, code) { return (code && map[code]) || code || "—"; }

export function prioChip(priority) {
  return el("span", { class: `prio ${priority || ""}` }, priority || "—");
}

export function statusChip(status) {
  return el("span", { class: `status ${status || ""}` }, label(STATUS, status));
}

export function flagChips(flags) {
  return (flags || []).map((f) => el("span", { class: "flag" }, label(FLAG, f)));
}

export function escalationChip(level) {
  return level ? el("span", { class: "esc" }, level >= 2 ? "升级·值班领导" : "升级·指挥中心") : null;
}

export function prioRank(priority) {
  return priority && /^P[1-4]$/.test(priority) ? Number(priority[1]) : 9;
}

// ---------------------------------------------------------------------------------------
// Time

const TIME_FMT = new Intl.DateTimeFormat("zh-CN", {
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "Asia/Shanghai",
});
const DATE_FMT = new Intl.DateTimeFormat("zh-CN", {
  month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  timeZone: "Asia/Shanghai",
});

export function hms(iso) { return iso ? TIME_FMT.format(new Date(iso)) : "—"; }
export function shortDate(iso) { return iso ? DATE_FMT.format(new Date(iso)) : "—"; }

// "00:27" until the deadline, "超时 01:05" after it.
export function countdown(dueIso, now = Date.now()) {
  const ms = new Date(dueIso).getTime() - now;
  const s = Math.floor(Math.abs(ms) / 1000);
  const text = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  return { overdue: ms < 0, text: ms < 0 ? `超时 ${text}` : text };
}

export function startClock(node) {
  const tick = () => { node.textContent = TIME_FMT.format(new Date()); };
  tick();
  setInterval(tick, 1000);
}

// ---------------------------------------------------------------------------------------
// Feedback: toasts, connection badge, audible alert

export function toast(message, kind = "") {
  let box = document.getElementById("toasts");
  if (!box) {
    box = el("div", { id: "toasts" });
    document.body.append(box);
  }
  const node = el("div", { class: `toast ${kind}`, role: "status" }, message);
  box.append(node);
  setTimeout(() => node.remove(), 5000);
}

const CONN_TEXT = {
  connecting: "连接中", backlog: "同步中", live: "实时", down: "已断开", denied: "拒绝访问",
};

export function showConnection(node, state, detail) {
  node.dataset.state = state;
  node.textContent = CONN_TEXT[state] + (detail ? ` · ${detail}` : "");
}

let audio = null;

// Browsers start audio only after a user gesture: the first click anywhere (or on the
// returned header button) enables the P1 beep; the button shows whether it is on.
export function unlockAudio() {
  const button = el("button", { class: "btn small", id: "sound", type: "button" }, "开启提示音");
  const enable = () => {
    try {
      audio = audio || new AudioContext();
      audio.resume().then(() => { button.textContent = "提示音已开启"; button.disabled = true; })
        .catch(() => { button.textContent = "无法播放提示音"; });
    } catch { button.textContent = "无音频设备"; }  // the visual alert still works
  };
  document.addEventListener("click", enable, { once: true });
  button.addEventListener("click", () => { enable(); beep(); });
  return button;
}

// A short two-tone beep through WebAudio (browsers allow it after a user gesture).
export function beep() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
    const t0 = audio.currentTime;
    [0, 0.25].forEach((offset, i) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = i ? 660 : 880;
      gain.gain.setValueAtTime(0.12, t0 + offset);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(t0 + offset);
      osc.stop(t0 + offset + 0.21);
    });
    return true;
  } catch {
    return false;
  }
}

// Pages share the header: title, who is signed in, connection badge, clock.
export function header({ title, who }) {
  const conn = el("span", { class: "conn", id: "conn", "data-state": "connecting" }, "连接中");
  const clock = el("span", { class: "clock", id: "clock" });
  const bar = el("header", { class: "topbar" },
    el("span", { class: "badge-110" }, "110"),
    el("h1", {}, title),
    el("span", { class: "who", id: "who" }, who || ""),
    el("span", { class: "spacer" }),
    conn, clock);
  document.body.prepend(bar);
  startClock(clock);
  return { conn, bar };
}
