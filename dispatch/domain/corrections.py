"""Corrections by the command centre: send an incident to another precinct, fix its place.

Pure functions, like :mod:`dispatch.domain.decisions`: they return the events to append.
Both renew the assignment the way the pipeline makes it (``incident.assigned`` with a new
ack clock), so escalation, the feeds and the KPIs treat a corrected incident exactly like a
freshly routed one. The precinct it leaves is told too (``from_precinct``), so its console
drops the card.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dispatch.domain.decisions import arrival_due, route
from dispatch.domain.errors import AlreadyAssigned, InvalidTransition
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import COMMAND_FEED, Incident, Status, ack_due

# A precinct may be changed until a unit is on its way: after that the unit's own precinct
# carries the incident, and a move would strand the crew.
REASSIGNABLE = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.ACKNOWLEDGED})
# The place may be corrected as long as someone still acts on the incident, but not before
# the pipeline placed it (the worker's own placement would overwrite the fix).
RELOCATABLE = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.ACKNOWLEDGED,
                         Status.EN_ROUTE, Status.ON_SCENE})


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


def relocate(incident: Incident, location: Mapping[str, Any], reason: str | None,
             actor: str, officer: str, now: datetime,
             ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """A person's correction of the incident's place (定位修正), and the routing it implies.

    Args:
        incident: the incident.
        location: the corrected location, as :func:`geo.locate` results are shaped
            (``lat``, ``lon``, ``precinct``, ``in_jurisdiction`` …).
        reason: why (optional); actor, officer: who.
        now: when.
        ack_timeouts: seconds to acknowledge, by priority.

    Returns:
        ``incident.located`` (with ``fixed_by``), then, when the new place belongs to
        another feed and no unit is on its way yet, a renewed ``incident.assigned``.

    Raises:
        InvalidTransition: the incident is not placed by the pipeline yet, or finished.
    """
    if incident.status not in RELOCATABLE:
        raise InvalidTransition(incident.status.value, "located",
                                (s.value for s in RELOCATABLE))
    events = [Event(EventType.LOCATED, incident.id, now, actor=actor, data={
        **location, "fixed_by": actor, "officer": officer, "reason": reason})]
    feed = route(location)
    if incident.status in REASSIGNABLE and feed != incident.precinct:
        why = "location fixed: precinct containing the new point" if feed != COMMAND_FEED \
            else "location fixed outside every precinct: command centre confirms"
        events.append(assignment(incident, feed, location.get("district"), actor, now,
                                 ack_timeouts, {"reason": why, "relocated": True,
                                                "officer": officer}))
    return events
