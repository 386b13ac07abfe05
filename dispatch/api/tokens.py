"""Token revocation: ``POST /v1/tokens/revoke`` (command only).

A lost or stolen device's token is revoked by its id (``jti``, printed by ``python -m
dispatch token --show-id`` and visible in the token's payload), or every token of a
subject (``sub``, the name on the token) issued until now. Every request and every
websocket connection checks revocations (``dispatch.api.gate.authenticate``): a revoked
token gets 401, a console close 4401.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import StringConstraints

from dispatch.adapters.revocations import Revocations
from dispatch.api.deps import ClockDep, PrincipalDep, SettingsDep, StoreDep
from dispatch.api.reads import Revoked
from dispatch.api.responses import invalid, ok
from dispatch.api.schemas import Strict
from dispatch.domain.events import iso

router = APIRouter(tags=["tokens"])


class RevokeRequest(Strict):
    """Exactly one of ``jti`` (one token) and ``sub`` (every token of a subject so far)."""

    jti: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{8,64}$")] | None = None
    sub: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                          max_length=100)] | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


@router.post("/v1/tokens/revoke", response_model=None, responses={
    200: ok(Revoked, "what was revoked, and when"),
    401: {"description": "missing, invalid, expired or revoked token"},
    403: {"description": "only the command centre revokes tokens"},
    422: {"description": "neither or both of jti and sub"}})
def revoke(body: RevokeRequest, store: StoreDep, clock: ClockDep, settings: SettingsDep,
           who: PrincipalDep) -> dict[str, Any]:
    """Revoke one token (``jti``) or every token of a subject issued up to now (``sub``);
    audited (``token.revoked``). Answers what was revoked and when."""
    if (body.jti is None) == (body.sub is None):
        raise invalid("jti", "give exactly one of jti (one token) and sub (every token of a "
                                "subject)")
    now = clock.now()
    revocations = Revocations(store)
    if body.jti is not None:
        revocations.revoke_token(body.jti, who.actor, now, settings.token_max_lifetime,
                                 body.reason)
        return {"revoked": "token", "jti": body.jti, "at": iso(now)}
    assert body.sub is not None
    revocations.revoke_subject(body.sub, who.actor, now, body.reason)
    return {"revoked": "subject", "sub": body.sub, "issued_until": iso(now), "at": iso(now)}
