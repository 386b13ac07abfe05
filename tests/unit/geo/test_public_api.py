"""The public surface other packages depend on."""

from __future__ import annotations

import math

import pytest

import geo


def test_precincts_cover_every_nbs_unit() -> None:
    items = geo.precincts()
    assert len(items) == 91
    assert len({p.id for p in items}) == 91
    assert all(p.synthetic for p in items)
    assert {p.district for p in items} >= {"150202", "150203", "150271"}


def test_precinct_lookup_and_unknown() -> None:
    p = geo.precinct("150203004")
    assert p.name == "林荫路街道" and p.district == "150203" and p.district_name == "昆都仑区"
    with pytest.raises(geo.UnknownPrecinct):
        geo.precinct("999999999")
    assert issubclass(geo.UnknownPrecinct, geo.GeoError)
    assert issubclass(geo.GeoError, ValueError)


def test_seat_lies_in_its_own_precinct() -> None:
    for p in geo.precincts():
        loc = geo.locate(device=geo.DevicePoint(p.seat[0], p.seat[1], accuracy_m=5))
        assert loc.precinct == p.id, p.name


@pytest.mark.parametrize("lat,lon,crs", [
    (math.nan, 110.0, "wgs84"), (40.0, math.inf, "wgs84"), (91.0, 110.0, "wgs84"),
    (40.0, 181.0, "wgs84"), (40.0, 110.0, "mars"), (110.0, 40.0, "wgs84"),
])
def test_to_wgs84_rejects_bad_coordinates(lat: float, lon: float, crs: str) -> None:
    with pytest.raises(geo.InvalidCoordinates):
        geo.to_wgs84(lat, lon, crs)


def test_device_point_gives_precinct_and_jurisdiction() -> None:
    seat = geo.precinct("150204005").seat
    loc = geo.locate(device=geo.DevicePoint(*seat, accuracy_m=10))
    assert loc.source == "device"
    assert loc.district == "150204" and loc.precinct == "150204005"
    assert loc.in_jurisdiction is True and loc.city == "包头市"
    assert loc.to_dict()["crs"] == "wgs84"


def test_gcj02_device_point_is_converted() -> None:
    seat = geo.precinct("150202006").seat
    glat, glon = geo.from_wgs84(*seat, "gcj02")
    loc = geo.locate(device=geo.DevicePoint(glat, glon, crs="gcj02", accuracy_m=10))
    assert loc.lat is not None and loc.lon is not None
    assert geo.distance_m((loc.lat, loc.lon), seat) < 0.5


def test_text_with_district_and_town() -> None:
    loc = geo.locate("土右旗萨拉齐镇")
    assert loc.district == "150221" and loc.precinct == "150221104"
    assert loc.lat is not None and loc.confidence > 0.5


def test_odd_text_never_raises() -> None:
    for text in ["", "   ", "!!!。。。", "😀😀", "x" * 5000, "包" * 5000, None]:
        loc = geo.locate(text)
        assert isinstance(loc, geo.Location)
        if loc.lat is None:
            assert loc.reason


def test_geojson_layers() -> None:
    fc = geo.precincts_geojson()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 91
    assert all(f["properties"]["synthetic"] is True for f in fc["features"])
    assert len(geo.districts_geojson()["features"]) == 9
