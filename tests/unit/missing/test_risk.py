from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dispatch.missing.person import AgeRange, Condition, Gender, Person
from dispatch.missing.risk import Circumstances, RiskGrade, assess_risk, is_extreme_cold
from tests.unit.missing.builders import SUMMER, WINTER_NIGHT, old_man

ADULT = Person(gender=Gender.MALE, age=AgeRange.exact(35))


def codes(person: Person, facts: Circumstances | None = None, now: datetime = SUMMER) -> set[str]:
    return {r.code for r in assess_risk(person, facts or Circumstances(), now).reasons}


def test_child_under_14_is_high_and_filed_as_criminal_case() -> None:
    a = assess_risk(Person(gender=Gender.MALE, age=AgeRange.exact(9)), Circumstances(), SUMMER)
    assert a.grade is RiskGrade.HIGH
    assert a.criminal_case
    assert "child_under_14" in {r.code for r in a.reasons}


def test_girl_14_to_17_is_high_and_filed_but_boy_is_medium_and_not() -> None:
    girl = assess_risk(
        Person(gender=Gender.FEMALE, age=AgeRange.exact(16)), Circumstances(), SUMMER
    )
    boy = assess_risk(Person(gender=Gender.MALE, age=AgeRange.exact(16)), Circumstances(), SUMMER)
    assert (girl.grade, girl.criminal_case) == (RiskGrade.HIGH, True)
    assert (boy.grade, boy.criminal_case) == (RiskGrade.MEDIUM, False)


def test_woman_of_18_and_girl_of_unknown_age_are_not_filed() -> None:
    adult = assess_risk(
        Person(gender=Gender.FEMALE, age=AgeRange.exact(18)), Circumstances(), SUMMER
    )
    unknown = assess_risk(Person(gender=Gender.FEMALE), Circumstances(), SUMMER)
    assert not adult.criminal_case and not unknown.criminal_case


def test_age_range_straddling_14_counts_as_girl_not_child() -> None:
    a = assess_risk(Person(gender=Gender.FEMALE, age=AgeRange(12, 15)), Circumstances(), SUMMER)
    assert "girl_14_17" in {r.code for r in a.reasons}
    assert a.criminal_case


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        (Condition.DEMENTIA, "dementia"),
        (Condition.SUICIDAL, "suicidal"),
        (Condition.MEDICATION, "medical_need"),
    ],
)
def test_high_risk_conditions(condition: Condition, code: str) -> None:
    person = Person(gender=Gender.MALE, age=AgeRange.exact(40), conditions=frozenset({condition}))
    a = assess_risk(person, Circumstances(), SUMMER)
    assert a.grade is RiskGrade.HIGH
    assert code in {r.code for r in a.reasons}


def test_single_medium_factors() -> None:
    depressed = Person(age=AgeRange.exact(40), conditions=frozenset({Condition.DEPRESSION}))
    assert assess_risk(depressed, Circumstances(), SUMMER).grade is RiskGrade.MEDIUM
    for facts in (Circumstances(out_of_character=True), Circumstances(vehicle=True)):
        assert assess_risk(ADULT, facts, SUMMER).grade is RiskGrade.MEDIUM


def test_two_medium_factors_compound_to_high() -> None:
    a = assess_risk(ADULT, Circumstances(out_of_character=True, vehicle=True), SUMMER)
    assert a.grade is RiskGrade.HIGH
    assert {"out_of_character", "vehicle", "compound"} <= {r.code for r in a.reasons}


def test_no_factor_is_low_or_absent_when_call_taker_sees_no_risk() -> None:
    assert assess_risk(ADULT, Circumstances(), SUMMER).grade is RiskGrade.LOW
    absent = assess_risk(ADULT, Circumstances(no_apparent_risk=True), SUMMER)
    assert absent.grade is RiskGrade.ABSENT and absent.reasons == ()


def test_no_apparent_risk_does_not_hide_a_real_factor() -> None:
    a = assess_risk(old_man(), Circumstances(no_apparent_risk=True), SUMMER)
    assert a.grade is RiskGrade.HIGH


def test_winter_night_exposure_is_medium_alone_and_high_for_the_vulnerable() -> None:
    assert assess_risk(ADULT, Circumstances(), WINTER_NIGHT).grade is RiskGrade.MEDIUM
    assert "extreme_cold" in codes(ADULT, now=WINTER_NIGHT)
    elderly = Person(gender=Gender.MALE, age=AgeRange.exact(72))
    cold = [
        r
        for r in assess_risk(elderly, Circumstances(), WINTER_NIGHT).reasons
        if r.code == "extreme_cold"
    ]
    assert cold[0].grade is RiskGrade.HIGH


def test_cold_rule_uses_beijing_time_and_measured_temperature() -> None:
    winter_noon = datetime(2026, 1, 15, 4, 0, tzinfo=UTC)  # 12:00 Beijing
    assert not is_extreme_cold(None, winter_noon)
    assert is_extreme_cold(-15.0, winter_noon)
    assert not is_extreme_cold(-5.0, WINTER_NIGHT)  # a mild night, measured
    assert is_extreme_cold(None, WINTER_NIGHT)
    assert not is_extreme_cold(None, datetime(2026, 7, 15, 18, 0, tzinfo=UTC))  # July night


def test_elderly_alone_is_medium() -> None:
    a = assess_risk(Person(age=AgeRange.exact(80)), Circumstances(), SUMMER)
    assert a.grade is RiskGrade.MEDIUM
    assert {r.code for r in a.reasons} == {"elderly"}


def test_suspected_crime_is_high() -> None:
    assert assess_risk(ADULT, Circumstances(suspected_crime=True), SUMMER).grade is RiskGrade.HIGH


def test_reasons_carry_console_text() -> None:
    a = assess_risk(old_man(), Circumstances(), SUMMER)
    assert all(r.text for r in a.reasons)
    assert RiskGrade.HIGH.rank > RiskGrade.MEDIUM.rank > RiskGrade.LOW.rank > RiskGrade.ABSENT.rank
