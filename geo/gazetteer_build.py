"""Build ``gazetteer.json``: every name the parser can resolve, with a point if known.

Entry kinds and what they resolve to:

========== ================================================ =============================
kind       source                                           point / radius
========== ================================================ =============================
city       包头市 (DataV city anchor)                        anchor, 15 km
district   DataV 2026 districts + curated colloquial forms   DataV ``center``, district size
town       NBS 2023 街道/镇/苏木 (+ AreaCity short forms)     precinct seat, precinct size
community  NBS 2023 社区/村 (+ places.csv points)             point 400 m, else town seat
poi        places.csv rows with a coordinate                 point, 300 m
landmark   places.csv rows without a coordinate              district (or curated hint)
hint       curated/landmark_hints.csv (+ place_aliases.csv)  town seat, derived point or district
road       places.csv road rows                              district(s), no point
outside    other Inner Mongolia cities, Suzhou, provinces    DataV ``center``
========== ================================================ =============================
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geopy.distance import geodesic

from geo.names import DISTRICT_ALIASES, community_forms, town_short_forms
from geo.seats import HIGH_TECH_ZONE, Seat
from geo.sources import Place, Town, Village, read_areacity, read_features

HINTS_FILE = Path(__file__).resolve().parent / "data" / "curated" / "landmark_hints.csv"
OUTSIDE_FILE = Path(__file__).resolve().parent / "data" / "curated" / "outside_units.csv"
CITIES_FILE = Path(__file__).resolve().parent / "data" / "curated" / "other_cities.csv"
ALIASES_FILE = Path(__file__).resolve().parent / "data" / "curated" / "place_aliases.csv"
_DISTRICT_BY_NAME_EXTRA = {"稀土高新区": HIGH_TECH_ZONE}


def _entry(kind: str, name: str, forms: Sequence[str], **kw: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": kind, "name": name, "forms": sorted(set(forms) | {name})}
    entry.update({k: v for k, v in kw.items() if v is not None})
    return entry


def build_gazetteer(
    towns: Sequence[Town],
    villages: Sequence[Village],
    places: Sequence[Place],
    district_names: dict[str, str],
    seats: dict[str, Seat],
    town_radius: dict[str, float],
    district_radius: dict[str, float],
    district_centers: dict[str, list[float]],
) -> dict[str, Any]:
    """Return the gazetteer document (a dict with ``entries``)."""
    by_name = {n: c for c, n in district_names.items()} | _DISTRICT_BY_NAME_EXTRA
    entries: list[dict[str, Any]] = []
    for code, aliases in sorted(DISTRICT_ALIASES.items()):
        name = district_names.get(code, "稀土高新区")
        entries.append(_entry("district", name, aliases, district=code,
                              point=district_centers.get(code), radius_m=district_radius.get(code)))
    anchor = next(p for p in places if p.kind == "government" and p.name == "包头市人民政府")
    entries.append(_entry("city", "包头市", ["包头", "鹿城"], point=list(anchor.point or ()),
                          radius_m=15000.0, city="包头市", province="内蒙古自治区"))
    nbs_names = {t.name for t in towns}
    area_city: dict[str, list[str]] = {}
    for r in read_areacity():
        if r["deep"] != "3":
            continue
        if r["ext_name"] in nbs_names:  # same unit: AreaCity's short name
            area_city.setdefault(r["ext_name"], []).append(r["name"])
        else:  # same code, other name (二里半街道 for 天骄街道, SOURCES.md): an older name
            area_city.setdefault(r["id"], []).extend([r["ext_name"], r["name"]])
    for t in towns:
        forms = town_short_forms(t.name) + area_city.get(t.name, []) + area_city.get(t.code, [])
        for place in places:
            if place.kind == "subdistrict" and place.nbs_2023 == t.code:
                forms.extend(place.aliases)
        forms = [f for f in forms if len(f) >= 2]
        entries.append(_entry("town", t.name, forms, district=t.district,
                              town=t.code, point=list(seats[t.code].point),
                              radius_m=round(town_radius[t.code])))
    pointed = {p.name: p for p in places if p.kind == "other" and p.point is not None}
    for v in villages:
        if "虚拟社区" in v.name:
            continue
        p = pointed.get(v.name)
        point = list(p.point) if p is not None and p.point is not None and p.nbs_2016 and \
            p.nbs_2016[:9] == v.town else None
        radius = 400.0 if point else round(town_radius[v.town])
        entries.append(_entry("community", v.name, community_forms(v.name), district=v.town[:6],
                              town=v.town, point=point or list(seats[v.town].point),
                              radius_m=radius,
                              point_is_town_seat=point is None or None))
    entries.extend(_place_entries(places, by_name, villages))
    entries.extend(_hint_entries(by_name, places))
    entries.extend(_outside_entries())
    return {"entries": entries}


def read_aliases() -> dict[str, list[str]]:
    """``place_aliases.csv``: name -> colloquial forms (a name may have several rows)."""
    out: dict[str, list[str]] = {}
    with ALIASES_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if not r["evidence"].strip():
                raise ValueError(f"place_aliases.csv: {r['name']} has no evidence")
            out.setdefault(r["name"], []).extend(a for a in r["aliases"].split("|") if a)
    return out


def _place_entries(
    places: Sequence[Place], by_name: dict[str, str], villages: Sequence[Village]
) -> list[dict[str, Any]]:
    out = []
    village_names = {v.name for v in villages}
    extra = read_aliases()
    for p in places:
        if p.kind in ("subdistrict",) or (p.kind == "other" and p.name in village_names):
            continue
        districts = [by_name[d] for d in p.districts if d in by_name]
        forms = list(p.aliases) + extra.get(p.name, [])
        name = p.name.split(" (")[0]
        if p.kind == "other" and p.nbs_2016:
            forms.extend(community_forms(name))
            kind = "community" if p.point is not None else "landmark"
            town = p.nbs_2016[:9]
        else:
            kind = "poi" if p.point is not None else ("road" if p.kind == "road" else "landmark")
            town = None
        radius = {"government": 300.0, "school": 400.0, "station": 800.0}.get(p.kind, 500.0)
        out.append(_entry(kind, name, forms, districts=districts or None,
                          district=districts[0] if len(districts) == 1 else None,
                          town=town, point=list(p.point) if p.point else None,
                          radius_m=radius if p.point else None, place_kind=p.kind))
    return out


def _hint_entries(by_name: dict[str, str], places: Sequence[Place]) -> list[dict[str, Any]]:
    """Curated hints for landmarks that have a documented setting but no point.

    A hint names the district (or, for a landmark a source puts on a boundary, two
    districts separated by ``|``) and, where a source says so, the precinct (``town``)
    the landmark lies in, or a place with a point that the sources say stands at (or at
    a stated distance and bearing from) the landmark (``point_from``, ``distance_m``,
    ``bearing_deg``). Colloquial forms come from ``place_aliases.csv``. A hint with
    neither a town nor a point reads as a landmark of its district(s).
    """
    points = {p.name: p.point for p in places if p.point is not None}
    aliases = read_aliases()
    out = []
    seen: set[str] = set()
    with HINTS_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            name = r["name"]
            if name in seen:
                raise ValueError(f"landmark_hints.csv: {name} is listed twice")
            seen.add(name)
            if not r["evidence"].strip():
                raise ValueError(f"landmark_hints.csv: {name} has no evidence")
            names = [d for d in r["district"].split("|") if d]
            unknown = [d for d in names if d not in by_name]
            if unknown or not names:
                raise ValueError(f"landmark_hints.csv: {name}: unknown district {unknown}")
            districts = [by_name[d] for d in names]
            if r["town"] and not any(r["town"].startswith(c) for c in districts):
                raise ValueError(f"landmark_hints.csv: {name}: town {r['town']} is not in "
                                 f"{r['district']}")
            point = points.get(r["point_from"]) if r["point_from"] else None
            if point is not None and r["distance_m"]:  # "2.7 km southwest of …" style evidence
                dest = geodesic(meters=float(r["distance_m"])).destination(
                    point, bearing=float(r["bearing_deg"]))
                point = (round(dest.latitude, 6), round(dest.longitude, 6))
            out.append(_entry("hint", name, aliases.get(name, []), town=r["town"] or None,
                              district=districts[0] if len(districts) == 1 else None,
                              districts=districts if len(districts) > 1 else None,
                              evidence=r["evidence"],
                              point=list(point) if point else None,
                              radius_m=float(r["radius_m"]) if r["radius_m"] else None))
    return out


def _equivalent_radius_m(geom: Any) -> float:
    area_km2 = geom.area * 111.0 * 111.0 * math.cos(math.radians(geom.centroid.y))
    return float(round(math.sqrt(area_km2 / math.pi) * 1000.0))


def _outside_entries() -> list[dict[str, Any]]:
    out = []
    for props, _ in read_features("inner_mongolia_cities_datav2026_gcj02.geojson"):
        name = str(props["name"])
        if name == "包头市":
            continue
        stem = name.removesuffix("市").removesuffix("盟")
        forms = [stem] + (["呼市"] if stem == "呼和浩特" else [])
        out.append(_entry("outside", name, forms, city=name, province="内蒙古自治区",
                          point=props["center"], radius_m=20000.0, adcode=str(props["adcode"])))
    for props, _ in read_features("suzhou_districts_datav2026_gcj02.geojson"):
        name = str(props["name"])
        if name == "姑苏区":  # the old city centre stands for 苏州市 as a whole
            out.append(_entry("outside", "苏州市", ["苏州"], city="苏州市", province="江苏省",
                              point=props["center"], radius_m=25000.0, adcode="320500"))
        city = name if str(props["adcode"]) == "320582" else "苏州市"
        stem = name.removesuffix("区").removesuffix("市")
        forms = [stem] if len(stem) >= 2 and stem not in ("吴中", "相城", "姑苏", "虎丘") else []
        out.append(_entry("outside", name, forms, city=city, province="江苏省",
                          point=props["center"], radius_m=10000.0, adcode=str(props["adcode"])))
    centers = {e["name"]: e for e in out}
    with OUTSIDE_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):  # county-level units of neighbouring cities, 张家港 towns
            seat = centers[r["city"]]
            out.append(_entry("outside", r["name"], [], city=r["city"], province=r["province"],
                              point=seat["point"], radius_m=seat["radius_m"], adcode=seat["adcode"],
                              evidence=r["evidence"]))
    provinces = {str(p["name"]): (p, g) for p, g in
                 read_features("china_provinces_datav2019_gcj02.json")}
    with CITIES_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):  # cities without a polygon here: named, province point
            props, geom = provinces[r["province"]]
            out.append(_entry("outside", r["name"], [r["name"].removesuffix("市")],
                              city=r["name"], province=r["province"], point=props["center"],
                              radius_m=_equivalent_radius_m(geom), adcode=str(props["adcode"]),
                              evidence=r["evidence"], point_is_province=True))
    for props, geom in read_features("china_provinces_datav2019_gcj02.json"):
        name = str(props["name"])
        stem = name
        for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市"):
            stem = stem.removesuffix(suffix)
        forms = [stem] if len(stem) >= 2 and name != "内蒙古自治区" else []
        out.append(_entry("province", name, forms, province=name, point=props["center"],
                          radius_m=_equivalent_radius_m(geom), adcode=str(props["adcode"])))
    return out
