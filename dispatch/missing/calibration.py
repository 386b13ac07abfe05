"""Choosing the link threshold and margin on labelled reports, by what mistakes cost.

A *trial* is one labelled report as the matcher saw it: the open cases it scored, best
first, whether the report may be linked without a person (``intake.ReportReading``),
and the case it truly describes (or none, for a look-alike). ``evaluate`` replays the
matcher's decision for a threshold and margin; ``choose`` picks the pair with the
lowest cost.

The costs (``Costs``), in units of one missed link whose case is still offered:

* **a wrong link** — the sighting's precinct is sent to verify against the wrong
  description and the wrong family is told, while the real case (if any) loses the
  sighting: the cost of a miss, plus an officer's trip and a family's false hope, plus
  the call-taker's trust in every later link. Counted 5.
* **a missed link, case offered** — the call-taker must read the candidates and link by
  hand: minutes lost on a case where minutes matter (the 17-minute story). Counted 1.
* **a missed link, case not even offered** — nobody connects the sighting unless they
  search the register. Counted 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dispatch.missing.matching import CANDIDATE_FLOOR


@dataclass(frozen=True, slots=True)
class Trial:
    """One labelled report: the case it describes, and the cases the matcher ranked."""

    gold: str | None
    ranked: tuple[tuple[str, float], ...]
    may_link: bool = True
    kind: str | None = None  # for a look-alike: why it is not the case (wrong_gender …)


@dataclass(frozen=True, slots=True)
class Costs:
    """What each kind of mistake costs (a missed link with the case offered is 1)."""

    wrong_link: float = 5.0
    missed_offered: float = 1.0
    missed_unoffered: float = 2.0


@dataclass(frozen=True, slots=True)
class Result:
    """The matcher's figures on a set of trials for one threshold and margin."""

    threshold: float
    margin: float
    true: int
    linked_correctly: int
    links: int
    wrong_links: int
    ranked_first: int
    offered_only: int
    cost: float

    @property
    def recall(self) -> float:
        return self.linked_correctly / self.true if self.true else 0.0

    @property
    def precision(self) -> float:
        return self.linked_correctly / self.links if self.links else 1.0


def decide(trial: Trial, threshold: float, margin: float, *, gate: bool = True) -> str | None:
    """The case the matcher links, or ``None``: the best, if it reaches ``threshold``,
    leads the runner-up by ``margin`` and the report may be linked."""
    if not trial.ranked or (gate and not trial.may_link):
        return None
    best = trial.ranked[0][1]
    second = trial.ranked[1][1] if len(trial.ranked) > 1 else 0.0
    return trial.ranked[0][0] if best >= threshold and best - second >= margin else None


def evaluate(trials: Sequence[Trial], threshold: float, margin: float, *, floor: float = CANDIDATE_FLOOR,
             costs: Costs = Costs(), gate: bool = True) -> Result:
    """Replay the decisions; a candidate is offered when it scores at least ``floor``."""
    true = correct = links = wrong = first = offered = 0
    cost = 0.0
    for t in trials:
        linked = decide(t, threshold, margin, gate=gate)
        true += t.gold is not None
        links += linked is not None
        if linked is not None and linked == t.gold:
            correct += 1
        elif linked is not None:
            wrong += 1
            cost += costs.wrong_link
        if t.gold is not None and linked != t.gold:
            shown = any(case == t.gold and s >= floor for case, s in t.ranked)
            offered += shown
            cost += costs.missed_offered if shown else costs.missed_unoffered
        first += t.gold is not None and bool(t.ranked) and t.ranked[0][0] == t.gold
    return Result(threshold, margin, true, correct, links, wrong, first, offered, cost)


def choose(trials: Sequence[Trial], thresholds: Sequence[float], margins: Sequence[float],
           *, floor: float = CANDIDATE_FLOOR, costs: Costs = Costs()) -> Result:
    """The threshold and margin with the lowest cost.

    Among equal costs, the middle of the equally good margins, then the middle of the
    longest run of equally good thresholds at that margin: the choice least sensitive to
    where the next set's scores fall.
    """
    results = [evaluate(trials, t, m, floor=floor, costs=costs) for m in margins for t in thresholds]
    lowest = min(r.cost for r in results)
    good_margins = sorted({r.margin for r in results if r.cost == lowest})
    margin = good_margins[len(good_margins) // 2]
    good = sorted(r.threshold for r in results if r.cost == lowest and r.margin == margin)
    # the longest run of consecutive grid thresholds at the lowest cost, and its middle
    grid = sorted(thresholds)
    runs: list[list[float]] = []
    for t in good:
        if runs and grid.index(t) == grid.index(runs[-1][-1]) + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    longest = max(runs, key=len)
    middle = longest[len(longest) // 2]
    return next(r for r in results if r.threshold == middle and r.margin == margin)
