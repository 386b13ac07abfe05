"""Decisions: given the state and what a stage found, which events happen next.

Pure functions. The worker, the scheduler, the HTTP adapters and the simulator call them
and append the events they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from dispatch.domain.errors import NotAssigned
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import COMMAND_FEED, Incident, Status, ack_due

# Escalation chain (SOP): the assigned precinct, then the city command centre, then, for
# P1 only, the duty chief (值班局领导).
ESCALATION_CHAIN = ("precinct", "command", "duty_chief")


def route(location: Mapping[str, Any]) -> str:
    """The feed that owns an incident at ``location``.

    A located point inside the city goes to its precinct; anything the geo stage could not
    place, or that lies outside the jurisdiction, goes to the command centre, which confirms
    the place or hands the case over.
    """
    precinct = location.get("precinct")
    if location.get("in_jurisdiction") and isinstance(precinct, str) and precinct:
        return precinct
    return COMMAND_FEED


def process_report(
    incident: Incident,
    triage: Mapping[str, Any],
    location: Mapping[str, Any],
    now: datetime,
    ack_timeouts: Mapping[str, float | None],
) -> list[Event]:
    """The events that turn a received report into an assigned incident.

    Args:
        incident: the incident as received (status ``received`` or ``failed``).
        triage: the triage stage's result (category, priority, flags, confidence, cues, extracted).
        location: the geo stage's result (lat, lon, district, precinct, in_jurisdiction, …).
        now: the time of the decision.
        ack_timeouts: seconds to acknowledge, by priority (None: no ack clock).

    Returns:
        ``incident.triaged``, ``incident.located`` and ``incident.assigned``, or nothing if
        the incident was already processed (a retried job must not assign twice).
    """
    if incident.status not in (Status.RECEIVED, Status.FAILED):
        return []
    priority = str(triage["priority"])
    feed = route(location)
    due = ack_due(now, ack_timeouts.get(priority))
    return [
        Event(EventType.TRIAGED, incident.id, now, data=dict(triage)),
        Event(EventType.LOCATED, incident.id, now, data=dict(location)),
        Event(EventType.ASSIGNED, incident.id, now, data={
            "precinct": feed,
            "ack_due_at": iso(due) if due else None,
            "reason": "precinct containing the location" if feed != COMMAND_FEED
            else "no precinct in jurisdiction: command centre confirms",
        }),
    ]


def acknowledge(incident: Incident, feed: str, actor: str, now: datetime) -> list[Event]:
    """The event of ``feed`` acknowledging the incident (none if already acknowledged).

    Raises:
        NotAssigned: the incident is not assigned to ``feed`` (the command centre may
            acknowledge any incident).
    """
    if incident.status is not Status.ASSIGNED:
        if incident.acknowledged_at is not None:
            return []
        raise NotAssigned(f"incident {incident.id} is {incident.status.value}, not assigned")
    if feed not in (incident.precinct, COMMAND_FEED):
        raise NotAssigned(f"incident {incident.id} is assigned to {incident.precinct}, not {feed}")
    return [Event(EventType.ACKNOWLEDGED, incident.id, now, actor=actor,
                  data={"feed": feed, "latency_s": _seconds(incident.assigned_at, now)})]


def escalate(incident: Incident, now: datetime, step_s: float) -> list[Event]:
    """The escalation due for an assignment nobody acknowledged in time (or nothing).

    The first escalation goes to the command centre; a P1 still unacknowledged ``step_s``
    later goes on to the duty chief.
    """
    if incident.status is not Status.ASSIGNED or incident.ack_due_at is None:
        return []
    if incident.ack_due_at > now:
        return []
    level = incident.escalation_level + 1
    if level >= len(ESCALATION_CHAIN):
        return []
    chained = incident.priority == "P1" and level + 1 < len(ESCALATION_CHAIN)
    next_due = now + timedelta(seconds=step_s) if chained else None
    return [Event(EventType.ESCALATED, incident.id, now, data={
        "level": level,
        "to": ESCALATION_CHAIN[level],
        "precinct": incident.precinct,
        "priority": incident.priority,
        "overdue_s": _seconds(incident.ack_due_at, now),
        "next_due_at": iso(next_due) if next_due else None,
        "reason": "assignment not acknowledged in time",
    })]


def _seconds(start: datetime | None, end: datetime) -> float | None:
    return None if start is None else round((end - start).total_seconds(), 3)
