"""A hand-off: one incident sent to one external agency, and what came back.

Steps: ``created`` → ``sent`` (the webhook took the packet) → ``acknowledged`` (the
agency confirmed receipt) → ``outcome`` (its result). Delivery can fail for good
(``failed``: the command centre phones the agency). Two targets run from creation: the
acknowledgment (default 10 min for P1, 30 min otherwise) and, for a cross-jurisdiction
hand-off, the 2-hour locate target for the whole loop. A missed target escalates on the
command feed once.

Pure functions returning a :class:`Change` (the new record, timeline events, deadlines),
like the forum core. Incident status moves when the receiving side accepts: a
cross-jurisdiction incident becomes ``handed_off`` and a ``to_12345`` one ``transferred``
when the agency acknowledges it (until then the centre still owns it, and its own ack
clock runs); the caller or author is told of a 12345 transfer as soon as it is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from dispatch.domain.events import Event, EventType, iso, parse_iso
from dispatch.domain.incident import TRANSITIONS, Incident, Status
from dispatch.handoff.errors import HandoffClosed

CROSS = "cross_jurisdiction"
TO_12345 = "to_12345"
RESULTS = ("located", "resolved", "not_found", "declined", "transferred")


class HandoffStatus(str, Enum):
    """Where a hand-off stands (wire codes)."""

    pending = "pending"            # created, delivery queued
    sent = "sent"                  # the agency's webhook accepted the packet
    failed = "failed"              # delivery gave up: phone the agency
    acknowledged = "acknowledged"  # the agency confirmed receipt
    completed = "completed"        # the agency reported its outcome


@dataclass(frozen=True, slots=True)
class Targets:
    """Seconds for the acknowledgment (P1 / others) and for the whole locate loop."""

    ack_p1_s: float = 600.0
    ack_s: float = 1800.0
    locate_s: float = 7200.0

    @classmethod
    def from_settings(cls, targets: Mapping[str, float]) -> Targets:
        """Build from ``Settings.targets`` (the ``HANDOFF_*`` variables)."""
        return cls(ack_p1_s=targets.get("HANDOFF_ACK_P1_S", 600.0),
                   ack_s=targets.get("HANDOFF_ACK_S", 1800.0),
                   locate_s=targets.get("HANDOFF_LOCATE_S", 7200.0))


def handoff_id(incident_id: str, kind: str) -> str:
    """The one hand-off id of each kind per incident (redelivered events create nothing new)."""
    return f"{'HX' if kind == CROSS else 'HT'}-{incident_id}"


def ack_deadline_key(hid: str) -> str:
    """The deadline of the agency's acknowledgment."""
    return f"handoff_ack|{hid}"


def locate_deadline_key(hid: str) -> str:
    """The deadline of the whole hand-off loop (cross-jurisdiction only)."""
    return f"handoff_locate|{hid}"


@dataclass(frozen=True, slots=True)
class Handoff:
    """The record of one hand-off."""

    id: str
    incident_id: str
    kind: str
    agency: str
    agency_name: str
    priority: str | None
    created_at: datetime
    ack_due_at: datetime
    locate_due_at: datetime | None = None
    status: HandoffStatus = HandoffStatus.pending
    attempts: int = 0
    sent_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    outcome: Mapping[str, Any] | None = None
    outcome_at: datetime | None = None
    last_error: str | None = None
    escalations: tuple[str, ...] = ()
    steps: tuple[Mapping[str, Any], ...] = ()
    packet: Mapping[str, Any] | None = None

    @property
    def elapsed_s(self) -> float | None:
        """Seconds from creation to the outcome (None while open)."""
        if self.outcome_at is None:
            return None
        return round((self.outcome_at - self.created_at).total_seconds(), 3)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record (timestamps as UTC ISO-8601)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = iso(value)
            elif isinstance(value, Enum):
                value = value.value
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        out["elapsed_s"] = self.elapsed_s
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Handoff:
        """Rebuild from :meth:`to_dict` output."""
        kw = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("created_at", "ack_due_at", "locate_due_at", "sent_at",
                     "acknowledged_at", "outcome_at"):
            if kw.get(name):
                kw[name] = parse_iso(kw[name])
        kw["status"] = HandoffStatus(kw["status"])
        kw["escalations"] = tuple(kw.get("escalations") or ())
        kw["steps"] = tuple(kw.get("steps") or ())
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class Change:
    """What one step does: the new record, timeline events, deadlines to open and close."""

    handoff: Handoff
    events: tuple[Event, ...]
    open: tuple[tuple[str, datetime], ...] = ()
    close: tuple[str, ...] = ()


# Steps whose details the record keeps too (the monitor shows who and when without
# reading the incident's timeline).
_RECORDED = {"retry_requested": ("officer",),
             "handed_over_by_phone": ("officer", "contact", "phoned_at", "note")}


def _step(h: Handoff, stage: str, now: datetime, received_at: datetime | None,
          actor: str = "system", **data: Any) -> tuple[Handoff, Event]:
    since_created = round((now - h.created_at).total_seconds(), 3)
    entry: dict[str, Any] = {"stage": stage, "at": iso(now), "since_created_s": since_created,
                             **{k: data.get(k) for k in _RECORDED.get(stage, ())}}
    body: dict[str, Any] = {"stage": stage, "handoff_id": h.id, "kind": h.kind,
                            "agency": h.agency, "agency_name": h.agency_name,
                            "since_created_s": since_created, **data}
    if received_at is not None:
        body["elapsed_s"] = entry["elapsed_s"] = round((now - received_at).total_seconds(), 3)
    new = replace(h, steps=(*h.steps, entry))
    return new, Event(EventType.HANDOFF, h.incident_id, now, actor=actor, data=body)


def _status_move(incident: Incident, status: Status, now: datetime, actor: str,
                 reason: str) -> tuple[Event, ...]:
    if status not in TRANSITIONS[incident.status]:
        return ()
    return (Event(EventType.STATUS_CHANGED, incident.id, now, actor=actor,
                  data={"status": status.value, "reason": reason}),)


def notice_text(kind: str, agency_name: str, hid: str) -> str:
    """What the caller or author is told about a transfer (Simplified Chinese)."""
    if kind == TO_12345:
        return (f"您反映的问题属于非警务事项，已转{agency_name}办理（转办单号 {hid}），"
                "办理结果将由12345反馈给您。")
    return f"已联系{agency_name}处置，请保持电话畅通。"


def create(incident: Incident, kind: str, agency_id: str, agency_name: str,
           targets: Targets, now: datetime, packet: Mapping[str, Any]) -> Change:
    """Open a hand-off of ``incident`` to an agency.

    For ``to_12345`` the caller or author is told at once (a ``caller_told`` step with the
    notice text; the forum workflow posts it as a reply).
    """
    hid = handoff_id(incident.id, kind)
    ack_s = targets.ack_p1_s if incident.priority == "P1" else targets.ack_s
    h = Handoff(id=hid, incident_id=incident.id, kind=kind, agency=agency_id,
                agency_name=agency_name, priority=incident.priority, created_at=now,
                ack_due_at=now + timedelta(seconds=ack_s),
                locate_due_at=now + timedelta(seconds=targets.locate_s) if kind == CROSS else None,
                packet=dict(packet))
    h, created = _step(h, "created", now, incident.received_at, ack_due_at=iso(h.ack_due_at),
                       locate_due_at=iso(h.locate_due_at) if h.locate_due_at else None,
                       location={k: (incident.location or {}).get(k)
                                 for k in ("city", "province", "source", "radius_m")})
    events = [created]
    opened = [(ack_deadline_key(hid), h.ack_due_at)]
    if h.locate_due_at is not None:
        opened.append((locate_deadline_key(hid), h.locate_due_at))
    if kind == TO_12345:
        forum = incident.extra.get("forum")
        via = "forum_reply" if incident.channel == "forum" else (
            "sms" if (incident.caller or {}).get("phone") else "call_taker")
        to = (forum or {}).get("author") if via == "forum_reply" else (incident.caller or {}).get("phone")
        h, told = _step(h, "caller_told", now, incident.received_at, via=via, to=to,
                        text=notice_text(kind, agency_name, hid))
        events.append(told)
    return Change(h, tuple(events), open=tuple(opened))


def delivered(h: Handoff, now: datetime, received_at: datetime, attempts: int,
              http_status: int) -> Change | None:
    """The webhook accepted the packet (None if a step after it is recorded already)."""
    if h.sent_at is not None:
        return None
    status = HandoffStatus.sent if h.status in (HandoffStatus.pending, HandoffStatus.failed) \
        else h.status
    new = replace(h, status=status, sent_at=now, attempts=attempts, last_error=None)
    new, event = _step(new, "sent", now, received_at, attempts=attempts, http_status=http_status)
    return Change(new, (event,))


def delivery_failed(h: Handoff, now: datetime, received_at: datetime, attempts: int,
                    error: str) -> Change | None:
    """Delivery gave up for good: escalate so the command centre phones the agency."""
    if h.sent_at is not None or h.status is not HandoffStatus.pending:
        return None
    new = replace(h, status=HandoffStatus.failed, attempts=attempts, last_error=error[:500],
                  escalations=(*h.escalations, "delivery"))
    new, event = _step(new, "delivery_failed", now, received_at, attempts=attempts,
                       error=error[:500], escalated_to="command", level=1,
                       reason="the agency's webhook did not take the packet: phone it")
    return Change(new, (event,))


def acknowledge(h: Handoff, incident: Incident, actor: str, via: str,
                now: datetime) -> Change | None:
    """The agency confirmed receipt (None when it had already).

    The incident becomes ``handed_off`` (cross-jurisdiction) or ``transferred`` (12345), if
    its status allows.
    """
    if h.acknowledged_at is not None:
        return None
    status = h.status if h.status is HandoffStatus.completed else HandoffStatus.acknowledged
    new = replace(h, status=status, acknowledged_at=now, acknowledged_by=actor)
    new, event = _step(new, "acknowledged", now, incident.received_at, actor=actor, via=via,
                       latency_s=round((now - h.created_at).total_seconds(), 3),
                       on_time=now <= h.ack_due_at)
    moved = Status.HANDED_OFF if h.kind == CROSS else Status.TRANSFERRED
    events = (event, *_status_move(incident, moved, now, actor,
                                   f"accepted by {h.agency_name} ({h.id})"))
    return Change(new, events, close=(ack_deadline_key(h.id),))


def record_outcome(h: Handoff, incident: Incident, result: str, note: str | None,
                   actor: str, via: str, now: datetime) -> Change:
    """The agency's result; closes the loop (acknowledging it too, if it had not).

    Raises:
        HandoffClosed: the hand-off has its outcome already.
        ValueError: ``result`` is not one of :data:`RESULTS`.
    """
    if h.outcome is not None:
        raise HandoffClosed(f"hand-off {h.id} has its outcome already")
    if result not in RESULTS:
        raise ValueError(f"result must be one of {', '.join(RESULTS)}")
    events: tuple[Event, ...] = ()
    closes = [ack_deadline_key(h.id), locate_deadline_key(h.id)]
    acked = acknowledge(h, incident, actor, via, now)
    if acked is not None:
        h, events = acked.handoff, acked.events
    elapsed = round((now - h.created_at).total_seconds(), 3)
    met = h.locate_due_at is not None and now <= h.locate_due_at and result in (
        "located", "resolved")
    outcome = {"result": result, "note": note, "by": actor, "elapsed_s": elapsed,
               "locate_target_met": met if h.kind == CROSS else None}
    new = replace(h, status=HandoffStatus.completed, outcome=outcome, outcome_at=now)
    new, event = _step(new, "outcome", now, incident.received_at, actor=actor, via=via,
                       result=result, note=note, locate_target_met=outcome["locate_target_met"])
    return Change(new, (*events, event), close=tuple(closes))


def overdue(h: Handoff, kind: str, received_at: datetime, now: datetime) -> Change | None:
    """The escalation of a missed acknowledgment or locate target (None: nothing missed)."""
    due: datetime | None
    if kind == "ack":
        pending, due = h.acknowledged_at is None, h.ack_due_at
        key, reason = ack_deadline_key(h.id), "the receiving agency has not acknowledged"
    elif kind == "locate":
        pending, due = h.outcome is None, h.locate_due_at
        key, reason = locate_deadline_key(h.id), "no outcome within the 2-hour locate target"
    else:
        raise ValueError(f"unknown hand-off target {kind!r}")
    if not pending or due is None or due > now or kind in h.escalations:
        return None
    new = replace(h, escalations=(*h.escalations, kind))
    new, event = _step(new, f"{kind}_overdue", now, received_at, escalated_to="command",
                       level=1, priority=h.priority, due_at=iso(due),
                       overdue_s=round((now - due).total_seconds(), 3), reason=reason)
    return Change(new, (event,), close=(key,))


def retry_delivery(h: Handoff, incident: Incident, actor: str, officer: str,
                   now: datetime) -> Change:
    """The command centre sends a failed packet again (重试): the hand-off is pending
    once more and the adapter queues a fresh delivery; a new failure escalates again.

    Raises:
        HandoffClosed: the packet was delivered, acknowledged or answered already, so
            there is nothing to retry (409 at the HTTP edge).
    """
    if h.status is not HandoffStatus.failed:
        raise HandoffClosed(f"hand-off {h.id} is {h.status.value}: only a failed delivery "
                            "is retried")
    new = replace(h, status=HandoffStatus.pending, last_error=None)
    new, event = _step(new, "retry_requested", now, incident.received_at, actor=actor,
                       officer=officer, previous_error=h.last_error, attempts=h.attempts)
    return Change(new, (event,))


def handed_over_by_phone(h: Handoff, incident: Incident, actor: str, officer: str,
                         contact: str, at: datetime, note: str | None,
                         now: datetime) -> Change:
    """The command centre handed the matter over by telephone (已电话移交): who at the
    agency took it and when. It counts as the agency's acknowledgment (``via: phone``),
    so the incident is handed off or transferred and the ack clock stops.

    Raises:
        HandoffClosed: the agency acknowledged (or answered) already.
        ValueError: ``at`` is after ``now`` or before the hand-off began.
    """
    if at > now + timedelta(minutes=5) or at < h.created_at - timedelta(minutes=5):
        raise ValueError("the call must fall between the hand-off's creation and now")
    if h.acknowledged_at is not None:
        raise HandoffClosed(f"hand-off {h.id} was acknowledged already "
                            f"({h.acknowledged_by})")
    new, phoned = _step(h, "handed_over_by_phone", now, incident.received_at, actor=actor,
                        officer=officer, contact=contact, phoned_at=iso(at), note=note,
                        previous_status=h.status.value)
    # Acknowledged when the centre records it (events stay in order); the call's own time
    # is the step's ``phoned_at``.
    acked = acknowledge(new, incident, actor, "phone", now)
    assert acked is not None  # not acknowledged: checked above
    return Change(acked.handoff, (phoned, *acked.events), close=acked.close)
