"""Facts for downstream stages: the person at risk (see ``person.py``), phones, money,
times, places and whether the report is a sighting of a wandering person.

Every extractor reads folded text (same length as the original) and returns plain
JSON-ready values.
"""

from __future__ import annotations

import re
from typing import Any

from triage.numerals import NUMERAL_CHARS, parse_number
from triage.person import (
    extract_ages,
    extract_clothing,
    extract_conditions,
    extract_features,
    extract_gender,
    extract_height,
    extract_surname,
    is_accounted_for,
    reporter_at,
)

__all__ = [
    "extract_ages",
    "extract_all",
    "extract_clothing",
    "extract_conditions",
    "extract_features",
    "extract_gender",
    "extract_height",
    "extract_money",
    "extract_phones",
    "extract_places",
    "extract_times",
    "is_sighting",
    "reporter_at",
]

_NUM = rf"(?:\d+(?:\.\d+)?|[{NUMERAL_CHARS}]+)"

_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")
_MONEY = re.compile(
    rf"(?P<n>{_NUM}(?:[万千百]{_NUM}?)?)(?P<more>多|来|余)?(?P<unit>万|千)?"
    rf"(?:元|块钱|块|人民币|rmb)"
    rf"|(?P<n2>\d+(?:\.\d+)?|[{NUMERAL_CHARS}]+)(?P<unit2>万|千)(?:多|余)?"
    rf"(?=[，。,!！ 被转给了没\s]|$)"
)
_LONG_DIGITS = re.compile(r"\d{3}")
_MONEY_HINT = re.compile(r"[元块万千]|rmb")
_TIMES: tuple[tuple[str, int | None, bool], ...] = (
    ("刚才", 5, False),
    ("刚刚", 5, False),
    ("正在", 0, True),
    ("现在", 0, True),
    ("还在", 0, True),
    ("此刻", 0, True),
    ("这会儿", 0, True),
    ("半小时前", 30, False),
    ("半个小时前", 30, False),
    ("半个多小时前", 40, False),
    ("昨晚", None, False),
    ("昨天", None, False),
    ("前天", None, False),
    ("今天早上", None, False),
    ("今早", None, False),
    ("上午", None, False),
    ("下午", None, False),
    ("晚上", None, False),
    ("凌晨", None, False),
    ("中午", None, False),
    ("一夜", None, False),
    ("上周", None, False),
)
_TIME_WORDS = re.compile("|".join(sorted((w for w, _, _ in _TIMES), key=len, reverse=True)))
_TIME_TABLE = {w: (m, p) for w, m, p in _TIMES}
_TIME_AGO = re.compile(rf"(?P<n>{_NUM})(?P<more>多)?个?(?P<unit>分钟|小时|钟头|天)(?:之?前|以前)")
_PLACE_SUFFIX = (
    "小区|花园|家园|公寓|广场|公园|商场|超市|市场|学校|中学|小学|幼儿园|医院|火车站|汽车站|"
    "车站|大桥|桥|大厦|酒店|宾馆|网吧|号楼|单元|号院|门口|楼下|路口|大街|路|街|巷|胡同|村|镇|"
    "乡|旗|区|县|站|中心|银行|饭店|小卖部|加油站|楼|工地|厂|服务区|收费站"
)
_PLACE = re.compile(
    rf"(?:在|到|位于|地址是?|地点是?|于|从|是在)(?P<p>[^\s，。,.!！？?；;：:在到了是我他她的]"
    rf"(?:[^\s，。,.!！？?；;：:在到了是我他她]{{0,12}}?(?:{_PLACE_SUFFIX})(?:\d+号)?)+"
    rf"(?:[\d一二三四五六七八九十]+(?:号楼|栋|单元|楼|层|号))*(?:附近|旁边|对面|门口|楼下)?)"
)
_KNOWN_PLACES = re.compile(
    r"昆都仑区|昆区|青山区|东河区|九原区|石拐区|白云鄂博|稀土高新区|土右旗|土默特右旗|达茂旗|"
    r"固阳县|钢铁大街|阿尔丁大街|民族东路|建设路|包头站|包头东站|赛汗塔拉|八一公园|劳动公园|"
    r"阿尔丁广场|万达广场|包百|王府井|黄河大桥|南海湿地|昆河|友谊大街|青年路"
)
_FOUND = re.compile(
    r"捡到|发现(?:一|个|有)|遇到(?:一|个)|有个(?:老人|老太太|老大爷|大爷|大妈|小孩|孩子|小男孩|小女孩)"
    r"|谁家的|一个人在哭|说不清家|说不出家|不知道家在|找不到家|问他家|问她家|在路边徘徊|"
    r"在我们?(?:店|这)里|在我这|带到(?:派出所|店里)|陪着他|陪着她|迷路的"
)
_OWN_MISSING = re.compile(
    r"(?:我|我们|我家)的?(?:孩子|儿子|女儿|爸|妈|父亲|母亲|爷爷|奶奶|姥姥|姥爷|老伴|丈夫|老公|"
    r"妻子|老婆|外婆|外公|弟弟|妹妹|哥哥|姐姐|侄子|孙子|孙女|闺女|家老人|婆婆|公公|岳父|岳母|"
    r"丈母娘|老丈人|舅舅|姑姑|叔叔|婶子|大姨|小姨)"
    r"[^，。,]{0,8}(?:走丢|走失|失联|找不到|不见|没回|联系不上)"
    # the family did not watch a moment and the person went out (一不留神她就出门了)
    r"|(?:一不留神|没看住|没留神|一眼没看住|一转身)[^，。,]{0,8}(?:出门|跑出去|走出去|溜出去|走了|不见)"
)


def extract_phones(text: str) -> list[str]:
    """Mobile and landline numbers with separators removed."""
    if not _LONG_DIGITS.search(text):
        return []
    return [re.sub(r"[\s-]", "", m.group(0)) for m in _PHONE.finditer(text)]


def extract_money(text: str) -> list[dict[str, Any]]:
    """Amounts such as ``3000元``, ``两万多块``, ``5万`` -> ``{"text", "yuan"}``."""
    found: list[dict[str, Any]] = []
    if not _MONEY_HINT.search(text):
        return found
    for m in _MONEY.finditer(text):
        if m.group("n") is not None:
            value = parse_number(m.group("n"))
            unit = m.group("unit")
        else:
            value = parse_number(m.group("n2"))
            unit = m.group("unit2")
        if value is None:
            continue
        value *= {"万": 10_000, "千": 1000}.get(unit or "", 1)
        found.append({"text": m.group(0), "yuan": round(value, 2)})
    return found


def extract_times(text: str) -> list[dict[str, Any]]:
    """Time expressions with minutes ago (``None`` when not relative) and in-progress."""
    found: list[tuple[int, dict[str, Any]]] = []
    for m in _TIME_AGO.finditer(text) if "前" in text else ():
        n = parse_number(m.group("n"))
        if n is None:
            continue
        per = {"分钟": 1, "小时": 60, "钟头": 60, "天": 1440}[m.group("unit")]
        found.append(
            (m.start(), {"text": m.group(0), "minutes_ago": int(n * per), "in_progress": False})
        )
    for m in _TIME_WORDS.finditer(text):
        minutes, live = _TIME_TABLE[m.group(0)]
        found.append((m.start(), {"text": m.group(0), "minutes_ago": minutes, "in_progress": live}))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def extract_places(text: str, original: str) -> list[str]:
    """Place expressions (taken from ``original`` so geo sees what was typed)."""
    spans = [m.span("p") for m in _PLACE.finditer(text)]
    spans += [m.span() for m in _KNOWN_PLACES.finditer(text)]
    places: list[str] = []
    for start, end in sorted(spans):
        phrase = original[start:end]
        if any(phrase in p for p in places):
            continue
        places = [p for p in places if p not in phrase]
        places.append(phrase)
    return places


def is_sighting(text: str) -> bool:
    """True when the report is about a person found or seen wandering, not one reported
    missing by their family."""
    return _FOUND.search(text) is not None and _OWN_MISSING.search(text) is None


def extract_all(text: str, original: str) -> dict[str, Any]:
    """Run every extractor over folded ``text`` (``original`` keeps the typed places)."""
    return {
        "ages": extract_ages(text),
        "gender": extract_gender(text),
        "height_cm": extract_height(text),
        "clothing": extract_clothing(text),
        "features": extract_features(text),
        "conditions": extract_conditions(text),
        "phones": extract_phones(text),
        "money": extract_money(text),
        "times": extract_times(text),
        "places": extract_places(text, original),
        "sighting": is_sighting(text),
        "surname": extract_surname(text),
        "accounted_for": is_accounted_for(text),
    }
