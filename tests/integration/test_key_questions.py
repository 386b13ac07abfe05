"""Key questions (要素追问) and triage's doubt over HTTP: open questions on the incident,
answers that re-triage and re-route, the preview with answers, and review withholding
an automatic 12345 transfer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import Service, fresh_point, types


def assigned(service: Service, text: str) -> dict[str, Any]:
    r = service.post_report({"channel": "call", "text": text, "location": fresh_point()})
    assert r.status_code == 202, r.text
    return service.wait_status(r.json()["id"], "assigned")


def test_answers_raise_the_priority_reroute_and_record_who(service: Service) -> None:
    inc = assigned(service, "小区门口两个男的在吵架，声音很大")
    assert inc["priority"] in ("P3", "P2")
    codes = [q["code"] for q in inc["questions"]]
    assert "weapon" in codes and all(q["question"] for q in inc["questions"])
    before_due = inc["ack_due_at"]
    r = service.post(f"/v1/incidents/{inc['id']}/answers",
                     {"answers": {"weapon": "yes", "still_happening": "yes"}}, role="call_taker")
    assert r.status_code == 200, r.text
    after = r.json()
    assert after["priority"] == "P1" and "weapon" in after["flags"]
    assert after["answers"] == {"weapon": "yes", "still_happening": "yes"}
    assert "weapon" not in [q["code"] for q in after["questions"]]
    assert after["ack_due_at"] != before_due
    timeline = service.incident(inc["id"])["timeline"]
    answered = [e for e in timeline if e["type"] == "incident.questions_answered"]
    assert answered and answered[0]["actor"].startswith("call_taker:")
    assert answered[0]["payload"]["answers"]["weapon"] == "yes"
    assert types(timeline)[-2:] == ["incident.retriaged", "incident.assigned"]


def test_an_answer_never_lowers(service: Service) -> None:
    inc = assigned(service, "有人拿着刀在楼下追着砍人")
    assert inc["priority"] == "P1"
    r = service.post(f"/v1/incidents/{inc['id']}/answers", {"answers": {"anyone_hurt": "no"}},
                     role="call_taker")
    assert r.status_code == 200, r.text
    assert r.json()["priority"] == "P1"


@pytest.mark.parametrize("answers", [
    {"lasers": "yes"},            # unknown question
    {"weapon": "maybe"},          # not yes / no / unknown
    {"age": "seven"},             # an age is a number
    {"age": 300},                 # beyond 0-120
    {"age": True},                # a boolean is not a number
    {},                           # nothing to record
])
def test_bad_answers_are_422_and_write_nothing(service: Service, answers: dict[str, Any]) -> None:
    inc = assigned(service, "我家门口有人吵架")
    r = service.post(f"/v1/incidents/{inc['id']}/answers", {"answers": answers},
                     role="call_taker")
    assert r.status_code == 422, r.text
    assert r.json()["message"]
    assert "incident.questions_answered" not in types(service.incident(inc["id"])["timeline"])


def test_answers_need_a_role_that_takes_them(service: Service) -> None:
    inc = assigned(service, "我家门口有人吵架")
    body = {"answers": {"weapon": "yes"}}
    assert service.post(f"/v1/incidents/{inc['id']}/answers", body,
                        role="analyst").status_code == 403
    other = "150203001" if inc["precinct"] != "150203001" else "150204001"
    assert service.post(f"/v1/incidents/{inc['id']}/answers", body, role="precinct",
                        precinct=other).status_code == 403
    assert service.post("/v1/incidents/20260101-ZZZZZZZZ/answers", body,
                        role="call_taker").status_code == 404


def test_preview_takes_answers_and_shows_questions(service: Service) -> None:
    text = "我奶奶早上出门买菜到现在还没回来"
    plain = service.post("/v1/triage/preview", {"text": text}, role="call_taker").json()
    assert plain["category"] == "missing_person"
    assert "conditions" in [q["code"] for q in plain["questions"]]
    answered = service.post("/v1/triage/preview",
                            {"text": text, "answers": {"conditions": "dementia"}},
                            role="call_taker").json()
    assert answered["priority"] == "P1"
    assert "conditions" not in [q["code"] for q in answered["questions"]]
    bad = service.post("/v1/triage/preview", {"text": text, "answers": {"conditions": "x"}},
                       role="call_taker")
    assert bad.status_code == 422 and "conditions" in bad.json()["message"]


def test_a_life_risk_report_is_never_a_transfer_and_shows_its_danger(service: Service) -> None:
    inc = assigned(service, "想问问物业不管，地下车库进水了，我老公下去挪车半小时了还没上来，电话打不通")
    assert inc["category"] not in ("non_police", "consultation")
    assert inc["priority"] == "P1"
    assert {r["kind"] for r in inc["life_risk"]} & {"trapped", "water_ice"}
    timeline = service.incident(inc["id"])["timeline"]
    assert not [e for e in timeline if e["type"] == "incident.handoff"]
