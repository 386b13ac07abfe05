"""Where reports happen: the Baotou seed gazetteer, out-of-area anchors, jitter.

Sources (the raw copies the geo package keeps under ``geo/data/raw/``, plus our own
``simulators/streams/data/out_of_area.csv``; described in ``docs/simulators.md``):

* ``baotou_places.csv`` — towns, communities, schools, government seats and the airport
  with coordinates in their source CRS (GCJ-02, BD-09 or WGS-84), plus text-only roads,
  parks and landmarks with their district.
* ``baotou_towns_nbs.csv`` / ``baotou_villages_nbs.csv`` — NBS 2023 names of the 街道/镇
  and the 855 社区/村; a community inherits the point of its town.
* ``baotou_districts_datav2026_gcj02.geojson`` — district polygons; a jittered point
  that leaves the city is drawn again.
* ``out_of_area.csv`` — neighbouring cities and two Jiangsu county-level cities.

Every coordinate is converted to WGS-84 on load with :func:`geo.to_wgs84`.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import PreparedGeometry, prep

import geo
from geo import from_wgs84, to_wgs84

DATA: Final = Path(__file__).with_name("data")
RAW: Final = Path(geo.__file__).with_name("data") / "raw"
_AREA_DISTRICT: Final = {
    "150202": "东河区", "150203": "昆都仑区", "150204": "青山区", "150205": "石拐区",
    "150206": "白云鄂博矿区", "150207": "九原区", "150221": "土默特右旗", "150222": "固阳县",
    "150223": "达尔罕茂明安联合旗",
}
# Short forms that residents and call-takers use (see the cpca/jionlp notes in the geo sources).
DISTRICT_SHORT: Final = {
    "东河区": "东河", "昆都仑区": "昆区", "青山区": "青山", "九原区": "九原", "石拐区": "石拐",
    "白云鄂博矿区": "白云矿区", "土默特右旗": "土右旗", "固阳县": "固阳",
    "达尔罕茂明安联合旗": "达茂旗",
}
URBAN: Final = frozenset({"东河区", "昆都仑区", "青山区", "九原区"})


@dataclass(frozen=True, slots=True)
class Place:
    """A named anchor with a WGS-84 point.

    Attributes:
        name: Full name as the source spells it (``繁荣社区居委会``).
        short: The name people say (``繁荣社区``).
        kind: ``community``, ``subdistrict``, ``school``, ``government``, ``station`` or
            ``out_of_area``.
        district: Baotou district name, or the city name for out-of-area anchors.
        town: The 街道/镇 it belongs to, if known.
        lat: WGS-84 latitude.
        lon: WGS-84 longitude.
        radius_m: How far a report "at" this place may be from its point.
        province: Province for out-of-area anchors, else ``内蒙古自治区``.
    """

    name: str
    short: str
    kind: str
    district: str
    town: str | None
    lat: float
    lon: float
    radius_m: float
    province: str = "内蒙古自治区"


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Places grouped for sampling.

    Attributes:
        anchors: District name -> places with a point.
        streets: District name -> road/landmark/park names without a point.
        outside: Out-of-area anchors.
    """

    anchors: dict[str, tuple[Place, ...]]
    streets: dict[str, tuple[str, ...]]
    outside: tuple[Place, ...]


def _short(name: str) -> str:
    """The name people say: 繁荣社区居委会 -> 繁荣社区, 红泥井村委 -> 红泥井村, 巴音敖包嘎查村 -> 巴音敖包嘎查."""
    for suffix, village in (("社区居委会", False), ("居委会", False), ("村民委员会", True),
                            ("村委会", True), ("委员会", False), ("村委", True)):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix == "社区居委会":
                return stem + "社区"
            if village and not stem.endswith(("村", "嘎查")):
                stem += "村"
            return stem[:-1] if stem.endswith("嘎查村") else stem
    return name[:-1] if name.endswith("嘎查村") else name


def _read_csv(name: str, folder: Path = RAW) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Load and index the place data (cached; the files are read once)."""
    anchors: dict[str, list[Place]] = {d: [] for d in _AREA_DISTRICT.values()}
    streets: dict[str, list[str]] = {d: [] for d in _AREA_DISTRICT.values()}
    towns: dict[str, Place] = {}
    kinds = {"other": "community", "subdistrict": "subdistrict", "school": "school",
             "government": "government", "station": "station"}
    for row in _read_csv("baotou_places.csv"):
        district = row["district"]
        if row["crs"] == "none":
            for d in district.split("|"):
                if d in streets and row["kind"] in ("road", "park", "landmark", "hospital",
                                                    "intersection", "station"):
                    streets[d].append(row["name"])
            continue
        if district not in anchors or row["name"].startswith("石拐 ("):
            continue
        lat, lon = to_wgs84(float(row["lat"]), float(row["lon"]), row["crs"])
        kind = kinds[row["kind"]]
        urban = district in URBAN
        radius = {"community": 350.0 if urban else 1500.0, "subdistrict": 700.0 if urban else 2500.0,
                  "school": 250.0, "government": 200.0, "station": 400.0}[kind]
        place = Place(row["name"], _short(row["name"]), kind, district, None, lat, lon, radius)
        anchors[district].append(place)
        code = re.search(r"NBS 2023 code (\d{9})", row["note"])
        if kind == "subdistrict" and code:
            towns[code.group(1)] = place
    for row in _read_csv("baotou_villages_nbs.csv"):
        town = towns.get(row["streetCode"])
        if town is None or "虚拟" in row["name"]:  # NBS "virtual" communities are not places
            continue
        urban = "社区" in row["name"] and town.district in URBAN
        anchors[town.district].append(Place(
            row["name"], _short(row["name"]), "community", town.district, town.name,
            town.lat, town.lon, 900.0 if urban else 3500.0))
    outside = []
    for row in _read_csv("out_of_area.csv", DATA):
        lat, lon = to_wgs84(float(row["lat"]), float(row["lon"]), row["crs"])
        outside.append(Place(row["name"], row["name"], "out_of_area", row["city"], None, lat, lon,
                             float(row["radius_m"]), row["province"]))
    return Gazetteer(
        anchors={d: tuple(p) for d, p in anchors.items()},
        streets={d: tuple(dict.fromkeys(s)) for d, s in streets.items()},
        outside=tuple(outside),
    )


@lru_cache(maxsize=1)
def _city_outline() -> PreparedGeometry:
    data = json.loads((RAW / "baotou_districts_datav2026_gcj02.geojson").read_text("utf-8"))
    return prep(unary_union([shape(f["geometry"]).buffer(0) for f in data["features"]]))


def is_in_baotou(lat: float, lon: float) -> bool:
    """True if the WGS-84 point lies inside the DataV 2026 outline of Baotou."""
    glat, glon = from_wgs84(lat, lon, "gcj02")
    return bool(_city_outline().contains(Point(glon, glat)))


def offset(lat: float, lon: float, distance_m: float, bearing_deg: float) -> tuple[float, float]:
    """Move a WGS-84 point by ``distance_m`` along ``bearing_deg`` (spherical, metres-scale)."""
    rad = math.radians(bearing_deg)
    dlat = distance_m * math.cos(rad) / 111_320.0
    dlon = distance_m * math.sin(rad) / (111_320.0 * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def scatter(rng: random.Random, place: Place) -> tuple[float, float]:
    """A point near ``place`` (uniform over its radius); in-area points stay inside Baotou."""
    for _ in range(20):
        dist = place.radius_m * math.sqrt(rng.random())
        lat, lon = offset(place.lat, place.lon, dist, rng.uniform(0, 360))
        if place.kind == "out_of_area" or is_in_baotou(lat, lon):
            return round(lat, 6), round(lon, 6)
    return round(place.lat, 6), round(place.lon, 6)


def nearest_anchor(lat: float, lon: float, *, exclude: Place | None = None) -> Place:
    """The in-area anchor closest to a WGS-84 point (what a passer-by would name there)."""
    best, best_d = None, float("inf")
    coslat = math.cos(math.radians(lat))
    for places in gazetteer().anchors.values():
        for p in places:
            if exclude is not None and (p.lat, p.lon) == (exclude.lat, exclude.lon):
                continue
            dist = (p.lat - lat) ** 2 + ((p.lon - lon) * coslat) ** 2
            if dist < best_d:
                best, best_d = p, dist
    assert best is not None  # the gazetteer is never empty
    return best


def pick_district(rng: random.Random, weights: dict[str, float]) -> str:
    """Draw a district name in proportion to ``weights`` (population)."""
    names = sorted(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


@lru_cache(maxsize=16)
def _by_kind(district: str) -> dict[str, tuple[Place, ...]]:
    grouped: dict[str, list[Place]] = {}
    for p in gazetteer().anchors[district]:
        grouped.setdefault(p.kind, []).append(p)
    return {k: tuple(v) for k, v in grouped.items()}


def pick_anchor(rng: random.Random, district: str) -> Place:
    """Draw a place in ``district``: communities most often, then towns and landmarks."""
    by_kind = _by_kind(district)
    kinds = sorted(by_kind)
    weight = {"community": 6.0, "subdistrict": 2.0, "school": 1.0, "government": 0.5, "station": 0.5}
    kind = rng.choices(kinds, weights=[weight[k] for k in kinds])[0]
    return rng.choice(by_kind[kind])


def pick_street(rng: random.Random, district: str) -> str | None:
    """A road, park or landmark name of ``district`` (no coordinates), if any is known."""
    names = gazetteer().streets.get(district, ())
    return rng.choice(names) if names else None


def pick_outside(rng: random.Random, *, province: str | None = None) -> Place:
    """Draw an out-of-area anchor, optionally only from ``province``."""
    pool = [p for p in gazetteer().outside if province is None or p.province == province]
    return rng.choice(pool)
