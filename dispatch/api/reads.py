"""Read models: the shapes every endpoint answers with, for the OpenAPI document.

They describe what ``Incident.to_dict()``, ``Handoff.to_dict()`` and the other views
produce, field by field; ``extra="allow"`` says that a newer server may add fields (a
client must ignore what it does not know). Timestamps are UTC ISO-8601 strings. Used as documentation
(``responses={200: {"model": …}}``); ``tests/integration/test_openapi.py`` checks real
answers of a running service against these schemas and fails on any success answer
documented as a bare object.
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


class ReplicaRead(_Read):
    node: str = Field(description="host:port")
    state: str | None = Field(None, description="online, or a sync state")
    lag_bytes: int = Field(description="how far its offset is behind the primary's")


class StoreRead(_Read):
    """What this API process last learnt about the incident store (twice a second)."""

    available: bool
    node: str | None = Field(None, description="host:port of the primary answering")
    role: str | None = None
    replicas: list[ReplicaRead] = []
    failovers: int = Field(0, description="primary changes to another node, seen")
    restarts: int = Field(0, description="restarts of the same node, seen")
    last_change: dict[str, Any] | None = Field(
        None, description="{kind, from_node, to_node, at} of the last primary change")
    unavailable_s: float | None = Field(None, description="seconds the store has not answered")
    error: str | None = None


class Health(_Read):
    ok: bool
    redis: bool
    workers: int | None = None
    schedulers: int | None = None
    store: StoreRead | None = None
    error: str | None = None


class Revoked(_Read):
    """What was revoked, and when."""

    revoked: Literal["token", "subject"]
    jti: str | None = None
    sub: str | None = None
    issued_until: Timestamp | None = Field(None, description="a subject's tokens issued "
                                                             "until then are refused")
    at: Timestamp


# -- search, duplicates, units, geo -------------------------------------------------------


class SearchQuery(_Read):
    q: str | None = None
    kind: Literal["id", "phone", "text"] | None = Field(
        None, description="how q was read (None: a time window only)")


class IncidentSearch(_Read):
    items: list[IncidentRead]
    count: int
    query: SearchQuery


class DuplicateCandidate(_Read):
    incident_id: str
    score: float
    distance_m: int
    minutes: float
    reasons: list[str]
    same_category: bool = True
    signature: str = Field("unknown", description="how the texts' event signatures relate: "
                           "rare, personal, shared, unknown or different")
    similarity: float = Field(0.0, description="overlap of what the callers said (0-1)")


class DuplicateList(_Read):
    items: list[DuplicateCandidate]
    reason: str | None = Field(None, description="why there are none (no location yet)")


class UnitRead(_Read):
    id: str
    precinct: str
    name: str
    status: str = Field(description="available, dispatched, en_route, on_scene, off_duty …")
    lat: float | None = None
    lon: float | None = None
    incident_id: str | None = None
    updated_at: Timestamp | None = None
    version: int = 0


class UnitList(_Read):
    items: list[UnitRead]
    count: int


class UnitRecommendation(_Read):
    unit_id: str
    name: str
    precinct: str
    status: str
    distance_m: int
    eta_s: int = Field(description="estimated arrival, seconds")
    lat: float | None = None
    lon: float | None = None


class TravelModelRead(_Read):
    urban_kmh: float
    rural_kmh: float
    urban_detour: float
    rural_detour: float
    turnout_s: float


class RecommendationList(_Read):
    items: list[UnitRecommendation]
    reason: str | None = Field(None, description="why there are none: out_of_area, or no "
                                                 "location yet")
    message: str | None = None
    model: TravelModelRead | None = None


class PlaceRead(_Read):
    id: str
    name: str
    label: str
    kind: str
    lat: float
    lon: float
    radius_m: float
    district: str | None = None
    district_name: str | None = None
    precinct: str | None = None
    precinct_name: str | None = None
    share: float | None = None


class Suggestions(_Read):
    query: str
    level: str = Field(description="how precisely the text alone places: precinct, town, "
                                   "district, city …")
    precise: bool
    placement: dict[str, Any] = Field(description="where the text alone would be placed")
    items: list[PlaceRead]
    count: int


class GeoFeature(_Read):
    type: Literal["Feature"]
    geometry: dict[str, Any] | None = Field(description="a GeoJSON geometry (WGS-84)")
    properties: dict[str, Any] | None = None


class FeatureCollection(_Read):
    """A GeoJSON FeatureCollection (RFC 7946), WGS-84."""

    type: Literal["FeatureCollection"]
    features: list[GeoFeature]


# -- forum ---------------------------------------------------------------------------------


class ForumReply(_Read):
    at: Timestamp
    by: str
    text: str


class ForumPostRead(_Read):
    """A forum post and its answer cycle (docs/forum.md)."""

    post_id: str
    incident_id: str
    received_at: Timestamp
    reply_due_at: Timestamp
    complete_due_at: Timestamp
    author: str | None = None
    posted_at: str | None = None
    thread_url: str | None = None
    category: str | None = None
    priority: str | None = None
    flags: list[str] = Field(default_factory=list)
    status: Literal["open", "replied", "completed"]
    replies: list[ForumReply] = Field(default_factory=list)
    first_reply_at: Timestamp | None = None
    completed_at: Timestamp | None = None
    completed_by: str | None = None
    rating: str | None = None
    rating_comment: str | None = None
    rated_at: Timestamp | None = None
    escalations: list[str] = Field(default_factory=list)
    next_due_at: Timestamp | None = None
    incident: dict[str, Any] | None = Field(None, description="the incident's summary, "
                                                             "cues and confidence")


class ForumPostList(_Read):
    items: list[ForumPostRead]
    count: int


class ForumStats(_Read):
    """Figures of the posts received in ``[from, to)``; rates are None without posts."""

    start: Timestamp = Field(alias="from")
    end: Timestamp = Field(alias="to")
    posts: int
    replied: int
    reply_rate: float | None
    replied_on_time: int
    on_time_reply_rate: float | None
    completed: int
    completion_rate: float | None
    completed_on_time: int
    rated: int
    satisfaction: float | None
    median_first_reply_s: float | None
    by_priority: dict[str, int]


# -- simulations -------------------------------------------------------------------------


class SimulationAccepted(_Read):
    id: str
    status: Literal["queued"]
    url: str


class SimulationRead(_Read):
    id: str
    status: str = Field(description="queued, started, finished, failed … (RQ's job status)")
    progress: float
    stage: str | None = None
    request: dict[str, Any] | None = None
    runs: list[dict[str, Any]] | None = None
    files: list[str] | None = None
    report_url: str | None = None
    error: str | None = None


class Distribution(_Read):
    """Count, percentiles and mean of a duration (s); None without values."""

    n: int
    p50: float | None
    p90: float | None
    p95: float | None
    max: float | None
    mean: float | None


class SynthesisTimeToDispatch(_Read):
    affected: Distribution = Field(description="incidents whose priority a finding raised")
    rest: Distribution = Field(description="every other incident that got a unit")
    rest_same_priority: Distribution = Field(description="the rest, of the priorities the "
                                                         "affected were raised to")


class SynthesisPremiseNotes(_Read):
    hits: int = Field(description="incidents with a premise-note finding")
    shown_to_unit: int = Field(description="of those, incidents a unit was dispatched to")
    officer_safety_to_unit: int
    by_kind: dict[str, int]


class SynthesisKpis(_Read):
    """What synthesis (接警即合成) found and changed in the run (docs/simulators.md)."""

    enabled: bool
    prelude: dict[str, int] = Field(description="earlier reports and premise notes the "
                                                "index held at the start")
    generated: dict[str, int] = Field(description="reports by recurrence (repeat_caller, "
                                                  "frequent_caller, dv_repeat, dv_first, "
                                                  "series)")
    incidents: int
    with_findings: int
    by_kind: dict[str, int]
    marks: dict[str, int]
    decisions_changed: int = Field(description="incidents whose priority a finding raised")
    priority_raised: dict[str, int] = Field(description="by 'from→to'")
    raised_by_rule: dict[str, int]
    raised_to_truth: int
    time_to_dispatch_s: SynthesisTimeToDispatch
    premise_notes: SynthesisPremiseNotes


class RunKpis(_Read):
    """One run's KPIs; the synthesis section is typed, the others are documented in
    docs/simulators.md ("The report")."""

    synthesis: SynthesisKpis


class SimulationRun(_Read):
    label: str
    config: dict[str, Any]
    kpis: RunKpis


class SimulationKpis(_Read):
    """``kpis.json`` of a finished simulation."""

    seed: int
    hours: float
    runs: list[SimulationRun]


# -- missing persons -----------------------------------------------------------------------


class _CaseBase(_Read):
    id: str
    status: Literal["open", "located", "closed"]
    opened_at: Timestamp
    elapsed_s: float | None = None
    risk: dict[str, Any] | None = Field(description="grade, reasons, override (None: not "
                                                   "assessed yet)")
    person: dict[str, Any]
    description: str | None = None
    last_seen: dict[str, Any]
    profile: str
    targets: list[dict[str, Any]]
    next_deadline_at: Timestamp | None = None
    located_at: Timestamp | None = None
    closed_at: Timestamp | None = None
    outcome: str | None = None


class CaseSummary(_CaseBase):
    """One row of the case list."""

    area: dict[str, Any]
    sightings: int = Field(description="sightings not dismissed")


class CaseList(_Read):
    items: list[CaseSummary]
    count: int


class CaseDetail(_CaseBase):
    """A missing-person case (docs/missing.md)."""

    owner: str
    reporter: dict[str, Any] | None = None
    circumstances: dict[str, Any] | None = None
    report_id: str | None = None
    reports: list[dict[str, Any]]
    area: dict[str, Any]
    sightings: list[dict[str, Any]]
    found_candidates: list[dict[str, Any]]
    time_to_found_s: float | None = None
    version: int
    timeline: list[dict[str, Any]]


class GradeKpi(_Read):
    grade: str
    cases: int
    closed: int
    found: int
    median_time_to_found_s: float | None = None
    targets_met: int
    targets_decided: int
    share_targets_met: float | None = None


class MissingKpis(_Read):
    days: int
    grades: list[GradeKpi]
    cases: int
    open: int
