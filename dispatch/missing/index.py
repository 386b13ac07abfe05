"""Vectorised scoring over many anchors, with exact top-k results.

Matching one sighting must stay fast with 10,000 open cases and 10,000 found-person
records. ``AnchorIndex`` keeps the anchors' attributes as numpy columns (their garments
flattened, their marks as a boolean matrix over the marks the anchors use) and computes
every anchor's score in one vectorised pass, with the formulas of ``matching.score``.

``best`` then runs ``matching.score`` on the anchors in decreasing order of that value
and stops as soon as it falls below the k-th best score found so far (branch and bound:
the vectorised value is treated as an upper bound, with a small slack for float noise,
so the result is identical to ``naive_best``, the full scan kept as the reference). Only
the winners are scored again with their reason texts.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from dispatch.missing.matching import (
    AGE_PRECISE_SPAN,
    AGE_TOLERANCE_BASE,
    AGE_TOLERANCE_PER_YEAR,
    AGE_VETO_AT,
    AGE_ZERO_AT,
    CANDIDATE_FLOOR,
    CLOTHING_EXTRA_MAX,
    CONFLICTS_MAX,
    DISTANCE_VETO_FACTOR,
    EARLY_TOLERANCE,
    EARTH_RADIUS_M,
    FULL_EVIDENCE,
    HEIGHT_SPAN_CM,
    HEIGHT_TOLERANCE_CM,
    MARKS_AGREEMENTS_MAX,
    MARKS_PER_AGREEMENT,
    MODES,
    PLACE_INFORMATIVE_M,
    TRAVEL,
    UNLISTED_CONDITION,
    WEIGHTS,
    Anchor,
    MatchCandidate,
    Observation,
    garment_similarity,
    modes_of,
    score,
    unlisted_weight,
)
from dispatch.missing.person import Condition, Gender
from dispatch.missing.profile import GarmentCode, profile_of
from triage.appearance import (
    COLOURS,
    ITEMS,
    LOCAL_ACCENT,
    MARK_GROUPS,
    SPEECH_MARKS,
    ZONES,
    build_similarity,
    comparable_zone,
)

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.intp]
Adder = Callable[[Bools, "Floats | float", "Floats | float"], None]

_SLACK = 1e-6  # float noise between numpy and the scalar scorer; scores are rounded to 1e-6
_GENDER_CODE = {Gender.UNKNOWN: 0, Gender.MALE: 1, Gender.FEMALE: 2}
_CONDITION_BIT = {c: 1 << i for i, c in enumerate(Condition)}
_DISABILITY = _CONDITION_BIT[Condition.DISABILITY]
_COLOUR_LIST = sorted(COLOURS)
_ITEM_LIST = sorted(ITEMS)
# Every possible garment as one code; _GARMENT_SIM[x, y] is what an observed garment x
# scores against a listed garment y, or -1 when y covers another part of the body.
_GARMENTS = [GarmentCode(c, i, ZONES[i]) for c in (None, *_COLOUR_LIST) for i in _ITEM_LIST]
_GARMENT_IX = {(g.colour, g.item): n for n, g in enumerate(_GARMENTS)}
_NO_GARMENT = len(_GARMENTS)  # padding: scores -1 against everything
_GARMENT_SIM = np.full((len(_GARMENTS), len(_GARMENTS) + 1), -1.0)
for _x, _gx in enumerate(_GARMENTS):
    for _y, _gy in enumerate(_GARMENTS):
        if comparable_zone(_gx.item, _gy.item):
            _GARMENT_SIM[_x, _y] = garment_similarity(_gx, _gy)
_BUILD_CODE = {None: 0, "slim": 1, "medium": 2, "heavy": 3}
_BUILD_SIM = np.zeros((4, 4))
for _a, _i in _BUILD_CODE.items():
    for _b, _j in _BUILD_CODE.items():
        if _a and _b:
            _BUILD_SIM[_i, _j] = build_similarity(_a, _b)
_MODE_BIT = {m: 1 << i for i, m in enumerate(MODES)}
_FOREIGN_ACCENT = "accent:外地"
_SPEECH = SPEECH_MARKS


def _rank_key(c: MatchCandidate) -> tuple[float, str, str]:
    return (-c.score, c.kind.value, c.id)


class AnchorIndex:
    """Columnar scoring over a fixed set of anchors (rebuild when the set changes).

    Building 10,000 anchors takes a few hundred milliseconds; the service rebuilds when a
    case opens or closes.
    """

    def __init__(self, anchors: Sequence[Anchor]) -> None:
        """Index ``anchors``; the sequence is kept, not copied."""
        self.anchors = anchors
        n = len(anchors)
        people = [a.person for a in anchors]
        profiles = [profile_of(p) for p in people]
        self._gender = np.array([_GENDER_CODE[p.gender] for p in people], dtype=np.int8)
        self._age = self._ranges([(p.age.min, p.age.max) if p.age else None for p in people])
        self._height = self._ranges(
            [(p.height.min, p.height.max) if p.height else None for p in people]
        )
        lo, hi = self._age
        self._age_known = ~np.isnan(lo)
        self._age_lo, self._age_hi = np.nan_to_num(lo), np.nan_to_num(hi)
        self._age_sigma = AGE_TOLERANCE_BASE + AGE_TOLERANCE_PER_YEAR * (self._age_lo + self._age_hi) / 2
        self._age_span = self._age_hi - self._age_lo
        self._build = np.array([_BUILD_CODE[pr.build] for pr in profiles], dtype=np.intp)
        self._conditions = np.array(
            [sum(_CONDITION_BIT[c] for c in p.conditions) for p in people], dtype=np.int64
        )
        # garments as codes, one row per anchor, padded with "no garment"
        width = max([len(pr.garments) for pr in profiles] + [1])
        self._garments = np.full((n, width), _NO_GARMENT, dtype=np.intp)
        for row, pr in enumerate(profiles):
            self._garments[row, : len(pr.garments)] = [_GARMENT_IX[(g.colour, g.item)]
                                                      for g in pr.garments]
        # marks as columns over the marks any anchor uses
        vocab = sorted({m for pr in profiles for m in pr.marks | pr.absent})
        self._mark_ix = {m: i for i, m in enumerate(vocab)}
        self._present = np.zeros((n, len(vocab)), dtype=np.bool_)
        self._absent = np.zeros((n, len(vocab)), dtype=np.bool_)
        for row, pr in enumerate(profiles):
            self._present[row, [self._mark_ix[m] for m in pr.marks]] = True
            self._absent[row, [self._mark_ix[m] for m in pr.absent]] = True
        self._has_marks: Bools = np.asarray(self._present.any(axis=1) | self._absent.any(axis=1))
        self._talk_cols = [i for x, i in self._mark_ix.items()
                           if x in _SPEECH or x.startswith("accent:")]
        accent_cols = [i for m, i in self._mark_ix.items() if m.startswith("accent:")]
        self._has_accent: Bools = np.asarray(self._present[:, accent_cols].any(axis=1)) \
            if accent_cols else np.zeros(n, dtype=np.bool_)
        nan = float("nan")
        self._lat = np.radians(np.array([a.lat if a.lat is not None else nan for a in anchors]))
        self._lon = np.radians(np.array([a.lon if a.lon is not None else nan for a in anchors]))
        self._cos_lat = np.cos(self._lat)
        self._ts = np.array([a.at.timestamp() for a in anchors], dtype=np.float64)
        self._radius = np.array([a.radius_m for a in anchors], dtype=np.float64)
        self._modes = np.array([sum(_MODE_BIT[m] for m in a.modes) for a in anchors],
                               dtype=np.int64)
        self._symmetric = np.array([a.symmetric for a in anchors], dtype=np.bool_)
        self._modes_used = int(np.bitwise_or.reduce(self._modes)) if n else 0

    @staticmethod
    def _ranges(values: list[tuple[int, int] | None]) -> tuple[Floats, Floats]:
        lo = np.array([v[0] if v else np.nan for v in values], dtype=np.float64)
        hi = np.array([v[1] if v else np.nan for v in values], dtype=np.float64)
        return lo, hi

    def __len__(self) -> int:
        return len(self.anchors)

    def upper_bounds(self, obs: Observation) -> Floats:
        """Every anchor's score against ``obs`` (0 where vetoed), computed in bulk."""
        n = len(self.anchors)
        p = obs.person
        veto = np.zeros(n, dtype=np.bool_)
        if p.gender is not Gender.UNKNOWN:
            veto |= (self._gender > 0) & (self._gender != _GENDER_CODE[p.gender])
        if p.age is not None:
            age_gap = np.maximum(np.maximum(self._age_lo - p.age.max, p.age.min - self._age_hi), 0.0)
            veto |= self._age_known & (age_gap > AGE_VETO_AT * self._age_sigma)
        sel = np.flatnonzero(~veto)
        m = len(sel)
        known_w, total = np.zeros(m), np.zeros(m)

        def add(mask: Bools, weight: Floats | float, sim: Floats | float) -> None:
            w = np.where(mask, weight, 0.0)
            np.add(known_w, w, out=known_w)
            np.add(total, w * sim, out=total)

        if p.gender is not Gender.UNKNOWN:
            add(self._gender[sel] > 0, WEIGHTS["gender"], 1.0)
        if p.age is not None:
            gap, sigma = age_gap[sel], self._age_sigma[sel]
            span = np.maximum(self._age_span[sel], p.age.max - p.age.min)
            weight = WEIGHTS["age"] * np.minimum(1.0, AGE_PRECISE_SPAN / (span + 5.0))
            add(self._age_known[sel], weight, np.maximum(0.0, 1.0 - gap / (AGE_ZERO_AT * sigma)))
        if p.height is not None:
            gap, mask = self._gap(self._height, p.height.min, p.height.max, sel)
            gap = np.maximum(gap - HEIGHT_TOLERANCE_CM, 0.0)
            add(mask, WEIGHTS["height"], np.maximum(0.0, 1.0 - gap / HEIGHT_SPAN_CM))
        profile = profile_of(p)
        if profile.build:
            code = _BUILD_CODE[profile.build]
            builds = self._build[sel]
            add(builds > 0, WEIGHTS["build"], _BUILD_SIM[code, builds])
        self._clothing(profile.garments, sel, add)
        self._marks(profile.marks, profile.absent, sel, add)
        self._conditions_part(p.conditions, sel, add)
        late_veto = np.zeros(m, dtype=np.bool_)
        if obs.lat is not None and obs.lon is not None:
            late_veto = self._place_time(obs, sel, add)
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(known_w > 0, total / np.maximum(known_w, FULL_EVIDENCE), 0.0)
        part[late_veto] = 0.0
        bound = np.zeros(n)
        bound[sel] = part
        return bound

    @staticmethod
    def _gap(
        ranges: tuple[Floats, Floats], lo: int, hi: int, sel: Ints | None
    ) -> tuple[Floats, Bools]:
        a_lo, a_hi = ranges
        if sel is not None:
            a_lo, a_hi = a_lo[sel], a_hi[sel]
        mask = ~np.isnan(a_lo)
        gap = np.nan_to_num(np.maximum(np.maximum(a_lo - hi, lo - a_hi), 0.0))
        return gap, mask

    def _clothing(self, observed: tuple[GarmentCode, ...], sel: Ints, add: Adder) -> None:
        if not observed:
            return
        listed = self._garments[sel]
        total, weights = np.zeros(len(sel)), np.zeros(len(sel))
        for x in observed:
            best = _GARMENT_SIM[_GARMENT_IX[(x.colour, x.item)]][listed].max(axis=1)
            compared = best >= 0
            total += np.where(compared, x.weight * best, 0.0)
            weights += np.where(compared, x.weight, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            sim = np.where(weights > 0, total / weights, 0.0)
        add(weights > 0, WEIGHTS["clothing"] + np.minimum(CLOTHING_EXTRA_MAX, weights), sim)

    def _marks(self, present: frozenset[str], absent: frozenset[str], sel: Ints,
               add: Adder) -> None:
        m = len(sel)
        pres_cols = [self._mark_ix[x] for x in present if x in self._mark_ix]
        abs_cols = [self._mark_ix[x] for x in absent if x in self._mark_ix]
        P: Bools = self._present[sel]
        A: Bools = self._absent[sel]
        agree = P[:, pres_cols].sum(axis=1) if pres_cols else np.zeros(m, dtype=np.intp)
        denied = A[:, pres_cols].sum(axis=1) if pres_cols else np.zeros(m, dtype=np.intp)
        if present:
            missing = np.full(m, sum(unlisted_weight(x) for x in present
                                     if x not in self._mark_ix))
            for x in present:
                c = self._mark_ix.get(x)
                if c is not None:
                    missing = missing + np.where(P[:, c] | A[:, c], 0.0, unlisted_weight(x))
            exists = (agree > 0) | self._has_marks[sel]
            with np.errstate(invalid="ignore", divide="ignore"):
                sim = np.where(agree > 0, agree / (agree + missing), 0.0)
            weight = WEIGHTS["marks"] + MARKS_PER_AGREEMENT * np.minimum(agree, MARKS_AGREEMENTS_MAX)
            add(exists, weight, sim)
        conflicts: Floats = denied.astype(np.float64)
        if abs_cols:
            conflicts = conflicts + P[:, abs_cols].sum(axis=1)
        for group in MARK_GROUPS:
            mine = group & present
            if not mine:
                continue
            group_cols = [self._mark_ix[x] for x in group if x in self._mark_ix]
            mine_cols = [self._mark_ix[x] for x in mine if x in self._mark_ix]
            in_group = P[:, group_cols].any(axis=1) if group_cols else np.zeros(m, dtype=np.bool_)
            both = P[:, mine_cols].any(axis=1) if mine_cols else np.zeros(m, dtype=np.bool_)
            conflicts = conflicts + (in_group & ~both)
        talking = [x for x in present if x in _SPEECH or x.startswith("accent:")]
        if "deaf_mute" in present and self._talk_cols:
            conflicts = conflicts + P[:, self._talk_cols].any(axis=1)
        if talking and "deaf_mute" in self._mark_ix:
            conflicts = conflicts + P[:, self._mark_ix["deaf_mute"]]
        accents = {x for x in present if x.startswith("accent:")}
        if accents:
            accent_cols = [self._mark_ix[x] for x in accents if x in self._mark_ix]
            shared: Bools = np.asarray(P[:, accent_cols].any(axis=1)) if accent_cols else \
                np.zeros(m, dtype=np.bool_)
            foreign = (_FOREIGN_ACCENT in accents) | self._column(P, _FOREIGN_ACCENT)
            local = (LOCAL_ACCENT in accents) | self._column(P, LOCAL_ACCENT)
            excused = foreign & ~local
            conflicts = conflicts + (self._has_accent[sel] & ~shared & ~excused)
        if conflicts.any():
            add(conflicts > 0, WEIGHTS["conflicts"] * np.minimum(conflicts, CONFLICTS_MAX), 0.0)

    def _column(self, matrix: Bools, mark: str) -> Bools:
        i = self._mark_ix.get(mark)
        return matrix[:, i] if i is not None else np.zeros(len(matrix), dtype=np.bool_)

    def _conditions_part(self, conditions: frozenset[Condition], sel: Ints, add: Adder) -> None:
        if not conditions:
            return
        wanted = sum(_CONDITION_BIT[c] for c in conditions)
        bits = self._conditions[sel]
        has_dis = (bits & _DISABILITY) != 0
        without = wanted & ~_DISABILITY
        saw_dis = bool(wanted & _DISABILITY)
        observed = (without != 0) | (saw_dis & has_dis)
        shared = ((bits & without) != 0) | (saw_dis & has_dis)
        add(observed, WEIGHTS["conditions"], np.where(shared, 1.0, UNLISTED_CONDITION))

    def _place_time(self, obs: Observation, sel: Ints, add: Adder) -> Bools:
        assert obs.lat is not None and obs.lon is not None
        a_lat, a_lon, a_cos = self._lat[sel], self._lon[sel], self._cos_lat[sel]
        symmetric = self._symmetric[sel]
        mask = ~np.isnan(a_lat)
        since = (obs.since or obs.at).timestamp()
        until = obs.at.timestamp() - self._ts[sel]
        elapsed = np.where(symmetric, np.abs(until), since - self._ts[sel])
        early = ~symmetric & (until < -EARLY_TOLERANCE.total_seconds())
        t = np.maximum(elapsed, 0.0)
        seen_modes = sum(_MODE_BIT[x] for x in modes_of(obs.travel))
        modes = self._modes[sel] | seen_modes
        reach = np.full(len(sel), -1.0)
        cap = np.zeros(len(sel))
        for mode in MODES:
            if not (self._modes_used | seen_modes) & _MODE_BIT[mode]:
                continue
            spec = TRAVEL[mode]
            r = np.where((modes & _MODE_BIT[mode]) != 0, spec.start_m + spec.speed_mps * t, -1.0)
            better = r > reach
            cap = np.where(better, spec.cap_m, cap)
            reach = np.maximum(reach, r)
        scale = np.minimum(reach, cap)
        lat, lon = np.radians(obs.lat), np.radians(obs.lon)
        h = np.sin((a_lat - lat) / 2) ** 2 + np.cos(lat) * a_cos * np.sin((a_lon - lon) / 2) ** 2
        dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        vague = obs.radius_m + self._radius[sel]
        eff = np.maximum(np.where(mask, dist, 0.0) - vague, 0.0) * (1 - _SLACK)
        far = eff > DISTANCE_VETO_FACTOR * reach * (1 + _SLACK)
        near = 1.0 - 0.5 * np.sqrt(np.minimum(eff, scale) / scale)
        beyond = 0.5 * (1.0 - (eff - reach) / ((DISTANCE_VETO_FACTOR - 1) * reach))
        sim = np.where(eff <= scale, near, np.where(eff <= reach, 0.5, np.maximum(beyond, 0.0)))
        weight = (WEIGHTS["place_time"] * scale / (scale + vague)
                  * np.sqrt(np.minimum(1.0, PLACE_INFORMATIVE_M / scale)))
        add(mask, weight, sim)
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
        bounds = self.upper_bounds(obs) + 10 * _SLACK
        survivors = np.flatnonzero(bounds >= floor)
        head = survivors
        if len(survivors) > 4 * k:  # sort only the best few; the rest only if they are needed
            cut = -np.partition(-bounds[survivors], 4 * k - 1)[4 * k - 1]
            head = survivors[bounds[survivors] >= cut]
        top: list[float] = []  # min-heap of the k best scores so far
        found: list[MatchCandidate] = []
        done: set[int] = set()
        for batch in (head, survivors):
            order = batch[np.argsort(-bounds[batch], kind="stable")]
            stopped = False
            for i in order.tolist():
                if i in done:
                    continue
                if len(top) == k and bounds[i] < top[0]:
                    stopped = True  # no remaining anchor can enter (or tie into) the top k
                    break
                done.add(i)
                cand = score(self.anchors[i], obs)
                if cand.score < floor:
                    continue
                found.append(cand)
                if len(top) < k:
                    heapq.heappush(top, cand.score)
                elif cand.score > top[0]:
                    heapq.heapreplace(top, cand.score)
            if stopped or batch is survivors or len(head) == len(survivors):
                break
        return sorted(found, key=_rank_key)[:k]


def naive_best(
    anchors: Iterable[Anchor], obs: Observation, *, k: int = 10, floor: float = CANDIDATE_FLOOR
) -> list[MatchCandidate]:
    """Reference: fully score every anchor, keep those at or above ``floor``, best ``k``."""
    scored = [(c, a) for a in anchors if (c := score(a, obs, explain=False)).score >= floor]
    return [score(a, obs) for _, a in sorted(scored, key=lambda pair: _rank_key(pair[0]))[:k]]
