"""Domain values of the geo package: device points, precincts and locations.

All coordinates are WGS-84 ``(lat, lon)`` in degrees. The values are frozen so that
they can be cached, shared between threads and compared in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class DevicePoint:
    """A position reported by a handset or an AML/GNSS fix.

    Attributes:
        lat: Latitude in degrees, in ``crs``.
        lon: Longitude in degrees, in ``crs``.
        crs: ``wgs84`` (GNSS), ``gcj02`` (AMap/Tencent SDKs) or ``bd09`` (Baidu SDK).
        accuracy_m: The reported 68 % horizontal accuracy in metres, if known.
    """

    lat: float
    lon: float
    crs: str = "wgs84"
    accuracy_m: float | None = None


@dataclass(frozen=True, slots=True)
class Precinct:
    """One jurisdiction unit (a 街道/镇/苏木, or an agency's own 派出所 area).

    Attributes:
        id: The NBS 9-digit town code (e.g. ``"150203004"``) or the agency's id.
        name: Chinese name, e.g. ``"林荫路街道"``.
        district: County-level adcode, e.g. ``"150203"`` (``"150271"`` for the
            稀土高新区 functional zone).
        district_name: Chinese name of that district.
        synthetic: True when the polygon was derived (Voronoi around seats), not
            supplied by the agency. Consoles must show this in the legend.
        seat: ``(lat, lon)`` WGS-84 of the unit's seat (or derived anchor).
    """

    id: str
    name: str
    district: str
    district_name: str
    synthetic: bool
    seat: tuple[float, float]


@dataclass(frozen=True, slots=True)
class Location:
    """The answer of :func:`geo.locate`: a point, its uncertainty and its jurisdiction.

    ``source`` is ``device``, ``combined``, ``address``, ``text``, ``region_hint`` or
    ``none`` (from the most to the least direct evidence).

    ``lat``/``lon`` are None when nothing could be placed; ``reason`` then says why.
    ``candidates`` lists ``(precinct id, share)`` when the uncertainty circle crosses a
    precinct boundary: the console shows "boundary: confirm".

    ``county`` and ``county_code`` name the county-level unit (a Baotou district inside
    the jurisdiction; the national index's county outside it). ``alternatives`` lists
    the other places an ambiguous text could mean (``吉林省长春市朝阳区``), best first.
    """

    lat: float | None
    lon: float | None
    radius_m: float | None
    confidence: float
    source: str
    district: str | None
    district_name: str | None
    precinct: str | None
    precinct_name: str | None
    in_jurisdiction: bool | None
    city: str | None
    province: str | None
    candidates: tuple[tuple[str, float], ...] = ()
    matched: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    county: str | None = None
    county_code: str | None = None
    alternatives: tuple[str, ...] = ()

    @property
    def is_out_of_area(self) -> bool:
        """True when the location is known to be outside the jurisdiction."""
        return self.in_jurisdiction is False

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (WGS-84, ``"crs": "wgs84"``)."""
        return {
            "lat": None if self.lat is None else round(self.lat, 7),
            "lon": None if self.lon is None else round(self.lon, 7),
            "crs": "wgs84",
            "radius_m": None if self.radius_m is None else round(self.radius_m, 1),
            "confidence": round(self.confidence, 3),
            "source": self.source,
            "district": self.district,
            "district_name": self.district_name,
            "precinct": self.precinct,
            "precinct_name": self.precinct_name,
            "in_jurisdiction": self.in_jurisdiction,
            "out_of_area": self.is_out_of_area,
            "city": self.city,
            "province": self.province,
            "county": self.county,
            "county_code": self.county_code,
            "candidates": [[pid, round(share, 3)] for pid, share in self.candidates],
            "matched": list(self.matched),
            "warnings": list(self.warnings),
            "reason": self.reason,
            "alternatives": list(self.alternatives),
        }


def unplaced(
    reason: str, *, warnings: tuple[str, ...] = (), matched: tuple[str, ...] = ()
) -> Location:
    """Build the Location for input that cannot be placed at all."""
    return Location(
        lat=None, lon=None, radius_m=None, confidence=0.0, source="none", district=None,
        district_name=None, precinct=None, precinct_name=None, in_jurisdiction=None,
        city=None, province=None, matched=matched, warnings=warnings, reason=reason,
    )
