"""The cost of a triage error, by gold and decided priority: the asymmetry made explicit.

Units are "minutes of a patrol's time": sending a car to a matter that did not need one
costs about one unit per step of over-triage; leaving a life-at-risk report in a queue
costs the life it risks, which no number of patrol minutes buys back, so under-triage of
a P1 is priced two orders of magnitude higher. A report sent to a person for review
costs the call-taker's half minute. The review thresholds (:mod:`triage.review`) are
chosen to minimise this cost on cross-validated predictions, not to maximise accuracy.

Rows: gold priority; columns: decided priority.
"""

from __future__ import annotations

from collections.abc import Iterable

from triage.codes import PRIORITIES

COST: dict[str, dict[str, float]] = {
    #          decided:  P1     P2     P3     P4
    "P1": {"P1": 0.0, "P2": 20.0, "P3": 100.0, "P4": 100.0},
    "P2": {"P1": 1.0, "P2": 0.0, "P3": 20.0, "P4": 30.0},
    "P3": {"P1": 3.0, "P2": 1.0, "P3": 0.0, "P4": 5.0},
    "P4": {"P1": 3.0, "P2": 2.0, "P3": 1.0, "P4": 0.0},
}
REVIEW_COST = 0.5
# A wrong category at the right priority still misroutes the work (wrong unit type,
# wrong workflow): a small cost of its own — unless a person reviewed the report and
# the right category was among the candidates shown (the person picks it).
WRONG_CATEGORY_COST = 0.5
# At most this share of reports may go to a person (the target: 15 %).
MAX_REVIEW_SHARE = 0.15


def cost(gold_priority: str, priority: str, *, reviewed: bool = False,
         right_category: bool = True, right_among_candidates: bool = False) -> float:
    """The cost of deciding ``priority`` for a report whose gold priority is given."""
    total = COST[gold_priority][priority]
    if reviewed:
        total += REVIEW_COST
    if not right_category and not (reviewed and right_among_candidates):
        total += WRONG_CATEGORY_COST
    return total


def matrix(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Counts of (gold, decided) priority pairs, every cell present."""
    out = {g: dict.fromkeys(PRIORITIES, 0) for g in PRIORITIES}
    for gold, decided in pairs:
        out[gold][decided] += 1
    return out


def weighted(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    """Each cell's count times its cost."""
    return {g: {p: counts[g][p] * COST[g][p] for p in PRIORITIES} for g in PRIORITIES}
