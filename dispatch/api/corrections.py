"""A person's corrections over HTTP: 转派, fixing the location, 当场答复, 结案 codes,
and address suggestions for the consoles.

``POST /v1/incidents/{id}/reassign`` is the command centre's alone (audited on the
incident's timeline with the officer's name and reason, the ack clock re-armed);
fixing a location re-runs jurisdiction with ``geo.locate`` and routes again; an answer
closes a consultation or a P4 matter at once with a disposition from the registry.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool

import geo
from dispatch import places, services
from dispatch.api.deps import ClockDep, PrincipalDep, SettingsDep, StoreDep
from dispatch.api.lifecycle import ERRORS, release_units
from dispatch.api.schemas import AnswerRequest, LocationFix, Reassign
from dispatch.auth import Role, require, require_precinct_of
from dispatch.domain import corrections
from dispatch.domain.dispositions import DISPOSITIONS
from dispatch.domain.events import Event
from dispatch.domain.incident import COMMAND_FEED, Incident

router = APIRouter(tags=["command centre"])


def _invalid(loc: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", loc), "msg": message, "type": "value_error"}])


def _district(precinct: str) -> str | None:
    if precinct == COMMAND_FEED:
        return None
    try:
        return geo.precinct(precinct).district
    except geo.UnknownPrecinct:
        raise _invalid("precinct", f"unknown precinct {precinct!r}") from None


def _disposition(code: str, answer: bool = False) -> str:
    entry = DISPOSITIONS.get(code)
    if entry is None or (answer and not entry.answer):
        allowed = [d.code for d in DISPOSITIONS.values() if d.answer or not answer]
        raise _invalid("disposition", f"unknown disposition {code!r}; one of {', '.join(allowed)}")
    return code


@router.post("/v1/incidents/{incident_id}/reassign", responses=ERRORS)
def reassign(incident_id: str, body: Reassign, store: StoreDep, clock: ClockDep,
             cfg: SettingsDep, who: PrincipalDep) -> dict[str, Any]:
    """转派: give the incident to another precinct (command centre only); the new precinct's
    ack clock starts now; 409 once a unit is moving or when it is that precinct's already."""
    require(who, Role.command)
    district = _district(body.precinct)
    return services.decide_and_commit(store, incident_id, lambda inc: corrections.reassign(
        inc, body.precinct, district, body.reason, who.actor, clock.now(),
        cfg.ack_timeouts)).to_dict()


@router.post("/v1/incidents/{incident_id}/location", responses=ERRORS)
def fix_location(incident_id: str, body: LocationFix, store: StoreDep, clock: ClockDep,
                 cfg: SettingsDep, who: PrincipalDep) -> dict[str, Any]:
    """Fix the place (a map click or a picked gazetteer candidate): jurisdiction is judged
    again and, while nobody has moved, the incident goes to the precinct that contains it."""
    require(who, Role.command, Role.call_taker, Role.precinct)
    require_precinct_of(who, store.load(incident_id).precinct)
    try:
        device = geo.DevicePoint(lat=body.lat, lon=body.lon, crs=body.crs.value,
                                 accuracy_m=body.accuracy_m or 50.0)
        placed = geo.locate(device=device).to_dict()
    except geo.GeoError as exc:
        raise _invalid("lat", str(exc)) from None
    if placed.get("lat") is None:
        raise _invalid("lat", f"the point cannot be placed: {placed.get('reason')}")
    placed["source"] = "operator"
    if body.address:
        placed["address"] = body.address
    if body.place:
        placed["place"] = body.place
    reason = body.reason or ("picked " + body.place if body.place else "placed on the map")

    def decide(inc: Incident) -> list[Event]:
        return corrections.relocate(inc, placed, reason, who.actor, clock.now(),
                                    cfg.ack_timeouts)

    return services.decide_and_commit(store, incident_id, decide).to_dict()


@router.post("/v1/incidents/{incident_id}/answer", responses=ERRORS)
def answer(incident_id: str, body: AnswerRequest, store: StoreDep, clock: ClockDep,
           who: PrincipalDep) -> dict[str, Any]:
    """当场答复: close a consultation or a P4 matter with the answer given (409 for any
    other matter, or once a unit has moved)."""
    require(who, Role.call_taker, Role.command, Role.precinct)
    require_precinct_of(who, store.load(incident_id).precinct)
    code = _disposition(body.disposition, answer=True)
    state = services.decide_and_commit(store, incident_id, lambda inc: corrections.answer(
        inc, body.answer, code, who.actor, clock.now()))
    release_units(store, state, clock.now(), who.actor)
    return state.to_dict()


@router.get("/v1/dispositions", responses={401: ERRORS[401]})
def list_dispositions(who: PrincipalDep) -> dict[str, Any]:
    """The fixed registry of dispositions asked for at 结案 (``answer``: may close a
    matter answered at once)."""
    return {"items": [d.to_dict() for d in DISPOSITIONS.values()]}


@router.get("/v1/geo/suggest", tags=["geo"], responses={401: ERRORS[401], 403: ERRORS[403]})
async def suggest(who: PrincipalDep,
                  q: str = Query(..., min_length=1, max_length=200,
                                 description="what was typed in the address field"),
                  limit: int = Query(8, ge=1, le=20)) -> dict[str, Any]:
    """Where the typed address lands (``located``), whether that is precise enough to
    dispatch (``precise``), and gazetteer places to pick instead (``candidates``)."""
    require(who, Role.call_taker, Role.command, Role.precinct)
    if not q.strip() or "\x00" in q:
        raise RequestValidationError([{"loc": ("query", "q"), "type": "value_error",
                                       "msg": "must contain something other than whitespace"}])
    return await run_in_threadpool(places.suggest, q.strip(), limit)
