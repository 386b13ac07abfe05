"""Closing properly on the real stack: 结案 needs a disposition of the registry, and a
consultation or P4 matter is answered on the spot (当场答复), which closes it."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support import Service, fresh_point, types


def report(service: Service, text: str) -> dict[str, Any]:
    r = service.post_report({"channel": "call", "text": f"{text}（{uuid.uuid4().hex[:6]}）",
                             "location": fresh_point()})
    assert r.status_code == 202, r.text
    return service.wait_status(r.json()["id"], "assigned")


def resolved(service: Service) -> dict[str, Any]:
    inc = report(service, "小区门口两人发生口角推搡")
    for status in ("acknowledged", "on_scene", "resolved"):
        r = service.post(f"/v1/incidents/{inc['id']}/status", {"status": status},
                         role="precinct", precinct=inc["precinct"])
        assert r.status_code == 200, r.text
    return inc


def test_the_registry_is_served_with_chinese_labels(service: Service) -> None:
    r = service.get("/v1/dispositions", role="precinct", precinct="150203004")
    assert r.status_code == 200
    codes = {d["code"]: d for d in r.json()["items"]}
    assert codes["mediated"]["label"] == "已调解" and codes["answered"]["eido"]


def test_closing_needs_a_disposition_and_records_it(service: Service) -> None:
    inc = resolved(service)
    path = f"/v1/incidents/{inc['id']}/status"
    r = service.post(path, {"status": "closed"}, role="precinct", precinct=inc["precinct"])
    assert r.status_code == 422 and "disposition" in r.json()["message"], r.text
    assert "mediated" in r.json()["dispositions"]
    r = service.post(path, {"status": "closed", "disposition": "alien"})
    assert r.status_code == 422 and "unknown disposition" in r.json()["message"]
    r = service.post(path, {"status": "closed", "disposition": "mediated", "reason": "双方和解"},
                     role="precinct", precinct=inc["precinct"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["disposition"] == "mediated"
    last = [e for e in service.incident(inc["id"])["timeline"]
            if e["type"] == "incident.status_changed"][-1]
    assert last["payload"]["disposition_label"] == "已调解"


@pytest.mark.parametrize("body", [
    {"status": "resolved", "disposition": "mediated"}, {"status": "closed", "disposition": ""},
    {"status": "closed", "disposition": "<b>x</b>"}, {"status": "closed", "disposition": 3},
])
def test_bad_dispositions_are_422(service: Service, body: dict[str, Any]) -> None:
    inc = report(service, "楼上邻居装修噪音扰民")
    r = service.post(f"/v1/incidents/{inc['id']}/status", body)
    assert r.status_code == 422, r.text


def test_closing_an_open_incident_is_still_409(service: Service) -> None:
    inc = report(service, "路边停车被人划了")
    r = service.post(f"/v1/incidents/{inc['id']}/status", {"status": "closed",
                                                           "disposition": "mediated"})
    assert r.status_code == 409 and "acknowledged" in r.json()["allowed"]


def test_a_consultation_is_answered_on_the_spot(service: Service) -> None:
    inc = report(service, "请问身份证到期了去哪里换领，需要带什么材料")
    assert inc["category"] == "consultation"
    answer = "到户籍窗口办理，带旧身份证和户口簿"
    r = service.post(f"/v1/incidents/{inc['id']}/answer-on-spot", {"answer": answer},
                     role="call_taker")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "closed" and body["disposition"] == "answered"
    assert body["answer"] == answer and body["ack_due_at"] is None
    timeline = service.incident(inc["id"])["timeline"]
    assert "incident.answered_on_spot" in types(timeline)
    assert "incident.questions_answered" not in types(timeline)
    done = next(e for e in timeline if e["type"] == "incident.answered_on_spot")
    assert done["actor"] == "call_taker:test-call_taker" and done["payload"]["answer"] == answer
    again = service.post(f"/v1/incidents/{inc['id']}/answer-on-spot", {"answer": answer})
    assert again.status_code == 409


def test_on_spot_answers_refuse_urgent_matters_bad_input_and_other_precincts(
        service: Service) -> None:
    urgent = report(service, "有人持刀抢劫，受害人流血")
    r = service.post(f"/v1/incidents/{urgent['id']}/answer-on-spot", {"answer": "已告知"})
    assert r.status_code == 409, r.text
    consult = report(service, "咨询一下居住证怎么办理")
    for body in ({}, {"answer": ""}, {"answer": "  "}, {"answer": "x" * 2001},
                 {"answer": "已告知", "extra": 1}):
        r = service.post(f"/v1/incidents/{consult['id']}/answer-on-spot", body)
        assert r.status_code == 422, (body, r.text)
    other = next(p for p in ("150203004", "150202001") if p != consult["precinct"])
    r = service.post(f"/v1/incidents/{consult['id']}/answer-on-spot", {"answer": "已告知"},
                     role="precinct", precinct=other)
    assert r.status_code == 403
    r = service.post(f"/v1/incidents/{consult['id']}/answer-on-spot", {"answer": "已告知"},
                     role="analyst")
    assert r.status_code == 403
    assert service.post("/v1/incidents/20261126-ZZZZZZZZ/answer-on-spot",
                        {"answer": "已告知"}).status_code == 404
