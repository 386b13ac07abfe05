"""Sighting matching (合成研判): score one description against another, with reasons.

Both sides reduce to an ``Anchor`` (the person a case or found-person record is about,
with the point and time they were last seen or found) and an ``Observation`` (who was
seen, where, when). The score is a weighted mean over the components *both* sides know:

========== ====== ==============================================================
component  weight similarity
========== ====== ==============================================================
gender     2.0    1 when equal; different genders veto the match
age        2.0    1 when ranges overlap, falling per year apart on a scale of 15 % of
                  the case's age (1.5–10 years: a year matters at 5, not at 80);
                  beyond 1.5 scales + 1 year vetoes
height     1.0    1 within 5 cm, falling to 0 at 20 cm apart
clothing   2.0    per observed garment, best of colour × (½ + ½ item) against the
                  anchor's garments (neighbour colours 0.5, same body zone 0.6)
features   1.5    per observed feature, 1 when both name the same feature of the
                  shared vocabulary (拄拐杖 ~ 手里拄个棍儿: cane), else the best of
                  ½ bigram Dice + ½ character overlap (particles ignored)
conditions 1.0    1 when an observed condition is on the case, else 0.3
name       4.0    1 when the case's full name (two characters or more) is in the
                  report's words (a relative reporting the same person again)
place_time 2.0    1 at the last seen point, 1 − ½√(d/scale) out to the reach
                  (capped at the profile's alert radius), 0.5 to the reach, 0 at
                  3 × reach; beyond, or seen before going missing, vetoes
========== ====== ==============================================================

The mean is multiplied by ``min(1, known weight / 6)`` so that a thin description (only
"an old man") cannot reach the link threshold on one agreeing attribute. A veto sets the
score to 0. Candidates at or above ``CANDIDATE_FLOOR`` are shown; at or above
``AUTO_LINK`` the sighting is linked and the precinct sent to verify.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache

from geopy.distance import EARTH_RADIUS  # type: ignore[import-untyped,unused-ignore]

from dispatch.missing.area import DEFAULT_PROFILES, AreaProfile, reach_m
from dispatch.missing.clothing import ClothingItem, colour_similarity, item_similarity
from dispatch.missing.person import AgeRange, Gender, Person
from triage.appearance import feature_codes

WEIGHTS: dict[str, float] = {
    "gender": 2.0,
    "age": 2.0,
    "height": 1.0,
    "clothing": 2.0,
    "features": 1.5,
    "conditions": 1.0,
    "place_time": 2.0,
    "name": 4.0,
}
FULL_EVIDENCE = 6.0
CANDIDATE_FLOOR = 0.5
AUTO_LINK = 0.85
EARTH_RADIUS_M: float = float(EARTH_RADIUS) * 1000.0  # geopy's mean radius
AGE_VETO_STEPS = 1.5
AGE_STEP_SHARE = 0.15  # of the case's age: the years a similarity falls to 0 over
AGE_STEP_MIN, AGE_STEP_MAX = 1.5, 10.0
HEIGHT_TOLERANCE_CM = 5
HEIGHT_SPAN_CM = 15.0
EARLY_TOLERANCE = timedelta(minutes=10)  # reported times are rounded by callers (to 5–10 min)
DISTANCE_VETO_FACTOR = 3.0
UNLISTED_CONDITION = 0.3
ACCOUNTED_FACTOR = 0.6
UNCOLOURED_WEIGHT = 0.4
ITEM_ONLY = 0.4  # garment_similarity of a garment without colour: its item, scaled
DISTINCTIVE = frozenset({"clothing", "features", "name"})
DISTINCTIVE_MIN = 0.6
NOT_DISTINCTIVE_CAP = 0.84  # just under AUTO_LINK: still first among the candidates


class CandidateKind(str, Enum):
    """What an anchor is: an open case or a found-person record."""

    CASE = "case"
    FOUND = "found"


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
        profile: how fast they can move (found people: on foot).
        symmetric: time may run either way (a found record vs a sighting).
    """

    kind: CandidateKind
    id: str
    person: Person
    lat: float | None
    lon: float | None
    at: datetime
    profile: AreaProfile = AreaProfile.ON_FOOT
    symmetric: bool = False


@dataclass(frozen=True, slots=True)
class Observation:
    """Who was seen (or found), where and when.

    Attributes:
        radius_m: how uncertain the point is (a district-level address, a cell fix): the
            distance test gives the benefit of that doubt.
        transport: the words say the person rode (a bus, a taxi, a car): they could have
            gone as far as a vehicle goes, whatever their profile.
        accounted_for: the caller says the person is with family, knows their home, or is
            someone else after all: the score is scaled by ``ACCOUNTED_FACTOR`` (offered
            to a person, never linked alone).
    """

    person: Person
    at: datetime
    lat: float | None = None
    lon: float | None = None
    radius_m: float = 0.0
    transport: bool = False
    accounted_for: bool = False
    text: str = ""  # the report's words, for a full name said in them


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
    name = full_name(anchor.person.name)
    if veto is None and name and name in observation.text:
        _add(parts, "name", 1.0, (lambda: f"{name} named in the report") if explain else None)
    total = combine(parts, veto)
    if total >= AUTO_LINK and not _distinctive(parts):
        # Gender, age and place are shared by many: without a garment, a feature or the
        # name that agrees, a person picks (offered, never linked alone).
        total = NOT_DISTINCTIVE_CAP
        parts.append(ScoreComponent("not_distinctive", 0.0, 0.0,
                                    "仅性别/年龄/地点相符，无衣着/特征/姓名相符" if explain else ""))
    if observation.accounted_for and total > 0:
        total = round(total * ACCOUNTED_FACTOR, 6)
        parts.append(ScoreComponent("accounted_for", 0.0, 0.0,
                                    "有家人陪同/能说出住处/报警人称不是本人" if explain else ""))
    return MatchCandidate(anchor.kind, anchor.id, total, tuple(parts), veto)


_ASIDE = re.compile(r"[（(][^）)]*[）)]")


@lru_cache(maxsize=65536)
def full_name(name: str | None) -> str | None:
    """The case's name without asides (张二小（小名）), if it is two characters or more."""
    if not name:
        return None
    bare = _ASIDE.sub("", name).strip()
    return bare if len(bare) >= 2 else None


def _distinctive(parts: list[ScoreComponent]) -> bool:
    """A garment, a feature or the name agrees well enough to tell this person apart."""
    return any(p.name in DISTINCTIVE and p.similarity >= DISTINCTIVE_MIN for p in parts)


def combine(parts: list[ScoreComponent], veto: str | None) -> float:
    """Weighted mean over known components, scaled down for thin evidence; 0 on veto."""
    known = sum(p.weight for p in parts)
    if veto is not None or known == 0:
        return 0.0
    mean = sum(p.weight * p.similarity for p in parts) / known
    return round(mean * min(1.0, known / FULL_EVIDENCE), 6)


def _add(
    parts: list[ScoreComponent], name: str, similarity: float, reason: Callable[[], str] | None
) -> None:
    parts.append(ScoreComponent(name, similarity, WEIGHTS[name], reason() if reason else ""))


def _describe(a: Person, o: Person, parts: list[ScoreComponent], explain: bool) -> str | None:
    if a.name and o.name and a.name[0] != o.name[0]:
        return f"name {o.name} vs {a.name}"  # 他说他姓刘: not 王福贵
    if a.gender is not Gender.UNKNOWN and o.gender is not Gender.UNKNOWN:
        if a.gender is not o.gender:
            return f"gender {o.gender.value} vs {a.gender.value}"
        _add(parts, "gender", 1.0, (lambda: f"both {a.gender.value}") if explain else None)
    if a.age is not None and o.age is not None:
        aa, oa = a.age, o.age
        gap = aa.gap(oa)
        step = age_step(aa)
        if gap > AGE_VETO_STEPS * step + 1:
            return f"age {oa.min}-{oa.max} vs {aa.min}-{aa.max}"
        _add(
            parts,
            "age",
            max(0.0, 1.0 - gap / step),
            (lambda: f"{oa.min}-{oa.max} vs {aa.min}-{aa.max} ({gap} y apart)")
            if explain
            else None,
        )
    if a.height is not None and o.height is not None:
        ah, oh = a.height, o.height
        gap_cm = max(0, ah.gap(oh) - HEIGHT_TOLERANCE_CM)
        _add(
            parts,
            "height",
            max(0.0, 1.0 - gap_cm / HEIGHT_SPAN_CM),
            (lambda: f"{oh.min}-{oh.max} vs {ah.min}-{ah.max} cm") if explain else None,
        )
    seen = [c for c in o.clothing if c.colour or c.item]
    listed = [c for c in a.clothing if c.colour or c.item]
    if seen and listed:
        best = [max(((garment_similarity(x, y), y) for y in listed), key=_first) for x in seen]
        # A garment seen without its colour (就穿毛衣马甲) says less: its item alone, at
        # UNCOLOURED_WEIGHT of a coloured one, so it neither carries nor drowns the rest.
        weights = [1.0 if x.colour else UNCOLOURED_WEIGHT for x in seen]
        sims = [s if x.colour else s / ITEM_ONLY for x, (s, _) in zip(seen, best)]
        _add(
            parts,
            "clothing",
            sum(w * s for w, s in zip(weights, sims)) / sum(weights),
            (lambda: "; ".join(f"{_label(x)}~{_label(y)} {s:.2f}" for x, (s, y) in zip(seen, best)))
            if explain
            else None,
        )
    if o.features and a.features:
        sims = [max(feature_similarity(f, g) for g in a.features) for f in o.features]
        _add(
            parts,
            "features",
            sum(sims) / len(sims),
            (lambda: ", ".join(o.features)) if explain else None,
        )
    if o.conditions:
        shared = o.conditions & a.conditions
        _add(
            parts,
            "conditions",
            1.0 if shared else UNLISTED_CONDITION,
            (
                lambda: (
                    ",".join(sorted(c.value for c in o.conditions))
                    + (" on record" if shared else " not on record")
                )
            )
            if explain
            else None,
        )
    return None


def age_step(age: AgeRange) -> float:
    """How many years apart make ages unlike, for a person of ``age`` (1.5 at 5, 10 at 80)."""
    middle = (age.min + age.max) / 2
    return min(AGE_STEP_MAX, max(AGE_STEP_MIN, AGE_STEP_SHARE * middle))


def _first(pair: tuple[float, ClothingItem]) -> float:
    return pair[0]


@lru_cache(maxsize=4096)
def garment_similarity(x: ClothingItem, y: ClothingItem) -> float:
    """How well an observed garment matches a listed one (colour × (½ + ½ item))."""
    if x.colour and y.colour:
        colour = colour_similarity(x.colour, y.colour)
        if x.item and y.item:
            return colour * (0.2 + 0.8 * item_similarity(x.item, y.item))
        return 0.7 * colour
    if x.item and y.item:
        return ITEM_ONLY * item_similarity(x.item, y.item)
    return 0.0


def _label(c: ClothingItem) -> str:
    return f"{c.colour or '?'} {c.item or '?'}"


PARTICLES = frozenset("着的了有是在一个")


def _bigrams(text: str) -> frozenset[str]:
    s = "".join(text.lower().split())
    return frozenset(s[i : i + 2] for i in range(len(s) - 1)) if len(s) > 1 else frozenset(s)


@lru_cache(maxsize=65536)
def feature_similarity(a: str, b: str) -> float:
    """1 when both name the same feature of the shared vocabulary (拄拐杖, 手里拄个棍儿);
    else ½ bigram Dice + ½ character overlap, ignoring particles (拄着拐杖 ≈ 拄拐杖)."""
    if feature_codes(a) & feature_codes(b):
        return 1.0
    x, y = _bigrams(a), _bigrams(b)
    dice = 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0
    cx = {c for c in a.lower() if not c.isspace()} - PARTICLES
    cy = {c for c in b.lower() if not c.isspace()} - PARTICLES
    overlap = len(cx & cy) / min(len(cx), len(cy)) if cx and cy else 0.0
    return 0.5 * dice + 0.5 * overlap


def sphere_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres on geopy's mean-radius sphere (haversine).

    Equal to ``geopy.distance.great_circle`` to float precision and within 0.5 % of the
    WGS-84 geodesic: far below the uncertainty of a caller's location, at a twentieth of
    the cost, and the same formula as the index's vectorised bound.
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, max(0.0, h))))


def place_time_similarity(distance_m: float, reach: float, scale: float) -> float:
    """How plausible it is to be ``distance_m`` away, given how far they could be.

    ``1 − ½·√(d / scale)`` up to ``scale`` (the reach, capped at the profile's alert
    radius: a walker missing for days is still most likely within a few km), then 0.5
    up to ``reach``, then falling linearly to 0 at ``3 × reach``.
    """
    if distance_m <= scale:
        return 1.0 - 0.5 * math.sqrt(distance_m / scale)
    if distance_m <= reach:
        return 0.5
    return max(0.0, 0.5 * (1.0 - (distance_m - reach) / ((DISTANCE_VETO_FACTOR - 1) * reach)))


def walking_pace(person: Person, profile: AreaProfile) -> float:
    """How fast this person walks, as a share of an adult's 1.5 m/s: the very old and
    small children cover far less ground (an 80-year-old with dementia does not walk
    37 km in an afternoon). Riders are not slowed."""
    if profile is AreaProfile.VEHICLE or person.age is None:
        return 1.0
    middle = (person.age.min + person.age.max) / 2
    if middle >= 75 or middle < 7:
        return 0.6
    if middle >= 65:
        return 0.8
    return 1.0


def effective_profile(profile: AreaProfile, transport: bool) -> AreaProfile:
    """How fast the person could have got to a sighting: like a vehicle when the words say
    they rode (a bus, a taxi); a child otherwise walks (the child profile's fast growth is
    for the alert area, which must allow for a car; a sighting 13 km away 15 minutes after
    a five-year-old was last seen, with no ride said, is someone else)."""
    if transport:
        return AreaProfile.VEHICLE
    return AreaProfile.ON_FOOT if profile is AreaProfile.CHILD else profile


def place_scale_m(reach: float, profile: AreaProfile) -> float:
    """The distance scale of the place similarity: reach, capped at the alert radius cap."""
    return min(reach, DEFAULT_PROFILES[profile].max_m)


def _place_time(
    anchor: Anchor, obs: Observation, parts: list[ScoreComponent], explain: bool
) -> str | None:
    if anchor.lat is None or anchor.lon is None or obs.lat is None or obs.lon is None:
        return None
    elapsed = obs.at - anchor.at
    if anchor.symmetric:
        elapsed = abs(elapsed)
    elif elapsed < -EARLY_TOLERANCE:
        return f"seen {-elapsed} before the last sighting"
    profile = effective_profile(anchor.profile, obs.transport)
    reach = reach_m(elapsed, profile, walking_pace(anchor.person, profile))
    distance = sphere_distance_m(anchor.lat, anchor.lon, obs.lat, obs.lon)
    # The point is only known within radius_m: veto on its nearest edge, score halfway.
    if max(0.0, distance - obs.radius_m) > DISTANCE_VETO_FACTOR * reach:
        return f"{distance / 1000:.1f} km away, reach {reach / 1000:.1f} km"
    distance = max(0.0, distance - obs.radius_m / 2)
    minutes = max(elapsed.total_seconds(), 0.0) / 60
    similarity = place_time_similarity(distance, reach, place_scale_m(reach, profile))
    _add(
        parts,
        "place_time",
        similarity,
        (
            lambda: (
                f"{distance / 1000:.1f} km in {minutes:.0f} min "
                f"(reach {reach / 1000:.1f} km, {profile.value})"
            )
        )
        if explain
        else None,
    )
    return None
