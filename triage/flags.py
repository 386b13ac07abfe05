"""Decide the risk flags from lexicon hits, patterns, extracted facts and the category."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from triage.codes import NON_DISPATCH
from triage.context import is_negated, is_past
from triage.cues import Hit, Scan
from triage.extract import reporter_at
from triage.lexicon import FAMILY_TERMS, VIOLENCE_TERMS
from triage.numerals import NUMERAL_CHARS
from triage.result import Cue

# "It is happening now": explicit progressive forms, calls for help, live danger scenes.
LIVE = re.compile(
    r"正在|正往|还在|一直在|仍在|快来|快点来|赶紧来|赶快来|快过来|马上来|快派|赶紧派|快救|救命|"
    r"(?<!打不)(?<!点不)(?<!打)着火了|起火了|烧起来了|冒烟了|打起来了|动起手来|要打起来|开始(?:互相)?(?:打|扔|砸|动手|推|扯)|拉不住|拉不开|劝不住|哭喊|拿着(?:刀|棍|枪|斧|锤|砖|铁|钢|扳手|菜刀)|"
    r"拿出(?:了)?(?:刀|菜刀|扳手|棍|枪|斧)|拿了菜刀|追着|此刻|这会儿|眼下|正.{0,4}(?:驶离|逃|跑|开)|"
    r"在[^，。,!！？?]{0,6}(?:翻东西|偷东西|撬门|撬锁|砸门|砍门|踹门|撞门|砸车|打人|砍人|打架|闹事)|"
    r"躲在|藏在|"
    # 在烧烤店, 在打工, 在拉面馆 name a place or an errand, not a scene.
    r"[在正](?:打(?!工|电话|麻将|牌|游戏|球|针|车|扑克|听)|砸|闹|撬|追|烧(?!烤|饼|麦|纸|香|水|饭|菜)|冒烟|喊|踹|翻|拽|拖|抢|偷|扭打|推搡|拆|剪|卸|搬|拉(?!面|萨|链|货|客|肚子)|捅|砍|抡|踢|扎)|"
    r"打得很[凶狠]|围着[^，。,]{0,6}(?:打|踢|揍)|"
    r"往死里打|推起来|推推搡搡|有人(?:在)?打架|对峙着|(?:屋|房|卧室|里)(?:面|头)?(?:里)?(?:好像|似乎)?还有(?:动静|人|声音|响动)|不然(?:就)?要打(?:大|起来)|按在地上打|"
    r"站在[^，。,]{0,4}(?:楼顶|天台|窗台|栏杆|护栏|桥|阳台|边上|外面)|"
    r"坐在[^，。,]{0,4}(?:楼顶|天台|窗台|栏杆|护栏|桥|阳台|边上|外面)|要跳|往下跳|"
    r"还没走|还没跑|没走远|正冒|越来越大|现在还|现在正|火势|浓烟滚滚|冒出|冒着|在冒|被困在|困在|"
    r"喘不上气|出不来|摇摆行驶|在后面跟着|开得飞快|在跟我(?:说话|通话|视频)|还在通话|别挂电话|"
    r"淹到|抛锚在(?:路中间|快车道|路口|马路上)|坏在(?:路中间|快车道|路口|马路上)|停在(?:路中间|快车道|路口|马路上)|挡着|堵着|在路上(?:飙车|逆行)|"
    r"我们?(?:现在)?(?:就)?在(?:旁边|远处|楼下|现场|对面|门外)|help|jiu ming|kuai lai"
)
# Weak live words that do not survive a past or just-happened marker.
_WEAK = frozenset({"还在", "一直在", "这会儿", "眼下", "此刻", "现在还", "有人打架", "有人在打架"})
_NOW_AGAINST_JUST = frozenset({"现在还"})
_JUST_PAST = re.compile(r"刚才|刚刚|已经|跑了|走了|人没了")
# A tool is a weapon only when someone wields it (``拿着钢管``, not ``钢管翘起来了``).
WIELDED = re.compile(
    r"(?:拿|拿着|抡|抡起|举着|挥|挥着|掏出|拎着|提着|用|操起|抄起|拿出|拿了)[^，。,]{0,2}"
    r"(?:棍|棒|钢管|铁管|砖|斧|锤|扳手|铁锹|镰刀|剪刀|铁链|酒瓶|啤酒瓶|石头|榔头|擀面杖|烟灰缸|皮带)"
    r"|(?:酒瓶|瓶子|砖头|板砖|钢管|铁棍|棍子|石头)(?:子)?(?:砸|打|拍)"
)
SENSITIVE = re.compile(
    r"(?:几十|数十|上百|数百|一百多|好几十|几百|三四十|三十余|三十多|四五十)(?:个|名|位|多)?"
    r"(?:人|业主|工人|村民|学生|农民工|家长|群众)"
)
_PLACE_AFTER = re.compile(r"[^，。,]{0,1}(?:附近|门口|旁边|对面|那边|那块)")
_PLAN = re.compile(r"准备|打算|计划|要去|扬言要去")
_DV_WINDOW = 24
_FAMILY = re.compile("|".join(sorted(FAMILY_TERMS, key=len, reverse=True)))
_VIOLENCE = re.compile("|".join(sorted(VIOLENCE_TERMS, key=len, reverse=True)))
# The attacker is not family (``父亲被邻居殴打``).
_OUTSIDER = re.compile(r"被(?:邻居|同事|陌生|路人|别人|几个|一个|保安|老师|同学|社会)")
Keep = Callable[[str, list[Cue]], None]


def decide_flags(
    scan: Scan, category: str, extracted: Mapping[str, Any]
) -> tuple[tuple[str, ...], list[Cue]]:
    """Return the sorted flags and the cues that set them.

    Args:
        scan: lexicon hits for the text.
        category: the decided category (consultation/non_police carry no risk flags).
        extracted: facts from :func:`triage.extract.extract_all`.

    Returns:
        ``(flags, cues)``.
    """
    if category in NON_DISPATCH:
        return (), []
    text = scan.text
    flag_hits: dict[str, list[Hit]] = {}
    for hit in scan.hits:
        if hit.kind == "flag" and hit.counts:
            if hit.code in ("minor", "elderly") and reporter_at(text, hit.start):
                continue
            if hit.code == "minor" and (
                text[max(0, hit.start - 1) : hit.start] == "大"  # 大学生 is an adult
                or _PLACE_AFTER.match(text, hit.end)  # 幼儿园附近 is a place
            ):
                continue
            flag_hits.setdefault(hit.code, []).append(hit)
    flags: set[str] = set()
    cues: list[Cue] = []

    def keep(flag: str, new: list[Cue]) -> None:
        flags.add(flag)
        cues.extend(new[:2])

    def hit_cues(flag: str) -> list[Cue]:
        return [Cue(h.phrase, (h.start, h.end), f"flag:{flag}") for h in flag_hits.get(flag, [])]

    for flag in ("weapon", "injury", "sensitive"):
        if flag in flag_hits:
            keep(flag, hit_cues(flag))
    _pattern_flag(scan, WIELDED, "weapon", keep)
    if not _PLAN.search(text):
        _pattern_flag(scan, SENSITIVE, "sensitive", keep)
    _minor_elderly(flag_hits, extracted, keep, hit_cues)
    _in_progress(scan, keep, strong_only=category == "missing_person")
    dv = _domestic_violence(scan)
    if dv is not None and category in ("violent_crime", "public_order", "dispute", "self_harm"):
        keep("domestic_violence", [dv])
    return tuple(sorted(flags)), cues


def _pattern_flag(scan: Scan, pattern: re.Pattern[str], flag: str, keep: Keep) -> None:
    """Set ``flag`` from the first counted (not negated, not reported) pattern match."""
    for m in pattern.finditer(scan.text):
        if not is_negated(scan.text, m.start()) and not scan.context.is_reported(m.start()):
            keep(flag, [Cue(m.group(0), m.span(), f"flag:{flag}")])
            return


def _in_progress(scan: Scan, keep: Keep, strong_only: bool) -> None:
    """``in_progress`` from live patterns; weak ones yield to a past or just-happened marker
    (and never count for a missing person, whose absence is ongoing by definition)."""
    text = scan.text
    dated = is_past(text)
    past = dated or _JUST_PAST.search(text) is not None
    for m in LIVE.finditer(text):
        if scan.context.is_reported(m.start()) or is_negated(text, m.start()):
            continue
        # 刚才…现在还在这儿: "now" said against "just now" is still going on.
        weak_past = dated if m.group(0) in _NOW_AGAINST_JUST else past
        if m.group(0) in _WEAK and (weak_past or strong_only):
            continue
        keep("in_progress", [Cue(m.group(0), m.span(), "flag:in_progress")])
        return


def _minor_elderly(
    flag_hits: dict[str, list[Hit]],
    extracted: Mapping[str, Any],
    keep: Keep,
    hit_cues: Callable[[str], list[Cue]],
) -> None:
    """Set ``minor``/``elderly`` from words and the numeric ages of the person at risk."""
    numeric = [
        a
        for a in extracted.get("ages", [])
        if any(c.isdigit() or c in NUMERAL_CHARS for c in a["text"])
    ]
    adults_only = bool(numeric) and all(a["min"] >= 18 for a in numeric)
    if "minor" in flag_hits and not adults_only:
        keep("minor", hit_cues("minor"))
    elif any(a["max"] < 18 for a in numeric):
        child = next(a for a in numeric if a["max"] < 18)
        keep("minor", [Cue(child["text"], None, "flag:minor")])
    if "elderly" in flag_hits:
        keep("elderly", hit_cues("elderly"))
    elif any(a["min"] >= 60 for a in numeric):
        old = next(a for a in numeric if a["min"] >= 60)
        keep("elderly", [Cue(old["text"], None, "flag:elderly")])


def _domestic_violence(scan: Scan) -> Cue | None:
    """A family/partner word near a counted violence word (``我老公喝醉了打我``)."""
    text = scan.text
    if _OUTSIDER.search(text):
        return None
    for family in _FAMILY.finditer(text):
        lo = max(0, family.start() - _DV_WINDOW)
        for verb in _VIOLENCE.finditer(text, lo, family.end() + _DV_WINDOW):
            if _counted(scan, verb.start()):
                return Cue(
                    f"{family.group(0)}…{verb.group(0)}", family.span(), "flag:domestic_violence"
                )
    return None


def _counted(scan: Scan, pos: int) -> bool:
    """True when the word at ``pos`` is neither negated nor reported."""
    return not is_negated(scan.text, pos) and not scan.context.is_reported(pos)
