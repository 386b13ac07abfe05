"""The command centre's corrections over HTTP: 转派."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError

import geo
from dispatch import services
from dispatch.api.deps import ClockDep, PrincipalDep, SettingsDep, StoreDep
from dispatch.api.lifecycle import ERRORS
from dispatch.api.schemas import ReassignRequest
from dispatch.auth import Role, require
from dispatch.domain import corrections

router = APIRouter(tags=["corrections"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS, 422: {"description": "unknown precinct or a missing reason"}}


def _invalid(loc: tuple[str, ...], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


@router.post("/v1/incidents/{incident_id}/reassign", responses=_ERRORS)
def reassign(incident_id: str, body: ReassignRequest, store: StoreDep, clock: ClockDep,
             cfg: SettingsDep, who: PrincipalDep) -> dict[str, Any]:
    """转派: hand the incident to another precinct (command centre only). The new precinct
    gets it on its feed with a fresh ack clock; the old one sees it leave. Audited with
    the officer's name and the reason."""
    require(who, Role.command)
    try:
        target = geo.precinct(body.precinct)
    except geo.UnknownPrecinct:
        raise _invalid(("body", "precinct"), f"unknown precinct {body.precinct!r}") from None
    return services.decide_and_commit(store, incident_id, lambda inc: corrections.reassign(
        inc, target.id, target.district, body.reason.strip(), who.actor, who.name,
        clock.now(), cfg.ack_timeouts)).to_dict()
