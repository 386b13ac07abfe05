"""The caller's number: who sees it, and how it is masked for the others."""

from __future__ import annotations

from dispatch.api.privacy import for_reader, mask_number, masked, may_see_caller
from dispatch.auth import Principal, Role


def test_who_may_see_the_caller() -> None:
    assert may_see_caller(Principal(Role.call_taker, "王芳"), "150203001")
    assert may_see_caller(Principal(Role.command, "王伟"), None)
    assert may_see_caller(Principal(Role.admin, "admin"), None)
    assert may_see_caller(Principal(Role.precinct, "p", "150203001"), "150203001")
    assert not may_see_caller(Principal(Role.precinct, "p", "150203002"), "150203001")
    assert not may_see_caller(Principal(Role.analyst, "a"), "150203001")


def test_numbers_are_masked_under_phone_keys_and_in_tel_uris() -> None:
    assert mask_number("13912348765") == "139****8765"
    assert mask_number("110") == "110"
    assert mask_number("0472-5123") == "047*5123"
    assert mask_number("5123456") == "*******"  # seven digits: no shape worth keeping
    view = {"caller": {"phone": "13912348765"}, "to": "13912348765", "text": "13912348765",
            "callback": ["tel:13912348765"], "name": "张三"}
    out = masked(view)
    assert out["caller"]["phone"] == out["to"] == "139****8765"
    assert out["text"] == "13912348765"  # what the caller said stays as said
    assert out["callback"] == ["tel:139****8765"] and out["name"] == "张三"
    assert for_reader(Principal(Role.analyst, "a"), None, view)["caller_phone_hidden"] is True
    assert for_reader(Principal(Role.command, "c"), None, view) is view
