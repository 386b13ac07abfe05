from __future__ import annotations

import pytest

from dispatch.missing.case import Case, apply
from dispatch.missing.clothing import item_similarity, parse_clothing
from dispatch.missing.commands import close_case, dismiss_sighting, link_sighting, open_case
from dispatch.missing.effects import DispatchVerification, NotifyOwner
from dispatch.missing.errors import InvalidCaseTransition, InvalidPerson, InvalidSighting
from dispatch.missing.events import Outcome
from dispatch.missing.intake import person_from_request, propose_case
from dispatch.missing.matching import CandidateKind, MatchCandidate
from dispatch.missing.person import AgeRange, Condition, Gender, Person, parse_conditions
from dispatch.missing.risk import Circumstances, RiskGrade, assess_risk
from dispatch.missing.sighting import FoundPerson, Sighting
from tests.unit.missing.builders import KUNDULUN, SUMMER, last_seen, minutes, old_man

T0 = SUMMER


def no_precincts(lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
    return ()


def opened() -> Case:
    case: Case | None = None
    for e in open_case(
        case_id="m-1",
        person=old_man(),
        last_seen=last_seen(T0 - minutes(20)),
        owner="officer-7",
        now=T0,
        lookup=no_precincts,
    ):
        case, _ = apply(case, e)
    assert case is not None
    return case


def candidate(case_id: str = "m-1", value: float = 0.9) -> MatchCandidate:
    return MatchCandidate(CandidateKind.CASE, case_id, value, ())


def sighting(precinct: str | None = "150203010") -> Sighting:
    return Sighting("r-1", T0 + minutes(30), Person(gender=Gender.MALE), *KUNDULUN, precinct)


def test_link_without_a_precinct_only_tells_the_owner() -> None:
    case = opened()
    case, effects = apply(case, link_sighting(case, candidate(), sighting(None), now=T0))
    assert not any(isinstance(e, DispatchVerification) for e in effects)
    assert any(isinstance(e, NotifyOwner) for e in effects)
    with pytest.raises(InvalidCaseTransition):  # the same report twice
        apply(case, link_sighting(case, candidate(), sighting(None), now=T0))


def test_cannot_link_another_case_or_a_weak_candidate_or_to_a_closed_case() -> None:
    case = opened()
    with pytest.raises(InvalidSighting):
        link_sighting(case, candidate("m-2"), sighting(), now=T0)
    with pytest.raises(InvalidSighting):
        link_sighting(case, candidate(value=0.2), sighting(), now=T0)
    closed, _ = apply(case, close_case(case, Outcome.FALSE_REPORT, now=T0))
    with pytest.raises(InvalidCaseTransition):
        link_sighting(closed, candidate(), sighting(), now=T0)


def test_dismissed_sighting_is_kept_on_the_case_and_cannot_be_dismissed_twice() -> None:
    case = opened()
    case, _ = apply(case, link_sighting(case, candidate(), sighting(), now=T0))
    event = dismiss_sighting(case, "r-1", now=T0 + minutes(9), by="民警", note="不是本人")
    case, effects = apply(case, event)
    assert case.sightings[0].dismissed
    assert isinstance(effects[0], NotifyOwner) and "不是本人" in effects[0].message
    with pytest.raises(InvalidCaseTransition):
        apply(case, event)


def test_sighting_and_record_points() -> None:
    assert sighting().point == KUNDULUN
    assert Sighting("r", T0, Person()).point is None
    record = FoundPerson("f", T0, Person(), *KUNDULUN, held_at="友谊派出所")
    assert record.point == KUNDULUN
    assert FoundPerson("f", T0, Person()).point is None
    with pytest.raises(InvalidSighting):
        FoundPerson("f", T0, Person(), lat=10.0, lon=200.0)


def test_more_person_rules() -> None:
    ill = Person(age=AgeRange.exact(40), conditions=frozenset({Condition.MENTAL_ILLNESS}))
    assert assess_risk(ill, Circumstances(), T0).grade is RiskGrade.MEDIUM
    assert item_similarity("jacket", "umbrella") == 0.0
    assert item_similarity("hat", "shoes") == 0.0
    assert parse_clothing("unknown thing") == parse_clothing("unknown thing")
    assert parse_conditions(None) == frozenset()
    with pytest.raises(InvalidPerson):
        parse_conditions("dementia")
    with pytest.raises(InvalidPerson):
        person_from_request({"clothing": [{"colour": 5}]})
    assert propose_case("r", {"places": [{"name": "包头站"}, 7, {"text": " "}]}).places == (
        "包头站",
    )


def test_clothing_codes_are_checked() -> None:
    from dispatch.missing.clothing import ClothingItem

    with pytest.raises(InvalidPerson):
        ClothingItem("magenta", None)
    with pytest.raises(InvalidPerson):
        ClothingItem(None, "cape")
    assert ClothingItem("grey", "jacket").item == "jacket"


def test_closing_with_a_found_time_out_of_range_is_refused() -> None:
    case = opened()
    with pytest.raises(InvalidCaseTransition):
        close_case(case, Outcome.FOUND_SAFE, now=T0, found_at=T0 + minutes(1))
    with pytest.raises(InvalidCaseTransition):
        close_case(case, Outcome.FOUND_SAFE, now=T0, found_at=T0 - minutes(60))
    closed, _ = apply(case, close_case(case, Outcome.FOUND_SAFE, now=T0, found_at=T0 - minutes(5)))
    assert closed.time_to_found == minutes(0)  # found before the report reached 110
