"""The command centre's corrections over HTTP: 转派, address suggestions, 定位修正."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

import geo
from dispatch import services
from dispatch.api.deps import ClockDep, GateDep, PrincipalDep, SettingsDep, StoreDep
from dispatch.api.lifecycle import ERRORS
from dispatch.api.reads import IncidentRead, Suggestions
from dispatch.api.responses import errors, invalid, ok
from dispatch.api.schemas import LocationFix, ReassignRequest
from dispatch.domain import corrections
from geo import suggest as suggestions

router = APIRouter(tags=["corrections"])
_ERRORS = errors(not_found="unknown incident", conflict="not allowed in the incident's status",
                 invalid="unknown precinct or candidate, a missing reason, a bad point")




@router.post("/v1/incidents/{incident_id}/reassign", response_model=None,
             responses={**_ERRORS, 200: ok(IncidentRead, "the reassigned incident")})
def reassign(incident_id: str, body: ReassignRequest, store: StoreDep, clock: ClockDep,
             cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """转派: hand the incident to another precinct (command centre only). The new precinct
    gets it on its feed with a fresh ack clock; the old one sees it leave. Audited with
    the officer's name and the reason."""
    try:
        target = geo.precinct(body.precinct)
    except geo.UnknownPrecinct:
        raise invalid(("body", "precinct"), f"unknown precinct {body.precinct!r}") from None
    who = gate.who
    return gate.answer(services.decide_and_commit(store, incident_id, lambda inc: corrections.reassign(
        inc, target.id, target.district, body.reason.strip(), who.actor, who.name,
        clock.now(), cfg.ack_timeouts)))


@router.get("/v1/geo/suggest", tags=["geo"], response_model=None, responses={
    200: ok(Suggestions, "gazetteer places and the placement of the text"), 401: ERRORS[401], 422: {"description": "an empty or over-long query"}})
async def suggest(who: PrincipalDep, q: str = Query(..., min_length=1, max_length=100),
                  limit: int = Query(10, ge=1, le=50)) -> dict[str, Any]:
    """Address suggestions from the offline gazetteer while a person types, and how the
    text alone would be placed (``level``/``precise``: the intake console warns
    "未能精确定位" before submitting when it is not ``precinct``)."""
    try:
        found = await run_in_threadpool(suggestions.suggest, q, limit)
    except geo.GeoError as exc:
        raise invalid(("query", "q"), str(exc)) from None
    return found.to_dict()


def _fixed_location(body: LocationFix) -> dict[str, Any]:
    if body.candidate is not None:
        try:
            chosen = suggestions.place(body.candidate)
        except geo.GeoError as exc:
            raise invalid(("body", "candidate"), str(exc)) from None
        return suggestions.fix(chosen.lat, chosen.lon, chosen.radius_m, town=chosen.town,
                               source="gazetteer",
                               matched=(f"{chosen.kind}:{chosen.name}",)).to_dict()
    assert body.lat is not None and body.lon is not None  # the schema demands a point
    try:
        lat, lon = geo.to_wgs84(body.lat, body.lon, body.crs.value)
    except geo.GeoError as exc:
        raise invalid(("body", "lat"), str(exc)) from None
    return suggestions.fix(lat, lon, body.radius_m, source="manual",
                           matched=("map",)).to_dict()


@router.post("/v1/incidents/{incident_id}/location", response_model=None,
             responses={**_ERRORS, 200: ok(IncidentRead, "the relocated incident")})
def fix_location(incident_id: str, body: LocationFix, store: StoreDep, clock: ClockDep,
                 cfg: SettingsDep, gate: GateDep) -> dict[str, Any]:
    """定位修正: fix the place by a map point or a suggested candidate. Jurisdiction is
    judged again and, when the place belongs to another precinct and no unit is on its
    way yet, the incident is routed there (fresh ack clock)."""
    store.load(incident_id)  # 404 before any geo work
    location = _fixed_location(body)
    reason = body.reason.strip() if body.reason and body.reason.strip() else None
    who = gate.who
    return gate.answer(services.decide_and_commit(store, incident_id, lambda inc: corrections.relocate(
        inc, location, reason, who.actor, who.name, clock.now(), cfg.ack_timeouts)))
