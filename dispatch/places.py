"""Address suggestions as a person types: gazetteer places that have a point.

``geo.locate`` answers "where is this text", and for a road the gazetteer has no point
for it answers "somewhere in the district" (a 10 km circle). A person then needs the
places that *can* be put on the map and look like what was typed: communities, points
of interest, landmarks, towns. This module ranks them by the character bigrams they
share with the query, each bigram weighted by how rare it is among the gazetteer's names
(``idf``: "社区", "街道" or "大街" tell little, "钢铁" or "阿尔丁" tell a lot), with a
bonus for a name typed whole and for the district the query names.

Reads only geo's public lookups (``geo.locate``, the gazetteer's forms); nothing here
changes how the pipeline places a report.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import geo
from geo.gazetteer import Entry, gazetteer

# The kinds a person can pick as "the place": they have a point and a small circle.
PICKABLE = {"poi": "地点", "community": "社区/小区", "landmark": "地标", "hint": "地标",
            "town": "街道/乡镇"}
# "Placed precisely": a precinct is known and the circle is a neighbourhood, not a district.
PRECISE_RADIUS_M = 1500.0


@dataclass(frozen=True, slots=True)
class _Place:
    entry: Entry
    form: str
    grams: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Index:
    places: tuple[_Place, ...]
    idf: Mapping[str, float]
    district_forms: Mapping[str, str]  # a district's surface form -> its code


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


def _norm(text: str) -> str:
    return "".join(text.split()).lower()


@cache
def _index() -> _Index:
    gaz = gazetteer()
    places: list[_Place] = []
    df: Counter[str] = Counter()
    districts: dict[str, str] = {}
    for form, entries in gaz.forms.items():
        for entry in entries:
            if entry.kind == "district" and entry.district and len(form) >= 2:
                districts[form] = entry.district
            if entry.kind in PICKABLE and entry.point is not None and len(form) >= 2:
                grams = _bigrams(form)
                places.append(_Place(entry, form, grams))
                df.update(grams)
    n = max(1, len(places))
    idf = {g: math.log(1 + n / c) for g, c in df.items()}
    return _Index(tuple(places), idf, districts)


@lru_cache(maxsize=4096)
def _jurisdiction(lat: float, lon: float, radius_m: float) -> dict[str, Any]:
    placed = geo.locate(device=geo.DevicePoint(lat=lat, lon=lon, accuracy_m=radius_m)).to_dict()
    return {k: placed.get(k) for k in ("district", "district_name", "precinct", "precinct_name",
                                       "in_jurisdiction")}


def is_precise(location: Mapping[str, Any]) -> bool:
    """True when a location names its precinct inside the city within a small circle."""
    radius = location.get("radius_m")
    return bool(location.get("precinct")) and location.get("in_jurisdiction") is True and \
        radius is not None and float(radius) <= PRECISE_RADIUS_M


def candidates(query: str, limit: int = 8) -> list[dict[str, Any]]:
    """Pickable gazetteer places for ``query``, best first.

    Returns:
        Up to ``limit`` places: ``name``, ``kind``, ``kind_label``, ``lat``, ``lon``
        (WGS-84), ``radius_m``, ``district``, ``district_name``, ``precinct``,
        ``precinct_name``, ``in_jurisdiction``, ``score`` (0–1) and a display ``label``.
    """
    text = _norm(query)
    if len(text) < 2:
        return []
    index = _index()
    named = {code for form, code in index.district_forms.items() if form in text}
    bare = text
    for form in sorted((f for f in index.district_forms if f in text), key=len, reverse=True):
        bare = bare.replace(form, " ")  # the district filters; its name matches nothing
    grams = _bigrams(bare) - {g for g in _bigrams(bare) if " " in g} or _bigrams(text)
    total = sum(index.idf.get(g, 0.0) for g in grams) or 1.0
    best: dict[tuple[str, str], tuple[float, _Place]] = {}
    for place in index.places:
        shared = grams & place.grams
        if not shared:
            continue
        score = sum(index.idf[g] for g in shared) / total
        own = sum(index.idf[g] for g in place.grams) or 1.0
        score = 0.6 * score + 0.4 * sum(index.idf[g] for g in shared) / own
        if place.form in text or text in place.form:
            score += 0.3
        if named and place.entry.district not in named:
            score *= 0.5
        key = (place.entry.name, place.entry.kind)
        if key not in best or best[key][0] < score:
            best[key] = (score, place)
    ranked = sorted(best.values(), key=lambda sp: (-sp[0], sp[1].entry.rank, sp[1].entry.name))
    out = []
    top = ranked[0][0] if ranked else 1.0
    for score, place in ranked[:limit]:
        if score < 0.25 * top:
            break
        e = place.entry
        assert e.point is not None
        radius = float(e.radius_m or 300.0)
        where = _jurisdiction(e.point[0], e.point[1], min(radius, PRECISE_RADIUS_M))
        out.append({"name": e.name, "kind": e.kind, "kind_label": PICKABLE[e.kind],
                    "lat": round(e.point[0], 7), "lon": round(e.point[1], 7),
                    "radius_m": round(radius, 1), **where,
                    "score": round(min(1.0, score), 3),
                    "label": " · ".join(x for x in (where.get("district_name"), e.name) if x)})
    return out


def suggest(query: str, limit: int = 8) -> dict[str, Any]:
    """What the consoles show under an address field: where ``geo.locate`` puts the text,
    whether that is precise enough to dispatch, and places to pick instead.

    Returns:
        ``{"query", "located", "precise", "candidates"}``; ``located`` is the
        ``geo.locate`` answer for the text as an address.
    """
    located = geo.locate(query, address=query).to_dict()
    return {"query": query, "located": located, "precise": is_precise(located),
            "candidates": candidates(query, limit)}
