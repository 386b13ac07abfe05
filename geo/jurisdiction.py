"""Jurisdiction of a point: district, precinct, boundary candidates, or out of area."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from geo import layers
from geo.model import Precinct

BAOTOU = "包头市"
INNER_MONGOLIA = "内蒙古自治区"
MIN_SHARE = 0.03  # shares below 3 % of the uncertainty disc are not worth a console prompt
MAX_CANDIDATES = 6


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """Where a point falls."""

    district: str | None
    district_name: str | None
    precinct: Precinct | None
    in_jurisdiction: bool
    city: str | None
    province: str | None
    candidates: tuple[tuple[str, float], ...]


def _candidates(lat: float, lon: float, radius_m: float, inside: int | None) \
        -> tuple[tuple[str, float], ...]:
    layer, precincts = layers.precinct_layer()
    if inside is not None and radius_m > 0:
        disc = layers.circle(lat, lon, radius_m)
        if layer.areas[inside].geom.contains(disc):  # prepared: fast path, no boundary nearby
            return ()
    if radius_m <= 0:
        return ()
    shares = [(precincts[i].id, s) for i, s in layers.shares_in_circle(lat, lon, radius_m)
              if s >= MIN_SHARE][:MAX_CANDIDATES]
    return tuple(shares) if len(shares) > 1 else ()


def judge(lat: float, lon: float, radius_m: float, town: str | None = None) -> Jurisdiction:
    """Return the jurisdiction of a WGS-84 point with an uncertainty radius.

    Args:
        lat: Latitude (WGS-84).
        lon: Longitude (WGS-84).
        radius_m: Uncertainty radius in metres (0 for an exact point).
        town: An NBS town code named by the text; it decides the precinct (and no
            boundary candidates are listed) when the active layer is keyed by those
            codes (the synthetic layer).
    """
    layer, precincts = layers.precinct_layer()
    inside = layer.index_at(lat, lon)
    named = town is not None and town in layers.precinct_index()
    if named:  # the text names the unit: its precinct is known, no boundary prompt needed
        inside = layers.precinct_index()[town]  # type: ignore[index]
    dlayer = layers.districts()
    d_idx = dlayer.index_at(lat, lon)
    if inside is None and d_idx is None:
        cities, provinces = layers.outside()
        c_idx, p_idx = cities.index_at(lat, lon), provinces.index_at(lat, lon)
        city = cities.areas[c_idx].name if c_idx is not None else None
        province = provinces.areas[p_idx].name if p_idx is not None else None
        if c_idx is not None:
            province = str(cities.areas[c_idx].props.get("province") or province)
        return Jurisdiction(None, None, None, False, city, province,
                            _candidates(lat, lon, radius_m, None))
    precinct = precincts[inside] if inside is not None else None
    if precinct is not None:
        district, name = precinct.district, precinct.district_name
    else:
        district, name = dlayer.areas[d_idx].code, dlayer.areas[d_idx].name  # type: ignore[index]
    candidates = () if named else _candidates(lat, lon, radius_m, inside)
    return Jurisdiction(district, name, precinct, True, BAOTOU, INNER_MONGOLIA, candidates)


def points_in_precincts(lats: np.ndarray, lons: np.ndarray) -> list[str | None]:
    """Vectorised precinct id per point (None outside every precinct).

    Args:
        lats: WGS-84 latitudes.
        lons: WGS-84 longitudes, same length.
    """
    layer, precincts = layers.precinct_layer()
    return [precincts[i].id if i >= 0 else None for i in layer.indexes_at(lats, lons)]


def precincts_meeting_circle(lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
    """Ids of precincts that intersect the circle, nearest seat first."""
    layer, precincts = layers.precinct_layer()
    disc = layers.circle(lat, lon, radius_m)
    hits = layer.tree.query(disc, predicate="intersects")
    center = shapely.Point(lon, lat)
    order = sorted((int(i) for i in hits), key=lambda i: (layer.areas[i].geom.distance(center),
                                                          precincts[i].id))
    return tuple(precincts[i].id for i in order)
