"""The simulated duty officer places what the pipeline could not, as a person would."""

from __future__ import annotations

from dispatch.domain import decisions
from dispatch.domain.events import EventType
from dispatch.domain.incident import COMMAND_FEED
from simulators import command_desk
from simulators.engine import Engine
from simulators.kpis import compute
from simulators.simconfig import load_sim_config
from simulators.stream import DEFAULT_START, generate
from tests.unit.dispatch.test_incident import T0, TIMEOUTS, TRIAGE, fold, received

UNPLACED = {"lat": 40.66, "lon": 109.82, "radius_m": 10200.0, "precinct": None,
            "district": "150203", "in_jurisdiction": True}


def at_command(address: str) -> object:
    incident = received()
    incident = type(incident).from_dict({**incident.to_dict(), "address": address})
    state, _ = fold(incident, decisions.process_report(incident, TRIAGE, UNPLACED, T0, TIMEOUTS))
    assert state.precinct == COMMAND_FEED
    return state


def test_a_confirmed_suggestion_is_picked_and_routes_to_its_precinct() -> None:
    state = at_command("昆都仑区钢铁大街与民族西路交叉口")
    truth = {"location": {"lat": 40.6531, "lon": 109.8290}, "out_of_area": False}
    events, how = command_desk.place(state, truth, T0, TIMEOUTS)  # type: ignore[arg-type]
    assert how == "candidate"
    assert [e.type for e in events] == [EventType.LOCATED, EventType.ASSIGNED]
    assert events[0].data["place"] and events[1].data["precinct"] != COMMAND_FEED


def test_no_fitting_suggestion_means_a_callback_and_a_reassignment() -> None:
    state = at_command("昆都仑区钢铁大街与民族西路交叉口")
    truth = {"location": {"lat": 40.5700, "lon": 110.0400}, "out_of_area": False}  # 东河
    events, how = command_desk.place(state, truth, T0, TIMEOUTS)  # type: ignore[arg-type]
    assert how == "callback" and events[0].data["reason"] == "回拨报警人确认地址"
    assert events[0].data["precinct"].startswith("150202")


def test_a_place_outside_the_city_is_left_to_the_hand_off() -> None:
    state = at_command("呼和浩特市新城区")
    assert not command_desk.is_placeable(state, {"out_of_area": True,  # type: ignore[arg-type]
                                                 "location": {"lat": 40.8, "lon": 111.7}})
    assert command_desk.place(state, {"out_of_area": True}, T0, TIMEOUTS) == ([], "none")  # type: ignore[arg-type]


def test_the_day_reports_how_long_unplaced_incidents_wait() -> None:
    lines = list(generate(3, 7, start=DEFAULT_START))
    engine = Engine(load_sim_config({}), DEFAULT_START, 7).run(lines, 3)
    unplaced = compute(engine, 3)["unplaced"]
    assert unplaced["incidents"] > 0 and unplaced["placed"] == unplaced["incidents"]
    assert unplaced["wait_s"]["n"] == unplaced["placed"]
    assert unplaced["wait_s"]["p50"] > 0 and set(unplaced["placed_by"]) <= {"candidate", "callback"}
    for rec in engine.records.values():
        if rec.placed_t is not None:
            assert engine.incidents[rec.incident_id].precinct != COMMAND_FEED
