"""Hand-offs over HTTP: the list, and the receiving agency's acknowledgment and outcome.

An agency answers with a request signed with its shared secret (see
``dispatch.handoff.signing`` and docs/handoff.md): ``X-Agency-Id``, ``X-Agency-Timestamp``,
``X-Agency-Signature``. A bad or missing signature is 401; a valid signature from another
agency than the hand-off's is 403. Without agency headers, a ``command`` (or ``admin``)
token may record an acknowledgment or outcome the agency gave by phone (``via: phone``).
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import StringConstraints, ValidationError
from starlette.concurrency import run_in_threadpool

from dispatch import access
from dispatch.adapters.handoff_delivery import Outbox, registry_for
from dispatch.adapters.handoff_store import HandoffRecords
from dispatch.api.deps import ClockDep, GateDep, PrincipalDep, SettingsDep, StoreDep
from dispatch.api.gate import authenticate
from dispatch.api.reads import HandoffList, HandoffRead, HandoffView
from dispatch.api.responses import errors, invalid, ok
from dispatch.api.schemas import AwareDatetime, Strict
from dispatch.auth import PermissionDenied, Principal, Unauthenticated
from dispatch.handoff import handoff as core
from dispatch.handoff import signing

router = APIRouter(tags=["handoffs"])

HandoffId = Annotated[str, StringConstraints(pattern=r"^H[XT]-[A-Za-z0-9\-]{1,64}$")]
_ERRORS = errors(unauthorized="missing or invalid token or agency signature",
                 forbidden="another agency's hand-off, or a role that may not do this",
                 not_found="unknown hand-off")
_SIGNED = {"parameters": [
    {"name": n, "in": "header", "required": False, "schema": {"type": "string"}}
    for n in ("X-Agency-Id", "X-Agency-Timestamp", "X-Agency-Signature")],
    # Either a command token, or the receiving agency's signed request (all three headers;
    # the schemes are declared in dispatch.app's OpenAPI document).
    "security": [{"HTTPBearer": []},
                 {"AgencyId": [], "AgencyTimestamp": [], "AgencySignature": []}]}


class Result(str, Enum):
    """What the receiving agency reports."""

    located = "located"
    resolved = "resolved"
    not_found = "not_found"
    declined = "declined"
    transferred = "transferred"


class AckBody(Strict):
    """The receiving agency's acknowledgment."""

    reference: Annotated[str, StringConstraints(max_length=64)] | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class OutcomeBody(Strict):
    """The receiving agency's result."""

    result: Result
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class RetryBody(Strict):
    """``POST /v1/handoffs/{id}/retry``: why the packet is sent again (optional)."""

    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class PhonedBody(Strict):
    """``POST /v1/handoffs/{id}/phoned`` (已电话移交): who at the agency took the matter
    over the telephone, and when (default: now)."""

    contact: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2,
                                              max_length=100)]
    at: AwareDatetime | None = None
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class HandoffStatusFilter(str, Enum):
    """Hand-off statuses, for filtering."""

    pending = "pending"
    sent = "sent"
    failed = "failed"
    acknowledged = "acknowledged"
    completed = "completed"


class KindFilter(str, Enum):
    """Hand-off kinds, for filtering."""

    cross_jurisdiction = "cross_jurisdiction"
    to_12345 = "to_12345"


def _inline(model: type[Strict]) -> dict[str, Any]:
    """The model's JSON schema with its ``$defs`` substituted, for ``openapi_extra``."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(schema))


def _parse(model: type[Strict], raw: bytes) -> Any:
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc


def _is_signed(request: Request) -> bool:
    return request.headers.get("X-Agency-Id") is not None \
        or request.headers.get("X-Agency-Signature") is not None


def _by_token(request: Request) -> tuple[str, str]:
    """``(actor, "phone")`` for a command token, checked before the hand-off is looked up.

    Raises:
        Unauthenticated: no valid token.
        PermissionDenied: a role the access table refuses.
    """
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else None
    state = request.app.state
    who: Principal = authenticate(state.settings, state.store, token)
    path = str(getattr(request.scope.get("route"), "path", request.url.path))
    access.require_callable(who, access.rule_for(request.method, path), request.method, path)
    return who.actor, "phone"


def _authorise(request: Request, raw: bytes, h: core.Handoff, now_s: float,
               by_token: tuple[str, str] | None) -> tuple[str, str]:
    """Who speaks for the request: ``(actor, via)``.

    Raises:
        Unauthenticated: no valid signature.
        PermissionDenied: another agency's hand-off.
    """
    agency_id = request.headers.get("X-Agency-Id")
    if by_token is None:
        registry = registry_for(request.app.state.settings.agencies_path)
        agency = registry.get(agency_id or "")
        if agency is None or not agency.secret:
            raise Unauthenticated(f"agency {agency_id!r} has no shared secret registered")
        problem = signing.check(agency.secret, request.headers.get("X-Agency-Timestamp"), h.id,
                                raw, request.headers.get("X-Agency-Signature"), now_s)
        if problem:
            raise Unauthenticated(problem)
        if agency.id != h.agency:
            raise PermissionDenied(f"hand-off {h.id} was sent to {h.agency}, not {agency.id}")
        return f"agency:{agency.id}", "signed"
    return by_token


@router.get("/v1/handoffs", response_model=None,
            responses={**_ERRORS, 200: ok(HandoffList, "hand-offs, newest first")})
def list_handoffs(store: StoreDep, settings: SettingsDep, gate: GateDep,
                  incident_id: str | None = Query(None, pattern=r"^[A-Za-z0-9\-]{1,64}$"),
                  status: HandoffStatusFilter | None = None, kind: KindFilter | None = None,
                  limit: int = Query(100, ge=1, le=500)) -> dict[str, Any]:
    """Hand-offs (id, incident_id, agency, kind, status, packet, ``agency_contact`` …),
    newest first."""
    items = HandoffRecords(store).find(incident_id, status.value if status else None,
                                       kind.value if kind else None, limit)
    registry = registry_for(settings.agencies_path)
    return {"items": gate.handoff_views([_view(h, registry) for h in items]),
            "count": len(items)}


def _view(h: core.Handoff, registry: Any) -> dict[str, Any]:
    """The record plus what the monitor needs: the agency's public contact facts."""
    agency = registry.get(h.agency)
    return {**h.to_dict(), "agency_contact": agency.public() if agency else None}


@router.get("/v1/handoffs/{handoff_id}", response_model=None,
            responses={**_ERRORS, 200: ok(HandoffView, "the hand-off")})
def get_handoff(handoff_id: HandoffId, store: StoreDep, settings: SettingsDep,
                gate: GateDep) -> dict[str, Any]:
    """One hand-off with its packet and its steps (each with elapsed time)."""
    return gate.handoff_views([_view(HandoffRecords(store).load(handoff_id),
                                     registry_for(settings.agencies_path))])[0]


def _outbox(request: Request, store: Any) -> Outbox:
    outbox = getattr(request.app.state, "handoff_outbox", None)
    if outbox is None:
        outbox = request.app.state.handoff_outbox = Outbox(store.r, request.app.state.settings)
    return outbox


@router.post("/v1/handoffs/{handoff_id}/retry", response_model=None, responses={
    **_ERRORS, 409: {"description": "the delivery has not failed (nothing to retry)"},
    200: ok(HandoffView, "the hand-off, pending again")})
def retry_handoff(handoff_id: HandoffId, request: Request, store: StoreDep, clock: ClockDep,
                  settings: SettingsDep, who: PrincipalDep,
                  body: RetryBody | None = None) -> dict[str, Any]:
    """重试: send a failed packet again (command only). The step ``retry_requested``
    records the officer; a fresh delivery job runs with the usual retries and a new
    failure escalates again."""
    records = HandoffRecords(store)
    done = records.update(handoff_id, lambda x, inc: core.retry_delivery(
        x, inc, who.actor, who.name, clock.now()))
    retries = sum(1 for step in done.steps if step.get("stage") == "retry_requested")
    _outbox(request, store).send_handoff(store.keys.ns, done.id, attempt=retries)
    return _view(done, registry_for(settings.agencies_path))


@router.post("/v1/handoffs/{handoff_id}/phoned", response_model=None, responses={
    **_ERRORS, 409: {"description": "acknowledged already"},
    200: ok(HandoffView, "the hand-off, acknowledged by phone"),
    422: {"description": "no contact, or a call time in the future or before the hand-off"}})
def phoned_handoff(handoff_id: HandoffId, body: PhonedBody, store: StoreDep, clock: ClockDep,
                   settings: SettingsDep, who: PrincipalDep) -> dict[str, Any]:
    """已电话移交: the command centre handed the matter over by phone — who at the agency
    took it (``contact``) and when (``at``, default now). Counts as the agency's
    acknowledgment (``via: phone``); command only."""
    now = clock.now()
    at = body.at or now
    records = HandoffRecords(store)
    h = records.load(handoff_id)
    if at > now + timedelta(minutes=5) or at < h.created_at - timedelta(minutes=5):
        raise invalid("at", "the call must fall between the hand-off's creation and now")
    done = records.update(handoff_id, lambda x, inc: core.handed_over_by_phone(
        x, inc, who.actor, who.name, body.contact, at, body.note, clock.now()))
    return _view(done, registry_for(settings.agencies_path))


@router.post("/v1/handoffs/{handoff_id}/ack", response_model=None, responses={
    **_ERRORS, 200: ok(HandoffRead, "the acknowledged hand-off")}, openapi_extra={
    **_SIGNED, "requestBody": {"required": False, "content": {"application/json": {
        "schema": _inline(AckBody)}}}})
async def ack_handoff(handoff_id: HandoffId, request: Request, store: StoreDep,
                      clock: ClockDep) -> dict[str, Any]:
    """The receiving agency acknowledges the hand-off (idempotent)."""
    raw = await request.body()
    by_token = None if _is_signed(request) else await run_in_threadpool(_by_token, request)
    records = HandoffRecords(store)
    h = await run_in_threadpool(records.load, handoff_id)
    now = clock.now()
    actor, via = _authorise(request, raw, h, now.timestamp(), by_token)
    _parse(AckBody, raw)
    done = await run_in_threadpool(records.update, handoff_id,
                                   lambda x, inc: core.acknowledge(x, inc, actor, via, now))
    return done.to_dict()


@router.post("/v1/handoffs/{handoff_id}/outcome", response_model=None, responses={
    **_ERRORS, 409: {"description": "the outcome is recorded already"},
    200: ok(HandoffRead, "the completed hand-off")}, openapi_extra={
    **_SIGNED, "requestBody": {"required": True, "content": {"application/json": {
        "schema": _inline(OutcomeBody)}}}})
async def outcome_handoff(handoff_id: HandoffId, request: Request, store: StoreDep,
                          clock: ClockDep) -> dict[str, Any]:
    """The receiving agency's result; closes the hand-off and its targets."""
    raw = await request.body()
    by_token = None if _is_signed(request) else await run_in_threadpool(_by_token, request)
    records = HandoffRecords(store)
    h = await run_in_threadpool(records.load, handoff_id)
    now = clock.now()
    actor, via = _authorise(request, raw, h, now.timestamp(), by_token)
    body = _parse(OutcomeBody, raw)
    done = await run_in_threadpool(records.update, handoff_id, lambda x, inc: core.record_outcome(
        x, inc, body.result.value, body.note, actor, via, now))
    return done.to_dict()


__all__ = ["router"]
