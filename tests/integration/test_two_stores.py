"""One orchestration, two stores: random streams give the same event lists in both.

The pipeline and deadline services (``dispatch.pipeline``) run over a real Redis
(``RedisStore``, as the worker and scheduler drive it) and over the in-memory store (as
the what-if engine drives it), on the same random stream of operations under the same
clock: reports arriving (some at the same door, so they merge), time passing (ack
clocks run out and escalate, on-scene targets are breached), consoles acknowledging,
units dispatched. Every incident must end with the very same event list in both stores,
and the same deadlines pending.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch import pipeline, services, stages
from dispatch.adapters import replies
from dispatch.adapters.memory_store import MemoryStore
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.domain import decisions, duplicates
from dispatch.domain.errors import InvalidTransition, NotAssigned
from dispatch.domain.events import Event
from dispatch.domain.incident import Incident
from geo.crs import distance_m
from tests.support import RedisServer

ACK = {"P1": 60.0, "P2": 120.0, "P3": 300.0, "P4": None}
STEP_S = 30.0
HOME = {"lat": 40.6467, "lon": 109.8246, "crs": "wgs84", "accuracy_m": 12}
REPORTS = [
    {"channel": "call", "text": "昆区阿尔丁大街有人打架，有人拿着刀", "location": HOME},
    {"channel": "call", "text": "我对象打我，他现在还在家里砸东西", "location": HOME},
    {"channel": "call", "text": "青山区富强路那边三楼着火了，楼道里全是烟"},
    {"channel": "call", "text": "东河区南门外有人把我手机抢了，往西跑了"},
    {"channel": "forum", "text": "请问身份证丢了补办需要什么材料？"},
    {"channel": "transfer_12345", "text": "12345转办：小区路灯坏了一个月了没人修"},
    {"channel": "call", "text": "九原区建华南路一个老人倒在路边叫不醒"},
    {"channel": "call", "text": "我在土右旗萨拉齐，孩子放学到现在没回家，电话打不通"},
]
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

Op = tuple[str, int]


@pytest.fixture(scope="module")
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    c = redis_server.client()
    yield c
    c.close()


def _memory_neighbours(store: MemoryStore):  # type: ignore[no-untyped-def]
    def near(incident: Incident, lat: float, lon: float, radius_m: float) \
            -> tuple[list[Incident], dict[str, float]]:
        reach = duplicates.search_radius_m(radius_m)
        found = [o for o in store.incidents.values()
                 if o.id != incident.id and o.location and o.location.get("lat") is not None
                 and o.is_open and distance_m(
                     (lat, lon), (o.location["lat"], o.location["lon"])) <= reach]
        return sorted(found, key=lambda o: o.id), {}
    return near


def _redis_neighbours(store: RedisStore):  # type: ignore[no-untyped-def]
    def near(incident: Incident, lat: float, lon: float, radius_m: float) \
            -> tuple[list[Incident], dict[str, float]]:
        found = [o for o, _ in store.open_near(lat, lon, duplicates.search_radius_m(radius_m),
                                              limit=100) if o.id != incident.id]
        return sorted(found, key=lambda o: o.id), {}
    return near


def _stages(near: pipeline.Neighbours) -> pipeline.Stages:
    return pipeline.Stages(classify=lambda inc: stages.classify(inc.text, inc.channel),
                           locate=stages.locate, neighbours=near, ack_timeouts=ACK)


class Pair:
    """The same operations on both stores."""

    def __init__(self, client: redis.Redis) -> None:
        self.live = RedisStore(client, Keys(f"two{uuid.uuid4().hex[:8]}"))
        self.memory = MemoryStore()
        self.live_stages = _stages(_redis_neighbours(self.live))
        self.memory_stages = _stages(_memory_neighbours(self.memory))
        self.now = T0
        self.ids: list[str] = []

    def report(self, k: int) -> None:
        report = REPORTS[k % len(REPORTS)]
        incident_id, _, _ = self.live.intake(report, self.now)
        received = _events(self.live, incident_id)[0]
        self.memory.append(None, [received])  # the very event intake wrote
        self.ids.append(incident_id)
        for store, staged in ((self.live, self.live_stages), (self.memory, self.memory_stages)):
            plan = pipeline.plan_report(staged, store, store.load(incident_id), self.now)
            pipeline.commit_plan(store, plan)

    def wait(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)
        for store in (self.live, self.memory):
            for key in store.due_deadlines(self.now):
                if key.partition("|")[0] in ("ack", "arrive"):
                    pipeline.fire_deadline(store, key, self.now, STEP_S)

    def acknowledge(self, k: int) -> None:
        if not self.ids:
            return
        incident_id = self.ids[k % len(self.ids)]
        for store in (self.live, self.memory):
            incident = store.load(incident_id)
            feed = incident.precinct or "command"
            try:
                services.decide_and_commit(store, incident_id,
                                           lambda inc, f=feed: decisions.acknowledge(
                                               inc, f, f"precinct:{f}", self.now))
            except (InvalidTransition, NotAssigned):
                pass


def _events(store: RedisStore, incident_id: str) -> list[Event]:
    return [Event.from_fields(fields) for _, fields
            in replies.entries(store.r.xrange(store.keys.timeline(incident_id)))]


OPS = st.lists(st.tuples(st.sampled_from(["report", "report", "wait", "ack"]),
                         st.integers(min_value=0, max_value=200)), min_size=3, max_size=14)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_random_streams_leave_the_same_events_in_both_stores(
        client: redis.Redis, ops: Sequence[Op]) -> None:
    pair = Pair(client)
    for op, k in ops:
        if op == "report":
            pair.report(k)
        elif op == "wait":
            pair.wait(k)
        else:
            pair.acknowledge(k)
    pair.wait(3600)  # every clock runs out
    for incident_id in pair.ids:
        live = [e.to_fields() for e in _events(pair.live, incident_id)]
        memory = [e.to_fields() for e in pair.memory.timelines[incident_id]]
        assert live == memory, incident_id
    live_pending = set(replies.strings(client.zrange(pair.live.keys.deadlines, 0, -1)))
    assert live_pending == set(pair.memory.deadlines)


def test_a_deadline_taken_by_another_decision_is_not_fired_twice(client: redis.Redis) -> None:
    pair = Pair(client)
    pair.report(0)  # a knife fight: P1, a 60 s ack clock
    incident_id = pair.ids[0]
    pair.now += timedelta(seconds=61)
    outcomes: list[Any] = []
    for store in (pair.live, pair.memory):
        key = store.due_deadlines(pair.now)[0]
        outcomes.append(pipeline.fire_deadline(store, key, pair.now, STEP_S))
        store.drop_deadline(key)  # another scheduler took it meanwhile
        outcomes.append(pipeline.fire_deadline(store, key, pair.now, STEP_S))
    assert outcomes[0] == outcomes[2] == "fired" and "fired" not in (outcomes[1], outcomes[3])
    assert [e.type for e in _events(pair.live, incident_id)] == \
        [e.type for e in pair.memory.timelines[incident_id]]
