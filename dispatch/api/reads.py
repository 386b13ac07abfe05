"""Read models: the shapes the main endpoints answer with, for the OpenAPI document.

They describe what ``Incident.to_dict()`` and ``Handoff.to_dict()`` produce, field by
field; ``extra="allow"`` says that a newer server may add fields (a client must ignore
what it does not know). Timestamps are UTC ISO-8601 strings. Used as documentation
(``responses={200: {"model": …}}``); ``tests/integration/test_openapi.py`` checks real
answers of a running service against these schemas.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Read(BaseModel):
    model_config = ConfigDict(extra="allow")


Timestamp = str  # UTC ISO-8601, e.g. 2026-12-03T08:00:00.000Z


class IncidentRead(_Read):
    """An incident's current state (the projection of its events)."""

    id: str = Field(description="e.g. 20261203-7K2M9QXA")
    channel: Literal["call", "forum", "transfer_12345"]
    text: str
    received_at: Timestamp
    status: str = Field(description="received, triaged, assigned, acknowledged, en_route, "
                                    "on_scene, resolved, closed, merged, transferred, "
                                    "handed_off, cancelled, failed")
    caller: dict[str, Any] | None = None
    reported_location: dict[str, Any] | None = None
    address: str | None = None
    occurred_at: str | None = None
    source_id: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    category: str | None = None
    priority: Literal["P1", "P2", "P3", "P4"] | None = None
    flags: list[str] = Field(default_factory=list)
    confidence: float | None = None
    cues: list[dict[str, Any]] = Field(default_factory=list)
    extracted: dict[str, Any] = Field(default_factory=dict)
    needs_review: bool = False
    candidates: list[str] = Field(default_factory=list)
    questions: list[dict[str, Any]] = Field(default_factory=list)
    answered: list[dict[str, Any]] = Field(default_factory=list)
    life_risk: list[dict[str, Any]] = Field(default_factory=list)
    answers: dict[str, Any] = Field(default_factory=dict)
    location: dict[str, Any] | None = None
    precinct: str | None = None
    assigned_at: Timestamp | None = None
    ack_due_at: Timestamp | None = None
    acknowledged_at: Timestamp | None = None
    acknowledged_by: str | None = None
    escalation_level: int = 0
    escalated_at: Timestamp | None = None
    callers: int = 1
    merged_into: str | None = None
    units: list[str] = Field(default_factory=list)
    arrival_due_at: Timestamp | None = None
    on_scene_at: Timestamp | None = None
    resolved_at: Timestamp | None = None
    callback: dict[str, Any] | None = None
    disposition: str | None = None
    answer: str | None = None
    breaches: list[str] = Field(default_factory=list)
    updated_at: Timestamp | None = None
    version: int = 0


class TimelineEntry(_Read):
    """One event, as a console receives it."""

    type: str = Field(description="e.g. incident.assigned")
    event_id: str = Field(description="the stream id, e.g. 1764748800000-0")
    at: Timestamp
    incident_id: str | None = None
    actor: str | None = None
    payload: dict[str, Any]


class IncidentDetail(IncidentRead):
    """An incident with its whole timeline, oldest first."""

    timeline: list[TimelineEntry]


class IncidentList(_Read):
    items: list[IncidentRead]
    count: int


class DispositionRead(_Read):
    code: str
    label: str
    eido: str


class DispositionList(_Read):
    items: list[DispositionRead]
    count: int


class AgencyContact(_Read):
    id: str
    name: str
    kind: Literal["police", "hotline_12345"]
    phone: str | None = None
    domain: str = Field(description="the agency's id in EIDO packets")
    webhook: bool
    signed_acks: bool


class HandoffRead(_Read):
    """A hand-off record (docs/handoff.md)."""

    id: str
    incident_id: str
    kind: Literal["cross_jurisdiction", "to_12345"]
    agency: str
    agency_name: str
    priority: str | None = None
    created_at: Timestamp
    ack_due_at: Timestamp
    locate_due_at: Timestamp | None = None
    status: Literal["pending", "sent", "failed", "acknowledged", "completed"]
    attempts: int
    sent_at: Timestamp | None = None
    acknowledged_at: Timestamp | None = None
    acknowledged_by: str | None = None
    outcome: dict[str, Any] | None = None
    outcome_at: Timestamp | None = None
    last_error: str | None = None
    escalations: list[str]
    steps: list[dict[str, Any]]
    packet: dict[str, Any] | None = Field(None, description="the EIDO sent to the agency")
    elapsed_s: float | None = None


class HandoffView(HandoffRead):
    """A hand-off with the receiving agency's public contact facts."""

    agency_contact: AgencyContact | None = None


class HandoffList(_Read):
    items: list[HandoffView]
    count: int


class Health(_Read):
    ok: bool
    redis: bool
    workers: int | None = None
    schedulers: int | None = None
    error: str | None = None


def ok(model: type[BaseModel], description: str) -> dict[str, Any]:
    """A documented success response (for ``responses={200: ok(...)}``)."""
    return {"model": model, "description": description}
