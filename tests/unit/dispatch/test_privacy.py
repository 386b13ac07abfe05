"""Need to know: who sees a caller's phone, and what everyone else sees."""

from __future__ import annotations

from datetime import timedelta

from dispatch import privacy
from dispatch.auth import Principal, Role
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import create
from tests.unit.dispatch.test_incident import T0

MINE = "150203003"


def test_callers_are_seen_by_those_who_call_back() -> None:
    assert privacy.may_see_caller(Principal(Role.call_taker, "王芳"), MINE)
    assert privacy.may_see_caller(Principal(Role.command, "李强"), None)
    assert privacy.may_see_caller(Principal(Role.precinct, "张伟", MINE), MINE)
    assert not privacy.may_see_caller(Principal(Role.precinct, "张伟", "150203004"), MINE)
    assert not privacy.may_see_caller(Principal(Role.analyst, "赵"), MINE)
    assert not privacy.may_search_phones(Principal(Role.precinct, "张伟", MINE))


def test_masking_keeps_the_shape_but_not_the_number() -> None:
    assert privacy.mask_phone("13812345678") == "138****5678"
    assert privacy.mask_phone("110") == "*10"
    view = privacy.incident_view({"caller": {"phone": "13812345678", "name": "王小明"}}, False)
    assert view["caller"] == {"phone": "138****5678", "name": "王*"}
    timeline = privacy.timeline_view([{"payload": {"caller": {"phone": "13812345678"}}}], False)
    assert timeline[0]["payload"]["caller"]["phone"] == "138****5678"
    assert privacy.incident_view({"caller": {"phone": "1"}}, True)["caller"]["phone"] == "1"


def test_search_matches_id_text_address_time_and_phone_only_when_allowed() -> None:
    incident, _ = create(Event(EventType.REPORT_RECEIVED, "20261126-ABCDEFGH", T0, data={
        "channel": "call", "text": "咨询身份证补办", "address": "昆区钢铁大街",
        "caller": {"phone": "13812345678"}}))
    assert privacy.matches(incident, "ABCD", None, None, False)
    assert privacy.matches(incident, "钢铁大街", None, None, False)
    assert privacy.matches(incident, "身份证", None, None, False)
    assert privacy.matches(incident, "5678", None, None, True)
    assert not privacy.matches(incident, "5678", None, None, False)
    assert not privacy.matches(incident, "", T0 + timedelta(seconds=1), None, False)
    assert not privacy.matches(incident, "", None, T0, False)
    assert privacy.matches(incident, "", T0, T0 + timedelta(hours=1), False)
