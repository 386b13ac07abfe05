"""Coordinate reference systems: WGS-84, GCJ-02 (AMap/Tencent) and BD-09 (Baidu).

Everything inside the package is WGS-84. GCJ-02 is the obfuscated datum that Chinese
map data uses by law; at Baotou it moves a point about 480 m east and 130 m north,
enough to land in the wrong precinct. BD-09 adds Baidu's own offset on top of GCJ-02.

The forward WGS-84 -> GCJ-02 formula is the public one (Krasovsky ellipsoid constants,
as in the eviltransform and coordtransform projects). It has no closed-form inverse,
so GCJ-02 -> WGS-84 is solved by fixed-point iteration to about 1e-9 degrees
(millimetres), not by the one-step approximation that leaves up to a metre of error.
Outside China the offset is defined as zero.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any, Final

import numpy as np

from geo.errors import InvalidCoordinates

WGS84: Final = "wgs84"
GCJ02: Final = "gcj02"
BD09: Final = "bd09"
# CGCS2000 (EPSG:4490, Tianditu) differs from WGS-84 by centimetres: treated as WGS-84.
_ALIASES: Final[dict[str, str]] = {
    "wgs84": WGS84, "wgs-84": WGS84, "epsg:4326": WGS84, "cgcs2000": WGS84, "epsg:4490": WGS84,
    "gcj02": GCJ02, "gcj-02": GCJ02, "amap": GCJ02, "gaode": GCJ02, "tencent": GCJ02,
    "bd09": BD09, "bd-09": BD09, "bd09ll": BD09, "baidu": BD09,
}
CRS_NAMES: Final = frozenset(_ALIASES)

_A: Final = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE: Final = 0.00669342162296594323  # its first eccentricity squared
_X_PI: Final = math.pi * 3000.0 / 180.0  # BD-09 constant


def normalise_crs(crs: str) -> str:
    """Return the canonical CRS tag (``wgs84``, ``gcj02`` or ``bd09``).

    Raises:
        InvalidCoordinates: if ``crs`` is not a known name or alias.
    """
    key = crs.strip().lower() if isinstance(crs, str) else ""
    if key not in _ALIASES:
        raise InvalidCoordinates(f"unknown crs {crs!r}; use one of wgs84, gcj02, bd09")
    return _ALIASES[key]


def check_lat_lon(lat: float, lon: float) -> tuple[float, float]:
    """Validate a latitude/longitude pair and return it as floats.

    Raises:
        InvalidCoordinates: for non-numbers, NaN, infinities or out-of-range values.
    """
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError) as exc:
        raise InvalidCoordinates(f"coordinates must be numbers, got {lat!r}, {lon!r}") from exc
    if not (math.isfinite(flat) and math.isfinite(flon)):
        raise InvalidCoordinates("coordinates must be finite numbers (got NaN or infinity)")
    if not -90.0 <= flat <= 90.0:
        hint = " (lat and lon swapped?)" if -90.0 <= flon <= 90.0 else ""
        raise InvalidCoordinates(f"latitude {flat} is outside [-90, 90]{hint}")
    if not -180.0 <= flon <= 180.0:
        raise InvalidCoordinates(f"longitude {flon} is outside [-180, 180]")
    return flat, flon


def is_out_of_china(lat: float, lon: float) -> bool:
    """Return True where GCJ-02 applies no offset (the customary rectangle test)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 offset (dlat, dlon) in degrees at a WGS-84 point inside China."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += common
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += common
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi)
             + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Apply the GCJ-02 offset to a WGS-84 point (no validation)."""
    if is_out_of_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Invert GCJ-02 by fixed-point iteration (converges to ~1e-9 degrees)."""
    if is_out_of_china(lat, lon):
        return lat, lon
    wlat, wlon = lat, lon
    for _ in range(30):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        elat, elon = glat - lat, glon - lon
        wlat, wlon = wlat - elat, wlon - elon
        if abs(elat) < 1e-10 and abs(elon) < 1e-10:
            break
    return wlat, wlon


def _delta_array(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`_delta` (same formula, numpy)."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * np.pi)
                   + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * np.pi)
                   + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlat, dlon


def gcj02_to_wgs84_array(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised GCJ-02 -> WGS-84 for many points (build-time polygon conversion).

    Points outside China are returned unchanged, as in :func:`gcj02_to_wgs84`.
    """
    inside = (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)
    wlat, wlon = lat.astype(float).copy(), lon.astype(float).copy()
    for _ in range(30):
        dlat, dlon = _delta_array(wlat, wlon)
        elat = np.where(inside, wlat + dlat - lat, 0.0)
        elon = np.where(inside, wlon + dlon - lon, 0.0)
        wlat, wlon = wlat - elat, wlon - elon
        if np.all(np.abs(elat) < 1e-10) and np.all(np.abs(elon) < 1e-10):
            break
    return wlat, wlon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """Baidu's published GCJ-02 -> BD-09 formula."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """The customary closed-form BD-09 -> GCJ-02 formula (error below 1e-5 degrees)."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def to_wgs84(lat: float, lon: float, crs: str) -> tuple[float, float]:
    """Convert a point from ``crs`` to WGS-84.

    Args:
        lat: Latitude in degrees in ``crs``.
        lon: Longitude in degrees in ``crs``.
        crs: ``wgs84``, ``gcj02`` or ``bd09`` (aliases such as ``amap``, ``baidu``,
            ``cgcs2000`` are accepted).

    Returns:
        ``(lat, lon)`` in WGS-84.

    Raises:
        InvalidCoordinates: for NaN/inf/out-of-range values or an unknown CRS. Ask the
            caller for the coordinates again; do not guess a swap.
    """
    tag = normalise_crs(crs)
    flat, flon = check_lat_lon(lat, lon)
    if tag == GCJ02:
        return _in_range(*gcj02_to_wgs84(flat, flon))
    if tag == BD09:
        return _in_range(*gcj02_to_wgs84(*bd09_to_gcj02(flat, flon)))
    return flat, flon


def _in_range(lat: float, lon: float) -> tuple[float, float]:
    """Keep a transformed point on the globe: Baidu's formula, applied near a pole, can
    step a few metres past ±90° (the offsets are meant for China; this only bounds them)."""
    return max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lon))


def from_wgs84(lat: float, lon: float, crs: str) -> tuple[float, float]:
    """Convert a WGS-84 point to ``crs`` (for AMap/Baidu map widgets).

    Raises:
        InvalidCoordinates: as :func:`to_wgs84`.
    """
    tag = normalise_crs(crs)
    flat, flon = check_lat_lon(lat, lon)
    if tag == GCJ02:
        return wgs84_to_gcj02(flat, flon)
    if tag == BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(flat, flon))
    return flat, flon


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in metres between two WGS-84 ``(lat, lon)`` points.

    Raises:
        InvalidCoordinates: if either point is invalid.
    """
    pa, pb = check_lat_lon(*a), check_lat_lon(*b)
    return float(_geodesic()(pa, pb).meters)


@cache
def _geodesic() -> Any:
    """geopy's geodesic, imported on first use (geopy's package import loads every
    online geocoder and ``requests``; workers that never measure should not pay it)."""
    from geopy.distance import geodesic

    return geodesic
