"""The missing (or found, or sighted) person, and where and when they were last seen.

A ``Person`` describes anyone the workflow compares: the subject of a case, a found
person in custody, or someone a passer-by saw. Every attribute is optional except the
gender code (``unknown`` when not said); the constructors reject impossible values with
``InvalidPerson`` / ``InvalidLastSeen`` so the HTTP adapter can answer 422.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from dispatch.missing.clothing import ClothingItem
from dispatch.missing.errors import InvalidLastSeen, InvalidPerson

MAX_AGE_YEARS = 120
MIN_HEIGHT_CM = 40  # a newborn is about 50 cm; anything shorter is a typo
MAX_HEIGHT_CM = 250
# Reports are stamped by the call-taker's terminal; allow this much clock skew before a
# last-seen time counts as "in the future".
CLOCK_SKEW = timedelta(minutes=5)


class Gender(str, Enum):
    """Gender as reported (the POST body and triage both use these codes)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Build(str, Enum):
    """Body build as reported (瘦 / 中等 / 胖)."""

    SLIM = "slim"
    MEDIUM = "medium"
    HEAVY = "heavy"
    UNKNOWN = "unknown"


class Condition(str, Enum):
    """Health conditions that change risk and search behaviour (triage's codes)."""

    DEMENTIA = "dementia"
    MENTAL_ILLNESS = "mental_illness"
    DEPRESSION = "depression"
    MEDICATION = "medication"
    SUICIDAL = "suicidal"
    DISABILITY = "disability"


@dataclass(frozen=True, slots=True)
class AgeRange:
    """An age in whole years, exact (``min == max``) or estimated (``"七八十岁"`` → 70–89)."""

    min: int
    max: int

    def __post_init__(self) -> None:
        if not 0 <= self.min <= self.max <= MAX_AGE_YEARS:
            raise InvalidPerson(f"impossible age range {self.min}-{self.max}")

    @classmethod
    def exact(cls, years: int) -> AgeRange:
        """An exactly known age."""
        return cls(years, years)

    def gap(self, other: AgeRange) -> int:
        """Years between the two ranges; 0 when they overlap."""
        return max(self.min - other.max, other.min - self.max, 0)


@dataclass(frozen=True, slots=True)
class HeightRange:
    """Height in centimetres, exact or estimated (``"一米七左右"`` → 165–175)."""

    min: int
    max: int

    def __post_init__(self) -> None:
        if not MIN_HEIGHT_CM <= self.min <= self.max <= MAX_HEIGHT_CM:
            raise InvalidPerson(f"impossible height {self.min}-{self.max} cm")

    def gap(self, other: HeightRange) -> int:
        """Centimetres between the two ranges; 0 when they overlap."""
        return max(self.min - other.max, other.min - self.max, 0)


@dataclass(frozen=True, slots=True)
class Person:
    """A description of one person.

    Attributes:
        gender: ``Gender.UNKNOWN`` when not said.
        age: exact or estimated age, ``None`` when not said.
        height: height range in cm, ``None`` when not said.
        name: the name if known (a found person may not know it).
        build: body build.
        clothing: garments with canonical colour/item codes.
        features: distinguishing features as free text (``"拄拐杖"``, ``"左脸有痣"``).
        conditions: health conditions (dementia, suicidal ...).
        photo_ref: an opaque reference to a stored photo.
        phone: the person's own phone number, if they carry one.
    """

    gender: Gender = Gender.UNKNOWN
    age: AgeRange | None = None
    height: HeightRange | None = None
    name: str | None = None
    build: Build = Build.UNKNOWN
    clothing: tuple[ClothingItem, ...] = ()
    features: tuple[str, ...] = ()
    conditions: frozenset[Condition] = field(default_factory=frozenset)
    photo_ref: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.gender, Gender):
            raise InvalidPerson(f"unknown gender {self.gender!r}")
        if any(not isinstance(c, Condition) for c in self.conditions):
            raise InvalidPerson(f"unknown condition in {sorted(map(str, self.conditions))}")

    @property
    def is_child(self) -> bool:
        """Known to be under 14 (儿童 in the 2010 filing rule)."""
        return self.age is not None and self.age.max < 14

    @property
    def is_minor_girl(self) -> bool:
        """A girl who may be 14–17: the filing rule covers women under 18."""
        return (
            self.gender is Gender.FEMALE
            and self.age is not None
            and self.age.max < 18
            and not self.is_child
        )


def parse_gender(value: str | None) -> Gender:
    """Map ``"male"``/``"男"``/``None`` … to a ``Gender``.

    Raises:
        InvalidPerson: the word is not a gender.
    """
    if value is None or value == "":
        return Gender.UNKNOWN
    words = {"男": Gender.MALE, "女": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE}
    lowered = value.strip().lower()
    if lowered in words:
        return words[lowered]
    try:
        return Gender(lowered)
    except ValueError:
        raise InvalidPerson(f"unknown gender {value!r}") from None


def parse_conditions(codes: object) -> frozenset[Condition]:
    """Map a list of condition codes to ``Condition`` values.

    Raises:
        InvalidPerson: not a list of known codes.
    """
    if codes is None:
        return frozenset()
    if not isinstance(codes, (list, tuple, set, frozenset)):
        raise InvalidPerson(f"conditions must be a list, not {type(codes).__name__}")
    try:
        return frozenset(Condition(str(code)) for code in codes)
    except ValueError as exc:
        raise InvalidPerson(str(exc)) from None


@dataclass(frozen=True, slots=True)
class LastSeen:
    """Where and when the person was last seen, resolved by geo to WGS-84 and a precinct.

    Attributes:
        at: timezone-aware time of the last sighting.
        lat: WGS-84 latitude (``None`` until geo resolves the address).
        lon: WGS-84 longitude.
        precinct: NBS 9-digit town code of the precinct, if resolved.
        address: the address as reported.
    """

    at: datetime
    lat: float | None = None
    lon: float | None = None
    precinct: str | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise InvalidLastSeen("last-seen time must be timezone-aware")
        if (self.lat is None) != (self.lon is None):
            raise InvalidLastSeen("give both lat and lon, or neither")
        if (
            self.lat is not None
            and self.lon is not None
            and not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0)
        ):
            raise InvalidLastSeen(f"coordinates off the globe: {self.lat}, {self.lon}")
        if self.lat is None and not self.address:
            raise InvalidLastSeen("last seen needs an address or a location")

    @property
    def point(self) -> tuple[float, float] | None:
        """``(lat, lon)`` or ``None`` when only an address is known."""
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)


def check_last_seen(last_seen: LastSeen, now: datetime) -> None:
    """Reject a last-seen time later than ``now`` (beyond ``CLOCK_SKEW``).

    Raises:
        InvalidLastSeen: the time is in the future.
    """
    if last_seen.at > now + CLOCK_SKEW:
        raise InvalidLastSeen(f"last seen {last_seen.at.isoformat()} is after {now.isoformat()}")


@dataclass(frozen=True, slots=True)
class Reporter:
    """Who reported the person missing, and how to reach them."""

    name: str | None = None
    phone: str | None = None
    relation: str | None = None


_GENDER_ZH = {Gender.MALE: "男", Gender.FEMALE: "女", Gender.UNKNOWN: "性别不详"}
_CONDITION_ZH = {
    Condition.DEMENTIA: "认知障碍",
    Condition.MENTAL_ILLNESS: "精神疾病",
    Condition.DEPRESSION: "抑郁",
    Condition.MEDICATION: "需服药",
    Condition.SUICIDAL: "有轻生倾向",
    Condition.DISABILITY: "残疾或智力障碍",
}


def describe_person(person: Person) -> str:
    """One line for the verifying officer, e.g. ``"男，78岁，约170cm，灰色夹克，认知障碍"``."""
    parts = [_GENDER_ZH[person.gender]]
    if person.name:
        parts.insert(0, person.name)
    if person.age is not None:
        a = person.age
        parts.append(f"{a.min}岁" if a.min == a.max else f"{a.min}-{a.max}岁")
    if person.height is not None:
        h = person.height
        parts.append(f"约{(h.min + h.max) // 2}cm")
    parts += [c.text or f"{c.colour or ''} {c.item or ''}".strip() for c in person.clothing]
    parts += list(person.features)
    parts += [_CONDITION_ZH[c] for c in sorted(person.conditions, key=lambda c: c.value)]
    return "，".join(p for p in parts if p)
