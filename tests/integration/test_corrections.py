"""The command centre's corrections on the real stack: 转派 (reassign), address suggestions
and 定位修正 (location fix), with the roles that may do each and the 4xx for bad input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import geo
from tests.integration.conftest import Console
from tests.support import Service, fresh_point, types

KUN = [p for p in geo.precincts() if p.district == "150203"]
# The intake form's own example: two roads the gazetteer has no point for.
UNPLACED_ADDRESS = "昆都仑区钢铁大街与民族西路交叉口"


def report(service: Service, text: str, **fields: Any) -> dict[str, Any]:
    body = {"channel": "call", "text": f"{text}（{uuid.uuid4().hex[:6]}）", **fields}
    if "address" not in fields and "location" not in fields:
        body["location"] = fresh_point()
    r = service.post_report(body)
    assert r.status_code == 202, r.text
    return service.wait_status(r.json()["id"], "assigned")


async def test_reassign_moves_an_unplaced_incident_to_a_precinct_feed(service: Service) -> None:
    inc = report(service, "路口两伙人持刀斗殴", address=UNPLACED_ADDRESS)
    assert inc["precinct"] == "command"
    target = KUN[1].id
    console = await Console.open(service.ws_url(target, role="precinct", precinct=target))
    try:
        await console.next()  # hello
        token = service.token("command", name="王伟")
        r = service.http.post(f"{service.base}/v1/incidents/{inc['id']}/reassign",
                              json={"precinct": target, "reason": "报警人回拨确认在林荫路附近"},
                              headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        after = r.json()
        assert after["precinct"] == target and after["status"] == "assigned"
        assert after["ack_due_at"] and after["escalation_level"] == 0
        assert after["arrival_due_at"]  # an unplaced incident gets its on-scene target now
        pushed = await console.wait_for(lambda m: m.get("incident_id") == inc["id"]
                                        and m["type"] == "incident.assigned")
        assert pushed["incident"]["precinct"] == target
        assert pushed["payload"]["reason"] == "报警人回拨确认在林荫路附近"
    finally:
        await console.close()
    last = service.incident(inc["id"])["timeline"][-1]
    assert last["type"] == "incident.assigned" and last["actor"] == "command:王伟"
    assert last["payload"]["officer"] == "王伟" and last["payload"]["reassigned"] is True
    assert last["payload"]["from_precinct"] == "command"


def test_reassign_leaves_the_old_precinct_and_refuses_the_same_one(service: Service) -> None:
    inc = report(service, "小区门口有人吵架推搡")
    old = inc["precinct"]
    other = next(p.id for p in geo.precincts() if p.id != old)
    r = service.post(f"/v1/incidents/{inc['id']}/reassign", {"precinct": old, "reason": "同所"})
    assert r.status_code == 409 and "already assigned" in r.json()["message"]
    r = service.post(f"/v1/incidents/{inc['id']}/reassign", {"precinct": other, "reason": "转派"},
                     role="admin")
    assert r.status_code == 200 and r.json()["precinct"] == other
    listed = service.get("/v1/incidents", params={"precinct": old}).json()["items"]
    assert inc["id"] not in [i["id"] for i in listed]


@pytest.mark.parametrize(("role", "precinct"), [("call_taker", None), ("analyst", None),
                                                ("precinct", "own")])
def test_only_the_command_centre_reassigns(service: Service, role: str,
                                           precinct: str | None) -> None:
    inc = report(service, f"有人在楼道里乱扔垃圾 {role}")
    r = service.post(f"/v1/incidents/{inc['id']}/reassign",
                     {"precinct": KUN[0].id, "reason": "转派"}, role=role,
                     precinct=inc["precinct"] if precinct else None)
    assert r.status_code == 403, r.text
    after = service.incident(inc["id"])
    assert types(after["timeline"]).count("incident.assigned") == 1
    assert after["precinct"] == inc["precinct"]


@pytest.mark.parametrize(("body", "field"), [
    ({"precinct": "999999999", "reason": "转派"}, "precinct"),
    ({"precinct": "<script>", "reason": "转派"}, "precinct"),
    ({"precinct": KUN[0].id, "reason": ""}, "reason"),
    ({"precinct": KUN[0].id, "reason": "   "}, "reason"),
    ({"precinct": KUN[0].id}, "reason"),
    ({"reason": "转派"}, "precinct"),
    ({"precinct": KUN[0].id, "reason": "转派", "extra": 1}, "extra"),
])
def test_bad_reassignments_are_422(service: Service, body: dict[str, Any], field: str) -> None:
    inc = report(service, "停车场有车辆被剐蹭")
    r = service.post(f"/v1/incidents/{inc['id']}/reassign", body)
    assert r.status_code == 422 and field in r.json()["message"], r.text


def test_reassigning_an_unknown_incident_is_404_and_no_token_401(service: Service) -> None:
    r = service.post("/v1/incidents/20261126-ZZZZZZZZ/reassign",
                     {"precinct": KUN[0].id, "reason": "转派"})
    assert r.status_code == 404
    r = service.http.post(f"{service.base}/v1/incidents/20261126-ZZZZZZZZ/reassign",
                          json={"precinct": KUN[0].id, "reason": "转派"})
    assert r.status_code == 401


# -- address suggestions and the location fix ------------------------------------------------


def test_suggest_says_when_an_address_is_only_placed_at_district_level(service: Service) -> None:
    r = service.get("/v1/geo/suggest", params={"q": UNPLACED_ADDRESS}, role="call_taker")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["level"] == "district" and body["precise"] is False
    assert body["placement"]["district_name"] == "昆都仑区"
    assert body["items"] and all(i["kind"] == "precinct" and i["precinct"] for i in body["items"])
    r = service.get("/v1/geo/suggest", params={"q": "林荫路"}, role="call_taker")
    assert r.json()["precise"] is True
    assert r.json()["items"][0]["id"] == "g:town:150203:林荫路街道"


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "路" * 101},
                                    {"q": "林荫", "limit": 0}, {"q": "林荫", "limit": "x"}])
def test_bad_suggest_queries_are_422(service: Service, params: dict[str, Any]) -> None:
    r = service.get("/v1/geo/suggest", params=params)
    assert r.status_code == 422, r.text
    assert service.http.get(f"{service.base}/v1/geo/suggest?q=x").status_code == 401


async def test_picking_a_candidate_routes_an_unplaced_incident(service: Service) -> None:
    inc = report(service, "路口两辆车相撞，一名司机受伤", address=UNPLACED_ADDRESS)
    assert inc["precinct"] == "command"
    pick = service.get("/v1/geo/suggest", params={"q": UNPLACED_ADDRESS}).json()["items"][0]
    console = await Console.open(service.ws_url(pick["precinct"], role="precinct",
                                                precinct=pick["precinct"]))
    try:
        await console.next()
        r = service.post(f"/v1/incidents/{inc['id']}/location",
                         {"candidate": pick["id"], "reason": "报警人确认"})
        assert r.status_code == 200, r.text
        after = r.json()
        assert after["precinct"] == pick["precinct"] and after["status"] == "assigned"
        assert after["location"]["source"] == "gazetteer"
        assert after["location"]["fixed_by"] == "command:test-command"
        await console.wait_for(lambda m: m.get("incident_id") == inc["id"]
                               and m["type"] == "incident.assigned")
    finally:
        await console.close()
    kinds = types(service.incident(inc["id"])["timeline"])
    assert kinds[-2:] == ["incident.located", "incident.assigned"]


def test_a_map_click_fixes_the_point_and_the_jurisdiction(service: Service) -> None:
    inc = report(service, "小区里有人偷电动车")
    other = next(p for p in geo.precincts() if p.id != inc["precinct"] and p.district == "150202")
    lat, lon = other.seat
    r = service.post(f"/v1/incidents/{inc['id']}/location", {"lat": lat, "lon": lon},
                     role="call_taker")
    assert r.status_code == 200, r.text
    assert r.json()["precinct"] == other.id and r.json()["location"]["source"] == "manual"
    r = service.post(f"/v1/incidents/{inc['id']}/location", {"lat": 40.0, "lon": 100.0})
    assert r.status_code == 200 and r.json()["precinct"] == "command"
    assert "out_of_area" in r.json()["flags"]


@pytest.mark.parametrize(("body", "field"), [
    ({}, "point"), ({"lat": 40.6}, "lat and lon"), ({"lat": True, "lon": 109.8}, "lat"),
    ({"lat": "40.6", "lon": 109.8}, "lat"), ({"lat": 91, "lon": 109.8}, "lat"),
    ({"lat": 40.6, "lon": 109.8, "candidate": "p:150203004"}, "either"),
    ({"candidate": "p:999999999"}, "candidate"), ({"candidate": "g:poi:x:不存在"}, "candidate"),
    ({"lat": 40.6, "lon": 109.8, "crs": "mars"}, "crs"),
    ({"lat": 40.6, "lon": 109.8, "radius_m": -1}, "radius_m"),
])
def test_bad_location_fixes_are_422(service: Service, body: dict[str, Any], field: str) -> None:
    inc = report(service, "有人在公园里乱发传单")
    r = service.post(f"/v1/incidents/{inc['id']}/location", body)
    assert r.status_code == 422 and field in r.json()["message"], r.text


def test_location_fix_roles_and_unknown_incident(service: Service) -> None:
    inc = report(service, "楼下饭店油烟太大")
    body = {"lat": 40.6, "lon": 109.8}
    for role, precinct in (("precinct", inc["precinct"]), ("analyst", None)):
        r = service.post(f"/v1/incidents/{inc['id']}/location", body, role=role,
                         precinct=precinct)
        assert r.status_code == 403, r.text
    assert service.post("/v1/incidents/20261126-ZZZZZZZZ/location", body).status_code == 404
