"""The human path over HTTP on the real stack: 转派, fixing a location, address
suggestions, 当场答复, 结案 with a disposition, a case opened from its report alone, the
caller's phone for those who call back (audited), search, and the roles that may do each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.support import Service, fresh_point, wait_until

UNPLACED = "昆都仑区钢铁大街与民族西路交叉口"


def as_(service: Service, method: str, path: str, role: str, body: Any = None,
        precinct: str | None = None, name: str | None = None,
        params: dict[str, Any] | None = None) -> httpx.Response:
    token = service.token(role, precinct, name)
    return service.http.request(method, f"{service.base}{path}", json=body, params=params,
                                headers={"Authorization": f"Bearer {token}"})


def report(service: Service, text: str, status: str = "assigned",
           **fields: Any) -> dict[str, Any]:
    r = service.post_report({"channel": "call", "text": text,
                             "source_id": uuid.uuid4().hex, **fields})
    assert r.status_code == 202, r.text
    return service.wait_status(r.json()["id"], status, "closed", "merged")


def test_reassign_moves_an_unplaced_incident_and_rearms_the_ack_clock(service: Service) -> None:
    inc = report(service, "钢铁大街路口有人拿刀打架，快来", address=UNPLACED)
    assert inc["precinct"] == "command" and inc["location"]["precinct"] is None
    path = f"/v1/incidents/{inc['id']}/reassign"
    body = {"precinct": "150203003", "reason": "回拨报警人：在沼潭街道阿尔丁大街口"}
    assert as_(service, "POST", path, "call_taker", body).status_code == 403
    assert as_(service, "POST", path, "precinct", body, precinct="150203003").status_code == 403
    assert as_(service, "POST", path, "analyst", body).status_code == 403
    assert service.http.post(f"{service.base}{path}", json=body).status_code == 401
    for bad in ({"precinct": "999999999", "reason": "x理由"}, {"precinct": "150203003"},
                {"precinct": "150203003", "reason": " "}, {"precinct": "ab", "reason": "理由"},
                {"precinct": "150203003", "reason": "理由", "extra": 1}):
        r = as_(service, "POST", path, "command", bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["message"]
    assert as_(service, "POST", "/v1/incidents/20260101-ZZZZZZZZ/reassign", "command",
               body).status_code == 404
    r = as_(service, "POST", path, "command", body, name="李强")
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["precinct"] == "150203003" and moved["status"] == "assigned"
    assert moved["ack_due_at"] and moved["arrival_due_at"] and moved["escalation_level"] == 0
    again = as_(service, "POST", path, "command", body)
    assert again.status_code == 409
    timeline = service.incident(inc["id"])["timeline"]
    last = [e for e in timeline if e["type"] == "incident.assigned"][-1]
    assert last["actor"] == "command:李强" and last["payload"]["reassigned_from"] == "command"
    assert last["payload"]["reason"].startswith("回拨报警人")
    # The precinct acknowledges it now, with its officer's name in the audit trail.
    r = as_(service, "POST", f"/v1/incidents/{inc['id']}/ack", "precinct",
            precinct="150203003", name="张伟")
    assert r.status_code == 200 and r.json()["acknowledged_by"] == "precinct:150203003:张伟"


def test_suggest_offers_pickable_places_and_checks_its_input(service: Service) -> None:
    r = as_(service, "GET", "/v1/geo/suggest", "call_taker", params={"q": UNPLACED})
    assert r.status_code == 200, r.text
    found = r.json()
    assert found["precise"] is False and found["located"]["radius_m"] > 1500
    assert found["candidates"] and all(c["lat"] and c["precinct"] for c in found["candidates"])
    assert as_(service, "GET", "/v1/geo/suggest", "call_taker",
               params={"q": "包头站"}).json()["precise"] is True
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}, {"q": "包头", "limit": 0}):
        assert as_(service, "GET", "/v1/geo/suggest", "command", params=params).status_code == 422
    assert as_(service, "GET", "/v1/geo/suggest", "analyst",
               params={"q": "包头"}).status_code == 403
    assert service.http.get(f"{service.base}/v1/geo/suggest?q=包头").status_code == 401


def test_fixing_the_location_reruns_jurisdiction_and_routes(service: Service) -> None:
    inc = report(service, "东河这边我的电动车被人偷了", address="东河区巴彦塔拉大街")
    assert inc["precinct"] == "command"
    pick = as_(service, "GET", "/v1/geo/suggest", "command",
               params={"q": "东河区巴彦塔拉大街"}).json()["candidates"][0]
    path = f"/v1/incidents/{inc['id']}/location"
    body = {"lat": pick["lat"], "lon": pick["lon"], "place": pick["name"],
            "reason": "报警人确认在此"}
    assert as_(service, "POST", path, "analyst", body).status_code == 403
    assert as_(service, "POST", path, "precinct", body, precinct="150203003").status_code == 403
    for bad in ({"lat": 91, "lon": 109}, {"lon": 109.8}, {"lat": "x", "lon": 1},
                {"lat": 40.6, "lon": 109.8, "crs": "utm"}):
        assert as_(service, "POST", path, "command", bad).status_code == 422, bad
    r = as_(service, "POST", path, "command", body, name="李强")
    assert r.status_code == 200, r.text
    fixed = r.json()
    assert fixed["precinct"] == pick["precinct"] and fixed["status"] == "assigned"
    assert fixed["location"]["corrected"] is True and fixed["location"]["place"] == pick["name"]
    assert fixed["location"]["source"] == "operator"
    # The new precinct may correct it again; a point outside the city goes to the centre.
    r = as_(service, "POST", path, "precinct", {"lat": 41.8, "lon": 123.4},
            precinct=pick["precinct"])
    assert r.status_code == 200 and r.json()["precinct"] == "command"
    assert r.json()["location"]["in_jurisdiction"] is False


def test_answer_closes_a_consultation_at_once_and_refuses_urgent_matters(
        service: Service) -> None:
    inc = report(service, "我想咨询一下身份证丢了补办需要带什么材料", location=fresh_point())
    assert inc["category"] == "consultation"
    path = f"/v1/incidents/{inc['id']}/answer"
    assert as_(service, "POST", path, "analyst", {"answer": "带户口本"}).status_code == 403
    for bad in ({}, {"answer": ""}, {"answer": "带户口本", "disposition": "arrest"},
                {"answer": "带户口本", "disposition": "nope"}):
        assert as_(service, "POST", path, "call_taker", bad).status_code == 422, bad
    r = as_(service, "POST", path, "call_taker",
            {"answer": "携带户口本到户籍窗口办理，当日受理"}, name="王芳")
    assert r.status_code == 200, r.text
    closed = r.json()
    assert closed["status"] == "closed" and closed["disposition"]["code"] == "answered"
    assert closed["disposition"]["by"] == "call_taker:王芳"
    assert as_(service, "POST", path, "call_taker", {"answer": "再答一次"}).status_code == 409
    urgent = report(service, "楼下有人持刀抢劫，正在发生", location=fresh_point())
    r = as_(service, "POST", f"/v1/incidents/{urgent['id']}/answer", "command",
            {"answer": "已答复"})
    assert r.status_code == 409


def test_close_needs_a_disposition_from_the_registry(service: Service) -> None:
    r = as_(service, "GET", "/v1/dispositions", "precinct", precinct="150203003")
    codes = {d["code"]: d for d in r.json()["items"]}
    assert "mediated" in codes and codes["answered"]["answer"] is True
    inc = report(service, "邻居家吵架声音很大，请来调解一下", location=fresh_point())
    p, path = inc["precinct"], f"/v1/incidents/{inc['id']}/status"
    for status in ("acknowledged", "on_scene", "resolved"):
        assert as_(service, "POST", path, "precinct", {"status": status},
                   precinct=p).status_code == 200
    assert as_(service, "POST", path, "precinct", {"status": "closed"},
               precinct=p).status_code == 422
    assert as_(service, "POST", path, "precinct", {"status": "closed", "disposition": "nope"},
               precinct=p).status_code == 422
    r = as_(service, "POST", path, "precinct", {"status": "closed", "disposition": "mediated",
                                                "reason": "双方和解"}, precinct=p, name="张伟")
    assert r.status_code == 200, r.text
    assert r.json()["disposition"]["label"] == "已调解" and r.json()["closed_at"]
    assert r.json()["disposition"]["by"] == f"precinct:{p}:张伟"


def test_a_case_opens_from_its_report_alone(service: Service) -> None:
    inc = report(service, "我父亲走丢了，72岁，有老年痴呆，穿灰色夹克黑裤子，在阿尔丁广场附近走失的",
                 location=fresh_point(), caller={"phone": "13912345678"})
    assert inc["category"] == "missing_person"
    assert as_(service, "POST", "/v1/missing", "precinct", {"report_id": inc["id"]},
               precinct=inc["precinct"]).status_code == 403
    assert as_(service, "POST", "/v1/missing", "call_taker", {}).status_code == 422
    assert as_(service, "POST", "/v1/missing", "call_taker",
               {"report_id": "20260101-ZZZZZZZZ"}).status_code == 422
    r = as_(service, "POST", "/v1/missing", "call_taker", {"report_id": inc["id"]})
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["person"]["gender"] == "male" and case["person"]["age"] == {"min": 72, "max": 72}
    assert "dementia" in case["person"]["conditions"] and case["risk"]["grade"] == "high"
    assert case["report_id"] == inc["id"] and case["reporter"]["phone"] == "13912345678"
    # Last seen where the report says (the square), not where the caller stands.
    assert case["last_seen"]["address"] == "阿尔丁广场附近" and case["last_seen"]["lat"]
    again = as_(service, "POST", "/v1/missing", "call_taker", {"report_id": inc["id"]})
    assert again.status_code == 200 and again.json()["id"] == case["id"]


def test_a_case_from_its_report_takes_what_the_call_taker_completes(service: Service) -> None:
    inc = report(service, "孩子找不到了，男孩，8岁左右，穿红色上衣", location=fresh_point())
    at = (datetime.now(UTC) - timedelta(minutes=40)).isoformat()
    r = as_(service, "POST", "/v1/missing", "command",
            {"report_id": inc["id"], "person": {"name": "刘小明", "height_cm": 130},
             "last_seen": {"at": at, "address": "昆都仑区阿尔丁广场"}})
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["person"]["name"] == "刘小明" and case["person"]["gender"] == "male"
    assert case["risk"]["criminal_case"] is True  # a child: filed at once
    bad = as_(service, "POST", "/v1/missing", "command",
              {"report_id": inc["id"], "person": {"age": 300}})
    assert bad.status_code == 422


def test_the_callers_phone_is_for_those_who_call_back_and_reads_are_audited(
        service: Service) -> None:
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    inc = report(service, "有人在我家楼下砸车", location=fresh_point(), caller={"phone": phone})
    path = f"/v1/incidents/{inc['id']}"
    masked = as_(service, "GET", path, "analyst").json()
    assert masked["caller"]["phone"] == f"{phone[:3]}****{phone[-4:]}"
    received = masked["timeline"][0]["payload"]
    assert received["caller"]["phone"] != phone
    other = "150203003" if inc["precinct"] != "150203003" else "150203004"
    assert as_(service, "GET", path, "precinct", precinct=other).json()["caller"]["phone"] != phone
    own = as_(service, "GET", path, "precinct", precinct=inc["precinct"], name="张伟").json()
    assert own["caller"]["phone"] == phone
    audit = as_(service, "GET", "/v1/audit", "command", params={"incident_id": inc["id"]})
    entries = audit.json()["items"]
    assert any(e["actor"] == f"precinct:{inc['precinct']}:张伟" and e["action"] == "read_caller"
               for e in entries)
    assert as_(service, "GET", "/v1/audit", "precinct", precinct=other).status_code == 403
    listed = as_(service, "GET", "/v1/incidents", "command", params={"limit": 50}).json()
    assert all((i.get("caller") or {}).get("phone") != phone for i in listed["items"])

    # Search: by phone for the call-taker and command only, by id, address and time for all.
    found = as_(service, "GET", "/v1/incidents", "call_taker", params={"q": phone[-6:]}).json()
    assert [i["id"] for i in found["items"]] == [inc["id"]]
    assert not as_(service, "GET", "/v1/incidents", "precinct", precinct=inc["precinct"],
                   params={"q": phone[-6:]}).json()["items"]
    by_id = as_(service, "GET", "/v1/incidents", "precinct", precinct=inc["precinct"],
                params={"q": inc["id"][-8:]}).json()
    assert [i["id"] for i in by_id["items"]] == [inc["id"]]
    since = inc["received_at"]
    window = as_(service, "GET", "/v1/incidents", "command",
                 params={"since": since, "q": "砸车"}).json()
    assert inc["id"] in [i["id"] for i in window["items"]]
    later = datetime.fromisoformat(since) + timedelta(seconds=1)
    assert inc["id"] not in [i["id"] for i in as_(
        service, "GET", "/v1/incidents", "command",
        params={"since": later.isoformat(), "q": "砸车"}).json()["items"]]
    for params in ({"since": "yesterday"}, {"since": "2026-01-01T00:00:00"},
                   {"q": "x" * 101}, {"q": ""}):
        assert as_(service, "GET", "/v1/incidents", "command", params=params).status_code == 422


def test_no_unit_is_recommended_outside_the_jurisdiction(service: Service) -> None:
    inc = report(service, "我在呼和浩特市新城区，钱包被偷了")
    r = as_(service, "GET", f"/v1/incidents/{inc['id']}/recommendations", "command").json()
    assert r["items"] == [] and "jurisdiction" in r["reason"]
    near = report(service, "路边有人打架了", location=fresh_point())
    items = as_(service, "GET", f"/v1/incidents/{near['id']}/recommendations",
                "command").json()["items"]
    assert items and all(u["call_sign"] and "巡" in u["call_sign"] for u in items)
    assert items[0]["distance_m"] < 30_000


def test_docs_are_served_from_vendored_assets(service: Service) -> None:
    for path in ("/docs", "/redoc"):
        page = service.http.get(f"{service.base}{path}")
        assert page.status_code == 200
        assert "/console/static/vendor/" in page.text and "cdn" not in page.text.lower()
        assert "fonts.googleapis" not in page.text
    js = service.http.get(f"{service.base}/console/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000
    wait_until(lambda: service.http.get(
        f"{service.base}/console/static/vendor/redoc/redoc.standalone.js").status_code == 200)
