"""A person's corrections of what the pipeline decided: 转派, a fixed location, 当场答复.

Pure decisions, like :mod:`dispatch.domain.decisions`: they return the events to append
(with who did it and why) and raise when the move is not allowed. The HTTP adapters and
the simulator's command centre call the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dispatch.domain.decisions import arrival_due, route
from dispatch.domain.dispositions import DISPOSITIONS
from dispatch.domain.errors import InvalidTransition
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import ANSWERABLE, COMMAND_FEED, Incident, Status, ack_due

# Statuses in which the owning precinct can still change: nobody has moved yet.
REASSIGNABLE = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.ACKNOWLEDGED})
# Matters that need no patrol: answered at the desk (taxonomy: consultation, non_police).
ANSWERABLE_CATEGORIES = frozenset({"consultation", "non_police"})


def reassign(incident: Incident, precinct: str, district: str | None, reason: str,
             actor: str, now: datetime,
             ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """转派: the command centre gives the incident to another precinct.

    The ack clock starts again for the new precinct at the incident's priority; the
    on-scene target, if the incident had none yet (it sat at the command centre), starts
    from the call as it would have.

    Args:
        precinct: the precinct id (or ``command`` to take it back to the centre).
        district: that precinct's district (for the on-scene target).

    Raises:
        InvalidTransition: a unit is already moving or the incident is closed, or it is
            assigned to ``precinct`` already.
    """
    if incident.status not in REASSIGNABLE:
        raise InvalidTransition(incident.status.value, "assigned",
                                sorted(s.value for s in REASSIGNABLE))
    if precinct == incident.precinct:
        raise InvalidTransition(incident.status.value, "assigned",
                                [f"another precinct than {precinct}"])
    return [_assigned(incident, precinct, district, reason, actor, now, ack_timeouts)]


def _assigned(incident: Incident, precinct: str, district: str | None, reason: str,
              actor: str, now: datetime,
              ack_timeouts: Mapping[str, float | None]) -> Event:
    priority = incident.priority or "P4"
    due = ack_due(now, ack_timeouts.get(priority))
    arrive = None
    if precinct != COMMAND_FEED and incident.arrival_due_at is None:
        arrive = arrival_due(priority, district, incident.received_at)
    return Event(EventType.ASSIGNED, incident.id, now, actor=actor, data={
        "precinct": precinct, "ack_due_at": iso(due) if due else None,
        "arrival_due_at": iso(arrive) if arrive else None, "priority": priority,
        "reason": reason, "reassigned_from": incident.precinct, "by": actor})


def relocate(incident: Incident, location: Mapping[str, Any], reason: str, actor: str,
             now: datetime, ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """A person fixed the location (a map click or a gazetteer candidate).

    Returns:
        ``incident.located`` with the new place (``corrected: true``, the previous place
        kept), then, when the owner changes and nobody has moved yet, the assignment to
        the precinct that contains it (jurisdiction re-run by the caller with
        ``geo.locate``).

    Raises:
        InvalidTransition: the incident is no longer open.
    """
    if not incident.is_open:
        raise InvalidTransition(incident.status.value, "located",
                                ["received", "triaged", "assigned", "acknowledged",
                                 "en_route", "on_scene"])
    previous = incident.location or {}
    events = [Event(EventType.LOCATED, incident.id, now, actor=actor, data={
        **location, "corrected": True, "reason": reason, "by": actor,
        "previous": {k: previous.get(k) for k in ("lat", "lon", "radius_m", "precinct",
                                                  "source")}})]
    feed = route(location)
    if incident.status in REASSIGNABLE and feed != incident.precinct:
        why = f"location corrected: {reason}"
        events.append(_assigned(incident, feed, location.get("district"), why, actor, now,
                                ack_timeouts))
    return events


def can_answer(incident: Incident) -> bool:
    """May this matter be closed with an answer at once (当场答复 / close-with-answer)?"""
    return incident.status in ANSWERABLE and (
        incident.category in ANSWERABLE_CATEGORIES or incident.priority == "P4")


def answer(incident: Incident, text: str, disposition: str, actor: str,
           now: datetime) -> list[Event]:
    """当场答复: close a consultation or a P4 matter with the answer given to the caller.

    Raises:
        InvalidTransition: not a consultation / P4 matter, or a unit has moved already.
        KeyError: ``disposition`` is not in the registry or may not close an answer.
    """
    entry = DISPOSITIONS[disposition]
    if not entry.answer:
        raise KeyError(disposition)
    if not can_answer(incident):
        raise InvalidTransition(incident.status.value, "answered",
                                ["a consultation or P4 matter before a unit moves"])
    return [Event(EventType.ANSWERED, incident.id, now, actor=actor, data={
        "answer": text, "by": actor, "previous": incident.status.value,
        "disposition": {"code": entry.code, "label": entry.label, "by": actor,
                        "at": iso(now), "note": text}})]


def close(incident: Incident, disposition: str, note: str | None, actor: str,
          now: datetime) -> list[Event]:
    """结案 with a disposition from the registry (a resolved incident becomes closed).

    Raises:
        KeyError: ``disposition`` is not in the registry.
        InvalidTransition: the incident is not resolved.
    """
    entry = DISPOSITIONS[disposition]
    if incident.status is not Status.RESOLVED:
        raise InvalidTransition(incident.status.value, Status.CLOSED.value,
                                [Status.RESOLVED.value])
    return [Event(EventType.STATUS_CHANGED, incident.id, now, actor=actor, data={
        "status": Status.CLOSED.value, "reason": note, "previous": incident.status.value,
        "disposition": {"code": entry.code, "label": entry.label, "by": actor,
                        "at": iso(now), "note": note}})]
