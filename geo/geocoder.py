"""The gazetteer as a geopy geocoder, and a configurable chain behind online ones.

``OfflineGazetteer`` answers ``geocode`` and ``reverse`` from the packaged layers and
never touches the network. A deployment that has an online provider can put it
*behind* the offline one by configuration only::

    GEO_FALLBACK_GEOCODER=nominatim            # any geopy service name
    GEO_FALLBACK_OPTIONS='{"user_agent": "baotou-110", "domain": "nominatim.example"}'
    GEO_FALLBACK_CRS=wgs84                      # gcj02 for AMap-based, bd09 for Baidu

:func:`configured_geocoder` returns the offline geocoder alone when nothing is set.
The fallback is asked only when the offline answer is coarser than
``GEO_FALLBACK_BELOW`` confidence (default 0.6). Results are always WGS-84.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from geopy.exc import GeocoderNotFound
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeopyLocation
from geopy.point import Point

from geo.crs import to_wgs84
from geo.errors import GeoError
from geo.locate import locate
from geo.model import DevicePoint, Location


def _address_of(loc: Location) -> str:
    city = None if loc.city == loc.province else loc.city  # 北京市 once, not twice
    county = loc.county if loc.in_jurisdiction is False else loc.district_name
    parts = [loc.province, city, county, loc.precinct_name]
    return "".join(p for p in parts if p)


class OfflineGazetteer(Geocoder):  # type: ignore[misc]  # geopy is untyped
    """geopy-compatible geocoder over the offline Baotou gazetteer (no network)."""

    def __init__(self, *, min_confidence: float = 0.0) -> None:
        """Args: min_confidence: answers below this confidence are returned as None."""
        super().__init__()
        self.min_confidence = min_confidence

    def geocode(self, query: str, *, exactly_one: bool = True, **_: Any) \
            -> GeopyLocation | list[GeopyLocation] | None:
        """Geocode a Chinese address; ``raw`` holds the full ``Location.to_dict()``."""
        loc = locate(query if isinstance(query, str) else None)
        if loc.lat is None or loc.lon is None or loc.confidence < self.min_confidence:
            return None
        found = GeopyLocation(_address_of(loc) or str(query), (loc.lat, loc.lon, 0.0),
                              loc.to_dict())
        return found if exactly_one else [found]

    def reverse(self, query: Any, *, exactly_one: bool = True, **_: Any) \
            -> GeopyLocation | list[GeopyLocation] | None:
        """Name the precinct, district, city and province of a WGS-84 point."""
        point = Point(query)
        loc = locate(device=DevicePoint(point.latitude, point.longitude, accuracy_m=0.0))
        if loc.lat is None or loc.lon is None or not (loc.province or loc.district_name):
            return None
        found = GeopyLocation(_address_of(loc), (loc.lat, loc.lon, 0.0), loc.to_dict())
        return found if exactly_one else [found]


class ChainedGeocoder:
    """Ask the offline gazetteer first, then each fallback while the answer is coarse."""

    def __init__(self, offline: OfflineGazetteer, fallbacks: Sequence[tuple[Geocoder, str]],
                 below: float = 0.6) -> None:
        """Args: fallbacks: ``(geocoder, crs of its answers)`` pairs, tried in order."""
        self.offline = offline
        self.fallbacks = tuple(fallbacks)
        self.below = below

    def geocode(self, query: str) -> GeopyLocation | None:
        """Best answer, converted to WGS-84; None when nobody can place it."""
        best = self.offline.geocode(query)
        assert best is None or isinstance(best, GeopyLocation)
        if best is not None and best.raw.get("confidence", 0.0) >= self.below:
            return best
        for geocoder, crs in self.fallbacks:
            answer = geocoder.geocode(query, exactly_one=True)
            if isinstance(answer, GeopyLocation):
                lat, lon = to_wgs84(answer.latitude, answer.longitude, crs)
                return GeopyLocation(answer.address, (lat, lon, 0.0), dict(answer.raw or {}))
        return best


def configured_geocoder() -> OfflineGazetteer | ChainedGeocoder:
    """Build the geocoder described by the environment (offline only by default).

    Raises:
        GeoError: if the configured service name or options are invalid.
    """
    offline = OfflineGazetteer()
    service = os.environ.get("GEO_FALLBACK_GEOCODER")
    if not service:
        return offline
    try:
        options = json.loads(os.environ.get("GEO_FALLBACK_OPTIONS") or "{}")
        cls = get_geocoder_for_service(service)
        below = float(os.environ.get("GEO_FALLBACK_BELOW") or 0.6)
    except (ValueError, GeocoderNotFound) as exc:
        raise GeoError(f"invalid fallback geocoder configuration: {exc}") from exc
    crs = os.environ.get("GEO_FALLBACK_CRS") or "wgs84"
    return ChainedGeocoder(offline, [(cls(**options), crs)], below)
