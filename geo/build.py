"""``python -m geo build``: build the WGS-84 layers under ``geo/data`` from ``raw/``.

Outputs (all GeoJSON/JSON, WGS-84, coordinates rounded to 6 decimals ≈ 0.1 m):

* ``districts.geojson`` — the 9 DataV 2026 districts, converted from GCJ-02.
* ``precincts.geojson`` — one synthetic precinct per NBS 街道/镇/乡/苏木 (91, with the
  three 稀土高新区 units): Voronoi cells around the seats (:mod:`geo.seats`), computed
  in a local metric projection and clipped to the host district.
* ``outside.geojson`` — out-of-area naming layers: Inner Mongolia's other cities, the
  Suzhou districts (张家港市) and the provinces, simplified.
* ``gazetteer.json`` — names, aliases and points (see :mod:`geo.gazetteer_build`).
* ``national.json`` — every NBS 2023 province, prefecture, county and township of China
  with codes, parents and representative points (see :mod:`geo.national_build`).

The build is deterministic: the same raw files give byte-identical outputs.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import shapely
from shapely import MultiPoint, voronoi_polygons
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from geo import seats as seat_rules
from geo.gazetteer_build import build_gazetteer
from geo.national_build import build_national
from geo.sources import read_features, read_places, read_towns, read_villages

DATA_DIR = Path(__file__).resolve().parent / "data"
DISTRICTS_FILE = "baotou_districts_datav2026_gcj02.geojson"
DISTRICTS_2021_FILE = "baotou_districts_datav2021_gcj02.geojson"
HIGH_TECH_NAME = "稀土高新区"
_LAT0 = 40.65  # projection origin latitude for the Voronoi step (Baotou)
_K = math.cos(math.radians(_LAT0))


def _to_local(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: xy * (_K, 1.0))


def _from_local(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: xy / (_K, 1.0))


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 6)
    if isinstance(obj, (list, tuple)):
        return [_round_coords(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _round_coords(v) for k, v in obj.items()}
    return obj


def _feature(props: dict[str, Any], geom: BaseGeometry, digits: int = 6) -> dict[str, Any]:
    geometry = mapping(shapely.set_precision(geom, 10.0**-digits) if digits < 6 else geom)
    return {"type": "Feature", "properties": props, "geometry": _round_coords(geometry)}


def _write(out_dir: Path, name: str, payload: dict[str, Any]) -> Path:
    path = out_dir / name
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def voronoi_cells(
    seats: dict[str, tuple[float, float]], district: BaseGeometry
) -> dict[str, BaseGeometry]:
    """Voronoi cells (metric, local projection) of ``seats`` clipped to ``district``."""
    codes = sorted(seats)
    if len(codes) == 1:
        return {codes[0]: district}
    pts = [Point(seats[c][1] * _K, seats[c][0]) for c in codes]
    local = _to_local(district)
    cells = voronoi_polygons(MultiPoint(pts), extend_to=local.envelope.buffer(1.0))
    out: dict[str, BaseGeometry] = {}
    for code, pt in zip(codes, pts, strict=True):
        cell = next(g for g in cells.geoms if g.contains(pt) or g.touches(pt))
        out[code] = _from_local(cell.intersection(local))
    return out


def build(out_dir: Path = DATA_DIR, simplify_outside: float = 0.005, *,
          with_outside: bool = True) -> list[Path]:
    """Build every layer into ``out_dir`` (default ``geo/data``) and return the paths.

    Args:
        out_dir: Folder to write to.
        simplify_outside: Simplification tolerance (degrees) of the out-of-area layer.
        with_outside: Also rebuild ``outside.geojson`` (the slowest step).
    """
    towns = read_towns()
    places = read_places()
    villages = read_villages()
    dist_feats = read_features(DISTRICTS_FILE)
    districts = {str(p["adcode"]): g for p, g in dist_feats}
    names = {str(p["adcode"]): str(p["name"]) for p, _ in dist_feats}
    old = {str(p["adcode"]): g for p, g in read_features(DISTRICTS_2021_FILE)}
    lobe = old["150204"].difference(districts["150204"]).intersection(districts["150207"])
    lobe = max(getattr(lobe, "geoms", [lobe]), key=lambda g: g.area)
    seats = seat_rules.build_seats(towns, places, villages, districts, lobe)

    written = [_write(out_dir, "districts.geojson", {"type": "FeatureCollection", "features": [
        _feature({"adcode": c, "name": names[c], "center": props_center(dist_feats, c)},
                 districts[c])
        for c in sorted(districts)
    ]})]

    features, town_radius = [], {}
    for adcode in sorted(districts):
        group = {t.code: seats[t.code].point for t in towns
                 if t.district == adcode
                 or (adcode == seat_rules.HIGH_TECH_HOST
                     and t.district == seat_rules.HIGH_TECH_ZONE)}
        for code, cell in sorted(voronoi_cells(group, districts[adcode]).items()):
            town = next(t for t in towns if t.code == code)
            dname = HIGH_TECH_NAME if town.district == seat_rules.HIGH_TECH_ZONE else names[adcode]
            props = {"id": code, "name": town.name, "district": town.district,
                     "district_name": dname, "host_district": adcode, "synthetic": True,
                     "seat": [round(v, 6) for v in seats[code].point],
                     "seat_source": seats[code].source}
            features.append(_feature(props, cell.simplify(0.0002)))
            town_radius[code] = equivalent_radius_m(cell)
    collection = {"type": "FeatureCollection", "features": features}
    written.append(_write(out_dir, "precincts.geojson", collection))
    if with_outside:
        written.append(_write(out_dir, "outside.geojson", _outside_layer(simplify_outside)))
    district_radius = {c: equivalent_radius_m(g) for c, g in districts.items()}
    district_radius[seat_rules.HIGH_TECH_ZONE] = equivalent_radius_m(lobe)
    centers = {c: props_center(dist_feats, c) for c in districts}
    rp = lobe.representative_point()
    centers[seat_rules.HIGH_TECH_ZONE] = [round(rp.y, 6), round(rp.x, 6)]
    gazetteer = build_gazetteer(towns, villages, places, names, seats, town_radius,
                                district_radius, centers)
    written.append(_write(out_dir, "gazetteer.json", _round_coords(gazetteer)))
    written.append(_write(out_dir, "national.json", build_national()))
    return written


def equivalent_radius_m(geom: BaseGeometry) -> float:
    """Radius in metres of the disc with the same area as ``geom`` (a WGS-84 polygon)."""
    area_m2 = _to_local(geom).area * 111_320.0**2
    return round(math.sqrt(area_m2 / math.pi), 1)


def props_center(feats: list[tuple[dict[str, Any], BaseGeometry]], adcode: str) -> list[float]:
    """The DataV ``center`` anchor of a district, as WGS-84 ``[lat, lon]``."""
    props = next(p for p, _ in feats if str(p["adcode"]) == adcode)
    return [round(v, 6) for v in props["center"]]


def _outside_layer(tolerance: float) -> dict[str, Any]:
    feats = []
    for props, geom in read_features("inner_mongolia_cities_datav2026_gcj02.geojson"):
        if str(props["adcode"]) == "150200":
            continue
        feats.append(_feature({"kind": "city", "adcode": str(props["adcode"]),
                               "name": props["name"],
                               "province": "内蒙古自治区", "center": props["center"]},
                              geom.simplify(tolerance / 2), digits=4))
    for props, geom in read_features("suzhou_districts_datav2026_gcj02.geojson"):
        city = props["name"] if str(props["adcode"]) == "320582" else "苏州市"
        feats.append(_feature({"kind": "city", "adcode": str(props["adcode"]), "name": city,
                               "district_name": props["name"], "province": "江苏省",
                               "center": props["center"]}, geom.simplify(tolerance / 5),
                              digits=4))
    for props, geom in read_features("china_provinces_datav2019_gcj02.json"):
        feats.append(_feature({"kind": "province", "adcode": str(props["adcode"]),
                               "name": props["name"], "center": props["center"]},
                              unary_union(geom).simplify(tolerance * 2), digits=4))
    return {"type": "FeatureCollection", "features": feats}
