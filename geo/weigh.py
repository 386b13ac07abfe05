"""Weigh the whole string: is the place Baotou, or a named place elsewhere in China?

Two scans feed one decision: the Baotou gazetteer (districts and their colloquial
forms, towns, communities, places, roads) and the national index (every province,
prefecture, county and township). Each match becomes a *slot* of weighted readings,
each reading an NBS code (Baotou's own readings are codes under 1502). Where a match
of one scan lies strictly inside a longer match of the other, the longer one is the
reading (磴口村 is a Baotou committee, not 磴口县).

Slots that follow each other with at most a joining character between them form a
*segment*: one address such as 湖北省武汉市青山区红卫路. Within a segment a unit's
support is the sum, over its slots, of the best reading that is the unit or one of its
parents; Baotou's support is that of any Baotou reading per slot. A name that Baotou
itself has (the same stretch of text) counts no more elsewhere than in Baotou: it is a
namesake, and only the rest of the string can tell them apart. The best foreign unit
is the one with the highest support (deeper codes first, then municipalities and
capitals). A segment is foreign when that support beats Baotou's, is at least
:data:`DECISIVE`, and is either one line or strong enough (:data:`DECISIVE_SPREAD`)
to stand against namesakes — so 武汉青山区幸福路 is in Wuhan, 青山区幸福路 in
Baotou, 青山区红卫路街道 in Wuhan, 金山镇 alone in Baotou (with its namesakes said).

Across segments a Baotou unit named on its own still wins (呼和浩特来的车在昆区撞人了 is
in 昆区, with a warning), as before — unless the words around it make it only where
someone comes from (包头人在武汉青山区被打, 从包头到了呼市), a reference point (离包头不远)
or deny it (不是土右，是土左) while the place elsewhere is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from geo.gazetteer import Match, gazetteer
from geo.national import MUNICIPALITIES, Chain, National, NMatch

BAOTOU = "1502"
DECISIVE = 2.5  # a foreign reading needs at least a township name or a 3-character stem
DECISIVE_SPREAD = 4.0  # ... and a county name or more when it names several places
HEAD_BONUS = 0.5  # see _weigh_segment
STRONG_BAOTOU = 3.0  # a Baotou segment that outweighs another city named elsewhere
_JOINERS = "的市省区县旗镇乡·-_"
_MAX_ALTERNATIVES = 4
_ORIGIN_BEFORE = ("从", "来自", "老家", "户籍", "籍贯", "家住", "老家在", "户口在")
_ORIGIN_AFTER = ("人", "来的", "过来", "籍", "牌", "过去的", "去的", "一家人", "一家子", "一家三口", "一家四口",
                 "一家老小", "全家")
# 土右旗的车, 包头昆区的出租车, 固阳县的人: a vehicle or a person from there.
_FROM_THERE = re.compile(r"[^，。,；;的在]{0,3}的[^，。,；;跟和与被把让叫找]{0,3}(?:车|司机|人|游客|工人|学生|老乡|师傅|职工|员工|孩子|小孩|娃|家长|家属|"
                         r"牧民|村民|居民|住户|老人|老汉|老太太|后生)")
# Someone else placed after the caller's own whereabouts (我在昆区上班，我爸在老家…摔了).
_OTHER_PERSON_AT = re.compile(
    r"(?:我|俺|其)?(?:的)?(?:对象|爸|妈|父亲|母亲|老父亲|老母亲|儿子|女儿|闺女|老婆|老公|媳妇|丈夫|"
    r"妻子|哥|姐|弟|妹|爷爷|奶奶|姥姥|姥爷|家人|亲戚|朋友|同事|孩子|老伴|男朋友|女朋友|男友|女友|"
    r"爱人|舅|姑|姨|叔|婶|伯|侄|外甥|孙子|孙女|公公|婆婆|岳父|岳母|丈母娘|老丈人|室友|工友|老乡|姑娘)"
    r"(?:一个人|自己|独自|现在|目前|平时)?(?:在|去|到|回)"
    # the caller's home elsewhere (我人在九原区，老家集宁区的房子…叫人撬了)
    r"|老家(?=[\u4e00-\u9fff]{1,10}?的?(?:房子|房屋|家|院子|老宅|店|铺子))")
# ... and something happened to them there (摔了, 出事了; not 联系不上我: that is about the caller).
_HAPPENED = re.compile(r"摔|出事|车祸|撞了|被[^，。,]{0,4}(?:打|骗|偷|抢)|受伤|住院|走失|走丢|失联|"
                       r"联系不上(?!我)|没联系上(?!我)|联系不到(?!我)|打不通|不见了|晕倒|病了|打起来|打架|跟踪|堵|扣(?:住|着|下|在)|控制|绑|威胁|"
                       r"扬言|自杀|要钱|勒索|没人(?:管|照顾)|盗|砸|撬|宰|扣车|扣货|不给钱|(?:一直|都|也)?不接|没人接|无人接听|"
                       r"中毒|着火|起火|昏迷|骗走|骗了|跟着(?:她|他)|门开着|起不来|被困|捅|砍|开走|占了|"
                       r"敲(?:她|他)?门|硬要|闯|吓坏|关机|没回来|没回家|打(?:她|他|我)(?!电话)")
_OTHER_PERSON_BEFORE = re.compile(
    r"(?:对象|老公|老婆|丈夫|妻子|媳妇|前夫|他|她|那人|那个人|女儿|闺女|儿子|亲戚|朋友)(?:现在)?在$")


def _someone_else_there(text: str, end: int) -> bool:
    """After ``end``, someone else is placed and something happened to them (said before
    the caller's own place, it stays ambiguous: 我儿子在武汉上大学，我在青山区…出事了)."""
    m = _OTHER_PERSON_AT.search(text, end)
    return m is not None and _HAPPENED.search(text, m.end()) is not None


# What the caller says of their own place when the matter is elsewhere: far from it, or
# just where they work (…，我现在在包头东河区打工), or nothing more.
_AWAY_AFTER = re.compile(r"(?:[\u4e00-\u9fff]{0,3}?(?:一时|暂时|马上)?(?:回不去|离得(?:太|很|挺)?远|赶不过去|"
                         r"过不去|去不了|不在(?:那边|身边|跟前|家)|打工|上班|上学|工作|出差|"
                         r"正?往[^，。,]{0,8}(?:赶|去))|\s*[。！!]?\s*$)")


_PAST_AT = ("昨天在", "前天在", "之前在", "以前在", "原来在", "上周在", "前几天在")
_LATER = re.compile(r"今天|现在|这会儿|眼下|刚才|刚刚")
_HOME_BEFORE = ("家在", "家是", "住在", "我住", "俺住")
_NOW_AT = re.compile(r"(?:现在|目前|眼下|这会儿|此刻|今天)(?:人)?(?:已经)?(?:追|跑|走|开|坐车)?(?:在|到了|到)|"
                     r"(?<![他她方])人(?:现在)?在(?!家)")  # 对方说他人在深圳: not the caller
# 路过美岱召镇被人拦车: passing through, and struck there.
_STRUCK_THERE = re.compile(r"[^，。,]{0,4}(?:的时候|时|被|让人|叫人|遇到|碰到|出事|撞)")
_WE_ARE = re.compile(r"(?:我|俺|咱|他|她)(?:们)?(?:一家|全家|一家人|两口子|俩)?(?:都|也)?是$")
_KIN_LIVES = re.compile(r"(?:亲戚|朋友|女儿|闺女|儿子|爸妈|父母|我妈|我爸|哥哥|姐姐|弟弟|妹妹|老人)(?:家)?住(?:在)?$")
_CALLER_HERE = re.compile(r"我(?:这边|这儿|这里|现在|人)?(?:是|在)")
_TRIP = re.compile(r"(?:周末|今天|昨天|昨晚|前天|上周|刚才)?(?:去|(?<![得不做想遇碰收找见拿受感])到|(?<![后起出回过上下进原本未将看带])来)(?!看|瞅|瞧|查看|找找|帮)(?:了)?(?![了的过着])[^，。,]{0,2}[\u4e00-\u9fff]")
# A person's journey from the place named to another (坐错车到了集宁, 流浪到了…).
_TRAVELLED = re.compile(r"(?:坐错(?:了)?车|坐过(?:了)?站|坐车|打车|流浪|搭车)(?:到了|到|去了)")
# 在康巴什打工的固阳人: where someone works is no "person from there" (的…人).
_WORKS_THERE = ("打工", "上班", "工作", "上学", "干活", "务工", "做生意", "开店")
# 五原县来包头看病的老人: where someone came from to Baotou.
_CAME_HERE = re.compile(r"(?:的人)?(?:来|到)(?:了)?(?:咱们?|我们)?(?:包头|这边|这里|这儿|咱这)")
_DENIED_BEFORE = ("不是", "并非", "而非", "不在", "不是在")  # 不是土右，是土左
_REFERENCE_BEFORE = ("离", "距", "距离", "靠近", "邻近", "挨着", "紧挨", "比")  # 离包头不远
_WHO_IS = ("我是", "俺是", "他是", "她是", "我们是", "俺们是", "咱是")  # 我是山西河曲的
# A place that qualifies a person (包头这边的亲戚让我报警): where that person is from,
# not where the matter is — unless the place is where something is (在包头的朋友家).
_PERSON_AFTER = re.compile(
    r"(?:这边|那边|这里|那里|这儿|那儿|本地|老家)?的?(?:亲戚|亲属|亲人|家人|家里人|朋友|同事|"
    r"同学|老乡|老板|客户|父母|爸妈|爸爸|妈妈|儿子|女儿|老婆|老公|媳妇|丈夫|妻子|哥哥|"
    r"姐姐|弟弟|妹妹|叔叔|阿姨|舅舅|姑姑|表哥|表姐|表弟|表妹)")
# 我包头的，出差在成都 / 我老婆包头的，人在…: a person, the place, 的 and a pause — 是 left out.
_WHO_BEFORE = re.compile(
    r"(?:我|俺|咱|他|她|我们|他们|亲戚|朋友|同事|老乡|老板|父母|爸妈|爸爸|妈妈|儿子|女儿|老婆|"
    r"老公|媳妇|丈夫|妻子|哥哥|姐姐|弟弟|妹妹|我哥|我姐|我弟|我妹|我妈|我爸)$")
_PAUSE = "，,。;；!！ "
_REPORTER_BEFORE = ("我在", "我人在", "我现在在", "我们在", "俺在", "我这会儿在", "报警人在", "报警人现在在",
                    "家长在", "家属在", "来电人在", "报警人住", "报警人住在", "我住", "我住在", "我是在",
                    "我家在", "我人现在在")  # 我在包头，… / 报警人在青山区，称其母亲在…
# 我在包头昆区报过警了，现在人在…: where a report was made, not where the matter is.
_REPORTED_AFTER = re.compile(r"(?:报过警|报了警|报的警|报警(?:了)?[，,。]|打过110)")


@dataclass(frozen=True, slots=True)
class Reading:
    """One code a slot can mean, with its weight and a label for ``matched``."""

    code: str
    weight: float
    label: str
    relative: bool = False  # 市政府: a Baotou name only while no other city is named


@dataclass(slots=True)
class Slot:
    """Overlapping matches of both scans: alternative readings of one stretch of text."""

    start: int
    end: int
    form: str
    readings: list[Reading]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the string says about where the place is."""

    foreign: bool
    code: str | None = None  # the foreign unit
    chain: Chain | None = None
    support: float = 0.0
    alternatives: tuple[str, ...] = ()  # other foreign readings with the same support
    labels: tuple[str, ...] = ()  # the foreign evidence, for ``matched``
    other_place: str | None = None  # a place elsewhere named beside a Baotou one
    namesakes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (form, places elsewhere)


def _baotou_weight(m: Match) -> list[Reading]:
    out = []
    for e in m.entries:
        form = m.form
        if e.kind == "city":
            codes, w = [BAOTOU], 6.0
        elif e.kind == "district":
            codes = [e.district or BAOTOU]
            w = 4.0 if len(form) >= 3 or form.endswith(("区", "旗", "县")) else 3.0
        elif e.kind in ("town", "community", "hint") and e.town:
            codes = [e.town]
            if e.kind == "town":
                w = 3.0 if form.startswith(e.name) else (2.5 if len(form) >= 3 else 1.5)
            else:
                w = 3.0 if len(form) >= 4 else 2.0
        elif e.kind in ("poi", "hint"):
            codes, w = list(e.districts) or [BAOTOU], 4.0 if e.kind == "poi" else 3.0
        elif e.kind in ("landmark", "community"):
            codes, w = list(e.districts) or [BAOTOU], 2.0
        elif e.kind == "road":
            codes, w = list(e.districts) or [BAOTOU], 1.0
        else:  # the gazetteer's own out-of-area names: the national index speaks for them
            continue
        # 市政府, 铁道职业技术学院: the city's own name left out, so it is the one of
        # whatever city is being talked about.
        relative = e.kind in ("poi", "hint", "landmark") and (
            form.startswith("市") or e.name in (f"包头{form}", f"包头市{form}"))
        out += [Reading(c, w, f"{e.kind}:{e.name}", relative) for c in codes]
    return out


# Readings per matched form, computed once: the key keeps its entries alive, so an id is
# never reused while it is in the memo.
_MEMO: dict[tuple[int, str], tuple[object, list[Reading]]] = {}
T = TypeVar("T")


def _memo(key_obj: object, form: str, make: Callable[[T], list[Reading]], arg: T) \
        -> list[Reading]:
    key = (id(key_obj), form)
    hit = _MEMO.get(key)
    if hit is None or hit[0] is not key_obj:
        hit = (key_obj, make(arg))
        _MEMO[key] = hit
    return hit[1]


def _national_readings(n: NMatch) -> list[Reading]:
    return [Reading(r.unit.code, r.weight, f"{r.unit.level}:{r.unit.name}")
            for r in n.readings]


def _baotou_prefixes() -> frozenset[str]:
    """The first two to four characters of every Baotou form (南海 of 南海公园)."""
    forms = gazetteer().forms
    hit = _PREFIXES.get(id(forms))
    if hit is None or hit[0] is not forms:
        hit = (forms, frozenset(f[:k] for f in forms for k in (2, 3, 4) if len(f) > k))
        _PREFIXES.clear()
        _PREFIXES[id(forms)] = hit
    return hit[1]


_PREFIXES: dict[int, tuple[object, frozenset[str]]] = {}


def _baotou_name_then_start(text: str, n: NMatch, weighed: list[tuple[Match, list[Reading]]],
                            nat_codes: set[str]) -> bool:
    """A bare township stem elsewhere that is a Baotou name followed by the start of
    another Baotou name (东河 + 南海… in 东河南海这边), with nothing else in the string
    naming that township's county, city or province: the Baotou reading stands."""
    if not all(r.stem and r.unit.level == "town" for r in n.readings):
        return False
    if any(c != r.unit.code and r.unit.code.startswith(c)
           for r in n.readings for c in nat_codes):
        return False
    prefixes = _baotou_prefixes()
    for m, _ in weighed:
        if m.start == n.start and m.end < n.end:
            rest = text[m.end:n.end + 1]
            if len(rest) > n.end - m.end and rest in prefixes:
                return True
    return False


def _slots(text: str, baotou: list[Match], nat: list[NMatch]) -> list[Slot]:
    spans: list[tuple[int, int, str, list[Reading]]] = []
    nat_codes = {r.unit.code for n in nat for r in n.readings}
    own: dict[tuple[int, int], float] = {}  # Baotou's weight of a stretch it names itself
    weighed = [(m, rs) for m in baotou
               if (rs := _memo(m.entries, m.form, _baotou_weight, m))]
    for m, rs in weighed:
        if not any(n.start <= m.start and m.end <= n.end and
                   (n.end - n.start) > (m.end - m.start) for n in nat):
            spans.append((m.start, m.end, m.form, rs))
            own[(m.start, m.end)] = max(r.weight for r in rs)
    for n in nat:
        if any(m.start <= n.start and n.end <= m.end and (m.end - m.start) > (n.end - n.start)
               for m, _ in weighed):
            continue
        if all(r.stem for r in n.readings) and any(
                m.start < n.end < m.end or m.start < n.start < m.end for m, _ in weighed):
            continue  # 东河南海公园: a stem (东河南镇's) that cuts through a Baotou name
        if _baotou_name_then_start(text, n, weighed, nat_codes):
            continue  # 东河南海这边: 东河 + 南海(公园), not a bare 东河南镇 elsewhere
        rs = _memo(n.readings, n.form, _national_readings, n)
        cap = own.get((n.start, n.end))  # the same name in Baotou: a namesake, not more
        if cap is not None:
            rs = [r if r.code.startswith(BAOTOU) or r.weight <= cap
                  else Reading(r.code, cap, r.label) for r in rs]
        spans.append((n.start, n.end, n.form, rs))
    spans.sort(key=lambda s: (s[0], -s[1]))
    slots: list[Slot] = []
    for start, end, form, rs in spans:
        if slots and start < slots[-1].end:  # overlap: alternatives of one stretch
            last = slots[-1]
            last.end = max(last.end, end)
            last.readings.extend(rs)
        else:
            slots.append(Slot(start, end, form, list(rs)))
    return slots


def _segments(text: str, slots: list[Slot]) -> list[list[Slot]]:
    segs: list[list[Slot]] = []
    for s in slots:
        if segs:
            gap = text[segs[-1][-1].end:s.start]
            if len(gap) <= 1 and all(ch in _JOINERS for ch in gap):
                segs[-1].append(s)
                continue
        segs.append([s])
    return segs


def _slot_support(slot: Slot, code: str) -> tuple[float, Reading | None]:
    """The best reading of a slot that is ``code`` or one of its parents."""
    best: tuple[float, Reading | None] = (0.0, None)
    for r in slot.readings:
        if r.weight > best[0] and code.startswith(r.code):
            best = (r.weight, r)
    return best


def _best_by_code(slot: Slot) -> dict[str, float]:
    out: dict[str, float] = {}
    for r in slot.readings:
        if r.weight > out.get(r.code, 0.0):
            out[r.code] = r.weight
    return out


def _support(tables: list[dict[str, float]], code: str) -> float:
    """Sum over slots of the best reading that is ``code`` or a parent (2/4/6 digits)."""
    total = 0.0
    for t in tables:
        total += max(t.get(code, 0.0), t.get(code[:2], 0.0), t.get(code[:4], 0.0),
                     t.get(code[:6], 0.0))
    return total


def _baotou_support(seg: list[Slot]) -> float:
    """Baotou is one region: any Baotou reading of a slot counts for it, except in slots
    after a unit named only elsewhere (昌平沙河镇: a 沙河 under 昌平, not Baotou's 沙河街道)."""
    total = 0.0
    for k, s in enumerate(seg):
        if any(_only_elsewhere(p) for p in seg[:k]):
            break
        total += max((r.weight for r in s.readings if r.code.startswith(BAOTOU)), default=0.0)
    return total


def _only_elsewhere(slot: Slot) -> bool:
    """A slot that names a province, city or county elsewhere and nothing in Baotou."""
    return bool(slot.readings) and all(
        not r.code.startswith(BAOTOU) and not BAOTOU.startswith(r.code) for r in slot.readings) \
        and any(len(r.code) <= 6 for r in slot.readings)


def _prominence(code: str) -> int:
    """Tie-break between namesakes: Inner Mongolia, then municipalities, then capitals."""
    if code[:2] == "15":
        return 3
    if code[:2] in MUNICIPALITIES:
        return 2
    return 1 if len(code) >= 4 and code[2:4] == "01" else 0


def span_role(text: str, start: int, end: int) -> str:
    """What the words around ``text[start:end]`` make of it: ``denied`` (不是土右),
    ``reference`` (离包头不远), ``origin`` (从包头…, 包头人, 呼和浩特来的车, 我是包头的,
    包头这边的亲戚) or ``place``."""
    before = text[max(0, start - 3):start]
    after = text[end:end + 2]
    if text[max(0, start - 4):start].endswith(("回老家", "回到老家", "回了老家", "在老家")):
        return "place"  # going back home: 回老家河南鹿邑县城被人打了
    if before.endswith("老家") and re.match(r"的?(?:房子|房屋|家|院子|老宅|老房子|地|家里)", text[end:end + 4]):
        return "place"  # 老家任丘的房子被人砸了: the home itself is where it happened
    if before.endswith("老家") and _event_at(text, start, end, anchored=False):
        return "place"  # 老家宁夏固原的老父亲走丢了, 老家土左察素齐镇有人偷我家牛: it happened there
    if re.match(r"老家的?(?:房子|房屋|家|院子|老宅|老房子|地|家里)", text[end:end + 6]) and \
            _event_at(text, start, end, anchored=False):
        return "place"  # 我固阳金山镇老家的房子被人撬了
    if before.endswith(("往", "向", "朝", "开往", "驶往")) and text[start:end] in ("包头", "包头市") \
            and text.startswith(("方向", "走", "开", "去"), end):
        return "reference"  # 往包头方向: the way the road runs, said from outside the city
    if before.endswith(_DENIED_BEFORE):
        return "denied"
    if before.endswith(_REFERENCE_BEFORE):
        return "reference"
    if before.endswith(_ORIGIN_BEFORE) or text.startswith(_ORIGIN_AFTER, end) or \
            (_FROM_THERE.match(text, end) and not text.startswith(_WORKS_THERE, end)) or \
            _CAME_HERE.match(text, end):
        return "origin"
    # 在包头昆区上的大巴 (boarded there), 过了土右旗 (passed through): not where it happened
    if text.startswith(("上的车", "上的大巴", "上的火车", "上车", "上的出租"), end) or \
            (before.endswith(("过了", "路过", "途经", "经过")) and not _STRUCK_THERE.match(text, end)):
        return "origin"
    # 车是在包头九原区买的: where a thing was bought or registered, not where it happened
    if text.startswith(("买的", "上的牌", "上牌", "办的", "注册的", "落的户"), end):
        return "origin"
    # 家是包头的，在集宁区开出租 / 我们一家是青山区的，来三亚旅游…: who someone is
    if after.startswith("的") and (before.endswith("家是") or _WE_ARE.search(text[max(0, start - 7):start])):
        return "origin"
    # 亲戚住包头东河区，我这边是天水…: someone else's home, the caller placed after it
    if _KIN_LIVES.search(text[max(0, start - 6):start]) and _CALLER_HERE.search(text, end):
        return "origin"
    # 在昆区上班，周末去康巴什区玩…: the daily round, then a trip to where it happened
    if text.startswith(("上班", "工作", "打工", "上学", "住"), end) and _TRIP.search(text, end):
        return "origin"
    # 我老公在固阳，我现在在集宁娘家: someone else is there; the caller says where they are now
    # (unless what happened is told between: 我对象在呼市…有个男的跟着她…，我在九原区离得远)
    caller = _NOW_AT.search(text, end) or _CALLER_HERE.search(text, end)
    if _OTHER_PERSON_BEFORE.search(text[max(0, start - 5):start]) and caller is not None and \
            not _HAPPENED.search(text, end, caller.start()):
        return "origin"
    if text[max(0, start - 4):start].endswith(_PAST_AT) and _LATER.search(text, end):
        return "origin"  # 昨天在包头跟人吵了，今天他追到乌海: where it was, not where it is
    # 我家在包头青山区，现在人在太原…: home, when the caller then says where they are now
    # (我家在昆区…，家里被盗了 stays the place).
    bare_home = start >= 1 and text[start - 1] == "住" and (start == 1 or text[start - 2] in _PAUSE)
    if (before.endswith(_HOME_BEFORE) or bare_home) and (_NOW_AT.search(text, end) or
                                          _someone_else_there(text, end)):
        return "origin"
    if _TRAVELLED.search(text, end):
        return "origin"  # 昆区一个老人坐错车到了集宁: where the journey began
    if _PERSON_AFTER.match(text, end) and not before.endswith(("在", "到", "去")):
        return "origin"
    if before.endswith(_WHO_IS) and after.startswith("的"):
        return "origin"
    if after.startswith("的") and (end + 1 == len(text) or text[end + 1] in _PAUSE) and \
            (start == 0 or _WHO_BEFORE.search(text[max(0, start - 3):start])):
        return "origin"  # 包头九原的，回老家…: a person's origin said as the opening words
    return "place"


_EVENT = re.compile(r"撞|车祸|出事|出的事|摔|被|让人|叫人|打架|打起来|骗|偷|抢|盗|砸|强占|占了|购买|买的|"
                    r"出的|着火|失火|走丢|走失|联系不上(?!我)|没声|晕倒|受伤|扣(?:住|着|下|车)|威胁|自杀|"
                    r"杀|捅|砍|跳楼|跳河|失联|不见了")
_CLAUSE_STOP = re.compile(r"[，,。！!？?；;\n]")
_AT_BEFORE = ("在", "于", "老家", "回", "回到")  # 回张北县老家后被人打了: went back, and there


def _event_at(text: str, start: int, end: int, *, anchored: bool) -> bool:
    """Whether something happens at ``text[start:end]``: an event word in its own clause
    after it. ``anchored``: the place must follow 在/于/老家, and a clause that goes on
    in the passive (…上班，被公司骗了钱) is still its clause."""
    if anchored and not text[max(0, start - 2):start].endswith(_AT_BEFORE):
        return False
    stop = _CLAUSE_STOP.search(text, end)
    clause_end = stop.start() if stop else len(text)
    if _EVENT.search(text, end, clause_end):
        return True
    if anchored and stop is not None and stop.group(0) in "，," and \
            re.match(r"(?:被|让|叫|遭)", text[clause_end + 1:clause_end + 2]):
        nxt = _CLAUSE_STOP.search(text, clause_end + 1)
        return _EVENT.search(text, clause_end + 1, nxt.start() if nxt else len(text)) is not None
    return False


def _role(text: str, seg: list[Slot]) -> str:
    """:func:`span_role` of a segment, or ``reporter`` for 我在包头 (the bare city)."""
    role = span_role(text, seg[0].start, seg[-1].end)
    if role != "place":
        return role
    own = [r.code for s in seg for r in s.readings if r.code.startswith(BAOTOU)]
    if not own and text[max(0, seg[0].start - 5):seg[0].start].endswith(_REPORTER_BEFORE) and \
            not _event_at(text, seg[0].start, seg[-1].end, anchored=False) and \
            _someone_else_there(text, seg[-1].end):
        # 我在陕西神木，我爸一个人在白云鄂博矿区住，电话三天打不通: the caller's whereabouts
        # elsewhere, someone else placed after them, and the matter is that person's.
        return "reporter"
    if own and _REPORTED_AFTER.match(text, seg[-1].end) and _NOW_AT.search(text, seg[-1].end):
        return "reporter"
    if own and text[max(0, seg[0].start - 5):seg[0].start].endswith(_REPORTER_BEFORE) and \
            _HAPPENED.search(text, 0, seg[0].start) and _AWAY_AFTER.match(text, seg[-1].end):
        # 我爸在老家朔州…没回来，我在包头青山区一时回不去: the matter told first, then
        # where the caller is, away from it
        return "reporter"
    if text[max(0, seg[0].start - 5):seg[0].start].endswith(_REPORTER_BEFORE) and own and (
            all(c == BAOTOU for c in own) or _someone_else_there(text, seg[-1].end)):
        # 我在包头: where the caller is, named only as the city; or any Baotou place when
        # someone else is then placed (我在昆区上班，我爸在老家山西河曲县摔了)
        return "reporter"
    return "place"


def _weigh_segment(seg: list[Slot]) -> tuple[float, list[tuple[float, str]]]:
    """Baotou's support and the foreign candidates, best first."""
    baotou = _baotou_support(seg)
    # A candidate is a unit some slot reads; its support comes from it and its parents
    # (湖北省 + 武汉 + 青山区 for 420107), never from siblings elsewhere in its province.
    candidates = {r.code for s in seg for r in s.readings
                  if not r.code.startswith(BAOTOU) and not BAOTOU.startswith(r.code)}
    tables = [_best_by_code(s) for s in seg]
    # The head of a chain of names frames what follows (昌平 + a 沙河镇 the records put
    # under no 昌平): between equally supported places, the one the head names.
    head = {r.code for r in seg[0].readings} if len(seg) > 1 and _only_elsewhere(seg[0]) else set()
    scored = sorted(((_support(tables, c) + (HEAD_BONUS if c in head else 0.0), c)
                     for c in candidates),
                    key=lambda t: (-t[0], -len(t[1]), -_prominence(t[1]), t[1]))
    return baotou, scored


def _lines(top: list[str]) -> list[str]:
    """The distinct lines among equally supported codes (deepest representative each)."""
    out: list[str] = []
    for c in sorted(top, key=len, reverse=True):
        if not any(o.startswith(c) for o in out):
            out.append(c)
    return out


def weigh(text: str, baotou: list[Match], nat_matches: list[NMatch], nat: National) -> Verdict:
    """Decide Baotou or elsewhere for the whole string (see the module rules)."""
    if not any(not r.unit.code.startswith(BAOTOU) for n in nat_matches for r in n.readings):
        return Verdict(False)  # nothing in the string names a place elsewhere
    slots = _slots(text, baotou, nat_matches)
    if not slots:
        return Verdict(False)
    foreign: list[tuple[float, str, list[str], list[Slot], str]] = []
    baotou_segs: list[tuple[list[Slot], str, float]] = []  # strong Baotou segments, roles
    namesakes: list[tuple[str, tuple[str, ...]]] = []
    for seg in _segments(text, slots):
        b, scored = _weigh_segment(seg)
        best = scored[0][0] if scored else 0.0
        if scored and best > b and best >= DECISIVE:
            top = [c for s, c in scored if s == best]
            lines = _lines(top)
            spread = len({c[:4] for c in lines}) > 1
            if not spread or best >= DECISIVE_SPREAD:
                ordered = sorted(lines, key=lambda c: (-len(c), -_prominence(c), c))
                foreign.append((best, ordered[0], ordered[1:], seg, _role(text, seg)))
                continue
        if b > 0:
            baotou_segs.append((seg, _role(text, seg), b))
        if b > 0 and best >= b:  # a tie: nothing in the segment tells the namesakes apart
            namesakes += _namesakes(seg, nat)
    if not foreign:
        return Verdict(False, namesakes=tuple(namesakes))
    places = [f for f in foreign if f[4] == "place"]
    if not places and any(role in ("place", "reporter") for _, role, _ in baotou_segs):
        # Elsewhere is only where someone comes from (我是山西河曲的，在东河南门外打工).
        best, code, _, _, _ = max(foreign, key=lambda f: f[0])
        return Verdict(False, other_place=nat.chain(code).label(), namesakes=tuple(namesakes))
    places = places or foreign
    best, code, others, seg, role = max(places, key=lambda f: f[0])
    for f in places:  # 呼和浩特…现在在赛罕区: a deeper unit on the same line, said apart
        if f[1].startswith(code) and len(f[1]) > len(code):
            code, others = f[1], f[2]
    code = _city_not_its_namesake_county(code, seg, places, nat)
    chain = nat.chain(code)
    # A Baotou segment that only repeats a name of the place chosen (武钢那个青山 after
    # 武汉青山区) says nothing for Baotou.
    # Nor does a namesake that also lies inside the place chosen (金山镇，甘谷县的，天水那边:
    # 甘谷县 has a 金山镇 too), which then names the place more precisely.
    own_names = [n for n in (chain.province, chain.city, chain.county, chain.town) if n]

    def inside(sg: list[Slot]) -> list[str]:
        return [r.code for s in sg for r in s.readings
                if not r.code.startswith(BAOTOU) and r.code.startswith(code)]

    baotou_roles: set[str] = set()
    for sg, seg_role, b in baotou_segs:
        if all(any(name.startswith(s.form) for name in own_names) for s in sg):
            continue
        if all(r.relative for s in sg for r in s.readings if r.code.startswith(BAOTOU)):
            continue  # 康巴什，市政府跟前: the government of the place named
        deeper = inside(sg)
        if deeper and all(any(x.code.startswith(code) for x in s.readings
                              if not x.code.startswith(BAOTOU)) for s in sg):
            if len(set(deeper)) == 1 and len(deeper[0]) > len(code):
                code = deeper[0]
                chain = nat.chain(code)
            continue
        # A Baotou community or landmark name (花园小区, weight < 4) says nothing against
        # a city and district named elsewhere at twice its weight (人在武汉青山钢都花园小区).
        if b >= STRONG_BAOTOU and not (b < 4.0 and best >= 2 * b):
            baotou_roles.add(seg_role)
    # The caller's own whereabouts given as the bare city (我在包头，我妈在东胜区出车祸了)
    # do not place the matter named elsewhere.
    baotou_roles.discard("reporter")
    # Something happened *at* the place elsewhere (在大同市平城区撞了人, 在海拉尔的家里摔倒了)
    # while nothing happens in the clause of any Baotou place (我在青山区上班, 暂住东河区):
    # the Baotou places are where people live or work, not where the matter is.
    if "place" in baotou_roles and _event_at(text, seg[0].start, seg[-1].end, anchored=True) \
            and not any(_event_at(text, sg[0].start, sg[-1].end, anchored=False)
                        for sg, seg_role, _ in baotou_segs if seg_role == "place"):
        baotou_roles = {"origin"}
    # A Baotou unit named on its own wins, unless it is only where someone comes from,
    # a reference point or denied (包头人在武汉青山区被打, 离包头就隔一条黄河, 不是土右) and
    # the place elsewhere is not.
    if "place" in baotou_roles or (baotou_roles and role != "place"):
        return Verdict(False, other_place=chain.label(), namesakes=tuple(namesakes))
    labels = []
    for s in seg:
        _, r = _slot_support(s, code)
        if r is not None:
            labels.append(r.label)
    alternatives = tuple(nat.chain(c).label() for c in others[:_MAX_ALTERNATIVES])
    return Verdict(True, code, chain, best, alternatives, tuple(dict.fromkeys(labels)))


def _city_not_its_namesake_county(code: str, seg: list[Slot],
                                  places: list[tuple[float, str, list[str], list[Slot], str]],
                                  nat: National) -> str:
    """南昌 alone is the city, not 南昌县 (a county named after its city); with another
    county of that city named (青山湖区，南昌的), that county."""
    unit = nat.units.get(code)
    city = nat.units.get(code[:4]) if len(code) == 6 else None
    if unit is None or city is None:
        return code
    stem = city.name.removesuffix("市")
    if not unit.name.startswith(stem) or not any(s.form == stem for s in seg):
        return code
    named = [f[1] for f in places if f[1] != code and f[1].startswith(city.code)
             and len(f[1]) >= 6]
    return named[0] if named else city.code


def _namesakes(seg: list[Slot], nat: National) -> list[tuple[str, tuple[str, ...]]]:
    """Forms read in Baotou that name places elsewhere just as strongly (青山区, 金山镇)."""
    out = []
    for s in seg:
        own = max((r.weight for r in s.readings if r.code.startswith(BAOTOU)), default=0.0)
        if own <= 0:
            continue
        away = [r.code for r in s.readings
                if not r.code.startswith(BAOTOU) and r.weight >= own and len(r.code) >= 6]
        if away:
            places = tuple(nat.chain(c).label() for c in sorted(away)[:_MAX_ALTERNATIVES])
            more = ("…",) if len(away) > _MAX_ALTERNATIVES else ()
            out.append((s.form, places + more))
    return out
