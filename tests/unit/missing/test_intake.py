from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.missing.errors import InvalidLastSeen, InvalidPerson, InvalidSighting
from dispatch.missing.intake import (
    is_sighting_report,
    person_from_extracted,
    person_from_request,
    propose_case,
    sighting_from_report,
)
from dispatch.missing.person import (
    AgeRange,
    Build,
    Condition,
    Gender,
    HeightRange,
    LastSeen,
    Person,
    check_last_seen,
    describe_person,
)
from tests.unit.missing.builders import SUMMER, minutes

TRIAGED = {
    "ages": [{"text": "七八十岁", "min": 70, "max": 89}, {"text": "50岁", "min": 50, "max": 50}],
    "gender": "male",
    "height_cm": {"min": 165, "max": 175},
    "clothing": [{"text": "灰色夹克", "colour": "灰色", "item": "夹克"}, {"text": "黑裤子"}],
    "features": ["拄拐杖", " "],
    "conditions": ["dementia", "limp"],
    "places": ["昆区钢铁大街", {"text": "友谊大街"}],
    "sighting": False,
}


def test_triage_extraction_becomes_a_person() -> None:
    p = person_from_extracted(TRIAGED)
    assert p.gender is Gender.MALE
    assert p.age == AgeRange(70, 89)  # the first age: the subject's
    assert p.height == HeightRange(165, 175)
    assert [(c.colour, c.item) for c in p.clothing] == [("grey", "jacket"), ("black", "trousers")]
    assert p.features == ("拄拐杖",)
    assert p.conditions == frozenset({Condition.DEMENTIA})  # unknown "limp" skipped


def test_proposed_case_carries_the_first_place() -> None:
    proposal = propose_case("r-1", TRIAGED)
    assert proposal.address == "昆区钢铁大街"
    assert proposal.places == ("昆区钢铁大街", "友谊大街")
    assert proposal.person.age == AgeRange(70, 89)
    assert propose_case("r-2", {}).address is None


@pytest.mark.parametrize(
    "bad",
    [
        {"ages": [{"text": "150岁", "min": 150, "max": 150}]},
        {"ages": [{"min": 40, "max": 20}]},
        {"ages": [{"min": -1, "max": 5}]},
        {"height_cm": {"min": 300, "max": 310}},
        {"height_cm": {"min": 20, "max": 30}},
        {"gender": "robot"},
        {"gender": 1},
        {"ages": "old"},
        {"conditions": "dementia"},
        {"clothing": [3]},
        {"features": [1, 2]},
        {"ages": [{"min": "seventy"}]},
        {"height_cm": {"min": float("nan")}},
        [],
    ],
)
def test_impossible_extraction_raises_invalid_person(bad: object) -> None:
    with pytest.raises(InvalidPerson):
        person_from_extracted(bad)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-500, 500)
    | st.floats(allow_nan=True)
    | st.text(max_size=6),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=12,
)
extracted_like = st.fixed_dictionaries(
    {},
    optional={
        "ages": st.lists(
            st.fixed_dictionaries(
                {}, optional={"text": st.text(max_size=4), "min": json_values, "max": json_values}
            )
            | json_values,
            max_size=3,
        )
        | json_values,
        "gender": st.sampled_from(["male", "female", "男", None, "x"]) | json_values,
        "height_cm": st.fixed_dictionaries({}, optional={"min": json_values, "max": json_values})
        | json_values,
        "clothing": json_values,
        "features": json_values,
        "conditions": json_values,
        "places": json_values,
        "sighting": json_values,
    },
)


@settings(max_examples=150, deadline=None)
@given(extracted_like)
def test_extraction_parser_returns_a_person_or_raises_invalid_person(
    extracted: dict[str, object],
) -> None:
    try:
        person = person_from_extracted(extracted)
    except InvalidPerson:
        return
    assert isinstance(person, Person)
    describe_person(person)  # any parsed person can be described for the officer


def test_request_body_person() -> None:
    p = person_from_request(
        {
            "name": "王某某",
            "gender": "male",
            "age_range": [75, 80],
            "height_cm": 170,
            "build": "slim",
            "clothing": ["grey jacket"],
            "conditions": ["dementia"],
            "phone": "13800000000",
        }
    )
    assert (p.age, p.height, p.build) == (AgeRange(75, 80), HeightRange(170, 170), Build.SLIM)
    assert person_from_request({"age": 9, "age_range": [1, 2]}).age == AgeRange.exact(9)


@pytest.mark.parametrize(
    "bad",
    [
        {"age": 130},
        {"age_range": [20, 10]},
        {"age_range": [1, 2, 3]},
        {"height_cm": 12},
        {"gender": "unknown-ish"},
        {"conditions": ["flu"]},
        {"build": "giant"},
        {"name": 5},
        "x",
    ],
)
def test_bad_request_person_raises(bad: object) -> None:
    with pytest.raises(InvalidPerson):
        person_from_request(bad)


def test_person_rejects_unknown_codes_directly() -> None:
    with pytest.raises(InvalidPerson):
        Person(gender="male")  # type: ignore[arg-type]
    with pytest.raises(InvalidPerson):
        Person(conditions=frozenset({"dementia"}))  # type: ignore[arg-type]


def test_last_seen_validation() -> None:
    with pytest.raises(InvalidLastSeen):
        LastSeen(at=datetime(2026, 6, 15, 10, 0), address="x")  # naive
    with pytest.raises(InvalidLastSeen):
        LastSeen(at=SUMMER, lat=95.0, lon=10.0)
    with pytest.raises(InvalidLastSeen):
        LastSeen(at=SUMMER, lat=40.0)
    with pytest.raises(InvalidLastSeen):
        LastSeen(at=SUMMER)
    with pytest.raises(InvalidLastSeen):
        check_last_seen(LastSeen(at=SUMMER + minutes(10), address="x"), SUMMER)
    check_last_seen(LastSeen(at=SUMMER + minutes(4), address="x"), SUMMER)  # clock skew


def test_sighting_detection_and_validation() -> None:
    assert is_sighting_report("missing_person", [], {"sighting": True})
    assert not is_sighting_report("missing_person", [], {"sighting": False})
    assert is_sighting_report("assistance", ["elderly"], {})
    assert not is_sighting_report("assistance", [], {})
    assert not is_sighting_report("traffic", ["elderly"], {"sighting": True})
    with pytest.raises(InvalidSighting):
        sighting_from_report(incident_id="r", at=datetime(2026, 6, 15), extracted={})
    with pytest.raises(InvalidSighting):
        sighting_from_report(incident_id="r", at=SUMMER, extracted={}, lat=40.0)


def test_describe_person_for_the_officer() -> None:
    p = person_from_extracted(TRIAGED)
    assert describe_person(p) == "男，70-89岁，约170cm，灰色夹克，黑裤子，拄拐杖，认知障碍"
