"""Never down: a primary, a replica and three Sentinels (real redis-server processes on
loopback), the whole service (API, pipeline worker, deadline scheduler) following the
primary through Sentinel, a command console connected through it all.

One failover is staged once for the module: a steady stream of reports with unique
``source_id``s, the primary SIGKILLed in the middle, the old primary started again
afterwards. The tests then check, each, one promise of issue 15 on what was recorded:

1. every report that got its 202 is on the promoted replica and processed once, and a
   client that retried its 503s with the same ``source_id`` has one incident per report;
2. the console received every feed event once (resuming by ``since`` if it had to), and
   was told that the store failed over;
3. deadlines armed before the failover fired after it, once each;
4. the old primary came back as a replica of the new one, and nothing is duplicated.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import redis
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support import HaCluster, Service, seconds, wait_until

NS = "ha"
ACK_S = 15  # every assignment unacknowledged: its deadline is due 15 s after assignment


@dataclass
class Staged:
    cluster: HaCluster
    svc: Service
    killed_at: float = 0.0            # time.monotonic()
    killed_wall: datetime = field(default_factory=lambda: datetime.now(UTC))
    first_after_kill: float = 0.0
    accepted: dict[str, str] = field(default_factory=dict)   # source_id -> incident id
    statuses: list[int] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)  # every message received
    connections: int = 0
    rejoined_after_s: float = 0.0

    def new_primary(self) -> redis.Redis:
        return self.cluster.replica.client()


class Console(threading.Thread):
    """A command console: connects, records every message, resumes with ``since``."""

    def __init__(self, staged: Staged) -> None:
        super().__init__(daemon=True)
        self.staged = staged
        self.stop = threading.Event()
        self.connected = threading.Event()

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        since: str | None = None
        while not self.stop.is_set():
            url = self.staged.svc.ws_url("command") + (f"&since={since}" if since else "")
            try:
                async with connect(url, open_timeout=5, ping_interval=None) as ws:
                    self.staged.connections += 1
                    self.connected.set()
                    while not self.stop.is_set():
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 0.5)
                        except TimeoutError:
                            continue
                        message = json.loads(raw)
                        self.staged.console.append(message)
                        # resume from the last feed event, or from where the first
                        # connection began
                        first = message["type"] == "hello" and since is None
                        if first or message["type"] not in ("hello", "store") \
                                and message.get("event_id"):
                            since = message["event_id"]
            except (OSError, ConnectionClosed, TimeoutError):
                await asyncio.sleep(0.2)


def _sender(staged: Staged, stop: threading.Event) -> None:
    """Reports with unique source_ids; a 503 is retried with the same source_id."""
    http = httpx.Client(timeout=5)
    token = staged.svc.token("call_taker")
    n = 0
    while not stop.is_set():
        n += 1
        source = f"ha-{n:05d}"
        # Each report at its own point ~1.3 km from the others: separate incidents, not
        # duplicate calls merged into one.
        point = {"lat": 40.56 + 0.012 * (n % 12), "lon": 109.78 + 0.016 * (n // 12 % 20),
                 "accuracy_m": 20}
        body = {"channel": "call", "text": f"第{n}号：小区门口两人吵架", "source_id": source,
                "location": point}
        for _ in range(100):
            try:
                r = http.post(f"{staged.svc.base}/v1/reports", json=body,
                              headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError:
                time.sleep(0.2)
                continue
            staged.statuses.append(r.status_code)
            if r.status_code in (200, 202):
                staged.accepted[source] = r.json()["id"]
                if staged.killed_at and not staged.first_after_kill:
                    staged.first_after_kill = time.monotonic()
                break
            time.sleep(0.2)
        time.sleep(0.05)
    http.close()


@pytest.fixture(scope="module")
def staged() -> Iterator[Staged]:
    cluster = HaCluster()
    svc = Service("redis://unused:1/0", namespace=NS, **cluster.env, REDIS_WAIT_REPLICAS="1",
                  REDIS_WAIT_MS="300", ACK_TIMEOUT_S=str(ACK_S))
    svc.env.pop("REDIS_URL")
    run = Staged(cluster, svc)
    console = Console(run)
    stop = threading.Event()
    sender = threading.Thread(target=_sender, args=(run, stop), daemon=True)
    try:
        svc.start_worker()
        svc.start_scheduler()
        svc.start_api()
        console.start()
        assert console.connected.wait(seconds(20)), "the console did not connect"
        sender.start()
        wait_until(lambda: len(run.accepted) >= 20, seconds(30), what="reports before the kill")
        run.killed_wall = datetime.now(UTC)
        cluster.primary.kill()
        run.killed_at = time.monotonic()
        wait_until(lambda: run.first_after_kill, seconds(30), interval=0.1,
                   what="intake on the promoted replica")
        wait_until(lambda: len(run.accepted) >= 60, seconds(60), what="reports after the kill")
        stop.set()
        sender.join(timeout=30)
        ids = set(run.accepted.values())
        wait_until(lambda: all(svc.incident(i)["status"] != "received" for i in ids),
                   seconds(60), what="every accepted report to be processed")
        # The old primary returns (same port, its own AOF): Sentinel makes it a replica.
        back = time.monotonic()
        cluster.primary.start()
        wait_until(lambda: cluster.primary.client().info("replication")
                   .get("master_link_status") == "up", seconds(30), interval=0.2,
                   what="the old primary to rejoin as a replica")
        run.rejoined_after_s = time.monotonic() - back
        # Every deadline armed so far is due ACK_S after its assignment.
        wait_until(lambda: all(svc.incident(i)["escalation_level"] >= 1 for i in ids),
                   seconds(ACK_S + 30), interval=0.5, what="every ack deadline to fire")
        time.sleep(1.0)  # a second chance for a duplicate firing to show
        console.stop.set()
        console.join(timeout=10)
        yield run
    finally:
        stop.set()
        console.stop.set()
        svc.stop()
        cluster.cleanup()


def _timeline(staged: Staged, incident_id: str) -> list[dict[str, Any]]:
    return list(staged.svc.incident(incident_id)["timeline"])


def test_nothing_accepted_is_lost_when_the_primary_dies(staged: Staged) -> None:
    new_primary = staged.new_primary()
    assert new_primary.info("replication")["role"] == "master"
    for source, incident_id in staged.accepted.items():
        assert new_primary.exists(f"{NS}:inc:{incident_id}"), f"{source} lost"
    ids = list(staged.accepted.values())
    assert len(set(ids)) == len(ids)  # one incident per report, retries included
    for incident_id in ids:
        kinds = Counter(e["type"] for e in _timeline(staged, incident_id))
        assert kinds["report.received"] == 1, (incident_id, kinds)
        assert kinds["incident.assigned"] == 1, (incident_id, kinds)  # processed once
    assert not [s for s in staged.statuses if s >= 500 and s != 503], staged.statuses
    promotion = staged.first_after_kill - staged.killed_at
    assert promotion < seconds(10)
    print(f"\nprimary killed → first 202 on the new primary {promotion:.1f} s; "
          f"{len(staged.accepted)} accepted, 0 lost, "
          f"{staged.statuses.count(503)} honest 503s retried with the same source_id")


def test_a_console_connected_through_the_failover_gets_every_event_once(
        staged: Staged) -> None:
    received = [m["event_id"] for m in staged.console
                if m.get("event_id") and m["type"] not in ("hello", "store")]
    repeated = [i for i, n in Counter(received).items() if n > 1]
    assert not repeated, repeated
    first = next(m["event_id"] for m in staged.console if m["type"] == "hello")
    feed = staged.new_primary().xrange(f"{NS}:feed:command", min=f"({first}", max="+")
    missing = [entry_id for entry_id, _ in feed if entry_id not in set(received)]
    assert not missing, f"{len(missing)} of {len(feed)} feed events never reached the console"
    # The store's own notices: it stopped answering, then answered from the replica.
    notices = [m["payload"] for m in staged.console if m["type"] == "store"]
    assert any(n["available"] is False for n in notices), notices
    back = [n for n in notices if n["available"] and n.get("failover")]
    assert back and back[-1]["primary"].endswith(f":{staged.cluster.replica.port}"), notices
    print(f"\n{len(feed)} feed events, each received once over {staged.connections} "
          f"connection(s); store notices {[n['available'] for n in notices]}")


def test_deadlines_armed_before_the_failover_fire_after_it_once(staged: Staged) -> None:
    armed = 0
    for incident_id in staged.accepted.values():
        timeline = _timeline(staged, incident_id)
        assigned = next(e for e in timeline if e["type"] == "incident.assigned")
        escalations = [e for e in timeline if e["type"] == "incident.escalated"]
        assert len(escalations) == 1, (incident_id, escalations)  # P3: one level, once
        if datetime.fromisoformat(assigned["at"]) < staged.killed_wall:
            armed += 1
            assert datetime.fromisoformat(escalations[0]["at"]) > staged.killed_wall
    assert armed >= 10, armed


def test_the_old_primary_comes_back_as_a_replica_and_nothing_is_duplicated(
        staged: Staged) -> None:
    old, new = staged.cluster.primary.client(), staged.new_primary()
    assert old.info("replication")["role"] == "slave"
    assert staged.cluster.primary_port() == staged.cluster.replica.port
    wait_until(lambda: old.dbsize() == new.dbsize(), 10, what="the rejoined node to catch up")
    for incident_id in staged.accepted.values():
        key = f"{NS}:tl:{incident_id}"
        assert old.xrange(key) == new.xrange(key), incident_id
    assert old.xlen(f"{NS}:feed:command") == new.xlen(f"{NS}:feed:command")
    received = new.xrange(f"{NS}:events")
    ids = [fields.get("incident_id", "") + "|" + fields.get("type", "")
           for _, fields in received if fields.get("type") == "report.received"]
    assert len(ids) == len(set(ids))
    print(f"\nold primary back as a replica in {staged.rejoined_after_s:.1f} s, "
          f"{new.dbsize()} keys on both")
