"""Context rules that keep naive keyword matching honest.

* **Idioms and hyperbole** (``我想死你了``, ``笑死了``, ``杀价``, ``跳楼价``) are masked
  before any cue is looked up, so they can never count as danger.
* **Media, fiction and hypotheticals** (``新闻里说有人跳楼``, ``电视剧里``, ``如果有人…``)
  mark the rest of their clause as reported: danger cues inside it are not counted.
  A hypothetical that the caller then confirms (``如果…我已经吃了``) stays real.
* **Negation** (``没有受伤``, ``无人被困``) cancels the cue right after it. ``还没`` does not
  negate self-harm (``他还没跳`` means he is still about to jump).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.lexicon import PAST_MARKERS
from triage.normalize import after_last_break, clause_bounds, mask

_HYPERBOLE_HEADS = (
    "热冷累饿笑吓气烦困忙渴闷馋急挤吵丑美帅香甜辣咸臭晒冻乐愁穷懒疼痛痒酸难"
    "贵慢无聊郁闷羡慕激动开心高兴紧张尴尬"
)


def _alternatives(spec: str) -> list[str]:
    """Split ``"a|b|c"`` written without top-level groups into its alternatives."""
    return spec.split("|")


# Every alternative starts with a literal character, so that the regex engine can skip
# positions by their first character (a large speed-up for a long alternation).
_IDIOMS: list[str] = [
    # X死了 / X死我了 / X死人了: hyperbole, not death.
    *(f"{h}(?:得要)?死(?:了|我了|人了|我|人|啦|掉了)" for h in dict.fromkeys(_HYPERBOLE_HEADS)),
    *(
        f"{w}死(?:了|我了|人了|我|啦)"
        for w in ("无聊", "郁闷", "羡慕", "激动", "开心", "高兴", "紧张", "尴尬")
    ),
    "想死(?=你|您|他们?了|她们?了|咱|大家|宝贝|你们)",
    # A likeness is not the thing (跟爆炸似的, 像打仗一样).
    "(?:跟|像|和)[^，。,！!？?]{0,4}(?:爆炸|着火|打仗|杀人|放枪|开枪)(?:了)?(?:似的|一样|一般|差不多)",
    *_alternatives(
        "笑死|吓死宝宝|萌死|帅死|美死|爱死|累死累活|要死要活|死机|死胡同|死心|死党|死活|"
        "死磕|死贵|死沉|拼死拼活|打死也不|打死我也不|半死不活|该死的|死鬼|死脑筋|死对头|"
        "死缠烂打|死皮赖脸|死记硬背|死机了|作死"
    ),
    # Bargaining and games: 杀价, 砍一刀, 砍价砍了半天, 狼人杀 ...
    *_alternatives(
        "杀价|砍价|讲价|秒杀|杀毒|杀青|杀时间|杀手锏|杀熟|杀鸡|杀鱼|剧本杀|狼人杀|三国杀|杀菌|"
        "消杀|杀虫|砍一刀|帮我砍|帮忙砍|砍树|砍柴|砍掉|砍预算|自杀式袭击|喊杀|杀杀杀|杀怪"
    ),
    "杀猪(?!盘)",
    *(
        rf"{c}(?:(?<=价{c})|(?<=价[^，。,]{c})|(?<=价[^，。,]{{2}}{c}))了?(?:半天|好久|很久|一会儿?)"
        for c in "砍杀"
    ),
    *(rf"{c}(?:到\d|不下来|下来)" for c in "砍杀"),
    "被杀了?(?=[^，。,]{0,4}(?:游戏|局))",
    # Sales slang and sports.
    *_alternatives(
        "跳楼价|跳楼甩卖|跳楼大甩卖|跳楼促销|跳楼大促销|跳楼清仓|跳槽|跳舞|跳绳|广场舞|跳水|"
        "跳高|跳远|跳伞|跳蚤|跳广场|心跳|跳动|眼皮跳|跳过|跳转|蹦跳|跳闸"
    ),
    # Fire, explosion, weapon, beating and stealing words that are food, mood or tools.
    *_alternatives(
        "火锅|火爆|发火|火车|火腿|火气|火候|火箭|红火|烟火|火速|炸鸡|炸酱|炸串|油炸|"
        "炸了锅|炸锅|爆炸新闻|爆炸性|气炸|炸毛|爆料|爆款|引爆|火龙果|水枪|玩具枪|枪战游戏|"
        "刀削面|开刀|刀疤|刀工|刀郎|剪刀石头布|刀口|刀叉|打车|打电话|打游戏|打扑克|打牌|打球|"
        "打针|打卡|打工|打扫|打印|救命钱|要命的|电脑崩溃|手机崩溃|跳票|砸钱|偷笑|偷懒|"
        "捅锁|捅门锁|捅开|捅马蜂窝"
    ),
    "(?<![楼层])上火(?![苗光势星])",  # 上火 is a mood; 楼上火苗 is a fire
    # A simile is not the event: 鞭炮响得跟打枪似的, 像杀猪一样叫
    "(?:跟|像|和)[^，。,！!？?]{0,5}(?:似的|一样)",
    "火(?<![着起失烧]火)了",
    "火(?<![着起失烧很]火)大",
    "打麻将(?!赌)",
    "不要命地?开",
    "崩溃了?的电脑",
    "偷(?<!小偷)偷(?!拿|摸|溜进|进)",
    # "Like a child" is not a child; blood pressure is not blood.
    "像小孩子?",
    "跟小孩子?一样",
    "小孩子?脾气",
    *_alternatives("老小孩|高血压|血压|血糖|献血|血型|血脂"),
]
IDIOM_PATTERN = re.compile("|".join(_IDIOMS))

REPORTED_PATTERN = re.compile(
    r"新闻|电视上|电视里|电视剧|电影|小说|剧里|游戏里|游戏中|书上|报纸|梦见|做梦|梦到|"
    r"演戏|拍戏|拍电视剧|拍电影|剧组|打游戏|玩游戏|"
    # what the caller thought at first (还以为着火了): the belief, not the event
    r"(?:还|我|都|就)以为|谣言|旧闻|辟谣|密室逃脱|剧本杀|演习|演练|抖音上(?!直播)|快手上(?!直播)|网上看到|网上说|短视频里|视频里看到|看到一个视频|刷到(?:一个|个|条|一条)?(?:视频|帖子|新闻)|综艺|"
    r"如果|假如|万一|假设|要是有人|"
    # asking how to prevent something is not reporting it (请问烧炉子怎么防煤气中毒)
    r"(?:怎么|如何|怎样|咋)(?:预)?防"
)
_HYPOTHETICAL = frozenset({"如果", "假如", "万一", "假设", "要是有人"})
# A hypothetical followed by a first-person confirmation is real (``如果…我已经吃了``).
_CONFIRMED = re.compile(r"我已经|我刚|我现在就|我真的|我就在")
# A marker clause this short (``新闻里说，``) reports the clause that follows it.
_SHORT_LEAD = 4

# Fear or prevention: ``怕划伤孩子`` is not an injury (applies to injury cues only).
_FEAR = re.compile(r"(?:怕|担心|以免|防止|避免|小心|生怕|容易|会不会)[^，。,]{0,2}$"
                   # a fear of some day (怕她哪天走丢), or a guard (防走失)
                   r"|(?:怕|担心|生怕)[^，。,]{0,2}(?:哪天|以后|将来|万一|有一天)[^，。,]?$|防$")

_NEGATOR_CHARS = frozenset("没未无不非从别")
_NEGATION = re.compile(
    # ``有没有``/``是不是``/``会不会`` ask a question; they do not negate.
    r"(?P<still>还|尚)?(?<![有是会能])(?:没有|没|未|无|不是|并非|不会|并没有|从没|从未|别担心)"
    r"(?:人|有|再|想|想过|要|打算|被|受|带|拿|动|用|发生|人员|任何人|什么|见|见人|见有人|发现|看到|造成)?$"
)


# In a dialogue transcript the call-taker's lines are questions and scripts, not facts
# (``接警员：有没有人受伤？``): they are masked like idioms, and so are addresses.
_STAFF_LINE = re.compile(
    r"(?m)(?:^[ \t]*(?:民警|警察|110)[:：]|(?:接警员|接线员|话务员|值班员)[:：])"
    # A transcript run into one line: the call-taker's words end where the caller's begin,
    # or where the bracket they were put in closes (…他在门外……【接警员：谁在门外？】……前男友…).
    r"(?:(?!(?:报警人|来电人|求助人|报案人)(?:（[^）\n]{0,12}）|\([^)\n]{0,12}\))?[:：])[^\n】\]）)])*")
# Addresses and road numbers (``地址：…``, ``110国道``) name places, not events.
_ADDRESS = re.compile(r"地址[:：是为]?[^，。,；;!！？?\n]*|\d+(?:国道|省道|县道)|(?:国道|省道)\d+")


@dataclass(frozen=True, slots=True)
class Context:
    """Where idioms, call-taker lines and reported sentences lie in a (folded) text."""

    idioms: tuple[tuple[int, int], ...]
    staff: tuple[tuple[int, int], ...]
    reported: tuple[tuple[int, int], ...]
    reported_markers: tuple[tuple[int, int], ...]

    def is_reported(self, pos: int) -> bool:
        """Return True when ``pos`` lies in a sentence marked as media/fiction/hypothetical."""
        return any(start <= pos < end for start, end in self.reported)


def find_context(text: str) -> Context:
    """Locate idioms and reported sentences in a folded text.

    Args:
        text: folded text (see :func:`triage.normalize.fold`).

    Returns:
        A :class:`Context` with spans into ``text``.
    """
    idioms = tuple(m.span() for m in IDIOM_PATTERN.finditer(text))
    staff = tuple(m.span() for m in _STAFF_LINE.finditer(text))
    staff += tuple(m.span() for m in _ADDRESS.finditer(text))
    markers: list[tuple[int, int]] = []
    reported: list[tuple[int, int]] = []
    for m in REPORTED_PATTERN.finditer(text):
        if m.group(0) in _HYPOTHETICAL and _CONFIRMED.search(text, m.end()):
            continue
        markers.append(m.span())
        reported.append(_reported_span(text, m.start(), m.end()))
    return Context(
        idioms=idioms,
        staff=staff,
        reported=tuple(reported),
        reported_markers=tuple(markers),
    )


# A clause that goes on inside the work just named (…狂飙，里头又杀人又放火的) is reported too.
_INSIDE_WORK = re.compile(r"(?:那)?(?:里头|里面|里边|剧里|片里|书里)")


def _reported_span(text: str, start: int, end: int) -> tuple[int, int]:
    """From a reporting marker to the end of its clause (or of the next, after a short lead,
    or of the next ones while they go on inside the work)."""
    _, clause_end = clause_bounds(text, end if end < len(text) else start)
    if clause_end - end <= _SHORT_LEAD and clause_end < len(text):
        _, clause_end = clause_bounds(text, clause_end + 1)
    while clause_end < len(text) - 1 and _INSIDE_WORK.match(text, clause_end + 1):
        _, clause_end = clause_bounds(text, clause_end + 1)
    return start, clause_end


def is_negated(text: str, start: int, *, still_counts: bool = False) -> bool:
    """Return True when the cue starting at ``start`` is negated in its clause.

    Args:
        text: folded text.
        start: where the cue begins.
        still_counts: when True, ``还没``/``尚未`` does *not* negate (used for self-harm:
            ``他还没跳`` means the danger is still ahead).
    """
    window = text[max(0, start - 6) : start]
    if _NEGATOR_CHARS.isdisjoint(window):
        return False  # the common case, decided without a regex
    window = after_last_break(window)
    m = _NEGATION.search(window)
    if m is None:
        return False
    return not (still_counts and m.group("still"))


def is_feared(text: str, start: int) -> bool:
    """Return True when the cue at ``start`` is only feared or guarded against (``怕划伤``)."""
    return _FEAR.search(text[max(0, start - 5) : start]) is not None


_PAST = re.compile("|".join(sorted(map(re.escape, PAST_MARKERS), key=len, reverse=True)))
_PAST_DATE = re.compile(r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:初|中旬|底|份|\d{1,2}[日号])")


# The caller says it was nothing after all: a mannequin, a drill, a game, a misdial, an
# old rumour, everyone fine. Not when anything says it was real or someone is hurt.
_FALSE_ALARM = re.compile(
    r"虚惊一场|误会一场|是个误会|拨错了|打错了|要求撤销|撤销报警|(?:你们)?不用(?:来|过来)了|"
    r"不用(?:派人|出警)(?:了|啦)|"
    # the alarm asked and answered at once (着火了？没有，是地里烧秸秆)
    r"(?:着火|起火|爆炸|打架|杀人|出事)了?[？?]\s*(?:没有|不是|没)[，,。！!]|"
    # the dramatic opening taken back at once (杀人啦！……我是说楼下那家肉铺剁排骨; 后来物业查监控说是…)
    r"[…!！]{1,3}\s*我是说|(?:后来|结果)[^。]{0,8}(?:查(?:了)?监控|调(?:了)?监控)[^。]{0,6}(?:说是|发现是|是)|"
    r"(?:问了|一问|打听)[^，。,]{0,6}才知道(?:是|原来)|拍段子|演(?:的)?段子|闹着玩|"
    # a film crew or a video shoot seen for what it is (…应该是在拍电影吧; 说是拍短视频的)
    r"是(?:在)?拍(?:电影|电视剧|短视频|戏|广告|宣传片)|(?:摄像机|反光板|剧组)[^。]{0,12}(?:拍|在)|"
    # taken back at once: 哦，不对，… / 不是那个意思，我就是气的
    r"(?:哦|噢|啊)[，,]?\s*不对[，,]|不是那个意思[^。]{0,10}(?:气的|说说|随口)|"
    # what it really was: a dream, fireworks, the cat; a child back at the door
    r"做(?:了)?(?:个|一个)?(?:噩梦|恶梦)|梦见|是[^，。,]{0,10}(?:在)?放(?:炮|鞭炮|烟花|礼炮)|"
    r"回来了[，,]?回来了|(?:孩子|人|他|她)(?:已经)?回来了[^。]{0,12}(?:不好意思|麻烦你们了|不用来了)|"
    r"(?:经查|核实|后称|后来称|随后称|再次来电称)[^。]{0,20}系(?![^。]{0,6}(?:着火|起火|爆炸|有人))|"
    r"仔细一看(?:才知道)?(?:是|原来)(?![^。]{0,6}(?:人|孩子|老人))|"
    r"人无异常|都好好的|又是剧本|是剧本|早(?:就)?找(?:着|到)了|看错了|看花眼了|眼花了|(?:才|一)?看清(?:楚)?(?:了)?(?:是|原来)|"
    r"是(?:个|一个)?充气(?:的)?(?:大)?(?:玩偶|娃娃|人偶|玩具|模特)|是(?:个|一个)?(?:大)?玩偶|"
    # a drill held or announced (今天学校搞防溺水演练，“落水”的同学被救上来)
    r"(?:搞|进行|组织|开展|举行|举办)(?:了)?(?:一次|一场)?[^，。,]{0,8}(?:演练|演习)|"
    r"(?:才知道|原来|说)是[^。]{0,14}(?:演练|演习)|"
    r"是(?:个|一个)?(?:塑料模特|模特|假人|毛绒(?:娃娃|玩具)|玩具|稻草人)|"
    # a drill announced ahead: 提前跟你们报备一下，别当真
    r"别当真|提前(?:跟|和|给)?(?:你们)?(?:报备|说一声|打个招呼|备个案)|"
    r"(?:一看|原来|其实|结果)(?:是)?(?:个|一个|在)?(?:塑料|毛绒|假人|模特|娃娃|玩具|衣服|被子|"
    r"拍戏|拍电视剧|拍电影|演戏|演练|演习|放礼炮|放炮|烧纸|冬泳|打游戏|玩游戏)|"
    # what the caller found once they looked: a film crew, someone asleep who woke
    r"(?:架着|扛着)摄像机|喊.{0,2}咔|(?:可能|原来|应该)?是(?:在)?拍(?:短)?视频|"
    r"(?:人|他|她)(?:已经)?醒(?:了|过来了)[^。]{0,24}没事|没事了[，,]?\s*(?:就)?(?:跟|和|给)你们说一声|"
    # 以为… only when the caller then says what it really was.
    r"(?:还|我|都|，|,)以为(?:是)?(?:有人|哪儿|哪里|哪)?(?:要)?(?:跳楼|跳湖|跳河|跳下去|着火|失火|绑架|打架|爆炸|炸了|出事|出人命)"
    r".{0,30}(?:原来|结果|一看|其实|后来|没事|是在|和好|多想|[，,。]是(?!真))"
)
_REAL = re.compile(r"真的|真(?=[着起失掉落有出被在])|结果(?:是)?真|不是(?:演习|演练|拍戏|开玩笑|误会)|受伤|流血|出血|伤了|不动了|叫不醒|救命")


# Cries for help that the caller knows come from a screen (一听就是电视剧): still a false
# alarm, unless someone is hurt.
_SCREEN = re.compile(r"(?:一听就是|原来是|就是|是)(?:在)?(?:看)?(?:电视剧?|电影|游戏|短视频|视频)(?:里)?(?:的)?(?:声音)?"
                     r"|(?:原来是|就是|是|系)[^，。,]{0,8}(?:在)?看(?:恐怖片|鬼片|电影|片子|电视剧?|直播|[\u4e00-\u9fff]{1,3}剧(?!烈|痛|增))")
_HURT = re.compile(r"受伤|流血|出血|伤了|不动了|叫不醒")


def from_screen(text: str) -> bool:
    """True when the caller says the cries came from a screen and nobody is hurt."""
    return _SCREEN.search(text) is not None and _HURT.search(text) is None


def is_false_alarm(text: str, whole: str | None = None) -> bool:
    """True when the caller takes the alarm back (it was a mannequin, a drill, a misdial,
    the television) and nothing in the text says it was real or that anyone is hurt.

    ``whole`` is the text before media clauses were masked, where 一听就是电视剧 is read."""
    seen = whole if whole is not None else text
    if from_screen(seen):
        return True
    # Read before masking: 我以为着火了…原来 is masked as a belief, and still takes it back.
    return _FALSE_ALARM.search(seen) is not None and _REAL.search(text) is None


def is_past(text: str) -> bool:
    """True when the text dates its events in the past (``昨天``, ``上周``, ``三月初``)."""
    if _PAST.search(text) is not None:
        return True
    return "月" in text and _PAST_DATE.search(text) is not None


def counted_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``pattern`` that is neither negated (``没有着火``) nor only feared
    (``担心起火``, ``怕被拐走``)."""
    for m in pattern.finditer(text):
        if not is_negated(text, m.start()) and not is_feared(text, m.start()):
            return m
    return None


def without_reported(text: str, context: Context) -> str:
    """``text`` with every media/fiction/hypothetical span masked (for the priority rules)."""
    return mask(text, list(context.reported))
