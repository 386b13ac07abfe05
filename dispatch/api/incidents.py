"""Reports, incidents and precincts over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

import geo
from dispatch import services
from dispatch.access import Field
from dispatch.api.deps import ClockDep, GateDep, PrincipalDep, StoreDep
from dispatch.api.reads import IncidentDetail, IncidentList, IncidentRead, IncidentSearch
from dispatch.api.responses import errors, invalid, ok
from dispatch.api.schemas import AwareDatetime, Precinct, ReportAccepted, ReportCreate
from dispatch.auth import Role
from dispatch.domain.errors import UnknownIncident
from dispatch.domain.events import iso
from dispatch.domain.incident import COMMAND_FEED, Status
from dispatch.domain.search import matches, parse_query

router = APIRouter(tags=["incidents"])

_ERRORS = errors()


@router.post("/v1/reports", status_code=202, response_model=ReportAccepted,
             responses={**_ERRORS, 413: {"description": "body over the limit"},
                        200: {"description": "a repeat of an accepted report: its current status",
                              "model": ReportAccepted},
                        409: {"description": "the source_id names a different report"},
                        422: {"description": "invalid report"}})
def post_report(body: ReportCreate, store: StoreDep, clock: ClockDep, who: PrincipalDep,
                response: Response) -> ReportAccepted:
    """Accept a report. Answers 202 only after it is durably appended to Redis.

    A repeat of an accepted report (same channel and ``source_id``, same content) answers
    200 with the incident's current status; a different report under a used
    ``source_id`` is a 409 naming the first incident, and nothing is written."""
    report = body.model_dump(mode="json", exclude_none=True)
    report["intake_actor"] = who.actor
    incident_id, received_at, created = store.intake(report, clock.now())
    if created:
        return ReportAccepted(id=incident_id, received_at=iso(received_at))
    response.status_code = 200
    return ReportAccepted(id=incident_id, received_at=iso(received_at),
                          status=store.load(incident_id).status.value)


@router.get("/v1/incidents/search", response_model=None, responses={
    200: ok(IncidentSearch, "the matching incidents, newest first"), **_ERRORS, 422: {"description": "nothing to search for, or a bad window"}})
def search_incidents(store: StoreDep, gate: GateDep,
                     q: str | None = Query(None, min_length=1, max_length=100),
                     since: Annotated[AwareDatetime | None, Query(alias="from")] = None,
                     until: Annotated[AwareDatetime | None, Query(alias="to")] = None,
                     precinct: str | None = Query(None, max_length=32),
                     limit: int = Query(50, ge=1, le=200)) -> dict[str, Any]:
    """Incidents by id (or its leading part), the caller's phone (or its last digits),
    words of the address or the report, received between ``from`` and ``to``; newest
    first. A precinct finds only its own and asked incidents (another ``precinct`` is
    403); the phone matches only incidents whose caller the reader may see."""
    text = (q or "").strip()
    if not text and since is None and until is None:
        raise invalid(("query", "q"), "give q (id, phone, address or words) or a time window "
                                         "(from, to)")
    if since is not None and until is not None and since > until:
        raise invalid(("query", "from"), "from is after to")
    if gate.who.role is Role.precinct:
        gate.scope(precinct)  # another precinct's is 403
        precinct = None  # its own and asked incidents: the gate leaves the others out
    query = parse_query(text) if text else None
    if query is not None and query.incident_id and len(query.incident_id) == 17:
        try:  # a whole id: one lookup
            found = [store.load(query.incident_id)]
        except UnknownIncident:
            found = []
    else:
        found = store.received_between(since, until)
    window = [i for i in found
              if (precinct is None or i.precinct == precinct)
              and (since is None or i.received_at >= since)
              and (until is None or i.received_at <= until)]
    items = [(i, rel) for i, rel in gate.incidents(window)
             if query is None or matches(i, query, phones=gate.shows(Field.phones, rel))]
    items = items[:limit]
    return {"items": gate.incident_views([(i.to_dict(), rel) for i, rel in items]),
            "count": len(items), "query": {"q": text or None,
                                           "kind": None if query is None else
                                           "id" if query.incident_id else
                                           "phone" if query.digits else "text"}}


@router.get("/v1/incidents/{incident_id}", response_model=None, responses={
    **_ERRORS, 404: {"description": "unknown"}, 200: ok(IncidentDetail, "the incident and its timeline")})
def get_incident(incident_id: str, store: StoreDep, gate: GateDep) -> dict[str, Any]:
    """The incident's current state and its whole timeline, oldest first; another
    precinct's incident is 403 (docs/api.md, "Access"). The caller's phone and name are
    masked (``caller_phone_hidden: true``) unless the reader calls back (a call-taker,
    the command centre, the incident's precinct); caller-history findings
    (``incident.synthesized``) are redacted for the others. Every read of either is
    audited."""
    incident = store.load(incident_id)
    relation = gate.incident(incident)
    state = incident.to_dict()
    state["timeline"] = gate.timeline(incident_id, relation, store.timeline(incident_id))
    return gate.incident_view(state, relation)


@router.get("/v1/incidents", response_model=None,
            responses={**_ERRORS, 200: ok(IncidentList, "the newest matching incidents")})
def list_incidents(store: StoreDep, gate: GateDep,
                   precinct: str | None = Query(None, max_length=32),
                   status: Status | None = None,
                   category: str | None = Query(None, pattern=r"^[a-z_0-9]{1,32}$"),
                   limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    """The newest incidents matching every given filter. A precinct token lists its own
    incidents and those its units were sent to (another ``precinct`` is 403)."""
    wanted = status.value if status else None
    items = store.query(precinct=gate.scope(precinct), status=wanted, category=category,
                        limit=limit)
    seen = {i.id for i in items}
    for incident_id in gate.asked_incidents():
        if incident_id not in seen:
            try:
                asked = store.load(incident_id)
            except UnknownIncident:
                continue
            if (wanted is None or asked.status.value == wanted) \
                    and (category is None or asked.category == category):
                items.append(asked)
    items.sort(key=lambda i: i.received_at, reverse=True)
    shown = gate.incidents(items[:limit])
    return {"items": gate.incident_views([(i.to_dict(), rel) for i, rel in shown]),
            "count": len(shown)}


@router.post("/v1/incidents/{incident_id}/ack", response_model=None, responses={
    **_ERRORS, 404: {"description": "unknown"}, 200: ok(IncidentRead, "the acknowledged incident")})
async def ack_incident(incident_id: str, store: StoreDep, clock: ClockDep,
                       gate: GateDep) -> dict[str, Any]:
    """Acknowledge an assignment (the same as the console's websocket ``ack``)."""
    who = gate.who
    incident = await run_in_threadpool(store.load, incident_id)
    await run_in_threadpool(gate.incident, incident)
    feed = who.precinct if who.role is Role.precinct and who.precinct else COMMAND_FEED
    state = await run_in_threadpool(services.acknowledge, store, incident_id, feed, who.actor,
                                    clock.now)
    return await run_in_threadpool(gate.answer, state)


@router.get("/v1/precincts", response_model=list[Precinct], responses=_ERRORS)
def list_precincts(who: PrincipalDep) -> list[Precinct]:
    """The precincts known to the service."""
    return [Precinct(id=p.id, name=p.name, district=p.district,
                     district_name=p.district_name, synthetic=p.synthetic)
            for p in geo.precincts()]
