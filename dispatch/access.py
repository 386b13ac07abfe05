"""Need to know: who may call what, on whose incidents, and which personal fields they see.

One table, :data:`RULES`, names every HTTP endpoint and feed of the service with, per
role, whether it may be called; for the ``precinct`` role the answer depends on how the
thing asked about relates to the token's precinct (:class:`Relation`): its own, one it
was asked to act on, or another precinct's. :data:`FIELDS` says, per role and relation,
whether callers' and reporters' numbers and names and the caller history are shown,
masked or redacted. ``docs/api.md`` ("Access") is this table printed by
:func:`markdown` (``python -m dispatch access``), and the integration tests walk every
cell of it on a running service.

Pure: no I/O. The HTTP and websocket adapters (``dispatch.api.gate``) work out the
relation from the store and ask :func:`decide` and :func:`shown`; nothing else in the
service decides access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

from dispatch.auth import PermissionDenied, Principal, Role


class Relation(str, Enum):
    """How the subject of a request relates to a precinct token's precinct."""

    own = "own"  # assigned to it; a case last seen in it or whose sighting it verifies; its unit, note, feed
    asked = "asked"  # it was asked to act on it: its unit was sent there; a case it was alerted to
    other = "other"  # another precinct's


class Access(str, Enum):
    """The answer of one cell."""

    yes = "yes"
    no = "403"
    omitted = "omitted"  # a list leaves these out (naming them in a filter is 403)


class Subject(str, Enum):
    """What an endpoint is about, which decides how its relation is worked out."""

    none = "-"  # nothing of a precinct's (a registry, a preview): the relation does not apply
    incident = "incident"
    unit = "unit"
    case = "missing-person case"
    sighting = "sighting of a case"
    note = "premise note"
    precinct = "a named precinct"  # a query parameter, a feed, a note's precinct

    @property
    def can_be_asked(self) -> bool:
        """Only incidents and cases are ever handed to another precinct to act on."""
        return self in (Subject.incident, Subject.case)


class Field(str, Enum):
    """Personal data in incident, case and hand-off views."""

    phones = "phones"  # callers' numbers; a missing-person case's reporter's (and the person's)
    names = "names"  # callers' and reporters' names
    caller_history = "caller_history"  # private synthesis findings (docs/synthesis.md)


class Shown(str, Enum):
    """How a field reaches a reader."""

    yes = "shown"
    masked = "masked"  # 139****8765, 张*
    redacted = "redacted"  # {"kind","private":true,"redacted":true,"adjustment"}


Cells = tuple[Access, Access, Access]  # (own, asked, other) for the precinct role
ANY: Cells = (Access.yes, Access.yes, Access.yes)
OWN: Cells = (Access.yes, Access.no, Access.no)
SEEN: Cells = (Access.yes, Access.yes, Access.no)
LISTED: Cells = (Access.yes, Access.yes, Access.omitted)
OWN_LISTED: Cells = (Access.yes, Access.omitted, Access.omitted)
NONE: Cells = (Access.no, Access.no, Access.no)

CT, CMD, AN = Role.call_taker, Role.command, Role.analyst
EVERY = frozenset({CT, CMD, AN})


@dataclass(frozen=True, slots=True)
class Rule:
    """One endpoint (or one case of it, ``variant``) and who may call it.

    ``roles`` are the roles other than ``precinct`` that may call it whatever the
    subject; ``precinct`` is the precinct role's (own, asked, other) answer. ``admin``
    may call everything that takes a token. ``public`` endpoints take no token.
    """

    method: str
    path: str
    subject: Subject = Subject.none
    roles: frozenset[Role] = frozenset()
    precinct: Cells = NONE
    public: bool = False
    variant: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.method, self.path, self.variant)

    def cell(self, role: Role, relation: Relation | None) -> Access:
        """The answer for ``role`` on a subject with this ``relation``.

        Args:
            role: the token's role.
            relation: the subject's relation to a precinct token's precinct (ignored for
                other roles; ``None`` when the endpoint is not about a precinct's thing).
        """
        if self.public or role is Role.admin:
            return Access.yes
        if role is Role.precinct:
            if self.subject is Subject.none or relation is None:
                return Access.yes if Access.yes in self.precinct else Access.no
            return self.precinct[list(Relation).index(relation)]
        return Access.yes if role in self.roles else Access.no

    def callable_by(self, role: Role) -> bool:
        """May ``role`` call the endpoint at all (for some subject)?"""
        return any(self.cell(role, r) is not Access.no for r in Relation)


def _r(method: str, path: str, subject: Subject = Subject.none,
       roles: Iterable[Role] = (), precinct: Cells = NONE, variant: str = "",
       note: str = "") -> Rule:
    return Rule(method, path, subject, frozenset(roles), precinct, variant=variant, note=note)


def _public(method: str, path: str, note: str = "") -> Rule:
    return Rule(method, path, public=True, note=note)


INC, UNIT, CASE, SIGHT, NOTE, PCT = (Subject.incident, Subject.unit, Subject.case,
                                     Subject.sighting, Subject.note, Subject.precinct)

RULES: tuple[Rule, ...] = (
    # -- reports and incidents -----------------------------------------------------------
    _r("POST", "/v1/reports", roles={CT, CMD}),
    _r("GET", "/v1/incidents", INC, EVERY, LISTED,
       note="a precinct lists its own and asked incidents; `?precinct=<other>` is 403"),
    _r("GET", "/v1/incidents/search", INC, EVERY, LISTED,
       note="a precinct finds its own and asked incidents; `?precinct=<other>` is 403"),
    _r("GET", "/v1/incidents/{incident_id}", INC, EVERY, SEEN),
    _r("POST", "/v1/incidents/{incident_id}/ack", INC, {CMD}, OWN),
    _r("POST", "/v1/incidents/{incident_id}/status", INC, {CT, CMD}, OWN),
    _r("POST", "/v1/incidents/{incident_id}/answer-on-spot", INC, {CT, CMD}, OWN),
    _r("POST", "/v1/incidents/{incident_id}/triage", INC, {CT, CMD}),
    _r("POST", "/v1/incidents/{incident_id}/answers", INC, {CT, CMD}, OWN),
    _r("POST", "/v1/incidents/{incident_id}/details", INC, {CT, CMD},
       note="what the caller said after a preliminary dispatch (先期处置)"),
    _r("GET", "/v1/incidents/{incident_id}/duplicates", INC, EVERY, SEEN),
    _r("POST", "/v1/incidents/{incident_id}/merge", INC, {CT, CMD}),
    _r("POST", "/v1/incidents/{incident_id}/split", INC, {CT, CMD},
       note="undoes a merge: the report is routed as an incident of its own"),
    _r("POST", "/v1/incidents/{incident_id}/callback", INC, {CMD}, OWN,
       note="回访 is the command centre's and the precinct's, not the call-taker's"),
    _r("GET", "/v1/incidents/{incident_id}/recommendations", INC, EVERY, OWN,
       note="a precinct is offered its own units only: another precinct's unit goes "
            "through the command centre"),
    _r("POST", "/v1/incidents/{incident_id}/units", INC, {CMD}, OWN,
       note="with a unit of the token's own precinct"),
    _r("POST", "/v1/incidents/{incident_id}/units", INC, {CMD}, NONE,
       variant="another precinct's unit",
       note="cross-precinct dispatch is the command centre's (转派 or its own 派遣)"),
    _r("POST", "/v1/incidents/{incident_id}/reassign", INC, {CMD}),
    _r("POST", "/v1/incidents/{incident_id}/location", INC, {CT, CMD}),
    _r("GET", "/v1/incidents/{incident_id}/synthesis", INC, {CT, CMD}, OWN),
    _r("GET", "/v1/precincts", roles=EVERY, precinct=ANY),
    _r("GET", "/v1/dispositions", roles=EVERY, precinct=ANY),
    _r("POST", "/v1/triage/preview", roles={CT, CMD, AN}),
    _r("GET", "/v1/geo/suggest", roles=EVERY, precinct=ANY),
    # -- units ---------------------------------------------------------------------------
    _r("GET", "/v1/units", UNIT, EVERY, OWN_LISTED,
       note="a precinct lists its own units; `?precinct=<other>` is 403"),
    _r("POST", "/v1/units/{unit_id}/position", UNIT, {CMD}, OWN),
    _r("POST", "/v1/units/{unit_id}/status", UNIT, {CMD}, OWN),
    # -- missing persons -----------------------------------------------------------------
    _r("POST", "/v1/missing", roles={CT, CMD}),
    _r("GET", "/v1/missing", CASE, EVERY, LISTED,
       note="a precinct lists the cases it works (last seen in it, or a sighting it was sent "
            "to verify) and those it was alerted to"),
    _r("GET", "/v1/missing/kpis", roles={CMD, AN}),
    _r("GET", "/v1/missing/{case_id}", CASE, EVERY, SEEN),
    _r("POST", "/v1/missing/{case_id}/risk", CASE, {CMD}),
    _r("POST", "/v1/missing/{case_id}/targets/{name}/meet", CASE, {CT, CMD}),
    _r("POST", "/v1/missing/{case_id}/close", CASE, {CT, CMD}, OWN,
       note="own: last seen in its precinct, or it verified a sighting (it found the person)"),
    _r("POST", "/v1/missing/{case_id}/sightings/{incident_id}/link", CASE, {CT, CMD}),
    _r("POST", "/v1/missing/{case_id}/sightings/{incident_id}/confirm", SIGHT, {CMD}, OWN,
       note="own: the precinct the sighting was sent to for verification"),
    _r("POST", "/v1/missing/{case_id}/sightings/{incident_id}/dismiss", SIGHT, {CMD}, OWN,
       note="own: the precinct the sighting was sent to for verification"),
    # -- synthesis -----------------------------------------------------------------------
    _r("POST", "/v1/synthesis/preview", roles={CT, CMD}),
    _r("POST", "/v1/synthesis/notes", PCT, {CMD}, OWN,
       note="a precinct files notes for points inside its own area"),
    _r("GET", "/v1/synthesis/notes", PCT, {CMD}, OWN_LISTED,
       note="a precinct lists its own notes; `?precinct=<other>` is 403"),
    _r("GET", "/v1/synthesis/notes/{note_id}", NOTE, {CMD}, OWN),
    _r("PATCH", "/v1/synthesis/notes/{note_id}", NOTE, {CMD}, OWN),
    _r("DELETE", "/v1/synthesis/notes/{note_id}", NOTE, {CMD}, OWN),
    _r("POST", "/v1/synthesis/watchlist", roles={CMD}),
    _r("GET", "/v1/synthesis/series", PCT, {CMD}, OWN_LISTED,
       note="a precinct lists the series with a member in its own precinct, and only its "
            "own members; `?precinct=<other>` is 403"),
    # -- forum, hand-offs, simulations ---------------------------------------------------
    _r("GET", "/v1/forum/posts", roles=EVERY),
    _r("GET", "/v1/forum/posts/{post_id}", roles=EVERY),
    _r("POST", "/v1/forum/posts/{post_id}/replies", roles={CT, CMD}),
    _r("POST", "/v1/forum/posts/{post_id}/complete", roles={CT, CMD}),
    _r("POST", "/v1/forum/posts/{post_id}/rating", roles={CT, CMD}),
    _r("GET", "/v1/forum/stats", roles=EVERY),
    _r("GET", "/v1/handoffs", roles=EVERY),
    _r("GET", "/v1/handoffs/{handoff_id}", roles=EVERY),
    _r("POST", "/v1/handoffs/{handoff_id}/retry", roles={CMD}),
    _r("POST", "/v1/handoffs/{handoff_id}/phoned", roles={CMD}),
    _r("POST", "/v1/handoffs/{handoff_id}/ack", roles={CMD},
       note="or the receiving agency's signed request (docs/handoff.md)"),
    _r("POST", "/v1/handoffs/{handoff_id}/outcome", roles={CMD},
       note="or the receiving agency's signed request (docs/handoff.md)"),
    _r("POST", "/v1/simulations", roles={CMD, AN}),
    _r("GET", "/v1/simulations/{sim_id}", roles={CMD, AN}),
    _r("GET", "/v1/simulations/{sim_id}/report/{name}", roles={CMD, AN}),
    # -- tokens --------------------------------------------------------------------------
    _r("POST", "/v1/tokens/revoke", roles={CMD}),
    # -- feeds ---------------------------------------------------------------------------
    _r("WS", "/v1/consoles/{feed}/ws", PCT, {CMD}, OWN,
       note="`command` or a precinct id; a precinct opens its own feed only (close 4403)"),
    _r("WS", "/v1/sta024/ws", roles={CMD}),
    # -- no token ------------------------------------------------------------------------
    _public("GET", "/healthz"), _public("GET", "/metrics"), _public("GET", "/metrics/cluster"),
    _public("GET", "/openapi.json"), _public("GET", "/docs"), _public("GET", "/redoc"),
    _public("GET", "/console"), _public("GET", "/console/"), _public("GET", "/console/intake"),
    _public("GET", "/console/precinct"), _public("GET", "/console/command"),
    _public("GET", "/console/forum"), _public("GET", "/console/analyst"),
    _public("GET", "/console/static/{relative:path}"),
    _public("GET", "/v1/geo/precincts.geojson"), _public("GET", "/v1/geo/districts.geojson"),
)

_BY_KEY: dict[tuple[str, str, str], Rule] = {r.key: r for r in RULES}


def rule_for(method: str, path: str, variant: str = "") -> Rule | None:
    """The rule of an endpoint (``path`` is the route template), or None if unlisted."""
    return _BY_KEY.get((method, path, variant))


@dataclass(frozen=True, slots=True)
class FieldRule:
    """How one field reaches each role: ``roles`` as :class:`Shown`, the precinct role's
    by relation (own, asked, other)."""

    field: Field
    roles: Mapping[Role, Shown]
    precinct: tuple[Shown, Shown, Shown]
    note: str = ""


_CALLBACK = {CT: Shown.yes, CMD: Shown.yes, Role.admin: Shown.yes, AN: Shown.masked}
FIELDS: tuple[FieldRule, ...] = (
    FieldRule(Field.phones, _CALLBACK, (Shown.yes, Shown.masked, Shown.masked),
              "only those who call back: the call-taker, the command centre and the "
              "incident's (or the case's) own precinct"),
    FieldRule(Field.names, _CALLBACK, (Shown.yes, Shown.masked, Shown.masked),
              "the same readers as the numbers; the missing person's own name is shown "
              "to every reader of the case (it is what they search for)"),
    FieldRule(Field.caller_history, {CT: Shown.yes, CMD: Shown.yes, Role.admin: Shown.yes,
                                     AN: Shown.redacted},
              (Shown.yes, Shown.redacted, Shown.redacted),
              "private synthesis findings (docs/synthesis.md)"),
)
_FIELDS = {f.field: f for f in FIELDS}


def shown(who: Principal, name: Field, relation: Relation | None) -> Shown:
    """How ``name`` reaches ``who`` on a subject with this relation."""
    rule = _FIELDS[name]
    if who.role is Role.precinct:
        return rule.precinct[list(Relation).index(relation or Relation.other)]
    return rule.roles.get(who.role, rule.precinct[2])


def decide(who: Principal, rule: Rule, relation: Relation | None = None) -> Access:
    """The cell for ``who`` on a subject with ``relation``.

    Raises:
        PermissionDenied: the cell is 403 (the message says what the role may do).
    """
    answer = rule.cell(who.role, relation)
    if answer is Access.no:
        raise PermissionDenied(_refusal(who, rule, relation))
    return answer


def require_callable(who: Principal, rule: Rule | None, method: str, path: str) -> None:
    """The role gate every request passes before its handler runs.

    Raises:
        PermissionDenied: the role may not call the endpoint for any subject, or the
            endpoint is missing from the table (nothing is open by omission).
    """
    if rule is None:
        raise PermissionDenied(f"{method} {path} is not in the access table")
    if not rule.callable_by(who.role):
        raise PermissionDenied(_refusal(who, rule, None))


def _refusal(who: Principal, rule: Rule, relation: Relation | None) -> str:
    allowed = sorted(r.value for r in Role if r is not Role.precinct and rule.cell(r, None)
                     is Access.yes)
    if who.role is Role.precinct and rule.callable_by(Role.precinct):
        scopes = [r.value for r in Relation if rule.cell(Role.precinct, r) is Access.yes]
        return (f"{who.actor} may do this only on {' or '.join(scopes)} "
                f"{rule.subject.value}s of precinct {who.precinct} (this one is "
                f"{(relation or Relation.other).value}); others go through the command centre")
    return (f"role {who.role.value!r} may not call {rule.method} {rule.path}"
            f"{' (' + rule.variant + ')' if rule.variant else ''} "
            f"(allowed: {', '.join(allowed)}{', precinct' if rule.callable_by(Role.precinct) else ''})")


# -- relations ---------------------------------------------------------------------------

def relation_of_precinct(who: Principal, precinct: str | None) -> Relation | None:
    """A precinct token's relation to something that names one precinct; None for other
    roles."""
    if who.role is not Role.precinct:
        return None
    return Relation.own if precinct is not None and precinct == who.precinct else Relation.other


def relation_of_incident(who: Principal, precinct: str | None,
                         unit_precincts: Iterable[str] = ()) -> Relation | None:
    """Own if assigned to the token's precinct; asked if one of its units was sent."""
    if who.role is not Role.precinct:
        return None
    if precinct == who.precinct:
        return Relation.own
    return Relation.asked if who.precinct in set(unit_precincts) else Relation.other


def relation_of_case(who: Principal, last_seen: str | None, notified: Iterable[str],
                     verifying: Iterable[str]) -> Relation | None:
    """Own if the token's precinct works the case (last seen in it, or sent to verify one
    of its sightings); asked if the alert circle reached it."""
    if who.role is not Role.precinct:
        return None
    if last_seen == who.precinct or who.precinct in set(verifying):
        return Relation.own
    return Relation.asked if who.precinct in set(notified) else Relation.other


# -- the printed table -------------------------------------------------------------------

COLUMNS: tuple[tuple[Role, Relation | None], ...] = (
    (Role.call_taker, None), (Role.precinct, Relation.own), (Role.precinct, Relation.asked),
    (Role.precinct, Relation.other), (Role.command, None), (Role.analyst, None),
    (Role.admin, None))
_HEAD = ("call_taker", "precinct own", "precinct asked", "precinct other", "command",
         "analyst", "admin")


def _mark(access: Access | None) -> str:
    if access is None:
        return "n/a"
    return {Access.yes: "✓", Access.no: "403", Access.omitted: "left out"}[access]


def cells(rule: Rule) -> list[tuple[Role, Relation | None, Access | None]]:
    """Every (role, relation, answer) of a rule, in the printed order. The answer is None
    where the cell cannot occur (nothing but incidents and cases is ever "asked")."""
    out: list[tuple[Role, Relation | None, Access | None]] = []
    for role, relation in COLUMNS:
        if relation is Relation.asked and rule.subject is not Subject.none \
                and not rule.subject.can_be_asked and not rule.public:
            out.append((role, relation, None))
            continue
        rel = None if rule.subject is Subject.none else relation
        out.append((role, relation, rule.cell(role, rel)))
    return out


def markdown() -> str:
    """The access table and the field table, as ``docs/api.md`` prints them."""
    lines = ["| endpoint | about | " + " | ".join(_HEAD) + " | note |",
             "|---|---|" + "---|" * len(_HEAD) + "---|"]
    for rule in RULES:
        if rule.public:
            continue
        name = f"`{rule.method} {rule.path}`" + (f" ({rule.variant})" if rule.variant else "")
        marks = [_mark(a) for _, _, a in cells(rule)]
        lines.append(f"| {name} | {rule.subject.value} | " + " | ".join(marks)
                     + f" | {rule.note} |")
    public = ", ".join(f"`{r.method} {r.path}`" for r in RULES if r.public)
    lines += ["", f"No token: {public}.", "",
              "| field | " + " | ".join(_HEAD) + " | note |",
              "|---|" + "---|" * len(_HEAD) + "---|"]
    for f in FIELDS:
        marks = []
        for role, relation in COLUMNS:
            who = Principal(role, role.value, "p" if role is Role.precinct else None)
            marks.append(shown(who, f.field, relation).value)
        lines.append(f"| {f.field.value} | " + " | ".join(marks) + f" | {f.note} |")
    return "\n".join(lines) + "\n"


__all__ = ["FIELDS", "RULES", "Access", "Field", "FieldRule", "Relation", "Rule", "Shown",
           "Subject", "cells", "decide", "markdown", "relation_of_case",
           "relation_of_incident", "relation_of_precinct", "require_callable", "rule_for",
           "shown"]
