"""The missing-person reactor: proposals, sighting matching (合成研判) and found records.

Follows the global events stream as its own consumer group:

* ``incident.triaged`` / ``incident.retriaged`` of a report that describes a found or
  wandering person (``intake.is_sighting_report``) → matched at once against every open
  case and every recent found-person record. The best case at or above the link
  threshold is linked (``missing.sighting_linked``): the sighting's precinct is sent to
  verify with the case description, the owner is told. Ambiguous or weaker candidates
  are noted on the incident for the call-taker; no candidate at all registers a
  found-person record, which new cases are matched against.
* the same events of any other ``missing_person`` report → first compared with the open
  cases: another relative reporting the same person is linked to that case
  (``missing.report_linked``, stage ``same_person``) instead of a second case; otherwise
  a proposed case (``incident.missing`` stage ``case_proposed`` with the extracted
  description, and any weaker candidates) for the call-taker to confirm with
  ``POST /v1/missing`` and ``report_id``.
* the same events of a report of any other category that describes a person (a found
  child triaged ``assistance`` without an age flag, an old man on a motorway triaged
  ``traffic``, a confused woman on a bus) → matched against the open cases like a
  sighting; linked at or above the threshold, offered below it, and never registered as
  a found person (it was not reported as one).
* ``incident.acknowledged`` of a report opened as a case → the case's
  ``precinct_dispatched`` target is met.

The indexes of open cases and found records live in this process and are rebuilt from
Redis when the store's generation counter moves (a case opened, located or closed, a
record added): at city scale that is a few milliseconds, and a match is then a single
in-memory pass. Every step is idempotent: a redelivered entry finds its mark or its link.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from dispatch.adapters.missing_store import FOUND_KEEP, CaseStore, load_incident, new_id
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import Clock
from dispatch.domain.errors import Conflict
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident
from dispatch.missing import (
    AnchorIndex,
    CaseStatus,
    InvalidCaseTransition,
    MatchCandidate,
    MissingError,
    Sighting,
    SightingMatches,
    assess_risk,
    build_case_index,
    build_found_index,
    describes_person,
    found_record_from_sighting,
    is_family_report,
    is_sighting_report,
    link_report,
    link_sighting,
    match_sighting,
    meet_target,
    propose_case,
    seen_at,
    sighting_from_report,
)
from dispatch.missing.codec import encode
from dispatch.missing.person import describe_person
from dispatch.missing.risk import Circumstances
from dispatch.missing.targets import PRECINCT_DISPATCHED, TargetPolicy
from dispatch.workflows.missing.service import update

log = logging.getLogger("dispatch.missing")

TRIAGE_EVENTS = frozenset({"incident.triaged", "incident.retriaged"})


class Indexes:
    """The in-memory indexes of open cases and found records, rebuilt when stale."""

    def __init__(self, cases: CaseStore, clock: Clock) -> None:
        self.cases = cases
        self.clock = clock
        self.generation: str | None = None
        self.case_index = AnchorIndex([])
        self.found_index = AnchorIndex([])

    def fresh(self) -> Indexes:
        """Rebuild from Redis if anything changed since the last build."""
        generation = self.cases.generation()
        if generation != self.generation:
            started = time.perf_counter()
            now = self.clock.now()
            self.case_index = build_case_index(self.cases.open_cases())
            self.found_index = build_found_index(self.cases.records_since(now - FOUND_KEEP, now))
            self.generation = generation
            log.info("missing-person indexes rebuilt (%d cases, %d records) in %.1f ms",
                     len(self.case_index), len(self.found_index),
                     (time.perf_counter() - started) * 1000)
        return self


class MissingReactor:
    """Proposes cases, links sightings, registers found people."""

    name = "missing"
    types = TRIAGE_EVENTS | {"incident.acknowledged"}

    def __init__(self, store: RedisStore, clock: Clock, policy: TargetPolicy,
                 widen_s: float | None = None) -> None:
        self.store = store
        self.cases = CaseStore(store, widen_s)
        self.clock = clock
        self.policy = policy
        self.indexes = Indexes(self.cases, clock)

    def react(self, message: Mapping[str, Any]) -> None:
        """Handle one events-stream message (see :class:`dispatch.processes.reactors.Reactor`)."""
        kind = message.get("type")
        incident_id = str(message.get("incident_id") or "")
        if not incident_id:
            return
        if kind in TRIAGE_EVENTS:
            incident = load_incident(self.store, incident_id)
            if incident is not None:
                self._triaged(incident)
        elif kind == "incident.acknowledged":
            case_id = self.cases.case_for_report(incident_id)
            if case_id:
                self._dispatched(case_id, str(message.get("actor") or "system"))

    # -- triage ----------------------------------------------------------------------------

    def _triaged(self, incident: Incident) -> None:
        category = incident.category or ""
        if is_sighting_report(category, incident.flags, incident.extracted):
            self._sighting(incident)
        elif category == "missing_person":
            if not self._same_person(incident):
                self._propose(incident)
        elif describes_person(incident.extracted):
            self._sighting(incident, register_found=False)

    def _propose(self, incident: Incident) -> None:
        if self.cases.case_for_report(incident.id):
            return  # the call-taker opened the case already
        now = self.clock.now()
        try:
            proposal = propose_case(incident.id, incident.extracted)
        except MissingError as exc:
            self.cases.note(incident.id, {"stage": "case_not_proposed", "reason": str(exc)},
                            now=now, actor="system", mark="proposed")
            return
        risk = assess_risk(proposal.person, Circumstances(), now)
        minutes_ago = next((t.get("minutes_ago") for t in incident.extracted.get("times") or []
                            if isinstance(t, Mapping) and t.get("minutes_ago") is not None), None)
        location = incident.location or {}
        self.cases.note(incident.id, {
            "stage": "case_proposed", "person": encode(proposal.person),
            "description": describe_person(proposal.person),
            "address": incident.address or proposal.address, "places": list(proposal.places),
            "last_seen_minutes_ago": minutes_ago,
            "location": {k: location.get(k) for k in ("lat", "lon", "precinct")
                         if location.get(k) is not None},
            "risk": {"grade": risk.grade.value, "reasons": [r.code for r in risk.reasons],
                     "criminal_case": risk.criminal_case},
        }, now=now, actor="system", mark="proposed")

    def _observation(self, incident: Incident) -> Sighting:
        """The report as a sighting: the person described, where, and when they were seen
        (the report's ``occurred_at`` when it gives one, never later than its receipt)."""
        location = incident.location or {}
        return sighting_from_report(
            incident_id=incident.id, at=seen_at(incident), extracted=incident.extracted,
            lat=location.get("lat"), lon=location.get("lon"),
            precinct=incident.precinct or location.get("precinct"), text=incident.text,
            radius_m=location.get("radius_m"))

    def _same_person(self, incident: Incident) -> bool:
        """Link a missing-person report to the open case of the same person; True if it
        was (and no second case is proposed)."""
        if self.cases.case_for_report(incident.id) or \
                self.store.r.exists(self.cases.mark_key("sighted", incident.id)):
            return False
        try:
            report = self._observation(incident)
        except MissingError:
            return False
        started = time.perf_counter()
        matches = match_sighting(report, self.indexes.fresh().case_index, None)
        if not matches.to_link:
            if matches.cases:
                # Below the link threshold but like an open case: offered to the call-taker
                # with the reasons (the same person, or a sighting of them?) beside the
                # proposal for a new case, which is still made.
                self._offer(incident.id, matches,
                            round((time.perf_counter() - started) * 1000, 3))
            return False
        if not is_family_report(incident.text):
            # Someone who saw the person and called it in as "missing" (这个大爷是不是谁家
            # 走丢的): a sighting of the case, with a precinct sent to verify.
            self._sighting(incident, register_found=False)
            return True
        best = matches.to_link[0]
        mark = self.cases.mark_key("sighted", incident.id)
        for _ in range(8):
            case = self.cases.get(best.id)
            if case is None or case.status is CaseStatus.CLOSED:
                return False
            now = self.clock.now()
            try:
                event = link_report(case, best, incident.id, now=now)
            except (InvalidCaseTransition, MissingError):
                return False
            note = Event(EventType.MISSING, incident.id, now, data={
                "stage": "same_person", "case_id": case.id, "score": round(best.score, 3),
                "reasons": list(best.reasons), "description": describe_person(case.person)})
            if self._commit_marked(case, [event], incident.id, note, mark) != "retry":
                return True
        return False

    def _sighting(self, incident: Incident, register_found: bool = True) -> None:
        if self.store.r.exists(self.cases.mark_key("sighted", incident.id)):
            return  # handled before (a redelivered entry)
        try:
            sighting = self._observation(incident)
        except MissingError as exc:
            if register_found:
                self.cases.note(incident.id, {"stage": "sighting_unusable", "reason": str(exc)},
                                now=self.clock.now(), actor="system", mark="sighted")
            return
        started = time.perf_counter()
        matches = match_sighting(sighting, self.indexes.fresh().case_index,
                                 self.indexes.found_index if register_found else None)
        match_ms = round((time.perf_counter() - started) * 1000, 3)
        if matches.to_link and self._link(sighting, matches, match_ms):
            return
        if matches.cases or matches.found:
            self._offer(incident.id, matches, match_ms)
            if matches.cases:
                return
        if register_found:
            self._register_found(sighting, match_ms)

    def _offer(self, incident_id: str, matches: SightingMatches, match_ms: float) -> None:
        """Note the candidates below the link threshold, for the call-taker to pick."""
        self.cases.note(incident_id, {
            "stage": "sighting_candidates", "match_ms": match_ms,
            "ambiguous": matches.is_ambiguous,
            "cases": [_candidate(c) for c in matches.cases],
            "found_records": [_candidate(c) for c in matches.found],
        }, now=self.clock.now(), actor="system", mark="sighted")

    def _link(self, sighting: Sighting, matches: SightingMatches, match_ms: float) -> bool:
        best = matches.to_link[0]
        mark = self.cases.mark_key("sighted", sighting.incident_id)
        for _ in range(8):
            case = self.cases.get(best.id)
            if case is None or case.status is not CaseStatus.OPEN:
                return False
            now = self.clock.now()
            try:
                events: list[Any] = [link_sighting(case, best, sighting, now=now)]
            except InvalidCaseTransition:
                return False
            if sighting.precinct and any(t.name == PRECINCT_DISPATCHED and t.is_open
                                         for t in case.targets):
                events.append(meet_target(case, PRECINCT_DISPATCHED, now=now,
                                          by=f"precinct:{sighting.precinct}", policy=self.policy))
            note = Event(EventType.MISSING, sighting.incident_id, now, data={
                "stage": "sighting_matched", "case_id": case.id, "score": round(best.score, 3),
                "reasons": list(best.reasons), "match_ms": match_ms,
                "description": describe_person(case.person)})
            outcome = self._commit_marked(case, events, sighting.incident_id, note, mark)
            if outcome == "seen":
                return True
            if outcome == "retry":
                continue
            log.info("sighting %s linked to %s (%.2f) %.1f ms after the report", sighting.incident_id,
                     case.id, best.score, (now - sighting.at).total_seconds() * 1000)
            return True
        raise Conflict(f"could not link sighting {sighting.incident_id}")

    def _commit_marked(self, case: Any, events: list[Any], incident_id: str, note: Event,
                       mark: str) -> str:
        """Commit ``events`` on the case with the incident's note and its idempotency mark:
        ``"done"``, ``"seen"`` (an earlier delivery did it) or ``"retry"`` (the case changed
        meanwhile: reload and try again)."""
        try:
            self.cases.commit(case, events, actor="system", now=note.at,
                              incident_events={incident_id: [note]},
                              extra_ops=[["SET", mark, case.id]], extra_guards=[["idem", mark]])
        except Conflict as exc:
            return "seen" if str(exc).startswith("exists") else "retry"
        return "done"

    def _register_found(self, sighting: Sighting, match_ms: float) -> None:
        now = self.clock.now()
        record = found_record_from_sighting(sighting, new_id("FP", now),
                                            held_at=sighting.precinct)
        mark = self.cases.mark_key("sighted", sighting.incident_id)
        note = Event(EventType.MISSING, sighting.incident_id, now, data={
            "stage": "found_registered", "record_id": record.id, "match_ms": match_ms,
            "description": describe_person(sighting.person)})
        try:
            self.cases.add_record(record, incident_events={sighting.incident_id: [note]},
                                  extra_ops=[["SET", mark, record.id]],
                                  extra_guards=[["idem", mark]])
        except Conflict as exc:
            if not str(exc).startswith("exists"):
                raise
            return

    # -- acknowledgement -------------------------------------------------------------------

    def _dispatched(self, case_id: str, actor: str) -> None:
        def decide(case: Any) -> Any:
            if case.status is not CaseStatus.OPEN or not any(
                    t.name == PRECINCT_DISPATCHED and t.is_open for t in case.targets):
                return None
            return meet_target(case, PRECINCT_DISPATCHED, now=self.clock.now(), by=actor,
                               policy=self.policy)

        update(self.cases, case_id, decide, actor=actor, clock=self.clock)


def _candidate(c: MatchCandidate) -> dict[str, Any]:
    return {"id": c.id, "score": round(c.score, 3), "reasons": list(c.reasons)}
