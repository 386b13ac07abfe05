"""Priority rules: a category baseline raised (never lowered) by what the text says.

The asymmetry is deliberate: missing a suicide risk, a weapon or a missing child costs a
life, a false alarm costs a minute. Each raise records a ``priority:Pn`` cue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triage.codes import NON_DISPATCH, priority_rank
from triage.context import counted_match, is_negated, is_past
from triage.result import Cue

BASELINE: dict[str, str] = {
    "violent_crime": "P2",
    "property_crime": "P3",
    "fraud": "P3",
    "public_order": "P3",
    "traffic": "P3",
    "fire_disaster": "P2",
    "dispute": "P3",
    "missing_person": "P3",
    "self_harm": "P1",
    "assistance": "P3",
    "consultation": "P4",
    "non_police": "P4",
}

_FIRE_LIFE = re.compile(
    r"着火|起火|失火|火灾|烧起来|燃起来|火很大|浓烟|黑烟|爆炸|爆了|坍塌|倒塌|塌了|泄漏|中毒|一氧化碳|"
    r"被困|困在|里面[^，。,]{0,6}(?:人|老人|孩子|老太太)|还有人|人在里面|没出来|出不来|下不去|"
    r"昏迷|晕倒|泥石流|洪水|冲走|被淹|在喊|喊救命|孩子一个人在家|喘不上气|烧着|火往上|还在里面|"
    r"没下来|里头有人|起不来|中煤气|压着人|压住人|压到人|埋了人|埋着人|炸伤|炸了|巨响|满脸是血"
)
# Nobody is in danger: ``人没事``, ``人都出来了`` (unless someone is also said to be trapped).
_NO_PEOPLE = re.compile(
    r"人没事|人都没事|没人受伤|人都出来了|都跑出来了|已经疏散|没有人在|附近没人|周围没人|没有住家"
)
_TRAPPED = re.compile(r"被困|困在|里面[^，。,]{0,6}人|还在里面|没出来|没下来|出不来")
_LIFT = re.compile(r"电梯")
_SMOKE = re.compile(r"烟|火|爆")
_HAZARD_ONLY = re.compile(r"隐患|存在.{0,4}危险|建议|整改")
_FIGHT = re.compile(
    r"打架|斗殴|打起来|群殴|互殴|扭打|动手|动起手|撕扯|推|砸|闹|踢|踹|酒疯|扔|掀|揪"
)
_DANGEROUS_DRIVING = re.compile(
    r"酒驾|醉驾|喝酒开车|喝多了?开|喝了酒|醉醺醺|画龙|摇摆|逆行|飙车|开得飞快|连闯|闯了好几个|高速上?倒车|"
    r"喝大了|喝高了|喝了不少|乱晃|左右晃|压线|蹭护栏|红灯[^，。]{0,4}冲过去|应急车道|别车|别人|开得(?:特别|很|非常)?(?:猛|快|野)|横冲直撞|乱窜|蛇形"
)
_TRAFFIC_LIFE = re.compile(
    r"被困|卡在车里|困在车里|出不来|死亡|身亡|没气|没有呼吸|昏迷|不省人事|多人受伤|碾压|"
    r"车门打不开|一动不动|没反应|不动了|压在车底|着火|起火|爆炸|满头是血|卡在座位|卡在里面|"
    r"甩出来|没动静|没了动静"
)
_RECENT = re.compile(
    r"刚才|刚刚|刚(?!开始|买|来|毕业|出生|满|好|需要|回来|回家|到家|下班|出差回)|马上|正在|还在|要我转|让我转|准备转|要转|转账中|"
    r"(?:\d+|[一二两三四五六七八九十半]+)来?个?多?(?:分钟)(?:之?前)|"
    r"(?:\d+|[一二两三四五六七八九十半几]+)来?个?(?:分钟)(?:的)?(?:功夫|工夫)"
)
_FRAUD_LIVE = re.compile(
    r"让我.{0,6}转|要我.{0,6}转|通着话|正在通话|电话还没挂|准备(?:今晚|今天|明天|马上|现在)?(?:就)?转|(?:借|凑)好(?:了)?钱|让我再投|在跟我(?:说话|通话|视频)|还在通话|别挂电话|不让挂|"
    r"(?:现在|正|已经)[^，。,]{0,4}(?:银行|宾馆|atm|柜台)|宾馆里|马上要去银行|正往.{0,4}(?:银行|邮局)|"
    # Isolation scams: the victim is being kept apart and steered right now.
    r"配合调查|不许(?:跟|和)?[^，。,]{0,4}说|不[许要让]告诉|单独住|去宾馆|开个?房间"
)
_HABITUAL = re.compile(r"经常|每天|天天|每晚|总是|老是|长期|一直有|多次|频繁")
_RECENT_HOURS = re.compile(r"(?:一|两|1|2|半)个?多?小时(?:之?前)")
KIDNAP = re.compile(
    r"绑架|绑走|劫持|拐走|抱走|(?:抱|拖|拽|拉|塞)(?:上|进)[^，。,]{0,8}车|拖进|强行带走|拖走|拽走|"
    r"抓着[^，。,]{0,10}(?:拖|拽)|"
    r"往[^，。,]{0,4}车上?(?:拽|拖|拉|抱|塞)|"
    r"关在.{0,8}(?:屋|房|家|车)里?.{0,10}不让(?:我|她|他)?(?:出|走|离开)"
)
_ANIMAL = re.compile(r"狗|猫|羊|鸡|鸭|鸟|鹦鹉|宠物|萨摩耶|金毛|泰迪|兔子|牛|马")


def is_abduction(text: str) -> bool:
    """A person taken by force (``把孩子拖上车``); an animal carried off is theft."""
    for m in KIDNAP.finditer(text):
        if is_negated(text, m.start()):
            continue
        if _ANIMAL.search(text, max(0, m.start() - 24), m.start()) is None:
            return True
    return False


_GONE = re.compile(r"跑了|走了|逃了|已经离开|已(?:驾车|开车|骑车|打车)?离开|溜了|逃跑|跑掉|人没了|已经被抓|被控制|逃窜|离开了")
_SAFE_NOW = re.compile(
    r"已经?送医|已经?脱离危险|已经?没事|抢救过来|已经?被救|已经?劝下|出院|包好了|没有想自杀"
)
_CHILD_IN_CAR = re.compile(
    r"(?:孩子|小孩|宝宝|婴儿).{0,8}(?:锁|关)(?:在)?(?:自己)?(?:在)?车里|(?:锁|关)(?:在)?车里.{0,6}(?:孩子|小孩|宝宝|婴儿)"
)
_NEEDS_HELP = re.compile(
    r"摔倒|晕倒|起不来|走不动|迷路|找不到路|一个人|独自|没人管|冻|冷|病|哭|叫不醒|无应答|没人应|发烧|疼"
)
_PLAN = re.compile(r"准备|打算|计划|要去")


def decide_priority(
    category: str,
    flags: tuple[str, ...],
    text: str,
    extracted: Mapping[str, Any],
    self_harm_risk: bool,
) -> tuple[str, list[Cue]]:
    """Return the priority for a triaged report and the rule cues that raised it.

    Args:
        category: the decided category.
        flags: the decided flags.
        text: folded text with idioms and reported (media/fiction/hypothetical) spans masked.
        extracted: facts from :func:`triage.extract.extract_all`.
        self_harm_risk: a counted self-harm cue is present (whatever the category).

    Returns:
        ``(priority, cues)``; consultation/non_police stay P4 (the caller re-categorises a
        report whose priority must be P1/P2).
    """
    priority = BASELINE[category]
    cues: list[Cue] = []
    live = "in_progress" in flags
    past = is_past(text) and not live

    def raise_to(level: str, why: str) -> None:
        nonlocal priority
        if priority_rank(level) < priority_rank(priority):
            priority = level
            cues.append(Cue(why, None, f"priority:{level}"))

    if category in NON_DISPATCH:
        return priority, cues
    if category == "violent_crime" and past:
        priority = "P3"
    elif category == "self_harm" and (past or _SAFE_NOW.search(text)) and not live:
        priority = "P2"
    elif category == "fire_disaster" and past:
        priority = "P3"
    _category_rules(category, flags, text, extracted, raise_to, live, past)
    # Safety floors (issue 3): these never sit below P1/P2 whatever the category.
    if self_harm_risk and not past and not _SAFE_NOW.search(text):
        raise_to("P1", "rule:self_harm_risk")
    if "weapon" in flags:
        gone = past or _GONE.search(text) is not None
        raise_to("P2" if gone and not live else "P1", "rule:weapon")
    if live and category == "violent_crime":
        raise_to("P1", "rule:violence_in_progress")
    if (
        counted_match(KIDNAP, text)
        and not past
        and (category == "violent_crime" or "minor" in flags)
    ):
        raise_to("P1", "rule:abduction")
    if "injury" in flags and not past:
        raise_to("P2", "rule:injury")
    if "sensitive" in flags and not _PLAN.search(text):
        raise_to("P2", "rule:sensitive")
    return priority, cues


def _category_rules(
    category: str,
    flags: tuple[str, ...],
    text: str,
    extracted: Mapping[str, Any],
    raise_to: Any,
    live: bool,
    past: bool,
) -> None:
    """Raise the priority by category-specific evidence."""
    conditions = set(extracted.get("conditions", []))
    recent = bool(_RECENT.search(text)) or live
    if category == "missing_person":
        if extracted.get("sighting"):
            if "minor" in flags or "elderly" in flags or conditions:
                raise_to("P2", "rule:vulnerable_person_found")
        elif "minor" in flags:
            raise_to("P1", "rule:missing_child")
        elif "dementia" in conditions:
            raise_to("P1", "rule:missing_with_dementia")
        elif "suicidal" in conditions:
            raise_to("P1", "rule:missing_with_suicide_risk")
        elif "elderly" in flags or conditions:
            raise_to("P2", "rule:missing_vulnerable")
    elif category == "fire_disaster":
        lift_only = _LIFT.search(text) is not None and _SMOKE.search(text) is None
        hazard_only = (_HAZARD_ONLY.search(text) is not None
                       or _HABITUAL.search(text) is not None) and not live
        nobody = _NO_PEOPLE.search(text) is not None and not counted_match(_TRAPPED, text)
        if counted_match(_FIRE_LIFE, text) and not (past or lift_only or hazard_only or nobody):
            raise_to("P1", "rule:fire_life_risk")
    elif category == "traffic":
        if counted_match(_TRAFFIC_LIFE, text) and not past:
            raise_to("P1", "rule:traffic_life_risk")
        elif _DANGEROUS_DRIVING.search(text) and not (past or _HABITUAL.search(text)):
            raise_to("P2", "rule:dangerous_driving")
    elif category in ("property_crime", "fraud"):
        if (recent or _RECENT_HOURS.search(text)) and not past:
            raise_to("P2", "rule:just_happened")
        elif category == "fraud" and _FRAUD_LIVE.search(text):
            raise_to("P2", "rule:transfer_under_way")
    elif category == "public_order":
        if live and _FIGHT.search(text):
            raise_to("P2", "rule:disorder_in_progress")
    elif category == "assistance":
        if _CHILD_IN_CAR.search(text):
            raise_to("P1", "rule:child_locked_in_car")
        elif ("elderly" in flags or "minor" in flags or conditions - {"medication"}) and (
            _NEEDS_HELP.search(text)
        ):
            raise_to("P2", "rule:vulnerable_person")
    elif category == "violent_crime" and not past and ("injury" in flags or recent):
        raise_to("P2", "rule:just_happened")
