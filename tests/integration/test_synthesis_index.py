"""The simulator's in-memory synthesis index answers as the Redis one does.

The same incidents are committed to a real redis-server (the commands
``SynthesisIndex.ops`` builds, as the incident commit runs them) and to
``simulators.whatif.synthesis_index.MemoryIndex``; then ``SynthesisStore.history`` (the Lua lookup) and
``MemoryIndex.history`` must give the same history, and ``synthesize`` the same findings,
for subjects placed around the same streets, at the GEO radii's edges too.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from dispatch import missing
from dispatch.adapters.missing_store import CaseStore
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.synthesis_index import SynthesisIndex
from dispatch.adapters.synthesis_store import SynthesisStore
from dispatch.domain import decisions
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident, apply, create
from dispatch.synthesis.model import History, PremiseNote
from dispatch.workflows.missing.service import lookup
from geo import suggest
from simulators.whatif.synthesis_index import MemoryIndex
from tests.support import RedisServer

SECRET = "caller-hash-key-for-tests"
NOW = datetime.now(UTC).replace(microsecond=0)  # Redis expires keys by the wall clock
CENTRE = (40.6467, 109.8246)
PHONES = ["13904721234", "13511112222", "18647200001"]
KINDS = [("violent_crime", "P2", ["domestic_violence"]), ("violent_crime", "P2",
                                                          ["domestic_violence", "injury"]),
         ("property_crime", "P3", []), ("dispute", "P3", []), ("traffic", "P3", [])]


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    c = redis_server.client()
    yield c
    c.close()


def _point(rng: random.Random, spread_m: float) -> tuple[float, float]:
    return (CENTRE[0] + rng.uniform(-spread_m, spread_m) / 111_000,
            CENTRE[1] + rng.uniform(-spread_m, spread_m) / 84_000)


def _incident(rng: random.Random, n: int) -> Incident:
    at = NOW - timedelta(days=rng.uniform(0.01, 120), seconds=n)
    category, priority, flags = rng.choice(KINDS)
    body = {"channel": "call", "text": "t", "caller": {"phone": rng.choice(PHONES)}}
    state, _ = create(Event(EventType.REPORT_RECEIVED, f"I{n:04d}", at, data=body))
    lat, lon = _point(rng, 700)
    location = dict(suggest.fix(lat, lon, 20.0).to_dict())
    triage = {"category": category, "priority": priority, "flags": flags, "confidence": 1.0}
    for event in decisions.process_report(state, triage, location, at, {}):
        state, _ = apply(state, event)
    return state


def _same(a: History, b: History) -> None:
    def key(h: History) -> tuple[object, ...]:
        return (sorted((p.id, p.category, p.flags, p.at) for p in h.caller),
                sorted((p.id, p.category, p.flags, p.at) for p in h.caller_dv),
                sorted((p.id, p.category, round(p.distance_m or 0, 2)) for p in h.nearby),
                sorted((n.id, round(n.distance_m or 0, 2)) for n in h.notes),
                dict(h.caller_counts))
    assert key(a) == key(b)


def test_the_memory_index_gives_the_redis_history_and_findings(client: redis.Redis) -> None:
    keys = Keys(f"mi{uuid.uuid4().hex[:6]}")
    live = SynthesisStore(RedisStore(client, keys, SynthesisIndex(keys, SECRET)))
    memory = MemoryIndex(SynthesisIndex(keys, SECRET), lambda: NOW)
    rng = random.Random(5)
    for n in range(300):
        state = _incident(rng, n)
        ops = live.index.ops(state, None)
        pipe = client.pipeline(transaction=True)
        for op in ops:
            pipe.execute_command(*op)
        pipe.execute()
        memory.run(ops)
    for n in range(12):
        lat, lon = _point(rng, 400)
        note = PremiseNote(id=f"N-{n}", precinct="150203001", lat=lat, lon=lon,
                           radius_m=rng.choice((30.0, 80.0, 200.0)), kind="dog", text="犬",
                           created_at=NOW - timedelta(days=3),
                           expires_at=NOW + timedelta(days=30), created_by="test")
        ops = [["HSET", keys.notes, note.id, json.dumps(note.to_dict(), ensure_ascii=False)],
               ["GEOADD", keys.notes_geo, note.lon, note.lat, note.id]]
        live.store.write(ops)
        memory.run(ops)
    found = 0
    for n in range(60):
        category, priority, flags = rng.choice(KINDS)
        lat, lon = _point(rng, 500)
        triage = {"category": category, "priority": priority, "flags": flags}
        location = {"lat": lat, "lon": lon, "radius_m": 20.0}
        phone = rng.choice([*PHONES, None])
        a = live.subject(None, NOW, triage, location, phone, "报警")
        b = memory.subject(None, NOW, triage, location, phone, "报警")
        assert a == b
        _same(live.history(a), memory.history(b))
        got, want = memory.synthesize(b).to_dict(), live.synthesize(a).to_dict()
        assert got == want
        found += bool(want["findings"])
    assert found >= 50  # the comparison is not over empty answers


def test_the_memory_index_meets_the_same_missing_person_cases(client: redis.Redis) -> None:
    keys = Keys(f"mi{uuid.uuid4().hex[:6]}")
    store = RedisStore(client, keys, SynthesisIndex(keys, SECRET))
    cases = CaseStore(store)
    opened = []
    for n, (gender, age) in enumerate((("male", 78), ("female", 75), ("male", 8))):
        lat, lon = _point(random.Random(n), 600)
        last_seen = missing.LastSeen(at=NOW - timedelta(minutes=40), lat=lat, lon=lon)
        person = missing.person_from_request({"gender": gender, "age": age,
                                              "clothing": ["灰色夹克"]})
        events = missing.open_case(case_id=f"MP-S{n}", person=person, last_seen=last_seen,
                                   owner="command", now=NOW - timedelta(minutes=35),
                                   lookup=lookup)
        opened.append(cases.commit(None, events, actor="command", now=NOW))
    live = SynthesisStore(store)
    memory = MemoryIndex(SynthesisIndex(keys, SECRET), lambda: NOW)
    memory.attach_cases(lambda: 1, lambda: opened)
    hits = 0
    for n in range(3):
        lat, lon = _point(random.Random(n), 600)
        extracted = {"gender": ("male", "female", "male")[n],
                     "ages": [{"min": (70, 70, 7)[n], "max": (80, 80, 9)[n]}],
                     "clothing": [{"text": "灰色夹克"}]}
        triage = {"category": "assistance", "priority": "P3", "flags": [],
                  "extracted": extracted}
        location = {"lat": lat + 0.003, "lon": lon, "radius_m": 20.0}
        a = live.subject(None, NOW, triage, location, None, "路边有人迷路了")
        b = memory.subject(None, NOW, triage, location, None, "路边有人迷路了")
        assert a == b and a.sighting is not None
        got, want = memory.synthesize(b).to_dict(), live.synthesize(a).to_dict()
        assert got == want
        hits += "missing_hit" in want["marks"]
        assert [f["evidence"][0]["case_id"] for f in want["findings"]
                if f["kind"] == "missing_person"] == [f"MP-S{n}"]
    assert hits >= 1
