"""The person at risk: ages, gender, height, clothing, distinguishing features and
health conditions, as the missing-person workflow reads them.

Every extractor reads folded text (same length as the original) and returns plain
JSON-ready values. The words for garments, colours, marks, builds and people come from
``triage.appearance``, the vocabulary the missing-person case parser reads cases with. The reporter is not the person at risk: ``我是他奶奶`` does not make
the missing child elderly or female.
"""

from __future__ import annotations

import re
from typing import Any

from triage.appearance import PEOPLE, RELATIVES, build_code, read_garments, read_marks
from triage.numerals import NUMERAL_CHARS, parse_number

_NUM = rf"(?:\d+(?:\.\d+)?|[{NUMERAL_CHARS}]+)"

_SUFFIX = r"(?P<more>多|来|出头|几)?(?:岁|周岁)(?P<about>左右|上下|多)?"
_AGE = re.compile(
    rf"(?<![老第])(?P<a>{_NUM})(?:(?P<sep>[到至~\-—])(?P<b>{_NUM}))?{_SUFFIX}"
    rf"|(?P<dec>[一二三四五六七八九]十|[1-9]0)(?P<decmore>多岁|来岁|出头|多了|好几|多(?=[，,。、；;\s的]|$))"
    rf"|(?P<pair>[一二三四五六七八九]{{2}}十|(?:[二三四五六七八九]?十)[一二三四五六七八九]{{2}})"
    rf"(?=了|左右|上下|的样子|[，,。；;])"
)
_AGE_RANGE: dict[str, tuple[int, int]] = {
    word: (low, high) for word, _, low, high in PEOPLE if low is not None and high is not None
}
_WORDS = frozenset(_AGE_RANGE)
_AGE_WORD = re.compile("|".join(sorted(_WORDS, key=len, reverse=True)))
_REPORTER = re.compile(r"我是(?:他|她|孩子|老人)?的?$|本人是$")
# A word for a relative of the subject, not the subject: 找孙子, 等她儿子, 她老头子, 去奶奶家.
_RELATION = re.compile(r"(?:找|等|喊|接|叫|问|想|要|去|回|见|看见)(?:她|他)?(?:的)?$|(?:她|他)(?:的)?$")

_GENDER_OF = {word: gender for word, gender, _, _ in PEOPLE if gender} | dict(RELATIVES)
_MALE = tuple(w for w, g in _GENDER_OF.items() if g == "male")
_FEMALE = tuple(w for w, g in _GENDER_OF.items() if g == "female")
_GENDER = re.compile("|".join(sorted(_GENDER_OF, key=len, reverse=True)))
_PRONOUN = re.compile(r"(?<![其])(?P<p>她|他)(?!们)")

_HEIGHT = re.compile(
    rf"(?:身高|个子|个头|大约|大概|约)?(?:(?P<m>[一1])(?:米|m)(?P<cm>[{NUMERAL_CHARS}\d]{{1,2}})?"
    rf"|(?P<dec>1\.\d{{1,2}})(?:米|m)|(?P<abs>1\d\d)(?:厘米|公分|cm))(?:左右|上下)?"
)
_CONDITIONS: tuple[tuple[str, str], ...] = (
    (
        (
            "老年痴呆|痴呆|阿尔茨海默|老糊涂|认不得人|认不出人|失智|记忆力不好|记性不好|"
            "脑子不清楚|糊涂了|脑萎缩|认知障碍|脑子有点糊涂|有点糊涂|脑子糊涂|脑子不好使"
        ),
        "dementia",
    ),
    ("精神病|精神疾病|精神分裂|精神不正常|精神有问题|躁狂|精神障碍|双相|神经病", "mental_illness"),
    ("抑郁", "depression"),
    (
        (
            "吃药|服药|降压药|胰岛素|没带药|断药|药没带|心脏病|糖尿病|高血压|癫痫|手术|刚出院|"
            "病重|身体不好"
        ),
        "medication",
    ),
    ("自杀|轻生|不想活|想死|跳楼|遗书|寻死|割腕|想不开|活着没意思|结束生命", "suicidal"),
    (
        (
            "残疾|聋哑|智力障碍|智障|智力低下|自闭症|脑瘫|坐轮椅|盲人|看不见|听不见|不会说话|"
            "腿脚不好|走路不稳|走路都不太稳|行动不便|拄拐"
        ),
        "disability",
    ),
)
_CONDITION_RES = tuple((re.compile(p), code) for p, code in _CONDITIONS)
_CONDITION_NEGATED = re.compile(r"(?:无|没有|没|否认|不是)[^，。,]{0,2}$")


def reporter_at(text: str, start: int) -> bool:
    """Return True when the word at ``start`` describes the reporter (``我是他奶奶``)."""
    return _REPORTER.search(text[max(0, start - 6) : start]) is not None


def extract_ages(text: str) -> list[dict[str, Any]]:
    """Ages like ``8岁``, ``七十多岁``, ``十二三岁``, ``六十来岁``, ``七十多，`` and words like
    ``老人`` or ``学生娃``.

    Numeric ages come first, then age words (``老人`` = 60-100), each in text order; the
    reporter's own role (``我是他奶奶``) and the subject's relatives (``找孙子``) are skipped.
    ``X来岁`` is about X (X to X+4; 十来岁 is 8-12), ``X多岁`` X to X+9, ``X出头`` X to X+3.
    """
    found: list[tuple[int, dict[str, Any]]] = []
    for m in _AGE.finditer(text):
        if reporter_at(text, m.start()):
            continue
        if m.group("pair"):
            pair = _numeral_range(m.group("pair"))
            if pair is not None:
                found.append((m.start(), {"text": m.group(0), "min": pair[0], "max": pair[1]}))
            continue
        if m.group("dec"):
            low = parse_number(m.group("dec"))
            if low is not None:
                span = _approx(int(low), m.group("decmore")[:1] if m.group("decmore") else "多")
                found.append((m.start(), {"text": m.group(0), "min": span[0], "max": span[1]}))
            continue
        pair = _numeral_range(m.group("a"))
        if pair is not None:
            found.append((m.start(), {"text": m.group(0), "min": pair[0], "max": pair[1]}))
            continue
        a = parse_number(m.group("a"))
        if a is None or a > 120:
            continue
        b = parse_number(m.group("b")) if m.group("b") else None
        low, high = int(a), int(b if b is not None else a)
        if m.group("more") or m.group("about") == "多":
            low, high = _approx(low, m.group("more") or "多")
        elif m.group("about"):
            low, high = max(0, low - 2), high + 2
        found.append((m.start(), {"text": m.group(0), "min": low, "max": max(low, high)}))
    seen: set[str] = set()
    for m in _AGE_WORD.finditer(text):
        word = m.group(0)
        if word in seen or reporter_at(text, m.start()) or _relation_at(text, m.start()):
            continue
        seen.add(word)
        low, high = _AGE_RANGE[word]
        found.append((m.start(), {"text": word, "min": low, "max": high}))
    # Numbers first (the subject's age is usually the number), then words, each in text order.
    return [age for _, age in sorted(found, key=lambda pair: (pair[1]["text"] in _WORDS, pair[0]))]


def _approx(low: int, how: str) -> tuple[int, int]:
    """The span of an approximate age: 多 (70多: 70-79, 8多: 8-9), 来 (about), 出头, 几."""
    if how == "来":
        return (8, 12) if low == 10 else (low, low + 4)
    if how == "出":
        return low, low + 3
    if how == "几":
        return (11, 19) if low == 10 else (low + 1, low + 9)
    return low, low + (9 if low % 10 == 0 and low >= 10 else 1)


def _relation_at(text: str, start: int) -> bool:
    """The word at ``start`` names someone the subject looks for or belongs to (找孙子)."""
    return _RELATION.search(text[max(0, start - 3) : start]) is not None


_PAIR_TENS = re.compile(r"^([一二三四五六七八九])([一二三四五六七八九])十$")
_PAIR_UNITS = re.compile(
    r"^((?:[二三四五六七八九]?十)?)([一二三四五六七八九])([一二三四五六七八九])$"
)
_CN_DIGIT = "一二三四五六七八九"


def _numeral_range(token: str) -> tuple[int, int] | None:
    """Approximate ages written as two adjacent numerals: 七八十 -> 70-89, 十二三 -> 12-13."""
    token = token.replace("两", "二")
    m = _PAIR_TENS.match(token)
    if m:
        a, b = _CN_DIGIT.index(m.group(1)) + 1, _CN_DIGIT.index(m.group(2)) + 1
        return (a * 10, b * 10 + 9) if b == a + 1 else None
    m = _PAIR_UNITS.match(token)
    if m:
        a, b = _CN_DIGIT.index(m.group(2)) + 1, _CN_DIGIT.index(m.group(3)) + 1
        base = int(parse_number(m.group(1)) or 0) if m.group(1) else 0
        return (base + a, base + b) if b == a + 1 else None
    return None


def extract_gender(text: str) -> str | None:
    """``"male"``/``"female"`` for the person at risk, else ``None``.

    Words for people (老汉, 大姐, 小伙子 …) and relatives count, except the reporter's role
    (我是他奶奶) and the relatives the subject speaks of (等她儿子, 找孙子). A child or an
    old person named anywhere is the one at risk (一个男的带着个小姑娘 → female); else the
    first person named; with no such word, the first pronoun decides (问她 → female).
    """
    first: str | None = None
    for m in _GENDER.finditer(text):
        if reporter_at(text, m.start()) or _relation_at(text, m.start()):
            continue
        word = m.group(0)
        low, high = _AGE_RANGE.get(word, (None, None))
        if (high is not None and high <= 25) or (low is not None and low >= 60):
            return _GENDER_OF[word]  # a child or an old person is the one at risk
        first = first or _GENDER_OF[word]
    if first is not None:
        return first
    pronoun = _PRONOUN.search(text)
    if pronoun is None:
        return None
    return "female" if pronoun.group("p") == "她" else "male"


def extract_height(text: str) -> dict[str, int] | None:
    """Height such as ``一米七``, ``1米75``, ``1.7米``, ``170厘米`` as ``{min, max}`` cm."""
    m = _HEIGHT.search(text) if ("米" in text or "cm" in text or "公分" in text) else None
    if m is None:
        return None
    if m.group("abs"):
        cm = int(m.group("abs"))
    elif m.group("dec"):
        cm = round(float(m.group("dec")) * 100)
    else:
        rest = m.group("cm")
        extra = parse_number(rest) if rest else 0.0
        if extra is None:
            return None
        cm = 100 + int(extra * 10 if extra < 10 and rest and len(rest) == 1 else extra)
    if not 50 <= cm <= 230:
        return None
    if "左右" in m.group(0) or "上下" in m.group(0):
        return {"min": cm - 3, "max": cm + 3}
    return {"min": cm, "max": cm}


def extract_clothing(text: str) -> list[dict[str, str | None]]:
    """Garments and accessories with the colour said before them, in text order:
    ``红色羽绒服`` -> ``{"text", "colour": "红", "item": "羽绒服"}``; ``戴个雷锋帽`` has no
    colour. The words are kept as typed; ``triage.appearance`` maps them to codes."""
    return [
        {"text": g.text, "colour": g.colour_word, "item": g.item_word}
        for g in read_garments(text)
        if g.colour or g.item != "top"  # 衣服 with no colour says nothing
    ]


def extract_features(text: str) -> list[str]:
    """Distinguishing features, aids, habits and accents as phrased, in text order, unique;
    a mark said to be absent keeps its negation (``没戴眼镜``)."""
    return list(read_marks(text).phrases)


def extract_build(text: str) -> str | None:
    """Body build of the person: ``slim``, ``medium`` or ``heavy`` (胖胖的, 很瘦)."""
    return build_code(text)


_STAY = re.compile(
    rf"(?:站|坐|待|呆|转|转悠|走|躺|蹲|趴|等|哭|徘徊|溜达|晃悠|晃|在这|在那|在这儿|在门口|在店里)了?"
    rf"(?P<almost>快|近|将近|大概|差不多|得有|足足|有)?"
    rf"(?P<n>半|\d+|[{NUMERAL_CHARS}]+)(?P<more>多)?个?(?P<more2>多)?(?P<half>半)?(?P<unit>小时|钟头|分钟)"
)
_CLOCK = re.compile(
    r"(?P<day>今天|今早|今晚|昨天|昨晚|昨夜|前天)?(?:的)?"
    r"(?P<part>早上|早晨|上午|中午|下午|傍晚|晚上|夜里|半夜|凌晨)?"
    rf"(?P<h>\d{{1,2}}|[一二两三四五六七八九十]{{1,3}})点(?P<m>半|一刻|三刻|\d{{1,2}}分?|[{NUMERAL_CHARS}]{{1,3}}分|多|左右)?"
)
_STILL_THERE = re.compile(r"现在还在|现在(?:就)?在|还在(?:这|那|门口|店里|我们)|正在|这会儿|此刻|人还在")


def extract_seen(text: str) -> dict[str, Any]:
    """When the caller saw the person, as the words say.

    Returns:
        ``{"for_minutes": n | None, "clock": [{"text", "hour", "minute", "day"}],
        "still_there": bool}``: how long the person has been where they are (``在这站了快半个
        小时了`` → 27), the clock times mentioned (24-hour; ``day`` 0 today, −1 yesterday,
        ``None`` when not said) and whether they are there now.
    """
    minutes = None
    for m in _STAY.finditer(text):
        n = 0.5 if m.group("n") == "半" else parse_number(m.group("n"))
        if n is None:
            continue
        per = 1 if m.group("unit") == "分钟" else 60
        value = n * per + (0.5 * per if m.group("half") else 0) + (0.25 * per if m.group("more") or m.group("more2") else 0)
        if m.group("almost") in ("快", "近", "将近"):
            value *= 0.9
        minutes = max(minutes or 0, int(value))
    clock = []
    for m in _CLOCK.finditer(text):
        hour = parse_number(m.group("h"))
        if hour is None or not 0 <= hour <= 24:
            continue
        h, part, day = int(hour), m.group("part"), m.group("day")
        evening = part in ("下午", "傍晚", "晚上") or day in ("昨晚", "今晚", "昨夜")
        if (evening and h < 12) or (part in ("夜里", "半夜") and 6 < h < 12) \
                or (part == "中午" and h < 3):
            h += 12
        h %= 24
        minute = {"半": 30, "一刻": 15, "三刻": 45, "多": 15, "左右": 0, None: 0}.get(m.group("m"))
        if minute is None:
            number = parse_number(m.group("m").rstrip("分"))
            minute = int(number) if number is not None and 0 <= number < 60 else 0
        offset = None if day is None else -2 if day == "前天" else -1 if day.startswith("昨") else 0
        clock.append({"text": m.group(0), "hour": h, "minute": minute, "day": offset,
                      "part": part is not None or day is not None})
    return {"for_minutes": minutes, "clock": clock,
            "still_there": _STILL_THERE.search(text) is not None}


# How the person may have travelled, from the words of a case or a sighting. A vehicle the
# caller drives (我是开出租的) is the subject's only when the subject rides in it (车上有个).
_MODES: tuple[tuple[str, str], ...] = (
    ("bus", r"公交|坐车坐过|坐错车|坐过站|坐反"),
    ("coach", (r"客运站|汽车站|长途|大巴|班车|候车|售票|出站口|进站口|火车|高铁|动车|包头站|东站|"
              r"(?:从|是)(?:固阳|白云|达茂|石拐|土右|萨拉齐|百灵庙|九原|呼市|呼和浩特|鄂尔多斯|市区|外地)(?:那边)?(?:来|过来)|"
              r"(?:去|到)(?:包头市区|市区|呼市|呼和浩特|北京|鄂尔多斯)|下的.{0,6}车")),
    ("car", (r"开车|开(?:着|了)?一辆|开着|驾车|自驾|打车|打的|出租车|网约车|的士|搭车|拦车|被人带走|"
            r"车里|轿车|捷达|哈弗|面包车|私家车")),
    ("bike", r"自行车|单车|骑车|山地车|二八车"),
    ("ebike", r"电动车|电瓶车|摩托"),
)
_MODE_RES = tuple((mode, re.compile(p)) for mode, p in _MODES)
_CALLER_VEHICLE = re.compile(r"我(?:是|们是)?(?:开|骑|坐)(?P<v>公交|出租|网约车|大车|车|货车|电动车|摩托)")
_RIDES_WITH_CALLER = re.compile(r"车上(?:有|一)|拉了(?:一)?个|坐到这|不下车|上车|下车")


def travel_modes(text: str) -> list[str]:
    """Modes of travel the words suggest for the person (``bus``, ``coach``, ``car``,
    ``bike``, ``ebike``), in a fixed order; walking is always possible and not listed."""
    caller = [m.span() for m in _CALLER_VEHICLE.finditer(text)]
    modes: list[str] = []
    for mode, pattern in _MODE_RES:
        for m in pattern.finditer(text):
            if any(lo <= m.start() < hi for lo, hi in caller):
                continue
            modes.append(mode)
            break
    for m in _CALLER_VEHICLE.finditer(text):
        if _RIDES_WITH_CALLER.search(text, m.end()):
            v = m.group("v")
            modes.append("bus" if v == "公交" else "ebike" if v in ("电动车", "摩托") else "car")
    return [mode for mode, _ in _MODES if mode in modes]


def extract_conditions(text: str) -> list[str]:
    """Condition codes among dementia, mental_illness, depression, medication, suicidal,
    disability."""
    codes: list[str] = []
    for pattern, code in _CONDITION_RES:
        for m in pattern.finditer(text):
            if not _CONDITION_NEGATED.search(text[max(0, m.start() - 4) : m.start()]):
                codes.append(code)
                break
    return codes
