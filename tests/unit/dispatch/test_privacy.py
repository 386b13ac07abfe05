"""How callers' numbers and names are masked for readers the access table does not
show them to."""

from __future__ import annotations

from dispatch.api.privacy import mask_name, mask_number, masked, masked_names


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


def test_names_are_masked_under_the_holders_only() -> None:
    assert mask_name("张三丰") == "张**" and mask_name("王") == "王*" and mask_name("") == ""
    view = {"caller": {"name": "张三", "phone": "1"}, "person": {"name": "李四"},
            "timeline": [{"payload": {"caller": {"name": "张三"}}}],
            "reporter": {"name": "王五"}}
    out = masked_names(view, ("caller",))
    assert out["caller"]["name"] == "张*" and out["timeline"][0]["payload"]["caller"]["name"] == "张*"
    assert out["person"]["name"] == "李四" and out["reporter"]["name"] == "王五"
    assert masked_names(view, ("reporter",))["reporter"]["name"] == "王*"
