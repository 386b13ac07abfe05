"""The access table: every cell decided by one rule, the refusals, the fields, and the
printed table in docs/api.md being exactly this table."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch import access
from dispatch.access import Access, Field, Relation, Shown
from dispatch.auth import PermissionDenied, Principal, Role

P1, P2 = "150203001", "150203002"
PRECINCT = Principal(Role.precinct, "张磊", P1)
DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def rule(method: str, path: str, variant: str = "") -> access.Rule:
    found = access.rule_for(method, path, variant)
    assert found is not None
    return found


def test_keys_are_unique_and_admin_may_call_every_token_endpoint() -> None:
    assert len({r.key for r in access.RULES}) == len(access.RULES)
    for r in access.RULES:
        assert r.cell(Role.admin, Relation.other) is Access.yes


def test_precinct_sees_own_and_asked_incidents_only() -> None:
    read = rule("GET", "/v1/incidents/{incident_id}")
    assert access.decide(PRECINCT, read, Relation.own) is Access.yes
    assert access.decide(PRECINCT, read, Relation.asked) is Access.yes
    with pytest.raises(PermissionDenied, match="own or asked"):
        access.decide(PRECINCT, read, Relation.other)
    listing = rule("GET", "/v1/incidents")
    assert listing.cell(Role.precinct, Relation.other) is Access.omitted


def test_cross_precinct_dispatch_and_callbacks() -> None:
    other_unit = rule("POST", "/v1/incidents/{incident_id}/units", "another precinct's unit")
    with pytest.raises(PermissionDenied):
        access.decide(PRECINCT, other_unit, Relation.own)
    assert access.decide(Principal(Role.command, "王伟"), other_unit) is Access.yes
    callback = rule("POST", "/v1/incidents/{incident_id}/callback")
    with pytest.raises(PermissionDenied, match="call_taker"):
        access.decide(Principal(Role.call_taker, "王芳"), callback)
    with pytest.raises(PermissionDenied):
        access.require_callable(Principal(Role.analyst, "a"), callback, "POST", callback.path)


def test_an_endpoint_missing_from_the_table_is_refused() -> None:
    with pytest.raises(PermissionDenied, match="not in the access table"):
        access.require_callable(PRECINCT, access.rule_for("GET", "/v1/secret"), "GET",
                                "/v1/secret")


def test_relations() -> None:
    assert access.relation_of_incident(PRECINCT, P1) is Relation.own
    assert access.relation_of_incident(PRECINCT, P2, [P1]) is Relation.asked
    assert access.relation_of_incident(PRECINCT, P2) is Relation.other
    assert access.relation_of_incident(Principal(Role.command, "c"), P2) is None
    assert access.relation_of_case(PRECINCT, P1, (), ()) is Relation.own
    assert access.relation_of_case(PRECINCT, P2, {P1}, ()) is Relation.asked
    assert access.relation_of_case(PRECINCT, P2, (), [P1]) is Relation.own  # it verifies
    assert access.relation_of_case(PRECINCT, P2, {P2}, [P2]) is Relation.other
    assert access.relation_of_precinct(PRECINCT, "command") is Relation.other


def test_fields_follow_who_calls_back() -> None:
    for role in (Role.call_taker, Role.command, Role.admin):
        assert access.shown(Principal(role, "x"), Field.phones, None) is Shown.yes
    assert access.shown(Principal(Role.analyst, "a"), Field.phones, None) is Shown.masked
    assert access.shown(PRECINCT, Field.phones, Relation.own) is Shown.yes
    assert access.shown(PRECINCT, Field.phones, Relation.asked) is Shown.masked
    assert access.shown(PRECINCT, Field.caller_history, Relation.asked) is Shown.redacted


def test_docs_print_this_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert access.markdown() in text, "docs/api.md is stale: paste `python -m dispatch access`"
