"""Arrival times: a non-homogeneous Poisson process sampled by thinning.

The rate of a channel at time ``t`` is::

    rate(t) = per_day / 24 * weekday_factor[weekday(t)] * hour[h(t)] / mean(hour)   (per hour)

so that a day integrates to ``per_day * weekday_factor``. Candidates are drawn from a
homogeneous process at the peak rate and each is kept with probability
``rate(t) / peak`` (Lewis & Shedler 1979, "Simulation of nonhomogeneous Poisson
processes by thinning"). Hours and weekdays are read in Asia/Shanghai time.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

SHANGHAI: Final = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991


def local(t: datetime) -> datetime:
    """Return ``t`` in Asia/Shanghai time."""
    return t.astimezone(SHANGHAI)


def rate_per_hour(
    t: datetime, per_day: float, hour_profile: Sequence[float], weekday_factor: Sequence[float]
) -> float:
    """The expected reports per hour at ``t``.

    Args:
        t: A timezone-aware instant.
        per_day: Mean reports per day before the weekday factor.
        hour_profile: 24 relative weights, local hour 0 first.
        weekday_factor: 7 multipliers, Monday first.

    Returns:
        The instantaneous rate in reports per hour.
    """
    mean = sum(hour_profile) / 24.0
    if mean <= 0:
        return 0.0
    lt = local(t)
    return per_day / 24.0 * weekday_factor[lt.weekday()] * hour_profile[lt.hour] / mean


def expected_count(
    start: datetime, hours: float, per_day: float,
    hour_profile: Sequence[float], weekday_factor: Sequence[float],
) -> float:
    """The mean number of arrivals in ``[start, start + hours)`` (integrated per minute).

    Tests use it for statistical bounds; the generator does not need it.
    """
    steps = max(1, round(hours * 60))
    width = hours / steps
    return sum(
        rate_per_hour(start + timedelta(hours=(i + 0.5) * width), per_day, hour_profile,
                      weekday_factor) * width
        for i in range(steps)
    )


def thinned_arrivals(
    rng: random.Random, start: datetime, hours: float, per_day: float,
    hour_profile: Sequence[float], weekday_factor: Sequence[float],
) -> list[datetime]:
    """Sample arrival instants in ``[start, start + hours)``.

    Args:
        rng: The random source (consumed deterministically).
        start: A timezone-aware start instant.
        hours: Length of the window in hours.
        per_day: Mean arrivals per day before the weekday factor.
        hour_profile: 24 relative weights, local hour 0 first.
        weekday_factor: 7 multipliers, Monday first.

    Returns:
        Sorted arrival instants (UTC), rounded to whole seconds.
    """
    mean = sum(hour_profile) / 24.0
    if per_day <= 0 or mean <= 0 or hours <= 0:
        return []
    peak = per_day / 24.0 * max(weekday_factor) * max(hour_profile) / mean
    end = start + timedelta(hours=hours)
    out: list[datetime] = []
    t = start
    while True:
        t = t + timedelta(hours=rng.expovariate(peak))
        if t >= end:
            break
        if rng.random() * peak < rate_per_hour(t, per_day, hour_profile, weekday_factor):
            out.append(t.astimezone(UTC).replace(microsecond=0))
    return out
