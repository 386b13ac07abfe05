from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.missing.area import (
    DEFAULT_PROFILES,
    MIN_GROWTH_M,
    WIDEN_EVERY,
    AreaProfile,
    Widening,
    choose_profile,
    next_widening_at,
    radius_m,
    widen,
)
from dispatch.missing.person import AgeRange, Gender, Person
from dispatch.missing.risk import Circumstances
from tests.unit.missing.builders import KUNDULUN, SUMMER, GridPrecincts, minutes, old_man

H = timedelta(hours=1)


def test_on_foot_starts_at_1_km_and_grows_at_walking_pace() -> None:
    assert radius_m(timedelta(0), AreaProfile.ON_FOOT) == 1_000.0
    assert radius_m(H, AreaProfile.ON_FOOT) == pytest.approx(1_000.0 + 1.2 * 3600)
    assert radius_m(timedelta(days=3), AreaProfile.ON_FOOT) == 25_000.0
    assert radius_m(-H, AreaProfile.ON_FOOT) == 1_000.0


@pytest.mark.parametrize(
    ("elapsed", "km"),
    [
        (minutes(0), 10),
        (minutes(30), 10),
        (H, 10),
        (H + minutes(1), 20),
        (2 * H, 20),
        (2 * H + minutes(30), 30),
        (3 * H, 30),
        (3 * H + minutes(1), 50),
        (48 * H, 50),
    ],
)
def test_child_follows_the_national_platform_shape_scaled_to_a_city(
    elapsed: timedelta, km: int
) -> None:
    assert radius_m(elapsed, AreaProfile.CHILD) == km * 1_000.0


def test_vehicle_grows_fast() -> None:
    assert radius_m(timedelta(0), AreaProfile.VEHICLE) == 5_000.0
    assert radius_m(H, AreaProfile.VEHICLE) == pytest.approx(45_000.0)
    assert radius_m(H, AreaProfile.VEHICLE) > 8 * radius_m(H, AreaProfile.ON_FOOT)


@pytest.mark.parametrize("profile", list(AreaProfile))
def test_radius_never_shrinks(profile: AreaProfile) -> None:
    radii = [radius_m(minutes(m), profile) for m in range(0, 72 * 60, 7)]
    assert radii == sorted(radii)
    assert max(radii) <= DEFAULT_PROFILES[profile].max_m


def test_choose_profile() -> None:
    assert choose_profile(old_man(), Circumstances()) is AreaProfile.ON_FOOT
    assert choose_profile(old_man(), Circumstances(vehicle=True)) is AreaProfile.VEHICLE
    child = Person(gender=Gender.MALE, age=AgeRange.exact(6))
    assert choose_profile(child, Circumstances()) is AreaProfile.CHILD
    girl = Person(gender=Gender.FEMALE, age=AgeRange.exact(15))
    assert choose_profile(girl, Circumstances()) is AreaProfile.CHILD


def test_widening_notifies_only_newly_covered_precincts() -> None:
    lookup = GridPrecincts()
    first = widen(
        lat=KUNDULUN[0],
        lon=KUNDULUN[1],
        last_seen_at=SUMMER,
        profile=AreaProfile.ON_FOOT,
        current_radius_m=0.0,
        notified=(),
        lookup=lookup,
        now=SUMMER,
    )
    assert first is not None and first.radius_m == 1_000.0 and first.new_precincts
    later = SUMMER + H
    second = widen(
        lat=KUNDULUN[0],
        lon=KUNDULUN[1],
        last_seen_at=SUMMER,
        profile=AreaProfile.ON_FOOT,
        current_radius_m=first.radius_m,
        notified=first.new_precincts,
        lookup=lookup,
        now=later,
    )
    assert second is not None
    assert second.new_precincts and not set(second.new_precincts) & set(first.new_precincts)
    covered = set(lookup(KUNDULUN[0], KUNDULUN[1], second.radius_m))
    assert covered == set(first.new_precincts) | set(second.new_precincts)


def test_small_growth_is_not_a_widening() -> None:
    lookup = GridPrecincts()
    assert (
        widen(
            lat=KUNDULUN[0],
            lon=KUNDULUN[1],
            last_seen_at=SUMMER,
            profile=AreaProfile.ON_FOOT,
            current_radius_m=1_000.0,
            notified=(),
            lookup=lookup,
            now=SUMMER + minutes(5),
        )
        is None
    )
    assert lookup.calls == []


def test_next_widening_is_when_the_radius_has_grown_enough() -> None:
    nxt = next_widening_at(SUMMER, AreaProfile.ON_FOOT, 1_000.0, SUMMER)
    assert nxt is not None
    assert radius_m(nxt - SUMMER, AreaProfile.ON_FOOT) == pytest.approx(1_000.0 + MIN_GROWTH_M)
    assert nxt - SUMMER >= WIDEN_EVERY
    child_next = next_widening_at(SUMMER, AreaProfile.CHILD, 10_000.0, SUMMER + minutes(20))
    assert child_next is not None and radius_m(child_next - SUMMER, AreaProfile.CHILD) == 20_000.0
    assert next_widening_at(SUMMER, AreaProfile.ON_FOOT, 25_000.0, SUMMER + 24 * H) is None


def test_vehicle_hands_off_once_when_crossing_50_km() -> None:
    lookup = GridPrecincts(half_width=8)

    def widen_vehicle(current: float, at_minute: int) -> Widening | None:
        return widen(
            lat=KUNDULUN[0],
            lon=KUNDULUN[1],
            last_seen_at=SUMMER,
            profile=AreaProfile.VEHICLE,
            current_radius_m=current,
            notified=(),
            lookup=lookup,
            now=SUMMER + minutes(at_minute),
        )

    crossing = widen_vehicle(45_000.0, 75)
    assert crossing is not None and crossing.handoff
    beyond = widen_vehicle(crossing.radius_m, 90)
    assert beyond is not None and not beyond.handoff
