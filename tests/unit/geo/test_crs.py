"""Coordinate transforms against published reference points, plus properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import InvalidCoordinates, distance_m, from_wgs84, to_wgs84
from geo.crs import bd09_to_gcj02, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_gcj02

# eviltransform (googollee/eviltransform, test.py): wgsLat, wgsLng, gcjLat, gcjLng
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# wandergis/coordtransform test/app.js, input (116.404, 39.915) lng/lat
COORDTRANSFORM_GCJ_TO_BD = ((39.915, 116.404), (39.92133699351021, 116.41036949371029))
COORDTRANSFORM_BD_TO_GCJ = ((39.915, 116.404), (39.90865673957631, 116.39762729119315))
# Beijing railway station, GCJ-02 (39.90245, 116.42703) <-> BD-09 (39.90851, 116.43351),
# the documented example of the R package's bd2gcj (5 decimals).
BEIJING_STATION_GCJ = (39.90245, 116.42703)
BEIJING_STATION_BD = (39.90851, 116.43351)

china_lat = st.floats(min_value=18.0, max_value=53.0, allow_nan=False)
china_lon = st.floats(min_value=74.0, max_value=134.0, allow_nan=False)


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM)
def test_wgs_to_gcj_matches_reference(wlat: float, wlon: float, glat: float, glon: float) -> None:
    lat, lon = from_wgs84(wlat, wlon, "gcj02")
    assert lat == pytest.approx(glat, abs=1e-9) and lon == pytest.approx(glon, abs=1e-9)


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM)
def test_gcj_to_wgs_recovers_reference(wlat: float, wlon: float, glat: float, glon: float) -> None:
    lat, lon = to_wgs84(glat, glon, "gcj02")
    assert distance_m((lat, lon), (wlat, wlon)) < 0.01  # iterative inverse: millimetres


def test_gcj_bd_match_coordtransform() -> None:
    (lat, lon), (blat, blon) = COORDTRANSFORM_GCJ_TO_BD
    assert gcj02_to_bd09(lat, lon) == pytest.approx((blat, blon), abs=1e-9)
    (lat, lon), (glat, glon) = COORDTRANSFORM_BD_TO_GCJ
    assert bd09_to_gcj02(lat, lon) == pytest.approx((glat, glon), abs=1e-9)


def test_bd_beijing_station_example() -> None:
    assert gcj02_to_bd09(*BEIJING_STATION_GCJ) == pytest.approx(BEIJING_STATION_BD, abs=1e-5)
    assert bd09_to_gcj02(*BEIJING_STATION_BD) == pytest.approx(BEIJING_STATION_GCJ, abs=1e-5)


def test_offset_at_baotou_is_about_480_m() -> None:
    wgs = (40.657, 109.835)
    gcj = from_wgs84(*wgs, "gcj02")
    assert 400 < distance_m(wgs, gcj) < 560
    assert gcj[1] - wgs[1] == pytest.approx(0.0057, abs=0.0004)


def test_outside_china_has_no_offset() -> None:
    assert from_wgs84(48.85, 2.35, "gcj02") == (48.85, 2.35)
    assert to_wgs84(48.85, 2.35, "gcj02") == (48.85, 2.35)


@settings(max_examples=60, deadline=None)
@given(china_lat, china_lon)
def test_gcj_round_trip(lat: float, lon: float) -> None:
    back = to_wgs84(*from_wgs84(lat, lon, "gcj02"), "gcj02")
    assert back == pytest.approx((lat, lon), abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(china_lat, china_lon)
def test_bd_round_trip(lat: float, lon: float) -> None:
    back = to_wgs84(*from_wgs84(lat, lon, "bd09"), "bd09")
    assert distance_m(back, (lat, lon)) < 5.0


@given(st.floats(allow_nan=True, allow_infinity=True),
       st.floats(allow_nan=True, allow_infinity=True),
       st.sampled_from(["wgs84", "gcj02", "bd09", "WGS84", "mars", ""]))
def test_to_wgs84_returns_or_raises_documented(lat: float, lon: float, crs: str) -> None:
    try:
        out = to_wgs84(lat, lon, crs)
    except InvalidCoordinates:
        return
    assert all(math.isfinite(v) for v in out)
    assert -90 <= out[0] <= 90 and -180 <= out[1] <= 180


def test_swapped_lat_lon_hint() -> None:
    with pytest.raises(InvalidCoordinates, match="swapped"):
        to_wgs84(109.83, 40.65, "wgs84")


def test_aliases_and_unknown_crs() -> None:
    assert to_wgs84(40.6, 109.8, "AMap") == to_wgs84(40.6, 109.8, "gcj02")
    assert to_wgs84(40.6, 109.8, "cgcs2000") == (40.6, 109.8)
    for bad in ("epsg:3857", "mars", None):
        with pytest.raises(InvalidCoordinates):
            to_wgs84(40.6, 109.8, bad)  # type: ignore[arg-type]


def test_distance_geodesic() -> None:
    assert distance_m((40.0, 110.0), (41.0, 110.0)) == pytest.approx(111_050, rel=2e-3)
    assert distance_m((40.0, 110.0), (40.0, 110.0)) == 0.0
    with pytest.raises(InvalidCoordinates):
        distance_m((math.nan, 0.0), (0.0, 0.0))


def test_gcj_inverse_helpers_agree() -> None:
    lat, lon = wgs84_to_gcj02(40.6, 109.9)
    assert gcj02_to_wgs84(lat, lon) == pytest.approx((40.6, 109.9), abs=1e-9)
