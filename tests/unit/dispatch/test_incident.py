"""The incident status machine: events in, state and effects out. No I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.domain import decisions
from dispatch.domain.errors import InvalidTransition, NotAssigned
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import (
    COMMAND_FEED,
    TRANSITIONS,
    CloseDeadline,
    Incident,
    OpenDeadline,
    Publish,
    Status,
    apply,
    create,
)

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
TIMEOUTS = {"P1": 30.0, "P2": 60.0, "P3": 300.0, "P4": None}
TRIAGE = {"category": "violent_crime", "priority": "P1", "flags": ["in_progress", "weapon"],
          "confidence": 0.9, "cues": [{"phrase": "拿刀", "span": [2, 4], "effect": "flag:weapon"}],
          "extracted": {}}
INSIDE = {"lat": 40.65, "lon": 109.84, "precinct": "150203004", "in_jurisdiction": True}


def received(text: str = "有人拿刀砍人") -> Incident:
    event = Event(EventType.REPORT_RECEIVED, "I-1", T0,
                  data={"channel": "call", "text": text, "source_id": "s-1"})
    incident, effects = create(event)
    assert effects == (Publish(COMMAND_FEED),)
    return incident


def fold(incident: Incident, events: list[Event]) -> tuple[Incident, list[object]]:
    effects: list[object] = []
    for e in events:
        incident, eff = apply(incident, e)
        effects.extend(eff)
    return incident, effects


def test_processing_assigns_to_the_precinct_and_opens_the_ack_deadline() -> None:
    incident = received()
    events = decisions.process_report(incident, TRIAGE, INSIDE, T0, TIMEOUTS)
    assert [e.type for e in events] == [EventType.TRIAGED, EventType.LOCATED, EventType.ASSIGNED]
    state, effects = fold(incident, events)
    assert state.status is Status.ASSIGNED
    assert state.precinct == "150203004"
    assert state.priority == "P1" and state.flags == ("in_progress", "weapon")
    assert state.ack_due_at == T0 + timedelta(seconds=30)
    assert OpenDeadline("ack|I-1", T0 + timedelta(seconds=30)) in effects
    assert Publish("150203004") in effects and Publish(COMMAND_FEED) in effects
    assert state.version == 4


def test_a_processed_incident_is_not_processed_again() -> None:
    state, _ = fold(received(), decisions.process_report(received(), TRIAGE, INSIDE, T0, TIMEOUTS))
    assert decisions.process_report(state, TRIAGE, INSIDE, T0, TIMEOUTS) == []


def test_out_of_area_goes_to_command_and_is_flagged() -> None:
    incident = received()
    outside = {"lat": 31.87, "lon": 120.55, "precinct": None, "in_jurisdiction": False,
               "city": "苏州市"}
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, outside, T0, TIMEOUTS))
    assert state.precinct == COMMAND_FEED
    assert "out_of_area" in state.flags


def test_p4_has_no_ack_clock() -> None:
    incident = received("请问身份证怎么补办")
    tri = {**TRIAGE, "category": "consultation", "priority": "P4", "flags": []}
    state, effects = fold(incident, decisions.process_report(incident, tri, INSIDE, T0, TIMEOUTS))
    assert state.ack_due_at is None
    assert CloseDeadline("ack|I-1") in effects


def test_ack_closes_the_deadline_and_only_the_assignee_may_ack() -> None:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, INSIDE, T0, TIMEOUTS))
    with pytest.raises(NotAssigned):
        decisions.acknowledge(state, "150202001", "precinct:150202001", T0)
    events = decisions.acknowledge(state, "150203004", "precinct:150203004", T0 + timedelta(seconds=5))
    acked, effects = fold(state, events)
    assert acked.status is Status.ACKNOWLEDGED
    assert acked.acknowledged_by == "precinct:150203004"
    assert CloseDeadline("ack|I-1") in effects
    assert decisions.acknowledge(acked, "150203004", "precinct:150203004", T0) == []


def test_p1_escalates_to_command_then_to_the_duty_chief() -> None:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, INSIDE, T0, TIMEOUTS))
    assert decisions.escalate(state, T0 + timedelta(seconds=29), 60) == []
    first = decisions.escalate(state, T0 + timedelta(seconds=30), 60)
    assert first[0].data["to"] == "command" and first[0].data["level"] == 1
    state, effects = fold(state, first)
    assert OpenDeadline("ack|I-1", T0 + timedelta(seconds=90)) in effects
    second = decisions.escalate(state, T0 + timedelta(seconds=90), 60)
    assert second[0].data["to"] == "duty_chief"
    state, effects = fold(state, second)
    assert CloseDeadline("ack|I-1") in effects
    assert decisions.escalate(state, T0 + timedelta(seconds=500), 60) == []


def test_p2_escalates_once() -> None:
    incident = received()
    tri = {**TRIAGE, "priority": "P2"}
    state, _ = fold(incident, decisions.process_report(incident, tri, INSIDE, T0, TIMEOUTS))
    (event,) = decisions.escalate(state, T0 + timedelta(seconds=61), 60)
    assert event.data["next_due_at"] is None
    state, effects = fold(state, [event])
    assert CloseDeadline("ack|I-1") in effects


def test_invalid_transition_names_the_allowed_moves() -> None:
    incident = received()
    bad = Event(EventType.STATUS_CHANGED, "I-1", T0, data={"status": "on_scene"})
    with pytest.raises(InvalidTransition) as err:
        apply(incident, bad)
    assert "triaged" in err.value.allowed


def test_every_status_has_a_row_and_ends_are_final() -> None:
    assert set(TRANSITIONS) == set(Status)
    for end in (Status.CLOSED, Status.MERGED, Status.CANCELLED):
        assert TRANSITIONS[end] == frozenset()


def test_state_round_trips_through_json() -> None:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, INSIDE, T0, TIMEOUTS))
    assert Incident.from_dict(state.to_dict()) == state


def test_wire_timestamps_are_utc_iso() -> None:
    assert iso(T0) == "2026-11-26T08:00:00.000Z"


def test_workflow_annotations_keep_the_status_and_reach_the_feeds() -> None:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, INSIDE, T0, TIMEOUTS))
    note = Event(EventType.HANDOFF, "I-1", T0, data={"stage": "sent", "agency": "x"})
    after, effects = apply(state, note)
    assert after.status is state.status and after.version == state.version + 1
    assert Publish(COMMAND_FEED) in effects and Publish("150203004") in effects


def test_p1_arrival_target_is_breached_once_unless_a_unit_is_on_scene() -> None:
    incident = received()
    state, effects = fold(incident, decisions.process_report(incident, TRIAGE, INSIDE, T0, TIMEOUTS))
    due = T0 + timedelta(minutes=10)  # urban P1
    assert state.arrival_due_at == due
    assert OpenDeadline("arrive|I-1", due) in effects
    assert decisions.arrival_breach(state, due - timedelta(seconds=1)) == []
    (breach,) = decisions.arrival_breach(state, due)
    assert breach.type is EventType.TARGET_BREACHED and breach.data["target"] == "arrival"
    breached, _ = fold(state, [breach])
    assert breached.breaches == ("arrival",)
    assert decisions.arrival_breach(breached, due + timedelta(minutes=5)) == []
    on_scene = Event(EventType.STATUS_CHANGED, "I-1", due, data={"status": "on_scene"})
    acked, _ = fold(state, decisions.acknowledge(state, "150203004", "p", T0))
    there, effects = fold(acked, [on_scene])
    assert CloseDeadline("arrive|I-1") in effects
    assert decisions.arrival_breach(there, due) == []


def test_rural_districts_get_the_longer_arrival_target() -> None:
    assert decisions.arrival_due("P1", "150223", T0) == T0 + timedelta(minutes=20)
    assert decisions.arrival_due("P1", "150203", T0) == T0 + timedelta(minutes=10)
    assert decisions.arrival_due("P3", "150203", T0) is None
