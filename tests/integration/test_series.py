"""Series (系列案) on a real redis-server: the commit links the members to one stable
series id, the series list reads them back, and over HTTP who may list which series."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
import redis

import geo
from tests.integration.test_synthesis_store import NOW, Rig, finding
from tests.support import RedisServer, Service, fresh_point


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[redis.Redis]:
    c = redis_server.client()
    yield c
    c.close()


def series_id(rig: Rig, incident_id: str) -> str | None:
    found = [f for f in rig.synthesis_of(incident_id)["findings"] if f["kind"] == "series"]
    return str(found[0]["detail"]["series_id"]) if found else None


def test_battery_thefts_close_together_in_a_week_are_one_series_with_one_id(
        client: redis.Redis) -> None:
    rig = Rig(client)
    first = rig.report("电动车电瓶被偷", days_ago=5, north_m=0, phone=None)
    second = rig.report("车棚里的电瓶被人拆了", days_ago=4, north_m=300, phone=None)
    third = rig.report("我的电瓶也被偷了", days_ago=3, north_m=350, phone=None)
    assert series_id(rig, first) is None and series_id(rig, second) is None
    assert series_id(rig, third) == f"S-{first}"  # the third report starts the series
    # 700 m from the first theft: the series has moved on, the first is out of reach and
    # the rule alone would name the series after the second; the links keep the id.
    fourth = rig.report("又一个电瓶被偷", days_ago=2, north_m=700, phone=None)
    cited = [e["incident_id"] for e in finding(rig.synthesis_of(fourth), "series")["evidence"]]
    assert first not in cited and sorted(cited) == sorted([second, third])
    assert series_id(rig, fourth) == f"S-{first}"
    far = rig.report("电瓶被偷了", days_ago=1, north_m=2500, phone=None)  # another community
    assert series_id(rig, far) is None
    rig.report("门口撞车", days_ago=1, north_m=320, phone=None)  # another category

    listed = rig.synthesis.series(NOW - timedelta(days=7))
    assert [s["id"] for s in listed] == [f"S-{first}"]
    series = listed[0]
    assert series["category"] == "property_crime" and series["count"] == 4
    assert [m["incident_id"] for m in series["members"]] == [first, second, third, fourth]
    assert far not in {m["incident_id"] for m in series["members"]}
    assert series["first_at"] == series["members"][0]["at"]
    assert series["last_at"] == series["members"][-1]["at"]
    assert series["centre"]["lat"] == pytest.approx(40.6467 + 337.5 / 111_000, abs=1e-5)
    assert 355 < series["radius_m"] < 370  # the fourth, 362.5 m north of the centre
    assert series["precincts"] and series["omitted"] == 0
    for member in (first, second, third, fourth):
        assert client.get(rig.store.keys.series_of(member)) == f"S-{first}"
        assert client.ttl(rig.store.keys.series_of(member)) > 350 * 86_400  # retention
    # The window: a series whose newest member is older is not active.
    assert rig.synthesis.series(NOW - timedelta(hours=12)) == []
    # Another precinct's view: the series touching it only.
    assert rig.synthesis.series(NOW - timedelta(days=7), precinct="no-such") == []


def test_the_series_list_reads_a_thousand_series_fast(client: redis.Redis) -> None:
    """What the list costs: its three pipelined reads over 1,000 series of five members."""
    rig = Rig(client)
    k, pipe = rig.store.keys, client.pipeline(transaction=False)
    now = NOW.timestamp()
    for s in range(1000):
        members = [f"T{s:04d}-{i}" for i in range(5)]
        pipe.zadd(k.series(f"S-{members[0]}"), {m: now - 3600 * i for i, m in enumerate(members)})
        pipe.zadd(k.series_active, {f"S-{members[0]}|property_crime": now})
        for i, m in enumerate(members):
            pipe.set(k.record(m), f'{{"id": "{m}", "at": "{NOW.isoformat()}", '
                                  f'"category": "property_crime", "lat": {40.6 + s * 1e-3}, '
                                  f'"lon": {109.8 + i * 1e-3}, "precinct": "150203001"}}')
    pipe.execute()
    took = []
    for _ in range(5):
        started = time.perf_counter()
        listed = rig.synthesis.series(NOW - timedelta(days=7), limit=1000)
        took.append(time.perf_counter() - started)
    assert len(listed) == 1000 and all(s["count"] == 5 for s in listed)
    print(f"series list, 1,000 series x 5 members: median {sorted(took)[2] * 1000:.0f} ms")
    assert sorted(took)[2] < 1.0


# -- over HTTP ---------------------------------------------------------------------------

def _offset(point: dict[str, float], north_m: float, east_m: float) -> dict[str, float]:
    return {"lat": point["lat"] + north_m / 111_000,
            "lon": point["lon"] + east_m / (111_000 * math.cos(math.radians(point["lat"]))),
            "accuracy_m": 15}


def _report(service: Service, text: str, point: dict[str, float]) -> dict[str, Any]:
    r = service.post_report({"channel": "call", "text": f"{text}（{uuid.uuid4().hex[:4]}）",
                             "location": {**point, "crs": "wgs84"}})
    assert r.status_code == 202, r.text
    return service.wait_status(r.json()["id"], "assigned", "acknowledged")


def _as(service: Service, path: str, role: str, precinct: str | None = None) -> httpx.Response:
    return service.http.get(f"{service.base}{path}", headers=service.headers(role, precinct))


def test_series_over_http_command_sees_it_precincts_only_their_own(service: Service) -> None:
    home = fresh_point()
    # 300 m apart: far enough not to be merged as duplicate calls about one theft.
    thefts = [_report(service, text, _offset(home, n, e)) for text, (n, e) in (
        ("小区车棚里电动车电瓶被偷了", (0, 0)), ("楼下电动车的电池被人拆走了", (300, 0)),
        ("我家电瓶车的电瓶昨晚被盗", (150, 300)))]
    assert {t["category"] for t in thefts} == {"property_crime"}, [t["category"] for t in thefts]
    assert all(t["status"] != "merged" for t in thefts)
    far = _report(service, "电动车电瓶被偷了", fresh_point())
    third = [e for e in thefts[2]["timeline"] if e["type"] == "incident.synthesized"][-1]
    found = [f for f in third["payload"]["findings"] if f["kind"] == "series"]
    assert found, third["payload"]
    sid = found[0]["detail"]["series_id"]
    # The earliest member by received second (ties: the smaller id) names the series.
    assert sid in (f"S-{thefts[0]['id']}", f"S-{thefts[1]['id']}")

    r = _as(service, "/v1/synthesis/series?days=7", "command")
    assert r.status_code == 200, r.text
    mine = [s for s in r.json()["items"] if s["id"] == sid]
    assert len(mine) == 1, r.json()
    assert {m["incident_id"] for m in mine[0]["members"]} == {t["id"] for t in thefts}
    assert all(far["id"] not in {m["incident_id"] for m in s["members"]} for s in r.json()["items"])
    assert mine[0]["count"] == 3 and mine[0]["radius_m"] < 500

    own = thefts[0]["precinct"]
    outside = next(p.id for p in geo.precincts() if p.id not in mine[0]["precincts"])
    theirs = _as(service, "/v1/synthesis/series", "precinct", outside)
    assert theirs.status_code == 200 and sid not in [s["id"] for s in theirs.json()["items"]]
    assert _as(service, f"/v1/synthesis/series?precinct={own}", "precinct",
               outside).status_code == 403
    listed = _as(service, "/v1/synthesis/series", "precinct", own).json()["items"]
    seen = next(s for s in listed if s["id"] == sid)
    assert {m["precinct"] for m in seen["members"]} == {own}
    assert seen["count"] == 3 and len(seen["members"]) + seen["omitted"] == 3
    for role in ("call_taker", "analyst"):
        assert _as(service, "/v1/synthesis/series", role).status_code == 403, role
    assert _as(service, "/v1/synthesis/series?days=0", "command").status_code == 422
