"""What a report is about, for telling one event from another: event signatures and the
words that carry content.

Two calls from the same block five minutes apart may be one fire told twice, or a fire
and a complaint about a street lamp. Place and time cannot tell them apart; the texts
can. This module reads two things from a text:

* **Event signatures**: the kind of thing that happened (``fire``, ``collision``,
  ``street_lamp`` …), from a small table of phrases (:data:`SIGNATURES`). Two reports
  whose signatures are disjoint describe different events and are never merged
  automatically. A shared signature is evidence of one event in proportion to how rare
  such events are: two building fires in one neighbourhood within half an hour are rare
  (``rare``), two collisions on one avenue are not.
* **Content bigrams**: the text's character bigrams without the call-taker's lines
  (``接警员：…``) and without the formulas nearly every report contains (``喂``, ``你好``,
  ``请求出警``: ``data/formulas.txt``), so that two transcripts do not look alike for their
  greetings. :func:`similarity` is the overlap coefficient of those sets: a short report
  contained in a long one scores high.

Everything here is pure and cheap (a few regular-expression scans per report).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Signature:
    """One kind of event: its code, whether such events are rare enough that sharing it is
    strong evidence of one event, and the family of kinds one event can show together
    (a gas explosion that starts a fire)."""

    code: str
    rare: bool
    family: str
    pattern: re.Pattern[str]
    personal: bool = False


def _sig(code: str, rare: bool, family: str, *phrases: str) -> Signature:
    return Signature(code, rare, family, re.compile("|".join(phrases)))


def _own(code: str, family: str, *phrases: str) -> Signature:
    """A caller's own trouble (locked out, something lost): two callers are two people."""
    return Signature(code, False, family, re.compile("|".join(phrases)), personal=True)


# Phrases of each kind of event. Consequences (someone hurt, trapped, unconscious) are not
# signatures: any event can have them. Order does not matter.
SIGNATURES: tuple[Signature, ...] = (
    _sig("fire", True, "fire", "着火", "着了火", "起火", "失火", "火灾", "冒烟", "冒黑烟", "浓烟",
         "黑烟", "烟雾", "全是烟", "烟很大", "烟特别大", "好大的烟", "大烟", "火苗", "火光",
         "烧起来", "燃起来", "烧着了", "明火", "火势", "冒火", "着起来"),
    _sig("gas", True, "fire", "煤气(?!费|卡|灶具)", "燃气(?!费|卡|公司)", "(?<!没有)(?<!没)天然气(?!费|卡)",
         "液化气", "煤烟", "一氧化碳"),
    _sig("explosion", True, "fire", "爆炸", "炸了", "爆燃", "巨响"),
    _sig("collapse", True, "fire", "坍塌", "倒塌", "塌了", "塌方", "垮了"),
    _sig("flood", True, "water", "积水", "淹了", "被淹", "淹没", "进水", "山洪", "洪水", "水漫",
         "冲走"),
    _sig("drowning", True, "water", "落水", "掉河里", "掉水里", "溺水", "冰面", "冰窟窿", "掉进冰"),
    _sig("pileup", True, "traffic", "连环撞", "连环追尾", "多车追尾", "好几辆车撞", "几辆车撞",
         "好几辆车追尾", "连撞"),
    _sig("brawl", True, "violence", "群殴", "两伙人", "一群人打", "好几个人打", "十几个人打",
         "一帮人打", "聚众斗殴", "围殴"),
    _sig("collision", False, "traffic", "撞(?!见)", "追尾", "车祸", "翻车", "侧翻", "剐蹭", "刮了",
         "刮倒", "碰了", "压住"),
    _sig("bad_driving", False, "traffic_violation", "酒驾", "醉驾", "飙车", "闯红灯", "闯了好几个红灯",
         "逆行", "蛇形", "超速"),
    _sig("blocking", False, "traffic_block", "横在", "堵住了路", "占道", "抛锚", "趴窝", "没放三角"),
    _sig("fight", False, "violence", "打架", "斗殴", "群殴", "互殴", "打起来", "打人", "动手了",
         "砍", "捅", "持刀", "拿刀", "拿着刀"),
    _sig("theft", False, "theft", "(?<!小)偷(?!笑|懒)", "被盗", "盗窃", "扒窃", "撬", "小偷"),
    _sig("fraud", False, "fraud", "骗", "诈骗", "刷单", "转账"),
    _sig("noise", False, "noise", "噪音", "扰民", "唱歌", "音响", "太吵"),
    _sig("street_lamp", False, "utility", "路灯"),
    _sig("parking_fee", False, "parking", "停车费", "乱收费", "收停车"),
    _sig("outage", False, "utility_outage", "停水", "停电", "停气", "没有天然气", "没天然气",
         "没水", "没电"),
    _sig("heating", False, "heating", "暖气", "供暖", "供热"),
    _sig("road_damage", False, "road", "井盖", "坑洼", "路面塌", "大坑"),
    _own("lost_item", "lost", "丢了", "落在", "遗失", "掉了", "捡到", "找不着了"),
    _own("tenancy", "tenancy", "房东", "中介", "押金", "房租", "退租"),
    # The caller is a party to a family quarrel: two such calls are two families.
    _own("family", "family", "(?:我|其)(?:和|跟|与)(?:我|其)?(?:的)?(?:媳妇|老婆|老公|丈夫|妻子|儿子|女儿|"
         "闺女|兄弟|爸|妈|父母|对象)", "(?:我|其)家(?:兄弟|姐妹)"),
    # Animals loose or in trouble: a dog and a sheep are two animals.
    _sig("dog", False, "dog", "狗"),
    _sig("cat", False, "cat", "猫"),
    _sig("livestock", False, "livestock", "羊", "牛(?!奶|肉)", "马(?!路|上|桶|达)", "猪(?!肉)"),
    _own("locked_out", "locked", "锁屋里", "锁里面", "门打不开", "进不去家", "钥匙"),
    _sig("wage", False, "wage", "工钱", "工资", "欠薪", "包工头"),
)
_BY_CODE: Mapping[str, Signature] = {s.code: s for s in SIGNATURES}

# A call-taker's line in a transcript; its words are the centre's, not the caller's.
_TAKER_LINE = re.compile(r"^(?:接警员|接线员|话务员)[：:].*$", re.MULTILINE)
_SPEAKER = re.compile(r"^(?:报(?:警|jing|jin)人|来电人|求助人)[：:]", re.MULTILINE)
_NOT_CONTENT = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]+")


@lru_cache(maxsize=4096)
def signatures(text: str) -> frozenset[str]:
    """The event signatures a text shows (codes of :data:`SIGNATURES`)."""
    return frozenset(s.code for s in SIGNATURES if s.pattern.search(text))


def relation(a: Iterable[str], b: Iterable[str]) -> str:
    """How two sets of signatures relate: ``rare`` (they share a rare kind), ``personal``
    (they share a caller's own trouble: two lock-outs are two people), ``shared`` (they
    share a common kind, or a family), ``unknown`` (either has none), or ``different``
    (both name kinds of events and no family is shared)."""
    x, y = frozenset(a), frozenset(b)
    if not x or not y:
        return "unknown"
    common = x & y
    if any(_BY_CODE[c].rare for c in common):
        return "rare"
    if any(_BY_CODE[c].personal for c in common):
        return "personal"
    if common:
        return "shared"
    fx, fy = {_BY_CODE[c].family for c in x}, {_BY_CODE[c].family for c in y}
    return "shared" if fx & fy else "different"


@lru_cache(maxsize=1)
def _formulas() -> re.Pattern[str]:
    """Greetings, pleas, fillers and record formulas (``data/formulas.txt``)."""
    text = resources.files("dispatch.domain.data").joinpath("formulas.txt").read_text(
        encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("#")]
    return re.compile("|".join(sorted(lines, key=len, reverse=True)))


# Where it is, which the comparison of places already weighs: a run of up to ten
# characters ending in a place word (包头青山区, 人民政府北门, 振华社区17栋, 这儿).
_PLACE = re.compile(
    r"[\u4e00-\u9fff0-9]{0,10}?(?:社区|小区|街道|街坊|大街|号楼|单元|区|旗|县|镇|乡|村|路|街|"
    r"巷|栋|室|组|门口|北门|南门|东门|西门|附近|旁边|对面|这边|这儿|这块儿|那边|那儿)")


def caller_words(text: str) -> str:
    """The caller's words: a transcript without the call-taker's lines and speaker tags."""
    return _SPEAKER.sub("", _TAKER_LINE.sub("", text))


@lru_cache(maxsize=4096)
def content_bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the caller's words, without punctuation, formulas and place
    names (the distance weighs the place)."""
    parts = _NOT_CONTENT.split(_formulas().sub("，", _PLACE.sub("，", caller_words(text))))
    return frozenset(a + b for part in parts for a, b in itertools.pairwise(part))


def similarity(a: str, b: str) -> float:
    """Overlap coefficient of two texts' content bigrams (0–1)."""
    x, y = content_bigrams(a), content_bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))
