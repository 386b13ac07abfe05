"""One event, one incident: folding a duplicate call into its incident, and undoing it.

Pure functions, like :mod:`dispatch.domain.decisions`. A merge is EIDO's merge: the
duplicate report ends as ``merged`` and its incident gains one more caller. **Every caller
counts**: what a later caller adds to the picture (a higher priority, flags, life-risk cues,
a place more precise than the first caller's) updates the incident at once, raising and
never lowering, with an ``incident.retriaged`` that says which caller changed what
(``by_caller``, ``changed``) for the precinct console to highlight. A raised priority renews
the assignment at the new priority's ack clock, as a call-taker's retriage does.

A split (``POST /v1/incidents/{id}/split``, EIDO's split) undoes a merge someone judges
wrong: the report becomes an incident of its own again and is routed like a fresh one; its
former parent counts one caller fewer. What the caller had raised on the parent stays: a
priority is lowered by a person's retriage, never silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dispatch.domain.corrections import assignment
from dispatch.domain.decisions import ESCALATION_CHAIN, arrival_due, route
from dispatch.domain.errors import InvalidTransition
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import COMMAND_FEED, OPEN_STATUSES, Incident, Status, ack_due

# A later caller's place replaces the first one's when it is this much more precise.
PRECISION_GAIN = 0.5


def _kinds(risks: tuple[Mapping[str, Any], ...]) -> list[str]:
    return sorted({str(r.get("kind")) for r in risks if r.get("kind")})


def caller_changes(child: Incident, parent: Incident) -> dict[str, Any]:
    """What the child (a triaged duplicate) adds to its parent: ``priority`` (higher),
    ``flags`` (new ones), ``life_risk`` (new kinds), each only when it adds something."""
    changed: dict[str, Any] = {}
    if child.priority and parent.priority and child.priority < parent.priority:
        changed["priority"] = {"from": parent.priority, "to": child.priority}
    new_flags = sorted(set(child.flags) - set(parent.flags) - {"out_of_area"})
    if new_flags:
        changed["flags"] = new_flags
    known = set(_kinds(parent.life_risk))
    new_risks = [r for r in child.life_risk if r.get("kind") and str(r["kind"]) not in known]
    if new_risks:
        changed["life_risk"] = _kinds(tuple(new_risks))
    return changed


def _better_place(child: Incident, parent: Incident) -> Mapping[str, Any] | None:
    """The child's location when it should replace the parent's: the parent is unplaced
    (at the command centre) and the child is placed in a precinct, or both lie in the same
    precinct and the child's is much more precise."""
    mine, theirs = child.location or {}, parent.location or {}
    if mine.get("lat") is None or not mine.get("in_jurisdiction"):
        return None
    if parent.precinct == COMMAND_FEED or theirs.get("lat") is None:
        return mine if route(mine) != COMMAND_FEED else None
    if route(mine) != parent.precinct:
        return None  # another precinct's point: a person decides (定位修正)
    r_mine = float(mine.get("radius_m") or 0)
    r_theirs = float(theirs.get("radius_m") or 0)
    return mine if r_theirs > 0 and r_mine < r_theirs * PRECISION_GAIN else None


def _assigned(parent: Incident, feed: str, district: str | None, priority: str,
              now: datetime, actor: str, ack_timeouts: Mapping[str, float | None],
              caller: str, reason: str) -> Event:
    """A renewed assignment of the parent: the priority's ack clock, and an on-scene clock
    that can only tighten (``raised``)."""
    due = ack_due(now, ack_timeouts.get(priority))
    if due is not None and parent.status is Status.ASSIGNED and parent.ack_due_at is not None \
            and feed == parent.precinct:
        due = min(due, parent.ack_due_at)  # a raised priority never gives more time
    arrive = arrival_due(priority, district, parent.received_at) if feed != COMMAND_FEED \
        else None
    return Event(EventType.ASSIGNED, parent.id, now, actor=actor, data={
        "precinct": feed, "ack_due_at": iso(due) if due else None,
        "arrival_due_at": iso(arrive) if arrive else None, "raised": True,
        "priority": priority, "from_precinct": parent.precinct, "by_caller": caller,
        "reason": reason})


def _escalate_raised(parent: Incident, priority: str, now: datetime,
                     caller: str) -> list[Event]:
    """An escalated assignment whose chain had ended (a P2 at the command centre) and that a
    caller raised to P1, still unacknowledged: it goes on up the chain at once."""
    level = parent.escalation_level + 1
    if priority != "P1" or level >= len(ESCALATION_CHAIN):
        return []
    return [Event(EventType.ESCALATED, parent.id, now, data={
        "level": level, "to": ESCALATION_CHAIN[level], "precinct": parent.precinct,
        "priority": priority, "overdue_s": None, "next_due_at": None, "by_caller": caller,
        "reason": f"a later caller ({caller}) raised it to P1 while unacknowledged"})]


def merge(child: Incident, parent: Incident, now: datetime, actor: str,
          detail: Mapping[str, Any],
          ack_timeouts: Mapping[str, float | None] | None = None) -> tuple[list[Event],
                                                                          list[Event]]:
    """Fold a duplicate report into the incident it duplicates.

    Args:
        child: the duplicate, triaged and located (its triage is what it adds).
        parent: the open incident it joins.
        now: when; actor: who decided (``system`` for the pipeline's automatic merge).
        detail: why (score and reasons, or a person's reason), kept on both events.
        ack_timeouts: ack clocks by priority, to renew the assignment when the caller
            raises the priority (None: the assignment is not renewed).

    Returns:
        ``(child_events, parent_events)``: the child becomes ``merged``; the parent counts
        one more caller (``incident.caller_added`` with the caller's text and triage),
        then, when the caller adds something, ``incident.retriaged`` (``by_caller``,
        ``changed``), a renewed assignment when the priority rose, and
        ``incident.located`` when the caller placed it better.

    Raises:
        InvalidTransition: either incident is no longer open, or they are the same.
    """
    if child.id == parent.id:
        raise InvalidTransition(child.status.value, "merged", ())
    if not parent.is_open:
        raise InvalidTransition(parent.status.value, "caller_added",
                                (s.value for s in OPEN_STATUSES))
    child_events = [Event(EventType.MERGED, child.id, now, actor=actor,
                          data={"into": parent.id, **detail})]
    parent_events = [Event(EventType.CALLER_ADDED, parent.id, now, actor=actor, data={
        "incident_id": child.id, "channel": child.channel, "text": child.text,
        "caller": dict(child.caller) if child.caller else None,
        "received_at": iso(child.received_at),
        "triage": {"category": child.category, "priority": child.priority,
                   "flags": list(child.flags), "life_risk": _kinds(child.life_risk)},
        **detail})]
    changed = caller_changes(child, parent)
    if changed:
        priority = changed.get("priority", {}).get("to", parent.priority)
        said = [f"priority {parent.priority} → {priority}"] if "priority" in changed else []
        said += [f"flags +{','.join(changed['flags'])}"] if "flags" in changed else []
        said += [f"life risk +{','.join(changed['life_risk'])}"] if "life_risk" in changed \
            else []
        parent_events.append(Event(EventType.RETRIAGED, parent.id, now, actor=actor, data={
            "category": parent.category, "priority": priority,
            "flags": sorted(set(parent.flags) | set(child.flags)),
            "confidence": parent.confidence, "cues": list(parent.cues),
            "needs_review": parent.needs_review, "candidates": list(parent.candidates),
            "questions": list(parent.questions), "answered": list(parent.answered),
            "life_risk": [*parent.life_risk, *(r for r in child.life_risk
                                               if r not in parent.life_risk)],
            "reason": f"a later caller ({child.id}) adds: {'; '.join(said)}",
            "by_caller": child.id, "changed": changed,
            "previous": {"priority": parent.priority, "flags": list(parent.flags)}}))
    priority = changed.get("priority", {}).get("to", parent.priority) or "P4"
    # An escalated assignment keeps its chain (the command centre already has it); a fresh
    # one is renewed so the precinct must acknowledge the raised priority.
    assignable = ack_timeouts is not None and parent.escalation_level == 0 \
        and parent.status in (Status.ASSIGNED, Status.ACKNOWLEDGED)
    place = _better_place(child, parent)
    if place is not None:
        parent_events.append(Event(EventType.LOCATED, parent.id, now, actor=actor, data={
            **place, "by_caller": child.id}))
    if assignable and place is not None and parent.precinct == COMMAND_FEED:
        parent_events.append(_assigned(parent, route(place), place.get("district"), priority,
                                       now, actor, ack_timeouts or {}, child.id,
                                       f"a later caller ({child.id}) placed it in a precinct"))
    elif "priority" in changed and parent.status is Status.ASSIGNED \
            and parent.escalation_level > 0 and parent.priority != "P1":
        parent_events += _escalate_raised(parent, priority, now, child.id)
    elif assignable and "priority" in changed:
        parent_events.append(_assigned(
            parent, parent.precinct or COMMAND_FEED, (parent.location or {}).get("district"),
            priority, now, actor, ack_timeouts or {}, child.id,
            f"re-routed: a later caller ({child.id}) raised the priority "
            f"{parent.priority} → {priority}"))
    return child_events, parent_events


def split(child: Incident, parent: Incident | None, now: datetime, actor: str, reason: str,
          ack_timeouts: Mapping[str, float | None]) -> tuple[list[Event], list[Event]]:
    """Undo a merge: the report is an incident of its own again, routed like a fresh one.

    Args:
        child: the merged report.
        parent: the incident it was merged into (None when that is gone).
        now: when; actor: who (a person: the split is audited).
        reason: why, as typed.
        ack_timeouts: ack clocks by priority.

    Returns:
        ``(child_events, parent_events)``: ``incident.split`` and a fresh
        ``incident.assigned`` on the child; ``incident.split`` (one caller fewer) on the
        parent, when there is one.

    Raises:
        InvalidTransition: the report is not merged.
    """
    if child.status is not Status.MERGED or child.merged_into is None:
        raise InvalidTransition(child.status.value, "split", (Status.MERGED.value,))
    location = child.location or {}
    feed = route(location)
    child_events = [
        Event(EventType.SPLIT, child.id, now, actor=actor,
              data={"from": child.merged_into, "reason": reason}),
        assignment(child, feed, location.get("district"), actor, now, ack_timeouts, {
            "reason": "split from a merged incident: "
                      + ("precinct containing the location" if feed != COMMAND_FEED
                         else "no precinct in jurisdiction: command centre confirms")})]
    parent_events = [] if parent is None else [
        Event(EventType.SPLIT, parent.id, now, actor=actor,
              data={"removed": child.id, "reason": reason})]
    return child_events, parent_events
