"""``python -m triage calibrate``: the confidence curve and the review thresholds.

Five-fold cross-validation over the training corpus (fold = line index mod 5): each
fold's reports are classified by a model trained on the other four, so every raw
confidence is one the model produced on text it had not seen. An isotonic curve maps raw
confidence to the observed share of right categories; then the review thresholds are the
grid point of least total cost (:mod:`triage.costs`) whose review share stays under
:data:`triage.costs.MAX_REVIEW_SHARE`. Deterministic: same corpus, same file.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage import costs
from triage.classify import Options, classify
from triage.model import model_from_json
from triage.review import Calibration, isotonic, judge
from triage.train import Example, fit, load_corpus, render

FOLDS = 5
GRID_REVIEW_BELOW = tuple(round(0.20 + 0.05 * i, 2) for i in range(13))  # 0.20 … 0.80
GRID_MARGIN = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
GRID_DISAGREE = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
# Leave room under the cap: text from other writers is less certain than the corpus.
REVIEW_SHARE_BUDGET = 0.10


@dataclass(frozen=True, slots=True)
class Point:
    """One cross-validated prediction."""

    gold_category: str
    gold_priority: str
    category: str
    trace: dict[str, Any]


def artifact_path() -> Path:
    """Where the calibration is written (inside the package)."""
    return Path(__file__).resolve().parent / "data" / "calibration.json"


def cross_validate(examples: Sequence[Example]) -> list[Point]:
    """Classify every example with a model that did not train on it."""
    points: list[Point] = []
    identity = Calibration()
    for fold in range(FOLDS):
        train = [e for i, e in enumerate(examples) if i % FOLDS != fold]
        model = model_from_json(render(fit(train)))
        for i, e in enumerate(examples):
            if i % FOLDS != fold:
                continue
            trace: list[dict[str, Any]] = []
            result = classify(e.text, e.channel, options=Options(
                model=model, calibration=identity, review=False, trace=trace))
            points.append(Point(e.category, e.priority, result.category, trace[0]))
    return points


NEAR_BEST = 0.02


def choose(points: Sequence[Point]) -> Calibration:
    """Fit the curve and pick the least-cost thresholds within the review budget."""
    xs, ys = isotonic([(p.trace["raw"], p.category == p.gold_category) for p in points])
    curve = Calibration(xs, ys)
    scored: list[tuple[float, int, Calibration]] = []
    for below, margin, disagree in itertools.product(GRID_REVIEW_BELOW, GRID_MARGIN,
                                                     GRID_DISAGREE):
        cal = Calibration(xs, ys, below, margin, disagree)
        total, reviewed = 0.0, 0
        for p in points:
            t = p.trace
            verdict = judge(p.category, t["softmax"], t["model"], curve.calibrate(t["raw"]),
                            cal, t["forced"], t["supported"])
            priority = t["review_priority"] if verdict.needs_review else t["base_priority"]
            reviewed += verdict.needs_review
            total += costs.cost(p.gold_priority, priority, reviewed=verdict.needs_review,
                                right_category=p.category == p.gold_category,
                                right_among_candidates=p.gold_category in verdict.candidates)
        if reviewed > REVIEW_SHARE_BUDGET * len(points):
            continue
        scored.append((total, reviewed, cal))
    assert scored  # the grid includes thresholds that review nothing
    # On the corpus the model was trained on, many points cost almost the same; reports
    # from other writers are less certain, and a missed review costs more than a needless
    # one: among the points within NEAR_BEST of the least cost, the one that reviews most
    # (then the first in grid order, so the choice is deterministic).
    least = min(total for total, _, _ in scored)
    near = [t for t in scored if t[0] <= least * (1 + NEAR_BEST) + 1e-9]
    return max(near, key=lambda t: t[1])[2]


def build(examples: Sequence[Example] | None = None) -> str:
    """The calibration JSON text for the corpus (or ``examples``)."""
    cal = choose(cross_validate(examples if examples is not None else load_corpus()))
    return json.dumps(cal.to_dict(), ensure_ascii=False, indent=1) + "\n"
