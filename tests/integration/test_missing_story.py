"""The missing-person workflow on a real Redis and real processes, told as the call that
set the bar: an old man with dementia wandering in a road, found 17 minutes after a
passer-by's call. Here the link takes well under a second and the case closes in seconds.

The service runs with a short ``low``-grade target (``MISSING_TARGETS_PATH``) so a
breach shows within seconds, and re-evaluates alert circles every second
(``MISSING_WIDEN_S``) so a widening is seen without waiting five minutes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import geo
from dispatch import settings as settings_mod
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import SystemClock, VirtualClock
from dispatch.domain.events import parse_iso
from dispatch.missing import DEFAULT_POLICY
from dispatch.workflows.missing.reactor import MissingReactor
from dispatch.workflows.missing.service import MissingDeadlines
from tests.integration.conftest import Console
from tests.support import RedisServer, Service, wait_until

LAST_SEEN = (40.6575, 109.8403)  # 昆都仑区 沼潭街道, near 阿尔丁大街
SIGHTING = (LAST_SEEN[0] + 1200 / 111_320, LAST_SEEN[1])  # 1.2 km due north
ELSEWHERE = (40.6010, 110.0200)  # 东河区: the other tests' cases, far from the story
PASSER_BY = "阿尔丁大街上有个老大爷在马路中间走来走去，穿灰色夹克，七十多岁，看着糊里糊涂的，好像迷路了"
NEAR_MISS = "马路中间有个老太太走来走去，穿灰色夹克，七十多岁，好像迷路了"


@pytest.fixture(scope="module")
def svc(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    targets = tmp_path_factory.mktemp("missing") / "targets.toml"
    targets.write_text("[low]\nprecinct_dispatched = 0.05\n", encoding="utf-8")  # 3 s
    service = Service(redis_server.url, namespace="missing",
                      MISSING_TARGETS_PATH=str(targets), MISSING_WIDEN_S="1").start_all()
    r = redis_server.client()
    wait_until(lambda: any(g["name"] == "reactor:missing"
                           for g in r.xinfo_groups("missing:events")), 20,
               what="the missing-person reactor to join the events stream")
    yield service
    service.stop()


def precinct_at(point: tuple[float, float]) -> str:
    placed = geo.locate("", device=geo.DevicePoint(lat=point[0], lon=point[1], crs="wgs84",
                                                   accuracy_m=20))
    assert placed.precinct
    return placed.precinct


def open_case(svc: Service, person: dict[str, Any], minutes_ago: float,
              point: tuple[float, float] = ELSEWHERE, role: str = "call_taker",
              **extra: Any) -> dict[str, Any]:
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    body = {"person": person, "last_seen": {"at": at.isoformat(), "location": {
        "lat": point[0], "lon": point[1], "crs": "wgs84"}},
        "reporter": {"name": "李女士", "phone": "13912345678", "relation": "女儿"}, **extra}
    r = svc.post("/v1/missing", body, role=role)
    assert r.status_code == 201, r.text
    return dict(r.json())


def case(svc: Service, case_id: str) -> dict[str, Any]:
    r = svc.get(f"/v1/missing/{case_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def report(svc: Service, text: str, point: tuple[float, float]) -> dict[str, Any]:
    r = svc.post_report({"channel": "call", "text": text,
                         "location": {"lat": point[0], "lon": point[1], "accuracy_m": 15}})
    assert r.status_code == 202, r.text
    return dict(r.json())


def missing_stages(svc: Service, incident_id: str) -> list[str]:
    return [e["payload"].get("stage") for e in svc.incident(incident_id)["timeline"]
            if e["type"] == "incident.missing"]


async def test_the_wandering_old_man_is_linked_verified_and_home(svc: Service) -> None:
    verifier = precinct_at(SIGHTING)
    assert verifier != precinct_at(LAST_SEEN)  # the sighting is in the next precinct
    console = await Console.open(svc.ws_url(verifier, role="precinct", precinct=verifier))
    command = await Console.open(svc.ws_url("command"))
    await console.next()
    await command.next()  # hello

    opened = open_case(svc, {"gender": "male", "age": 78, "height_cm": 170,
                             "clothing": ["灰色夹克"], "conditions": ["dementia"]},
                       minutes_ago=40, point=LAST_SEEN)
    case_id = opened["id"]
    assert case_id.startswith("MP-") and opened["status"] == "open"
    assert opened["risk"]["grade"] == "high"
    assert "dementia" in {r["code"] for r in opened["risk"]["reasons"]}
    assert {t["name"] for t in opened["targets"]} >= {"precinct_dispatched", "located"}
    assert all(t["due_at"] and t["state"] in ("pending", "met") for t in opened["targets"])
    assert verifier in opened["area"]["precincts"]  # 1 km + 40 min of walking covers it
    await console.wait_for(lambda m: m["type"] == "missing.alert"
                           and m["payload"]["case_id"] == case_id, timeout=5)

    call = report(svc, PASSER_BY, SIGHTING)
    received = parse_iso(call["received_at"])
    linked = wait_until(lambda: case(svc, case_id)["sightings"], 5, interval=0.01,
                        what="the sighting to be linked")
    assert linked[0]["incident_id"] == call["id"] and linked[0]["score"] >= 0.85
    assert any(r.startswith("place_time") for r in linked[0]["reasons"])
    link_event = next(e for e in case(svc, case_id)["timeline"]
                      if e["type"] == "missing.sighting_linked")
    link_latency = (parse_iso(link_event["at"]) - received).total_seconds()
    assert link_latency < 1.0, f"linked {link_latency:.3f} s after the call"

    verification = await console.wait_for(
        lambda m: m["type"] == "missing.verification" and m["payload"]["case_id"] == case_id)
    assert verification["incident_id"] == call["id"]
    assert "78岁" in verification["payload"]["description"]
    await console.wait_for(lambda m: m["type"] == "incident.missing"
                           and m["payload"].get("stage") == "verification_requested")
    await command.wait_for(lambda m: m["type"] == "missing.notice"
                           and m["payload"]["case_id"] == case_id)

    other = precinct_at(LAST_SEEN)
    r = svc.post(f"/v1/missing/{case_id}/sightings/{call['id']}/confirm", {},
                 role="precinct", precinct=other)
    assert r.status_code == 403, r.text  # only the precinct sent to verify answers
    r = svc.post(f"/v1/missing/{case_id}/sightings/{call['id']}/confirm",
                 {"note": "民警核实为走失老人本人"}, role="precinct", precinct=verifier)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "located"
    r = svc.post(f"/v1/missing/{case_id}/close", {"outcome": "found_safe",
                                                  "note": "家属已接回"},
                 role="precinct", precinct=verifier)
    assert r.status_code == 200, r.text
    closed = r.json()
    call_to_close = (parse_iso(closed["closed_at"]) - received).total_seconds()
    assert closed["status"] == "closed" and closed["outcome"] == "found_safe"
    assert call_to_close < 17 * 60 / 10, f"{call_to_close:.1f} s from the call to closure"
    assert closed["time_to_found_s"] is not None and closed["time_to_found_s"] < 60
    assert closed["sightings"][0]["state"] == "confirmed"
    states = {t["name"]: t["state"] for t in closed["targets"]}
    assert states["precinct_dispatched"] == "met" and states["located"] == "met"
    assert states["registered_broadcast"] == "met"
    steps = [e["type"] for e in closed["timeline"]]
    assert steps[:3] == ["missing.opened", "missing.risk_assessed", "missing.area_widened"]
    for step in ("missing.sighting_linked", "missing.target_met", "missing.found_registered",
                 "missing.closed"):
        assert step in steps
    assert missing_stages(svc, call["id"]) == ["sighting_matched", "verification_requested",
                                               "verified"]
    matched = next(e["payload"] for e in svc.incident(call["id"])["timeline"]
                   if e["payload"].get("stage") == "sighting_matched")
    print(f"\nsighting → link {link_latency * 1000:.0f} ms (matching {matched['match_ms']} ms); "
          f"call → closed {call_to_close:.2f} s")

    kpis = svc.get("/v1/missing/kpis").json()
    high = next(g for g in kpis["grades"] if g["grade"] == "high")
    assert high["found"] >= 1 and high["median_time_to_found_s"] is not None
    assert svc.get("/v1/missing/kpis", role="precinct", precinct=verifier).status_code == 403
    await console.close()
    await command.close()


def test_a_woman_of_the_same_age_in_a_grey_jacket_is_not_linked(svc: Service) -> None:
    point = (ELSEWHERE[0] + 0.03, ELSEWHERE[1])
    man = open_case(svc, {"gender": "male", "age": 78, "clothing": ["灰色夹克"],
                          "conditions": ["dementia"]}, minutes_ago=30, point=point)
    call = report(svc, NEAR_MISS, (point[0] + 0.005, point[1]))
    stages = wait_until(lambda: missing_stages(svc, call["id"]), 5,
                        what="the sighting to be matched")
    assert stages == ["found_registered"]  # no candidate: kept as a found-person record
    assert case(svc, man["id"])["sightings"] == []
    r = svc.post(f"/v1/missing/{man['id']}/close", {"outcome": "returned"})
    assert r.status_code == 200
    r = svc.post(f"/v1/missing/{man['id']}/close", {"outcome": "returned"})
    assert r.status_code == 409  # closed already


def test_a_found_woman_is_offered_to_a_case_opened_later(svc: Service) -> None:
    point = (ELSEWHERE[0] - 0.03, ELSEWHERE[1] + 0.02)
    call = report(svc, NEAR_MISS, point)
    wait_until(lambda: missing_stages(svc, call["id"]) == ["found_registered"], 5,
               what="the found-person record")
    woman = open_case(svc, {"gender": "female", "age_range": [70, 80],
                            "clothing": ["灰色夹克"]}, minutes_ago=20,
                      point=(point[0] + 0.004, point[1]))
    candidates = woman["found_candidates"]
    assert candidates and candidates[0]["incident_id"] == call["id"]
    assert candidates[0]["score"] >= 0.5 and candidates[0]["reasons"]
    svc.post(f"/v1/missing/{woman['id']}/close", {"outcome": "found_safe"}).raise_for_status()


def test_a_missing_person_report_is_proposed_then_opened_from_it(svc: Service) -> None:
    point = (ELSEWHERE[0] + 0.06, ELSEWHERE[1] - 0.03)
    call = report(svc, "我父亲82岁，有老年痴呆，穿蓝色棉袄，半小时前出门走丢了", point)
    wait_until(lambda: "case_proposed" in missing_stages(svc, call["id"]), 5,
               what="the proposed case")
    proposal = next(e["payload"] for e in svc.incident(call["id"])["timeline"]
                    if e["payload"].get("stage") == "case_proposed")
    assert proposal["person"]["gender"] == "male" and proposal["risk"]["grade"] == "high"
    body = {"person": {**proposal["person"], "age": 82},
            "last_seen": {"at": (datetime.now(UTC) - timedelta(minutes=30)).isoformat()},
            "report_id": call["id"], "note": "extra fields are welcome"}
    del body["person"]["height"], body["person"]["clothing"]
    r = svc.post("/v1/missing", body, role="call_taker")
    assert r.status_code == 201, r.text
    opened = r.json()
    assert opened["report_id"] == call["id"] and opened["last_seen"]["lat"] is not None
    again = svc.post("/v1/missing", body, role="call_taker")
    assert again.status_code == 200 and again.json()["id"] == opened["id"]
    assert "case_opened" in missing_stages(svc, call["id"])
    precinct = svc.wait_status(call["id"], "assigned")["precinct"]
    svc.post(f"/v1/incidents/{call['id']}/ack", role="precinct",
             precinct=precinct).raise_for_status()
    wait_until(lambda: next(t for t in case(svc, opened["id"])["targets"]
                            if t["name"] == "precinct_dispatched")["state"] == "met", 5,
               what="the precinct's acknowledgement to meet precinct_dispatched")
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "false_report"}).raise_for_status()


def test_bad_input_is_refused_with_the_field_named(svc: Service) -> None:
    now = datetime.now(UTC)
    good = {"person": {"gender": "male", "age": 78},
            "last_seen": {"at": now.isoformat(), "location": {"lat": 40.6, "lon": 110.0}}}

    def post(**change: Any) -> tuple[int, str]:
        body = {**good, **{k: {**good[k], **v} for k, v in change.items()}}  # type: ignore[dict-item]
        r = svc.post("/v1/missing", body, role="call_taker")
        return r.status_code, r.json()["message"]

    for person, field in (({"age": 130}, "person.age"), ({"age": -1}, "person.age"),
                          ({"age": None, "age_range": [80, 70]}, "person.age_range"),
                          ({"height_cm": 300}, "person.height_cm"),
                          ({"height_cm": 12}, "person.height_cm"),
                          ({"gender": "robot"}, "person.gender"),
                          ({"conditions": ["vampirism"]}, "person")):
        status, message = post(person=person)
        assert status == 422 and field in message, (person, message)
    status, message = post(last_seen={"at": (now + timedelta(hours=2)).isoformat()})
    assert status == 422 and "last_seen.at" in message and "future" in message
    status, message = post(last_seen={"at": "2026-11-26T08:00:00"})
    assert status == 422 and "last_seen.at" in message
    status, message = post(last_seen={"location": None})
    assert status == 422 and "last_seen" in message
    r = svc.post("/v1/missing", {**good, "report_id": "20991231-ZZZZZZZZ"}, role="call_taker")
    assert r.status_code == 422 and "report_id" in r.json()["message"]
    assert svc.get("/v1/missing/MP-20991231-NOSUCH").status_code == 404
    assert svc.post("/v1/missing/MP-20991231-NOSUCH/close",
                    {"outcome": "found_safe"}).status_code == 404
    assert svc.post("/v1/missing/MP-20991231-NOSUCH/risk",
                    {"grade": "low", "reason": "复核"}).status_code == 404
    assert svc.post("/v1/missing", good, role="precinct",
                    precinct=precinct_at(ELSEWHERE)).status_code == 403
    opened = open_case(svc, {"gender": "male", "age": 40}, minutes_ago=5)
    r = svc.post(f"/v1/missing/{opened['id']}/risk", {"grade": "low", "reason": " "})
    assert r.status_code == 422
    r = svc.post(f"/v1/missing/{opened['id']}/risk", {"grade": "low", "reason": "已核实"},
                 role="call_taker")
    assert r.status_code == 403  # only the supervisor (command) overrides
    r = svc.post(f"/v1/missing/{opened['id']}/sightings/20261126-AAAAAAAA/confirm", {})
    assert r.status_code == 404
    r = svc.post(f"/v1/missing/{opened['id']}/close",
                 {"outcome": "found_safe", "found_at": (now + timedelta(hours=1)).isoformat()})
    assert r.status_code == 409
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "returned"}).raise_for_status()


async def test_a_missed_target_lights_up_the_command_console(svc: Service) -> None:
    command = await Console.open(svc.ws_url("command"))
    await command.next()
    opened = open_case(svc, {"gender": "male", "age": 35}, minutes_ago=10,
                       point=(ELSEWHERE[0] - 0.05, ELSEWHERE[1] - 0.05))
    r = svc.post(f"/v1/missing/{opened['id']}/risk",
                 {"grade": "low", "reason": "家属称常晚归，无风险因素"})
    assert r.status_code == 200, r.text
    assert r.json()["risk"]["grade"] == "low"
    assert r.json()["risk"]["overridden_by"] == "command:test-command"
    breach = await command.wait_for(lambda m: m["type"] == "missing.target_breached"
                                    and m["payload"]["case_id"] == opened["id"], timeout=8)
    assert breach["payload"]["target"] == "precinct_dispatched"
    listed = svc.get("/v1/missing?status=open").json()["items"]
    row = next(c for c in listed if c["id"] == opened["id"])
    target = next(t for t in row["targets"] if t["name"] == "precinct_dispatched")
    assert target["state"] == "breached" and target["breached_at"]
    assert row["risk"]["grade"] == "low" and row["person"]["gender"] == "male"
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "returned"}).raise_for_status()
    await command.close()


async def test_the_alert_circle_widens_to_new_precincts(svc: Service) -> None:
    centre = (40.6575, 109.8403)
    first = set(geo.precincts_intersecting_circle(*centre, 10_000))
    later = sorted(set(geo.precincts_intersecting_circle(*centre, 20_000)) - first)
    assert later, "a 20 km circle reaches precincts a 10 km one does not"
    far = await Console.open(svc.ws_url(later[0], role="precinct", precinct=later[0]))
    command = await Console.open(svc.ws_url("command"))
    await far.next()
    await command.next()
    started = time.monotonic()
    # A boy of 10 gone for just under an hour: the child profile steps from 10 to 20 km at 1 h.
    opened = open_case(svc, {"gender": "male", "age": 10, "clothing": ["红色外套"]},
                       minutes_ago=59.98, point=centre)
    assert opened["profile"] == "child" and opened["area"]["radius_m"] == 10_000
    assert opened["risk"]["criminal_case"] is True
    await command.wait_for(lambda m: m["type"] == "missing.criminal_case"
                           and m["payload"]["case_id"] == opened["id"])
    alert = await far.wait_for(lambda m: m["type"] == "missing.alert"
                               and m["payload"]["case_id"] == opened["id"], timeout=8)
    assert alert["payload"]["reason"] == "widened"
    assert time.monotonic() - started < 8
    now = case(svc, opened["id"])
    assert now["area"]["radius_m"] == 20_000 and set(later) <= set(now["area"]["precincts"])
    assert [e["type"] for e in now["timeline"]].count("missing.area_widened") == 2
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "found_safe"}).raise_for_status()
    await far.close()
    await command.close()


def test_a_thin_description_is_offered_then_linked_by_hand_and_dismissed(
        svc: Service, redis_server: RedisServer) -> None:
    point = (ELSEWHERE[0] - 0.07, ELSEWHERE[1] + 0.07)
    opened = open_case(svc, {"gender": "male", "age": 78, "clothing": ["灰色夹克"],
                             "conditions": ["dementia"]}, minutes_ago=40, point=point)
    call = report(svc, "有个老人在路边坐着，好像迷路了", (point[0] + 1500 / 111_320, point[1]))
    wait_until(lambda: missing_stages(svc, call["id"]), 5, what="the sighting to be matched")
    offered = next(e["payload"] for e in svc.incident(call["id"])["timeline"]
                   if e["type"] == "incident.missing")
    assert offered["stage"] == "sighting_candidates"
    assert offered["cases"][0]["id"] == opened["id"] and 0.5 <= offered["cases"][0]["score"] < 0.85

    # A redelivered triage event changes nothing (the reactor is idempotent).
    reactor = MissingReactor(RedisStore(redis_server.client(), Keys("missing")), SystemClock(),
                             DEFAULT_POLICY)
    records = redis_server.client().zcard("missing:mp:found")
    for _ in range(2):
        reactor.react({"type": "incident.triaged", "incident_id": call["id"],
                       "incident": {"category": "missing_person"}})
    assert missing_stages(svc, call["id"]) == ["sighting_candidates"]
    assert redis_server.client().zcard("missing:mp:found") == records

    r = svc.post(f"/v1/missing/{opened['id']}/sightings/{call['id']}/link", role="call_taker")
    assert r.status_code == 200, r.text
    sighting = r.json()["sightings"][0]
    assert sighting["auto"] is False and sighting["state"] == "verifying"
    again = svc.post(f"/v1/missing/{opened['id']}/sightings/{call['id']}/link", role="call_taker")
    assert again.status_code == 409
    verifier = sighting["precinct"]
    r = svc.post(f"/v1/missing/{opened['id']}/sightings/{call['id']}/dismiss",
                 {"note": "核实为附近居民"}, role="precinct", precinct=verifier)
    assert r.status_code == 200, r.text
    assert r.json()["sightings"][0]["state"] == "dismissed" and r.json()["status"] == "open"
    assert missing_stages(svc, call["id"]) == ["sighting_candidates", "sighting_matched",
                                               "verification_requested", "dismissed"]
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "returned"}).raise_for_status()


def test_two_schedulers_record_a_missed_target_once(svc: Service, redis_server: RedisServer,
                                                    tmp_path: Path) -> None:
    opened = open_case(svc, {"gender": "male", "age": 40}, minutes_ago=5,
                       point=(ELSEWHERE[0] + 0.08, ELSEWHERE[1] + 0.08))
    key = f"missing|{opened['id']}:located"
    client = redis_server.client()
    assert client.zscore("missing:deadlines", key) is not None
    cfg = settings_mod.load({"DISPATCH_VAR": str(tmp_path), "DISPATCH_SECRET": "x" * 32,
                             "REDIS_NAMESPACE": "missing"})
    late = VirtualClock(datetime.now(UTC) + timedelta(days=3))  # past every grade's target
    schedulers = [MissingDeadlines(RedisStore(redis_server.client(), Keys("missing")), late, cfg)
                  for _ in range(4)]
    start = threading.Barrier(len(schedulers))

    def fire(s: MissingDeadlines) -> None:
        start.wait()
        s.fire(key, key.partition("|")[2])

    threads = [threading.Thread(target=fire, args=(s,)) for s in schedulers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    breaches = [e for e in case(svc, opened["id"])["timeline"]
                if e["type"] == "missing.target_breached"]
    assert [b["data"]["key"] for b in breaches] == ["located"]
    assert client.zscore("missing:deadlines", key) is None
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "returned"}).raise_for_status()


def test_a_case_opens_from_the_report_id_alone(svc: Service) -> None:
    point = (ELSEWHERE[0] - 0.05, ELSEWHERE[1] + 0.04)
    r = svc.post_report({"channel": "call", "text": "我父亲82岁，有老年痴呆，穿蓝色棉袄，半小时前出门走丢了",
                         "caller": {"phone": "13700001111"},
                         "location": {"lat": point[0], "lon": point[1], "accuracy_m": 15}})
    assert r.status_code == 202, r.text
    call = svc.wait_status(r.json()["id"], "assigned")
    r = svc.post("/v1/missing", {"report_id": call["id"]}, role="call_taker")
    assert r.status_code == 201, r.text
    opened = r.json()
    person = opened["person"]
    assert person["gender"] == "male" and person["age"] == {"min": 82, "max": 82}
    assert person["conditions"] == ["dementia"] and person["clothing"][0]["text"] == "蓝色棉袄"
    assert opened["risk"]["grade"] == "high" and opened["report_id"] == call["id"]
    seen = parse_iso(opened["last_seen"]["at"])
    assert abs((parse_iso(call["received_at"]) - seen) - timedelta(minutes=30)) \
        < timedelta(seconds=1)  # 半小时前, counted back from the call
    assert opened["last_seen"]["lat"] == pytest.approx(call["location"]["lat"])
    assert opened["last_seen"]["precinct"] == call["precinct"]
    assert opened["reporter"]["phone"] == "13700001111"
    assert svc.post("/v1/missing", {"report_id": call["id"]}).status_code == 200
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "false_report"}).raise_for_status()


def test_the_call_taker_completes_what_the_report_lacks(svc: Service) -> None:
    point = (ELSEWHERE[0] - 0.05, ELSEWHERE[1] - 0.05)
    call = report(svc, "我爸爸出门后一直没回家，穿黑色羽绒服", point)
    svc.wait_status(call["id"], "assigned")
    at = datetime.now(UTC) - timedelta(hours=2)
    r = svc.post("/v1/missing", {"report_id": call["id"], "person": {
        "name": "王建国", "age": 80, "height_cm": None},
        "last_seen": {"at": at.isoformat(), "address": "阿尔丁广场"}}, role="command")
    assert r.status_code == 201, r.text
    opened = r.json()
    assert opened["person"]["name"] == "王建国" and opened["person"]["age"]["min"] == 80
    assert opened["person"]["gender"] == "male"  # kept from the report
    assert opened["person"]["clothing"][0]["text"] == "黑色羽绒服"
    assert opened["last_seen"]["address"] == "阿尔丁广场"
    assert abs(parse_iso(opened["last_seen"]["at"]) - at) < timedelta(seconds=1)
    assert "王建国" in opened["description"] and "80岁" in opened["description"]
    svc.post(f"/v1/missing/{opened['id']}/close", {"outcome": "returned"}).raise_for_status()


def test_opening_from_a_report_says_what_is_missing(svc: Service) -> None:
    nobody = report(svc, "我家里人联系不上了，快帮帮忙找人", (ELSEWHERE[0] - 0.08, ELSEWHERE[1]))
    svc.wait_status(nobody["id"], "assigned", "acknowledged")
    r = svc.post("/v1/missing", {"report_id": nobody["id"]}, role="call_taker")
    assert r.status_code == 422, r.text
    message = r.json()["message"]
    assert message.startswith("person:") and "person.gender" in message and "no description" in message
    r = svc.post("/v1/missing", {"report_id": nobody["id"], "person": {"gender": "female", "age": 16}},
                 role="call_taker")
    assert r.status_code == 201, r.text
    assert r.json()["risk"]["criminal_case"] is True
    svc.post(f"/v1/missing/{r.json()['id']}/close", {"outcome": "returned"}).raise_for_status()

    r = svc.post_report({"channel": "call", "text": "我爸爸出门后一直没回家，穿黑色羽绒服，不知道去哪了"})
    assert r.status_code == 202
    nowhere = svc.wait_status(r.json()["id"], "assigned", "acknowledged", "triaged")
    assert (nowhere.get("location") or {}).get("lat") is None
    r = svc.post("/v1/missing", {"report_id": nowhere["id"]}, role="call_taker")
    assert r.status_code == 422 and r.json()["message"].startswith("last_seen:"), r.text
    assert "last_seen.address" in r.json()["message"]
    # Without a report, person and last_seen are required, and say so.
    r = svc.post("/v1/missing", {"last_seen": {"at": datetime.now(UTC).isoformat(),
                                               "address": "阿尔丁广场"}}, role="call_taker")
    assert r.status_code == 422 and r.json()["message"].startswith("person:")
    r = svc.post("/v1/missing", {"person": {"gender": "male"}, "last_seen": {"address": "阿尔丁广场"}},
                 role="call_taker")
    assert r.status_code == 422 and r.json()["message"].startswith("last_seen.at:")
    r = svc.post("/v1/missing", {"report_id": "bad id"}, role="call_taker")
    assert r.status_code == 422
    assert svc.post("/v1/missing", {"report_id": nowhere["id"]}, role="analyst").status_code == 403
    assert svc.post("/v1/missing", {"report_id": nowhere["id"]}, role="precinct",
                    precinct=precinct_at(ELSEWHERE)).status_code == 403


def test_a_missing_report_like_an_open_case_is_offered_beside_its_proposal(svc: Service) -> None:
    # Like the open case (a boy of 12) but not enough to link (a blue coat, not his black
    # one): the call-taker is offered the case with the reasons, and a new case is still
    # proposed for them to open if it is someone else.
    point = (ELSEWHERE[0] - 0.05, ELSEWHERE[1] + 0.05)
    boy = open_case(svc, {"gender": "male", "age": 12, "clothing": ["黑色羽绒服", "灰色运动裤"],
                          "features": ["戴黑口罩"]}, minutes_ago=20, point=point)
    call = report(svc, "我儿子跑出去了，十二岁，穿个蓝棉袄，没回来", (point[0] + 0.003, point[1]))
    wait_until(lambda: "case_proposed" in missing_stages(svc, call["id"]), 5,
               what="the proposed case")
    offer = next(e["payload"] for e in svc.incident(call["id"])["timeline"]
                 if e["payload"].get("stage") == "sighting_candidates")
    assert [c["id"] for c in offer["cases"]][:1] == [boy["id"]]
    assert offer["cases"][0]["reasons"]
    svc.post(f"/v1/missing/{boy['id']}/close", {"outcome": "false_report"}).raise_for_status()
