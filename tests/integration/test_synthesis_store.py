"""接警即合成 on a real redis-server: the index the incident commit keeps, every finding
kind through the pipeline worker, retention and the keyed-hash caller lookup."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from dispatch import missing, stages
from dispatch.adapters import replies
from dispatch.adapters.missing_store import CaseStore
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.synthesis_index import SynthesisIndex
from dispatch.adapters.synthesis_store import SynthesisStore
from dispatch.clock import SystemClock
from dispatch.processes.worker import PipelineWorker
from dispatch.synthesis.model import PremiseNote, WatchEntry
from dispatch.synthesis.rules import Policy
from dispatch.workflows.missing.service import lookup
from tests.support import RedisServer

SECRET = "caller-hash-key-for-tests"
PHONE = "139 0472 1234"
HOME = (40.6467, 109.8246)  # 包头站 area, 昆都仑区
NOW = datetime.now(UTC)
TIMEOUTS = {"P1": 30.0, "P2": 60.0, "P3": 300.0, "P4": None}

# Deterministic triage for the tests: the words decide (the real model is tested elsewhere).
_SCRIPT = {"家暴": ("dispute", "P3", ["domestic_violence"]),
           "电瓶": ("property_crime", "P3", []),
           "撞": ("traffic", "P3", []),
           "吵": ("dispute", "P3", [])}


def scripted(text: str, channel: str) -> dict[str, Any]:
    category, priority, flags = next(v for k, v in _SCRIPT.items() if k in text)
    return {"category": category, "priority": priority, "flags": flags, "confidence": 0.9,
            "cues": [], "extracted": {}, "needs_review": False, "candidates": [category],
            "questions": [], "answered": [], "life_risk": []}


class Rig:
    """A store and an in-process pipeline worker on one namespace of the test Redis."""

    def __init__(self, client: redis.Redis, policy: Policy | None = None,
                 secret: str = SECRET) -> None:
        self.ns = f"syn{uuid.uuid4().hex[:8]}"
        keys = Keys(self.ns)
        self.store = RedisStore(client, keys, SynthesisIndex(keys, secret, policy))
        self.synthesis = SynthesisStore(self.store)
        self.worker = PipelineWorker(self.store, scripted, stages.locate, SystemClock(),
                                     TIMEOUTS, claim_idle_ms=0)
        self.worker.ensure_group()
        self.r = client

    def report(self, text: str, *, days_ago: float = 0.0, at: tuple[float, float] = HOME,
               north_m: float = 0.0, phone: str | None = PHONE) -> str:
        lat, lon = at[0] + north_m / 111_000, at[1]
        body: dict[str, Any] = {"channel": "call", "text": f"{text} {uuid.uuid4().hex[:4]}",
                                "location": {"lat": lat, "lon": lon, "crs": "wgs84",
                                             "accuracy_m": 15}}
        if phone:
            body["caller"] = {"phone": phone}
        incident_id, _, _ = self.store.intake(body, NOW - timedelta(days=days_ago))
        while self.worker.step():
            pass
        return incident_id

    def synthesis_of(self, incident_id: str) -> dict[str, Any]:
        events = [e for e in self.store.timeline(incident_id)
                  if e["type"] == "incident.synthesized"]
        assert len(events) == 1, [e["type"] for e in self.store.timeline(incident_id)]
        return dict(events[0]["payload"])


def finding(synthesis: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [f for f in synthesis["findings"] if f["kind"] == kind]
    assert found, f"no {kind} finding in {[f['kind'] for f in synthesis['findings']]}"
    return dict(found[0])


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    c = redis_server.client()
    yield c
    c.close()


def test_caller_history_through_the_keyed_hash_and_no_number_in_redis(
        client: redis.Redis) -> None:
    rig = Rig(client)
    first = rig.report("楼上吵架", days_ago=40)
    second = rig.report("邻居吵架", days_ago=2)
    rig.report("路口撞车", phone="13511112222")  # another caller
    new = rig.report("又吵起来了", phone="+86 139-0472-1234")
    history = finding(rig.synthesis_of(new), "caller_history")
    assert history["private"] and history["detail"]["count"] == 2
    assert [e["incident_id"] for e in history["evidence"]] == [second, first]
    assert history["detail"]["marks"] == ["repeat_caller"]
    # The number is nowhere in the index: keys and values hold only its HMAC.
    for key in client.scan_iter(f"{rig.ns}:syn:*"):
        assert "13904721234" not in key and "1390472" not in key
        if client.type(key) == "string":
            assert "1390472" not in str(client.get(key))
    # Another deployment's key finds nothing under the same number.
    other = SynthesisStore(RedisStore(client, rig.store.keys,
                                      SynthesisIndex(rig.store.keys, "another-key")))
    subject = other.subject(None, NOW, scripted("吵", "call"), {}, PHONE, "吵架")
    assert other.synthesize(subject).findings == ()


def test_repeat_domestic_violence_raises_the_priority_and_the_assignment_follows(
        client: redis.Redis) -> None:
    rig = Rig(client)
    earlier = rig.report("老公家暴打我", days_ago=60)
    assert rig.store.load(earlier).priority == "P3"
    new = rig.report("他又家暴了")
    synthesis = rig.synthesis_of(new)
    dv = finding(synthesis, "dv_risk")
    assert dv["adjustment"]["priority"] == {"from": "P3", "to": "P2"}
    assert [e["incident_id"] for e in dv["evidence"]] == [earlier]
    timeline = rig.store.timeline(new)
    assert [e["type"] for e in timeline] == [
        "report.received", "incident.triaged", "incident.located", "incident.synthesized",
        "incident.retriaged", "incident.assigned"]
    assert timeline[4]["payload"]["reason"].startswith("synthesis: repeat domestic violence")
    assigned = timeline[-1]["payload"]
    assert assigned["priority"] == "P2"
    state = rig.store.load(new)
    assert state.priority == "P2" and "priority_raised" in state.marks
    assert state.ack_due_at is not None and state.assigned_at is not None
    assert (state.ack_due_at - state.assigned_at).total_seconds() == pytest.approx(60.0)


def test_place_history_and_a_series_of_battery_thefts(client: redis.Redis) -> None:
    rig = Rig(client)
    thefts = [rig.report("电动车电瓶被偷", days_ago=d, north_m=m, phone=None)
              for d, m in ((5, 300), (3, 60), (40, 20))]
    rig.report("门口撞车", days_ago=1, north_m=50, phone=None)
    rig.report("电瓶被偷了", days_ago=2, north_m=900, phone=None)  # outside the community
    new = rig.report("我的电瓶也被偷了", phone=None)
    synthesis = rig.synthesis_of(new)
    place = finding(synthesis, "place_history")
    assert place["detail"]["count_30_days"] == 2 and place["detail"]["count_90_days"] == 3
    assert place["detail"]["by_category_30_days"] == {"property_crime": 1, "traffic": 1}
    series = finding(synthesis, "series")
    assert series["detail"]["count"] == 3
    assert sorted(e["incident_id"] for e in series["evidence"]) == sorted(thefts[:2])
    assert series["detail"]["series_id"] == f"S-{thefts[0]}"
    assert "series" in rig.store.load(new).marks
    assert all(e["distance_m"] <= 500 for e in series["evidence"])


def test_a_premise_note_within_its_radius_is_shown_and_marks_the_command_feed(
        client: redis.Redis) -> None:
    rig = Rig(client)
    note = PremiseNote(id="N-test-1", precinct="150203001", lat=HOME[0], lon=HOME[1],
                       radius_m=50, kind="firearm", text="3单元501登记有猎枪",
                       created_at=NOW, expires_at=NOW + timedelta(days=30),
                       created_by="precinct:150203001")
    rig.synthesis.save_note(note, "precinct:150203001", NOW)
    near = rig.report("楼下吵架", north_m=30, phone=None)
    far = rig.report("路口撞车", north_m=200, phone=None)
    hit = finding(rig.synthesis_of(near), "premise_note")
    assert hit["evidence"][0]["note_id"] == "N-test-1"
    assert hit["detail"]["marks"] == ["premise_note", "officer_safety"]
    assert not [f for f in rig.synthesis_of(far)["findings"] if f["kind"] == "premise_note"]
    feed = [f for _, f in replies.entries(client.xrange(f"{rig.ns}:feed:command"))]
    summary = json.loads([f for f in feed if f["incident_id"] == near][-1]["incident"])
    assert summary["marks"] == ["officer_safety", "premise_note"]
    trail = rig.synthesis.audit_trail()
    assert trail[0]["action"] == "note.created" and trail[0]["actor"] == "precinct:150203001"


def test_a_watched_plate_in_the_text_is_a_hit(client: redis.Redis) -> None:
    rig = Rig(client)
    entry = WatchEntry(plate="蒙B12345", list="stolen", reason="被盗抢车辆",
                       reference="包公(刑)立字2026-318", added_at=NOW)
    assert rig.synthesis.load_watch([entry], "command:王伟", NOW) == 1
    new = rig.report("一辆蒙B·12345的车撞了人跑了", phone=None)
    synthesis = rig.synthesis_of(new)
    hit = finding(synthesis, "watch_list")
    assert hit["evidence"][0]["plate"] == "蒙B12345" and hit["evidence"][0]["list"] == "stolen"
    assert synthesis["plates"] == [{"plate": "蒙B12345", "text": "蒙B·12345", "partial": False}]
    assert "watch_hit" in rig.store.load(new).marks
    assert rig.synthesis.audit_trail()[0]["action"] == "watchlist.loaded"


def test_expired_history_is_gone(client: redis.Redis) -> None:
    rig = Rig(client, Policy(caller_days=30))
    old = rig.report("楼上吵架", days_ago=31)
    kept = rig.report("楼上又吵架", days_ago=29)
    keys = rig.store.keys
    assert not client.exists(keys.record(old))  # past its retention the moment it is written
    ttl = client.ttl(keys.record(kept))
    assert timedelta(hours=23) < timedelta(seconds=ttl) <= timedelta(days=1)
    [caller_key] = list(client.scan_iter(f"{rig.ns}:syn:caller:*"))
    assert [m.split("|")[0] for m in replies.strings(client.zrange(caller_key, 0, -1))] == [kept]
    assert 0 < client.ttl(caller_key) <= 86_400
    new = rig.report("他们还在吵")
    synthesis = rig.synthesis_of(new)
    assert finding(synthesis, "caller_history")["detail"]["count"] == 1
    assert [e["incident_id"] for e in finding(synthesis, "place_history")["evidence"]] == [kept]
    # A caller whose only report is past retention leaves nothing behind.
    lone = Rig(client, Policy(caller_days=30))
    lone.report("很久以前吵架", days_ago=45, phone="13700001111")
    assert not list(client.scan_iter(f"{lone.ns}:syn:caller:*"))


def test_a_retriage_moves_the_incident_to_its_new_category_set(client: redis.Redis) -> None:
    rig = Rig(client)
    moved = rig.report("门口吵架", days_ago=1, phone=None)
    state = rig.store.load(moved)
    from dispatch.domain import decisions

    rig.store.commit(state, decisions.retriage(state, "property_crime", "P3", [], "实为盗窃",
                                               "call_taker:李", NOW, TIMEOUTS))
    rig.report("电瓶被偷", days_ago=2, north_m=40, phone=None)
    new = rig.report("电瓶又被偷", phone=None)
    series = finding(rig.synthesis_of(new), "series")
    assert moved in [e["incident_id"] for e in series["evidence"]]
    record = json.loads(str(client.get(rig.store.keys.record(moved))))
    assert record["category"] == "property_crime"


def test_a_caller_with_hundreds_of_calls_is_counted_exactly_and_read_in_part(
        client: redis.Redis) -> None:
    rig = Rig(client)
    for i in range(205):  # accepted, never processed: the caller index has them at intake
        rig.store.intake({"channel": "call", "text": f"骚扰吵闹{i}", "caller": {"phone": PHONE}},
                         NOW - timedelta(days=100 + i))
    while rig.worker.step():  # the pipeline processes the backlog too
        pass
    new = rig.report("又来吵架")
    history = finding(rig.synthesis_of(new), "caller_history")
    assert history["detail"]["count"] == 205
    assert history["detail"]["categories_of"] == 50 and len(history["evidence"]) == 10
    assert history["detail"]["calls_30_days"] == 1


# -- the missing-person register -------------------------------------------------------

LAST_SEEN = (40.6575, 109.8403)  # 昆都仑区, near 阿尔丁大街 (as tests/integration/test_missing_story)
SIGHTING = (LAST_SEEN[0] + 1200 / 111_320, LAST_SEEN[1])  # 1.2 km due north
PASSER_BY = "阿尔丁大街上有个老大爷在马路中间走来走去，穿灰色夹克，七十多岁，看着糊里糊涂的，好像迷路了"


class MissingRig(Rig):
    """A rig whose worker runs the real triage (the person facts come from the words)."""

    def __init__(self, client: redis.Redis) -> None:
        super().__init__(client)
        self.cases = CaseStore(self.store)
        self.worker = PipelineWorker(self.store, stages.classify, stages.locate, SystemClock(),
                                     TIMEOUTS, claim_idle_ms=0)

    def open_case(self, person: dict[str, Any], minutes_ago: float = 40,
                  point: tuple[float, float] = LAST_SEEN) -> str:
        case_id = f"MP-T{uuid.uuid4().hex[:6]}"
        last_seen = missing.LastSeen(at=NOW - timedelta(minutes=minutes_ago), lat=point[0],
                                     lon=point[1])
        events = missing.open_case(case_id=case_id, person=missing.person_from_request(person),
                                   last_seen=last_seen, owner="command",
                                   now=NOW - timedelta(minutes=minutes_ago - 5), lookup=lookup)
        self.cases.commit(None, events, actor="call_taker:李", now=NOW)
        return case_id

    def missing_findings(self, incident_id: str) -> list[dict[str, Any]]:
        return [f for f in self.synthesis_of(incident_id)["findings"]
                if f["kind"] == "missing_person"]


OLD_MAN = {"gender": "male", "age": 78, "height_cm": 170, "clothing": ["灰色夹克"],
           "conditions": ["dementia"]}


def test_a_report_describing_an_open_cases_person_is_a_finding_that_puts_command_on_notice(
        client: redis.Redis) -> None:
    rig = MissingRig(client)
    case_id = rig.open_case(OLD_MAN)
    new = rig.report(PASSER_BY, at=SIGHTING, phone=None)
    [hit] = rig.missing_findings(new)
    assert hit["evidence"][0]["case_id"] == case_id
    assert hit["evidence"][0]["score"] >= 0.85 and hit["evidence"][0]["auto_link"]
    assert any(r.startswith("place_time") for r in hit["evidence"][0]["reasons"])
    assert "78岁" in hit["evidence"][0]["description"]
    assert 1100 < hit["evidence"][0]["distance_m"] < 1300
    assert hit["detail"]["auto_link"] and hit["detail"]["best_case_id"] == case_id
    assert hit["detail"]["threshold"] == 0.85 and hit["detail"]["marks"] == ["missing_hit"]
    assert not hit["private"] and hit["adjustment"] is None
    # The command feed's summary carries the mark (as a watch-list hit does).
    assert "missing_hit" in rig.store.load(new).marks
    feed = [f for _, f in replies.entries(client.xrange(f"{rig.ns}:feed:command"))]
    summary = json.loads([f for f in feed if f["incident_id"] == new][-1]["incident"])
    assert "missing_hit" in summary["marks"]
    # The workflow is the reactor's: synthesis links nothing and notes nothing on the case.
    case = rig.cases.load(case_id)
    assert case.sightings == ()
    assert not [e for e in rig.store.timeline(new) if e["type"] == "incident.missing"]
    # A closed case moves the register's generation: the next report no longer meets it.
    rig.cases.commit(case, [missing.close_case(case, missing.Outcome.RETURNED, now=NOW)],
                     actor="command", now=NOW)
    again = rig.report(PASSER_BY, at=SIGHTING, phone=None)
    assert rig.missing_findings(again) == []


def test_a_look_alike_below_the_threshold_gets_no_notice(client: redis.Redis) -> None:
    rig = MissingRig(client)
    case_id = rig.open_case(OLD_MAN)
    look_alike = rig.report("路边有个老大爷，七十多岁，穿蓝色羽绒服，在那转悠", at=SIGHTING,
                            phone=None)
    [f] = rig.missing_findings(look_alike)  # a candidate for the call-taker, not a hit
    assert f["evidence"][0]["case_id"] == case_id and not f["evidence"][0]["auto_link"]
    assert 0.5 <= f["detail"]["best_score"] < 0.85
    assert not f["detail"]["auto_link"] and f["detail"]["marks"] == []
    assert "missing_hit" not in rig.store.load(look_alike).marks
    feed = [f for _, f in replies.entries(client.xrange(f"{rig.ns}:feed:command"))]
    summary = json.loads([f for f in feed if f["incident_id"] == look_alike][-1]["incident"])
    assert "missing_hit" not in summary["marks"]


def test_a_report_with_no_person_gets_no_missing_person_finding(client: redis.Redis) -> None:
    rig = MissingRig(client)
    rig.open_case(OLD_MAN)
    new = rig.report("阿尔丁大街路口两辆车追尾了", at=SIGHTING, phone=None)
    assert rig.missing_findings(new) == []
    assert "missing_hit" not in rig.store.load(new).marks
