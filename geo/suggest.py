"""Address suggestions from the offline gazetteer, and placing a point a person chose.

Two questions a console asks while a person fixes where something happened:

* :func:`suggest` — "the call-taker has typed this much: where could it be?" The answer
  says how :func:`geo.locate` would place the text alone (``level``: ``precinct`` when a
  precinct is known, ``district`` or ``city`` when only that much is, ``none`` or
  ``out_of_area``) and offers places to pick: gazetteer entries with a point whose name
  matches (exact, then prefix, then infix, then the places named inside the text), then,
  for a text placed only at district level, the precincts its uncertainty circle covers.
* :func:`fix` — "the officer clicked here / picked that": the jurisdiction of the chosen
  point, shaped like a :class:`Location`, with ``source`` ``manual`` or ``gazetteer``.

Pure lookups over the loaded layers; no I/O beyond their first lazy load.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from geo import layers
from geo.api import precinct as precinct_by_id
from geo.errors import GeoError, UnknownPrecinct
from geo.gazetteer import RANK, Entry, gazetteer
from geo.jurisdiction import judge
from geo.locate import locate
from geo.model import Location

# Kinds that stand for a place a unit can drive to; districts, the city and places
# outside Baotou are what an imprecise placement already is.
_PLACE_KINDS = frozenset({"poi", "community", "hint", "town", "landmark"})
PRECINCT_RADIUS_M = 1000.0  # a precinct picked as such: "somewhere around its seat"
MAX_QUERY = 100


class UnknownPlace(GeoError):
    """A candidate id that no suggestion ever offered (ids are ``g:…`` or ``p:…``)."""


@dataclass(frozen=True, slots=True)
class Place:
    """One place a person may pick.

    Attributes:
        id: ``g:<kind>:<district>:<name>`` for a gazetteer entry, ``p:<precinct id>`` for
            a precinct offered as the candidate of a coarse placement.
        name: the Chinese name; kind: the gazetteer kind or ``precinct``.
        lat, lon, radius_m: WGS-84 point and how far the place extends.
        share: for a precinct candidate, its share of the coarse placement's circle.
    """

    id: str
    name: str
    kind: str
    lat: float
    lon: float
    radius_m: float
    district: str | None
    district_name: str | None
    precinct: str | None
    precinct_name: str | None
    town: str | None = None
    share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``label``: the district and name, as a console lists it)."""
        label = " ".join(x for x in (self.district_name, self.name) if x)
        return {"id": self.id, "name": self.name, "label": label, "kind": self.kind,
                "lat": round(self.lat, 7), "lon": round(self.lon, 7),
                "radius_m": round(self.radius_m, 1), "district": self.district,
                "district_name": self.district_name, "precinct": self.precinct,
                "precinct_name": self.precinct_name, "share": self.share}


@dataclass(frozen=True, slots=True)
class Suggestions:
    """The answer to :func:`suggest`."""

    query: str
    level: str
    placement: Location
    items: tuple[Place, ...]

    @property
    def is_precise(self) -> bool:
        """True when the text alone names a precinct (routing needs nobody's help)."""
        return self.level == "precinct"

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "level": self.level, "precise": self.is_precise,
                "placement": self.placement.to_dict(),
                "items": [p.to_dict() for p in self.items], "count": len(self.items)}


def _entry_id(entry: Entry) -> str:
    return f"g:{entry.kind}:{entry.district or '-'}:{entry.name}"


@cache
def _entries() -> dict[str, Entry]:
    """Every placeable gazetteer entry by id (first wins on a repeated id)."""
    out: dict[str, Entry] = {}
    for entries in gazetteer().forms.values():
        for e in entries:
            if e.kind in _PLACE_KINDS and e.point is not None:
                out.setdefault(_entry_id(e), e)
    return out


@lru_cache(maxsize=4096)
def _place_of(entry_id: str) -> Place:
    e = _entries()[entry_id]
    assert e.point is not None  # _entries keeps only placed entries
    radius = float(e.radius_m or 300.0)
    j = judge(e.point[0], e.point[1], radius, e.town)
    return Place(entry_id, e.name, e.kind, e.point[0], e.point[1], radius, j.district,
                 j.district_name, j.precinct.id if j.precinct else None,
                 j.precinct.name if j.precinct else None, town=e.town)


def _precinct_place(precinct_id: str, share: float | None = None) -> Place:
    p = precinct_by_id(precinct_id)
    return Place(f"p:{p.id}", p.name, "precinct", p.seat[0], p.seat[1], PRECINCT_RADIUS_M,
                 p.district, p.district_name, p.id, p.name, town=p.id, share=share)


def level_of(location: Location) -> str:
    """How precisely a location is known: precinct, district, city, none, out_of_area."""
    if location.lat is None and not location.is_out_of_area:
        return "none"
    if location.is_out_of_area:
        return "out_of_area"
    if location.precinct:
        return "precinct"
    return "district" if location.district else "city"


def _normalise(text: str) -> str:
    return "".join(text.split()).lower()


def suggest(query: str, limit: int = 10) -> Suggestions:
    """Places matching what was typed, most specific first, and how the text alone places.

    Args:
        query: the address typed so far (1–100 characters after trimming).
        limit: at most this many items (1–50).

    Raises:
        GeoError: an empty or over-long query, or a limit out of range.
    """
    q = _normalise(query)
    if not q or len(q) > MAX_QUERY:
        raise GeoError(f"q must be 1–{MAX_QUERY} characters other than spaces")
    if not 1 <= limit <= 50:
        raise GeoError("limit must lie between 1 and 50")
    placement = locate(address=query)
    level = level_of(placement)
    index = _entries()
    ranked: dict[str, tuple[int, int, int]] = {}
    gaz = gazetteer()
    for form, entries in gaz.forms.items():
        tier = 0 if form == q else 1 if form.startswith(q) else 2 if q in form else None
        if tier is None:
            continue
        for e in entries:
            eid = _entry_id(e)
            if eid in index:
                ranked[eid] = min(ranked.get(eid, (9, 9, 9)), (tier, RANK[e.kind], len(e.name)))
    for match in gaz.scan(q):
        for e in match.entries:
            eid = _entry_id(e)
            if eid in index and eid not in ranked:
                ranked[eid] = (3, RANK[e.kind], len(e.name))
    items = [_place_of(eid) for eid in sorted(ranked, key=lambda i: (ranked[i], i))[:limit]]
    if level in ("district", "city", "none") and len(items) < limit:
        items += [_precinct_place(pid, share) for pid, share in placement.candidates
                  ][:limit - len(items)]
    return Suggestions(query, level, placement, tuple(items))


def place(candidate_id: str) -> Place:
    """The place a suggestion offered under ``candidate_id``.

    Raises:
        UnknownPlace: no suggestion offers that id.
    """
    if candidate_id.startswith("p:"):
        try:
            return _precinct_place(candidate_id[2:])
        except UnknownPrecinct:
            raise UnknownPlace(f"unknown candidate {candidate_id[:80]!r}") from None
    if candidate_id not in _entries():
        raise UnknownPlace(f"unknown candidate {candidate_id[:80]!r}")
    return _place_of(candidate_id)


def fix(lat: float, lon: float, radius_m: float, *, town: str | None = None,
        source: str = "manual", matched: tuple[str, ...] = ()) -> Location:
    """The jurisdiction of a point a person chose, as a :class:`Location`.

    Args:
        lat, lon: WGS-84 (convert first with :func:`geo.to_wgs84`).
        radius_m: how precisely the person placed it.
        town: the precinct (NBS town code) the chosen place names, if any.
        source: ``manual`` (a map click) or ``gazetteer`` (a picked candidate).
        matched: what was picked, for the audit trail.
    """
    j = judge(lat, lon, radius_m, town if town in layers.precinct_index() else None)
    p = j.precinct if j.in_jurisdiction else None
    return Location(lat=lat, lon=lon, radius_m=radius_m, confidence=0.95, source=source,
                    district=j.district, district_name=j.district_name,
                    precinct=p.id if p else None, precinct_name=p.name if p else None,
                    in_jurisdiction=j.in_jurisdiction, city=j.city, province=j.province,
                    candidates=j.candidates, matched=matched,
                    county=j.district_name if j.in_jurisdiction else None,
                    county_code=j.district if j.in_jurisdiction else None)
