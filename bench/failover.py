"""Failover: what a primary's death costs, and what replication costs every day.

Real processes on loopback: a primary, one replica and three Sentinels (Debian's
redis-server / redis-sentinel; ``down-after-milliseconds 1000``, ``failover-timeout
5000``, ``parallel-syncs 1``, quorum 2) and the service (API, one pipeline worker,
scheduler, reactors) following the primary through Sentinel with ``REDIS_WAIT_REPLICAS=1``.
The baseline, measured in the same run, is the same service on one redis-server with AOF
``appendfsync always`` and no replica (``REDIS_WAIT_REPLICAS=0``).

Figures:

* **promotion**: from SIGKILL of the primary (under ``--kill-rate`` reports/s, each with a
  unique ``source_id``, 503s retried with the same one) to the first 202 on the new
  primary, and how many accepted reports are missing from it afterwards (target 0);
* **the cost of WAIT**: intake latency (POST → 202) and POST → ``incident.assigned`` on a
  console at 10/s, with a replica against without (ratio);
* **sustained rate**: the highest of ``--rates`` held for ``--step-s`` with intake p99 under
  ``--bound-ms`` and every report assigned, with a replica and without (ratio).

Usage: python bench/failover.py [--trials 2] [--step-s 10] [--rates 25,50,100,150]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.e2e import TEXTS, Run, collect, paced, pct
from tests.support import HaCluster, RedisServer, Service, wait_until

out = Console()
spread = itertools.count()


@dataclass
class Intake:
    """One paced run: intake latencies (ms) and the console's Run."""

    run: Run
    intake_ms: list[float] = field(default_factory=list)
    errors: int = 0


def _point() -> dict[str, float]:
    # Distinct places: the same kind of report at one spot is (rightly) merged.
    j = next(spread)
    return {"lat": 40.55 + 0.006 * (j % 30), "lon": 109.70 + 0.008 * (j // 30 % 50),
            "accuracy_m": 20}


async def intake_run(svc: Service, rate: float, seconds: float) -> Intake:
    result = Intake(Run(rate, seconds))
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=svc.base, limits=limits, timeout=30,
                                 headers=svc.headers("call_taker")) as client:
        async def fire(i: int) -> None:
            t0 = time.perf_counter()
            r = await client.post("/v1/reports", json={
                "channel": "call", "text": TEXTS[i % len(TEXTS)], "location": _point()})
            if r.status_code != 202:
                result.errors += 1
                return
            result.intake_ms.append((time.perf_counter() - t0) * 1000)
            result.run.sent[r.json()["id"]] = t0

        def key(m: dict) -> str | None:  # type: ignore[type-arg]
            kinds = ("incident.assigned", "incident.merged")
            return m.get("incident_id") if m.get("type") in kinds else None

        await collect([svc.ws_url("command")], key, result.run,
                      lambda: paced(rate, seconds, fire))
    return result


def figures(r: Intake) -> dict[str, float]:
    assigned = r.run.latencies()
    return {"intake_p50": pct(r.intake_ms, 0.5), "intake_p99": pct(r.intake_ms, 0.99),
            "assigned_p50": pct(assigned, 0.5), "assigned_p99": pct(assigned, 0.99),
            "lost": r.run.lost() + r.errors, "n": len(r.intake_ms)}


def kill_trial(rate: float) -> tuple[float, int, int, int]:
    """One primary death under load: (seconds to the first 202 after, accepted, lost, 503s)."""
    cluster = HaCluster()
    svc = Service("redis://unused:1/0", namespace="fo", **cluster.env,
                  REDIS_WAIT_REPLICAS="1", REDIS_WAIT_MS="300", ACK_TIMEOUT_S="3600")
    svc.env.pop("REDIS_URL")
    accepted: dict[str, str] = {}
    unavailable = 0
    killed_at = 0.0
    first_after = 0.0
    try:
        svc.start_all()

        async def send(seconds: float) -> None:
            nonlocal unavailable, first_after
            async with httpx.AsyncClient(base_url=svc.base, timeout=5,
                                         headers=svc.headers("call_taker")) as client:
                async def fire(i: int) -> None:
                    nonlocal unavailable, first_after
                    body = {"channel": "call", "text": TEXTS[i % len(TEXTS)],
                            "source_id": f"fo-{i:06d}", "location": _point()}
                    for _ in range(100):
                        sent = time.monotonic()
                        try:
                            r = await client.post("/v1/reports", json=body)
                        except httpx.HTTPError:
                            await asyncio.sleep(0.2)
                            continue
                        if r.status_code in (200, 202):
                            accepted[body["source_id"]] = r.json()["id"]
                            # the first answer to a request sent after the kill
                            if killed_at and sent > killed_at and not first_after:
                                first_after = time.monotonic()
                            return
                        unavailable += r.status_code == 503
                        await asyncio.sleep(0.2)

                await paced(rate, seconds, fire)

        async def scenario() -> None:
            nonlocal killed_at
            sender = asyncio.create_task(send(12.0))
            await asyncio.sleep(4.0)
            cluster.primary.kill()
            killed_at = time.monotonic()
            await sender

        asyncio.run(scenario())
        new = redis.Redis(port=cluster.replica.port, decode_responses=True)
        lost = sum(1 for i in accepted.values() if not new.exists(f"fo:inc:{i}"))
        new.close()
        return first_after - killed_at, len(accepted), lost, unavailable
    finally:
        svc.stop()
        cluster.cleanup()


def highest(label: str, rates: list[float], bound_ms: float,
            runner: Callable[[float], dict[str, float]]) -> float:
    best = 0.0
    t = Table("rate /s", "intake p50 ms", "intake p99 ms", "assigned p99 ms", "lost",
              title=f"{label}: rising rates")
    for rate in rates:
        f = runner(rate)
        t.add_row(f"{rate:.0f}", f"{f['intake_p50']:.1f}", f"{f['intake_p99']:.1f}",
                  f"{f['assigned_p99']:.1f}", str(int(f["lost"])))
        if f["intake_p99"] < bound_ms and f["lost"] == 0:
            best = rate
        else:
            break
    out.print(t)
    return best


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=2, help="primary deaths to measure")
    p.add_argument("--kill-rate", type=float, default=50, help="reports/s while it dies")
    p.add_argument("--step-s", type=float, default=10)
    p.add_argument("--rates", default="25,50,100,150")
    p.add_argument("--bound-ms", type=float, default=250)
    a = p.parse_args()
    rates = [float(x) for x in a.rates.split(",")]

    promotions = []
    t = Table("trial", "first 202 after the kill s", "accepted", "lost", "503s retried",
              title=f"primary SIGKILLed under {a.kill_rate:.0f} reports/s")
    for trial in range(a.trials):
        seconds_, accepted, lost, unavailable = kill_trial(a.kill_rate)
        promotions.append(seconds_)
        t.add_row(str(trial + 1), f"{seconds_:.1f}", str(accepted), str(lost), str(unavailable))
    out.print(t)
    out.print(f"promotion: median {statistics.median(promotions):.1f} s to the first 202 on "
              f"the new primary (target ≤ 10 s)")

    single = RedisServer().start()
    base = Service(single.url, namespace="one", ACK_TIMEOUT_S="3600").start_all()
    cluster = HaCluster()
    ha = Service("redis://unused:1/0", namespace="two", **cluster.env,
                 REDIS_WAIT_REPLICAS="1", REDIS_WAIT_MS="500", ACK_TIMEOUT_S="3600")
    ha.env.pop("REDIS_URL")
    try:
        ha.start_all()
        for svc in (base, ha):
            wait_until(lambda s=svc: httpx.get(s.base + "/healthz").status_code == 200, 30)
        time.sleep(0.5)
        rows = []
        for _ in range(2):  # alternate, so drift on the machine falls on both
            rows.append((figures(asyncio.run(intake_run(base, 10, a.step_s))),
                         figures(asyncio.run(intake_run(ha, 10, a.step_s)))))
        t = Table("at 10/s", "intake p50 ms", "intake p99 ms", "assigned p50 ms",
                  "assigned p99 ms", "lost")
        for one, two in rows:
            for label, f in (("one node, no replica", one), ("primary + replica, WAIT 1", two)):
                t.add_row(label, f"{f['intake_p50']:.2f}", f"{f['intake_p99']:.2f}",
                          f"{f['assigned_p50']:.1f}", f"{f['assigned_p99']:.1f}",
                          str(int(f["lost"])))
        out.print(t)
        r50 = statistics.median(two["intake_p50"] / one["intake_p50"] for one, two in rows)
        r99 = statistics.median(two["intake_p99"] / one["intake_p99"] for one, two in rows)
        ra = statistics.median(two["assigned_p50"] / one["assigned_p50"] for one, two in rows)
        out.print(f"the cost of WAIT at 10/s: intake p50 {r50:.2f}x, p99 {r99:.2f}x, "
                  f"POST → assigned p50 {ra:.2f}x the single node")
        one_best = highest("one node", rates, a.bound_ms,
                           lambda r: figures(asyncio.run(intake_run(base, r, a.step_s))))
        ha_best = highest("primary + replica", rates, a.bound_ms,
                          lambda r: figures(asyncio.run(intake_run(ha, r, a.step_s))))
        out.print(f"[bold]highest sustained rate ({a.step_s:.0f} s, intake p99 < "
                  f"{a.bound_ms:.0f} ms, every report assigned): with a replica "
                  f"{ha_best:.0f}/s, one node {one_best:.0f}/s, ratio "
                  f"{(ha_best / one_best) if one_best else float('nan'):.2f}")
    finally:
        ha.stop()
        base.stop()
        cluster.cleanup()
        single.cleanup()


if __name__ == "__main__":
    main()
