"""Configurations over seeds: mean and spread, and the significance rule."""

from __future__ import annotations

import math

import pytest

from simulators.whatif.comparison import MEASURES, difference, spread, summarise


def test_spread_is_mean_sample_sd_and_range_over_the_seeds_with_a_value() -> None:
    out = spread([10.0, None, 14.0, 12.0])
    assert out["values"] == [10.0, None, 14.0, 12.0] and out["n"] == 3
    assert out["mean"] == 12.0 and out["sd"] == 2.0  # sample sd (n - 1)
    assert (out["min"], out["max"]) == (10.0, 14.0)
    assert spread([5.0])["sd"] is None
    assert spread([None, None])["mean"] is None


def test_a_difference_counts_only_beyond_twice_the_pooled_sd() -> None:
    a = spread([100.0, 104.0, 96.0])            # sd 4
    clear = spread([120.0, 124.0, 116.0])       # +20 against a threshold of 8
    noise = spread([105.0, 101.0, 109.0])       # +5, within the day-to-day spread
    out = difference(a, clear)
    assert out["difference"] == 20.0 and out["pooled_sd"] == 4.0 and out["threshold"] == 8.0
    assert out["significant"] is True
    assert difference(a, noise)["significant"] is False
    assert difference(clear, a)["difference"] == -20.0
    assert difference(clear, a)["significant"] is True
    # Unequal counts pool by degrees of freedom.
    b = spread([10.0, 12.0])
    c = spread([20.0, 24.0, 22.0, 26.0])
    pooled = math.sqrt((1 * b["sd"] ** 2 + 3 * c["sd"] ** 2) / 4)
    assert difference(b, c)["pooled_sd"] == pytest.approx(pooled, abs=1e-4)


def test_a_single_seed_or_no_value_is_not_judged() -> None:
    assert difference(spread([1.0]), spread([3.0])) == {
        "difference": 2.0, "pooled_sd": None, "threshold": None, "significant": None}
    assert difference(spread([None]), spread([3.0, 4.0]))["significant"] is None
    # No spread at all: any change is beyond it, no change is not.
    assert difference(spread([3.0, 3.0]), spread([4.0, 4.0]))["significant"] is True
    assert difference(spread([3.0, 3.0]), spread([3.0, 3.0]))["significant"] is False


def _kpis(arrival_p90_p1: float, reports: int) -> dict[str, object]:
    return {"reports": {"total": reports},
            "time_to_arrival_s": {"by_priority": {"P1": {"p90": arrival_p90_p1}}}}


def test_summarise_gives_each_configuration_and_the_differences() -> None:
    base = [_kpis(400.0, 1700), _kpis(420.0, 1710), _kpis(410.0, 1690)]
    fewer_units = [_kpis(600.0, 1700), _kpis(640.0, 1710), _kpis(620.0, 1690)]
    out = summarise(range(7, 10), ["base", "thin"], [base, fewer_units])
    assert out["seeds"] == [7, 8, 9] and "2 x pooled sd" in out["rule"]
    assert [r["label"] for r in out["runs"]] == ["base", "thin"]
    assert set(out["runs"][0]["kpis"]) == {m.key for m in MEASURES}
    assert out["runs"][1]["kpis"]["arrival_p90_s_p1"]["mean"] == 620.0
    assert out["differences"]["arrival_p90_s_p1"]["significant"] is True
    assert out["differences"]["reports"] == {"difference": 0.0, "pooled_sd": 10.0,
                                             "threshold": 20.0, "significant": False}
    assert out["differences"]["ack_within"]["significant"] is None  # absent from these KPIs
    assert "differences" not in summarise([7], ["base"], [base[:1]])
