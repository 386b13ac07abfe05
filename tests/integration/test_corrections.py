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
