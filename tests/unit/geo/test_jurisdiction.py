"""Jurisdiction: containment, boundary candidates, out-of-area naming, neighbours."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import DevicePoint
from geo.jurisdiction import judge, points_in_precincts


def test_boundary_point_lists_candidates_with_shares() -> None:
    a, b = geo.precinct("150203001").seat, geo.precinct("150203003").seat
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)  # on the Voronoi edge between the two seats
    loc = geo.locate(device=DevicePoint(*mid, accuracy_m=150))
    ids = [pid for pid, _ in loc.candidates]
    assert {"150203001", "150203003"} <= set(ids)
    shares = [s for _, s in loc.candidates]
    assert shares == sorted(shares, reverse=True) and sum(shares) <= 1.0001


def test_interior_point_has_no_candidates() -> None:
    seat = geo.precinct("150223104").seat
    assert geo.locate(device=DevicePoint(*seat, accuracy_m=50)).candidates == ()


@pytest.mark.parametrize("lat,lon,city,province,county", [
    (39.8, 109.99, "鄂尔多斯市", "内蒙古自治区", "东胜区"),   # across the Yellow River
    (40.82, 111.67, "呼和浩特市", "内蒙古自治区", "新城区"),
    (31.87, 120.55, "苏州市", "江苏省", "张家港市"),
    (30.59, 114.30, "武汉市", "湖北省", "江岸区"),
])
def test_out_of_area_points_are_named(lat: float, lon: float, city: str, province: str,
                                      county: str) -> None:
    loc = geo.locate(device=DevicePoint(lat, lon, accuracy_m=10))
    assert loc.in_jurisdiction is False and loc.precinct is None and loc.district is None
    assert (loc.city, loc.province, loc.county) == (city, province, county)
    assert loc.county_code is not None and loc.county_code[:2] in ("15", "32", "42")


def test_point_abroad_has_no_names() -> None:
    loc = geo.locate(device=DevicePoint(48.85, 2.35, accuracy_m=10))
    assert loc.in_jurisdiction is False and loc.city is None and loc.province is None


def test_high_tech_zone_precinct_reports_its_zone() -> None:
    seat = geo.precinct("150271102").seat
    loc = geo.locate(device=DevicePoint(*seat, accuracy_m=10))
    assert loc.precinct == "150271102" and loc.district == "150271"
    assert loc.district_name == "稀土高新区"


def test_precincts_intersecting_circle() -> None:
    seat = geo.precinct("150203004").seat
    small = geo.precincts_intersecting_circle(*seat, 10)
    assert small == ("150203004",)
    big = geo.precincts_intersecting_circle(*seat, 3000)
    assert big[0] == "150203004" and len(big) > 3
    with pytest.raises(geo.InvalidCoordinates):
        geo.precincts_intersecting_circle(*seat, -1)
    with pytest.raises(geo.InvalidCoordinates):
        geo.precincts_intersecting_circle(float("nan"), 110.0, 10)


def test_neighbours_are_symmetric_and_plausible() -> None:
    for p in geo.precincts():
        for n in geo.neighbours(p.id):
            assert p.id in geo.neighbours(n)
            assert n != p.id
    assert "150203003" in geo.neighbours("150203001")
    with pytest.raises(geo.UnknownPrecinct):
        geo.neighbours("nope")


def test_judge_with_town_overrides_containment() -> None:
    seat = geo.precinct("150203001").seat
    j = judge(*seat, 0.0, town="150203004")
    assert j.precinct is not None and j.precinct.id == "150203004"


@settings(max_examples=60, deadline=None)
@given(st.floats(40.5, 40.75), st.floats(109.7, 110.1))
def test_vectorised_lookup_matches_scalar(lat: float, lon: float) -> None:
    loc = geo.locate(device=DevicePoint(lat, lon, accuracy_m=0))
    assert points_in_precincts(np.array([lat]), np.array([lon])) == [loc.precinct]


@settings(max_examples=60, deadline=None)
@given(st.floats(40.2, 42.8), st.floats(109.2, 111.5), st.floats(0, 5000))
def test_device_location_is_consistent(lat: float, lon: float, acc: float) -> None:
    loc = geo.locate(device=DevicePoint(lat, lon, accuracy_m=acc))
    if loc.precinct is not None:
        assert loc.in_jurisdiction is True
        assert geo.precinct(loc.precinct).district == loc.district
    if loc.in_jurisdiction is False:
        assert loc.precinct is None and loc.district is None


def test_grid_lookup_agrees_with_exact_query() -> None:
    from geo import layers

    rng = np.random.default_rng(3)
    lats, lons = rng.uniform(40.2, 42.9, 20_000), rng.uniform(109.1, 111.6, 20_000)
    layer, _ = layers.precinct_layer()
    fast = layer.indexes_at(lats, lons)
    pairs = layer.tree.query(shapely.points(np.column_stack([lons, lats])), predicate="within")
    exact = np.full(len(lats), -1)
    exact[pairs[0]] = pairs[1]
    assert (fast == exact).all()
    assert (fast >= 0).sum() > 5_000  # Baotou fills ~44 % of this box
