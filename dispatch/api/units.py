"""Units: positions, status, recommendations and assignment to incidents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

import geo
from dispatch import services
from dispatch.adapters.unit_store import UnitStore
from dispatch.api.deps import ClockDep, GateDep, StoreDep
from dispatch.api.lifecycle import ERRORS
from dispatch.api.reads import IncidentRead, RecommendationList, UnitList, UnitRead
from dispatch.api.responses import invalid, ok
from dispatch.api.schemas import Position, UnitAssign, UnitStatusChange
from dispatch.domain.errors import Conflict, InvalidTransition
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident
from dispatch.domain.units import TravelModel, UnitStatus, move, recommend, reposition

router = APIRouter(tags=["units"])
MODEL = TravelModel()


@router.get("/v1/units", response_model=None,
            responses={**ERRORS, 200: ok(UnitList, "units with status and position")})
def list_units(store: StoreDep, gate: GateDep,
               precinct: str | None = Query(None, max_length=32)) -> dict[str, Any]:
    """Units with status and position; a precinct token lists its own units (another
    ``precinct`` is 403)."""
    units = UnitStore(store).all(gate.scope(precinct))
    return {"items": [u.to_dict() for u in units], "count": len(units)}


@router.post("/v1/units/{unit_id}/position", response_model=None,
             responses={**ERRORS, 200: ok(UnitRead, "the unit at its new position")})
def update_position(unit_id: str, body: Position, store: StoreDep, clock: ClockDep,
                    gate: GateDep) -> dict[str, Any]:
    """A unit's new position, in WGS-84, GCJ-02 or BD-09 (stored as WGS-84)."""
    who = gate.who
    units = UnitStore(store)
    unit = units.load(unit_id)
    gate.unit(unit)
    try:
        lat, lon = geo.to_wgs84(body.lat, body.lon, body.crs.value)
    except geo.GeoError as exc:
        raise invalid("lat", str(exc)) from None
    at = clock.now()
    return units.save(unit, reposition(unit, lat, lon, at), "position", at, who.actor).to_dict()


@router.post("/v1/units/{unit_id}/status", response_model=None,
             responses={**ERRORS, 200: ok(UnitRead, "the unit in its new status")})
def update_unit_status(unit_id: str, body: UnitStatusChange, store: StoreDep, clock: ClockDep,
                       gate: GateDep) -> dict[str, Any]:
    """A unit's new status (``dispatched`` only through an assignment)."""
    who = gate.who
    units = UnitStore(store)
    unit = units.load(unit_id)
    gate.unit(unit)
    try:
        wanted = UnitStatus(body.status)
    except ValueError:
        raise invalid("status", f"unknown unit status {body.status!r}") from None
    if wanted is UnitStatus.dispatched:
        raise InvalidTransition(unit.status.value, "dispatched",
                                ["use POST /v1/incidents/{id}/units"])
    at = clock.now()
    return units.save(unit, move(unit, wanted, at), "status", at, who.actor).to_dict()


@router.get("/v1/incidents/{incident_id}/recommendations", response_model=None, responses={
    **ERRORS, 200: ok(RecommendationList, "available units by estimated arrival")})
def recommendations(incident_id: str, store: StoreDep, gate: GateDep) -> dict[str, Any]:
    """Available units ranked by estimated arrival (neighbouring precincts included for
    the command centre; a precinct is offered its own units, another precinct's go
    through the command centre); none for a place outside the jurisdiction
    (``reason: out_of_area``)."""
    incident = store.load(incident_id)
    gate.incident(incident)
    loc = incident.location or {}
    if loc.get("lat") is None or loc.get("lon") is None:
        return {"items": [], "reason": "the incident has no location yet"}
    if loc.get("out_of_area") or loc.get("in_jurisdiction") is False \
            or "out_of_area" in incident.flags:
        # Our patrol cars do not drive to another city (the forum case was offered cars
        # 1,280 km away): the matter is handed over to the agency that covers the place.
        return {"items": [], "reason": "out_of_area",
                "message": "the place lies outside the jurisdiction: hand it over to the "
                           "agency that covers it"}
    pool = UnitStore(store).all(gate.who.precinct if gate.own_units() else None)
    ranked = recommend((loc["lat"], loc["lon"]), loc.get("district"), pool, MODEL)
    return {"items": [r.to_dict() for r in ranked], "model": {
        "urban_kmh": MODEL.urban_kmh, "rural_kmh": MODEL.rural_kmh,
        "urban_detour": MODEL.urban_detour, "rural_detour": MODEL.rural_detour,
        "turnout_s": MODEL.turnout_s}}


@router.post("/v1/incidents/{incident_id}/units", response_model=None,
             responses={**ERRORS, 200: ok(IncidentRead, "the incident with its units")})
def assign_unit(incident_id: str, body: UnitAssign, store: StoreDep, clock: ClockDep,
                gate: GateDep) -> dict[str, Any]:
    """Send a unit: the unit goes ``dispatched`` and the incident records it, atomically.
    A precinct sends its own units to its own incidents; another precinct's unit is the
    command centre's to send (403)."""
    who = gate.who
    units = UnitStore(store)
    for _ in range(8):
        incident: Incident = store.load(incident_id)
        gate.incident(incident)
        unit = units.load(body.unit_id)
        if unit.precinct != incident.precinct:  # cross-precinct dispatch: command only
            gate.variant("another precinct's unit").unit(unit)
        if unit.status is not UnitStatus.available:
            raise InvalidTransition(unit.status.value, "dispatched", ["available"])
        at = clock.now()
        moved = move(unit, UnitStatus.dispatched, at, incident_id=incident.id)
        loc = incident.location or {}
        eta = None
        if unit.lat is not None and loc.get("lat") is not None:
            best = recommend((loc["lat"], loc["lon"]), loc.get("district"), [unit], MODEL)
            eta = best[0].eta_s if best else None
        event = Event(EventType.UNIT_ASSIGNED, incident.id, at, actor=who.actor,
                      data={"unit_id": unit.id, "unit_precinct": unit.precinct,
                            "eta_s": round(eta) if eta else None})
        try:
            state = store.commit(incident, [event], extra_guards=[units.guard(unit)],
                                 extra_ops=units.write_ops(moved, "status", at, who.actor))
        except Conflict:
            continue
        return gate.answer(state)
    raise services.Conflict(f"incident {incident_id} is changing too fast; try again")
