"""Chaos under load (issue 17): the supervised service takes 50 reports/s while each kind
of process is SIGKILLed in turn — the API, a pipeline worker, the deadline scheduler, the
reactors, an RQ worker — and then Redis is killed and started again, and frozen
(SIGSTOP) for 20 s. Intake resumes by itself after each, every report that got a 202 is
processed once, nothing but honest 503s is answered, and the recovery time of each kind
is measured and printed (docs/benchmarks.md)."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.timeout(400)

from dispatch import settings as settings_mod
from dispatch.auth import Role, issue
from dispatch.processes.supervisor import Supervisor
from tests.support import RedisServer, free_port, seconds, wait_until

SECRET = "test-secret-not-for-production-0123456789"
RATE = 50.0
CALL_TAKERS = 40  # reports in hand at once


@dataclass
class Load:
    """Reports sent at a steady rate, each retried with its source_id until accepted."""

    base: str
    accepted: dict[str, tuple[str, float]] = field(default_factory=dict)  # source → (id, at)
    statuses: Counter[int] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)

    def first_202_after(self, t: float) -> float | None:
        later = [at for _, at in self.accepted.values() if at > t]
        return min(later) if later else None

    def run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        # Reports arrive at RATE into a queue; CALL_TAKERS take them one at a time and
        # retry the one in hand (as a call-taker does) until it is accepted.
        token = issue(SECRET, Role.call_taker, name="chaos-test")
        arrivals: asyncio.Queue[int] = asyncio.Queue()
        limits = httpx.Limits(max_connections=CALL_TAKERS, max_keepalive_connections=CALL_TAKERS)
        async with httpx.AsyncClient(base_url=self.base, timeout=5, limits=limits,
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            async def arrive() -> None:
                n, start = 0, time.monotonic()
                while not self.stop.is_set():
                    n += 1
                    arrivals.put_nowait(n)
                    await asyncio.sleep(max(0.0, start + n / RATE - time.monotonic()))

            async def take() -> None:
                while not self.stop.is_set() or not arrivals.empty():
                    try:
                        n = await asyncio.wait_for(arrivals.get(), 0.5)
                    except TimeoutError:
                        continue
                    await self._send(client, n)

            await asyncio.gather(arrive(), *(take() for _ in range(CALL_TAKERS)))

    async def _send(self, client: httpx.AsyncClient, n: int) -> None:
        # Each at its own place: separate incidents, not duplicates merged into one.
        point = {"lat": 40.55 + 0.004 * (n % 40), "lon": 109.70 + 0.005 * (n // 40 % 60),
                 "accuracy_m": 20}
        body = {"channel": "call", "text": f"第{n}号：小区门口两人吵架", "source_id": f"c{n:06d}",
                "location": point}
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            sent = time.monotonic()
            try:
                r = await client.post("/v1/reports", json=body)
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
                continue
            self.statuses[r.status_code] += 1
            if r.status_code in (200, 202):
                self.accepted[body["source_id"]] = (r.json()["id"], sent)
                return
            # As a console does: wait as long as Retry-After says (with jitter).
            wait = float(r.headers.get("retry-after", "1"))
            await asyncio.sleep(wait * random.uniform(0.5, 1.0))


@pytest.fixture
def supervised(own_redis: RedisServer, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Supervisor, str]]:
    port = free_port()
    env = {"REDIS_URL": own_redis.url, "REDIS_NAMESPACE": "chaos", "PORT": str(port),
           "HOST": "127.0.0.1", "DISPATCH_VAR": str(tmp_path), "DISPATCH_SECRET": SECRET,
           "PIPELINE_WORKERS": "1", "ACK_TIMEOUT_S": "3600"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    sup = Supervisor(settings_mod.load())
    stop = threading.Event()

    def watch() -> None:  # the supervisor's own loop, beside the test
        while not stop.is_set():
            sup.check()
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    try:
        sup.start()
        watcher.start()
        yield sup, f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        watcher.join(timeout=5)
        sup.stop()


def test_every_process_kind_killed_in_turn_under_load(
        supervised: tuple[Supervisor, str], own_redis: RedisServer) -> None:
    sup, base = supervised
    load = Load(base)
    sender = threading.Thread(target=load.run, daemon=True)
    recovery: dict[str, float] = {}

    def kill(name: str) -> float:
        old = sup.pids()[name]
        os.killpg(old, signal.SIGKILL)
        at = time.monotonic()
        wait_until(lambda: sup.pids()[name] != old, seconds(15), interval=0.05,
                   what=f"{name} to be started again")
        return at

    def intake_back(since: float, what: str) -> float:
        first = wait_until(lambda: load.first_202_after(since), seconds(30), interval=0.05,
                           what=what)
        return first - since

    sender.start()
    try:
        wait_until(lambda: len(load.accepted) >= 50, seconds(30), what="the load to start")
        at = kill("api")
        recovery["api: first 202 after the kill"] = intake_back(at, "intake after the API")
        for name in ("worker-0", "scheduler", "reactors", "rq-webhooks"):
            at = kill(name)
            # back when its successor beats (workers, scheduler, reactors) or runs (RQ)
            recovery[f"{name}: restarted"] = time.monotonic() - at
        own_redis.stop(hard=True)
        time.sleep(2.0)
        own_redis.start()  # same port, same AOF
        back = time.monotonic()
        recovery["redis killed: first 202 after it returns"] = intake_back(
            back, "intake after Redis returned")
        assert own_redis.proc is not None
        own_redis.proc.send_signal(signal.SIGSTOP)
        time.sleep(20.0)
        own_redis.proc.send_signal(signal.SIGCONT)
        thawed = time.monotonic()
        recovery["redis frozen 20 s: first 202 after it thaws"] = intake_back(
            thawed, "intake after Redis thawed")
        time.sleep(2.0)
    finally:
        load.stop.set()
        sender.join(timeout=120)
    ids = {incident_id for incident_id, _ in load.accepted.values()}
    assert len(ids) == len(load.accepted)  # one incident per report, retries included

    r = own_redis.client()

    def statuses() -> list[str]:
        pipe = r.pipeline(transaction=False)
        for incident_id in ids:
            pipe.hget(f"chaos:inc:{incident_id}", "state")
        return [json.loads(state)["status"] if state else "missing" for state in pipe.execute()]

    wait_until(lambda: "received" not in statuses(), seconds(120), interval=1.0,
               what="every accepted report processed")
    assert "missing" not in statuses()
    pipe = r.pipeline(transaction=False)
    for incident_id in ids:
        pipe.xrange(f"chaos:tl:{incident_id}")
    for timeline in pipe.execute():
        # The pipeline assigns once; a later caller merged into it may renew the assignment
        # (a raised priority), which says so (by_caller).
        kinds = Counter(fields["type"] for _, fields in timeline
                        if "by_caller" not in json.loads(fields.get("data") or "{}"))
        assert kinds["report.received"] == 1 and kinds["incident.assigned"] <= 1, kinds
    errors = {s: n for s, n in load.statuses.items() if s >= 500 and s != 503}
    assert not errors, errors
    # Liveness, not a benchmark: under the parallel suite on two shared cores the first 202
    # came 5.7 s after the kill on two runs of four (1.8-1.9 s alone; docs/benchmarks.md).
    assert recovery["api: first 202 after the kill"] <= seconds(8)
    assert recovery["redis killed: first 202 after it returns"] <= seconds(2)
    assert recovery["redis frozen 20 s: first 202 after it thaws"] <= seconds(2)
    print(f"\n{len(load.accepted)} accepted at {RATE:.0f}/s, all processed once; "
          f"{load.statuses[503]} honest 503s retried; recovery: "
          + "; ".join(f"{k} {v:.2f} s" for k, v in recovery.items()))
