"""The incident: a status machine folded from events.

``apply(incident, event)`` returns the new incident and the *effects* the adapters must
carry out (publish on a feed, open or close a deadline). It does no I/O, so the server,
the worker and the simulator run exactly the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from dispatch.domain.errors import InvalidTransition
from dispatch.domain.events import Event, EventType, iso, parse_iso

COMMAND_FEED = "command"


class Status(str, Enum):
    """Where an incident stands. The values are the wire codes."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"
    TRANSFERRED = "transferred"
    HANDED_OFF = "handed_off"
    CANCELLED = "cancelled"
    FAILED = "failed"


_ENDS = {Status.MERGED, Status.TRANSFERRED, Status.HANDED_OFF, Status.CANCELLED}

# The allowed moves. Anything not listed is an InvalidTransition (HTTP 409).
TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.TRIAGED, Status.FAILED, *_ENDS}),
    Status.TRIAGED: frozenset({Status.ASSIGNED, *_ENDS}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.ACKNOWLEDGED, *_ENDS}),
    Status.ACKNOWLEDGED: frozenset({Status.ASSIGNED, Status.EN_ROUTE, Status.ON_SCENE,
                                    Status.RESOLVED, *_ENDS}),
    Status.EN_ROUTE: frozenset({Status.ON_SCENE, Status.RESOLVED, Status.CANCELLED}),
    Status.ON_SCENE: frozenset({Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.MERGED: frozenset(),
    Status.TRANSFERRED: frozenset(),
    Status.HANDED_OFF: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.FAILED: frozenset({Status.TRIAGED}),
}

# Someone still has to act: from intake until the police leave the scene.
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.TRIAGED, Status.ASSIGNED, Status.ACKNOWLEDGED,
                           Status.EN_ROUTE, Status.ON_SCENE})


@dataclass(frozen=True, slots=True)
class Publish:
    """Effect: put the event on a console feed (a precinct id or ``command``)."""

    feed: str


@dataclass(frozen=True, slots=True)
class OpenDeadline:
    """Effect: the scheduler must call back at ``due`` about ``key``."""

    key: str
    due: datetime


@dataclass(frozen=True, slots=True)
class CloseDeadline:
    """Effect: the deadline ``key`` no longer applies."""

    key: str


Effect = Publish | OpenDeadline | CloseDeadline


_ANNOTATIONS = frozenset({EventType.HANDOFF, EventType.FORUM, EventType.MISSING, EventType.NOTED})


def ack_deadline_key(incident_id: str) -> str:
    """The deadline that escalates an unacknowledged assignment."""
    return f"ack|{incident_id}"


def arrival_deadline_key(incident_id: str) -> str:
    """The deadline by which a unit must be on scene."""
    return f"arrive|{incident_id}"


@dataclass(frozen=True, slots=True)
class Incident:
    """The current state of one incident, as folded from its events."""

    id: str
    channel: str
    text: str
    received_at: datetime
    status: Status = Status.RECEIVED
    caller: Mapping[str, Any] | None = None
    reported_location: Mapping[str, Any] | None = None
    address: str | None = None
    occurred_at: str | None = None
    source_id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    category: str | None = None
    priority: str | None = None
    flags: tuple[str, ...] = ()
    confidence: float | None = None
    cues: tuple[Mapping[str, Any], ...] = ()
    extracted: Mapping[str, Any] = field(default_factory=dict)
    # Triage's doubt and the key questions (issue 22): a report that needs review waits
    # for a person (待人工研判) and is never transferred to 12345 automatically.
    needs_review: bool = False
    candidates: tuple[str, ...] = ()
    questions: tuple[Mapping[str, Any], ...] = ()
    answered: tuple[Mapping[str, Any], ...] = ()
    life_risk: tuple[Mapping[str, Any], ...] = ()
    answers: Mapping[str, Any] = field(default_factory=dict)
    # What the caller said after a preliminary dispatch (先期处置), in order.
    details: tuple[str, ...] = ()
    location: Mapping[str, Any] | None = None
    precinct: str | None = None
    assigned_at: datetime | None = None
    ack_due_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    escalation_level: int = 0
    escalated_at: datetime | None = None
    callers: int = 1
    merged_into: str | None = None
    units: tuple[str, ...] = ()
    arrival_due_at: datetime | None = None
    on_scene_at: datetime | None = None
    resolved_at: datetime | None = None
    callback: Mapping[str, Any] | None = None
    # How it ended (结案): a code of dispatch.domain.closing.DISPOSITIONS, and the answer
    # given when it was answered on the spot (当场答复).
    disposition: str | None = None
    answer: str | None = None
    breaches: tuple[str, ...] = ()
    # Public marks of the synthesis (watch_hit, missing_hit, series, premise_note, officer_safety,
    # hotspot, priority_raised); the findings themselves are on the timeline.
    marks: tuple[str, ...] = ()
    updated_at: datetime | None = None
    version: int = 0

    @property
    def full_text(self) -> str:
        """The report's text and every detail added since (what a re-triage reads)."""
        return "\n".join((self.text, *self.details)) if self.details else self.text

    @property
    def is_open(self) -> bool:
        """True while the incident still needs someone to act."""
        return self.status in OPEN_STATUSES

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state (timestamps as UTC ISO-8601)."""
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
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Incident:
        """Rebuild from :meth:`to_dict` output."""
        kwargs = dict(data)
        for name in ("received_at", "assigned_at", "ack_due_at", "acknowledged_at",
                     "escalated_at", "updated_at", "arrival_due_at", "on_scene_at",
                     "resolved_at"):
            if kwargs.get(name):
                kwargs[name] = parse_iso(kwargs[name])
        kwargs["status"] = Status(kwargs["status"])
        kwargs["flags"] = tuple(kwargs.get("flags") or ())
        kwargs["cues"] = tuple(kwargs.get("cues") or ())
        kwargs["units"] = tuple(kwargs.get("units") or ())
        kwargs["breaches"] = tuple(kwargs.get("breaches") or ())
        kwargs["marks"] = tuple(kwargs.get("marks") or ())
        for name in ("candidates", "questions", "answered", "life_risk", "details"):
            kwargs[name] = tuple(kwargs.get(name) or ())
        kwargs["answers"] = dict(kwargs.get("answers") or {})
        return cls(**{k: v for k, v in kwargs.items() if k in cls.__dataclass_fields__})


def _move(incident: Incident, wanted: Status) -> Status:
    allowed = TRANSITIONS[incident.status]
    if wanted not in allowed:
        raise InvalidTransition(incident.status.value, wanted.value, (s.value for s in allowed))
    return wanted


def _feeds(incident: Incident) -> tuple[Effect, ...]:
    feeds: list[Effect] = [Publish(COMMAND_FEED)]
    if incident.precinct and incident.precinct != COMMAND_FEED:
        feeds.append(Publish(incident.precinct))
    return tuple(feeds)


def create(event: Event) -> tuple[Incident, tuple[Effect, ...]]:
    """Start an incident from its ``report.received`` event."""
    if event.type is not EventType.REPORT_RECEIVED:
        raise InvalidTransition("none", event.type.value, [EventType.REPORT_RECEIVED.value])
    d = event.data
    incident = Incident(
        id=event.incident_id,
        channel=d["channel"],
        text=d["text"],
        received_at=event.at,
        caller=d.get("caller"),
        reported_location=d.get("location"),
        address=d.get("address"),
        occurred_at=d.get("occurred_at"),
        source_id=d.get("source_id"),
        extra={k: d[k] for k in ("forum", "case_number") if d.get(k) is not None},
        updated_at=event.at,
        version=1,
    )
    return incident, (Publish(COMMAND_FEED),)


def apply(incident: Incident, event: Event) -> tuple[Incident, tuple[Effect, ...]]:
    """Fold one event into the incident.

    Returns:
        The new incident and the effects the adapters must carry out, in order.

    Raises:
        InvalidTransition: the event is not allowed in the incident's current status.
    """
    d = event.data
    common: dict[str, Any] = {"updated_at": event.at, "version": incident.version + 1}
    effects: tuple[Effect, ...] = ()
    t = event.type
    if t is EventType.TRIAGED or t is EventType.RETRIAGED:
        status = _move(incident, Status.TRIAGED) if t is EventType.TRIAGED else incident.status
        new = replace(incident, status=status, category=d["category"], priority=d["priority"],
                      flags=tuple(d.get("flags", ())), confidence=d.get("confidence"),
                      cues=tuple(d.get("cues", ())),
                      extracted=d.get("extracted", incident.extracted),
                      needs_review=bool(d.get("needs_review", False)),
                      candidates=tuple(d.get("candidates", ())),
                      questions=tuple(d.get("questions", ())),
                      answered=tuple(d.get("answered", ())),
                      life_risk=tuple(d.get("life_risk", ())), **common)
    elif t is EventType.LOCATED:
        flags = incident.flags
        if d.get("in_jurisdiction") is False and "out_of_area" not in flags:
            flags = tuple(sorted((*flags, "out_of_area")))
        elif d.get("in_jurisdiction") is True and d.get("fixed_by"):
            flags = tuple(f for f in flags if f != "out_of_area")  # a person placed it inside
        new = replace(incident, location=dict(d), flags=flags, **common)
    elif t is EventType.ASSIGNED:
        status = _move(incident, Status.ASSIGNED)
        due = parse_iso(d["ack_due_at"]) if d.get("ack_due_at") else None
        arrive = parse_iso(d["arrival_due_at"]) if d.get("arrival_due_at") else None
        if incident.arrival_due_at is not None and incident.status is not Status.TRIAGED:
            # A re-assignment keeps the caller's clock; a raised priority only tightens it.
            arrive = min(arrive, incident.arrival_due_at) if arrive is not None \
                and d.get("raised") else incident.arrival_due_at
        new = replace(incident, status=status, precinct=d["precinct"], assigned_at=event.at,
                      ack_due_at=due, acknowledged_at=None, acknowledged_by=None,
                      escalation_level=0, arrival_due_at=arrive, **common)
        key = ack_deadline_key(incident.id)
        effects = (OpenDeadline(key, due),) if due else (CloseDeadline(key),)
        if arrive is not None:
            effects += (OpenDeadline(arrival_deadline_key(incident.id), arrive),)
        left = d.get("from_precinct")
        if isinstance(left, str) and left not in (d["precinct"], COMMAND_FEED):
            effects += (Publish(left),)  # the precinct it left drops it from its list
    elif t is EventType.ACKNOWLEDGED:
        status = _move(incident, Status.ACKNOWLEDGED)
        new = replace(incident, status=status, acknowledged_at=event.at,
                      acknowledged_by=event.actor, ack_due_at=None, **common)
        effects = (CloseDeadline(ack_deadline_key(incident.id)),)
    elif t is EventType.ESCALATED:
        due = parse_iso(d["next_due_at"]) if d.get("next_due_at") else None
        new = replace(incident, escalation_level=int(d["level"]), escalated_at=event.at,
                      ack_due_at=due or incident.ack_due_at, **common)
        key = ack_deadline_key(incident.id)
        effects = (OpenDeadline(key, due),) if due else (CloseDeadline(key),)
    elif t is EventType.STATUS_CHANGED or t is EventType.MERGED:
        status = _move(incident, Status.MERGED if t is EventType.MERGED else Status(d["status"]))
        stamps: dict[str, Any] = {}
        if status is Status.ON_SCENE:
            stamps["on_scene_at"] = event.at
        elif status is Status.RESOLVED:
            stamps["resolved_at"] = event.at
        if t is EventType.MERGED:
            stamps["merged_into"] = d["into"]
        if status is Status.CLOSED and d.get("disposition"):
            stamps["disposition"] = str(d["disposition"])
        new = replace(incident, status=status, **stamps, **common)
        closing: list[Effect] = []
        if not new.is_open or status in (Status.EN_ROUTE, Status.ON_SCENE, Status.RESOLVED):
            closing.append(CloseDeadline(ack_deadline_key(incident.id)))
        if not new.is_open or status in (Status.ON_SCENE, Status.RESOLVED):
            closing.append(CloseDeadline(arrival_deadline_key(incident.id)))
        effects = tuple(closing)
    elif t is EventType.ANSWERED_ON_SPOT:
        if not incident.is_open:
            raise InvalidTransition(incident.status.value, "answered_on_spot",
                                    (s.value for s in OPEN_STATUSES))
        new = replace(incident, status=Status.CLOSED, resolved_at=event.at, ack_due_at=None,
                      disposition=str(d.get("disposition") or "answered"),
                      answer=str(d.get("answer") or ""), **common)
        effects = (CloseDeadline(ack_deadline_key(incident.id)),
                   CloseDeadline(arrival_deadline_key(incident.id)))
    elif t is EventType.CALLER_ADDED:
        new = replace(incident, callers=incident.callers + 1, **common)
    elif t is EventType.SPLIT and d.get("from"):
        if incident.status is not Status.MERGED:
            raise InvalidTransition(incident.status.value, "split", (Status.MERGED.value,))
        new = replace(incident, status=Status.TRIAGED, merged_into=None, **common)
    elif t is EventType.SPLIT:
        new = replace(incident, callers=max(1, incident.callers - 1), **common)
    elif t is EventType.UNIT_ASSIGNED:
        if not incident.is_open:
            raise InvalidTransition(incident.status.value, "unit_assigned",
                                    (s.value for s in OPEN_STATUSES))
        units = incident.units if d["unit_id"] in incident.units else (*incident.units, d["unit_id"])
        new = replace(incident, units=units, **common)
    elif t is EventType.CALLBACK:
        if incident.status not in (Status.RESOLVED, Status.CLOSED):
            raise InvalidTransition(incident.status.value, "callback",
                                    (Status.RESOLVED.value, Status.CLOSED.value))
        new = replace(incident, callback=dict(d), **common)
    elif t is EventType.QUESTIONS_ANSWERED:
        new = replace(incident, answers={**incident.answers, **d["answers"]}, **common)
    elif t is EventType.DETAILS_ADDED:
        new = replace(incident, details=(*incident.details, str(d["text"])), **common)
    elif t is EventType.SYNTHESIZED:
        new = replace(incident, marks=tuple(d.get("marks", ())), **common)
    elif t is EventType.TARGET_BREACHED:
        new = replace(incident, breaches=(*incident.breaches, str(d["target"])), **common)
    elif t in _ANNOTATIONS:
        new = replace(incident, **common)
    elif t is EventType.PROCESSING_FAILED:
        new = replace(incident, status=_move(incident, Status.FAILED), **common)
    else:
        raise InvalidTransition(incident.status.value, t.value, ())
    return new, _feeds(new) + effects


def ack_due(assigned_at: datetime, timeout_s: float | None) -> datetime | None:
    """When an assignment made at ``assigned_at`` must be acknowledged (None: no clock)."""
    return assigned_at + timedelta(seconds=timeout_s) if timeout_s else None
