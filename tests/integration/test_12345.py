"""The 110–12345 link on a real Redis and a real server: non-police reports go out to
12345 with their own hand-off record and ack, the caller or author is told, P1/P2 never
go automatically, and a 12345 case's outcome goes back when the incident closes."""

from __future__ import annotations

import uuid

import pytest
import redis

from dispatch.adapters.handoff_delivery import Outbox, load_registry
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import SystemClock
from dispatch.domain import decisions
from dispatch.domain.events import Event, EventType
from dispatch.handoff.handoff import Targets
from dispatch.services import decide_and_commit
from dispatch.settings import load as load_settings
from dispatch.workflows.handoff.reactor import HandoffReactor
from tests import eido
from tests.integration.webhook import World, shared_world, signed_post
from tests.support import wait_until

HOTLINE = "hotline.baotou12345"
LAMP = "我们小区路灯坏了一个星期了，晚上很黑"


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest) -> World:
    return shared_world(request)


def transfer_of(world: World, incident_id: str) -> dict:
    svc = world.service
    return wait_until(lambda: next(iter(svc.get("/v1/handoffs", params={
        "incident_id": incident_id, "kind": "to_12345"}).json()["items"]), None), 10,
        what=f"the 12345 transfer of {incident_id}")


def test_non_police_call_goes_to_12345_and_the_caller_is_told(world: World) -> None:
    svc = world.service
    r = svc.post_report({"channel": "call", "text": LAMP, "address": "昆区少先路22号街坊",
                         "caller": {"phone": "13800000000"}, "source_id": uuid.uuid4().hex})
    incident_id = r.json()["id"]
    h = transfer_of(world, incident_id)
    assert h["agency"] == HOTLINE and h["kind"] == "to_12345" and h["id"].startswith("HT-")
    incident = svc.incident(incident_id)
    assert incident["category"] == "non_police" and incident["priority"] in ("P3", "P4")
    assert incident["status"] in ("assigned", "acknowledged")  # ours until 12345 accepts
    told = next(e["payload"] for e in incident["timeline"]
                if e["type"] == "incident.handoff" and e["payload"]["stage"] == "caller_told")
    assert told["via"] == "sms" and told["to"] == "13800000000" and h["id"] in told["text"]
    assert "12345" in told["text"]
    packet = world.agencies.for_incident(incident_id).body
    assert world.agencies.for_incident(incident_id).path == f"/{HOTLINE}"
    assert packet["incidentComponent"]["incidentTypeCommonRegistryText"] == "NONEMERG"
    assert eido.findings(packet) == []
    assert packet["incidentComponent"]["incidentTypeInternalCode"] == "non_police"
    ack = signed_post(svc, h["id"], "ack", {"reference": "12345-ACK-9"}, HOTLINE)
    assert ack.status_code == 200 and ack.json()["acknowledged_by"] == f"agency:{HOTLINE}"
    svc.wait_status(incident_id, "transferred")
    forged = signed_post(svc, h["id"], "outcome", {"result": "resolved"}, HOTLINE, key="nope")
    assert forged.status_code == 401
    done = signed_post(svc, h["id"], "outcome", {"result": "resolved", "note": "路灯已修复"}, HOTLINE)
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["outcome"]["locate_target_met"] is None  # no locate target for 12345
    assert svc.incident(incident_id)["status"] == "transferred"


def test_non_police_forum_post_author_is_told_on_the_forum(world: World) -> None:
    svc = world.service
    post_id = f"lamp-{uuid.uuid4().hex[:8]}"
    r = svc.post_report({"channel": "forum", "text": LAMP,
                         "forum": {"post_id": post_id, "author": "夜归人"}})
    incident_id = r.json()["id"]
    h = transfer_of(world, incident_id)
    def told_on_forum() -> dict | None:
        p = svc.get(f"/v1/forum/posts/{post_id}").json()
        return p if p.get("replies") else None

    post = wait_until(told_on_forum, 10, what="the author to be told")
    assert post["replies"][0]["by"] == "system" and h["id"] in post["replies"][0]["text"]
    assert post["status"] == "replied"
    incident = svc.incident(incident_id)
    told = [e["payload"] for e in incident["timeline"]
            if e["type"] == "incident.handoff" and e["payload"]["stage"] == "caller_told"]
    assert told[0]["via"] == "forum_reply" and told[0]["to"] == "夜归人"


@pytest.mark.parametrize("priority", ["P1", "P2"])
def test_p1_and_p2_are_never_transferred_automatically(world: World, priority: str) -> None:
    """The hand-off reactor on the real Redis (its own namespace) given a non-police P1/P2."""
    client = redis.Redis.from_url(world.service.env["REDIS_URL"], decode_responses=True)
    store = RedisStore(client, Keys(f"withheld-{uuid.uuid4().hex[:6]}"))
    clock = SystemClock()
    incident_id, _, _ = store.intake({"channel": "call", "text": LAMP}, clock.now())
    triage = {"category": "non_police", "priority": priority, "flags": [], "cues": []}
    place = {"lat": 40.6467, "lon": 109.8246, "in_jurisdiction": True, "precinct": "150203001"}
    store.commit(store.load(incident_id), decisions.process_report(
        store.load(incident_id), triage, place, clock.now(), {priority: 30.0}))
    settings = load_settings({**world.service.env})
    reactor = HandoffReactor(store, clock, load_registry(world.agencies.registry),
                             Targets(), Outbox(client, settings))
    message = {"type": "incident.assigned", "incident_id": incident_id,
               "incident": {"channel": "call"}}
    reactor.react(message)
    reactor.react(message)  # redelivered: still one note
    timeline = store.timeline(incident_id)
    notes = [e["payload"] for e in timeline if e["type"] == "incident.noted"]
    assert len(notes) == 1 and notes[0]["stage"] == "transfer_withheld"
    assert priority in notes[0]["reason"]
    assert not any(e["type"] == "incident.handoff" for e in timeline)
    assert store.load(incident_id).status.value == "assigned"
    client.close()


def test_a_12345_case_keeps_its_number_and_its_outcome_goes_back(world: World) -> None:
    svc = world.service
    case = f"BT12345-{uuid.uuid4().hex[:8].upper()}"
    r = svc.post_report({"channel": "transfer_12345", "case_number": case,
                         "text": "12345转来：小区门口有人打架，一人头部流血",
                         "address": "昆区少先路22号街坊"}, role="call_taker")
    assert r.status_code == 202, r.text
    incident_id = r.json()["id"]
    incident = svc.wait_status(incident_id, "assigned")
    assert incident["extra"]["case_number"] == case and incident["channel"] == "transfer_12345"
    assert svc.post(f"/v1/incidents/{incident_id}/ack").status_code == 200
    client = redis.Redis.from_url(svc.env["REDIS_URL"], decode_responses=True)
    store = RedisStore(client, Keys(svc.env["REDIS_NAMESPACE"]))
    clock = SystemClock()
    for status in ("resolved", "closed"):
        decide_and_commit(store, incident_id, lambda inc, s=status: [Event(
            EventType.STATUS_CHANGED, inc.id, clock.now(), actor="command:test",
            data={"status": s, "reason": "处置完毕"})])
    client.close()
    back = wait_until(lambda: next((d for d in world.agencies.deliveries
                                    if d.path == f"/{HOTLINE}" and case in d.raw.decode()), None),
                      15, what="the outcome to reach 12345")
    assert eido.findings(back.body) == []
    body = back.body["incidentComponent"]
    assert body["documentIdentification"] == [case]
    # APCO ANS 1.111.2 "18 Assignment Completed/Settled By Contact": closed, no disposition
    assert body["dispositionComponent"][0]["dispositionCommonRegistryCode"] == "18"
    returned = wait_until(lambda: [e["payload"] for e in svc.incident(incident_id)["timeline"]
                                   if e["type"] == "incident.handoff"
                                   and e["payload"]["stage"] == "outcome_returned"], 10,
                          what="the return to be recorded")
    assert len(returned) == 1 and returned[0]["case_number"] == case
    assert not svc.get("/v1/handoffs", params={"incident_id": incident_id}).json()["items"]


def test_a_routine_case_placed_only_by_its_ip_region_is_held_not_sent(world: World) -> None:
    svc = world.service
    r = svc.post_report({"channel": "forum", "text": "我的电动车昨天被偷了，怎么办",
                         "forum": {"post_id": f"ip-{uuid.uuid4().hex[:8]}", "region_hint": "江苏省"}})
    incident_id = r.json()["id"]

    def held() -> list[dict]:
        return [e["payload"] for e in svc.incident(incident_id)["timeline"]
                if e["type"] == "incident.handoff"]

    notes = wait_until(held, 10, what="the hand-off decision")
    incident = svc.incident(incident_id)
    assert incident["location"]["source"] == "region_hint" and incident["priority"] in ("P3", "P4")
    assert [n["stage"] for n in notes] == ["held"] and notes[0]["province"] == "江苏省"
    assert not svc.get("/v1/handoffs", params={"incident_id": incident_id}).json()["items"]


def test_a_12345_case_answered_on_the_spot_goes_back_with_the_answer(world: World) -> None:
    svc, case = world.service, f"12345-{uuid.uuid4().hex[:8]}"
    r = svc.post_report({"channel": "transfer_12345", "case_number": case,
                         "text": "12345转来：市民咨询居住证办理需要什么材料",
                         "address": "昆区少先路22号街坊"}, role="call_taker")
    assert r.status_code == 202, r.text
    incident_id = r.json()["id"]
    svc.wait_status(incident_id, "assigned")
    answer = "携带身份证和租房合同到社区警务室办理"
    r = svc.post(f"/v1/incidents/{incident_id}/answer-on-spot", {"answer": answer},
                 role="call_taker")
    assert r.status_code == 200, r.text
    back = wait_until(lambda: next((d for d in world.agencies.deliveries
                                    if d.path == f"/{HOTLINE}" and case in d.raw.decode()), None),
                      15, what="the answered case to reach 12345")
    assert eido.findings(back.body) == []
    disposition = back.body["incidentComponent"]["dispositionComponent"][0]
    # APCO ANS 1.111.2 "05 Assignment Completed/Settled By Phone Contact"
    assert disposition["dispositionCommonRegistryCode"] == "05"
    assert answer in disposition["dispositionDescriptionText"]
