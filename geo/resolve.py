"""Resolve a parsed address into one estimate: a point, a radius and a confidence.

Rules, in order:

1. No letters, digits or CJK characters -> nothing to place.
2. Out of area: another city or province is named (DataV names, or a leading "X市"
   the gazetteer does not know) and 包头 is not -> ``out_of_area`` with the city and
   province named. 青山区 alone stays in Baotou, with a warning that Wuhan has one too.
3. Otherwise the most specific consistent match wins (poi > community > landmark hint >
   town > landmark/road > district > city). A match that contradicts a named district
   is dropped if an alternative reading agrees, else kept with a warning.
4. Relations such as 附近/对面 widen the radius; contradictions lower the confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.address import Address
from geo.gazetteer import Entry, Gazetteer, Match
from geo.national import National, national
from geo.seats import HIGH_TECH_HOST, HIGH_TECH_ZONE
from geo.weigh import Verdict, span_role, weigh

BAOTOU = "包头市"
INNER_MONGOLIA = "内蒙古自治区"
# Entry kind -> confidence of a point resolved at that level (before penalties).
_CONFIDENCE = {"poi": 0.9, "community": 0.85, "hint": 0.75, "town": 0.8, "landmark": 0.45,
               "road": 0.4, "district": 0.5, "city": 0.2, "outside": 0.8, "province": 0.7}
_OWN_UNITS = ("city", "district", "town", "community", "poi", "hint")
_SPECIFIC = ("poi", "community", "hint", "town")
_PLACE_LEAD = "在到去从回住于是自，,。:： "
_ROAD_HEADS = ("路", "街", "道", "大街", "大道", "巷", "胡同")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_WIDE_RELATIONS = ("附近", "周边", "一带")
# The 稀土高新区 streets sit inside 九原区 and reach into 昆区/青山区 (SOURCES caveats 1-2).
_COMPATIBLE = {HIGH_TECH_ZONE: {HIGH_TECH_ZONE, HIGH_TECH_HOST, "150203", "150204"}}


@dataclass(frozen=True, slots=True)
class Estimate:
    """What the text says: a point with its uncertainty, and the units it names."""

    point: tuple[float, float] | None
    radius_m: float | None
    confidence: float
    district: str | None = None
    town: str | None = None
    out_of_area: bool = False
    city: str | None = None
    province: str | None = None
    matched: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    level: str | None = None  # the gazetteer kind that decided the point
    county: str | None = None  # out of area: the national index's county-level unit
    county_code: str | None = None
    alternatives: tuple[str, ...] = ()


def _fits(entry: Entry, named: set[str]) -> bool:
    if not named or not entry.districts:
        return True
    own = set(entry.districts)
    for code in entry.districts:
        own |= _COMPATIBLE.get(code, set())
    for code in named:
        own_named = _COMPATIBLE.get(code, {code})
        if own & own_named:
            return True
    return False


def _shorter_fit(match: Match, named: set[str], gaz: Gazetteer) -> Match | None:
    """A shorter reading of a match that fits the named district.

    ``土默特右旗和平村村委会``: the longest form 和平村村委会 is 昆都仑区's committee, the
    shorter 和平村 is 土右旗's 和平村委会.
    """
    for k in range(len(match.form) - 1, 1, -1):
        entries = gaz.forms.get(match.form[:k])
        if entries and any(_fits(e, named) and e.districts and e.kind in _SPECIFIC
                           for e in entries):
            return Match(match.start, match.start + k, match.form[:k], entries)
    return None


def _choose(match: Match, named: set[str]) -> tuple[Entry, bool, bool]:
    """Best entry of one match: ``(entry, fits the named district, ambiguous)``."""
    district = next((e for e in match.entries if e.kind == "district"), None)
    if district is not None:  # 石拐 is the county first, not 石拐街道 or the GeoNames village
        return district, _fits(district, named), False
    fitting = [e for e in match.entries if _fits(e, named)]
    exact = [e for e in fitting if named & set(e.districts)]  # 稀土高新区 over 九原区
    pool = exact or fitting or list(match.entries)
    towns = [e for e in pool if e.kind == "town"]
    if towns and any(e.kind == "hint" for e in pool):  # 五当召: the official town name first
        pool = towns
    best = min(pool, key=lambda e: e.rank)
    # Another place of the same rank: another town, or (landmarks with no town) another
    # district.
    same = [e for e in pool if e.rank == best.rank and (
        e.town != best.town or set(e.districts) != set(best.districts))]
    return best, bool(fitting), bool(same)


def _outside(addr: Address, matches: list[Match]) -> Estimate | None:
    kinds = [(m, m.entries[0]) for m in matches]
    names_baotou = any(e.kind == "city" for _, e in kinds)
    foreign = [(m, e) for m, e in kinds if e.kind == "outside" or
               (e.kind == "province" and e.province != INNER_MONGOLIA)]
    # Two-character stems (乌海, 江苏, 河北) count only where a place name can start
    # (text start, after 在/到/去 … or punctuation) and not as the head of a road name.
    foreign = [(m, e) for m, e in foreign if len(m.form) >= 3 or (
        (m.start == 0 or addr.text[m.start - 1] in _PLACE_LEAD or
         any(x.end == m.start for x, _ in foreign))
        and not addr.text[m.end:m.end + 2].startswith(_ROAD_HEADS))]
    if not (foreign or addr.foreign_city):
        return None
    # A Baotou unit named on its own (not as the tail of "<other city><unit>") wins:
    # "呼和浩特来的车在昆区撞人了" happened in 昆区. Two-character stems do not count.
    ends = {m.end for m, _ in foreign}
    if addr.foreign_city:  # "武汉市青山区": the unit is qualified by the other city
        stem = addr.foreign_city.removesuffix("市")
        ends |= {m.start for m in matches
                 if addr.text[:m.start].endswith((addr.foreign_city, stem))}
    strong = [m for m, e in kinds if e.kind in _OWN_UNITS and m.start not in ends and (
        len(m.form) >= 3 or e.kind == "city" or m.form.endswith(("区", "旗", "县")))]
    if names_baotou or strong:
        return None
    matched = tuple(f"{e.kind}:{e.name}" for _, e in foreign)
    cities = [e for _, e in foreign if e.kind == "outside"]
    provinces = [e for _, e in foreign if e.kind == "province"]
    best = cities[0] if cities else (provinces[0] if provinces else None)
    province = (cities[0].province if cities else None) or \
        (provinces[0].name if provinces else None) or addr.foreign_province
    city = cities[0].city if cities else addr.foreign_city
    if city is None and province in _MUNICIPALITIES:
        city = province
    if best is None:
        return Estimate(None, None, 0.6, out_of_area=True, city=city, province=province,
                        matched=(f"city:{city}",), reason="out of area: city not in offline data")
    return Estimate(best.point, best.radius_m, _CONFIDENCE[best.kind], out_of_area=True,
                    city=city, province=province, matched=matched)


_FOREIGN_CONFIDENCE = {"town": 0.85, "county": 0.8, "city": 0.75, "province": 0.7}


def _baotou_named(matches: list[Match]) -> bool:
    return any(e.kind in _OWN_UNITS for m in matches for e in m.entries)


def _foreign(verdict: Verdict, nat: National, warnings: list[str]) -> Estimate:
    """The out-of-area estimate of a place the national index names."""
    assert verdict.code is not None and verdict.chain is not None
    unit = nat.units[verdict.code]
    chain = verdict.chain
    confidence = _FOREIGN_CONFIDENCE[unit.level]
    if verdict.alternatives:
        warnings.append(f"the text names more than one place: took {chain.label()}, "
                        f"also {', '.join(verdict.alternatives)}")
        confidence -= 0.2
    return Estimate(unit.point, unit.radius_m, confidence, out_of_area=True, city=chain.city,
                    province=chain.province, matched=verdict.labels,
                    warnings=tuple(warnings), level=unit.level, county=chain.county,
                    county_code=chain.county_code, alternatives=verdict.alternatives)


def resolve(addr: Address, gaz: Gazetteer) -> Estimate:
    """Turn a parsed address into an :class:`Estimate` (never raises)."""
    warnings = ["address truncated to its first 300 characters"] if addr.truncated else []
    if not addr.has_content:
        return Estimate(None, None, 0.0,
                        reason="no address content (empty, punctuation or symbols)")
    matches = list(addr.matches)
    nat = national()
    verdict = weigh(addr.text, matches, nat.scan(addr.text), nat)
    if verdict.foreign:
        return _foreign(verdict, nat, warnings)
    if addr.foreign_city and not _baotou_named(matches):
        away = _outside(addr, matches)  # an "X市" the national index does not know
        if away is not None:
            return away
    matches = _without_origins(addr.text, matches)
    named = {e.district for m in matches for e in m.entries if e.kind == "district" and e.district}
    chosen, penalty = _read_matches(matches, named, gaz, warnings)
    if verdict.other_place:
        warnings.append(f"text also names {verdict.other_place} outside Baotou; placed in Baotou")
    namesakes: tuple[str, ...] = ()
    if not any(e.kind == "city" for e in chosen):
        for form, places in verdict.namesakes:
            warnings.append(f"{form} also exists in {', '.join(places)}; assumed Baotou")
            namesakes += tuple(p for p in places if p != "…")
    if not chosen:
        reason = "no known place, district or city in the text"
        if addr.roads or addr.landmark:
            unknown = addr.landmark or addr.roads[0]
            reason = f"road or landmark not in the offline gazetteer: {unknown}"
        return Estimate(None, None, 0.0, warnings=tuple(warnings), reason=reason)
    best = min(chosen, key=lambda e: e.rank)
    if best.kind == "hint" and best.town:
        # 五当召镇，五当召景区门口: the town the caller names outranks where a source puts
        # the landmark (a hint has no point of its own).
        named_town = next((e for e in chosen if e.kind == "town" and e.town != best.town
                           and e.name in addr.text and e.district == best.district), None)
        if named_town is not None:
            warnings.append(f"{best.name} is documented in another town; the text names "
                            f"{named_town.name}")
            best = named_town
    if best.kind == "road" and best.point is None:
        town = _town_named_after(best, named, gaz)
        if town is not None:
            warnings.append(f"{best.name} has no coordinate; used {town.name}, named after it")
            chosen.append(town)
            best = town
            penalty += 0.2
    if best.point is None:  # road/landmark without a point: its (or the named) district
        # 青山区钢铁大街: a road's recorded district describes its extent, not the caller.
        district = next(iter(named)) if len(named) == 1 else best.district
        holder = gaz.by_district.get(district) if district else None
        if holder is None:
            return Estimate(None, None, 0.0, matched=_labels(chosen), warnings=tuple(warnings),
                            reason=f"{best.name} has no coordinate and no single district")
        warnings.append(f"{best.name} has no coordinate; placed at district level")
        point, radius, level = holder.point, holder.radius_m, "district"
    else:
        point, radius, level, district = best.point, best.radius_m, best.kind, best.district
        for e in chosen:
            if e.kind == "district" and e.district and not _fits(best, {e.district}):
                warnings.append(f"text names {e.name} but {best.name} is elsewhere")
                penalty += 0.15
    radius = float(radius or 1000.0)
    if addr.relation:
        radius += 300.0 if addr.relation in _WIDE_RELATIONS else 150.0
    return Estimate(point, radius, max(0.05, _CONFIDENCE[best.kind] - penalty),
                    district=district,
                    town=best.town if best.kind in ("town", "community", "hint") else None,
                    city=BAOTOU, province=INNER_MONGOLIA, matched=_labels(chosen),
                    warnings=tuple(dict.fromkeys(warnings)), level=level,
                    alternatives=namesakes)


def _without_origins(text: str, matches: list[Match]) -> list[Match]:
    """Drop Baotou units named only as where someone is from (我是包头青山的，现在在东河…)
    when another Baotou unit is named as the place."""
    runs: list[list[Match]] = []
    for m in matches:
        if runs and all(ch in "市区县旗" for ch in text[runs[-1][-1].end:m.start]) and \
                m.start - runs[-1][-1].end <= 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    roles = [span_role(text, r[0].start, r[-1].end) for r in runs]

    def unit(run: list[Match]) -> bool:
        return any(e.kind in _OWN_UNITS and e.kind != "city" for m in run for e in m.entries)

    if not any(role == "place" and unit(r) for r, role in zip(runs, roles, strict=True)) or \
            not any(role == "origin" and unit(r) for r, role in zip(runs, roles, strict=True)):
        return matches
    return [m for r, role in zip(runs, roles, strict=True) if role != "origin" or not unit(r)
            for m in r]


def _read_matches(matches: list[Match], named: set[str], gaz: Gazetteer,
                  warnings: list[str]) -> tuple[list[Entry], float]:
    """Pick one entry per match; collect warnings and the confidence penalty."""
    chosen: list[Entry] = []
    penalty = 0.0
    for m in matches:
        entry, fits, ambiguous = _choose(m, named)
        if not fits:
            shorter = _shorter_fit(m, named, gaz)
            if shorter is not None:
                m = shorter
                entry, fits, ambiguous = _choose(m, named)
        if entry.kind == "outside" or (entry.kind == "province" and
                                        entry.province != INNER_MONGOLIA):
            continue  # the national weighing says whether that name counts (weigh.py)
        if entry.kind == "province":
            continue
        # Names repeat, and roads run on: the named district wins (青山区友谊大街 is not
        # 昆区's 友谊大街街道).
        if not fits and (entry.kind == "community" or (
                entry.kind == "town" and any(e.kind == "road" for e in m.entries))):
            warnings.append(f"{m.form} is not in the district named in the text; ignored")
            penalty += 0.1
            continue
        if not fits and entry.point is not None:
            warnings.append(f"{m.form} is not in the district named in the text")
            penalty += 0.15
        if ambiguous:
            spread = {e.district for e in m.entries if e.rank == entry.rank}
            warnings.append(f"{m.form} names more than one place; took {entry.name}")
            penalty += 0.3 if len(spread) > 1 else 0.1  # another district: a coin toss
        chosen.append(entry)
    return chosen, penalty


def _labels(entries: list[Entry]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{e.kind}:{e.name}" for e in entries))



def _town_named_after(road: Entry, named: set[str], gaz: Gazetteer) -> Entry | None:
    """The 街道 named after a road (南门外大街 -> 南门外街道), if exactly one fits."""
    hits = []
    for town in gaz.by_town.values():
        stem = town.name.removesuffix("街道")
        if town.name.endswith("街道") and len(stem) >= 3 and road.name.startswith(stem) \
                and _fits(town, named | set(road.districts)):
            hits.append(town)
    return hits[0] if len(hits) == 1 else None
