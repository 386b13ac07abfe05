"""Seat points of the precincts, with the provenance of each (``seat_source``).

Order of evidence, strongest first:

1. ``places``: the unit's own town-level point in ``baotou_places.csv`` (AMap, via
   Vonng/adcode; or GeoNames for 石拐).
2. ``communities``: the mean of the unit's community/village points in the same file
   (the unit is joined by the 2016 code quoted in each row, checked against the 2023
   NBS village list).
3. ``derived``: no point is known. A point is placed by *maximin* — the candidate that
   is farthest from every seat already placed — inside a region chosen from the data:
   the 2021 青山区 southern lobe for the 稀土高新区 units (SOURCES.md caveat 1), the
   urban core of the district (hull of its known 街道 seats) for a 街道, or the whole
   district otherwise. Such a seat is plausible, never authoritative.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import MultiPoint, points
from shapely.geometry.base import BaseGeometry

from geo.sources import Place, Town, Village

HIGH_TECH_ZONE = "150271"  # 包头稀土高新技术产业开发区: NBS functional zone, no polygon
HIGH_TECH_HOST = "150207"  # the zone's streets lie in DataV 2026 九原区 (caveat 2)


@dataclass(frozen=True, slots=True)
class Seat:
    """A precinct seat in WGS-84 with where it came from."""

    code: str
    point: tuple[float, float]  # (lat, lon)
    source: str


def _mean(pts: Sequence[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def community_towns(places: Iterable[Place], villages: Sequence[Village]) -> dict[str, str]:
    """Map each community place name to its 2023 town code.

    The 2016 code's 9-digit prefix wins when that town still lists the name in 2023;
    otherwise the prefix alone (the community was renamed or merged).
    """
    listed = {(v.name, v.town) for v in villages}
    towns = {v.town for v in villages}
    out: dict[str, str] = {}
    for p in places:
        code = p.nbs_2016
        if p.kind != "other" or code is None:
            continue
        prefix = code[:9]
        if (p.name, prefix) in listed or prefix in towns:
            out[p.name] = prefix
    return out


def _maximin(region: BaseGeometry, taken: list[tuple[float, float]]) -> tuple[float, float]:
    """The grid point inside ``region`` farthest from every point in ``taken``.

    Distances are in locally scaled degrees (longitude times cos(latitude)); a point
    is also kept away from the region's edge so its Voronoi cell is not a sliver.
    """
    minx, miny, maxx, maxy = region.bounds
    k = math.cos(math.radians((miny + maxy) / 2))
    steps = 61
    lons, lats = np.meshgrid(np.linspace(minx, maxx, steps), np.linspace(miny, maxy, steps),
                             indexing="ij")
    lons, lats = lons.ravel(), lats.ravel()  # type: ignore[assignment]  # 2-D grid → 1-D
    keep = shapely.contains_xy(region, lons, lats)
    if not keep.any():  # degenerate region: fall back to a point surely inside it
        rp = region.representative_point()
        return rp.y, rp.x
    lons, lats = lons[keep], lats[keep]
    score = 2 * shapely.distance(region.boundary, shapely.points(lons, lats))
    for a, b in taken:
        score = np.minimum(score, np.hypot(lats - a, (lons - b) * k))
    best = int(np.argmax(score))  # first maximum: deterministic
    return float(lats[best]), float(lons[best])


def build_seats(
    towns: Sequence[Town],
    places: Sequence[Place],
    villages: Sequence[Village],
    districts: dict[str, BaseGeometry],
    high_tech_region: BaseGeometry,
) -> dict[str, Seat]:
    """Return one seat per NBS town code, in WGS-84, with its ``seat_source``."""
    seats: dict[str, Seat] = {}
    for p in places:
        if p.kind == "subdistrict" and p.point is not None and p.nbs_2023:
            seats[p.nbs_2023] = Seat(p.nbs_2023, p.point,
                                     "places: AMap town point via Vonng/adcode")
    by_town: dict[str, list[tuple[float, float]]] = defaultdict(list)
    member = community_towns(places, villages)
    for p in places:
        if p.name in member and p.point is not None:
            by_town[member[p.name]].append(p.point)
    geonames = {p.aliases[-1]: p for p in places if p.source.startswith("GeoNames") and p.point}
    for t in towns:
        if t.code in seats:
            continue
        short = t.name.removesuffix("街道")
        point = geonames[short].point if short in geonames else None
        if point is not None:
            seats[t.code] = Seat(t.code, point, "places: GeoNames populated place")
        elif by_town.get(t.code):
            n = len(by_town[t.code])
            seats[t.code] = Seat(t.code, _mean(by_town[t.code]),
                                 f"communities: mean of {n} point(s)")
    for t in towns:  # deterministic order: NBS code order
        if t.code in seats:
            continue
        region, label = _derivation_region(t, seats, districts, high_tech_region)
        host = HIGH_TECH_HOST if t.district == HIGH_TECH_ZONE else t.district
        taken = [s.point for c, s in seats.items() if c[:6] in (host, t.district)]
        seats[t.code] = Seat(t.code, _maximin(region, taken), f"derived: maximin in {label}")
    return seats


def _derivation_region(
    town: Town, seats: dict[str, Seat], districts: dict[str, BaseGeometry], lobe: BaseGeometry
) -> tuple[BaseGeometry, str]:
    if town.district == HIGH_TECH_ZONE:
        return lobe, "the 2021 青山区 southern lobe now in 九原区 (SOURCES caveat 1)"
    district = districts[town.district]
    is_street = town.code[6] == "0"  # NBS 0xx = 街道
    known = [s.point for c, s in seats.items() if c[:6] == town.district and c[6] == "0"]
    if is_street and len(known) >= 3:
        hull = MultiPoint(points([(lon, lat) for lat, lon in known])).convex_hull
        core = hull.buffer(0.01).intersection(district)
        if not core.is_empty and core.area > 0:
            return core, "the district's urban core (hull of its known 街道 seats)"
    return district, "the whole district"
