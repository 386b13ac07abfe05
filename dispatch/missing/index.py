"""Spatial and attribute pre-filter over many anchors, with exact top-k results.

Matching one sighting must stay fast with 10,000 open cases and 10,000 found-person
records. ``AnchorIndex`` keeps the anchors' attributes in numpy columns and computes, in
one vectorised pass, an *upper bound* of every anchor's score. Every component is exact
(gender, age, height, conditions, place/time on the same sphere as the scorer, clothing
through a precomputed garment-similarity table) except features, bounded by 1.0. The
score is increasing in every component and the set of known components is computed
exactly, so no anchor can score above its bound.

``best`` then runs the full ``matching.score`` on the survivors in decreasing bound order
and stops as soon as the bound falls below the k-th best score found so far (branch and
bound). The result is identical to ``naive_best``, the full scan kept as the reference.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from dispatch.missing.area import DEFAULT_PROFILES, TRAVEL_SPEED_MPS, TRAVEL_START_M, AreaProfile
from dispatch.missing.clothing import COLOURS, ITEMS, ClothingItem
from dispatch.missing.matching import (
    AGE_STEP_MAX,
    AGE_VETO_STEPS,
    CANDIDATE_FLOOR,
    DISTANCE_VETO_FACTOR,
    EARLY_TOLERANCE,
    EARTH_RADIUS_M,
    FULL_EVIDENCE,
    HEIGHT_SPAN_CM,
    HEIGHT_TOLERANCE_CM,
    ITEM_ONLY,
    PARTICLES,
    UNCOLOURED_WEIGHT,
    UNLISTED_CONDITION,
    WEIGHTS,
    Anchor,
    CandidateKind,
    MatchCandidate,
    Observation,
    age_step,
    effective_profile,
    full_name,
    garment_similarity,
    score,
    walking_pace,
)
from dispatch.missing.person import Condition, Gender, Person
from triage.appearance import feature_codes

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
_Adder = Callable[[str, Bools, "Floats | float"], None]

_SLACK = 1e-6  # float noise between numpy and the scalar scorer; scores are rounded to 1e-6
_GENDER_CODE = {Gender.UNKNOWN: 0, Gender.MALE: 1, Gender.FEMALE: 2}
_CONDITION_BIT = {c: 1 << i for i, c in enumerate(Condition)}
_COLOUR_CODES: list[str | None] = [*sorted(COLOURS), None]
_ITEM_CODES: list[str | None] = [*sorted(ITEMS), None]
_GARMENTS = [ClothingItem(c, i) for c in _COLOUR_CODES for i in _ITEM_CODES]
_GARMENT_CODE = {(g.colour, g.item): n for n, g in enumerate(_GARMENTS)}
# _TABLE[x, y]: similarity of observed garment x against listed garment y
_TABLE = np.array([[garment_similarity(x, y) for y in _GARMENTS] for x in _GARMENTS])


def _char_mask(texts: Iterable[str]) -> int:
    """64-bit signature of the characters in ``texts`` (particles and spaces left out).

    Two features with no character in common score exactly 0 (no shared character and so
    no shared bigram), and then their signatures never intersect.
    """
    mask = 0
    for text in texts:
        for ch in text.lower():
            if not ch.isspace() and ch not in PARTICLES:
                mask |= 1 << (ord(ch) % 64)
        # Features of the shared vocabulary score 1 whatever their words (光头 ~ 秃顶): a
        # code marks the signature like a character, so the bound stays an upper bound.
        for code in feature_codes(text):
            mask |= 1 << (hash_code(code) % 64)
    return mask


def hash_code(code: str) -> int:
    """A stable small number for a feature code (not Python's salted ``hash``)."""
    return int(sum(ord(c) * 31 ** i for i, c in enumerate(code))) + 7


def _informative(person: Person) -> list[int]:
    return [_GARMENT_CODE[(c.colour, c.item)] for c in person.clothing if c.colour or c.item]


def _rank_key(c: MatchCandidate) -> tuple[float, str, str]:
    return (-c.score, c.kind.value, c.id)


class AnchorIndex:
    """Columnar pre-filter over a fixed set of anchors (rebuild when the set changes).

    Building 10,000 anchors takes a few hundred milliseconds; the service rebuilds when a
    case opens or closes (or keeps the index and rebuilds in the background).
    """

    def __init__(self, anchors: Sequence[Anchor]) -> None:
        """Index ``anchors``; the sequence is kept, not copied."""
        self.anchors = anchors
        n = len(anchors)
        people = [a.person for a in anchors]
        self._gender = np.array([_GENDER_CODE[p.gender] for p in people], dtype=np.int8)
        self._age = self._ranges([(p.age.min, p.age.max) if p.age else None for p in people])
        self._age_step = np.array([age_step(p.age) if p.age else AGE_STEP_MAX for p in people],
                                  dtype=np.float64)
        self._height = self._ranges(
            [(p.height.min, p.height.max) if p.height else None for p in people]
        )
        self._conditions = np.array(
            [sum(_CONDITION_BIT[c] for c in p.conditions) for p in people], dtype=np.int64
        )
        self._has_features = np.array([bool(p.features) for p in people], dtype=np.bool_)
        self._features = np.array([_char_mask(p.features) for p in people], dtype=np.uint64)
        # best garment similarity of every possible observed garment against each anchor
        self._clothing = np.zeros((n, len(_GARMENTS)))
        codes = [_informative(p) for p in people]
        self._has_clothing = np.array([bool(c) for c in codes], dtype=np.bool_)
        for row, garment_codes in enumerate(codes):
            if garment_codes:
                self._clothing[row] = _TABLE[:, garment_codes].max(axis=1)
        nan = float("nan")
        self._lat = np.radians(np.array([a.lat if a.lat is not None else nan for a in anchors]))
        self._lon = np.radians(np.array([a.lon if a.lon is not None else nan for a in anchors]))
        self._cos_lat = np.cos(self._lat)
        self._ts = np.array([a.at.timestamp() for a in anchors], dtype=np.float64)
        moving = [effective_profile(a.profile, False) for a in anchors]
        self._start = np.array([TRAVEL_START_M[p] for p in moving], dtype=np.float64)
        self._speed = np.array([TRAVEL_SPEED_MPS[p] * walking_pace(a.person, p)
                                for a, p in zip(anchors, moving, strict=True)], dtype=np.float64)
        self._cap = np.array([DEFAULT_PROFILES[p].max_m for p in moving], dtype=np.float64)
        self._symmetric = np.array([a.symmetric for a in anchors], dtype=np.bool_)
        # full names, to find those said in a report's words without a pass over every anchor
        self._named: dict[str, list[int]] = {}
        for row, person in enumerate(people):
            name = full_name(person.name)
            if name:
                self._named.setdefault(name, []).append(row)
        self._name_lengths = sorted({len(n) for n in self._named})

    def _rows_named_in(self, text: str) -> list[int]:
        """Anchors whose full name is said in ``text`` (every substring of a name's length)."""
        if not text or not self._named:
            return []
        rows: list[int] = []
        for k in self._name_lengths:
            for i in range(len(text) - k + 1):
                hit = self._named.get(text[i:i + k])
                if hit:
                    rows.extend(hit)
        return rows

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
        p = obs.person
        # Cheap vetoes on every anchor first; everything else only for the survivors.
        veto = np.zeros(n, dtype=np.bool_)
        if p.gender is not Gender.UNKNOWN:
            veto |= (self._gender > 0) & (self._gender != _GENDER_CODE[p.gender])
        if p.age is not None:
            age_gap, age_known = self._gap(self._age, p.age.min, p.age.max, None)
            veto |= age_known & (age_gap > AGE_VETO_STEPS * self._age_step + 1)
        sel = np.flatnonzero(~veto)
        m = len(sel)
        known, total = np.zeros(m), np.zeros(m)

        def add(name: str, mask: Bools, sim: Floats | float) -> None:
            w = WEIGHTS[name] * mask
            np.add(known, w, out=known)
            np.add(total, w * sim, out=total)

        if p.gender is not Gender.UNKNOWN:
            add("gender", self._gender[sel] > 0, 1.0)
        if p.age is not None:
            gap, mask = self._gap(self._age, p.age.min, p.age.max, sel)
            add("age", mask, np.clip(1.0 - gap / self._age_step[sel], 0.0, 1.0))
        if p.height is not None:
            gap, mask = self._gap(self._height, p.height.min, p.height.max, sel)
            gap = np.maximum(gap - HEIGHT_TOLERANCE_CM, 0.0)
            add("height", mask, np.clip(1.0 - gap / HEIGHT_SPAN_CM, 0.0, 1.0))
        seen = _informative(p)
        if seen:
            # as the scorer: a garment without colour counts its item at UNCOLOURED_WEIGHT
            sims = np.zeros(m)
            weight = 0.0
            for code in seen:
                coloured = _GARMENTS[code].colour is not None
                w = 1.0 if coloured else UNCOLOURED_WEIGHT
                sims += w * (self._clothing[sel, code] if coloured
                             else self._clothing[sel, code] / ITEM_ONLY)
                weight += w
            add("clothing", self._has_clothing[sel], sims / weight)
        if p.features:
            # an observed feature sharing no character with the anchor's scores 0
            possible = np.zeros(m)
            signatures = self._features[sel]
            for feature in p.features:
                possible += (signatures & np.uint64(_char_mask([feature]))) != 0
            add("features", self._has_features[sel], possible / len(p.features))
        if p.conditions:
            wanted = sum(_CONDITION_BIT[c] for c in p.conditions)
            add(
                "conditions",
                np.ones(m, dtype=np.bool_),
                np.where(self._conditions[sel] & wanted, 1.0, UNLISTED_CONDITION),
            )
        late_veto = np.zeros(m, dtype=np.bool_)
        if obs.lat is not None and obs.lon is not None:
            late_veto = self._place_time(obs, sel, add)
        named = self._rows_named_in(obs.text)
        if named:
            mask = np.isin(sel, named)
            add("name", mask, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(known > 0, total / known * np.minimum(1.0, known / FULL_EVIDENCE), 0.0)
        part[late_veto] = 0.0
        bound = np.zeros(n)
        bound[sel] = part
        return bound

    @staticmethod
    def _gap(
        ranges: tuple[Floats, Floats], lo: int, hi: int, sel: npt.NDArray[np.intp] | None
    ) -> tuple[Floats, Bools]:
        a_lo, a_hi = ranges
        if sel is not None:
            a_lo, a_hi = a_lo[sel], a_hi[sel]
        mask = ~np.isnan(a_lo)
        gap = np.nan_to_num(np.maximum(np.maximum(a_lo - hi, lo - a_hi), 0.0))
        return gap, mask

    def _place_time(self, obs: Observation, sel: npt.NDArray[np.intp], add: _Adder) -> Bools:
        assert obs.lat is not None and obs.lon is not None
        a_lat, a_lon, a_cos = self._lat[sel], self._lon[sel], self._cos_lat[sel]
        symmetric = self._symmetric[sel]
        mask = ~np.isnan(a_lat)
        elapsed = obs.at.timestamp() - self._ts[sel]
        elapsed = np.where(symmetric, np.abs(elapsed), elapsed)
        early = ~symmetric & (elapsed < -EARLY_TOLERANCE.total_seconds())
        start, speed, cap = self._start[sel], self._speed[sel], self._cap[sel]
        if obs.transport:  # rode a bus or a taxi: moves like a vehicle (effective_profile)
            vehicle = AreaProfile.VEHICLE
            start = np.full_like(start, TRAVEL_START_M[vehicle])
            speed = np.full_like(speed, TRAVEL_SPEED_MPS[vehicle])
            cap = np.full_like(cap, DEFAULT_PROFILES[vehicle].max_m)
        reach = start + speed * np.maximum(elapsed, 0.0)
        scale = np.minimum(reach, cap)
        lat, lon = np.radians(obs.lat), np.radians(obs.lon)
        h = np.sin((a_lat - lat) / 2) ** 2 + np.cos(lat) * a_cos * np.sin((a_lon - lon) / 2) ** 2
        dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        dist = np.nan_to_num(dist) * (1 - _SLACK)  # never above the scorer's distance
        far = np.maximum(dist - obs.radius_m, 0.0) > DISTANCE_VETO_FACTOR * reach * (1 + _SLACK)
        dist = np.maximum(dist - obs.radius_m / 2, 0.0)
        near = 1.0 - 0.5 * np.sqrt(np.minimum(dist, scale) / scale)
        beyond = 0.5 * (1.0 - (dist - reach) / ((DISTANCE_VETO_FACTOR - 1) * reach))
        sim = np.where(dist <= scale, near, np.where(dist <= reach, 0.5, np.maximum(beyond, 0.0)))
        add("place_time", mask, sim)
        vetoed: Bools = mask & (early | far)
        return vetoed

    def best(
        self, obs: Observation, *, k: int = 10, floor: float = CANDIDATE_FLOOR
    ) -> list[MatchCandidate]:
        """The top ``k`` anchors scoring at least ``floor``, best first.

        Returns:
            Exactly what ``naive_best(self.anchors, obs, k=k, floor=floor)`` returns.
        """
        if not self.anchors:
            return []
        bounds = self.upper_bounds(obs) + _SLACK
        survivors = np.flatnonzero(bounds >= floor)
        order = survivors[np.argsort(-bounds[survivors], kind="stable")]
        top: list[float] = []  # min-heap of the k best scores so far
        found: list[MatchCandidate] = []
        by_id: dict[tuple[CandidateKind, str], Anchor] = {}
        for i in order.tolist():
            if len(top) == k and bounds[i] < top[0]:
                break  # no remaining anchor can enter (or tie into) the top k
            cand = score(self.anchors[i], obs, explain=False)
            if cand.score < floor:
                continue
            found.append(cand)
            by_id[(cand.kind, cand.id)] = self.anchors[i]
            if len(top) < k:
                heapq.heappush(top, cand.score)
            elif cand.score > top[0]:
                heapq.heapreplace(top, cand.score)
        winners = sorted(found, key=_rank_key)[:k]
        return [score(by_id[(c.kind, c.id)], obs) for c in winners]


def naive_best(
    anchors: Iterable[Anchor], obs: Observation, *, k: int = 10, floor: float = CANDIDATE_FLOOR
) -> list[MatchCandidate]:
    """Reference: fully score every anchor, keep those at or above ``floor``, best ``k``."""
    scored = [(c, a) for a in anchors if (c := score(a, obs, explain=False)).score >= floor]
    return [score(a, obs) for _, a in sorted(scored, key=lambda pair: _rank_key(pair[0]))[:k]]
