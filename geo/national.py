"""The national administrative index at run time: every unit of China by code and form.

Loaded once from the built ``national.json`` (:mod:`geo.national_build`). Each surface
form maps to :class:`Reading`\\ s — a unit and how much the form says about it:

==================  ======  =====================================================
form                weight  examples
==================  ======  =====================================================
prefecture name     6 / 5   呼和浩特市 / 呼和浩特, 延边 (stem)
province name       5 / 4   湖北省 / 湖北, 内蒙
county name         4 / 3   托克托县 / 托克托, 神木 (stem)
curated short form  4 / 5   托县, 伊旗, 乌前旗 (county); 呼市, 锡盟 (prefecture)
township name       3 / 2   树林召镇 / 薛家湾 (stem of 3+ characters; 2.5 when no other
                            unit has that form, 1.5 if it ends like a road, 红卫路)
==================  ======  =====================================================

Two-character stems count only where a place name can start (see ``scan``), and no
short form counts as the head of a road name (长春路, 乌兰察布东路, 大同街): many roads
are named after cities.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from geo.errors import LayerError
from geo.names import (
    county_forms,
    national_town_forms,
    prefecture_forms,
    province_forms,
    town_stem,
)
from geo.settings import get_settings

PLACE_LEAD = "在到去从回住于是自跑往赴返来，,。:：、 ；;（("
# What people do at a place, said right after its name (在神木开车, 在昆山打工).
_DOING_THERE = ("开车", "打工", "上班", "上学", "出事", "出车祸", "住院", "看病", "旅游", "出差",
                "办事", "被人", "让人", "叫人", "摔", "拉货", "拉煤", "跑车", "送货", "卸货",
                "做生意", "开店", "开出租", "进货", "进菜", "玩")
ROAD_HEADS = ("路", "街", "道", "大街", "大道", "巷", "胡同", "桥")
_ON_THE_STREET = ("上", "边", "头", "里", "口")  # 托县街上: in 托县, not a street named 托县


def _road_follows(text: str, j: int) -> bool:
    """A road name continues at ``j`` (东路, 大街, 路 …), not "on the street" (街上)."""
    if text.startswith(("桥东", "桥西", "桥南", "桥北"), j):
        return False  # 集宁桥西: a district's side of the bridge, not a bridge's name
    for head in ("东路", "西路", "南路", "北路", "中路", "大街", "大道", "胡同", "路", "街", "道",
                 "巷", "桥"):
        if text.startswith(head, j):
            return not text.startswith(_ON_THE_STREET, j + len(head)) or len(head) > 1
    return False


MUNICIPALITIES = ("11", "12", "31", "50")
UNIQUE_TOWN_STEM = 2.5
# After a two-character county stem, what may follow for it to stand alone (到神木了).
_FOLLOW = "的了这那人来去住县城市区附近一带呢吗啊呀，,。!！?？、 ;；:："
_LEVELS = {2: "province", 4: "city", 6: "county", 9: "town"}


@dataclass(frozen=True, slots=True)
class Unit:
    """One NBS unit: code (2/4/6/9 digits), official name, representative point, radius."""

    code: str
    name: str
    point: tuple[float, float]
    radius_m: float

    @property
    def level(self) -> str:
        """``province``, ``city`` (prefecture), ``county`` or ``town``."""
        return _LEVELS[len(self.code)]


@dataclass(frozen=True, slots=True)
class Reading:
    """A form read as a unit, with the weight of that evidence."""

    unit: Unit
    weight: float
    stem: bool  # a generated short form: position rules apply when it has two characters
    short: bool = False  # any form but the official name (stem or curated short form)


@dataclass(frozen=True, slots=True)
class NMatch:
    """A national form found in the text."""

    start: int
    end: int
    form: str
    readings: tuple[Reading, ...]


@dataclass(frozen=True, slots=True)
class Chain:
    """Names of a unit and its parents, as the hand-off registry wants them."""

    province: str | None
    city: str | None
    county: str | None
    county_code: str | None
    town: str | None

    def label(self) -> str:
        """``湖北省武汉市青山区`` (the city repeated for municipalities is dropped)."""
        parts = [self.province, None if self.city == self.province else self.city,
                 self.county, self.town]
        return "".join(p for p in parts if p)


@dataclass(frozen=True)
class National:
    """Units by code and the form index over them."""

    units: dict[str, Unit]
    forms: dict[str, tuple[Reading, ...]]
    lengths: dict[str, tuple[int, ...]]
    # Two-character township stems (花桥, 柳市) by the county codes that hold them: too
    # common to be read alone, but a county stem followed by one of its own townships
    # (昆山花桥, 乐清柳市) is a chain of names.
    town_stems: dict[str, frozenset[str]] = field(default_factory=dict)

    def scan(self, text: str) -> list[NMatch]:
        """Greedy left-to-right longest matches; two-character stems need a place start."""
        out: list[NMatch] = []
        i, n = 0, len(text)
        while i < n:
            for length in self.lengths.get(text[i], ()):
                if length > n - i:
                    continue
                form = text[i:i + length]
                hit = self.forms.get(form)
                if hit is None:
                    continue
                if any(r.short for r in hit) and _road_follows(text, i + length):  # 长春路: a road
                    hit = tuple(r for r in hit if not r.short)
                    if not hit:
                        continue
                if length == 2:
                    hit = self._two_char(text, i, hit, out)
                    if not hit:
                        continue
                elif self._inside_a_word(text, i, hit, out):
                    continue  # 河西公园 is a park, not 西公园街道 of Kashgar
                split = self._city_then_county(text, i, form, hit)
                if split is not None:  # 青岛市南区: 青岛 + 市南区, not 青岛市 + 南区
                    out.append(split)
                    i = split.end
                    break
                out.append(NMatch(i, i + length, form, hit))
                i += length
                break
            else:
                i += 1
        return out

    def _city_then_county(self, text: str, i: int, form: str, hit: tuple[Reading, ...]) \
            -> NMatch | None:
        """When the 市 of "X市" also starts a county of X (青岛市南区, 市中区), read X + that."""
        if not form.endswith("市") or len(form) < 3:
            return None
        cities = [r.unit.code for r in hit if r.unit.level == "city"]
        stem = self.forms.get(form[:-1])
        j = i + len(form) - 1
        if not cities or stem is None:
            return None
        for k in self.lengths.get("市", ()):
            nxt = self.forms.get(text[j:j + k]) if k > 1 else None
            if nxt and any(r.unit.code.startswith(c) for r in nxt for c in cities):
                return NMatch(i, j, form[:-1], stem)
        return None

    def _two_char(self, text: str, i: int, hit: tuple[Reading, ...], before: list[NMatch]) \
            -> tuple[Reading, ...]:
        """Two-character stems need a place start; a county's must also stand alone
        (神木 in 到神木了, not 富阳 in 富阳小区): such stems are often words."""
        at_start = i == 0 or text[i - 1] in PLACE_LEAD or bool(before and before[-1].end == i) \
            or text[max(0, i - 2):i] in ("到了", "去了", "回了", "老家", "家在", "来自", "路过", "途经") \
            or (text[max(0, i - 2):i] in ("高速", "国道") and text.startswith(("段", "境内"), i + 2)) \
            or self._parent_of_next(text, i + 2, hit)
        if not at_start:
            return tuple(r for r in hit if not r.stem)
        if self._stands_alone(text, i + 2):
            return hit
        own_town = self.town_stems.get(text[i + 2:i + 4], frozenset())
        chained = tuple(r for r in hit if r.unit.level == "county" and r.unit.code in own_town)
        if chained:  # 昆山花桥: the county of the township named after it
            return chained
        if before and before[-1].end == i:  # 天津武清佛罗伦萨小镇: a unit of the name before
            parents = [r.unit.code for r in before[-1].readings
                       if r.unit.level in ("province", "city")]
            own = tuple(r for r in hit if any(r.unit.code.startswith(c) and r.unit.code != c
                                              for c in parents))
            if own:
                return own + tuple(r for r in hit if r not in own and not (
                    r.stem and r.unit.level in ("county", "town")))
        return tuple(r for r in hit if not (r.stem and r.unit.level in ("county", "town")))

    @staticmethod
    def _inside_a_word(text: str, i: int, hit: tuple[Reading, ...], before: list[NMatch]) -> bool:
        """A township stem glued to the word before it (河|西公园) is part of that word."""
        if i == 0 or not all(r.stem and r.unit.level == "town" for r in hit):
            return False
        prev = text[i - 1]
        return "\u4e00" <= prev <= "\u9fff" and prev not in PLACE_LEAD and \
            not (before and before[-1].end == i)

    def _parent_of_next(self, text: str, j: int, hit: tuple[Reading, ...]) -> bool:
        """The stem is followed at once by one of its own units (吉林白城, 山西河曲): a chain
        of names, whatever comes before it."""
        codes = [r.unit.code for r in hit if r.unit.level in ("province", "city")]
        if not codes:
            return False
        for k in self.lengths.get(text[j], ()) if j < len(text) else ():
            nxt = self.forms.get(text[j:j + k])
            if nxt and any(r.unit.code != c and r.unit.code.startswith(c)
                           for r in nxt for c in codes):
                return True
        return False

    def _stands_alone(self, text: str, j: int) -> bool:
        if j >= len(text) or text[j] in _FOLLOW or not "\u4e00" <= text[j] <= "\u9fff":
            return True
        if text.startswith(_DOING_THERE, j):  # 在神木开车出事了: what someone did there
            return True
        if text.startswith(("段", "境内"), j) and text[max(0, j - 4):j - 2] in ("高速", "国道"):
            return True  # 包茂高速神木段: the stretch of a road inside that county
        return any(text[j:j + k] in self.forms for k in self.lengths.get(text[j], ()) if k > 1)

    def chain(self, code: str) -> Chain:
        """Province, prefecture, county and township names of ``code``."""
        province = self.units.get(code[:2])
        city = self.units.get(code[:4]) if len(code) >= 4 else None
        county = self.units.get(code[:6]) if len(code) >= 6 else None
        town = self.units.get(code) if len(code) == 9 else None
        pname = province.name if province else None
        cname = city.name if city else None
        if cname in ("市辖区", "县") or (cname is None and code[:2] in MUNICIPALITIES):
            cname = pname
        elif cname is not None and cname.endswith("直辖县级行政区划"):
            cname = county.name if county else None  # 仙桃市 is its own city
        return Chain(pname, cname, county.name if county else None,
                     county.code if county else None, town.name if town else None)


def _weight(level: str, stem: bool, form: str) -> float:
    if level == "city":
        return 5.0 if stem else 6.0
    if level == "province":
        return 4.0 if stem else 5.0
    if level == "county":
        return 3.0 if stem else 4.0
    if stem:
        return 1.5 if form.endswith(ROAD_HEADS) else 2.0
    return 3.0


LANDMARK = 5.0  # a landmark named alone (莫高窟, 北京南站, 武钢) weighs as much as a city
LANDMARK_WITH_CITY = 1.0  # 鼓楼, 中山路, 八一公园: common names, said only with the city


def _landmarks(data_dir: Path) -> list[tuple[str, str, float]]:
    """Curated places outside Baotou that callers name without a city, and the county-level
    unit each lies in (``curated/landmarks_elsewhere.csv``): a caller who names only
    天安门广场 is in 东城区. Rows with ``alone`` = ``no`` are names many cities share (银川's
    鼓楼, 厦门's 中山路): they only add to the city named before them."""
    path = data_dir / "curated" / "landmarks_elsewhere.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["form"], r["code"],
                 LANDMARK if r.get("alone", "yes") != "no" else LANDMARK_WITH_CITY)
                for r in csv.DictReader(fh)]


@cache
def national() -> National:
    """Load ``national.json`` once and index every form."""
    path = get_settings().data_dir / "national.json"
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LayerError(f"cannot read national index: {exc}") from exc
    units: dict[str, Unit] = {}
    forms: dict[str, list[Reading]] = {}

    def add(form: str, unit: Unit, weight: float, stem: bool) -> None:
        lst = forms.setdefault(form, [])
        for k, r in enumerate(lst):
            if r.unit is unit:
                if weight > r.weight:  # a curated short form outranks the same stem
                    lst[k] = Reading(unit, weight, stem, short=form != unit.name)
                return
        lst.append(Reading(unit, weight, stem, short=form != unit.name))

    for code, name, lat, lon, radius, _ in doc["units"]:
        unit = Unit(code, name, (lat, lon), radius)
        units[code] = unit
        level = unit.level
        if name in ("市辖区", "县") or name.endswith("直辖县级行政区划"):
            continue
        rule = {"province": province_forms, "city": prefecture_forms,
                "county": county_forms}[level]
        for k, form in enumerate(rule(name)):
            add(form, unit, _weight(level, k > 0, form), k > 0)
    town_stems: dict[str, set[str]] = {}
    for code, name in doc["towns"]:
        county = units.get(code[:6])
        if county is None:
            continue
        stem = town_stem(name)
        if len(stem) == 2 and stem != name:
            town_stems.setdefault(stem, set()).add(code[:6])
        unit = Unit(code, name, county.point, county.radius_m)
        units[code] = unit
        for k, form in enumerate(national_town_forms(name)):
            short = k > 0 and not form.startswith(name)
            add(form, unit, _weight("town", short, form), short)
    for form, code in doc["short_forms"]:
        unit = units[code]
        add(form, unit, 5.0 if unit.level == "city" else 4.0, False)
    for form, code, weight in _landmarks(path.parent):
        place = units.get(code)
        if place is not None:  # 天安门, 南京东路: a landmark names its county elsewhere
            add(form, place, weight, False)
            # not a short form: 王府井大街 is the landmark's street, not a road named after it
            forms[form] = [Reading(r.unit, r.weight, r.stem, short=False) if r.unit is place
                           else r for r in forms[form]]
    for form, rs in forms.items():  # a township stem that names one place only says more
        if len(rs) == 1 and rs[0].stem and rs[0].unit.level == "town" and rs[0].weight == 2.0:
            rs[0] = Reading(rs[0].unit, UNIQUE_TOWN_STEM, True, short=True)
    by_first: dict[str, set[int]] = {}
    for form in forms:
        by_first.setdefault(form[0], set()).add(len(form))
    lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in by_first.items()}
    return National(units, {f: tuple(r) for f, r in forms.items()}, lengths,
                    {stem: frozenset(codes) for stem, codes in town_stems.items()})


@cache
def _reverse_tool() -> Any:
    from GeoToolCN import GeoTool

    return GeoTool()


def reverse(lat: float, lon: float) -> Chain | None:
    """Province, city and county of a WGS-84 point anywhere in China (None outside).

    Uses the DataV 2026 polygons shipped by ``geotool-cn``; names are taken from the NBS
    index when the code is known there (they agree but for a few renamed units).
    """
    try:
        found = _reverse_tool().reverse(lat, lon)
    except (ValueError, TypeError):
        return None
    if found is None or found.province is None:
        return None
    if found.district is not None:
        code = found.district.code
        chain = national().chain(code)
        if chain.county is not None:
            return chain
        return Chain(found.province.name, found.city.name if found.city else None,
                     found.district.name, code, None)
    return Chain(found.province.name, found.city.name if found.city else None, None, None, None)
