"""The agency registry: parsing, secrets from the environment, choosing by location."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from dispatch.handoff.agencies import parse_registry
from dispatch.handoff.errors import RegistryError

BUILT_IN = json.loads(resources.files("dispatch.handoff").joinpath("data/agencies.json")
                      .read_text(encoding="utf-8"))


def test_the_built_in_registry_covers_neighbours_far_cities_and_12345() -> None:
    reg = parse_registry(BUILT_IN, {})
    assert reg.sender.id == "police.baotou"
    ids = {a.id for a in reg.agencies}
    assert {"police.hohhot", "police.ordos", "police.bayannur", "police.ulanqab",
            "police.zhangjiagang", "police.beijing", "police.xian"} <= ids
    hotline = reg.hotline()
    assert hotline is not None and hotline.kind == "hotline_12345"
    assert all(a.webhook_url is None and a.secret is None for a in reg.agencies)
    assert reg.shapes["police.xian"].geom_type == "Polygon"


def test_urls_and_secrets_come_from_the_environment() -> None:
    reg = parse_registry(BUILT_IN, {"HANDOFF_URL_HOHHOT": "https://hohhot.example/hook",
                                    "HANDOFF_SECRET_HOHHOT": "s3cret"})
    hohhot = reg.get("police.hohhot")
    assert hohhot is not None and hohhot.webhook_url == "https://hohhot.example/hook"
    assert hohhot.secret == "s3cret" and "s3cret" not in repr(hohhot)
    assert hohhot.public() == {"id": "police.hohhot", "name": "呼和浩特市公安局指挥中心",
                               "kind": "police", "phone": None, "webhook": True,
                               "signed_acks": True, "domain": "hohhot.police.cn"}


def test_a_registry_entry_may_name_the_agency_domain_for_eido() -> None:
    from dispatch.handoff.agencies import RegistryError, parse_registry

    sender = {"id": "police.baotou", "name": "包头", "domain": "gaj.baotou.gov.cn"}
    reg = parse_registry({"sender": sender, "agencies": []}, {})
    assert reg.sender.eido_id == "gaj.baotou.gov.cn"
    with pytest.raises(RegistryError, match="domain"):
        parse_registry({"sender": {**sender, "domain": "Not A Domain"}, "agencies": []}, {})


@pytest.mark.parametrize(("location", "expected"), [
    ({"lat": 31.87, "lon": 120.55, "city": "张家港市", "province": "江苏省"}, "police.zhangjiagang"),
    ({"lat": 31.87, "lon": 120.55, "city": "苏州市", "county": "张家港市", "province": "江苏省"},
     "police.zhangjiagang"),  # the county-level city has its own police
    ({"lat": 31.30, "lon": 120.62, "city": "苏州市", "province": "江苏省"}, "police.suzhou"),
    ({"lat": 32.05, "lon": 118.80, "city": None, "province": "江苏省"}, "police.jiangsu"),
    ({"lat": 34.26, "lon": 108.94, "city": None, "province": "陕西省"}, "police.xian"),
    ({"lat": None, "lon": None, "city": "呼和浩特市", "province": "内蒙古自治区"}, "police.hohhot"),
    ({"lat": 49.2, "lon": 119.7, "city": "呼伦贝尔市", "province": "内蒙古自治区"}, "police.nmg"),
    ({"lat": 39.9, "lon": 116.4, "city": None, "province": "北京市"}, "police.beijing"),
    ({"lat": 23.1, "lon": 113.3, "city": None, "province": "广东省"}, "police.guangdong"),
    ({"lat": None, "lon": None, "city": None, "province": "台湾省"}, None),
    ({}, None),
])
def test_choose_polygon_then_city_then_province(location: dict[str, object],
                                                expected: str | None) -> None:
    found = parse_registry(BUILT_IN, {}).choose(location)
    assert (found.id if found else None) == expected


def test_every_city_and_county_the_geo_stage_can_name_gets_an_agency() -> None:
    from geo.national import national

    reg = parse_registry(BUILT_IN, {})
    index = national()
    checked = 0
    for unit in index.units.values():
        if unit.level not in ("city", "county"):
            continue
        chain = index.chain(unit.code)
        found = reg.choose({"province": chain.province, "city": chain.city,
                            "county": chain.county})
        assert found is not None, chain.label()
        if not (set(found.cities) & {chain.city, chain.county}):
            assert chain.province in found.provinces  # the province's police, as fallback
        checked += 1
    assert checked > 3_000


def test_the_smallest_polygon_wins() -> None:
    def square(d: float) -> dict[str, object]:
        ring = [[100 - d, 30 - d], [100 + d, 30 - d], [100 + d, 30 + d], [100 - d, 30 + d],
                [100 - d, 30 - d]]
        return {"type": "Polygon", "coordinates": [ring]}

    data = {"sender": {"id": "me", "name": "我"}, "agencies": [
        {"id": "big", "name": "大", "polygon": square(5)},
        {"id": "small", "name": "小", "polygon": square(1)}]}
    found = parse_registry(data, {}).choose({"lat": 30.2, "lon": 100.3})
    assert found is not None and found.id == "small"


@pytest.mark.parametrize("data", [
    [], {"agencies": []}, {"sender": {"id": "me", "name": "我"}, "agencies": [{"id": "x"}]},
    {"sender": {"id": "me", "name": "我"}, "agencies": [{"id": "x", "name": "X", "kind": "army"}]},
    {"sender": {"id": "me", "name": "我"}, "agencies": [{"id": "x", "name": "X", "cities": "包头"}]},
    {"sender": {"id": "me", "name": "我"}, "agencies": [{"id": "x", "name": "X",
                                                          "webhook_url": "ftp://x"}]},
    {"sender": {"id": "me", "name": "我"}, "agencies": [{"id": "x", "name": "X"},
                                                         {"id": "x", "name": "Y"}]},
    {"sender": {"id": "me", "name": "我"}, "agencies": [{"id": "x", "name": "X", "polygon": 5}]},
])
def test_malformed_registries_are_refused(data: object) -> None:
    with pytest.raises(RegistryError):
        parse_registry(data, {})


def test_a_bad_polygon_is_refused_when_the_shapes_are_built() -> None:
    data = {"sender": {"id": "me", "name": "我"}, "agencies": [
        {"id": "x", "name": "X", "polygon": {"type": "Point", "coordinates": [1, 2]}}]}
    with pytest.raises(RegistryError):
        parse_registry(data, {}).shapes  # noqa: B018 - building is the test
