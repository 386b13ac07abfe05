"""Need to know: who sees a caller's phone, masking for everyone else, and the audit trail.

A caller's phone is personal data. The roles that call back see it whole (the call-taker,
the command centre, the precinct the incident is assigned to); every such read is one
entry of ``{ns}:audit`` with the officer named by the token. Lists never carry a whole
phone; an analyst or another precinct sees ``138****5678``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dispatch.adapters import replies
from dispatch.adapters.redis_store import RedisStore
from dispatch.auth import Principal, Role
from dispatch.domain.events import iso
from dispatch.domain.incident import Incident

AUDIT_MAXLEN = 100_000
SEARCH_SCAN = 2000  # a search looks through the newest incidents this deep
_CALLERS = ("caller",)


def may_see_caller(who: Principal, incident_precinct: str | None) -> bool:
    """True for the roles that call back, and the precinct the incident is assigned to."""
    if who.role in (Role.call_taker, Role.command, Role.admin):
        return True
    return who.role is Role.precinct and who.precinct == incident_precinct


def may_search_phones(who: Principal) -> bool:
    """Only the call-taker and the command centre find an incident by the caller's phone."""
    return who.role in (Role.call_taker, Role.command, Role.admin)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678`` (short numbers keep only their last two digits)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(0, len(digits) - 2) + digits[-2:]


def _masked(caller: Any) -> Any:
    if not isinstance(caller, Mapping):
        return caller
    out = dict(caller)
    if isinstance(out.get("phone"), str):
        out["phone"] = mask_phone(out["phone"])
    if out.get("name"):
        out["name"] = str(out["name"])[:1] + "*"
    return out


def incident_view(state: dict[str, Any], full: bool) -> dict[str, Any]:
    """The incident as this reader may see it (the caller masked unless ``full``)."""
    if not full and state.get("caller"):
        state["caller"] = _masked(state["caller"])
    return state


def timeline_view(timeline: list[dict[str, Any]], full: bool) -> list[dict[str, Any]]:
    """The timeline with callers masked in every payload unless ``full``."""
    if full:
        return timeline
    for entry in timeline:
        payload = entry.get("payload")
        if isinstance(payload, dict) and payload.get("caller"):
            payload["caller"] = _masked(payload["caller"])
    return timeline


def matches(incident: Incident, q: str, since: datetime | None, until: datetime | None,
            phones: bool) -> bool:
    """Does the incident match a console search (id, text, address, place, phone, time)?"""
    if since is not None and incident.received_at < since:
        return False
    if until is not None and incident.received_at >= until:
        return False
    if not q:
        return True
    location = incident.location or {}
    fields = [incident.id, incident.text, incident.address or "",
              str(location.get("place") or ""), str(location.get("address") or ""),
              str(location.get("precinct_name") or ""), str(location.get("district_name") or "")]
    if any(q in f for f in fields):
        return True
    digits = "".join(ch for ch in q if ch.isdigit())
    phone = "".join(ch for ch in str((incident.caller or {}).get("phone") or "") if ch.isdigit())
    return phones and len(digits) >= 4 and digits in phone


def audit(store: RedisStore, who: Principal, action: str, incident_id: str | None,
          at: datetime, **detail: Any) -> None:
    """Append one entry to the audit trail (who, what, which incident, when)."""
    store.r.xadd(f"{store.keys.ns}:audit", {
        "at": iso(at), "actor": who.actor, "role": who.role.value, "name": who.name,
        "action": action, "incident_id": incident_id or "",
        "detail": json.dumps(detail, ensure_ascii=False)}, maxlen=AUDIT_MAXLEN,
        approximate=True)


def audit_entries(store: RedisStore, incident_id: str | None, limit: int) -> list[dict[str, Any]]:
    """The newest audit entries (of one incident, if given)."""
    out: list[dict[str, Any]] = []
    reply = store.r.xrevrange(f"{store.keys.ns}:audit",
                              count=limit * 20 if incident_id else limit)
    for entry_id, fields in replies.entries(reply):
        if incident_id and fields.get("incident_id") != incident_id:
            continue
        out.append({"id": entry_id, **{k: v for k, v in fields.items() if k != "detail"},
                    "detail": json.loads(fields.get("detail") or "{}")})
        if len(out) >= limit:
            break
    return out
