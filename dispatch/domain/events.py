"""Events: the only way anything changes. An incident is the fold of its events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any


class EventType(str, Enum):
    """Event types on the wire (fixed contract: consoles and checks match on them)."""

    REPORT_RECEIVED = "report.received"
    TRIAGED = "incident.triaged"
    RETRIAGED = "incident.retriaged"
    LOCATED = "incident.located"
    ASSIGNED = "incident.assigned"
    ACKNOWLEDGED = "incident.acknowledged"
    ESCALATED = "incident.escalated"
    STATUS_CHANGED = "incident.status_changed"
    PROCESSING_FAILED = "incident.processing_failed"
    MERGED = "incident.merged"
    SPLIT = "incident.split"  # a merge undone: data.from on the report, data.removed on its parent
    CALLER_ADDED = "incident.caller_added"
    UNIT_ASSIGNED = "incident.unit_assigned"
    CALLBACK = "incident.callback"
    QUESTIONS_ANSWERED = "incident.questions_answered"  # answers to key questions (要素追问)
    DETAILS_ADDED = "incident.details_added"  # what the caller said after 先期处置
    ANSWERED_ON_SPOT = "incident.answered_on_spot"  # 当场答复: the answer that closes a matter
    TARGET_BREACHED = "incident.target_breached"
    SYNTHESIZED = "incident.synthesized"  # 接警即合成: findings about caller, place, text
    # Timeline entries of the workflows around an incident; ``data["stage"]`` says which
    # step (e.g. handoff: created/sent/acknowledged/outcome/escalated). They change no
    # status by themselves: a status move is always ``incident.status_changed``.
    HANDOFF = "incident.handoff"
    FORUM = "incident.forum"
    MISSING = "incident.missing"
    NOTED = "incident.noted"


SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to an incident.

    Attributes:
        type: what happened.
        incident_id: the incident it happened to.
        at: when (timezone-aware).
        actor: who did it: ``system``, ``precinct:<id>``, ``call_taker:<name>`` …
        data: the payload, JSON-ready.
    """

    type: EventType
    incident_id: str
    at: datetime
    actor: str = SYSTEM
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_fields(self) -> dict[str, str]:
        """Encode as Redis stream fields."""
        return {
            "type": self.type.value,
            "incident_id": self.incident_id,
            "at": iso(self.at),
            "actor": self.actor,
            "data": json.dumps(self.data, ensure_ascii=False, separators=(",", ":")),
        }

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Event:
        """Decode Redis stream fields written by :meth:`to_fields`."""
        return cls(
            type=EventType(fields["type"]),
            incident_id=fields["incident_id"],
            at=parse_iso(fields["at"]),
            actor=fields.get("actor", SYSTEM),
            data=json.loads(fields.get("data") or "{}"),
        )


def iso(at: datetime) -> str:
    """UTC ISO-8601 with milliseconds, the wire format of every timestamp."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Parse a timestamp written by :func:`iso` (or any ISO-8601 with an offset)."""
    value = datetime.fromisoformat(text)  # Python 3.11 reads the "Z" suffix itself
    if value.tzinfo is None:
        raise ValueError(f"timestamp {text!r} has no timezone")
    return value
