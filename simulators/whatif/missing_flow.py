"""The missing-person workflow inside the simulation, on ``dispatch.missing``'s pure core.

A report triaged ``missing_person`` (not a sighting) opens a case with ``open_case``; a
report that describes a wandering or found person (``intake.is_sighting_report``) is
scored against the open cases with ``matcher.match_sighting`` and, when the core says
to link (``to_link``), linked with ``link_sighting``. The linked sighting's incident is
the verification: when its unit arrives on scene the person is found
(``register_found``) and the case closes ``found_safe``. Targets are real deadlines:
``OpenDeadline`` effects go on the engine's heap and fire ``commands.on_deadline``.

Simulated people: the precinct's acknowledgement of the report meets
``precinct_dispatched``; the command centre activates the search centre
``search_centre_delay_s`` after opening. Risk reviews are not simulated (they breach and
are counted). A second report describing a person already in the register (a forum
repost, another relative) is scored the same way and, at ``AUTO_LINK`` or above, joins the
case instead of opening another. Sightings that match no case are not kept as
found-person records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import geo
from dispatch import missing
from dispatch.missing.errors import MissingError
from dispatch.missing.targets import LOCATED

Schedule = Callable[[datetime, str, Any], None]  # (due, kind, payload)


@dataclass
class CaseRecord:
    """What the report needs about one case."""

    case_id: str
    report_id: str
    opened_at: datetime
    grade: str
    scenario: str | None
    sighting_id: str | None = None
    sighting_at: datetime | None = None
    sighting_call_at: datetime | None = None
    found_at: datetime | None = None


def _lookup(lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
    return geo.precincts_intersecting_circle(lat, lon, radius_m)


class MissingFlow:
    """Open cases, match sightings, fire targets and register finds.

    Args:
        schedule: puts a deadline on the engine's heap (``kind`` ``"missing"``).
        search_centre_delay_s: when the simulated command centre activates the search
            centre after a case opens (0: never).
    """

    def __init__(self, schedule: Schedule, search_centre_delay_s: float) -> None:
        self.schedule = schedule
        self.search_centre_delay_s = search_centre_delay_s
        self.cases: dict[str, missing.Case] = {}
        self.records: dict[str, CaseRecord] = {}
        self.deadlines: dict[str, datetime] = {}
        self.by_report: dict[str, str] = {}
        self.verifications: dict[str, str] = {}  # incident id → case id
        self.errors = 0
        self.repeats = 0
        # Moves whenever a case opens or changes status (the service's ``{ns}:mp:gen``):
        # the synthesis stage rebuilds its index of the open cases only then.
        self.generation = 0

    def open_cases(self) -> list[missing.Case]:
        """The cases not closed (what ``CaseStore.open_cases`` returns in the service)."""
        return [c for c in self.cases.values() if c.status is not missing.CaseStatus.CLOSED]

    def _commit(self, events: tuple[Any, ...] | list[Any]) -> None:
        for event in events:
            before = self.cases.get(event.case_id)
            case, effects = missing.apply(before, event)
            if before is None or before.status is not case.status:
                self.generation += 1
            self.cases[case.id] = case
            for effect in effects:
                if isinstance(effect, missing.OpenDeadline):
                    self.deadlines[effect.key] = effect.due_at
                    self.schedule(effect.due_at, "missing", effect.key)
                elif isinstance(effect, missing.CloseDeadline):
                    self.deadlines.pop(effect.key, None)
                elif isinstance(effect, missing.DispatchVerification):
                    self.verifications[effect.incident_id] = effect.case_id

    def on_report(self, incident_id: str, category: str, flags: tuple[str, ...],
                  extracted: Mapping[str, Any], location: Mapping[str, Any], text: str,
                  received_at: datetime, call_at: datetime, scenario: str | None) -> None:
        """A triaged, located report: open a case or match a sighting."""
        lat, lon = location.get("lat"), location.get("lon")
        precinct = location.get("precinct") if location.get("in_jurisdiction") else None
        try:
            if missing.is_sighting_report(category, flags, extracted):
                self._sighting(incident_id, extracted, lat, lon, precinct, text, received_at,
                               call_at)
            elif category == "missing_person":
                self._open(incident_id, extracted, lat, lon, precinct, received_at, scenario)
        except MissingError:
            self.errors += 1  # an impossible description: the call-taker would handle it

    def _open(self, incident_id: str, extracted: Mapping[str, Any], lat: float | None,
              lon: float | None, precinct: str | None, now: datetime,
              scenario: str | None) -> None:
        proposed = missing.propose_case(incident_id, extracted)
        if self._repeat(incident_id, extracted, lat, lon, precinct, now):
            self.repeats += 1
            return
        case_id = f"M{len(self.records) + 1:05d}"
        point = (lat, lon) if lat is not None and lon is not None else (None, None)
        last_seen = missing.LastSeen(at=now, lat=point[0], lon=point[1], precinct=precinct,
                                     address=proposed.address)
        events = missing.open_case(case_id=case_id, person=proposed.person, last_seen=last_seen,
                                   owner=precinct or "command", now=now, lookup=_lookup,
                                   report_id=incident_id)
        self._commit(events)
        case = self.cases[case_id]
        grade = case.risk.grade.value if case.risk else "low"
        self.records[case_id] = CaseRecord(case_id, incident_id, now, grade, scenario)
        self.by_report[incident_id] = case_id
        if self.search_centre_delay_s > 0 and any(
                t.name == "search_centre_activated" for t in case.targets):
            due = datetime.fromtimestamp(now.timestamp() + self.search_centre_delay_s, now.tzinfo)
            self.schedule(due, "missing_meet", (case_id, "search_centre_activated"))

    def _repeat(self, incident_id: str, extracted: Mapping[str, Any], lat: float | None,
                lon: float | None, precinct: str | None, now: datetime) -> bool:
        """Is this a second report of a person already missing (a relative's repost)?

        The call-taker checks the register before opening a case: the description is
        scored like a sighting and a match at ``AUTO_LINK`` or above is the same case.
        """
        open_cases = [c for c in self.cases.values() if c.status is missing.CaseStatus.OPEN]
        if not open_cases:
            return False
        probe = missing.sighting_from_report(incident_id=incident_id, at=now,
                                             extracted=extracted, lat=lat, lon=lon,
                                             precinct=precinct)
        found = missing.match_sighting(probe, missing.build_case_index(open_cases),
                                       missing.build_found_index(()))
        return bool(found.cases) and found.cases[0].score >= missing.AUTO_LINK

    def _sighting(self, incident_id: str, extracted: Mapping[str, Any], lat: float | None,
                  lon: float | None, precinct: str | None, text: str, now: datetime,
                  call_at: datetime) -> None:
        open_cases = [c for c in self.cases.values() if c.status is missing.CaseStatus.OPEN]
        if not open_cases:
            return
        sighting = missing.sighting_from_report(incident_id=incident_id, at=now,
                                                extracted=extracted, lat=lat, lon=lon,
                                                precinct=precinct, text=text)
        matches = missing.match_sighting(sighting, missing.build_case_index(open_cases),
                                         missing.build_found_index(()))
        for candidate in matches.to_link:
            case = self.cases[candidate.id]
            self._commit([missing.link_sighting(case, candidate, sighting, now=now)])
            record = self.records[case.id]
            if record.sighting_id is None:
                record.sighting_id, record.sighting_at = incident_id, now
                record.sighting_call_at = call_at

    def redirect(self, child_id: str, parent_id: str) -> None:
        """A linked sighting merged into another incident: that incident verifies."""
        if child_id in self.verifications:
            self.verifications.setdefault(parent_id, self.verifications[child_id])

    def acknowledged(self, incident_id: str, now: datetime) -> None:
        """The precinct acknowledged a report that opened a case: it is dispatched."""
        self.meet(self.by_report.get(incident_id), "precinct_dispatched", now)

    def meet(self, case_id: str | None, name: str, now: datetime) -> None:
        """Meet an open target of the case, if it has one by that name."""
        case = self.cases.get(case_id) if case_id else None
        if case is None or not any(t.is_open and t.name == name for t in case.targets):
            return
        self._commit([missing.meet_target(case, name, now=now, by="simulated")])

    def on_scene(self, incident_id: str, now: datetime) -> None:
        """A unit reached an incident; if it verifies a sighting, the person is found."""
        case_id = self.verifications.get(incident_id)
        case = self.cases.get(case_id) if case_id else None
        if case is None or case.status is not missing.CaseStatus.OPEN:
            return
        self._commit([missing.register_found(case, now=now, found_at=now,
                                             incident_id=incident_id, by="simulated")])
        case = self.cases[case.id]
        self._commit([missing.close_case(case, missing.Outcome.FOUND_SAFE, now=now)])
        self.records[case.id].found_at = now

    def fire(self, key: str, due: datetime, now: datetime) -> None:
        """A missing-person deadline fell due (stale ones are ignored)."""
        if self.deadlines.get(key) != due:
            return
        del self.deadlines[key]
        case_id, _ = missing.parse_deadline_key(key)
        case = self.cases.get(case_id)
        if case is not None:
            self._commit(missing.on_deadline(case, key, now, _lookup))

    def found_target_s(self, case_id: str) -> float | None:
        """Seconds the case's ``located`` target allows from its opening (None: its grade
        has none)."""
        case = self.cases[case_id]
        due = next((t.due_at for t in case.targets if t.name == LOCATED), None)
        return None if due is None else (due - case.opened_at).total_seconds()

    def found_rows(self) -> list[tuple[str, float | None, float | None]]:
        """``(report id, time to found s, located target s)`` per case, in opening order
        (time to found None: not found)."""
        out = []
        for record in self.records.values():
            found = self.cases[record.case_id].time_to_found
            out.append((record.report_id, found.total_seconds() if found is not None else None,
                        self.found_target_s(record.case_id)))
        return out

    def kpis(self, now: datetime) -> dict[str, Any]:
        """Time-to-found per case and per grade, and the share of targets met."""
        by_grade = missing.kpis_by_grade(self.cases.values(), now)
        cases = []
        for record in self.records.values():
            case = self.cases[record.case_id]
            found = case.time_to_found
            from_sighting = (record.found_at - record.sighting_call_at).total_seconds() \
                if record.found_at and record.sighting_call_at else None
            cases.append({"case_id": record.case_id, "report_id": record.report_id,
                          "grade": record.grade, "scenario": record.scenario,
                          "status": case.status.value,
                          "time_to_found_s": found.total_seconds() if found is not None else None,
                          "found_target_s": self.found_target_s(record.case_id),
                          "sighting_to_found_s": from_sighting,
                          "sighting_report": record.sighting_id})
        grades = {g.value: {"cases": k.cases, "found": k.found,
                            "median_time_to_found_s": k.median_time_to_found.total_seconds()
                            if k.median_time_to_found is not None else None,
                            "share_targets_met": k.share_targets_met}
                  for g, k in by_grade.items()}
        return {"cases": cases, "by_grade": grades, "repeat_reports": self.repeats,
                "description_errors": self.errors}
