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
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dispatch.missing.clothing import ClothingItem, parse_clothing
from dispatch.missing.errors import InvalidPerson
from dispatch.missing.person import (
    AgeRange,
    Build,
    Condition,
    Gender,
    HeightRange,
    Person,
    parse_conditions,
    parse_gender,
)
from dispatch.missing.sighting import Sighting
from triage.person import extract_clothing

# Taxonomy flags under which an ``assistance`` report is about a possibly-missing person.
_VULNERABLE_FLAGS = frozenset({"elderly", "minor"})


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
    items: list[ClothingItem] = []
    for entry in value:
        if isinstance(entry, str):
            # One phrase may list several garments (黑色棉服外面套蓝色校服): each is read,
            # with the triage extractor's reading of the shared vocabulary.
            parts = extract_clothing(entry)
            if len(parts) > 1:
                items.extend(parse_clothing(str(p["text"]), p["colour"], p["item"]) for p in parts)
            else:
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
    surname = extracted.get("surname")
    return Person(
        gender=parse_gender(_gender(extracted.get("gender"))),
        age=age,
        height=HeightRange(*height) if height else None,
        name=surname if isinstance(surname, str) and surname else None,
        clothing=_clothing(extracted.get("clothing")),
        features=_strings(extracted.get("features"), "features"),
        conditions=parse_conditions([c for c in codes if isinstance(c, str) and c in known]),
    )


# How families and call-takers say a build (瘦 / 中等 / 胖 and their like).
_BUILD_WORDS = {"瘦": "slim", "偏瘦": "slim", "很瘦": "slim", "精瘦": "slim", "瘦小": "slim",
                "瘦高": "slim", "苗条": "slim", "中等": "medium", "一般": "medium",
                "匀称": "medium", "不胖不瘦": "medium", "正常": "medium", "胖": "heavy",
                "偏胖": "heavy", "微胖": "heavy", "壮": "heavy", "壮实": "heavy",
                "敦实": "heavy", "富态": "heavy", "魁梧": "heavy"}


def parse_build(value: object) -> Build:
    """A build code or the words for it (瘦, 中等, 偏胖, 高大壮实, 中等个，背有点驼 …).

    A family's free words never refuse a case: the first build word they contain decides
    (瘦 slim; 胖, 壮, 魁梧 heavy; 中等, 匀称 medium), and words with none are unknown.

    Raises:
        ValueError: an unknown code (a non-Chinese word that is not a build code).
    """
    text = str(value).strip()
    if text in {b.value for b in Build}:
        return Build(text)
    exact = _BUILD_WORDS.get(text.removesuffix("的").removesuffix("身材"))
    if exact:
        return Build(exact)
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        for words, code in (("瘦苗精", "slim"), ("胖壮魁敦富", "heavy"), ("中匀", "medium")):
            if any(ch in text for ch in words):
                return Build(code)
        return Build.UNKNOWN
    return Build(text)


def condition_codes(values: object) -> tuple[object, list[str]]:
    """Condition codes, with Chinese words (老年痴呆, 抑郁症, 自闭症 …) read by triage's
    condition vocabulary; free text it cannot read (帕金森) is returned apart, to be kept
    as a feature rather than refused. Non-strings are passed on for the code check."""
    if not isinstance(values, (list, tuple)):
        return values, []
    from triage.person import extract_conditions

    known = {c.value for c in Condition}
    codes: list[object] = []
    text: list[str] = []
    for v in values:
        if isinstance(v, str) and v not in known:
            found = extract_conditions(v)
            if found:
                codes.extend(found)
            elif any("\u4e00" <= ch <= "\u9fff" for ch in v):
                text.append(v)
            else:
                codes.append(v)  # an unknown code: refused, with its name
        else:
            codes.append(v)
    return codes, text


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
    build = body.get("build") or "unknown"
    try:
        build_value = parse_build(build)
    except ValueError:
        raise InvalidPerson(f"unknown build {build!r}") from None
    codes, described = condition_codes(body.get("conditions"))
    return Person(
        gender=parse_gender(_gender(body.get("gender"))),
        age=AgeRange(*age) if age else None,
        height=HeightRange(*height) if height else None,
        name=_optional_str(body.get("name"), "name"),
        build=build_value,
        clothing=_clothing(body.get("clothing")),
        features=_strings(body.get("features"), "features") + tuple(described),
        conditions=parse_conditions(codes),
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


def sighting_from_report(
    *,
    incident_id: str,
    at: datetime,
    extracted: object,
    lat: float | None = None,
    lon: float | None = None,
    precinct: str | None = None,
    text: str = "",
    radius_m: float | None = None,
) -> Sighting:
    """Build the ``Sighting`` of a triaged report (point, radius and precinct from geo).

    Raises:
        InvalidPerson: the extracted description is impossible.
        InvalidSighting: naive time or bad coordinates.
    """
    radius = float(radius_m) if isinstance(radius_m, (int, float)) and radius_m > 0 else 0.0
    accounted = isinstance(extracted, Mapping) and extracted.get("accounted_for") is True
    return Sighting(incident_id, at, person_from_extracted(extracted), lat, lon, precinct, text,
                    min(radius, MAX_RADIUS_M), rode(text or ""), accounted)


# A person who rode: they can be as far as a vehicle goes (坐公交, 打了个出租, 上了一辆车).
_TRANSPORT = re.compile(r"公交(?!站)|公共汽车|大巴|班车|出租|打车|打的|网约车|滴滴|坐车|坐着车|"
                        r"上了(?:一)?(?:辆|趟)?车|开车|搭车|顺风车|(?:坐|乘|搭)(?:了)?(?:趟)?火车|"
                        r"火车上|地铁(?!站)|车上|车里|骑(?:个|着)?(?:摩托|电动车|自行车)")
MAX_RADIUS_M = 20_000.0
_OBSERVER = re.compile(r"我[^，。,！？]{0,10}$")  # 我早上开车路过: the caller rode, not the person


def rode(text: str) -> bool:
    """Whether the words say the person seen rode (not the caller: 我开车路过)."""
    return any(_OBSERVER.search(text[max(0, m.start() - 12):m.start()]) is None
               for m in _TRANSPORT.finditer(text))  # benefit of the doubt at most this large (a district-level fix)


# The caller speaks of their own relative (我爸, 我家孩子, 俺家老汉): a family's report.
_FAMILY = re.compile(
    r"(?:我|俺|咱)(?:们)?(?:的|家|家的|家里)?(?:老)?(?:爸|妈|父亲|母亲|儿子|女儿|闺女|老伴|爷爷|奶奶|"
    r"姥姥|姥爷|外公|外婆|孙子|孙女|外孙|哥|姐|弟|妹|老公|老婆|媳妇|丈夫|妻子|孩子|娃|小孩|老汉|"
    r"婆婆|公公|岳父|岳母|舅|姑|姨|叔|侄)|家属|家人(?:称|反映)|其(?:父|母|子|女|夫|妻|孙|祖)")


def is_family_report(text: str) -> bool:
    """Whether a missing-person report comes from the family (a second relative calling
    about the same person) rather than from someone who saw the person."""
    return _FAMILY.search(text or "") is not None


def describes_person(extracted: object) -> bool:
    """Whether a report's extracted facts describe a person (age, gender, clothing,
    features or a condition): such a report is compared with the open cases whatever its
    category. Cheap: a few dictionary reads."""
    if not isinstance(extracted, Mapping):
        return False
    return bool(extracted.get("ages") or extracted.get("clothing") or extracted.get("features")
                or extracted.get("conditions") or extracted.get("gender"))


def seen_at(incident: object) -> datetime:
    """When the person in a report was seen: ``occurred_at`` when the report gives one and
    it is not later than the report's receipt, else the receipt time."""
    received: datetime = incident.received_at  # type: ignore[attr-defined]
    raw = getattr(incident, "occurred_at", None)
    if not raw:
        return received
    try:
        occurred = datetime.fromisoformat(str(raw))
    except ValueError:
        return received
    if occurred.tzinfo is None or occurred > received:
        return received
    return occurred


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


# ``POST /v1/missing`` keys → the ``Person`` attribute each one sets.
_REQUEST_FIELDS = {"name": "name", "gender": "gender", "age": "age", "age_range": "age",
                   "height_cm": "height", "build": "build", "clothing": "clothing",
                   "features": "features", "conditions": "conditions",
                   "photo_ref": "photo_ref", "phone": "phone"}


def complete_person(extracted_person: Person, body: Mapping[str, object]) -> Person:
    """The description triage extracted, with every field the call-taker gave replacing it.

    A field the body leaves out (or sets to null) keeps the extracted value, so a console
    sends only what the caller added or corrected.

    Raises:
        InvalidPerson: a given field is impossible (as ``person_from_request``).
    """
    given = person_from_request(body)
    changes = {attr: getattr(given, attr) for key, attr in _REQUEST_FIELDS.items()
               if body.get(key) is not None}
    return replace(extracted_person, **changes)


def is_described(person: Person) -> bool:
    """Whether there is anything to look for: a name, gender, age, height, clothing,
    features or a photo. A case about nobody in particular cannot be searched."""
    return any((person.name, person.gender is not Gender.UNKNOWN, person.age, person.height,
                person.clothing, person.features, person.photo_ref))


def last_seen_from_report(extracted: object, received_at: datetime) -> datetime:
    """When the person was last seen, from the report: the first time triage read as
    "N minutes ago" (半小时前, 两个小时前), counted back from the call; else the call itself,
    the latest moment the person can have been missed."""
    times = extracted.get("times") if isinstance(extracted, Mapping) else None
    for entry in times if isinstance(times, (list, tuple)) else ():
        minutes = entry.get("minutes_ago") if isinstance(entry, Mapping) else None
        if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) \
                and math.isfinite(minutes) and 0 <= minutes <= 60 * 24 * 30:
            return received_at - timedelta(minutes=minutes)
    return received_at
