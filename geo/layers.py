"""The polygon layers, loaded lazily once, with spatial indexes.

Containment uses shapely 2 STRtrees (``predicate="within"`` on points), so a batch of
points is tested in one vectorised call. Every layer is WGS-84 with x=lon, y=lat.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.crs import to_wgs84
from geo.errors import LayerError
from geo.grid import Grid, build_grid
from geo.model import Precinct
from geo.settings import get_settings

_M_PER_DEG = 111_320.0


@dataclass(frozen=True, slots=True)
class Area:
    """One named polygon of a layer."""

    code: str
    name: str
    geom: BaseGeometry
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Layer:
    """Polygons plus an STRtree over them."""

    areas: tuple[Area, ...]
    tree: STRtree

    def index_at(self, lat: float, lon: float) -> int | None:
        """Index of the first area containing the point, or None."""
        hits = self.tree.query(shapely.Point(lon, lat), predicate="within")
        return int(min(hits)) if len(hits) else None

    def indexes_at(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Vectorised: area index per point (-1 where none).

        Points in grid cells wholly inside (or outside) every polygon are answered from
        the grid; the rest by one vectorised STRtree query.
        """
        lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
        out, undecided = _grid_of(self).lookup(lons, lats)
        idx = np.nonzero(undecided)[0]
        if len(idx):
            pts = shapely.points(np.column_stack([lons[idx], lats[idx]]))
            pairs = self.tree.query(pts, predicate="within")
            exact = np.full(len(idx), -1, dtype=np.int64)
            exact[pairs[0][::-1]] = pairs[1][::-1]  # first hit wins, as in index_at
            out[idx] = exact
        return out

    def nearest(self, lat: float, lon: float) -> tuple[int, float]:
        """Index of the nearest area and its distance in metres (approximate)."""
        pt = shapely.Point(lon, lat)
        idx = int(self.tree.nearest(pt))
        deg = self.areas[idx].geom.distance(pt)
        return idx, deg * _M_PER_DEG * math.cos(math.radians(lat))


_GRIDS: dict[int, tuple[Layer, Grid]] = {}


def _grid_of(layer: Layer) -> Grid:
    """The lookup grid of a layer, built on first use (layers live for the process)."""
    hit = _GRIDS.get(id(layer))
    if hit is None or hit[0] is not layer:
        hit = (layer, build_grid(layer.tree, [a.geom for a in layer.areas]))
        _GRIDS[id(layer)] = hit
    return hit[1]


def _layer(areas: list[Area]) -> Layer:
    for a in areas:
        shapely.prepare(a.geom)
    return Layer(tuple(areas), STRtree([a.geom for a in areas]))


def _read(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LayerError(f"cannot read layer {path.name}: {exc}") from exc
    if data.get("type") != "FeatureCollection":
        raise LayerError(f"{path.name} is not a GeoJSON FeatureCollection")
    return data


@cache
def districts() -> Layer:
    """The 9 Baotou districts (DataV 2026, WGS-84)."""
    data = _read(get_settings().data_dir / "districts.geojson")
    return _layer([Area(f["properties"]["adcode"], f["properties"]["name"],
                        shapely.make_valid(shape(f["geometry"])), f["properties"])
                   for f in data["features"]])


@cache
def outside() -> tuple[Layer, Layer]:
    """``(cities, provinces)`` used to name out-of-area points."""
    data = _read(get_settings().data_dir / "outside.geojson")
    cities: list[Any] = []
    provinces: list[Any] = []
    for f in data["features"]:
        p = f["properties"]
        area = Area(p["adcode"], p["name"], shapely.make_valid(shape(f["geometry"])), p)
        (provinces if p["kind"] == "province" else cities).append(area)
    return _layer(cities), _layer(provinces)


@cache
def precinct_layer() -> tuple[Layer, tuple[Precinct, ...]]:
    """The active precinct layer: the agency's (``GEO_PRECINCTS_PATH``) or the built one."""
    settings = get_settings()
    path = settings.precincts_path or settings.data_dir / "precincts.geojson"
    data = _read(path)
    crs = str(data.get("crs_tag", "wgs84"))
    names = {a.code: a.name for a in districts().areas} | {"150271": "稀土高新区"}
    areas, precincts = [], []
    for f in data["features"]:
        p = f["properties"]
        missing = [k for k in ("id", "name", "district") if not p.get(k)]
        if missing:
            raise LayerError(f"{path.name}: a feature lacks {', '.join(missing)}")
        geom = shapely.make_valid(shape(f["geometry"]))
        if crs != "wgs84":
            geom = shapely.transform(geom, lambda xy: _convert_xy(xy, crs))
        seat = p.get("seat") or [geom.representative_point().y, geom.representative_point().x]
        pid = str(p["id"])
        precincts.append(Precinct(pid, str(p["name"]), str(p["district"]),
                                  str(p.get("district_name") or names.get(str(p["district"]), "")),
                                  bool(p.get("synthetic", False)),
                                  (float(seat[0]), float(seat[1]))))
        areas.append(Area(pid, str(p["name"]), geom, p))
    if len({p.id for p in precincts}) != len(precincts):
        raise LayerError(f"{path.name}: precinct ids are not unique")
    return _layer(areas), tuple(precincts)


def _convert_xy(xy: np.ndarray, crs: str) -> np.ndarray:
    out = np.empty_like(xy)
    for i, (lon, lat) in enumerate(xy):
        wlat, wlon = to_wgs84(float(lat), float(lon), crs)
        out[i] = (wlon, wlat)
    return out


@cache
def precinct_index() -> dict[str, int]:
    """Precinct id -> position in the active layer."""
    return {p.id: i for i, p in enumerate(precinct_layer()[1])}


_ANGLES = np.linspace(0, 2 * np.pi, 33)
_UNIT = np.column_stack([np.cos(_ANGLES), np.sin(_ANGLES)])


def circle(lat: float, lon: float, radius_m: float) -> BaseGeometry:
    """A 32-gon in WGS-84 approximating a geodesic circle (good to ~1 % below 50 km)."""
    dlat = radius_m / _M_PER_DEG
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    ring = _UNIT * (dlon, dlat) + (lon, lat)
    return shapely.polygons(ring)


def shares_in_circle(lat: float, lon: float, radius_m: float) -> list[tuple[int, float]]:
    """Precinct indexes meeting the circle with the share of its area in each, largest first."""
    layer = precinct_layer()[0]
    disc = circle(lat, lon, radius_m)
    hits = layer.tree.query(disc, predicate="intersects")
    if len(hits) == 0:
        return []
    total = disc.area
    shares = [(int(i), layer.areas[int(i)].geom.intersection(disc).area / total) for i in hits]
    return sorted(((i, s) for i, s in shares if s > 0.005), key=lambda t: (-t[1], t[0]))
