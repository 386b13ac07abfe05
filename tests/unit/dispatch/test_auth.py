"""Who the audit trail says acted: the token's name goes into the actor."""

from __future__ import annotations

from dispatch.auth import Principal, Role, issue, verify


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
