"""Abstention: when the decision is uncertain, a person decides (待人工研判).

The raw confidence (the softmax of the combined model + rule logits for the chosen
category) is mapped to a calibrated probability of being right by an isotonic curve
fitted on cross-validated predictions over the training corpus (``python -m triage
calibrate`` writes ``data/calibration.json``). A report needs review when

* its calibrated confidence is below ``review_below``, or
* the runner-up is within ``margin`` of the chosen category, or
* the model alone is confident of another category (``disagree_p``) while giving the
  chosen one little weight — the rules and the model disagree.

The thresholds are chosen on the cross-validated predictions by the cost matrix of
:mod:`triage.costs` (under-triage costs far more than a patrol's time), under the cap
on the share of reports sent to review. Pure: the curve is read once, lazily.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from triage.codes import CATEGORIES

DATA = "calibration.json"
MAX_CANDIDATES = 3
CANDIDATE_MIN_P = 0.08
SUPPORT_P = 0.25


@dataclass(frozen=True, slots=True)
class Calibration:
    """An isotonic curve (breakpoints) and the review thresholds."""

    xs: tuple[float, ...] = (0.0, 1.0)
    ys: tuple[float, ...] = (0.0, 1.0)
    review_below: float = 0.5
    margin: float = 0.1
    disagree_p: float = 0.6

    def calibrate(self, raw: float) -> float:
        """The calibrated probability that a decision with raw confidence ``raw`` is right."""
        if raw <= self.xs[0]:
            return self.ys[0]
        if raw >= self.xs[-1]:
            return self.ys[-1]
        i = bisect.bisect_right(self.xs, raw)
        x0, x1, y0, y1 = self.xs[i - 1], self.xs[i], self.ys[i - 1], self.ys[i]
        return y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y1

    def to_dict(self) -> dict[str, object]:
        """The JSON form written by ``python -m triage calibrate``."""
        return {"format": 1, "xs": [round(x, 4) for x in self.xs],
                "ys": [round(y, 4) for y in self.ys], "review_below": self.review_below,
                "margin": self.margin, "disagree_p": self.disagree_p}


def calibration_from_json(raw: str) -> Calibration:
    """Parse ``calibration.json``."""
    data = json.loads(raw)
    return Calibration(tuple(data["xs"]), tuple(data["ys"]), float(data["review_below"]),
                       float(data["margin"]), float(data["disagree_p"]))


@lru_cache(maxsize=1)
def load_calibration() -> Calibration:
    """The committed calibration (identity with default thresholds when none is built)."""
    path = resources.files("triage.data").joinpath(DATA)
    if not path.is_file():
        return Calibration()
    return calibration_from_json(path.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a person must decide, and between what."""

    needs_review: bool
    candidates: tuple[str, ...]
    reasons: tuple[str, ...]


def judge(category: str, softmax: Mapping[str, float], model: Mapping[str, float],
          calibrated: float, cal: Calibration, forced: bool,
          supported: frozenset[str] | None = None) -> Verdict:
    """Decide whether ``category`` is sure enough to act on without a person.

    Args:
        category: the decided category.
        softmax: the combined (model + rules) probabilities per category.
        model: the model's own probabilities.
        calibrated: the calibrated confidence of ``category``.
        cal: the thresholds.
        forced: a safety rule or the life-risk net chose the category (its evidence is
            a cue, not the ranking): only the model's strong disagreement counts then.
        supported: categories with evidence in the text (a cue or a danger). A candidate
            without evidence needs ``SUPPORT_P`` of the combined probability: an
            unsupported alarm category must not raise the routing on its own.

    Returns:
        A :class:`Verdict`; ``candidates`` lists ``category`` first, then the close ones.
    """
    ranked = sorted(CATEGORIES, key=lambda c: -softmax[c])
    runner = next(c for c in ranked if c != category)
    reasons: list[str] = []
    if not forced and calibrated < cal.review_below:
        reasons.append(f"low_confidence:{calibrated:.2f}")
    if not forced and softmax[category] - softmax[runner] < cal.margin:
        reasons.append(f"close:{runner}")
    top = max(CATEGORIES, key=lambda c: model[c])
    if top != category and model[top] >= cal.disagree_p and model[category] < 0.2:
        reasons.append(f"model_disagrees:{top}")
    if not reasons:
        return Verdict(False, (category,), ())
    pool: list[str] = [category]
    for c in (*((top,) if top != category else ()), *ranked):
        evidenced = supported is None or c in supported or softmax[c] >= SUPPORT_P
        if c not in pool and evidenced and (softmax[c] >= CANDIDATE_MIN_P or c == top):
            pool.append(c)
        if len(pool) == MAX_CANDIDATES:
            break
    if len(pool) == 1 and (supported is None or runner in supported or
                           softmax[runner] >= SUPPORT_P):
        pool.append(runner)
    return Verdict(True, tuple(pool), tuple(reasons))


def isotonic(points: Sequence[tuple[float, bool]]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Fit an increasing curve of P(right | raw confidence) (pool-adjacent-violators)."""
    from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped,unused-ignore]

    xs = [p for p, _ in points]
    ys = [1.0 if ok else 0.0 for _, ok in points]
    reg = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
    reg.fit(xs, ys)
    return tuple(float(x) for x in reg.X_thresholds_), tuple(float(y) for y in reg.y_thresholds_)
