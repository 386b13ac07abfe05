"""The widening alert area: radius by elapsed time and search profile, and who to notify.

The case is broadcast to every precinct whose polygon intersects a circle around the last
seen point. The circle grows with the time since the person was last seen:

* ``on_foot`` — dementia and other walkers. Lost-person studies find most people with
  dementia within about 1 km of where they were last seen, so the circle starts at 1 km
  and grows at an older adult's walking pace (1.2 m/s ≈ 4.3 km/h), capped at 25 km.
* ``child`` — the national missing-child alert platform (团圆) pushes to 100 km in the
  first hour, 200 km by 2 h, 300 km by 3 h and 500 km beyond. We keep that shape and
  divide by 10 for one city and its neighbours: 10 / 20 / 30 / 50 km.
* ``vehicle`` — starts at 5 km and grows at urban driving speed (40 km/h), capped at
  150 km; past 50 km the case also needs the out-of-area hand-off.

The core does not know precinct polygons: it takes a ``PrecinctLookup`` (geo's
``precincts_intersecting_circle``) as an injected callable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from dispatch.missing.person import Person
from dispatch.missing.risk import Circumstances


class AreaProfile(str, Enum):
    """How fast the person can move away from the last seen point."""

    ON_FOOT = "on_foot"
    CHILD = "child"
    VEHICLE = "vehicle"


@dataclass(frozen=True, slots=True)
class ProfileSpec:
    """Radius growth of one profile.

    Attributes:
        start_m: radius at the moment of last sighting.
        speed_mps: growth in metres per second of elapsed time (0 for stepped profiles).
        max_m: the radius never exceeds this.
        steps: ``(elapsed, radius_m)`` pairs; the radius is the first step whose elapsed
            time has not yet passed (used by the child profile), else ``max_m``.
        handoff_above_m: past this radius other agencies must be told (``None``: never).
    """

    start_m: float
    speed_mps: float
    max_m: float
    steps: tuple[tuple[timedelta, float], ...] = ()
    handoff_above_m: float | None = None


CITY_SCALE = 0.1  # national platform radii (km) → one city and its neighbours
_H = timedelta(hours=1)

DEFAULT_PROFILES: dict[AreaProfile, ProfileSpec] = {
    AreaProfile.ON_FOOT: ProfileSpec(start_m=1_000.0, speed_mps=1.2, max_m=25_000.0),
    AreaProfile.CHILD: ProfileSpec(
        start_m=100_000.0 * CITY_SCALE,
        speed_mps=0.0,
        max_m=500_000.0 * CITY_SCALE,
        steps=(
            (_H, 100_000.0 * CITY_SCALE),
            (2 * _H, 200_000.0 * CITY_SCALE),
            (3 * _H, 300_000.0 * CITY_SCALE),
        ),
    ),
    AreaProfile.VEHICLE: ProfileSpec(
        start_m=5_000.0, speed_mps=40_000.0 / 3600.0, max_m=150_000.0, handoff_above_m=50_000.0
    ),
}

# Matching asks "could they have got here?", which needs the *fastest* plausible travel,
# not the alert radius: a child can be carried by car.
TRAVEL_SPEED_MPS: dict[AreaProfile, float] = {
    AreaProfile.ON_FOOT: 1.5,
    AreaProfile.CHILD: 40_000.0 / 3600.0,
    AreaProfile.VEHICLE: 60_000.0 / 3600.0,
}
TRAVEL_START_M: dict[AreaProfile, float] = {
    AreaProfile.ON_FOOT: 1_000.0,
    AreaProfile.CHILD: 1_000.0,
    AreaProfile.VEHICLE: 5_000.0,
}

MIN_GROWTH_M = 500.0  # smaller growth is not worth a widening event
WIDEN_EVERY = timedelta(minutes=5)  # how often the adapter re-evaluates the radius


class PrecinctLookup(Protocol):
    """Precinct ids (NBS town codes) whose polygon intersects a circle."""

    def __call__(self, lat: float, lon: float, radius_m: float) -> tuple[str, ...]: ...


def choose_profile(person: Person, circumstances: Circumstances) -> AreaProfile:
    """Vehicle if they left in one; child for a child or a girl under 18; else on foot."""
    if circumstances.vehicle:
        return AreaProfile.VEHICLE
    if person.is_child or person.is_minor_girl:
        return AreaProfile.CHILD
    return AreaProfile.ON_FOOT


def radius_m(
    elapsed: timedelta,
    profile: AreaProfile,
    profiles: dict[AreaProfile, ProfileSpec] | None = None,
) -> float:
    """Alert radius after ``elapsed`` since last seen.

    Args:
        elapsed: time since the last sighting; negative counts as zero.
        profile: the case's profile.
        profiles: override the ``DEFAULT_PROFILES`` table.

    Returns:
        The radius in metres, between the profile's start and its cap.
    """
    spec = (profiles or DEFAULT_PROFILES)[profile]
    elapsed = max(elapsed, timedelta(0))
    if spec.steps:
        for limit, radius in spec.steps:
            if elapsed <= limit:
                return radius
        return spec.max_m
    return min(spec.start_m + spec.speed_mps * elapsed.total_seconds(), spec.max_m)


def reach_m(elapsed: timedelta, profile: AreaProfile, pace: float = 1.0) -> float:
    """How far the person could plausibly be after ``elapsed`` (for matching); ``pace``
    scales the travel speed (the very old and small children walk slower)."""
    seconds = max(elapsed.total_seconds(), 0.0)
    return TRAVEL_START_M[profile] + TRAVEL_SPEED_MPS[profile] * pace * seconds


@dataclass(frozen=True, slots=True)
class Widening:
    """The result of re-evaluating the alert circle.

    Attributes:
        radius_m: the new radius.
        new_precincts: precincts now covered that had not been notified, sorted.
        handoff: the radius has just crossed the profile's hand-off threshold.
        next_at: when to re-evaluate (the radius will have grown enough), or ``None``
            once the radius has reached its cap.
    """

    radius_m: float
    new_precincts: tuple[str, ...]
    handoff: bool
    next_at: datetime | None


def widen(
    *,
    lat: float,
    lon: float,
    last_seen_at: datetime,
    profile: AreaProfile,
    current_radius_m: float,
    notified: Iterable[str],
    lookup: PrecinctLookup,
    now: datetime,
    profiles: dict[AreaProfile, ProfileSpec] | None = None,
) -> Widening | None:
    """Grow the alert circle to its radius at ``now``.

    Args:
        lat: last seen latitude (WGS-84).
        lon: last seen longitude.
        last_seen_at: when the person was last seen.
        profile: the case's profile.
        current_radius_m: the radius already broadcast (0 before the first broadcast).
        notified: precincts that already received the case.
        lookup: geo's circle-intersection lookup.
        now: the current time.
        profiles: override the ``DEFAULT_PROFILES`` table.

    Returns:
        ``None`` if the radius has not grown by ``MIN_GROWTH_M`` (nothing to do), else the
        new radius and the precincts to notify now.
    """
    spec = (profiles or DEFAULT_PROFILES)[profile]
    radius = radius_m(now - last_seen_at, profile, profiles)
    grown = radius - current_radius_m
    if (
        current_radius_m > 0
        and grown < MIN_GROWTH_M - 1.0
        and not (0 < grown and radius >= spec.max_m)
    ):
        return None
    already = set(notified)
    covered = lookup(lat, lon, radius)
    new = tuple(sorted(p for p in set(covered) if p not in already))
    threshold = spec.handoff_above_m
    handoff = threshold is not None and current_radius_m <= threshold < radius
    next_at = next_widening_at(last_seen_at, profile, radius, now, profiles)
    return Widening(radius_m=radius, new_precincts=new, handoff=handoff, next_at=next_at)


def next_widening_at(
    last_seen_at: datetime,
    profile: AreaProfile,
    current_radius_m: float,
    now: datetime,
    profiles: dict[AreaProfile, ProfileSpec] | None = None,
) -> datetime | None:
    """When the radius will next have grown by ``MIN_GROWTH_M`` (or reach its next step).

    Never sooner than ``WIDEN_EVERY`` after ``now``; ``None`` once the cap is reached.
    """
    spec = (profiles or DEFAULT_PROFILES)[profile]
    if current_radius_m >= spec.max_m:
        return None
    if spec.steps:
        elapsed = now - last_seen_at
        due = next((last_seen_at + limit for limit, _ in spec.steps if limit >= elapsed), None)
        due = due or last_seen_at + spec.steps[-1][0]
        # one tick past the step boundary, so radius_m() already returns the next step
        return max(due + timedelta(seconds=1), now + WIDEN_EVERY)
    target = min(current_radius_m + MIN_GROWTH_M, spec.max_m)
    seconds = (target - spec.start_m) / spec.speed_mps if spec.speed_mps > 0 else 0.0
    return max(last_seen_at + timedelta(seconds=seconds), now + WIDEN_EVERY)
