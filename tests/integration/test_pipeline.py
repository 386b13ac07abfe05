"""A report typed into the API reaches the right precinct console, live, and is never lost."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest

import geo
from tests.integration.conftest import Console
from tests.support import RedisServer, Service, fresh_point, types, wait_until

# 包头站 area in 昆都仑区 (WGS-84): a point well inside the city.
POINT = {"lat": 40.6467, "lon": 109.8246}
# Reports of different kinds at one place are different incidents (the duplicate-call
# detector merges same-kind reports from the same spot, as it should).
KINDS = ["钢铁大街有个男的拿着刀在追人，已经砍伤一个了，快来！",
         "我的电动车刚在楼下被人偷了，锁都撬坏了",
         "两辆车在路口撞了，有个司机头上流血",
         "我家老人走丢了，七十多岁，有老年痴呆",
         "有个女的站在楼顶边上说要跳下去"]


def knife_report(kind: int = 0, *, spread: bool = True, **extra: object) -> dict[str, object]:
    """A report; ``spread`` puts it at a fresh point ~2 km from every other test's."""
    point = fresh_point() if spread else dict(POINT)
    return {"channel": "call", "text": KINDS[kind],
            "location": {**point, "crs": "wgs84", "accuracy_m": 15}, **extra}


def precinct_of(lat: float, lon: float) -> str:
    located = geo.locate(None, device=geo.DevicePoint(lat=lat, lon=lon))
    assert located.precinct, located
    return located.precinct


async def test_report_reaches_the_precinct_console_within_2s_and_the_ack_is_recorded(
        service: Service) -> None:
    precinct = precinct_of(**POINT)
    console = await Console.open(service.ws_url(precinct, "precinct", precinct))
    hello = await console.next()
    assert hello["type"] == "hello" and hello["payload"]["feed"] == precinct
    started = time.monotonic()
    r = service.post_report(knife_report(0, spread=False))
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "received" and body["id"] and body["received_at"].endswith("Z")
    assigned = await console.wait_for(
        lambda m: m["type"] == "incident.assigned" and m.get("incident_id") == body["id"], timeout=2)
    assert time.monotonic() - started < 2.0
    assert assigned["event_id"] and assigned["at"] and assigned["payload"]["precinct"] == precinct
    assert assigned["incident"]["priority"] in ("P1", "P2")
    await console.send({"type": "ack", "incident_id": body["id"]})
    result = await console.wait_for(lambda m: m["type"] == "ack_result")
    assert result["payload"] == {"ok": True, "incident_id": body["id"]}
    await console.wait_for(lambda m: m["type"] == "incident.acknowledged")
    await console.close()
    incident = service.incident(body["id"])
    assert incident["status"] == "acknowledged"
    assert incident["acknowledged_by"] == f"precinct:{precinct}"
    assert types(incident["timeline"]) == ["report.received", "incident.triaged",
                                           "incident.located", "incident.synthesized",
                                           "incident.assigned", "incident.acknowledged"]
    assert incident["location"]["precinct"] == precinct
    assert incident["cues"], "the cues that decided the triage are stored"


async def test_reconnect_with_since_gets_exactly_the_missed_events(service: Service) -> None:
    precinct = precinct_of(**POINT)
    console = await Console.open(service.ws_url(precinct, "precinct", precinct))
    await console.next()  # hello
    first = service.post_report(knife_report(1, spread=False)).json()["id"]
    seen = await console.wait_for(lambda m: m.get("incident_id") == first
                                  and m["type"] == "incident.assigned")
    await console.close()
    missed_ids = [service.post_report(knife_report(k, spread=False)).json()["id"]
                  for k in (2, 3, 4)]
    for incident_id in missed_ids:
        service.wait_status(incident_id, "assigned")
    back = await Console.open(service.ws_url(precinct, "precinct", precinct,
                                            since=seen["event_id"]))
    hello = await back.next()
    assert hello["type"] == "hello" and hello["payload"]["since"] == seen["event_id"]
    # missing persons are never merged automatically: a sure-fresh incident here
    live_id = service.post_report(knife_report(3, spread=False)).json()["id"]
    await back.wait_for(lambda m: m.get("incident_id") == live_id and m["type"] == "incident.assigned")
    got = [m for m in back.messages[1:] if m["type"].startswith(("incident.", "report."))]
    ids = [m["event_id"] for m in got]
    assert len(ids) == len(set(ids)), "no duplicates"
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("-")))), "in order"
    # Everything after the last seen event and nothing before it: exactly what was missed.
    # (workflows may add their own entries, e.g. a missing-person case proposal: the
    # assignments are what this console must not miss)
    missed = [(m.get("incident_id"), m["type"]) for m in got
              if m.get("incident_id") in missed_ids and m["type"] == "incident.assigned"]
    assert sorted(missed) == sorted((i, "incident.assigned") for i in missed_ids)
    assert all(m.get("incident_id") != first or m["type"] != "incident.assigned" for m in got)
    await back.close()


async def test_command_feed_receives_every_incident(service: Service) -> None:
    console = await Console.open(service.ws_url("command"))
    await console.next()
    ids = {service.post_report(knife_report()).json()["id"] for _ in range(3)}
    seen: set[str] = set()
    while seen != ids:
        m = await console.wait_for(lambda m: m["type"] == "incident.assigned")
        seen.add(m.get("incident_id"))
    await console.close()


async def test_unacknowledged_assignment_escalates_to_the_command_feed(service: Service) -> None:
    console = await Console.open(service.ws_url("command"))
    await console.next()
    incident_id = service.post_report(knife_report()).json()["id"]
    escalated = await console.wait_for(
        lambda m: m["type"] == "incident.escalated" and m.get("incident_id") == incident_id,
        timeout=10)
    assert escalated["payload"]["to"] == "command" and escalated["payload"]["level"] == 1
    await console.close()
    state = service.incident(incident_id)
    assert state["escalation_level"] >= 1
    assert "incident.escalated" in types(state["timeline"])


def test_same_source_id_returns_the_same_incident(service: Service) -> None:
    source = f"call-{uuid.uuid4().hex}"
    report = knife_report(source_id=source)
    first = service.post_report(report)
    assert first.status_code == 202
    a = first.json()
    service.wait_status(a["id"], "assigned", "acknowledged")
    again = service.post_report(report)
    assert again.status_code == 200, again.text  # a repeat: the current status, not a 202
    b = again.json()
    assert a["id"] == b["id"] and b["status"] in ("assigned", "acknowledged")
    timeline = service.incident(a["id"])["timeline"]
    assert types(timeline).count("report.received") == 1


def test_a_different_report_under_a_used_source_id_is_a_409(service: Service) -> None:
    source = f"call-{uuid.uuid4().hex}"
    a = service.post_report(knife_report(source_id=source)).json()
    other = service.post_report(knife_report(1, source_id=source))
    assert other.status_code == 409, other.text
    assert other.json()["incident_id"] == a["id"] and a["id"] in other.json()["message"]
    # The same key on another channel is another report.
    forum = service.post_report({"channel": "transfer_12345", "text": KINDS[1],
                                 "source_id": source})
    assert forum.status_code == 202 and forum.json()["id"] != a["id"]


def test_incidents_list_filters(service: Service) -> None:
    incident_id = service.post_report(knife_report()).json()["id"]
    state = service.wait_status(incident_id, "assigned")
    r = service.get("/v1/incidents", params={"precinct": state["precinct"],
                                             "category": state["category"], "limit": 500})
    assert r.status_code == 200
    assert incident_id in [i["id"] for i in r.json()["items"]]
    r = service.get("/v1/incidents", params={"status": "closed"})
    assert incident_id not in [i["id"] for i in r.json()["items"]]


def test_precincts_list(service: Service) -> None:
    r = service.get("/v1/precincts")
    assert r.status_code == 200
    precincts = r.json()
    assert len(precincts) >= 80
    assert {"id", "name", "district"} <= set(precincts[0])


def test_health_and_metrics(service: Service) -> None:
    def healthy() -> httpx.Response | None:
        r = httpx.get(f"{service.base}/healthz")
        return r if r.status_code == 200 else None

    health = wait_until(healthy, 15, what="healthz ok").json()
    assert health["redis"] and health["workers"] >= 1 and health["schedulers"] >= 1
    service.post_report(knife_report())
    text = httpx.get(f"{service.base}/metrics/cluster").text
    for name in ("dispatch_reports_received_total{channel=\"call\"}",
                 "dispatch_intake_to_assigned_seconds_bucket",
                 "dispatch_open_deadlines", "dispatch_escalations_total",
                 "dispatch_job_failures_total"):
        assert name in text, name
    assert "dispatch_ws_connections" in httpx.get(f"{service.base}/metrics").text


@pytest.mark.slow
def test_worker_killed_mid_batch_loses_nothing_and_assigns_once(own_redis: RedisServer) -> None:
    svc = Service(own_redis.url, ACK_TIMEOUT_S="600")
    try:
        svc.start_api()
        # missing-person reports are never merged automatically, so 300 stay 300
        ids = [svc.post_report(knife_report(3, text=f"第{i}个报警：我家老人走丢了，七十多岁"))
               .json()["id"] for i in range(300)]
        client = own_redis.client()
        svc.start_worker("worker-a")
        wait_until(lambda: client.zcard("d:idx:status:assigned") > 0, 30,
                   what="the first assignment")
        svc.kill("worker-a")  # SIGKILL, in the middle of its batch
        pending = client.xpending("d:reports", "pipeline")["pending"]
        assert pending > 0, "the kill must leave entries in flight"
        svc.start_worker("worker-b")
        wait_until(lambda: client.zcard("d:idx:status:assigned") == len(ids), 60,
                   what="every report assigned")
        for incident_id in ids:
            assert types(svc.incident(incident_id)["timeline"]).count("incident.assigned") == 1
        assert client.xpending("d:reports", "pipeline")["pending"] == 0
        feed_assigned = [f for _, f in client.xrange("d:feed:command")
                         if f["type"] == "incident.assigned"]
        assert len(feed_assigned) == len(ids), "delivered once on the feed"
    finally:
        svc.stop()


@pytest.mark.slow
def test_report_survives_a_redis_crash_after_the_202(own_redis: RedisServer) -> None:
    svc = Service(own_redis.url)
    try:
        svc.start_api()
        r = svc.post_report(knife_report())
        assert r.status_code == 202
        incident_id = r.json()["id"]
        own_redis.stop(hard=True)  # SIGKILL: only what AOF fsynced survives
        down = svc.post_report(knife_report())
        assert down.status_code == 503 and "retry" in down.json()["message"]
        own_redis.start()
        svc.start_worker()
        state = svc.wait_status(incident_id, "assigned", timeout=20)
        assert types(state["timeline"])[0] == "report.received"
    finally:
        svc.stop()
