"""Two cities on one Redis (docs/scaling.md): each service in its own namespace — one of
them a Redis Cluster hash tag, ``{hh}``, so that all of that city's keys would share one
slot — never sees the other's incidents, feeds, tokens or RQ jobs."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator

import httpx
import pytest
from rq import Worker
from websockets.asyncio.client import connect

from dispatch.rq_queues import WORKER_QUEUES, named
from tests.support import RedisServer, Service, fresh_point, wait_until

CITIES = {"bt": "bt-secret-not-for-production-0123456789",
          "{hh}": "hh-secret-not-for-production-0123456789"}


@pytest.fixture(scope="module")
def cities() -> Iterator[tuple[RedisServer, dict[str, Service]]]:
    server = RedisServer().start()
    services = {ns: Service(server.url, namespace=ns, DISPATCH_SECRET=secret)
                for ns, secret in CITIES.items()}
    try:
        for svc in services.values():
            svc.start_worker()
            svc.spawn("rq", [sys.executable, "-m", "dispatch", "rq-worker", "--queues",
                             "webhooks"])
            svc.start_api()
        yield server, services
    finally:
        for svc in services.values():
            svc.stop()
        server.cleanup()


def _report(svc: Service, text: str) -> str:
    r = svc.post_report({"channel": "call", "text": text, "location": fresh_point()})
    assert r.status_code == 202, r.text
    incident_id: str = r.json()["id"]
    svc.wait_status(incident_id, "assigned", timeout=20)
    return incident_id


def test_two_cities_on_one_redis_stay_apart(
        cities: tuple[RedisServer, dict[str, Service]]) -> None:
    server, services = cities
    bt, hh = services["bt"], services["{hh}"]

    async def first_events(svc: Service) -> list[dict[str, object]]:
        got: list[dict[str, object]] = []
        async with connect(svc.ws_url("command"), open_timeout=10) as ws:
            got.append(json.loads(await ws.recv()))  # hello
            ours = _report(svc, "钢铁大街有人打架，一个人头上流血了")
            while not any(m.get("incident_id") == ours for m in got):
                got.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
        return got

    seen_bt = asyncio.run(first_events(bt))
    theirs = _report(hh, "我的电动车在小区楼下被偷了，刚发现")
    mine = next(str(m["incident_id"]) for m in seen_bt if m.get("incident_id"))
    # Incidents: each city lists and opens only its own.
    assert bt.get(f"/v1/incidents/{theirs}").status_code == 404
    assert hh.get(f"/v1/incidents/{mine}").status_code == 404
    listed_bt = {i["id"] for i in bt.get("/v1/incidents").json()["items"]}
    listed_hh = {i["id"] for i in hh.get("/v1/incidents").json()["items"]}
    assert mine in listed_bt and theirs not in listed_bt
    assert theirs in listed_hh and mine not in listed_hh
    # Feeds: the console of one city heard nothing of the other.
    assert all(m.get("incident_id") in (None, mine) for m in seen_bt), seen_bt
    # Tokens: signed with one city's key, refused by the other.
    r = httpx.get(f"{hh.base}/v1/incidents", headers=bt.headers("command"), timeout=10)
    assert r.status_code == 401
    # Keys: every key is in one of the two namespaces, or is RQ's.
    client = server.client()
    keys = list(client.scan_iter(count=1000))
    strays = [k for k in keys if not k.startswith(("bt:", "{hh}:", "rq:"))]
    assert not strays, strays[:10]
    assert any(k.startswith("{hh}:inc:") for k in keys)
    # RQ: each city's workers take only that city's queues.
    raw = server.client()
    wait_until(lambda: len(Worker.all(connection=raw)) == 2, 20,
               what="both RQ workers to register")
    listening = sorted(tuple(sorted(q.name for q in w.queues))
                       for w in Worker.all(connection=raw))
    expected = sorted(tuple(sorted(named(q, ns) for q in WORKER_QUEUES["webhooks"]))
                      for ns in CITIES)
    assert listening == expected, listening
