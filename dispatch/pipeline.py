"""The application services around the pure core, written once for every store.

What happens to an accepted report (triage → geo → duplicates → synthesis → assign or
merge) and what happens when a deadline falls due (escalate, record an arrival breach,
re-arm or drop) are decided here, against the :class:`IncidentStore` port. The Redis
store (``dispatch.adapters.redis_store``) is one adapter, driven by the pipeline worker
and the deadline scheduler; the what-if engine's in-memory store
(``simulators.whatif.engine``) is the other, driven under a virtual clock. Neither
process re-implements the order of the stages.

A report is processed in two steps so that a driver can look at the plan before it is
committed (the engine's agents read the triage at that moment): :func:`plan_report`
decides, :func:`commit_plan` writes in one transaction (two incidents for a merge).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from dispatch.domain import decisions, duplicates, merging
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.events import Event
from dispatch.domain.incident import Incident, Status, apply
from dispatch.missing import seen_at
from dispatch.ports import Locator
from dispatch.stages import report_of
from dispatch.synthesis.model import Synthesis

DEADLINE_ATTEMPTS = 5  # a deadline raced by a console is decided again this many times


class IncidentStore(Protocol):
    """What the services need of a store: load, atomic commits guarded by the version
    (and optionally by a pending deadline), and the deadlines as data."""

    def load(self, incident_id: str) -> Incident: ...

    def commit(self, before: Incident, events: Sequence[Event], *,
               require_deadline: str | None = None, drop_deadline: str | None = None,
               **options: Any) -> Incident: ...

    def commit_many(self, changes: Sequence[tuple[Incident, Sequence[Event]]],
                    **options: Any) -> list[Incident]: ...

    def drop_deadline(self, key: str) -> None: ...

    def rearm_deadline(self, key: str, due: datetime) -> None: ...


class Synthesizer(Protocol):
    """The synthesis stage (接警即合成): the subject of a report, and what is known of it."""

    def subject(self, incident_id: str, received_at: datetime, triage: Mapping[str, Any],
                location: Mapping[str, Any], phone: str | None, text: str,
                seen: Any) -> Any: ...

    def synthesize(self, subject: Any) -> Synthesis: ...


Classify = Callable[[Incident], Mapping[str, Any]]
# Open incidents a report could duplicate, and their distances in metres when known.
Neighbours = Callable[[Incident, float, float, float],
                      tuple[Sequence[Incident], Mapping[str, float]]]


@dataclass(frozen=True, slots=True)
class Stages:
    """The stages a report goes through, and the acknowledgement clocks by priority."""

    classify: Classify
    locate: Locator
    neighbours: Neighbours
    ack_timeouts: Mapping[str, float | None]
    synthesis: Synthesizer | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What processing one report decided, before it is committed."""

    incident: Incident
    triage: Mapping[str, Any]
    location: Mapping[str, Any]
    events: list[Event]
    synthesis: Synthesis | None = None
    candidates: tuple[duplicates.Candidate, ...] = ()
    parent: Incident | None = None  # merging: the incident this call joins
    parent_events: tuple[Event, ...] = ()


def plan_report(stages: Stages, store: IncidentStore, incident: Incident,
                now: datetime) -> Plan:
    """Triage, place, look for duplicates and synthesise one received report; decide its
    events (assigned, or merged into an open incident about the same event)."""
    triage = stages.classify(incident)
    location = stages.locate(report_of(incident), triage.get("extracted", {}))
    candidates = _duplicates(stages, incident, triage, location)
    joins = bool(candidates) and duplicates.should_merge(candidates[0], triage.get("category"))
    # A duplicate call is its parent's incident: the parent has its synthesis.
    synthesis = None if joins or stages.synthesis is None else stages.synthesis.synthesize(
        stages.synthesis.subject(incident.id, incident.received_at, triage, location,
                                 (incident.caller or {}).get("phone"), incident.text,
                                 seen_at(incident)))
    events = decisions.process_report(incident, triage, location, now, stages.ack_timeouts,
                                      synthesis)
    if joins:
        best = candidates[0]
        parent = store.load(best.incident_id)
        triaged = incident
        for event in events[:2]:  # the caller's triage and place: what the merge adds
            triaged, _ = apply(triaged, event)
        child_events, parent_events = merging.merge(
            triaged, parent, now, "system", {"score": best.score, "reasons": list(best.reasons)},
            stages.ack_timeouts)
        return Plan(incident, triage, location, [*events[:2], *child_events], synthesis,
                    tuple(candidates), parent, tuple(parent_events))
    if candidates:
        assigned = events[-1]
        events[-1] = replace(assigned, data={
            **assigned.data, "duplicate_candidates": [c.to_dict() for c in candidates[:5]]})
    return Plan(incident, triage, location, events, synthesis, tuple(candidates))


def commit_plan(store: IncidentStore, plan: Plan, **options: Any) -> Incident:
    """Write a plan in one transaction; ``options`` go to the store (the Redis worker acks
    the intake entry in it). Returns the report's incident as committed."""
    if plan.parent is not None:
        return store.commit_many([(plan.incident, plan.events),
                                  (plan.parent, list(plan.parent_events))], **options)[0]
    return store.commit(plan.incident, plan.events, **options)


def _duplicates(stages: Stages, incident: Incident, triage: Mapping[str, Any],
                location: Mapping[str, Any]) -> list[duplicates.Candidate]:
    lat, lon = location.get("lat"), location.get("lon")
    if lat is None or lon is None:
        return []
    radius = float(location.get("radius_m") or 0)
    near, distances = stages.neighbours(incident, lat, lon, radius)
    return duplicates.rank(incident.text, triage.get("category"), (lat, lon), radius,
                           incident.received_at, near, distances)


def fire_deadline(store: IncidentStore, key: str, now: datetime, escalation_step_s: float) -> str:
    """Act on a due ``ack|…`` or ``arrive|…`` deadline; returns what was done: ``fired``
    (events committed), ``rearmed`` (acknowledgement not yet due), ``dropped``, or
    ``raced`` (every attempt lost to another writer; the deadline stays pending).

    An ``ack`` deadline escalates the assignment one level (re-arming it through the
    events' own effects); an ``arrive`` deadline records the on-scene target's breach once.
    Each commit requires the deadline to be still pending, so of several schedulers (or a
    console acknowledging meanwhile) exactly one decision wins; a lost race is decided
    again on the fresh state.
    """
    kind, _, incident_id = key.partition("|")
    for _ in range(DEADLINE_ATTEMPTS):
        try:
            incident = store.load(incident_id)
        except UnknownIncident:
            store.drop_deadline(key)
            return "dropped"
        if kind == "arrive":
            events = decisions.arrival_breach(incident, now)
        else:
            events = decisions.escalate(incident, now, escalation_step_s)
        if not events:
            due = incident.ack_due_at
            if kind == "ack" and incident.status is Status.ASSIGNED and due is not None \
                    and due > now:
                store.rearm_deadline(key, due)
                return "rearmed"
            store.drop_deadline(key)
            return "dropped"
        try:
            store.commit(incident, events, require_deadline=key,
                         drop_deadline=key if kind == "arrive" else None)
            return "fired"
        except Conflict:
            continue  # acknowledged meanwhile, or another scheduler won: look again
    return "raced"
