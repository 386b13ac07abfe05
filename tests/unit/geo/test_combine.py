"""Combining device fixes, text and weak hints."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import DevicePoint

SEAT_SHAOXIAN = geo.precinct("150203001").seat
SEAT_SALAQI = geo.precinct("150221104").seat


def test_good_device_fix_beats_far_text_with_warning() -> None:
    loc = geo.locate("土右旗萨拉齐镇", device=DevicePoint(*SEAT_SHAOXIAN, accuracy_m=15))
    assert loc.source == "device" and loc.precinct == "150203001"
    assert any("from the device fix" in w for w in loc.warnings)
    assert "device" in loc.matched


def test_good_device_fix_and_agreeing_text_no_warning() -> None:
    loc = geo.locate("昆区少先路", device=DevicePoint(*SEAT_SHAOXIAN, accuracy_m=15))
    assert loc.source == "device" and not loc.warnings


def test_poor_fix_and_agreeing_text_are_fused() -> None:
    lat, lon = SEAT_SHAOXIAN
    loc = geo.locate("昆区少先路", device=DevicePoint(lat + 0.004, lon, accuracy_m=1500))
    assert loc.source == "combined"
    assert loc.radius_m is not None and loc.radius_m < 1500
    assert loc.lat is not None and lat < loc.lat < lat + 0.004


def test_poor_fix_and_conflicting_text_keeps_tighter_with_warning() -> None:
    loc = geo.locate("土右旗萨拉齐镇", device=DevicePoint(*SEAT_SHAOXIAN, accuracy_m=3000))
    assert loc.warnings and loc.source in ("device", "address", "text")


def test_device_without_accuracy_is_moderate() -> None:
    loc = geo.locate(device=DevicePoint(*SEAT_SHAOXIAN))
    assert loc.radius_m == 300.0 and 0.3 < loc.confidence < 0.97


def test_bd09_device_point() -> None:
    blat, blon = geo.from_wgs84(*SEAT_SALAQI, "bd09")
    loc = geo.locate(device=DevicePoint(blat, blon, crs="bd09", accuracy_m=10))
    assert loc.precinct == "150221104"


def test_invalid_device_falls_back_to_text_with_warning() -> None:
    loc = geo.locate("土右旗萨拉齐镇", device=DevicePoint(math.nan, 110.0))
    assert loc.precinct == "150221104" and loc.source == "text"
    assert any("device coordinates rejected" in w for w in loc.warnings)


def test_invalid_device_and_no_text_gives_reason() -> None:
    loc = geo.locate(device=DevicePoint(40.0, 110.0, crs="mars"))
    assert loc.lat is None and loc.reason and "crs" in loc.reason


def test_swapped_device_coordinates_rejected() -> None:
    loc = geo.locate(device=DevicePoint(109.83, 40.65))
    assert loc.lat is None and loc.reason and "swapped" in loc.reason


def test_region_hint_alone_is_weak() -> None:
    loc = geo.locate(region_hint="内蒙古包头市青山区")
    assert loc.source == "region_hint" and loc.district == "150204"
    assert loc.confidence <= 0.3


def test_region_hint_out_of_area() -> None:
    loc = geo.locate(region_hint="江苏省苏州市")
    assert loc.in_jurisdiction is False and loc.province == "江苏省"


def test_text_beats_region_hint() -> None:
    loc = geo.locate("土右旗萨拉齐镇", region_hint="江苏省苏州市")
    assert loc.precinct == "150221104"


def test_activity_trail_used_when_nothing_else() -> None:
    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    lat, lon = SEAT_SALAQI
    trail = [(lat + 0.01, lon, now - timedelta(minutes=30)), (lat, lon, now),
             (math.nan, lon, now)]
    loc = geo.locate(activity=trail)
    assert loc.lat == lat and loc.precinct == "150221104"
    assert loc.radius_m is not None and loc.radius_m >= 1000  # spread of the trail


def test_nothing_given() -> None:
    loc = geo.locate()
    assert loc.lat is None and loc.reason == "no location signal given"


def test_absurd_accuracy_is_rejected() -> None:
    loc = geo.locate("土右旗萨拉齐镇", device=DevicePoint(*SEAT_SHAOXIAN, accuracy_m=5e8))
    assert loc.source == "text" and any("too coarse" in w for w in loc.warnings)


def test_activity_mixing_naive_and_aware_times() -> None:
    lat, lon = SEAT_SALAQI
    trail = [(lat, lon, datetime(2026, 11, 26, 12, 0)),
             (lat, lon, datetime(2026, 11, 26, 12, 0, tzinfo=UTC)),
             (lat, lon, "yesterday"), (lat,)]
    loc = geo.locate(activity=trail)  # type: ignore[arg-type]
    assert loc.precinct == "150221104"


def test_non_string_inputs_do_not_raise() -> None:
    loc = geo.locate(12345, address=["x"], region_hint=3.5)  # type: ignore[arg-type]
    assert loc.lat is None and loc.reason


def test_city_text_and_district_hint_narrow_each_other() -> None:
    loc = geo.locate("包头市有人打架", region_hint="内蒙古包头市青山区")
    assert loc.source == "combined" and loc.district == "150204"
    assert 0.2 < loc.confidence <= 0.45
    assert "hint:district:青山区" in loc.matched


def test_out_of_area_hint_warns_but_text_decides() -> None:
    loc = geo.locate("土右旗萨拉齐镇", region_hint="江苏省苏州市")
    assert loc.precinct == "150221104"
    assert any("outside Baotou" in w for w in loc.warnings)


def test_zero_accuracy_fix_with_text() -> None:
    loc = geo.locate("昆区少先路", device=DevicePoint(*SEAT_SHAOXIAN, accuracy_m=0))
    assert loc.source == "device" and loc.precinct == "150203001"


def test_conflicting_text_kept_reports_its_own_source() -> None:
    loc = geo.locate("有人打架", address="达茂旗百灵庙镇",
                     device=DevicePoint(*SEAT_SHAOXIAN, accuracy_m=45_000))
    assert loc.source == "address" and loc.precinct == "150223104"
    assert any("from the device fix" in w for w in loc.warnings)


@settings(max_examples=120, deadline=None)
@given(st.floats(), st.floats(), st.sampled_from(["wgs84", "gcj02", "bd09", "utm", ""]),
       st.one_of(st.none(), st.floats()), st.sampled_from(["", "昆区少先路", "江苏省苏州市", "😀"]))
def test_locate_never_raises_on_any_device(lat: float, lon: float, crs: str,
                                           acc: float | None, text: str) -> None:
    loc = geo.locate(text, device=DevicePoint(lat, lon, crs, acc))
    assert isinstance(loc, geo.Location)
    assert (loc.lat is None) == (loc.lon is None)
    if loc.radius_m is not None:
        assert math.isfinite(loc.radius_m) and loc.radius_m >= 0
