"""A person's corrections: 转派, a fixed location, 当场答复 and 结案 with a disposition."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.domain import corrections, decisions
from dispatch.domain.dispositions import DISPOSITIONS, disposition
from dispatch.domain.errors import InvalidTransition
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import (
    COMMAND_FEED,
    CloseDeadline,
    Incident,
    OpenDeadline,
    Publish,
    Status,
)
from tests.unit.dispatch.test_incident import T0, TIMEOUTS, TRIAGE, fold, received

UNPLACED = {"lat": 40.66, "lon": 109.82, "radius_m": 10200.0, "precinct": None,
            "district": "150203", "in_jurisdiction": True}
FIXED = {"lat": 40.6531, "lon": 109.8290, "radius_m": 50.0, "precinct": "150203003",
         "district": "150203", "in_jurisdiction": True, "source": "operator"}
CONSULT = {**TRIAGE, "category": "consultation", "priority": "P4", "flags": []}


def at_command(triage: dict[str, object] = TRIAGE) -> Incident:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, triage, UNPLACED, T0,
                                                        TIMEOUTS))
    assert state.precinct == COMMAND_FEED and state.arrival_due_at is None
    return state


def test_reassign_gives_the_incident_to_the_precinct_and_rearms_the_ack_clock() -> None:
    state = at_command()
    later = T0 + timedelta(minutes=3)
    events = corrections.reassign(state, "150203003", "150203", "回拨确认在沼潭街道", "command:李强",
                                  later, TIMEOUTS)
    new, effects = fold(state, events)
    assert new.status is Status.ASSIGNED and new.precinct == "150203003"
    assert new.ack_due_at == later + timedelta(seconds=30)
    assert OpenDeadline("ack|I-1", later + timedelta(seconds=30)) in effects
    assert new.arrival_due_at == T0 + timedelta(minutes=10)  # from the call, as it would have
    assert Publish("150203003") in effects
    data = events[0].data
    assert events[0].actor == "command:李强" and data["reassigned_from"] == COMMAND_FEED
    assert data["reason"] == "回拨确认在沼潭街道"


def test_reassign_refuses_the_same_precinct_and_a_moving_unit() -> None:
    state = at_command()
    with pytest.raises(InvalidTransition):
        corrections.reassign(state, COMMAND_FEED, None, "x", "command:a", T0, TIMEOUTS)
    moved = fold(state, corrections.reassign(state, "150203003", "150203", "x", "command:a",
                                             T0, TIMEOUTS))[0]
    moved = fold(moved, [Event(EventType.ACKNOWLEDGED, "I-1", T0, actor="precinct:150203003"),
                         Event(EventType.STATUS_CHANGED, "I-1", T0,
                               data={"status": "en_route"})])[0]
    with pytest.raises(InvalidTransition) as err:
        corrections.reassign(moved, "150203004", "150203", "x", "command:a", T0, TIMEOUTS)
    assert "acknowledged" in err.value.allowed


def test_fixing_the_location_routes_again_and_keeps_the_previous_place() -> None:
    state = at_command()
    events = corrections.relocate(state, FIXED, "picked 沼潭街道", "command:李强", T0, TIMEOUTS)
    assert [e.type for e in events] == [EventType.LOCATED, EventType.ASSIGNED]
    new, _ = fold(state, events)
    assert new.precinct == "150203003" and new.location is not None
    assert new.location["corrected"] is True and new.location["previous"]["radius_m"] == 10200.0
    assert new.ack_due_at is not None


def test_a_fix_inside_the_same_precinct_only_moves_the_point() -> None:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, FIXED, T0, TIMEOUTS))
    events = corrections.relocate(state, {**FIXED, "lat": 40.654}, "map", "command:a", T0,
                                  TIMEOUTS)
    assert [e.type for e in events] == [EventType.LOCATED]


def test_a_corrected_location_inside_drops_the_out_of_area_flag() -> None:
    incident = received()
    outside = {"lat": 41.0, "lon": 111.0, "in_jurisdiction": False, "precinct": None}
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, outside, T0, TIMEOUTS))
    assert "out_of_area" in state.flags
    new, _ = fold(state, corrections.relocate(state, FIXED, "回拨确认", "command:a", T0, TIMEOUTS))
    assert "out_of_area" not in new.flags and new.precinct == "150203003"


def test_a_closed_incident_cannot_be_relocated() -> None:
    state = at_command(CONSULT)
    closed, _ = fold(state, corrections.answer(state, "身份证补办请到户籍窗口", "answered",
                                               "call_taker:王芳", T0))
    with pytest.raises(InvalidTransition):
        corrections.relocate(closed, FIXED, "x", "command:a", T0, TIMEOUTS)


def test_answer_closes_a_consultation_with_its_disposition() -> None:
    state = at_command(CONSULT)
    assert corrections.can_answer(state)
    events = corrections.answer(state, "身份证补办请到户籍窗口", "answered", "call_taker:王芳", T0)
    new, effects = fold(state, events)
    assert new.status is Status.CLOSED and new.closed_at == T0 and new.resolved_at == T0
    assert new.disposition is not None and new.disposition["code"] == "answered"
    assert new.disposition["label"] == "已当场答复"
    assert CloseDeadline("ack|I-1") in effects


def test_answer_refuses_an_urgent_matter_and_a_non_answer_disposition() -> None:
    state = at_command()
    assert not corrections.can_answer(state)
    with pytest.raises(InvalidTransition):
        corrections.answer(state, "答复", "answered", "command:a", T0)
    with pytest.raises(KeyError):
        corrections.answer(at_command(CONSULT), "答复", "arrest", "command:a", T0)
    with pytest.raises(KeyError):
        corrections.answer(at_command(CONSULT), "答复", "nonsense", "command:a", T0)


def test_an_answered_event_out_of_order_is_an_invalid_transition() -> None:
    state = at_command(CONSULT)
    closed, _ = fold(state, corrections.answer(state, "答复", "answered", "command:a", T0))
    with pytest.raises(InvalidTransition):
        fold(closed, corrections.answer(state, "答复", "answered", "command:a", T0))


def test_close_needs_a_resolved_incident_and_records_the_disposition() -> None:
    state = at_command()
    with pytest.raises(InvalidTransition):
        corrections.close(state, "mediated", None, "precinct:150203003", T0)
    resolved = fold(state, [Event(EventType.ACKNOWLEDGED, "I-1", T0),
                            Event(EventType.STATUS_CHANGED, "I-1", T0,
                                  data={"status": "resolved"})])[0]
    new, _ = fold(resolved, corrections.close(resolved, "mediated", "双方和解",
                                              "precinct:150203003:张伟", T0))
    assert new.status is Status.CLOSED and new.disposition is not None
    assert new.disposition["code"] == "mediated" and new.disposition["note"] == "双方和解"
    assert new.disposition["by"] == "precinct:150203003:张伟"
    assert Incident.from_dict(new.to_dict()) == new


def test_the_registry_is_fixed_and_chinese() -> None:
    assert disposition("answered").answer and not disposition("arrest").answer
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d.label) for d in DISPOSITIONS.values())
    assert {"code", "label", "answer"} == set(disposition("mediated").to_dict())
    with pytest.raises(KeyError):
        disposition("closed")
