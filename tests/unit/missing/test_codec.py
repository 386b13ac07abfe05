from __future__ import annotations

import json

import pytest

from dispatch.missing.case import Case, apply, fold
from dispatch.missing.codec import decode, encode, event_from_dict, event_to_dict
from dispatch.missing.commands import (
    close_case,
    dismiss_sighting,
    link_sighting,
    meet_target,
    on_deadline,
    open_case,
    override_risk,
    register_found,
)
from dispatch.missing.errors import InvalidEvent, InvalidPerson
from dispatch.missing.events import CaseEvent, Outcome
from dispatch.missing.matching import CandidateKind, MatchCandidate
from dispatch.missing.person import AgeRange, Gender, Person, Reporter
from dispatch.missing.risk import Circumstances, RiskGrade
from dispatch.missing.sighting import Sighting
from tests.unit.missing.builders import (
    KUNDULUN,
    SUMMER,
    GridPrecincts,
    last_seen,
    minutes,
    old_man,
)

T0 = SUMMER


def a_whole_timeline() -> list[CaseEvent]:
    lookup = GridPrecincts(half_width=8)
    events: list[CaseEvent] = list(
        open_case(
            case_id="m-1",
            person=old_man(phone="13900000000", photo_ref="photo/1"),
            last_seen=last_seen(T0 - minutes(20)),
            owner="officer-7",
            now=T0,
            lookup=lookup,
            circumstances=Circumstances(out_of_character=True, temperature_c=-3.5),
            reporter=Reporter("王女士", "13800000000", "女儿"),
            report_id="r-0",
        )
    )
    case = fold(events)

    def play(*new: CaseEvent) -> Case:
        events.extend(new)
        return fold(events)

    case = play(meet_target(case, "precinct_dispatched", now=T0 + minutes(3), by="p-1"))
    case = play(meet_target(case, "risk_review", now=T0 + minutes(20), by="sup"))
    case = play(*on_deadline(case, "missing:m-1:search_centre_activated", T0 + minutes(11), lookup))
    case = play(*on_deadline(case, "missing:m-1:widen", T0 + minutes(60), lookup))
    case = play(override_risk(case, RiskGrade.HIGH, by="sup", reason="复核", now=T0 + minutes(61)))
    seen = Sighting("r-1", T0 + minutes(40), Person(gender=Gender.MALE), *KUNDULUN, "150203002")
    cand = MatchCandidate(CandidateKind.CASE, "m-1", 0.9, ())
    case = play(link_sighting(case, cand, seen, now=T0 + minutes(62)))
    case = play(dismiss_sighting(case, "r-1", now=T0 + minutes(70), by="p-2", note="不是"))
    case = play(register_found(case, now=T0 + minutes(80), found_record_id="f-1"))
    play(close_case(case, Outcome.FOUND_SAFE, now=T0 + minutes(90), note="家属接回"))
    return events


def test_every_event_round_trips_through_json() -> None:
    events = a_whole_timeline()
    assert len({e.type for e in events}) == 10  # every event type is exercised
    wire = [json.loads(json.dumps(event_to_dict(e), ensure_ascii=False)) for e in events]
    assert [w["type"] for w in wire] == [e.type for e in events]
    back = [event_from_dict(w) for w in wire]
    assert back == events
    assert fold(back) == fold(events)


def test_decode_re_runs_domain_checks() -> None:
    wire = event_to_dict(a_whole_timeline()[0])
    person = wire["person"]
    assert isinstance(person, dict)
    person["age"] = {"min": 150, "max": 150}
    with pytest.raises(InvalidPerson):
        event_from_dict(wire)


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "missing.teleported", "case_id": "m-1"},
        {"case_id": "m-1"},
        {"type": "missing.target_breached", "case_id": "m-1", "at": 5, "key": "located"},
        {"type": "missing.target_breached", "case_id": "m-1", "key": "located"},
        {"type": "missing.closed", "case_id": "m", "at": T0.isoformat(), "outcome": "vanished"},
        {
            "type": "missing.area_widened",
            "case_id": "m",
            "at": T0.isoformat(),
            "radius_m": "far",
            "new_precincts": [],
        },
        {
            "type": "missing.area_widened",
            "case_id": "m",
            "at": T0.isoformat(),
            "radius_m": 1.0,
            "new_precincts": "150203001",
        },
        {
            "type": "missing.sighting_linked",
            "case_id": "m",
            "at": T0.isoformat(),
            "incident_id": "r",
            "score": True,
            "reasons": [],
            "precinct": None,
        },
    ],
)
def test_malformed_events_raise_invalid_event(bad: dict[str, object]) -> None:
    with pytest.raises(InvalidEvent):
        event_from_dict(bad)


def test_encode_and_decode_values() -> None:
    assert encode(AgeRange(70, 80)) == {"min": 70, "max": 80}
    assert decode(tuple[int, str], [1, "a"]) == (1, "a")
    assert decode(int | None, None) is None
    with pytest.raises(InvalidEvent):
        decode(int | str, 1)
    with pytest.raises(InvalidEvent):
        encode(object())
    with pytest.raises(InvalidEvent):
        decode(Person, [])


def test_apply_accepts_decoded_events() -> None:
    events = a_whole_timeline()
    case: Case | None = None
    for e in events:
        case, _ = apply(case, event_from_dict(event_to_dict(e)))
    assert case is not None and case.outcome is Outcome.FOUND_SAFE
