"""结案 with a disposition and 当场答复, as pure decisions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch.domain import closing
from dispatch.domain.errors import InvalidTransition, UnknownDisposition
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import CloseDeadline, Incident, Status, apply
from tests.unit.dispatch.test_corrections import LATER, assigned
from tests.unit.dispatch.test_incident import T0, fold


def resolved() -> Incident:
    state = assigned()
    state, _ = fold(state, [Event(EventType.ACKNOWLEDGED, state.id, T0),
                            Event(EventType.STATUS_CHANGED, state.id, T0,
                                  data={"status": "resolved"})])
    return state


def test_the_registry_has_chinese_labels_and_eido_texts() -> None:
    assert len(closing.DISPOSITIONS) >= 10
    for d in closing.DISPOSITIONS.values():
        assert d.label and not d.label.isascii() and d.eido.isascii()
    assert closing.disposition("mediated").label == "已调解"


def test_closing_needs_a_disposition_of_the_registry() -> None:
    before = resolved()
    for bad in (None, "alien", ""):
        with pytest.raises(UnknownDisposition) as caught:
            closing.close(before, bad, None, "precinct:1", "李", LATER)
        assert "mediated" in str(caught.value)
    state, _ = fold(before, closing.close(before, "mediated", "双方和解", "precinct:1", "李", LATER))
    assert state.status is Status.CLOSED and state.disposition == "mediated"


def test_closing_an_unresolved_incident_is_a_transition_error_first() -> None:
    with pytest.raises(InvalidTransition):
        closing.close(assigned(), None, None, "command:a", "a", LATER)


def test_a_consultation_is_answered_on_the_spot_and_closes() -> None:
    consult = replace(assigned(), category="consultation", priority="P4")
    assert closing.is_answerable(consult)
    events = closing.answer_on_spot(consult, "身份证换领请到户籍窗口，带旧证", "call_taker:王", "王",
                                    LATER)
    assert [e.type for e in events] == [EventType.ANSWERED_ON_SPOT]
    state, effects = apply(consult, events[0])
    assert state.status is Status.CLOSED and state.disposition == "answered"
    assert state.answer == "身份证换领请到户籍窗口，带旧证"
    assert CloseDeadline("ack|I-1") in effects and CloseDeadline("arrive|I-1") in effects
    with pytest.raises(InvalidTransition):
        apply(state, events[0])  # closed already


def test_only_consultations_and_p4_matters_without_a_unit_on_the_way_are_answered() -> None:
    urgent = assigned()  # P1 violent crime
    assert not closing.is_answerable(urgent)
    with pytest.raises(InvalidTransition):
        closing.answer_on_spot(urgent, "x", "command:a", "a", LATER)
    p4 = replace(urgent, category="assistance", priority="P4")
    assert closing.is_answerable(p4)
    moving = replace(p4, status=Status.EN_ROUTE)
    assert not closing.is_answerable(moving)
