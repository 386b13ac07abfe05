"""The command centre's corrections (转派, 定位修正) as pure decisions: events in, state out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest

from dispatch.domain import corrections, decisions
from dispatch.domain.errors import AlreadyAssigned, InvalidTransition
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import COMMAND_FEED, Incident, OpenDeadline, Publish, Status, apply
from tests.unit.dispatch.test_incident import INSIDE, T0, TIMEOUTS, TRIAGE, fold, received

UNPLACED = {"lat": 40.66, "lon": 109.82, "radius_m": 10000.0, "precinct": None,
            "district": "150203", "in_jurisdiction": True}
OUTSIDE = {"lat": 40.0, "lon": 100.0, "precinct": None, "in_jurisdiction": False}
LATER = T0 + timedelta(minutes=5)


def assigned(location: Mapping[str, Any] = INSIDE) -> Incident:
    incident = received()
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, location, T0, TIMEOUTS))
    return state


def test_reassign_moves_the_incident_renews_the_ack_clock_and_tells_both_precincts() -> None:
    before = assigned()
    events = corrections.reassign(before, "150203006", "150203", "辖区划分有误", "command:王伟",
                                  "王伟", LATER, TIMEOUTS)
    assert [e.type for e in events] == [EventType.ASSIGNED]
    assert events[0].data["reason"] == "辖区划分有误" and events[0].data["officer"] == "王伟"
    state, effects = apply(before, events[0])
    assert state.status is Status.ASSIGNED and state.precinct == "150203006"
    assert state.ack_due_at == LATER + timedelta(seconds=30)
    assert state.arrival_due_at == before.arrival_due_at  # the caller's clock runs on
    assert OpenDeadline("ack|I-1", LATER + timedelta(seconds=30)) in effects
    assert {Publish("150203006"), Publish("150203004"), Publish(COMMAND_FEED)} <= set(effects)


def test_reassigning_an_acknowledged_incident_asks_the_new_precinct_to_acknowledge() -> None:
    acked, _ = fold(assigned(), decisions.acknowledge(assigned(), "150203004", "precinct:x", T0))
    state, _ = fold(acked, corrections.reassign(acked, "150203006", "150203", "转派", "command:a",
                                                "a", LATER, TIMEOUTS))
    assert state.status is Status.ASSIGNED and state.acknowledged_at is None


def test_an_unplaced_incident_reassigned_gets_an_arrival_target_from_the_call() -> None:
    before = assigned(UNPLACED)
    assert before.precinct == COMMAND_FEED and before.arrival_due_at is None
    state, _ = fold(before, corrections.reassign(before, "150203004", "150203", "电话核实地址",
                                                 "command:a", "a", LATER, TIMEOUTS))
    assert state.arrival_due_at == T0 + timedelta(seconds=600)  # P1 urban, from the call


def test_reassign_refuses_the_same_precinct_and_an_incident_with_a_unit_on_its_way() -> None:
    before = assigned()
    with pytest.raises(AlreadyAssigned):
        corrections.reassign(before, "150203004", "150203", "x", "command:a", "a", LATER, TIMEOUTS)
    moving, _ = fold(before, [Event(EventType.ACKNOWLEDGED, "I-1", T0),
                              Event(EventType.STATUS_CHANGED, "I-1", T0,
                                    data={"status": "en_route"})])
    with pytest.raises(InvalidTransition):
        corrections.reassign(moving, "150203006", "150203", "x", "command:a", "a", LATER,
                             TIMEOUTS)


def test_a_fixed_location_routes_an_unplaced_incident_to_its_precinct() -> None:
    before = assigned(UNPLACED)
    fixed = {**INSIDE, "district": "150203", "source": "gazetteer"}
    events = corrections.relocate(before, fixed, "报警人确认地址", "command:a", "a", LATER,
                                  TIMEOUTS)
    assert [e.type for e in events] == [EventType.LOCATED, EventType.ASSIGNED]
    state, effects = fold(before, events)
    assert state.precinct == "150203004" and state.location is not None
    assert state.location["fixed_by"] == "command:a" and state.location["source"] == "gazetteer"
    assert Publish("150203004") in effects


def test_a_fix_inside_the_same_precinct_only_moves_the_point() -> None:
    before = assigned()
    events = corrections.relocate(before, {**INSIDE, "lat": 40.651}, None, "command:a", "a",
                                  LATER, TIMEOUTS)
    assert [e.type for e in events] == [EventType.LOCATED]


def test_a_fix_inside_the_city_clears_out_of_area_and_outside_goes_to_command() -> None:
    before = assigned(OUTSIDE)
    assert "out_of_area" in before.flags and before.precinct == COMMAND_FEED
    state, _ = fold(before, corrections.relocate(before, INSIDE, None, "command:a", "a", LATER,
                                                 TIMEOUTS))
    assert "out_of_area" not in state.flags and state.precinct == "150203004"
    back, _ = fold(state, corrections.relocate(state, OUTSIDE, None, "command:a", "a", LATER,
                                               TIMEOUTS))
    assert back.precinct == COMMAND_FEED and "out_of_area" in back.flags


def test_a_fix_after_dispatch_keeps_the_precinct_and_before_triage_is_refused() -> None:
    before = assigned()
    moving, _ = fold(before, [Event(EventType.ACKNOWLEDGED, "I-1", T0),
                              Event(EventType.STATUS_CHANGED, "I-1", T0,
                                    data={"status": "en_route"})])
    events = corrections.relocate(moving, {**INSIDE, "precinct": "150203006"}, None,
                                  "command:a", "a", LATER, TIMEOUTS)
    assert [e.type for e in events] == [EventType.LOCATED]
    with pytest.raises(InvalidTransition):
        corrections.relocate(received(), INSIDE, None, "command:a", "a", LATER, TIMEOUTS)
