"""Working an incident: status, triage override, duplicates, callbacks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

import triage
from dispatch import services, stages
from dispatch.adapters.unit_store import UnitStore
from dispatch.api.deps import ClockDep, GateDep, PrincipalDep, SettingsDep, StoreDep
from dispatch.api.reads import DispositionList, DuplicateList, IncidentRead
from dispatch.api.responses import errors, invalid, ok
from dispatch.api.schemas import (
    AnswersCreate,
    CallbackCreate,
    DetailsCreate,
    MergeRequest,
    OnSpotAnswer,
    SplitRequest,
    StatusChange,
    TriageOverride,
    TriagePreview,
    TriageRead,
)
from dispatch.domain import closing, decisions, duplicates, merging
from dispatch.domain.errors import UnknownIncident
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident, Status
from dispatch.domain.units import UnitStatus, move
from triage.errors import InvalidAnswer

router = APIRouter(tags=["lifecycle"])
ERRORS = errors(not_found="unknown incident", conflict="not allowed in the incident's status")




def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise invalid("status", f"unknown status {value!r}; one of "
                                 f"{', '.join(s.value for s in Status)}") from None


def _check_codes(body: TriageOverride) -> None:
    if body.category not in triage.CATEGORIES:
        raise invalid("category", f"unknown category {body.category!r}")
    if body.priority not in triage.PRIORITIES:
        raise invalid("priority", f"unknown priority {body.priority!r}")
    unknown = [f for f in body.flags if f not in triage.FLAGS]
    if unknown:
        raise invalid("flags", f"unknown flags {unknown}")
    # Taxonomy safety rule: urgent matters are never answered as consultations or transfers.
    if body.priority in ("P1", "P2") and body.category in ("non_police", "consultation"):
        raise invalid("priority", f"a {body.priority} incident cannot be {body.category}")


def _release_units(store: Any, incident: Incident, at: Any, actor: str) -> None:
    if incident.is_open or not incident.units:
        return
    units = UnitStore(store)
    for unit_id in incident.units:
        unit = units.load(unit_id)
        if unit.incident_id == incident.id and unit.status is not UnitStatus.available:
            units.save(unit, move(unit, UnitStatus.available, at), "status", at, actor)


@router.post("/v1/incidents/{incident_id}/status", response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the incident after the move")})
def change_status(incident_id: str, body: StatusChange, store: StoreDep, clock: ClockDep,
                  gate: GateDep) -> dict[str, Any]:
    """Move the incident through its lifecycle (409 names the allowed moves). 结案
    (``closed``) needs a ``disposition`` of the registry (422 names the codes)."""
    who = gate.who
    gate.incident(store.load(incident_id))
    wanted = _status(body.status)
    if body.disposition is not None and wanted is not Status.CLOSED:
        raise invalid("disposition", "a disposition is given only when closing (结案)")

    def decide(incident: Incident) -> list[Event]:
        if wanted is Status.CLOSED:
            return closing.close(incident, body.disposition, body.reason, who.actor, who.name,
                                 clock.now())
        return [Event(EventType.STATUS_CHANGED, incident.id, clock.now(), actor=who.actor,
                      data={"status": wanted.value, "reason": body.reason,
                            "previous": incident.status.value})]

    state = services.decide_and_commit(store, incident_id, decide)
    _release_units(store, state, clock.now(), who.actor)
    return gate.answer(state)


@router.post("/v1/incidents/{incident_id}/answer-on-spot", response_model=None, responses={
    **ERRORS, 422: {"description": "an empty or over-long answer"},
    200: ok(IncidentRead, "the incident, closed as answered")})
def answer_on_spot(incident_id: str, body: OnSpotAnswer, store: StoreDep, clock: ClockDep,
                   gate: GateDep) -> dict[str, Any]:
    """当场答复: a consultation or a P4 matter answered at once; the incident closes with
    disposition ``answered`` (409 for anything else, or once a unit has set out)."""
    who = gate.who
    gate.incident(store.load(incident_id))
    state = services.decide_and_commit(store, incident_id, lambda inc: closing.answer_on_spot(
        inc, body.answer.strip(), who.actor, who.name, clock.now()))
    _release_units(store, state, clock.now(), who.actor)
    return gate.answer(state)


@router.get("/v1/dispositions", response_model=None,
            responses={401: ERRORS[401], 200: ok(DispositionList, "the disposition registry")})
def list_dispositions(who: PrincipalDep) -> dict[str, Any]:
    """The fixed registry of dispositions (结案 needs one): code, Chinese label, EIDO text."""
    items = [d.to_dict() for d in closing.DISPOSITIONS.values()]
    return {"items": items, "count": len(items)}


@router.post("/v1/incidents/{incident_id}/triage", response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the re-triaged incident")})
def override_triage(incident_id: str, body: TriageOverride, store: StoreDep, clock: ClockDep,
                    cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """A call-taker's override of the automatic triage, recorded with who and why; the
    assignment is renewed (and the ack clock restarted) when the priority changes."""
    _check_codes(body)
    return gate.answer(services.decide_and_commit(store, incident_id, lambda inc: decisions.retriage(
        inc, body.category, body.priority, body.flags, body.reason, gate.who.actor, clock.now(),
        cfg.ack_timeouts)))


@router.post("/v1/triage/preview", tags=["triage"], response_model=TriageRead,
             responses={401: ERRORS[401], 403: ERRORS[403]})
async def preview(body: TriagePreview, who: PrincipalDep) -> dict[str, Any]:
    """The triage of a text without creating anything (the intake console's live preview)."""
    try:
        result = await run_in_threadpool(triage.classify, body.text, body.channel.value,
                                         body.answers)
    except InvalidAnswer as exc:
        raise invalid("answers", str(exc)) from None
    return result.to_dict()


@router.post("/v1/incidents/{incident_id}/answers", tags=["triage"], response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the incident with the answers"),
                        422: {"description": "an unknown question or an answer of the wrong kind"}})
def answer_questions(incident_id: str, body: AnswersCreate, store: StoreDep, clock: ClockDep,
                     cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """The caller's answers to key questions (要素追问): recorded with who answered, the
    incident re-triaged deterministically from its text and every answer so far, and
    re-routed (new ack clock) when the priority rose. Answers never lower a priority."""
    who = gate.who
    gate.incident(store.load(incident_id))
    try:
        given = triage.questions.check_answers(body.answers)
    except InvalidAnswer as exc:
        raise invalid("answers", str(exc)) from None

    def decide(incident: Incident) -> list[Event]:
        result = stages.classify(incident.full_text, incident.channel,
                                 {**incident.answers, **given})
        return decisions.answer(incident, given, result, who.actor, clock.now(),
                                cfg.ack_timeouts)

    return gate.answer(services.decide_and_commit(store, incident_id, decide))


@router.post("/v1/incidents/{incident_id}/details", tags=["triage"], response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the incident with the details")})
def add_details(incident_id: str, body: DetailsCreate, store: StoreDep, clock: ClockDep,
                cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """What the caller said after a preliminary dispatch (先期处置): the call-taker sent
    the incident as soon as the place and a P1 cue were known and went on asking. Appends
    ``incident.details_added`` with who typed it, re-triages the report's text with every
    detail and answer so far, and — when that raises the priority, adds flags or changes
    the open questions — ``incident.retriaged`` (``reason: details``) and a renewed
    assignment when the priority rose. Details never lower a priority."""
    who = gate.who
    gate.incident(store.load(incident_id))
    text = body.text.strip()

    def decide(incident: Incident) -> list[Event]:
        result = stages.classify(f"{incident.full_text}\n{text}", incident.channel,
                                 dict(incident.answers))
        return decisions.add_details(incident, text, result, who.actor, clock.now(),
                                     cfg.ack_timeouts)

    return gate.answer(services.decide_and_commit(store, incident_id, decide))


@router.get("/v1/incidents/{incident_id}/duplicates", response_model=None,
            responses={**ERRORS, 200: ok(DuplicateList, "possible duplicates, best first")})
def list_duplicates(incident_id: str, store: StoreDep, gate: GateDep) -> dict[str, Any]:
    """Open incidents this one may duplicate, best first, with the reasons (ids and
    scores only: reading a candidate is a request of its own)."""
    incident = store.load(incident_id)
    gate.incident(incident)
    loc = incident.location or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return {"items": [], "reason": "the incident has no location yet"}
    radius = float(loc.get("radius_m") or 0)
    near = [(o, d) for o, d in store.open_near(loc["lat"], loc["lon"],
                                               duplicates.search_radius_m(radius))
            if o.id != incident.id]
    ranked = duplicates.rank(incident.text, incident.category, (loc["lat"], loc["lon"]), radius,
                             incident.received_at, [o for o, _ in near],
                             {o.id: d for o, d in near})
    return {"items": [c.to_dict() for c in ranked]}


@router.post("/v1/incidents/{incident_id}/merge", response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the incident merged into the other")})
def merge(incident_id: str, body: MergeRequest, store: StoreDep, clock: ClockDep,
          cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """Merge this incident into ``into`` as one more caller; returns the parent."""
    for _ in range(8):
        child, parent = store.load(incident_id), store.load(body.into)
        child_events, parent_events = merging.merge(
            child, parent, clock.now(), gate.who.actor, {"reason": body.reason},
            cfg.ack_timeouts)
        try:
            _, after = store.commit_many([(child, child_events), (parent, parent_events)])
        except services.Conflict:
            continue
        return gate.answer(after)
    raise services.Conflict(f"incidents {incident_id} and {body.into} are changing too fast")


@router.post("/v1/incidents/{incident_id}/split", response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the report, an incident of its own again")})
def split(incident_id: str, body: SplitRequest, store: StoreDep, clock: ClockDep,
          cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """Undo a merge (EIDO split): the merged report becomes an incident of its own again,
    routed to the precinct of its own location with a fresh ack clock; its former parent
    counts one caller fewer and keeps what the caller raised. Recorded on both timelines
    with who and why. 409 when the report is not merged."""
    for _ in range(8):
        child = store.load(incident_id)
        gate.incident(child)
        try:
            parent = store.load(child.merged_into) if child.merged_into else None
        except UnknownIncident:
            parent = None
        child_events, parent_events = merging.split(child, parent, clock.now(),
                                                    gate.who.actor, body.reason,
                                                    cfg.ack_timeouts)
        changes = [(child, child_events)]
        if parent is not None:
            changes.append((parent, parent_events))
        try:
            after = store.commit_many(changes)[0]
        except services.Conflict:
            continue
        return gate.answer(after)
    raise services.Conflict(f"incident {incident_id} is changing too fast")


@router.post("/v1/incidents/{incident_id}/callback", response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the incident with its callback")})
def callback(incident_id: str, body: CallbackCreate, store: StoreDep, clock: ClockDep,
             gate: GateDep) -> dict[str, Any]:
    """Record the caller's satisfaction (回访): the command centre or the incident's
    precinct (not the call-taker); a dissatisfied callback goes to the precinct's
    supervisor."""
    who = gate.who
    gate.incident(store.load(incident_id))

    def decide(incident: Incident) -> list[Event]:
        data = {"satisfaction": body.satisfaction.value, "comment": body.comment}
        if body.satisfaction.value == "dissatisfied":
            data["route_to"] = f"supervisor:{incident.precinct}"
        return [Event(EventType.CALLBACK, incident.id, clock.now(), actor=who.actor, data=data)]

    return gate.answer(services.decide_and_commit(store, incident_id, decide))
