"""The hand-off record and its steps as pure functions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from dispatch.domain.events import Event, EventType, parse_iso
from dispatch.domain.incident import Incident, Status, apply
from dispatch.handoff import handoff as core
from dispatch.handoff.errors import HandoffClosed
from tests.unit.handoff.builders import T0, incident

TARGETS = core.Targets()


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def created(kind: str = core.CROSS, **kw: Any) -> tuple[core.Change, Incident]:
    inc = incident(**kw)
    return core.create(inc, kind, "police.zhangjiagang", "张家港市公安局指挥中心", TARGETS,
                       at(1), {"eidoVersion": "1.0"}), inc


def test_cross_jurisdiction_handoff_opens_ack_and_locate_targets() -> None:
    change, _ = created()
    h = change.handoff
    assert h.id == "HX-INC-1" and h.status is core.HandoffStatus.pending
    assert h.ack_due_at == at(601) and h.locate_due_at == at(7201)  # P1: 10 min; 2 h loop
    assert change.open == (("handoff_ack|HX-INC-1", at(601)), ("handoff_locate|HX-INC-1", at(7201)))
    (event,) = change.events
    assert event.type is EventType.HANDOFF and event.data["stage"] == "created"
    assert event.data["elapsed_s"] == 1.0 and event.data["location"]["city"] == "张家港市"


def test_non_p1_gets_the_longer_ack_target() -> None:
    change, _ = created(category="property_crime", priority="P3")
    assert change.handoff.ack_due_at == at(1801)
    assert core.Targets.from_settings({"HANDOFF_ACK_S": 5}).ack_s == 5


def test_12345_transfer_tells_the_author_and_moves_the_incident_when_12345_accepts() -> None:
    change, inc = created(core.TO_12345, category="non_police", priority="P4",
                          forum={"post_id": "p1", "author": "网友"})
    assert change.handoff.id == "HT-INC-1" and change.handoff.locate_due_at is None
    assert [e.data["stage"] for e in change.events] == ["created", "caller_told"]
    told = change.events[1].data
    assert told["via"] == "forum_reply" and told["to"] == "网友" and "HT-INC-1" in told["text"]
    acked = core.acknowledge(change.handoff, inc, "agency:hotline", "signed", at(30))
    assert acked is not None
    state = inc
    for e in (*change.events, *acked.events):
        state, _ = apply(state, e)
    assert state.status is Status.TRANSFERRED


def test_a_caller_with_a_phone_is_told_by_sms() -> None:
    change, _ = created(core.TO_12345, category="non_police", priority="P4", channel="call",
                        caller={"phone": "13800000000"})
    told = change.events[-1].data
    assert told["via"] == "sms" and told["to"] == "13800000000"


def test_delivery_then_ack_then_outcome() -> None:
    change, inc = created()
    h = change.handoff
    sent = core.delivered(h, at(3), inc.received_at, 2, 200)
    assert sent is not None and sent.handoff.status is core.HandoffStatus.sent
    assert sent.handoff.attempts == 2 and core.delivered(sent.handoff, at(4), inc.received_at, 3, 200) is None
    acked = core.acknowledge(sent.handoff, inc, "agency:police.zhangjiagang", "signed", at(60))
    assert acked is not None and acked.close == ("handoff_ack|HX-INC-1",)
    assert [e.type for e in acked.events] == [EventType.HANDOFF, EventType.STATUS_CHANGED]
    assert acked.events[0].data["on_time"] is True and acked.events[0].data["latency_s"] == 59
    assert acked.events[1].data["status"] == "handed_off"
    assert core.acknowledge(acked.handoff, inc, "x", "signed", at(61)) is None
    done = core.record_outcome(acked.handoff, inc, "located", "找到了", "agency:x", "signed", at(3600))
    assert done.handoff.status is core.HandoffStatus.completed
    assert done.handoff.outcome is not None and done.handoff.outcome["locate_target_met"] is True
    assert done.handoff.elapsed_s == 3599
    assert set(done.close) == {"handoff_ack|HX-INC-1", "handoff_locate|HX-INC-1"}
    assert [s["stage"] for s in done.handoff.steps] == ["created", "sent", "acknowledged", "outcome"]
    with pytest.raises(HandoffClosed):
        core.record_outcome(done.handoff, inc, "located", None, "x", "signed", at(3700))
    assert core.Handoff.from_dict(done.handoff.to_dict()) == done.handoff


def test_an_outcome_without_an_ack_acknowledges_too_and_a_late_one_misses_the_target() -> None:
    change, inc = created()
    done = core.record_outcome(change.handoff, inc, "located", None, "x", "signed", at(8000))
    assert [e.data.get("stage") for e in done.events if e.type is EventType.HANDOFF] == [
        "acknowledged", "outcome"]
    assert done.handoff.outcome is not None and done.handoff.outcome["locate_target_met"] is False
    with pytest.raises(ValueError):
        core.record_outcome(change.handoff, inc, "vanished", None, "x", "signed", at(10))


def test_an_ack_on_an_incident_that_cannot_be_handed_off_changes_no_status() -> None:
    change, inc = created()
    closed = inc
    for kind in (EventType.ACKNOWLEDGED, EventType.STATUS_CHANGED):
        closed, _ = apply(closed, Event(kind, "INC-1", at(2), data={"status": "en_route"}))
    assert closed.status is Status.EN_ROUTE
    acked = core.acknowledge(change.handoff, closed, "x", "phone", at(5))
    assert acked is not None and [e.type for e in acked.events] == [EventType.HANDOFF]


def test_delivery_failure_escalates_once() -> None:
    change, inc = created()
    failed = core.delivery_failed(change.handoff, at(20), inc.received_at, 3, "HTTP 503")
    assert failed is not None and failed.handoff.status is core.HandoffStatus.failed
    assert failed.events[0].data["escalated_to"] == "command"
    assert core.delivery_failed(failed.handoff, at(30), inc.received_at, 4, "x") is None
    # A late success after giving up still records the delivery.
    late = core.delivered(failed.handoff, at(40), inc.received_at, 5, 200)
    assert late is not None and late.handoff.status is core.HandoffStatus.sent


def test_missed_targets_escalate_once_and_not_early() -> None:
    change, inc = created()
    h = change.handoff
    assert core.overdue(h, "ack", inc.received_at, at(600)) is None
    late = core.overdue(h, "ack", inc.received_at, at(611))
    assert late is not None and late.events[0].data["stage"] == "ack_overdue"
    assert late.events[0].data["overdue_s"] == 10 and late.close == ("handoff_ack|HX-INC-1",)
    assert core.overdue(late.handoff, "ack", inc.received_at, at(700)) is None
    lost = core.overdue(late.handoff, "locate", inc.received_at, at(7300))
    assert lost is not None and lost.handoff.escalations == ("ack", "locate")
    acked = core.acknowledge(h, inc, "x", "signed", at(5))
    assert acked is not None and core.overdue(acked.handoff, "ack", inc.received_at, at(700)) is None
    with pytest.raises(ValueError):
        core.overdue(h, "tea", inc.received_at, at(700))


def test_a_failed_delivery_is_retried_by_the_command_centre() -> None:
    change, inc = created()
    with pytest.raises(HandoffClosed):  # pending: nothing failed yet
        core.retry_delivery(change.handoff, inc, "command:李", "李", at(10))
    failed = core.delivery_failed(change.handoff, at(20), inc.received_at, 3, "HTTP 503")
    assert failed is not None
    retried = core.retry_delivery(failed.handoff, inc, "command:李", "李", at(30))
    h = retried.handoff
    assert h.status is core.HandoffStatus.pending and h.last_error is None
    assert h.steps[-1]["stage"] == "retry_requested" and h.steps[-1]["officer"] == "李"
    event = retried.events[0]
    assert event.actor == "command:李" and event.data["previous_error"] == "HTTP 503"
    again = core.delivery_failed(h, at(40), inc.received_at, 3, "HTTP 503")
    assert again is not None and again.handoff.status is core.HandoffStatus.failed
    sent = core.delivered(h, at(40), inc.received_at, 1, 200)
    assert sent is not None
    with pytest.raises(HandoffClosed):
        core.retry_delivery(sent.handoff, inc, "command:李", "李", at(50))


def test_handed_over_by_phone_counts_as_the_acknowledgment() -> None:
    change, inc = created()
    phoned = core.handed_over_by_phone(change.handoff, inc, "command:李", "李", "张警官",
                                       at(100), "已通报", at(130))
    h = phoned.handoff
    assert h.status is core.HandoffStatus.acknowledged and h.acknowledged_by == "command:李"
    step = next(s for s in h.steps if s["stage"] == "handed_over_by_phone")
    assert step["contact"] == "张警官" and parse_iso(step["phoned_at"]) == at(100)
    stages = [e.data.get("stage") for e in phoned.events if e.type is EventType.HANDOFF]
    assert stages == ["handed_over_by_phone", "acknowledged"]
    assert phoned.events[1].data["via"] == "phone"
    assert core.ack_deadline_key(h.id) in phoned.close
    assert any(e.type is EventType.STATUS_CHANGED for e in phoned.events)
    with pytest.raises(HandoffClosed):
        core.handed_over_by_phone(h, inc, "command:李", "李", "张警官", at(140), None, at(150))
    with pytest.raises(ValueError):  # a call in the future
        core.handed_over_by_phone(change.handoff, inc, "command:李", "李", "张", at(9000), None,
                                  at(150))
    with pytest.raises(ValueError):  # before the hand-off began
        core.handed_over_by_phone(change.handoff, inc, "command:李", "李", "张", at(-900), None,
                                  at(150))
