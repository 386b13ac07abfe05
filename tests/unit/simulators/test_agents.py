"""Desk pools and the fleet."""

from __future__ import annotations

import random

from dispatch.domain.units import TravelModel, UnitStatus
from simulators.streams.generator import DEFAULT_START
from simulators.whatif.agents import DeskPool, Fleet, lognormal
from simulators.whatif.kpis import percentile


def test_desk_pool_queues_first_come_first_served() -> None:
    pool = DeskPool(2)
    assert pool.serve(0, 10) == (0, 10)
    assert pool.serve(1, 10) == (1, 11)
    assert pool.serve(2, 10) == (10, 20)  # both busy: waits for the first to finish
    assert DeskPool(0).serve(5, 3) == (5, 8)


def test_fleet_sends_the_nearest_unit_and_tracks_its_busy_time() -> None:
    seats = [("A", "甲", 40.60, 109.80), ("B", "乙", 40.60, 110.00)]
    fleet = Fleet(seats, 1, TravelModel(), DEFAULT_START)
    best = fleet.nearest(40.60, 109.99, None)
    assert best is not None and best.unit.precinct == "B"
    fleet.dispatch(best.unit.id, "I1", DEFAULT_START, 100.0)
    assert fleet.units[best.unit.id].status is UnitStatus.en_route
    other = fleet.nearest(40.60, 109.99, None)
    assert other is not None and other.unit.precinct == "A"
    fleet.dispatch(other.unit.id, "I2", DEFAULT_START, 100.0)
    assert fleet.nearest(40.60, 109.99, None) is None
    fleet.arrive(best.unit.id, DEFAULT_START)
    fleet.clear(best.unit.id, 40.61, 109.99, DEFAULT_START, 400.0)
    unit = fleet.units[best.unit.id]
    assert unit.status is UnitStatus.available and unit.lat == 40.61
    use = fleet.utilisation(1000.0, 1000.0)
    assert use[best.unit.id] == 0.3 and use[other.unit.id] == 0.9


def test_lognormal_has_the_median_and_zero_stays_zero() -> None:
    rng = random.Random(1)
    draws = [lognormal(rng, 60, 0.5) for _ in range(4001)]
    assert 55 < percentile(draws, 50) < 65  # type: ignore[operator]
    assert lognormal(rng, 0, 0.5) == 0 and lognormal(rng, 30, 0) == 30
    assert percentile([], 50) is None and percentile([1, 3], 50) == 2
