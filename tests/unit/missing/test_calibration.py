from __future__ import annotations

from dispatch.missing.calibration import Costs, Trial, choose, decide, evaluate

TRIALS = [
    Trial("c1", (("c1", 0.93), ("c2", 0.61))),
    Trial("c2", (("c2", 0.88), ("c1", 0.70))),
    Trial("c3", (("c3", 0.86), ("c4", 0.84))),  # a close runner-up
    Trial(None, (("c1", 0.80),), kind="wrong_age"),  # a look-alike
    Trial("c4", (("c4", 0.95),), may_link=False),  # a thief's report: offered only
    Trial("c5", ()),
]


def test_decide_needs_threshold_margin_and_permission() -> None:
    assert decide(TRIALS[0], 0.85, 0.05) == "c1"
    assert decide(TRIALS[2], 0.85, 0.05) is None  # within the margin
    assert decide(TRIALS[2], 0.85, 0.0) == "c3"
    assert decide(TRIALS[4], 0.85, 0.05) is None
    assert decide(TRIALS[4], 0.85, 0.05, gate=False) == "c4"
    assert decide(TRIALS[5], 0.5, 0.0) is None


def test_evaluate_counts_and_costs() -> None:
    r = evaluate(TRIALS, 0.85, 0.05)
    assert (r.true, r.linked_correctly, r.links, r.wrong_links) == (5, 2, 2, 0)
    assert r.ranked_first == 4 and r.offered_only == 2
    assert r.cost == 2 * 1.0 + 1 * 2.0  # c3, c4 offered; c5 not even offered
    low = evaluate(TRIALS, 0.75, 0.0, costs=Costs(wrong_link=10))
    assert low.wrong_links == 1 and low.cost >= 10
    assert 0 < r.recall < 1 and r.precision == 1.0


def test_choose_takes_the_middle_of_the_cheapest_plateau() -> None:
    thresholds = [0.80, 0.82, 0.84, 0.86, 0.88, 0.90]
    best = choose(TRIALS, thresholds, [0.0, 0.01, 0.05])
    assert best.wrong_links == 0 and best.threshold in (0.82, 0.84)
    assert best.cost == min(evaluate(TRIALS, t, m).cost for t in thresholds
                            for m in (0.0, 0.01, 0.05))
