"""接警即合成 over HTTP: the call-taker's preview, an incident's findings, premise notes
(警情地址标注) and the watch list. Access rules: docs/synthesis.md."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Response

import geo
from dispatch import stages
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.synthesis_store import SynthesisStore
from dispatch.api.deps import ClockDep, GateDep, PrincipalDep, StoreDep
from dispatch.api.gate import Gate
from dispatch.api.responses import errors, ok
from dispatch.api.synthesis_reads import (
    IncidentSynthesis,
    PremiseNoteList,
    PremiseNoteRead,
    SeriesList,
    SynthesisPreviewRead,
    WatchlistLoaded,
)
from dispatch.api.synthesis_schemas import NoteCreate, NoteUpdate, SynthesisPreview, WatchLoad
from dispatch.auth import Role
from dispatch.domain.events import EventType
from dispatch.synthesis.callers import normalise_phone
from dispatch.synthesis.errors import InvalidNote, InvalidPlate, UnknownNote
from dispatch.synthesis.model import PremiseNote, WatchEntry
from dispatch.synthesis.plates import normalise_plate
from geo.jurisdiction import judge

router = APIRouter(tags=["synthesis"])
_ERRORS = errors(invalid="malformed phone, plate, radius, place or expiry (the message says which)")
NOTE_MAX_DAYS = 730  # a note is reviewed at least every two years


def _synthesis(store: RedisStore) -> SynthesisStore:
    return SynthesisStore(store)


@router.post("/v1/synthesis/preview", response_model=None,
             responses={**_ERRORS, 200: ok(SynthesisPreviewRead, "the findings; nothing stored")})
def preview(body: SynthesisPreview, store: StoreDep, clock: ClockDep,
            who: PrincipalDep) -> dict[str, Any]:
    """The findings for what the call-taker has typed (phone, place, text); creates nothing.

    Reading the caller's history is audited (``caller_history.read``)."""
    started = time.perf_counter()
    if body.phone is not None:
        normalise_phone(body.phone)  # 422 with a message before any work
    now = clock.now()
    syn = _synthesis(store)
    triage = stages.classify(body.text, body.channel.value) if body.text.strip() else {
        "category": None, "priority": None, "flags": []}
    report = {"text": body.text, "address": body.address,
              "location": body.location.model_dump(mode="json") if body.location else None}
    located = stages.locate(report, triage.get("extracted", {})) \
        if body.location or body.address or body.text.strip() else {}
    subject = syn.subject(None, now, triage, located, body.phone, body.text)
    result = syn.synthesize(subject)
    if subject.caller_key:
        syn.audit(now, who.actor, "caller_history.read", f"caller:{subject.caller_key}",
                  {"via": "preview", "found": sum(1 for f in result.findings if f.private)})
    loc = {k: located.get(k) for k in ("lat", "lon", "radius_m", "precinct", "precinct_name",
                                       "in_jurisdiction")} if located else None
    return {**result.to_dict(), "location": loc,
            "triage": {k: triage.get(k) for k in ("category", "priority", "flags")},
            "took_ms": round((time.perf_counter() - started) * 1000, 1)}


@router.get("/v1/incidents/{incident_id}/synthesis", response_model=None, responses={
    **_ERRORS, 200: ok(IncidentSynthesis, "the latest findings"), 404: {"description": "unknown incident"}})
def incident_synthesis(incident_id: str, store: StoreDep, gate: GateDep) -> dict[str, Any]:
    """The incident's findings (the latest ``incident.synthesized``), caller history
    included: call-takers, command and the assigned precinct only (403 otherwise)."""
    incident = store.load(incident_id)
    gate.incident(incident)
    events = [e for e in store.timeline(incident_id) if e["type"] == EventType.SYNTHESIZED.value]
    if not events:
        return {"incident_id": incident_id, "synthesized_at": None, "findings": [], "marks": []}
    last = events[-1]
    private = sum(1 for f in last["payload"].get("findings", []) if f.get("private"))
    if private:
        gate.audit("caller_history.read", f"incident:{incident_id}",
                   {"via": "synthesis", "findings": private})
        gate.flush()
    return {"incident_id": incident_id, "synthesized_at": last["at"], **last["payload"]}


# -- series ----------------------------------------------------------------------------

@router.get("/v1/synthesis/series", response_model=None,
            responses={**_ERRORS, 200: ok(SeriesList, "series with a member in the window")})
def list_series(store: StoreDep, clock: ClockDep, gate: GateDep,
                days: int = Query(7, ge=1, le=90, description="members received in the last N days"),
                precinct: str | None = Query(None, pattern=r"^[A-Za-z0-9_\-]{1,32}$")
                ) -> dict[str, Any]:
    """Active series (系列案): same category within the series radius and window, as the
    series findings linked them, newest first. Command sees every series (or one
    precinct's with ``?precinct=``); a precinct token sees the series with a member in its
    own precinct, and only its own members (``omitted`` counts the rest)."""
    scope = gate.scope(precinct)
    own = scope if gate.who.role is Role.precinct else None
    items = _synthesis(store).series(clock.now() - timedelta(days=days), scope, own)
    return {"items": items, "count": len(items), "days": days}


# -- premise notes ---------------------------------------------------------------------

def _load_note(store: RedisStore, note_id: str, gate: Gate) -> PremiseNote:
    """Notes are the owning precinct's; command sees and changes all."""
    note = _synthesis(store).note(note_id)
    if note is None:
        raise UnknownNote(note_id)
    gate.precinct(note.precinct)
    return note


def _check_expiry(expires_at: datetime, now: datetime) -> None:
    if expires_at <= now:
        raise InvalidNote("expires_at: must be in the future")
    if expires_at > now + timedelta(days=NOTE_MAX_DAYS):
        raise InvalidNote(f"expires_at: at most {NOTE_MAX_DAYS} days ahead (review the note then)")


@router.post("/v1/synthesis/notes", status_code=201, response_model=None,
             responses={**_ERRORS, 201: ok(PremiseNoteRead, "the note")})
def create_note(body: NoteCreate, store: StoreDep, clock: ClockDep,
                gate: GateDep) -> dict[str, Any]:
    """Register a premise note (警情地址标注) for a place inside the city; audited. A
    precinct files notes of its own, for points inside its own area."""
    who = gate.who
    now = clock.now()
    _check_expiry(body.expires_at, now)
    lat, lon = geo.to_wgs84(body.lat, body.lon, body.crs.value)
    place = judge(lat, lon, 0.0)
    if not place.in_jurisdiction or place.precinct is None:
        raise InvalidNote(f"lat/lon: ({lat:.5f}, {lon:.5f}) lies outside the city's precincts; "
                          "a note is only kept for a place the centre dispatches to")
    owner = body.precinct or (who.precinct if who.role is Role.precinct else place.precinct.id)
    if owner not in {p.id for p in geo.precincts()}:
        raise InvalidNote(f"precinct: unknown precinct {owner!r}")
    gate.precinct(owner)
    gate.precinct(place.precinct.id)  # a precinct's note lies inside its own area
    note = PremiseNote(id=SynthesisStore.new_note_id(now), precinct=owner, lat=lat, lon=lon,
                       radius_m=body.radius_m, kind=body.kind.value, text=body.text,
                       created_at=now, expires_at=body.expires_at, created_by=who.actor)
    return _synthesis(store).save_note(note, who.actor, now).to_dict()


@router.get("/v1/synthesis/notes", response_model=None,
            responses={**_ERRORS, 200: ok(PremiseNoteList, "live notes")})
def list_notes(store: StoreDep, clock: ClockDep, gate: GateDep,
               precinct: str | None = Query(None, pattern=r"^[A-Za-z0-9_\-]{1,32}$")
               ) -> dict[str, Any]:
    """Live notes: a precinct's own (a precinct token), or all / one precinct's (command)."""
    scope = gate.scope(precinct)
    items = [n.to_dict() for n in _synthesis(store).notes(scope, clock.now())]
    return {"items": items, "count": len(items)}


@router.get("/v1/synthesis/notes/{note_id}", response_model=None, responses={
    **_ERRORS, 200: ok(PremiseNoteRead, "the note"), 404: {"description": "unknown"}})
def get_note(note_id: str, store: StoreDep, gate: GateDep) -> dict[str, Any]:
    return _load_note(store, note_id, gate).to_dict()


@router.patch("/v1/synthesis/notes/{note_id}", response_model=None, responses={
    **_ERRORS, 200: ok(PremiseNoteRead, "the changed note"), 404: {"description": "unknown"}})
def update_note(note_id: str, body: NoteUpdate, store: StoreDep, clock: ClockDep,
                gate: GateDep) -> dict[str, Any]:
    """Change a note's radius, kind, text or expiry; audited with the previous version."""
    who = gate.who
    note = _load_note(store, note_id, gate)
    now = clock.now()
    if body.expires_at is not None:
        _check_expiry(body.expires_at, now)
    changed = replace(note, radius_m=body.radius_m if body.radius_m is not None else note.radius_m,
                      kind=body.kind.value if body.kind is not None else note.kind,
                      text=body.text if body.text is not None else note.text,
                      expires_at=body.expires_at or note.expires_at, updated_at=now)
    return _synthesis(store).save_note(changed, who.actor, now, previous=note).to_dict()


@router.delete("/v1/synthesis/notes/{note_id}", status_code=204,
               responses={**_ERRORS, 404: {"description": "unknown"}})
def delete_note(note_id: str, store: StoreDep, clock: ClockDep, gate: GateDep) -> Response:
    note = _load_note(store, note_id, gate)
    _synthesis(store).delete_note(note, gate.who.actor, clock.now())
    return Response(status_code=204)


# -- watch list ------------------------------------------------------------------------

@router.post("/v1/synthesis/watchlist", response_model=None,
             responses={**_ERRORS, 200: ok(WatchlistLoaded, "what was loaded")})
def load_watchlist(body: WatchLoad, store: StoreDep, clock: ClockDep,
                   who: PrincipalDep) -> dict[str, Any]:
    """Load a page of watched plates (布控 / 被盗抢车辆); command only; audited."""
    now = clock.now()
    entries = []
    for i, e in enumerate(body.entries):
        try:
            plate = normalise_plate(e.plate)
        except InvalidPlate as exc:
            raise InvalidPlate(f"entries[{i}].{exc}") from None
        entries.append(WatchEntry(plate=plate, list=e.list.value, reason=e.reason,
                                  reference=e.reference, added_at=now, expires_at=e.expires_at))
    count = _synthesis(store).load_watch(entries, who.actor, now, replace_all=body.replace,
                                         source=body.source)
    return {"loaded": len(entries), "count": count}
