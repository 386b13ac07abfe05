"""Spatial and attribute pre-filter over many anchors, with exact top-k results.

Matching one sighting must stay fast with 10,000 open cases and 10,000 found-person
records. ``AnchorIndex`` keeps the anchors' attributes in numpy columns and computes, in
one vectorised pass, an *upper bound* of every anchor's score: the exact gender, age,
height and place/time components (distance by haversine, shrunk by 0.6 % so it never
exceeds the geodesic distance the full scorer uses), a colour-overlap bound for clothing,
and the best case (1.0) for features and conditions. Because the score is increasing in
every component and the set of known components is computed exactly, no anchor whose
bound is below the floor can score above it.

``best`` then runs the full ``matching.score`` on the survivors in decreasing bound order
and stops as soon as the bound falls below the k-th best score found so far (branch and
bound). The result is identical to ``naive_best``, the full scan kept as the reference.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from dispatch.missing.area import TRAVEL_SPEED_MPS, TRAVEL_START_M
from dispatch.missing.clothing import COLOURS, colour_family
from dispatch.missing.matching import (
    AGE_STEP_YEARS,
    AGE_VETO_YEARS,
    CANDIDATE_FLOOR,
    DISTANCE_VETO_FACTOR,
    EARLY_TOLERANCE,
    FULL_EVIDENCE,
    HEIGHT_SPAN_CM,
    HEIGHT_TOLERANCE_CM,
    WEIGHTS,
    Anchor,
    MatchCandidate,
    Observation,
    score,
)
from dispatch.missing.person import Gender, Person

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

EARTH_RADIUS_M = 6_371_008.8
HAVERSINE_SHRINK = 0.994  # haversine vs WGS-84 geodesic differ by < 0.56 %
_BIT = {colour: 1 << i for i, colour in enumerate(sorted(COLOURS))}
_GENDER_CODE = {Gender.UNKNOWN: 0, Gender.MALE: 1, Gender.FEMALE: 2}
_SLACK = 1e-6  # the full score is rounded to 6 decimals
_Adder = Callable[[str, "Bools", "Floats | float"], None]


def _colour_mask(person: Person, *, with_neighbours: bool) -> int:
    mask = 0
    for item in person.clothing:
        if item.colour:
            family = colour_family(item.colour) if with_neighbours else {item.colour}
            for colour in family:
                mask |= _BIT[colour]
    return mask


def _rank_key(c: MatchCandidate) -> tuple[float, str, str]:
    return (-c.score, c.kind.value, c.id)


class AnchorIndex:
    """Columnar pre-filter over a fixed set of anchors (rebuild when the set changes).

    Building 10,000 anchors takes a few tens of milliseconds; the service rebuilds when a
    case opens or closes, or keeps one index per day of found records.
    """

    def __init__(self, anchors: Sequence[Anchor]) -> None:
        """Index ``anchors``; the sequence is kept, not copied."""
        self.anchors = anchors
        people = [a.person for a in anchors]
        self._gender = np.array([_GENDER_CODE[p.gender] for p in people], dtype=np.int8)
        self._age = self._ranges([(p.age.min, p.age.max) if p.age else None for p in people])
        self._height = self._ranges(
            [(p.height.min, p.height.max) if p.height else None for p in people]
        )
        self._has_clothing = np.array(
            [any(c.colour or c.item for c in p.clothing) for p in people], dtype=np.bool_
        )
        self._colours = np.array(
            [_colour_mask(p, with_neighbours=True) for p in people], dtype=np.int64
        )
        self._has_features = np.array([bool(p.features) for p in people], dtype=np.bool_)
        nan = float("nan")
        self._lat = np.radians(np.array([a.lat if a.lat is not None else nan for a in anchors]))
        self._lon = np.radians(np.array([a.lon if a.lon is not None else nan for a in anchors]))
        self._ts = np.array([a.at.timestamp() for a in anchors], dtype=np.float64)
        self._start = np.array([TRAVEL_START_M[a.profile] for a in anchors], dtype=np.float64)
        self._speed = np.array([TRAVEL_SPEED_MPS[a.profile] for a in anchors], dtype=np.float64)
        self._symmetric = np.array([a.symmetric for a in anchors], dtype=np.bool_)

    @staticmethod
    def _ranges(values: list[tuple[int, int] | None]) -> tuple[Floats, Floats]:
        lo = np.array([v[0] if v else np.nan for v in values], dtype=np.float64)
        hi = np.array([v[1] if v else np.nan for v in values], dtype=np.float64)
        return lo, hi

    def __len__(self) -> int:
        return len(self.anchors)

    def upper_bounds(self, obs: Observation) -> Floats:
        """An upper bound of ``score(anchor, obs)`` for every anchor (0 where vetoed)."""
        n = len(self.anchors)
        known = np.zeros(n)
        total = np.zeros(n)
        veto = np.zeros(n, dtype=np.bool_)
        p = obs.person

        def add(name: str, mask: Bools, sim: Floats | float) -> None:
            w = WEIGHTS[name] * mask
            np.add(known, w, out=known)
            np.add(total, w * sim, out=total)

        if p.gender is not Gender.UNKNOWN:
            g = self._gender
            mask = g > 0
            veto |= mask & (g != _GENDER_CODE[p.gender])
            add("gender", mask, 1.0)
        if p.age is not None:
            lo, hi = self._age
            mask = ~np.isnan(lo)
            gap = np.nan_to_num(np.maximum(np.maximum(lo - p.age.max, p.age.min - hi), 0.0))
            veto |= mask & (gap > AGE_VETO_YEARS)
            add("age", mask, np.clip(1.0 - gap / AGE_STEP_YEARS, 0.0, 1.0))
        if p.height is not None:
            lo, hi = self._height
            mask = ~np.isnan(lo)
            gap = np.nan_to_num(np.maximum(np.maximum(lo - p.height.max, p.height.min - hi), 0.0))
            gap = np.maximum(gap - HEIGHT_TOLERANCE_CM, 0.0)
            add("height", mask, np.clip(1.0 - gap / HEIGHT_SPAN_CM, 0.0, 1.0))
        if any(c.colour or c.item for c in p.clothing):
            overlap = (self._colours & _colour_mask(p, with_neighbours=False)) != 0
            add("clothing", self._has_clothing, np.where(overlap, 1.0, 0.4))
        if p.features:
            add("features", self._has_features, 1.0)
        if p.conditions:
            add("conditions", np.ones(n, dtype=np.bool_), 1.0)
        if obs.lat is not None and obs.lon is not None:
            veto |= self._place_time(obs, add)
        with np.errstate(invalid="ignore", divide="ignore"):
            bound = np.where(known > 0, total / known * np.minimum(1.0, known / FULL_EVIDENCE), 0.0)
        bound[veto] = 0.0
        return bound

    def _place_time(self, obs: Observation, add: _Adder) -> Bools:
        assert obs.lat is not None and obs.lon is not None
        mask = ~np.isnan(self._lat)
        elapsed = obs.at.timestamp() - self._ts
        elapsed = np.where(self._symmetric, np.abs(elapsed), elapsed)
        early = ~self._symmetric & (elapsed < -EARLY_TOLERANCE.total_seconds())
        reach = self._start + self._speed * np.maximum(elapsed, 0.0)
        lat, lon = np.radians(obs.lat), np.radians(obs.lon)
        h = (np.sin((self._lat - lat) / 2) ** 2
             + np.cos(lat) * np.cos(self._lat) * np.sin((self._lon - lon) / 2) ** 2)
        dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * HAVERSINE_SHRINK
        dist = np.nan_to_num(dist)
        far = dist > DISTANCE_VETO_FACTOR * reach
        inside = 1.0 - 0.3 * dist / reach
        beyond = 0.7 * (1.0 - (dist - reach) / ((DISTANCE_VETO_FACTOR - 1) * reach))
        sim = np.where(dist <= reach, inside, np.maximum(beyond, 0.0))
        add("place_time", mask, sim)
        return mask & (early | far)

    def best(
        self, obs: Observation, *, k: int = 10, floor: float = CANDIDATE_FLOOR
    ) -> list[MatchCandidate]:
        """The top ``k`` anchors scoring at least ``floor``, best first.

        Returns:
            Exactly what ``naive_best(self.anchors, obs, k=k, floor=floor)`` returns.
        """
        if not self.anchors:
            return []
        bounds = self.upper_bounds(obs)
        survivors = np.flatnonzero(bounds >= floor - _SLACK)
        order = survivors[np.argsort(-bounds[survivors], kind="stable")]
        top: list[float] = []  # min-heap of the k best scores so far
        found: list[MatchCandidate] = []
        for i in order.tolist():
            if len(top) == k and bounds[i] + _SLACK < top[0]:
                break  # no remaining anchor can enter (or tie into) the top k
            cand = score(self.anchors[i], obs)
            if cand.score < floor:
                continue
            found.append(cand)
            if len(top) < k:
                heapq.heappush(top, cand.score)
            elif cand.score > top[0]:
                heapq.heapreplace(top, cand.score)
        return sorted(found, key=_rank_key)[:k]


def naive_best(
    anchors: Iterable[Anchor], obs: Observation, *, k: int = 10, floor: float = CANDIDATE_FLOOR
) -> list[MatchCandidate]:
    """Reference: fully score every anchor, keep those at or above ``floor``, best ``k``."""
    scored = [c for c in (score(a, obs) for a in anchors) if c.score >= floor]
    return sorted(scored, key=_rank_key)[:k]
