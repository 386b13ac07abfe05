"""The gazetteer behind geopy's Geocoder interface."""

from __future__ import annotations

from typing import Any

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeopyLocation

from geo.errors import GeoError
from geo.geocoder import ChainedGeocoder, OfflineGazetteer, configured_geocoder


class ScriptedGeocoder(Geocoder):
    """A stand-in for an online provider (no network): answers from a dict."""

    def __init__(self, answers: dict[str, tuple[float, float]]) -> None:
        super().__init__()
        self.answers = answers
        self.asked: list[str] = []

    def geocode(self, query: str, *, exactly_one: bool = True, **_: Any) -> GeopyLocation | None:
        self.asked.append(query)
        if query not in self.answers:
            return None
        lat, lon = self.answers[query]
        return GeopyLocation(query, (lat, lon, 0.0), {"provider": "scripted"})


def test_geocode_and_reverse() -> None:
    g = OfflineGazetteer()
    loc = g.geocode("土右旗萨拉齐镇")
    assert isinstance(loc, GeopyLocation)
    assert loc.address.endswith("萨拉齐镇") and loc.raw["precinct"] == "150221104"
    many = g.geocode("土右旗萨拉齐镇", exactly_one=False)
    assert isinstance(many, list) and len(many) == 1
    assert g.geocode("😀") is None
    back = g.reverse((loc.latitude, loc.longitude))
    assert isinstance(back, GeopyLocation) and "土默特右旗" in back.address
    assert g.reverse("31.87, 120.55").address == "江苏省苏州市张家港市"  # type: ignore[union-attr]
    assert g.reverse((48.85, 2.35)) is None
    assert OfflineGazetteer(min_confidence=0.9).geocode("东河区") is None


def test_chain_asks_fallback_only_when_coarse() -> None:
    online = ScriptedGeocoder({"包头市第四医院": (40.6470, 109.8420)})
    chain = ChainedGeocoder(OfflineGazetteer(), [(online, "gcj02")], below=0.6)
    precise = chain.geocode("土右旗萨拉齐镇")
    assert precise is not None and online.asked == []
    coarse = chain.geocode("包头市第四医院")
    assert coarse is not None and online.asked == ["包头市第四医院"]
    assert coarse.longitude == pytest.approx(109.8420 - 0.0057, abs=5e-4)  # GCJ-02 -> WGS-84
    assert chain.geocode("😀") is None


def test_configured_geocoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEO_FALLBACK_GEOCODER", raising=False)
    assert isinstance(configured_geocoder(), OfflineGazetteer)
    monkeypatch.setenv("GEO_FALLBACK_GEOCODER", "nominatim")
    monkeypatch.setenv("GEO_FALLBACK_OPTIONS", '{"user_agent": "test-suite"}')
    chain = configured_geocoder()
    assert isinstance(chain, ChainedGeocoder) and chain.fallbacks[0][1] == "wgs84"
    monkeypatch.setenv("GEO_FALLBACK_GEOCODER", "no-such-service")
    with pytest.raises(GeoError):
        configured_geocoder()
    monkeypatch.setenv("GEO_FALLBACK_GEOCODER", "nominatim")
    monkeypatch.setenv("GEO_FALLBACK_OPTIONS", "{bad json")
    with pytest.raises(GeoError):
        configured_geocoder()
