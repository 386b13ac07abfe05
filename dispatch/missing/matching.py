"""Sighting matching (合成研判): score one description against another, with reasons.

Both sides reduce to an ``Anchor`` (the person a case or found-person record is about,
with the point and time they were last seen or found) and an ``Observation`` (who was
seen, where, when). Descriptions are compared as codes (``profile.profile_of``), read
with the vocabulary triage uses. Each component that *both* sides know gives a
similarity in [0, 1] and a weight:

=========== ============== =========================================================
component   weight         similarity
=========== ============== =========================================================
gender      2              1 when equal; different genders veto the match
age         2 × precision  1 when the ranges overlap, falling to 0 at 2σ apart, where
                           σ = 1 + 0.05 × age (a year matters at 5, not at 80);
                           more than 3σ apart vetoes. A vague age (老人 = 60–100)
                           weighs less than a close one (七十多岁)
height      1              1 within 5 cm, falling to 0 at 20 cm apart
build       0.75           1 same, 0.5 medium against either, 0 slim against heavy
clothing    1 + garments   per observed garment, the best of the listed garments of
                           the same body zone: colour × (0.6 + 0.4 × item); garments
                           of zones the case does not list are not evidence
marks       1 + ½ × agreed agreed / (agreed + unlisted), each observed mark the case
                           does not mention counting ½ (1 for a wheelchair, deaf
                           and mute …): features, aids, habits, accents and names
conflicts   1.5 each       0: one side says a mark, the other denies it (没戴眼镜),
                           or two members of an exclusive group (长发/短发)
conditions  1              1 when an observed condition is on the case, else 0.3
place_time  2 × precision  see ``place_time_similarity`` on the distance less the
                           points' uncertainty (a vague fix weighs less); seen before the last
                           sighting (beyond 30 min), or farther than 2 × reach
                           beyond the two points' uncertainty, vetoes
=========== ============== =========================================================

``score = Σ weight × similarity / max(Σ weight, 6)``: a weighted mean that a thin
description ("an old man", weight < 6) cannot lift to the link threshold. A veto sets the
score to 0. The thresholds (``CANDIDATE_FLOOR``, ``AUTO_LINK`` and the matcher's margin)
are calibrated in ``docs/missing.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from geopy.distance import EARTH_RADIUS  # type: ignore[import-untyped,unused-ignore]

from dispatch.missing.area import AreaProfile
from dispatch.missing.person import AgeRange, Condition, Gender, Person
from dispatch.missing.profile import GarmentCode, Profile, profile_of
from triage.appearance import (
    SALIENT_MARKS,
    build_similarity,
    colour_similarity,
    comparable_zone,
    item_similarity,
    marks_conflict,
)

WEIGHTS: dict[str, float] = {
    "gender": 2.0,
    "age": 2.0,
    "height": 1.0,
    "build": 0.75,
    "clothing": 1.0,
    "marks": 1.0,
    "conflicts": 1.5,
    "conditions": 1.0,
    "place_time": 2.0,
}
CLOTHING_EXTRA_MAX = 1.5  # clothing weighs 1 + the compared garments' weights, at most 2.5
MARKS_PER_AGREEMENT = 0.5
MARKS_AGREEMENTS_MAX = 4
CONFLICTS_MAX = 3
UNLISTED_MARK = 0.5
SALIENT_UNLISTED = 1.0
FULL_EVIDENCE = 6.0
CANDIDATE_FLOOR = 0.35  # near-misses from here are offered to the call-taker with reasons
AUTO_LINK = 0.85
EARTH_RADIUS_M: float = float(EARTH_RADIUS) * 1000.0  # geopy's mean radius
AGE_TOLERANCE_BASE = 1.0
AGE_TOLERANCE_PER_YEAR = 0.05
AGE_ZERO_AT = 2.0  # similarity reaches 0 this many σ apart
AGE_VETO_AT = 3.0  # and the match is vetoed beyond this many σ
AGE_PRECISE_SPAN = 15.0  # an age range up to 10 years wide counts fully
HEIGHT_TOLERANCE_CM = 5
HEIGHT_SPAN_CM = 15.0
EARLY_TOLERANCE = timedelta(minutes=30)  # reported times are rounded by callers
DISTANCE_VETO_FACTOR = 2.0
PLACE_INFORMATIVE_M = 10_000.0  # a place tells most while the reach is within this
UNLISTED_CONDITION = 0.3
GARMENT_BOTH_COLOURS_ITEM = 0.4  # colour × (0.6 + 0.4 × item) when both colours are said
GARMENT_NO_COLOUR = 0.6  # only the item compared: 0.6 × item


class Mode(str, Enum):
    """How a person can move: walking is always possible, the rest when suggested."""

    FOOT = "foot"
    BIKE = "bike"
    EBIKE = "ebike"
    BUS = "bus"
    COACH = "coach"
    CAR = "car"


@dataclass(frozen=True, slots=True)
class Travel:
    """Reach of one mode: ``start_m + speed_mps × elapsed``; the place similarity's
    distance scale is capped at ``cap_m``."""

    start_m: float
    speed_mps: float
    cap_m: float


# Door-to-door averages, waiting included: a city bus about 22 km/h, a coach or train
# between the towns about 54 km/h, a car 60 km/h; a walker with dementia 1.5 m/s at most.
TRAVEL: dict[Mode, Travel] = {
    Mode.FOOT: Travel(1_000.0, 1.5, 25_000.0),
    Mode.BIKE: Travel(1_000.0, 4.5, 40_000.0),
    Mode.EBIKE: Travel(2_000.0, 7.0, 60_000.0),
    Mode.BUS: Travel(1_000.0, 6.0, 50_000.0),
    Mode.COACH: Travel(2_000.0, 15.0, 150_000.0),
    Mode.CAR: Travel(5_000.0, 60_000.0 / 3600.0, 150_000.0),
}
MODES: tuple[Mode, ...] = tuple(Mode)


class CandidateKind(str, Enum):
    """What an anchor is: an open case or a found-person record."""

    CASE = "case"
    FOUND = "found"


def modes_of(words: frozenset[str] | set[str], profile: AreaProfile | None = None) -> frozenset[Mode]:
    """Modes from travel words (triage's ``travel_modes``) and the case's alert profile."""
    modes = {Mode.FOOT} | {Mode(w) for w in words if w in Mode._value2member_map_}
    if profile is AreaProfile.VEHICLE:
        modes.add(Mode.CAR)
    return frozenset(modes)


@dataclass(frozen=True, slots=True)
class Anchor:
    """The side being searched: who, and from where and when they could have moved.

    Attributes:
        kind: case or found-person record.
        id: case id or record id.
        person: the description.
        lat: last seen (case) or found (record) latitude.
        lon: longitude.
        at: last seen or found time.
        profile: the case's alert profile (``vehicle`` adds the car).
        symmetric: time may run either way (a found record vs a sighting).
        travel: modes the case suggests beyond walking (its description, last-seen place,
            circumstances).
        radius_m: uncertainty of the point.
    """

    kind: CandidateKind
    id: str
    person: Person
    lat: float | None
    lon: float | None
    at: datetime
    profile: AreaProfile = AreaProfile.ON_FOOT
    symmetric: bool = False
    travel: frozenset[str] = field(default_factory=frozenset)
    radius_m: float = 0.0

    @property
    def modes(self) -> frozenset[Mode]:
        return modes_of(self.travel | profile_of(self.person).travel, self.profile)


@dataclass(frozen=True, slots=True)
class Observation:
    """Who was seen (or found), where and when.

    Attributes:
        person: the description.
        at: the last time the person was seen there.
        lat: latitude (WGS-84).
        lon: longitude.
        since: the earliest time the words put them there (``在这坐了一个多小时``).
        radius_m: uncertainty of the point (a cell fix, an address placed by district).
        travel: modes the report suggests (on a bus, at a coach station).
    """

    person: Person
    at: datetime
    lat: float | None = None
    lon: float | None = None
    since: datetime | None = None
    radius_m: float = 0.0
    travel: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """One component of a score: similarity in [0, 1], its weight, and why."""

    name: str
    similarity: float
    weight: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchCandidate:
    """A ranked candidate with the score and its reasons.

    Attributes:
        kind: case or found-person record.
        id: the case id or record id.
        score: 0 … 1.
        components: every component both sides knew, with its reason.
        veto: why the score was forced to 0, if it was.
    """

    kind: CandidateKind
    id: str
    score: float
    components: tuple[ScoreComponent, ...]
    veto: str | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """Human-readable lines, veto first."""
        lines = tuple(f"{c.name}: {c.reason}" for c in self.components)
        return (f"veto: {self.veto}",) + lines if self.veto else lines

    @property
    def is_auto_link(self) -> bool:
        """Score high enough to link without a human."""
        return self.score >= AUTO_LINK


def score(anchor: Anchor, observation: Observation, *, explain: bool = True) -> MatchCandidate:
    """Score an observation against an anchor.

    Args:
        anchor: the case or found-person record.
        observation: who was seen, where and when.
        explain: build the reason texts (ranking passes skip them, then explain the winners).

    Returns:
        The candidate; ``score`` is 0 with ``veto`` set when a hard fact rules it out.
    """
    parts: list[ScoreComponent] = []
    veto = _describe(anchor.person, observation.person, parts, explain)
    if veto is None:
        veto = _place_time(anchor, observation, parts, explain)
    return MatchCandidate(anchor.kind, anchor.id, combine(parts, veto), tuple(parts), veto)


def combine(parts: list[ScoreComponent], veto: str | None) -> float:
    """``Σ w·s / max(Σ w, FULL_EVIDENCE)``; 0 on veto."""
    known = sum(p.weight for p in parts)
    if veto is not None or known == 0:
        return 0.0
    return round(sum(p.weight * p.similarity for p in parts) / max(known, FULL_EVIDENCE), 6)


Reason = Callable[[], str] | None


def _add(parts: list[ScoreComponent], name: str, similarity: float, weight: float,
         reason: Reason) -> None:
    parts.append(ScoreComponent(name, similarity, weight, reason() if reason else ""))


def age_tolerance(age: AgeRange) -> float:
    """σ in years for an age: 1 + 0.05 × the middle of the range."""
    return AGE_TOLERANCE_BASE + AGE_TOLERANCE_PER_YEAR * (age.min + age.max) / 2


def age_weight(a: AgeRange, o: AgeRange) -> float:
    """The age component's weight: full for ranges up to 10 years wide, less when vaguer."""
    span = max(a.max - a.min, o.max - o.min)
    return WEIGHTS["age"] * min(1.0, AGE_PRECISE_SPAN / (span + 5.0))


def _describe(a: Person, o: Person, parts: list[ScoreComponent], explain: bool) -> str | None:
    if a.gender is not Gender.UNKNOWN and o.gender is not Gender.UNKNOWN:
        if a.gender is not o.gender:
            return f"gender {o.gender.value} vs {a.gender.value}"
        _add(parts, "gender", 1.0, WEIGHTS["gender"],
             (lambda: f"both {a.gender.value}") if explain else None)
    if a.age is not None and o.age is not None:
        aa, oa = a.age, o.age
        gap, sigma = aa.gap(oa), age_tolerance(aa)
        if gap > AGE_VETO_AT * sigma:
            return f"age {oa.min}-{oa.max} vs {aa.min}-{aa.max} ({gap} y apart, σ {sigma:.1f})"
        _add(parts, "age", max(0.0, 1.0 - gap / (AGE_ZERO_AT * sigma)), age_weight(aa, oa),
             (lambda: f"{oa.min}-{oa.max} vs {aa.min}-{aa.max} ({gap} y apart, σ {sigma:.1f})")
             if explain else None)
    if a.height is not None and o.height is not None:
        ah, oh = a.height, o.height
        gap_cm = max(0, ah.gap(oh) - HEIGHT_TOLERANCE_CM)
        _add(parts, "height", max(0.0, 1.0 - gap_cm / HEIGHT_SPAN_CM), WEIGHTS["height"],
             (lambda: f"{oh.min}-{oh.max} vs {ah.min}-{ah.max} cm") if explain else None)
    pa, po = profile_of(a), profile_of(o)
    if pa.build and po.build:
        ab, ob = pa.build, po.build
        _add(parts, "build", build_similarity(ab, ob), WEIGHTS["build"],
             (lambda: f"{ob} vs {ab}") if explain else None)
    _clothing(pa, po, parts, explain)
    _marks(pa, po, parts, explain)
    observed = o.conditions - ({Condition.DISABILITY} - a.conditions)
    if observed:
        shared = observed & a.conditions
        _add(parts, "conditions", 1.0 if shared else UNLISTED_CONDITION, WEIGHTS["conditions"],
             (lambda: ",".join(sorted(c.value for c in observed))
              + (" on record" if shared else " not on record")) if explain else None)
    return None


def garment_similarity(x: GarmentCode, y: GarmentCode) -> float:
    """An observed garment against a listed one of a comparable zone: colour × (0.6 + 0.4
    × item) when both colours are known, else 0.6 × item."""
    item = item_similarity(x.item, y.item)
    if x.colour and y.colour:
        return colour_similarity(x.colour, y.colour) * (1 - GARMENT_BOTH_COLOURS_ITEM
                                                        + GARMENT_BOTH_COLOURS_ITEM * item)
    return GARMENT_NO_COLOUR * item


def _clothing(pa: Profile, po: Profile, parts: list[ScoreComponent], explain: bool) -> None:
    total = weights = 0.0
    pairs: list[tuple[GarmentCode, GarmentCode, float]] = []
    for x in po.garments:
        listed = [y for y in pa.garments if comparable_zone(x.item, y.item)]
        if not listed:
            continue
        best, y = max(((garment_similarity(x, y), y) for y in listed), key=lambda p: p[0])
        total += x.weight * best
        weights += x.weight
        pairs.append((x, y, best))
    if weights > 0:
        _add(parts, "clothing", total / weights,
             WEIGHTS["clothing"] + min(CLOTHING_EXTRA_MAX, weights),
             (lambda: "; ".join(f"{x.label}~{y.label} {s:.2f}" for x, y, s in pairs))
             if explain else None)


def _marks(pa: Profile, po: Profile, parts: list[ScoreComponent], explain: bool) -> None:
    agreed = po.marks & pa.marks
    unlisted = po.marks - pa.marks - pa.absent
    if agreed or (po.marks and (pa.marks or pa.absent)):
        n = len(agreed)
        missing = sum(unlisted_weight(m) for m in unlisted)
        _add(parts, "marks", n / (n + missing) if n else 0.0,
             WEIGHTS["marks"] + MARKS_PER_AGREEMENT * min(n, MARKS_AGREEMENTS_MAX),
             (lambda: "agree " + (", ".join(sorted(agreed)) or "-")
              + ("; not on record " + ", ".join(sorted(unlisted)) if unlisted else ""))
             if explain else None)
    conflicts = marks_conflict(po.marks, po.absent, pa.marks, pa.absent)
    if conflicts:
        _add(parts, "conflicts", 0.0, WEIGHTS["conflicts"] * min(len(conflicts), CONFLICTS_MAX),
             (lambda: ", ".join(conflicts)) if explain else None)


def unlisted_weight(mark: str) -> float:
    """How much an observed mark the case does not mention counts against it: ½, or 1 for
    a mark a family would never leave out (a wheelchair, deaf and mute)."""
    return SALIENT_UNLISTED if mark in SALIENT_MARKS else UNLISTED_MARK


def sphere_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on geopy's mean-radius sphere (haversine).

    Equal to ``geopy.distance.great_circle`` to float precision and within 0.5 % of the
    WGS-84 geodesic: far below the uncertainty of a caller's location, at a twentieth of
    the cost, and the same formula as the index's vectorised pass.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def place_time_similarity(distance_m: float, reach: float, scale: float) -> float:
    """How plausible it is to be ``distance_m`` away, given how far they could be.

    ``1 − ½·√(d / scale)`` up to ``scale`` (the reach, capped: a walker missing for days
    is still most likely within a few km), then 0.5 up to ``reach``, then falling
    linearly to 0 at ``DISTANCE_VETO_FACTOR × reach``.
    """
    if distance_m <= scale:
        return 1.0 - 0.5 * math.sqrt(distance_m / scale)
    if distance_m <= reach:
        return 0.5
    return max(0.0, 0.5 * (1.0 - (distance_m - reach) / ((DISTANCE_VETO_FACTOR - 1) * reach)))


def place_weight(scale: float, vague: float) -> float:
    """The place component's weight: full for exact points within a walk of a few hours;
    less when the points' uncertainty is large against the distance scale (half when they
    are equal), and less when so much time has passed that anywhere in the city is
    plausible (``√(10 km / scale)``)."""
    return (WEIGHTS["place_time"] * scale / (scale + vague)
            * math.sqrt(min(1.0, PLACE_INFORMATIVE_M / scale)))


def reach_of(modes: frozenset[Mode], elapsed_s: float) -> tuple[float, float]:
    """``(reach, scale)`` in metres after ``elapsed_s`` with the fastest of ``modes``."""
    t = max(elapsed_s, 0.0)
    best = max((m for m in MODES if m in modes),
               key=lambda m: TRAVEL[m].start_m + TRAVEL[m].speed_mps * t)
    spec = TRAVEL[best]
    reach = spec.start_m + spec.speed_mps * t
    return reach, min(reach, spec.cap_m)


def _place_time(
    anchor: Anchor, obs: Observation, parts: list[ScoreComponent], explain: bool
) -> str | None:
    if anchor.lat is None or anchor.lon is None or obs.lat is None or obs.lon is None:
        return None
    if anchor.symmetric:
        elapsed = abs(obs.at - anchor.at)
    else:
        if obs.at - anchor.at < -EARLY_TOLERANCE:
            return f"seen {anchor.at - obs.at} before the last sighting"
        elapsed = (obs.since or obs.at) - anchor.at
    modes = anchor.modes | modes_of(obs.travel)
    reach, scale = reach_of(modes, elapsed.total_seconds())
    distance = sphere_distance_m(anchor.lat, anchor.lon, obs.lat, obs.lon)
    vague = obs.radius_m + anchor.radius_m
    effective = max(0.0, distance - vague)
    if effective > DISTANCE_VETO_FACTOR * reach:
        return (f"{distance / 1000:.1f} km away (±{vague / 1000:.1f}), "
                f"reach {reach / 1000:.1f} km in {elapsed.total_seconds() / 60:.0f} min")
    similarity = place_time_similarity(effective, reach, scale)
    minutes = max(elapsed.total_seconds(), 0.0) / 60
    _add(parts, "place_time", similarity, place_weight(scale, vague),
         (lambda: f"{distance / 1000:.1f} km (±{vague / 1000:.1f}) in {minutes:.0f} min "
                  f"(reach {reach / 1000:.1f} km, {'/'.join(sorted(m.value for m in modes))})")
         if explain else None)
    return None
