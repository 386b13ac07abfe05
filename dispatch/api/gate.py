"""The one place requests meet the access table (``dispatch.access``).

Every request with a token passes :func:`authenticate` (signature, expiry, lifetime, a
precinct that exists, revocation) and the role gate of its route; a handler then asks its
:class:`Gate` about the thing it loaded (``gate.incident(i)``, ``gate.case(c)`` …), which
raises 403 where the table says so and returns the relation, and builds what it answers
through the gate's views, which mask what the reader may not see and audit every read of
personal data on ``{ns}:audit``. Handlers hold no access rules of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

import geo
from dispatch import access
from dispatch.access import Access, Field, Relation, Rule, Shown
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.revocations import Revocations
from dispatch.adapters.synthesis_store import SynthesisStore
from dispatch.adapters.unit_store import UnitStore
from dispatch.api import privacy
from dispatch.auth import PermissionDenied, Principal, Role, Unauthenticated, verify
from dispatch.clock import Clock
from dispatch.domain.events import EventType
from dispatch.domain.incident import Incident
from dispatch.domain.units import Unit
from dispatch.missing import Case
from dispatch.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="a token from `python -m dispatch token`")


@cache
def precinct_ids() -> frozenset[str]:
    """The precinct registry (the geo layer's precincts)."""
    return frozenset(p.id for p in geo.precincts())


def authenticate(settings: Settings, store: RedisStore, token: str | None) -> Principal:
    """Who the token speaks for, if it may still speak.

    Raises:
        Unauthenticated: no token, a bad or expired one, one that lives longer than a
            shift, names an unknown precinct, or was revoked.
    """
    who = verify(settings.secret.value, token, max_lifetime=settings.token_max_lifetime,
                 precincts=precinct_ids())
    if Revocations(store).is_revoked(who):
        raise Unauthenticated("the token has been revoked: ask for a new one")
    return who


def get_principal(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                  ) -> Principal:
    """The authenticated principal, past the role gate of the matched route."""
    state = request.app.state
    who = authenticate(state.settings, state.store, credentials.credentials if credentials
                       else None)
    route = request.scope.get("route")
    path = str(getattr(route, "path", request.url.path))
    access.require_callable(who, access.rule_for(request.method, path), request.method, path)
    return who


@dataclass(slots=True)
class Gate:
    """One request's questions to the access table, and the views it may be shown."""

    who: Principal
    rule: Rule
    store: RedisStore
    clock: Clock
    _audit: list[list[object]] = field(default_factory=list)
    _mine: list[Unit] | None = None  # a precinct token's units, read once per request

    # -- may the reader touch this? ------------------------------------------------------

    def variant(self, name: str) -> Gate:
        """The same request under another row of the table (``another precinct's unit``)."""
        rule = access.rule_for(self.rule.method, self.rule.path, name)
        assert rule is not None, f"no access rule {self.rule.path} ({name})"
        return Gate(self.who, rule, self.store, self.clock, self._audit, self._mine)

    def incident(self, incident: Incident) -> Relation | None:
        """The reader's relation to the incident, if it may do this to it.

        Raises:
            PermissionDenied: the table's cell is 403.
        """
        relation = access.relation_of_incident(self.who, incident.precinct,
                                               self._unit_precincts(incident))
        access.decide(self.who, self.rule, relation)
        return relation

    def unit(self, unit: Unit) -> Relation | None:
        """Raises PermissionDenied unless the reader may do this to the unit."""
        relation = access.relation_of_precinct(self.who, unit.precinct)
        access.decide(self.who, self.rule, relation)
        return relation

    def precinct(self, precinct: str | None) -> Relation | None:
        """Raises PermissionDenied unless the reader may do this for ``precinct``."""
        relation = access.relation_of_precinct(self.who, precinct)
        access.decide(self.who, self.rule, relation)
        return relation

    def case(self, case: Case) -> Relation | None:
        """Raises PermissionDenied unless the reader may do this to the case."""
        relation = _case_relation(self.who, case)
        access.decide(self.who, self.rule, relation)
        return relation

    def sighting(self, precinct: str | None) -> Relation | None:
        """Raises PermissionDenied unless the reader was sent to verify this sighting."""
        return self.precinct(precinct)

    def scope(self, precinct: str | None) -> str | None:
        """The precinct a list is narrowed to: the one asked for (another precinct's is
        403 for a precinct token), else the token's own for a precinct token."""
        if self.who.role is not Role.precinct:
            return precinct
        if precinct is not None and precinct != self.who.precinct:
            raise PermissionDenied(f"{self.who.actor} may list only its own precinct's "
                                   f"{self.rule.subject.value}s, not {precinct[:32]!r}'s")
        return self.who.precinct

    def listed(self, relation: Relation | None) -> bool:
        """Does a list show an item with this relation?"""
        return self.rule.cell(self.who.role, relation) is Access.yes

    def incidents(self, items: Iterable[Incident]) -> list[tuple[Incident, Relation | None]]:
        """The items of an incident list this reader is shown, with their relations."""
        out = []
        for item in items:
            relation = access.relation_of_incident(self.who, item.precinct,
                                                   self._unit_precincts(item))
            if self.listed(relation):
                out.append((item, relation))
        return out

    def asked_incidents(self) -> list[str]:
        """Incidents a precinct token's units are on now (it was asked to act on them)."""
        if self.who.role is not Role.precinct:
            return []
        return [u.incident_id for u in self._units() if u.incident_id]

    def own_units(self) -> bool:
        """Does a list of units or recommendations keep only the reader's own units?"""
        return self.who.role is Role.precinct

    def _unit_precincts(self, incident: Incident) -> list[str]:
        if self.who.role is not Role.precinct or incident.precinct == self.who.precinct \
                or not incident.units:
            return []
        mine = {u.id for u in self._units()}
        return [str(self.who.precinct)] if mine & set(incident.units) else []

    def _units(self) -> list[Unit]:
        if self._mine is None:
            self._mine = UnitStore(self.store).all(self.who.precinct)
        return self._mine

    # -- what the reader is shown --------------------------------------------------------

    def shows(self, name: Field, relation: Relation | None) -> bool:
        return access.shown(self.who, name, relation) is Shown.yes

    def incident_view(self, view: dict[str, Any], relation: Relation | None) -> dict[str, Any]:
        """An incident as this reader may see it: callers' numbers and names masked
        unless the table shows them, and the read audited (with any queued by
        :meth:`timeline`) when it does."""
        return self.incident_views([(view, relation)])[0]

    def answer(self, incident: Incident) -> dict[str, Any]:
        """An incident an action returns, as :meth:`incident_view` shows it."""
        relation = access.relation_of_incident(self.who, incident.precinct,
                                               self._unit_precincts(incident))
        return self.incident_view(incident.to_dict(), relation)

    def incident_views(self, items: Sequence[tuple[dict[str, Any], Relation | None]]
                       ) -> list[dict[str, Any]]:
        """Many incidents (a list, a search), audited in one write."""
        out = [self._personal(v, r, f"incident:{v.get('id')}", _has_caller(v))
               for v, r in items]
        self.flush()
        return out

    def case_views(self, items: Sequence[tuple[dict[str, Any], Relation | None]]
                   ) -> list[dict[str, Any]]:
        """Missing-person cases as this reader may see them (the reporter's and the
        person's numbers, the reporter's name); audited when shown, in one write."""
        out = []
        for view, relation in items:
            reporter = view.get("reporter") or {}
            person = view.get("person") or {}
            present = bool(reporter.get("phone") or reporter.get("name") or person.get("phone"))
            out.append(self._personal(view, relation, f"case:{view.get('id')}", present,
                                      names=("reporter",)))
        self.flush()
        return out

    def case_view(self, view: dict[str, Any], relation: Relation | None) -> dict[str, Any]:
        return self.case_views([(view, relation)])[0]

    def handoff_views(self, views: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """Hand-off records and their packets (they carry the caller's number)."""
        out = [self._personal(v, None, f"handoff:{v.get('id')}", True, names=())
               for v in views]
        self.flush()
        return out

    def timeline(self, incident_id: str, relation: Relation | None,
                 events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The timeline with caller-history findings redacted unless the table shows
        them; showing them is audited (``caller_history.read``)."""
        allowed = self.shows(Field.caller_history, relation)
        out, shown = [], 0
        for event in events:
            if event["type"] == EventType.SYNTHESIZED.value:
                private = sum(1 for f in event["payload"].get("findings", []) if f.get("private"))
                if private and not allowed:
                    event = {**event, "payload": redact(event["payload"])}
                shown += private if allowed else 0
            out.append(event)
        if shown:
            self.audit("caller_history.read", f"incident:{incident_id}",
                       {"via": "incident", "findings": shown})
        return out

    def audit(self, action: str, subject: str, data: Mapping[str, Any] | None = None) -> None:
        """Queue an audit entry (the views write the queue; else call :meth:`flush`)."""
        self._audit.append(SynthesisStore(self.store).audit_op(
            self.clock.now(), self.who.actor, action, subject,
            {"route": f"{self.rule.method} {self.rule.path}", **(data or {})}))

    def flush(self) -> None:
        """Write the queued audit entries in one transaction."""
        if self._audit:
            ops, self._audit[:] = list(self._audit), []
            self.store.write(ops)

    def _personal(self, view: dict[str, Any], relation: Relation | None, subject: str,
                  present: bool, names: Sequence[str] = ("caller",)) -> dict[str, Any]:
        phones, named = self.shows(Field.phones, relation), self.shows(Field.names, relation)
        out = view
        if not phones:
            out = privacy.masked(out)
            out["caller_phone_hidden"] = True
        if not named:
            out = privacy.masked_names(out, names)
        if present and (phones or named):
            self.audit("personal_data.read", subject,
                       {"fields": [n for n, s in (("phones", phones), ("names", named)) if s]})
        return out


def _has_caller(view: Mapping[str, Any]) -> bool:
    caller = view.get("caller") or {}
    return bool(isinstance(caller, Mapping) and (caller.get("phone") or caller.get("name")))


def _case_relation(who: Principal, case: Case) -> Relation | None:
    return access.relation_of_case(who, case.last_seen.precinct, case.notified,
                                   [s.precinct for s in case.sightings if s.precinct])


def case_relation(who: Principal, case: Case) -> Relation | None:
    """A precinct token's relation to a case (lists use it to leave cases out)."""
    return _case_relation(who, case)


def redact(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A synthesis payload without its caller-derived findings (kind and adjustment stay:
    a raised priority is visible anyway)."""
    findings = [f if not f.get("private") else {
        "kind": f["kind"], "private": True, "redacted": True, "adjustment": f.get("adjustment")}
        for f in payload.get("findings", [])]
    return {**payload, "findings": findings}


def get_gate(request: Request, who: Annotated[Principal, Depends(get_principal)]) -> Gate:
    """The request's gate (its route's row of the table)."""
    route = request.scope.get("route")
    path = str(getattr(route, "path", request.url.path))
    rule = access.rule_for(request.method, path)
    assert rule is not None  # get_principal refused it otherwise
    return Gate(who, rule, request.app.state.store, request.app.state.clock)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
GateDep = Annotated[Gate, Depends(get_gate)]
