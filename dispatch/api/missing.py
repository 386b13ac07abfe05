"""Missing-person cases over HTTP: open, list, read, override the risk, verify, close.

Call-takers and the command centre open cases (from a triaged report with ``report_id``
or directly); only the command centre (the supervisor) overrides a risk grade; a precinct
answers only the verification it was sent (confirm or dismiss a linked sighting).
Domain errors map to 4xx: an unknown case is 404, a move the case's status does not allow
409, an impossible value 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import StringConstraints

import geo
from dispatch.adapters.missing_store import CaseStore, UnknownCase, new_id
from dispatch.adapters.redis_store import RedisStore
from dispatch.api.deps import ClockDep, GateDep, SettingsDep, StoreDep
from dispatch.api.gate import Gate, case_relation
from dispatch.api.missing_schemas import (
    CaseCreate,
    CloseRequest,
    IncidentId,
    LastSeenIn,
    PersonIn,
    RiskOverride,
    StatusFilter,
    Verification,
)
from dispatch.api.reads import CaseDetail, CaseList, MissingKpis
from dispatch.api.responses import errors, invalid, ok
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident, Status
from dispatch.missing import (
    Case,
    InvalidCaseTransition,
    InvalidLastSeen,
    InvalidPerson,
    LastSeen,
    MissingError,
    Person,
    Reporter,
    RiskGrade,
    SightingLinked,
    close_case,
    complete_person,
    dismiss_sighting,
    is_described,
    kpis_by_grade,
    last_seen_from_report,
    link_sighting,
    meet_target,
    open_case,
    override_risk,
    person_from_extracted,
    person_from_request,
    register_found,
    score,
    sighting_from_report,
)
from dispatch.missing.matcher import case_anchor, sighting_observation
from dispatch.missing.person import CLOCK_SKEW
from dispatch.missing.risk import Circumstances
from dispatch.missing.targets import PRECINCT_DISPATCHED
from dispatch.workflows.missing.service import lookup, target_policy, update
from dispatch.workflows.missing.views import case_view, kpi_view, list_item

router = APIRouter(tags=["missing persons"])
ERRORS = errors(not_found="unknown case (or sighting not linked to it)",
                conflict="not allowed in the case's status",
                invalid="an impossible value; the message names the field")




@contextmanager
def _domain(case_id: str | None = None) -> Iterator[None]:
    try:
        yield
    except UnknownCase:
        raise HTTPException(404, f"unknown missing-person case {case_id!r}") from None
    except InvalidCaseTransition as exc:
        raise HTTPException(409, str(exc)) from None
    except MissingError as exc:
        raise HTTPException(422, str(exc)) from None


def _cases(store: RedisStore, settings: Any) -> CaseStore:
    return CaseStore(store, settings.missing_widen_s)


def _view(gate: Gate, cases: CaseStore, case: Case, now: datetime) -> dict[str, Any]:
    """The case as the reader may see it (reporter's and person's numbers masked unless
    the access table shows them; the read audited when it does)."""
    return gate.case_view(case_view(case, now, cases.timeline(case.id),
                                    cases.found_candidates(case.id)),
                          case_relation(gate.who, case))


def _report_address(report: Incident) -> str | None:
    """The report's address, else the first place its text names (as triage read it)."""
    if report.address:
        return report.address
    places = report.extracted.get("places") if isinstance(report.extracted, Mapping) else None
    for place in places if isinstance(places, (list, tuple)) else ():
        if isinstance(place, str) and place.strip():
            return place.strip()
    return None


def _last_seen(body: LastSeenIn | None, report: Incident | None, now: datetime) -> LastSeen:
    """Where and when, from the body; what it leaves out comes from the report: the time
    from triage's "N minutes ago" (else the call), the place from the report's location
    (else its address or the first place named)."""
    if report is None and (body is None or body.at is None):
        raise invalid("last_seen.at" if body else "last_seen",
                       "required when the case is not opened from a report (report_id)")
    at = body.at if body is not None and body.at is not None else \
        last_seen_from_report(report.extracted, report.received_at)  # type: ignore[union-attr]
    if at > now + CLOCK_SKEW:
        raise invalid("last_seen.at", "the last-seen time is in the future")
    loc = body.location if body else None
    address = body.address if body else None
    lat = lon = precinct = None
    if loc is not None or address:
        device = geo.DevicePoint(lat=loc.lat, lon=loc.lon, crs=loc.crs.value,
                                 accuracy_m=loc.accuracy_m) if loc else None
        placed = geo.locate(address or "", address=address, device=device).to_dict()
        lat, lon, precinct = placed.get("lat"), placed.get("lon"), placed.get("precinct")
    elif report is not None:
        where = report.location or {}
        address = _report_address(report)
        if where.get("lat") is not None:
            lat, lon, precinct = where["lat"], where["lon"], where.get("precinct")
        elif address:
            placed = geo.locate(address, address=address).to_dict()
            lat, lon, precinct = placed.get("lat"), placed.get("lon"), placed.get("precinct")
    if lat is None and not address:
        raise invalid("last_seen", "no place where the person was last seen"
                       + (f": report {report.id} is not placed and names no place"
                          if report is not None else "")
                       + "; give last_seen.address or last_seen.location")
    try:
        return LastSeen(at=at, lat=lat, lon=lon, precinct=precinct, address=address)
    except InvalidLastSeen as exc:
        raise invalid("last_seen", str(exc)) from None


def _person(given: PersonIn | None, report: Incident | None) -> Person:
    """The body's person; opened from a report, triage's description with the body's
    fields replacing its own. Nobody in particular (no name, gender, age, height, clothing,
    features or photo) is a 422 saying what to add."""
    fields = given.model_dump(exclude_none=True) if given is not None else {}
    if report is None and given is None:
        raise invalid("person", "required when the case is not opened from a report "
                                 "(report_id)")
    try:
        person = person_from_request(fields) if report is None else \
            complete_person(person_from_extracted(report.extracted), fields)
    except InvalidPerson as exc:
        raise invalid("person", str(exc)) from None
    if not is_described(person):
        source = f"report {report.id}'s triage extracted no description of the person; " \
            if report is not None else ""
        raise invalid("person", f"{source}give at least one of person.gender, person.age, "
                                 "person.height_cm, person.clothing, person.features, "
                                 "person.name")
    return person


def _report(store: RedisStore, report_id: str) -> Incident:
    try:
        report = store.load(report_id)
    except UnknownIncident:
        raise invalid("report_id", f"unknown report {report_id}") from None
    if report.status is Status.RECEIVED:
        raise HTTPException(409, f"report {report_id} is not triaged yet; try again in a "
                                 "moment")
    return report


@router.post("/v1/missing", status_code=201, response_model=None, responses={
    **ERRORS, 201: ok(CaseDetail, "the new case"),
    200: ok(CaseDetail, "the case already opened from that report")})
def create_case(body: CaseCreate, store: StoreDep, clock: ClockDep, settings: SettingsDep,
                gate: GateDep) -> Any:
    """Open a case at once (no waiting period); 200 with the existing case if the report
    was opened already. With ``report_id`` alone the person, the last-seen time and place
    and the reporter's phone come from the report and its triage."""
    who = gate.who
    now = clock.now()
    cases = _cases(store, settings)
    report = None
    if body.report_id:
        existing = cases.case_for_report(body.report_id)
        if existing:
            return JSONResponse(_view(gate, cases, cases.load(existing), now), status_code=200)
        report = _report(store, body.report_id)
    person = _person(body.person, report)
    last_seen = _last_seen(body.last_seen, report, now)
    reporter = Reporter(**body.reporter.model_dump(include={"name", "phone", "relation"})) \
        if body.reporter else None
    phone = (report.caller or {}).get("phone") if report is not None else None
    if reporter is None and isinstance(phone, str) and phone:
        reporter = Reporter(phone=phone)
    facts = Circumstances(**body.circumstances.model_dump(include=set(
        Circumstances.__dataclass_fields__))) if body.circumstances else Circumstances()
    for _ in range(8):
        case_id = new_id("MP", now)
        with _domain(case_id):
            events = open_case(case_id=case_id, person=person, last_seen=last_seen,
                               owner=who.actor, now=now, lookup=lookup, circumstances=facts,
                               reporter=reporter, report_id=body.report_id,
                               policy=target_policy(settings))
        guards: list[list[str]] = []
        ops: list[list[object]] = []
        notes: dict[str, list[Event]] = {}
        if body.report_id:
            guards.append(["idem", cases.report_key(body.report_id)])
            ops.append(["SET", cases.report_key(body.report_id), case_id])
            notes[body.report_id] = [Event(EventType.MISSING, body.report_id, now,
                                           actor=who.actor,
                                           data={"stage": "case_opened", "case_id": case_id})]
        try:
            case = cases.commit(None, events, actor=who.actor, now=now, incident_events=notes,
                                extra_ops=ops, extra_guards=guards)
        except Conflict as exc:
            if str(exc).startswith("exists") and body.report_id:
                return JSONResponse(_view(gate, cases, cases.load(
                    str(cases.case_for_report(body.report_id))), now), status_code=200)
            now = clock.now()
            continue
        return _view(gate, cases, case, now)
    raise Conflict("could not open the case; try again")


@router.get("/v1/missing", response_model=None,
            responses={**ERRORS, 200: ok(CaseList, "cases, newest first")})
def list_cases(store: StoreDep, clock: ClockDep, settings: SettingsDep, gate: GateDep,
               status: StatusFilter = StatusFilter.open,
               limit: int = Query(200, ge=1, le=1000)) -> dict[str, Any]:
    """Cases, newest first: ``open`` (not closed: open or located), ``closed`` or ``all``.
    A precinct token lists the cases last seen in its precinct, alerted to it or sent to
    it to verify."""
    cases = _cases(store, settings)
    now = clock.now()
    if status is StatusFilter.open:
        found = cases.open_cases()[::-1]
    else:
        ids = [str(i) for i in store.r.zrevrange(cases.all_key, 0, max(limit * 4, 200) - 1)]
        found = [c for c in cases.many(ids)
                 if status is StatusFilter.all or c.status.value == "closed"]
    shown = [(c, case_relation(gate.who, c)) for c in found]
    shown = [(c, rel) for c, rel in shown if gate.listed(rel)][:limit]
    items = gate.case_views([(list_item(c, now), rel) for c, rel in shown])
    return {"items": items, "count": len(items)}


@router.get("/v1/missing/kpis", response_model=None,
            responses={**ERRORS, 200: ok(MissingKpis, "figures per risk grade")})
def get_kpis(store: StoreDep, clock: ClockDep, settings: SettingsDep, gate: GateDep,
             days: int = Query(365, ge=1, le=3660)) -> dict[str, Any]:
    """Per risk grade over cases opened in the last ``days``: cases, closed, found,
    median time to found, share of decided targets met."""
    now = clock.now()
    found = _cases(store, settings).cases_between(now - timedelta(days=days), now)
    return {"days": days, **kpi_view(kpis_by_grade(found, now), found)}


@router.get("/v1/missing/{case_id}", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case")})
def get_case(case_id: str, store: StoreDep, clock: ClockDep, settings: SettingsDep,
             gate: GateDep) -> dict[str, Any]:
    """The case, risk and reasons, every target, linked reports, sightings, timeline.
    Another precinct's case is 403 (docs/api.md, "Access")."""
    cases = _cases(store, settings)
    with _domain(case_id):
        case = cases.load(case_id)
    gate.case(case)
    return _view(gate, cases, case, clock.now())


@router.post("/v1/missing/{case_id}/risk", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case")})
def override(case_id: str, body: RiskOverride, store: StoreDep, clock: ClockDep,
             settings: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """A supervisor sets the risk grade with a reason; open targets follow the new grade."""
    who = gate.who
    cases = _cases(store, settings)
    with _domain(case_id):
        case, _ = update(cases, case_id, lambda c: override_risk(
            c, RiskGrade(body.grade.value), by=who.actor, reason=body.reason, now=clock.now(),
            policy=target_policy(settings)), actor=who.actor, clock=clock)
    return _view(gate, cases, case, clock.now())


@router.post("/v1/missing/{case_id}/targets/{name}/meet", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case")})
def meet(case_id: str, name: Annotated[str, StringConstraints(max_length=64)],
         store: StoreDep, clock: ClockDep, settings: SettingsDep,
         gate: GateDep) -> dict[str, Any]:
    """Record a target met (search centre activated, a risk review, precinct dispatched)."""
    who = gate.who
    cases = _cases(store, settings)
    with _domain(case_id):
        case, _ = update(cases, case_id, lambda c: meet_target(
            c, name, now=clock.now(), by=who.actor, policy=target_policy(settings)),
            actor=who.actor, clock=clock)
    return _view(gate, cases, case, clock.now())


def _annotate(case_id: str, incident_id: str | None, stage: str, actor: str, now: datetime,
              **data: Any) -> dict[str, list[Event]]:
    if not incident_id:
        return {}
    return {incident_id: [Event(EventType.MISSING, incident_id, now, actor=actor,
                                data={"stage": stage, "case_id": case_id, **data})]}


@router.post("/v1/missing/{case_id}/close", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case")})
def close(case_id: str, body: CloseRequest, store: StoreDep, clock: ClockDep,
          settings: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """Close with an outcome; ``found_at`` (default: when located, or now) sets time to found."""
    who = gate.who
    cases = _cases(store, settings)
    with _domain(case_id):
        gate.case(cases.load(case_id))
        case, _ = update(
            cases, case_id, lambda c: close_case(c, body.outcome, now=clock.now(),
                                                 found_at=body.found_at, note=body.note),
            actor=who.actor, clock=clock,
            incident_events=lambda c, _e: _annotate(c.id, c.report_id, "case_closed",
                                                    who.actor, clock.now(),
                                                    outcome=body.outcome.value))
    return _view(gate, cases, case, clock.now())


def _verifier(gate: Gate, case: Case, incident_id: str) -> None:
    """The sighting's precinct (the one sent to verify) or the command centre; a sighting
    not linked to the case is 404 to those, 403 to every other precinct."""
    linked = next((s for s in case.sightings if s.incident_id == incident_id), None)
    gate.sighting(linked.precinct if linked else None)
    if linked is None:
        raise HTTPException(404, f"sighting {incident_id} is not linked to case {case.id}")


@router.post("/v1/missing/{case_id}/sightings/{incident_id}/confirm", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case")})
def confirm(case_id: str, incident_id: IncidentId, store: StoreDep, clock: ClockDep,
            settings: SettingsDep, gate: GateDep,
            body: Verification | None = None) -> dict[str, Any]:
    """The verifying officer found the person: the case is located (and closed if
    ``close_as`` is given)."""
    who = gate.who
    body = body or Verification()
    cases = _cases(store, settings)
    with _domain(case_id):
        _verifier(gate, cases.load(case_id), incident_id)

        def decide(c: Case) -> list[Any]:
            now = clock.now()
            events: list[Any] = [register_found(c, now=now, found_at=body.found_at,
                                                incident_id=incident_id, by=who.actor)]
            if body.close_as is not None:
                events.append(close_case(c, body.close_as, now=now, found_at=body.found_at,
                                         note=body.note))
            return events

        case, _ = update(cases, case_id, decide, actor=who.actor, clock=clock,
                         incident_events=lambda c, _e: _annotate(
                             c.id, incident_id, "verified", who.actor, clock.now(),
                             note=body.note))
    return _view(gate, cases, case, clock.now())


@router.post("/v1/missing/{case_id}/sightings/{incident_id}/dismiss", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case")})
def dismiss(case_id: str, incident_id: IncidentId, store: StoreDep, clock: ClockDep,
            settings: SettingsDep, gate: GateDep,
            body: Verification | None = None) -> dict[str, Any]:
    """The verifying officer found someone else: the sighting is dismissed."""
    who = gate.who
    note = body.note if body else ""
    cases = _cases(store, settings)
    with _domain(case_id):
        _verifier(gate, cases.load(case_id), incident_id)
        case, _ = update(cases, case_id, lambda c: dismiss_sighting(
            c, incident_id, now=clock.now(), by=who.actor, note=note),
            actor=who.actor, clock=clock,
            incident_events=lambda c, _e: _annotate(c.id, incident_id, "dismissed",
                                                    who.actor, clock.now(), note=note))
    return _view(gate, cases, case, clock.now())


def _linked(event: object) -> dict[str, Any]:
    assert isinstance(event, SightingLinked)
    return {"score": round(event.score, 3), "reasons": list(event.reasons), "auto": event.auto}


@router.post("/v1/missing/{case_id}/sightings/{incident_id}/link", response_model=None,
             responses={**ERRORS, 200: ok(CaseDetail, "the case with the sighting"),
                        422: {"description": "the report cannot be scored, or scores below 0.5"}})
def link(case_id: str, incident_id: IncidentId, store: StoreDep, clock: ClockDep,
         settings: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """Link a report the matcher did not link by itself (ambiguous, or below the automatic
    threshold but at least a candidate); its precinct is sent to verify."""
    who = gate.who
    incident = store.load(incident_id)
    location = incident.location or {}
    cases = _cases(store, settings)
    with _domain(case_id):
        sighting = sighting_from_report(
            incident_id=incident.id, at=incident.received_at, extracted=incident.extracted,
            lat=location.get("lat"), lon=location.get("lon"),
            precinct=incident.precinct or location.get("precinct"), text=incident.text)

        def decide(c: Case) -> list[Any]:
            now = clock.now()
            candidate = score(case_anchor(c), sighting_observation(sighting))
            events: list[Any] = [link_sighting(c, candidate, sighting, now=now, auto=False)]
            if sighting.precinct and any(t.name == PRECINCT_DISPATCHED and t.is_open
                                         for t in c.targets):
                events.append(meet_target(c, PRECINCT_DISPATCHED, now=now, by=who.actor,
                                          policy=target_policy(settings)))
            return events

        case, _ = update(cases, case_id, decide, actor=who.actor, clock=clock,
                         incident_events=lambda c, e: _annotate(
                             c.id, incident_id, "sighting_matched", who.actor, clock.now(),
                             **_linked(e[0])))
    return _view(gate, cases, case, clock.now())
