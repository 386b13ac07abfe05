"""Use cases: load, decide with the pure core, commit. Shared by HTTP, websockets and CLIs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from dispatch.domain import decisions
from dispatch.domain.errors import Conflict

__all__ = ["Conflict", "acknowledge", "decide_and_commit"]
from dispatch.domain.events import Event
from dispatch.domain.incident import Incident
from dispatch.pipeline import IncidentStore

Decide = Callable[[Incident], list[Event]]


def decide_and_commit(store: IncidentStore, incident_id: str, decide: Decide,
                      attempts: int = 8) -> Incident:
    """Load the incident, decide the events, commit them; retry when a writer raced us.

    Raises:
        UnknownIncident, InvalidTransition, NotAssigned: from the load or the decision.
        Conflict: still racing after ``attempts`` tries.
    """
    for _ in range(attempts):
        incident = store.load(incident_id)
        events = decide(incident)
        if not events:
            return incident
        try:
            return store.commit(incident, events)
        except Conflict:
            continue
    raise Conflict(f"incident {incident_id} is changing too fast; try again")


def acknowledge(store: IncidentStore, incident_id: str, feed: str, actor: str,
                now: Callable[[], datetime]) -> Incident:
    """Record that ``feed`` acknowledged its assignment (idempotent)."""
    return decide_and_commit(store, incident_id,
                             lambda inc: decisions.acknowledge(inc, feed, actor, now()))
