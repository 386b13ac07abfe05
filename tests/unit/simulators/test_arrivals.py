"""Arrival process: thinning reproduces the rate profile and its integral."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import timedelta

from simulators import DEFAULT_START
from simulators.streams.arrivals import SHANGHAI, expected_count, rate_per_hour, thinned_arrivals

PROFILE = tuple(1.0 if h < 12 else 3.0 for h in range(24))
FLAT_WEEK = (1.0,) * 7


def test_expected_count_integrates_the_rate() -> None:
    assert abs(expected_count(DEFAULT_START, 24, 480, PROFILE, FLAT_WEEK) - 480) < 1e-6
    week = (1, 1, 1, 1, 1, 2, 2)
    assert abs(expected_count(DEFAULT_START, 24 * 7, 100, PROFILE, week) - 900) < 1e-6


def test_rate_reads_local_time() -> None:
    noon_local = DEFAULT_START + timedelta(hours=12, minutes=30)
    assert rate_per_hour(noon_local, 480, PROFILE, FLAT_WEEK) == 30.0
    assert rate_per_hour(DEFAULT_START, 480, PROFILE, FLAT_WEEK) == 10.0


def test_thinning_matches_the_profile_over_a_week() -> None:
    times = thinned_arrivals(random.Random(42), DEFAULT_START, 24 * 7, 480, PROFILE, FLAT_WEEK)
    assert abs(len(times) - 3360) < 5 * math.sqrt(3360)
    halves = Counter(t.astimezone(SHANGHAI).hour >= 12 for t in times)
    assert 2.6 < halves[True] / halves[False] < 3.4
    assert times == sorted(times)
    assert all(t.microsecond == 0 for t in times)


def test_zero_volume_or_window_gives_nothing() -> None:
    rng = random.Random(1)
    assert thinned_arrivals(rng, DEFAULT_START, 24, 0, PROFILE, FLAT_WEEK) == []
    assert thinned_arrivals(rng, DEFAULT_START, 0, 100, PROFILE, FLAT_WEEK) == []
