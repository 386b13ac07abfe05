"""Corrections by the command centre: send an incident to another precinct.

Pure functions, like :mod:`dispatch.domain.decisions`: they return the events to append.
It renews the assignment the way the pipeline makes it (``incident.assigned`` with a new
ack clock), so escalation, the feeds and the KPIs treat a reassigned incident exactly like a
freshly routed one. The precinct it leaves is told too (``from_precinct``), so its console
drops the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dispatch.domain.decisions import arrival_due
from dispatch.domain.errors import AlreadyAssigned, InvalidTransition
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import COMMAND_FEED, Incident, Status, ack_due

# A precinct may be changed until a unit is on its way: after that the unit's own precinct
# carries the incident, and a move would strand the crew.
REASSIGNABLE = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.ACKNOWLEDGED})


def assignment(incident: Incident, precinct: str, district: str | None, actor: str,
               now: datetime, ack_timeouts: Mapping[str, float | None],
               detail: Mapping[str, Any]) -> Event:
    """A renewed ``incident.assigned`` to ``precinct``: a new ack clock at the incident's
    priority, and the on-scene clock from the call when the incident had none (one that
    waited at the command centre unplaced)."""
    priority = incident.priority or "P4"
    due = ack_due(now, ack_timeouts.get(priority))
    arrive = arrival_due(priority, district, incident.received_at) \
        if precinct != COMMAND_FEED else None
    return Event(EventType.ASSIGNED, incident.id, now, actor=actor, data={
        "precinct": precinct, "ack_due_at": iso(due) if due else None,
        "arrival_due_at": iso(arrive) if arrive else None, "priority": priority,
        "from_precinct": incident.precinct, **detail})


def reassign(incident: Incident, precinct: str, district: str | None, reason: str,
             actor: str, officer: str, now: datetime,
             ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """The command centre's 转派: the incident goes to ``precinct``, which must acknowledge
    it within the priority's ack time.

    Args:
        incident: the incident to move.
        precinct: a known precinct id (the caller checked it against the registry).
        district: that precinct's district (decides the on-scene target).
        reason: why, as the officer typed it (kept in the audit trail).
        actor: the actor code (``command:王伟``); officer: the name on the token.
        now: when.
        ack_timeouts: seconds to acknowledge, by priority.

    Raises:
        InvalidTransition: a unit is already on its way, or the incident is finished.
        AlreadyAssigned: ``precinct`` already has it.
    """
    if incident.status not in REASSIGNABLE:
        raise InvalidTransition(incident.status.value, "reassigned",
                                (s.value for s in REASSIGNABLE))
    if precinct == incident.precinct:
        raise AlreadyAssigned(incident.id, precinct)
    return [assignment(incident, precinct, district, actor, now, ack_timeouts, {
        "reason": reason, "reassigned": True, "officer": officer})]
