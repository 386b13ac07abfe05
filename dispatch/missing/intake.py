"""From outside shapes to domain values: triage's ``extracted`` facts and the POST body.

A report triaged ``missing_person`` becomes a *proposed* case for the call-taker
(``propose_case``); one that describes a found or wandering person becomes a
``Sighting`` (``sighting_from_report``). ``person_from_request`` reads the ``person``
object of ``POST /v1/missing``. Every function returns a value or raises
``InvalidPerson`` — nothing else — so the adapter can answer 422.

Triage's ``extracted`` shape::

    {"ages": [{"text", "min", "max"}], "gender": "male"|"female"|None,
     "height_cm": {"min", "max"} | None, "clothing": [{"text", "colour", "item"}],
     "features": [str], "conditions": [code], "places": [str], "sighting": bool}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch.missing.clothing import ClothingItem, parse_clothing
from dispatch.missing.errors import InvalidPerson
from dispatch.missing.person import (
    AgeRange,
    Condition,
    HeightRange,
    Person,
    parse_build,
    parse_conditions,
    parse_gender,
)
from dispatch.missing.risk import LOCAL_TZ
from dispatch.missing.sighting import Sighting
from triage.normalize import fold
from triage.person import travel_modes

# Taxonomy flags under which an ``assistance`` report is about a possibly-missing person.
_VULNERABLE_FLAGS = frozenset({"elderly", "minor"})
# Categories whose reports usually describe someone who did something (a thief, a
# drunk, one side of a quarrel): they are compared with the open cases, but linked
# without a person only when the one described is vulnerable.
OFFENDER_CATEGORIES = frozenset(
    {"violent_crime", "property_crime", "fraud", "public_order", "dispute"}
)
# A stated duration is rounded up by callers ("坐了一个多小时"): count three quarters of it.
STAY_SHARE = 0.75
# Clock times further back than this are about something else (a last-seen time, a habit).
CLOCK_LOOKBACK = timedelta(hours=36)


def _number(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidPerson(f"{what} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise InvalidPerson(f"{what} must be finite")
    return round(value)


def _bounds(value: object, what: str) -> tuple[int, int] | None:
    """``{"min", "max"}``, ``[lo, hi]`` or a number → ``(lo, hi)``; ``None`` if absent."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        lo, hi = value.get("min"), value.get("max")
        if lo is None and hi is None:
            return None
        lo_n = _number(lo if lo is not None else hi, what)
        hi_n = _number(hi if hi is not None else lo, what)
        return lo_n, hi_n
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise InvalidPerson(f"{what} range needs two numbers")
        return _number(value[0], what), _number(value[1], what)
    n = _number(value, what)
    return n, n


def _strings(value: object, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise InvalidPerson(f"{what} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _clothing(value: object) -> tuple[ClothingItem, ...]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        raise InvalidPerson("clothing must be a list")
    items = []
    for entry in value:
        if isinstance(entry, str):
            items.append(parse_clothing(entry))
        elif isinstance(entry, Mapping):
            text, colour, item = entry.get("text"), entry.get("colour"), entry.get("item")
            if not all(v is None or isinstance(v, str) for v in (text, colour, item)):
                raise InvalidPerson("clothing text, colour and item must be strings")
            items.append(parse_clothing(text or "", colour, item))
        else:
            raise InvalidPerson(f"clothing entry must be text or an object, not {entry!r}")
    return tuple(items)


def _optional_str(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidPerson(f"{what} must be a string")
    return value


def _gender(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InvalidPerson("gender must be a string")
    return value


def person_from_extracted(extracted: object) -> Person:
    """Read triage's ``extracted`` facts into a ``Person``.

    The first age that has a number is the person's (triage lists ages in text order and
    the subject comes first in call-taker records). Unknown condition codes are skipped:
    triage may learn codes this workflow does not grade yet.

    Raises:
        InvalidPerson: not a mapping, or an impossible age, height or gender.
    """
    if not isinstance(extracted, Mapping):
        raise InvalidPerson("extracted facts must be an object")
    ages = extracted.get("ages") or []
    if not isinstance(ages, (list, tuple)):
        raise InvalidPerson("ages must be a list")
    age = None
    for entry in ages:
        bounds = _bounds(entry, "age") if isinstance(entry, Mapping) else None
        if bounds is not None:
            age = AgeRange(*bounds)
            break
    height = _bounds(extracted.get("height_cm"), "height")
    codes = extracted.get("conditions") or []
    if not isinstance(codes, (list, tuple)):
        raise InvalidPerson("conditions must be a list")
    known = {c.value for c in Condition}
    build = extracted.get("build")
    return Person(
        gender=parse_gender(_gender(extracted.get("gender"))),
        age=age,
        height=HeightRange(*height) if height else None,
        build=parse_build(build if isinstance(build, str) else None),
        clothing=_clothing(extracted.get("clothing")),
        features=_strings(extracted.get("features"), "features"),
        conditions=parse_conditions([c for c in codes if isinstance(c, str) and c in known]),
    )


def person_from_request(body: object) -> Person:
    """Read the ``person`` object of ``POST /v1/missing``.

    Accepts ``age`` (a number) or ``age_range`` (``[lo, hi]``), ``height_cm`` (a number,
    ``[lo, hi]`` or ``{"min", "max"}``), clothing as text or ``{"colour", "item"}``.

    Raises:
        InvalidPerson: unknown gender, build or condition code; impossible age or height.
    """
    if not isinstance(body, Mapping):
        raise InvalidPerson("person must be an object")
    age = _bounds(body.get("age_range") if body.get("age") is None else body.get("age"), "age")
    height = _bounds(body.get("height_cm"), "height")
    build = body.get("build")
    if build is not None and not isinstance(build, str):
        raise InvalidPerson("build must be a string")
    build_value = parse_build(build)
    return Person(
        gender=parse_gender(_gender(body.get("gender"))),
        age=AgeRange(*age) if age else None,
        height=HeightRange(*height) if height else None,
        name=_optional_str(body.get("name"), "name"),
        build=build_value,
        clothing=_clothing(body.get("clothing")),
        features=_strings(body.get("features"), "features"),
        conditions=parse_conditions(body.get("conditions")),
        photo_ref=_optional_str(body.get("photo_ref"), "photo_ref"),
        phone=_optional_str(body.get("phone"), "phone"),
    )


def is_sighting_report(
    category: str, flags: tuple[str, ...] | list[str], extracted: object
) -> bool:
    """Whether a triaged report describes a found or wandering person to match.

    ``missing_person`` with ``sighting: true``, or ``assistance`` flagged elderly/minor.
    """
    if category == "missing_person":
        return isinstance(extracted, Mapping) and extracted.get("sighting") is True
    return category == "assistance" and bool(_VULNERABLE_FLAGS & set(flags))


def describes_person(extracted: object) -> bool:
    """Whether triage found a person described in the report: a gender, an age, a garment
    or a mark. Every such report is compared with the open cases, whatever its category."""
    if not isinstance(extracted, Mapping):
        return False
    return any(extracted.get(key) for key in ("gender", "ages", "clothing", "features"))


@dataclass(frozen=True, slots=True)
class ReportReading:
    """What the matching workflow does with a triaged report.

    Attributes:
        describes_person: compare it with the open cases at all.
        family_report: a relative reports their own person missing; a strong match is a
            second report of an open case (a duplicate), not a sighting.
        may_auto_link: a strong match may be linked without a person (offender
            categories only when the one described is vulnerable).
        proposes_case: unmatched, it becomes a proposed case for the call-taker.
        registers_found: unmatched and with no candidate, it is kept as a found-person
            record for reverse matching.
    """

    describes_person: bool
    family_report: bool
    may_auto_link: bool
    proposes_case: bool
    registers_found: bool


def read_report(category: str, flags: tuple[str, ...] | list[str], extracted: object) -> ReportReading:
    """Decide how a triaged report takes part in matching (see ``ReportReading``)."""
    facts: Mapping[str, object] = extracted if isinstance(extracted, Mapping) else {}
    sighting = facts.get("sighting") is True
    family = category == "missing_person" and facts.get("reported_missing") is True \
        and not sighting
    vulnerable = bool(_VULNERABLE_FLAGS & set(flags)) or bool(facts.get("conditions"))
    return ReportReading(
        describes_person=describes_person(facts),
        family_report=family,
        may_auto_link=category not in OFFENDER_CATEGORIES or vulnerable,
        proposes_case=category == "missing_person" and not sighting,
        registers_found=sighting or vulnerable or category in ("missing_person", "assistance"),
    )


def sighting_window(reported_at: datetime, extracted: object) -> tuple[datetime, datetime | None]:
    """When the person was seen, from the report's time and what the words say.

    Returns:
        ``(at, since)``: the last time they were seen there — the latest clock time the
        words give (``今天早上九点左右看到``), or a few minutes back for ``刚才``, or the
        report's time when they are still there — and the earliest the words put them
        there (``在这坐了一个多小时了``, ``昨晚十点多进来的``), or ``None``.
    """
    facts: Mapping[str, object] = extracted if isinstance(extracted, Mapping) else {}
    seen = facts.get("seen") if isinstance(facts.get("seen"), Mapping) else {}
    assert isinstance(seen, Mapping)
    clocks = [t for t in (_clock_time(c, reported_at) for c in seen.get("clock") or [])
              if t is not None]
    at = reported_at
    if not seen.get("still_there"):
        if clocks:
            at = max(clocks)
        else:
            times = facts.get("times")
            ago = next((m for t in (times if isinstance(times, (list, tuple)) else [])
                        if isinstance(t, Mapping) and not t.get("in_progress")
                        and isinstance(m := t.get("minutes_ago"), int) and m > 0), None)
            if ago is not None and ago <= CLOCK_LOOKBACK.total_seconds() / 60:
                at = reported_at - timedelta(minutes=ago)
    earliest = list(clocks)
    stay = seen.get("for_minutes")
    if isinstance(stay, (int, float)) and not isinstance(stay, bool) and stay > 0:
        earliest.append(at - timedelta(minutes=STAY_SHARE * stay))
    since = min(earliest) if earliest else None
    return at, (min(since, at) if since is not None else None)


def _clock_time(clock: object, reported_at: datetime) -> datetime | None:
    """A clock time of the words as a moment before the report, or ``None``."""
    if not isinstance(clock, Mapping):
        return None
    hour, minute, day = clock.get("hour"), clock.get("minute"), clock.get("day")
    if not isinstance(hour, int) or not isinstance(minute, int) or not 0 <= hour < 24 \
            or not 0 <= minute < 60:
        return None
    local = reported_at.astimezone(LOCAL_TZ)
    today = local.replace(hour=0, minute=0, second=0, microsecond=0)
    hours = [hour] if clock.get("part") or hour >= 12 else [hour, hour + 12]
    days = [day] if isinstance(day, int) else [0, -1]
    latest = local + timedelta(minutes=10)
    candidates = [today + timedelta(days=d, hours=h, minutes=minute) for d in days for h in hours]
    past = [c for c in candidates if c <= latest]
    if not past:
        return None
    moment = max(past)  # the most recent reading of the words that is not in the future
    if not local - CLOCK_LOOKBACK <= moment <= local + timedelta(minutes=10):
        return None
    return min(moment, local).astimezone(reported_at.tzinfo)


def report_sighting(*, incident_id: str, received_at: datetime, occurred_at: str | None,
                    extracted: object, lat: float | None = None, lon: float | None = None,
                    precinct: str | None = None, radius_m: float | None = None,
                    address: str | None = None, text: str = "") -> Sighting:
    """The ``Sighting`` of a triaged report: its description, the time the words give,
    the point and its uncertainty from geo, the travel the words and the place suggest.

    Raises:
        InvalidPerson: the extracted description is impossible.
        InvalidSighting: naive time or bad coordinates.
    """
    at, since = sighting_window(sighting_time(received_at, occurred_at), extracted)
    facts: Mapping[str, object] = extracted if isinstance(extracted, Mapping) else {}
    words = facts.get("travel")
    travel = {w for w in words if isinstance(w, str)} if isinstance(words, (list, tuple)) else set()
    if address:
        travel |= set(travel_modes(fold(address)))
    radius = radius_m if isinstance(radius_m, (int, float)) and math.isfinite(radius_m) else 0.0
    return sighting_from_report(incident_id=incident_id, at=at, extracted=extracted, lat=lat,
                                lon=lon, precinct=precinct, text=text, since=since,
                                radius_m=max(0.0, float(radius)), travel=frozenset(travel))


def sighting_time(received_at: datetime, occurred_at: str | None) -> datetime:
    """When the person was seen: the report's stated time (``occurred_at``) when it gives a
    valid one no later than the report itself, else the time the report was received."""
    if not occurred_at:
        return received_at
    try:
        stated = datetime.fromisoformat(occurred_at)
    except ValueError:
        return received_at
    if stated.tzinfo is None or stated > received_at:
        return received_at
    return stated


def sighting_from_report(
    *,
    incident_id: str,
    at: datetime,
    extracted: object,
    lat: float | None = None,
    lon: float | None = None,
    precinct: str | None = None,
    text: str = "",
    since: datetime | None = None,
    radius_m: float = 0.0,
    travel: frozenset[str] = frozenset(),
) -> Sighting:
    """Build the ``Sighting`` of a triaged report (point and precinct from geo).

    Raises:
        InvalidPerson: the extracted description is impossible.
        InvalidSighting: naive time or bad coordinates.
    """
    return Sighting(incident_id, at, person_from_extracted(extracted), lat, lon, precinct, text,
                    since, radius_m, travel)


@dataclass(frozen=True, slots=True)
class ProposedCase:
    """A case proposed to the call-taker from a ``missing_person`` report (not opened).

    Attributes:
        report_id: the report.
        person: the extracted description, to confirm and complete.
        address: the first place mentioned, as a last-seen address to confirm.
        places: every place mentioned.
    """

    report_id: str
    person: Person
    address: str | None
    places: tuple[str, ...]


def _places(value: object) -> tuple[str, ...]:
    """Place mentions as text; triage may give strings or ``{"text": ...}`` objects."""
    if not isinstance(value, (list, tuple)):
        return ()
    out = []
    for entry in value:
        text = entry.get("text") or entry.get("name") if isinstance(entry, Mapping) else entry
        if isinstance(text, str) and text.strip():
            out.append(text.strip())
    return tuple(out)


def propose_case(report_id: str, extracted: object) -> ProposedCase:
    """Turn a report triaged ``missing_person`` (not a sighting) into a proposed case.

    Raises:
        InvalidPerson: the extracted description is impossible.
    """
    person = person_from_extracted(extracted)
    assert isinstance(extracted, Mapping)  # person_from_extracted checked it
    places = _places(extracted.get("places"))
    return ProposedCase(report_id, person, places[0] if places else None, places)
