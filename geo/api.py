"""Precinct queries for other packages and the consoles' maps."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import shapely

from geo import layers
from geo.crs import check_lat_lon
from geo.errors import InvalidCoordinates, UnknownPrecinct
from geo.jurisdiction import precincts_meeting_circle
from geo.model import Precinct
from geo.settings import get_settings


def precincts() -> tuple[Precinct, ...]:
    """All precincts of the active layer, in layer order."""
    return layers.precinct_layer()[1]


def precinct(precinct_id: str) -> Precinct:
    """The precinct with this id.

    Raises:
        UnknownPrecinct: the id is not in the active layer (check the console's feed
            subscription; ids are NBS 9-digit codes in the synthetic layer).
    """
    idx = layers.precinct_index().get(str(precinct_id))
    if idx is None:
        raise UnknownPrecinct(f"unknown precinct {precinct_id!r}")
    return layers.precinct_layer()[1][idx]


@cache
def precincts_geojson() -> dict[str, Any]:
    """The active precinct layer as a WGS-84 FeatureCollection for the consoles' maps.

    Every feature carries ``id``, ``name``, ``district``, ``district_name``, ``seat``
    (``[lat, lon]``) and ``synthetic`` (show "synthetic boundaries" in the legend).
    """
    layer, items = layers.precinct_layer()
    features = [{"type": "Feature", "properties": {
        "id": p.id, "name": p.name, "district": p.district, "district_name": p.district_name,
        "synthetic": p.synthetic, "seat": list(p.seat),
        "seat_source": layer.areas[i].props.get("seat_source")},
        "geometry": shapely.geometry.mapping(layer.areas[i].geom)} for i, p in enumerate(items)]
    return {"type": "FeatureCollection", "crs_tag": "wgs84", "features": features}


@cache
def districts_geojson() -> dict[str, Any]:
    """The 9 Baotou districts as a WGS-84 FeatureCollection."""
    data: dict[str, Any] = json.loads((get_settings().data_dir / "districts.geojson")
                                      .read_text(encoding="utf-8"))
    return data


def precincts_intersecting_circle(lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
    """Precinct ids meeting a circle (a missing-person alert area), nearest first.

    Raises:
        InvalidCoordinates: for an invalid centre or a negative/non-finite radius.
    """
    lat, lon = check_lat_lon(lat, lon)
    if not (radius_m >= 0 and radius_m < 2_000_000):
        raise InvalidCoordinates(f"radius {radius_m!r} m must be in [0, 2000 km)")
    return precincts_meeting_circle(lat, lon, max(radius_m, 1.0))


@cache
def _adjacency() -> dict[str, tuple[str, ...]]:
    layer, items = layers.precinct_layer()
    out: dict[str, list[str]] = {p.id: [] for p in items}
    for i, area in enumerate(layer.areas):
        # 20 m tolerance: cells built separately per district share edges only approximately.
        grown = area.geom.buffer(0.0002)
        for j in layer.tree.query(grown, predicate="intersects"):
            if int(j) != i:
                out[items[i].id].append(items[int(j)].id)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def neighbours(precinct_id: str) -> tuple[str, ...]:
    """Ids of precincts sharing a boundary with this one (sorted).

    Raises:
        UnknownPrecinct: the id is not in the active layer.
    """
    precinct(precinct_id)
    return _adjacency()[precinct_id]
