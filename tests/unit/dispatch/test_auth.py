"""Tokens: who the audit trail says acted, an id to revoke, one shift at most, a
precinct that exists."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from dispatch.auth import (
    ALGORITHM,
    ISSUER,
    Principal,
    Role,
    Unauthenticated,
    issue,
    token_id,
    verify,
)


def test_a_named_precinct_officer_is_in_the_actor() -> None:
    secret = "s" * 43
    who = verify(secret, issue(secret, Role.precinct, precinct="150203001", name="张磊"))
    assert who.actor == "precinct:150203001:张磊" and who.officer == "张磊"


def test_an_unnamed_precinct_token_keeps_the_precinct_actor() -> None:
    secret = "s" * 43
    who = verify(secret, issue(secret, Role.precinct, precinct="150203001"))
    assert who.actor == "precinct:150203001" and who.officer is None


def test_other_roles_carry_their_name() -> None:
    assert Principal(Role.command, "王伟").actor == "command:王伟"
    assert Principal(Role.command, "王伟").officer == "王伟"
    assert Principal(Role.call_taker, "call_taker").officer is None


def test_every_token_has_an_id_and_its_issue_time() -> None:
    secret = "s" * 43
    token = issue(secret, Role.command, name="王伟")
    who = verify(secret, token)
    assert who.token_id and len(who.token_id) == 32 and token_id(token) == who.token_id
    assert who.issued_at is not None and who.expires_at is not None
    assert who.token_id != verify(secret, issue(secret, Role.command, name="王伟")).token_id


def test_a_token_longer_than_a_shift_is_refused() -> None:
    secret, shift = "s" * 43, timedelta(hours=12)
    assert verify(secret, issue(secret, Role.command, ttl=shift), max_lifetime=shift)
    century = issue(secret, Role.command, ttl=timedelta(days=36500))
    with pytest.raises(Unauthenticated, match="at most 12 h"):
        verify(secret, century, max_lifetime=shift)
    with pytest.raises(Unauthenticated):
        verify(secret, issue(secret, Role.command, ttl=shift + timedelta(seconds=2)),
               max_lifetime=shift)


def test_a_precinct_claim_must_name_a_precinct_of_the_registry() -> None:
    secret, known = "s" * 43, {"150203001", "150203002"}
    assert verify(secret, issue(secret, Role.precinct, precinct="150203001"), precincts=known)
    for name in ("command", "nope", ""):
        forged = jwt.encode({"iss": ISSUER, "sub": "x", "role": "precinct", "precinct": name,
                             "iat": 1, "exp": 2**31, "jti": "a" * 32}, secret, algorithm=ALGORITHM)
        with pytest.raises(Unauthenticated):
            verify(secret, forged, precincts=known)
    other_role = jwt.encode({"iss": ISSUER, "sub": "x", "role": "command", "precinct": "150203001",
                             "iat": 1, "exp": 2**31, "jti": "a" * 32}, secret, algorithm=ALGORITHM)
    with pytest.raises(Unauthenticated, match="only a precinct token"):
        verify(secret, other_role, precincts=known)


def test_a_token_without_an_id_is_refused() -> None:
    secret = "s" * 43
    old = jwt.encode({"iss": ISSUER, "sub": "x", "role": "command", "iat": 1, "exp": 2**31},
                     secret, algorithm=ALGORITHM)
    with pytest.raises(Unauthenticated, match="jti"):
        verify(secret, old)
