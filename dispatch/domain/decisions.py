"""Decisions: given the state and what a stage found, which events happen next.

Pure functions. The worker, the scheduler, the HTTP adapters and the simulator call them
and append the events they return.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from dispatch.domain.errors import InvalidTransition, NotAssigned
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import COMMAND_FEED, Incident, Status, ack_due


class Findings(Protocol):
    """What the synthesis stage found, as the decision reads it (the stage's
    ``dispatch.synthesis.model.Synthesis``; the domain does not depend on the stage)."""

    @property
    def priority(self) -> str | None: ...

    @property
    def reason(self) -> str | None: ...

    def to_dict(self) -> dict[str, Any]: ...

# Escalation chain (SOP): the assigned precinct, then the city command centre, then, for
# P1 only, the duty chief (值班局领导).
ESCALATION_CHAIN = ("precinct", "command", "duty_chief")

# On-scene targets (seconds) by priority: (urban districts 区, banners and counties 旗/县).
# P1 follows the defaults (10 / 20 min); P2 is three times as loose.
ARRIVAL_TARGETS_S: Mapping[str, tuple[float, float]] = {"P1": (600.0, 1200.0),
                                                       "P2": (1800.0, 3600.0)}
# 土默特右旗, 固阳县, 达尔罕茂明安联合旗: large, thinly populated, long drives.
RURAL_DISTRICTS = frozenset({"150221", "150222", "150223"})


def arrival_due(priority: str, district: str | None, at: datetime) -> datetime | None:
    """When a unit must be on scene for an incident of this priority in this district."""
    target = ARRIVAL_TARGETS_S.get(priority)
    if target is None:
        return None
    return at + timedelta(seconds=target[1] if district in RURAL_DISTRICTS else target[0])


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
    synthesis: Findings | None = None,
) -> list[Event]:
    """The events that turn a received report into an assigned incident.

    Args:
        incident: the incident as received (status ``received`` or ``failed``).
        triage: the triage stage's result (category, priority, flags, confidence, cues, extracted).
        location: the geo stage's result (lat, lon, district, precinct, in_jurisdiction, …).
        now: the time of the decision.
        ack_timeouts: seconds to acknowledge, by priority (None: no ack clock).
        synthesis: the synthesis stage's findings (None: the stage is off).

    Returns:
        ``incident.triaged``, ``incident.located``, ``incident.synthesized`` (with a
        synthesis) and ``incident.assigned``, or nothing if the incident was already
        processed (a retried job must not assign twice). When the findings raise the
        priority, ``incident.retriaged`` (``reason: synthesis: …``) comes before the
        assignment, which then carries the raised priority and its ack clock.
    """
    if incident.status not in (Status.RECEIVED, Status.FAILED):
        return []
    priority = str(triage["priority"])
    decided = [Event(EventType.TRIAGED, incident.id, now, data=dict(triage)),
               Event(EventType.LOCATED, incident.id, now, data=dict(location))]
    if synthesis is not None:
        decided.append(Event(EventType.SYNTHESIZED, incident.id, now, data=synthesis.to_dict()))
        if synthesis.priority and synthesis.priority < priority:  # P1 < P2 < P3 < P4
            decided.append(Event(EventType.RETRIAGED, incident.id, now, data={
                **triage, "priority": synthesis.priority,
                "reason": f"synthesis: {synthesis.reason}",
                "previous": {"category": triage.get("category"), "priority": priority,
                             "flags": list(triage.get("flags") or ())}}))
            priority = synthesis.priority
    feed = route(location)
    due = ack_due(now, ack_timeouts.get(priority))
    arrive = arrival_due(priority, location.get("district"), incident.received_at) \
        if feed != COMMAND_FEED else None
    return [
        *decided,
        Event(EventType.ASSIGNED, incident.id, now, data={
            "precinct": feed,
            "ack_due_at": iso(due) if due else None,
            "arrival_due_at": iso(arrive) if arrive else None,
            "priority": priority,
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


def retriage(incident: Incident, category: str, priority: str, flags: list[str], reason: str,
             actor: str, now: datetime,
             ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """A call-taker's override of the automatic triage, with who and why.

    When the priority changes on an assigned incident, the assignment is renewed so the
    precinct sees the new priority and the ack clock restarts at the new priority's length.
    """
    events = [Event(EventType.RETRIAGED, incident.id, now, actor=actor, data={
        "category": category, "priority": priority, "flags": sorted(set(flags)),
        "confidence": 1.0, "cues": [{"phrase": reason, "span": None,
                                     "effect": f"override by {actor}"}],
        "reason": reason,
        # A person decided: no longer waiting for review; the open questions stay.
        "needs_review": False, "candidates": [category],
        "questions": list(incident.questions), "answered": list(incident.answered),
        "life_risk": list(incident.life_risk),
        "previous": {"category": incident.category, "priority": incident.priority,
                     "flags": list(incident.flags)}})]
    events += _reroute(incident, priority, actor, now, ack_timeouts)
    return events


def _reroute(incident: Incident, priority: str, actor: str, now: datetime,
             ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """A renewed assignment when the priority of an assigned incident changed."""
    if priority == incident.priority or incident.status not in (Status.ASSIGNED,
                                                                 Status.ACKNOWLEDGED):
        return []
    due = ack_due(now, ack_timeouts.get(priority))
    return [Event(EventType.ASSIGNED, incident.id, now, actor=actor, data={
        "precinct": incident.precinct, "ack_due_at": iso(due) if due else None,
        "priority": priority, "reason": f"re-routed: priority {incident.priority} → {priority}"})]


def answer(incident: Incident, answers: Mapping[str, Any], triage: Mapping[str, Any],
           actor: str, now: datetime,
           ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """A call-taker's answers to key questions and the re-triage they lead to.

    Args:
        incident: the incident answered about.
        answers: the new answers (question code -> answer), already validated.
        triage: the deterministic re-triage of the incident's text with all its answers.
        actor: who answered.
        now: when.
        ack_timeouts: seconds to acknowledge, by priority.

    Returns:
        ``incident.questions_answered`` (who answered what), then — when the answers raise the
        priority or change the open questions — ``incident.retriaged`` with
        ``reason: answers``, and a renewed assignment when the priority rose. Answers
        never lower a priority: a person lowers it with a triage override.
    """
    if not incident.is_open:
        raise InvalidTransition(incident.status.value, "answered", ("open",))
    events = [Event(EventType.QUESTIONS_ANSWERED, incident.id, now, actor=actor,
                    data={"answers": dict(answers)})]
    return events + _raised_by(incident, triage, "answers", actor, now, ack_timeouts)


def add_details(incident: Incident, text: str, triage: Mapping[str, Any], actor: str,
                now: datetime, ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """What the caller said after a preliminary dispatch (先期处置), and the re-triage it leads to.

    Args:
        incident: the incident, dispatched while the caller was still on the line.
        text: what the call-taker typed since (validated, not blank).
        triage: the deterministic re-triage of the report's text, every detail so far and
            the answers.
        actor: who typed it; now: when; ack_timeouts: by priority.

    Returns:
        ``incident.details_added`` (who added what), then — as for answers — an
        ``incident.retriaged`` (``reason: details``) when the fuller account raises the
        priority, adds flags or changes the open questions, and a renewed assignment when
        the priority rose. Details never lower a priority.

    Raises:
        InvalidTransition: the incident is finished.
    """
    if not incident.is_open:
        raise InvalidTransition(incident.status.value, "details_added", ("open",))
    events = [Event(EventType.DETAILS_ADDED, incident.id, now, actor=actor,
                    data={"text": text})]
    return events + _raised_by(incident, triage, "details", actor, now, ack_timeouts)


def _raised_by(incident: Incident, triage: Mapping[str, Any], reason: str, actor: str,
               now: datetime, ack_timeouts: Mapping[str, float | None]) -> list[Event]:
    """The re-triage that answers or details lead to: raising, never lowering."""
    events: list[Event] = []
    current = incident.priority or "P4"
    raised = str(triage["priority"]) < current  # P1 < P2 < P3 < P4, as merge() compares
    data = dict(triage) if raised else {
        **triage, "category": incident.category, "priority": current,
        "needs_review": incident.needs_review and bool(triage.get("needs_review")),
        "candidates": list(incident.candidates)}
    data["flags"] = sorted({*incident.flags, *data.get("flags", ())})
    data["reason"] = reason
    data["previous"] = {"category": incident.category, "priority": incident.priority,
                        "flags": list(incident.flags)}
    changed = raised or list(incident.questions) != list(data.get("questions", [])) \
        or sorted(incident.flags) != data["flags"]
    if changed:
        events.append(Event(EventType.RETRIAGED, incident.id, now, actor=actor, data=data))
        events += _reroute(incident, str(data["priority"]), actor, now, ack_timeouts)
    return events


def arrival_breach(incident: Incident, now: datetime) -> list[Event]:
    """The breach of the on-scene target, if the incident is still waiting for a unit."""
    waiting = incident.status in (Status.ASSIGNED, Status.ACKNOWLEDGED, Status.EN_ROUTE)
    due = incident.arrival_due_at
    if not waiting or due is None or due > now or "arrival" in incident.breaches:
        return []
    return [Event(EventType.TARGET_BREACHED, incident.id, now, data={
        "target": "arrival", "due_at": iso(due), "overdue_s": _seconds(due, now),
        "priority": incident.priority, "precinct": incident.precinct,
        "units": list(incident.units),
        "reason": "no unit on scene within the arrival target"})]
