from __future__ import annotations

import pytest

from dispatch.missing.case import Case, CaseStatus, apply, fold
from dispatch.missing.commands import (
    breach_target,
    close_case,
    dismiss_sighting,
    meet_target,
    on_deadline,
    open_case,
    override_risk,
    register_found,
    widen_area,
)
from dispatch.missing.effects import (
    AlertCommandConsole,
    CloseDeadline,
    Effect,
    FileCriminalCase,
    MatchAgainstFound,
    NotifyOwner,
    NotifyPrecincts,
    OpenDeadline,
    deadline_key,
    parse_deadline_key,
)
from dispatch.missing.errors import (
    InvalidCaseTransition,
    InvalidLastSeen,
    InvalidOverride,
    UnknownTarget,
)
from dispatch.missing.events import CaseEvent, Outcome, RiskAssessed, TargetBreached, TargetMet
from dispatch.missing.person import AgeRange, Gender, LastSeen, Person
from dispatch.missing.risk import Circumstances, RiskGrade
from dispatch.missing.targets import TargetState
from tests.unit.missing.builders import SUMMER, GridPrecincts, last_seen, minutes, old_man

T0 = SUMMER


def opened(
    person: Person | None = None,
    circumstances: Circumstances | None = None,
    seen: LastSeen | None = None,
) -> tuple[Case, list[Effect], list[CaseEvent]]:
    events = list(
        open_case(
            case_id="m-1",
            person=person or old_man(),
            last_seen=seen or last_seen(T0 - minutes(30)),
            owner="officer-7",
            now=T0,
            lookup=GridPrecincts(),
            circumstances=circumstances,
        )
    )
    case, effects = run(None, events)
    return case, effects, events


def run(
    case: Case | None, events: list[CaseEvent] | tuple[CaseEvent, ...]
) -> tuple[Case, list[Effect]]:
    effects: list[Effect] = []
    for event in events:
        case, out = apply(case, event)
        effects += out
    assert case is not None
    return case, effects


def test_open_case_grades_arms_deadlines_and_broadcasts() -> None:
    case, effects, events = opened()
    assert [e.type for e in events] == [
        "missing.opened",
        "missing.risk_assessed",
        "missing.area_widened",
    ]
    assert case.status is CaseStatus.OPEN and case.risk is not None
    assert case.risk.grade is RiskGrade.HIGH
    assert effects[0] == MatchAgainstFound("m-1")
    armed = {e.key for e in effects if isinstance(e, OpenDeadline)}
    assert deadline_key("m-1", "located") in armed
    assert deadline_key("m-1", "widen") in armed
    notify = [e for e in effects if isinstance(e, NotifyPrecincts)]
    assert len(notify) == 1 and notify[0].reason == "opened" and notify[0].precincts
    assert case.notified == frozenset(notify[0].precincts)
    # the first broadcast is the register entry: met at once
    assert case.target("registered_broadcast").state(T0) is TargetState.MET
    assert CloseDeadline(deadline_key("m-1", "registered_broadcast")) in effects
    assert case.version == 3 and fold(events) == case


def test_child_case_files_a_criminal_case_once() -> None:
    child = Person(gender=Gender.FEMALE, age=AgeRange.exact(8))
    case, effects, _ = opened(child)
    assert sum(isinstance(e, FileCriminalCase) for e in effects) == 1
    again, more = apply(case, RiskAssessed("m-1", T0, case.risk, case.targets))  # type: ignore[arg-type]
    assert not any(isinstance(e, FileCriminalCase) for e in more)
    assert again.profile.value == "child"


def test_case_without_a_point_opens_without_an_area() -> None:
    case, _, events = opened(seen=LastSeen(at=T0 - minutes(5), address="阿尔丁大街"))
    assert len(events) == 2 and case.area_radius_m == 0.0
    assert widen_area(case, T0 + minutes(60), GridPrecincts()) is None


def test_future_last_seen_is_rejected() -> None:
    with pytest.raises(InvalidLastSeen):
        opened(seen=last_seen(T0 + minutes(30)))


def test_no_waiting_period_even_a_minute_after_last_seen() -> None:
    case, _, _ = opened(seen=last_seen(T0 - minutes(1)))
    assert case.status is CaseStatus.OPEN and case.opened_at == T0


def test_meet_target_records_time_and_closes_deadline() -> None:
    case, _, _ = opened()
    event = meet_target(case, "precinct_dispatched", now=T0 + minutes(4), by="派出所")
    case, effects = apply(case, event)
    assert case.target("precinct_dispatched").met_at == T0 + minutes(4)
    assert effects == (CloseDeadline(deadline_key("m-1", "precinct_dispatched")),)
    with pytest.raises(InvalidCaseTransition):
        apply(case, event)  # met twice
    with pytest.raises(UnknownTarget):
        meet_target(case, "coffee_served", now=T0)
    with pytest.raises(InvalidCaseTransition):
        meet_target(case, "precinct_dispatched", now=T0)


def test_recurring_review_opens_the_next_instance() -> None:
    case, _, _ = opened()
    case, effects = apply(case, meet_target(case, "risk_review", now=T0 + minutes(28), by="sup-1"))
    nxt = case.target("risk_review#2")
    assert nxt.due_at == T0 + minutes(58)
    assert OpenDeadline(deadline_key("m-1", "risk_review#2"), nxt.due_at) in effects


def test_deadline_breach_lights_up_the_command_console() -> None:
    case, _, _ = opened()
    key = deadline_key("m-1", "search_centre_activated")
    assert on_deadline(case, key, T0 + minutes(9), GridPrecincts()) == ()  # fired early: stale
    (event,) = on_deadline(
        case,
        key,
        T0
        + minutes(
            10,
        )
        + minutes(0.1),
        GridPrecincts(),
    )
    assert isinstance(event, TargetBreached)
    case, effects = apply(case, event)
    assert effects == (AlertCommandConsole("m-1", "search_centre_activated", T0 + minutes(10)),)
    assert breach_target(case, "search_centre_activated", T0 + minutes(11)) is None
    with pytest.raises(InvalidCaseTransition):
        apply(case, event)
    # met late: recorded, and stays breached
    case, _ = apply(case, meet_target(case, "search_centre_activated", now=T0 + minutes(12)))
    assert case.target("search_centre_activated").state(T0 + minutes(12)) is TargetState.BREACHED


def test_widening_tick_notifies_new_precincts_and_rearms() -> None:
    case, _, _ = opened()
    lookup = GridPrecincts()
    events = on_deadline(case, deadline_key("m-1", "widen"), T0 + minutes(60), lookup)
    assert len(events) == 1
    wider, effects = apply(case, events[0])
    assert wider.area_radius_m > case.area_radius_m
    notify = [e for e in effects if isinstance(e, NotifyPrecincts)]
    assert notify and notify[0].reason == "widened"
    assert not set(notify[0].precincts) & case.notified
    assert any(isinstance(e, OpenDeadline) and e.key.endswith(":widen") for e in effects)
    # fired again too soon: the tick re-arms without notifying anyone
    (again,) = on_deadline(wider, deadline_key("m-1", "widen"), T0 + minutes(61), lookup)
    _, effects = apply(wider, again)
    assert not any(isinstance(e, NotifyPrecincts) for e in effects)


def test_override_needs_reason_and_rederives_targets() -> None:
    case, _, _ = opened(Person(gender=Gender.MALE, age=AgeRange.exact(40)))
    assert case.risk is not None and case.risk.grade is RiskGrade.LOW
    with pytest.raises(InvalidOverride):
        override_risk(case, RiskGrade.HIGH, by="sup-1", reason="  ", now=T0)
    event = override_risk(
        case, RiskGrade.HIGH, by="sup-1", reason="家属称其有心脏病未带药", now=T0 + minutes(3)
    )
    case, effects = apply(case, event)
    assert case.risk is not None
    assert (case.risk.grade, case.risk.overridden_by) == (RiskGrade.HIGH, "sup-1")
    assert case.target("located").due_at == T0 + minutes(120)
    assert CloseDeadline(deadline_key("m-1", "located")) in effects
    assert OpenDeadline(deadline_key("m-1", "located"), T0 + minutes(120)) in effects
    assert any(isinstance(e, NotifyOwner) for e in effects)


def test_found_and_closed_with_time_to_found() -> None:
    case, _, _ = opened()
    case, _ = apply(case, register_found(case, now=T0 + minutes(50), incident_id="r-9"))
    assert case.status is CaseStatus.LOCATED
    assert case.time_to_found == minutes(50)
    assert case.target("located").state(T0 + minutes(50)) is TargetState.MET
    case, effects = apply(case, close_case(case, Outcome.FOUND_SAFE, now=T0 + minutes(55)))
    assert case.status is CaseStatus.CLOSED and case.outcome is Outcome.FOUND_SAFE
    states = {t.key: t.state(T0 + minutes(999)) for t in case.targets}
    assert states["risk_review#1"] is TargetState.BREACHED  # due at 30 min, never met
    assert states["located"] is TargetState.MET
    stand_down = [e for e in effects if isinstance(e, NotifyPrecincts)]
    assert stand_down and stand_down[0].reason == "closed"
    with pytest.raises(InvalidCaseTransition):
        close_case(case, Outcome.FOUND_SAFE, now=T0 + minutes(56))
    with pytest.raises(InvalidCaseTransition):
        register_found(case, now=T0 + minutes(56))
    assert (
        on_deadline(case, deadline_key("m-1", "located"), T0 + minutes(999), GridPrecincts()) == ()
    )


def test_close_directly_cancels_targets_not_yet_due() -> None:
    case, _, _ = opened()
    case, _ = apply(case, close_case(case, Outcome.RETURNED, now=T0 + minutes(20)))
    assert case.time_to_found == minutes(20)
    assert case.target("risk_review#1").state(T0 + minutes(999)) is TargetState.CANCELLED
    false_case, _, _ = opened()
    false_case, _ = apply(
        false_case, close_case(false_case, Outcome.FALSE_REPORT, now=T0 + minutes(20))
    )
    assert false_case.time_to_found is None


def test_found_time_must_lie_between_last_seen_and_now() -> None:
    case, _, _ = opened()
    with pytest.raises(InvalidCaseTransition):
        register_found(case, now=T0, found_at=T0 + minutes(5))
    with pytest.raises(InvalidCaseTransition):
        register_found(case, now=T0, found_at=T0 - minutes(120))


def test_invalid_transitions() -> None:
    case, _, events = opened()
    with pytest.raises(InvalidCaseTransition):
        apply(None, events[1])
    with pytest.raises(InvalidCaseTransition):
        apply(case, events[0])  # opened twice
    other = TargetMet("m-2", T0, "located")
    with pytest.raises(InvalidCaseTransition):
        apply(case, other)
    with pytest.raises(InvalidCaseTransition):
        apply(case, dismiss_sighting(case, "r-unknown", now=T0))
    with pytest.raises(InvalidCaseTransition):
        fold([])


def test_deadline_keys_round_trip() -> None:
    assert parse_deadline_key(deadline_key("m:1", "risk_review#2")) == ("m:1", "risk_review#2")
    with pytest.raises(ValueError):
        parse_deadline_key("incident:5:ack")


def test_reassessment_when_night_falls_in_a_baotou_winter() -> None:
    from datetime import UTC, datetime

    from dispatch.missing.commands import reassess_risk

    afternoon = datetime(2026, 1, 15, 7, 0, tzinfo=UTC)  # 15:00 Beijing
    adult = Person(gender=Gender.MALE, age=AgeRange.exact(40))
    case: Case | None = None
    for e in open_case(
        case_id="m-9",
        person=adult,
        last_seen=last_seen(afternoon - minutes(30)),
        owner="o",
        now=afternoon,
        lookup=GridPrecincts(half_width=8),
    ):
        case, _ = apply(case, e)
    assert case is not None and case.risk is not None
    assert case.risk.grade is RiskGrade.LOW
    assert reassess_risk(case, now=afternoon + minutes(60)) is None  # still daylight
    night = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)  # 19:00 Beijing
    event = reassess_risk(case, now=night)
    assert event is not None and event.assessment.grade is RiskGrade.MEDIUM
    case, effects = apply(case, event)
    assert case.target("located").due_at == case.opened_at + minutes(720)
    assert any(isinstance(e, OpenDeadline) for e in effects)
    # a supervisor's higher grade is not lowered by the rules
    case, _ = apply(case, override_risk(case, RiskGrade.HIGH, by="sup", reason="x", now=night))
    assert reassess_risk(case, now=night + minutes(5)) is None
