"""End-to-end latency, intake → console, against the bare floor on the same machine.

Starts its own Redis (AOF always) and service (API, one pipeline worker, scheduler)
unless ``--url`` points at a running one, connects ``--consoles`` websocket clients to the
command feed (every report reaches every console), posts reports at fixed rates and
measures, for every console, the time from the POST leaving the client to the
``incident.assigned`` event arriving. The floor does the same through ``bench/floor.py``:
an XADD and a ``broadcast()`` to as many clients. Trials alternate service and floor;
the ratio reported is the median over trials.

Usage: python bench/e2e.py [--trials 3] [--consoles 100] [--sustain-s 60]

``--synthesis-ab`` measures instead what the synthesis stage costs the pipeline: arms
with ``SYNTHESIS=on`` and ``SYNTHESIS=off`` alternate, each on a fresh Redis and service,
and each finds its highest sustained rate by a fine ramp (``--ab-rates``, 5/s apart) then
holds it for ``--sustain-s``. Reports carry callers from a pool of 2,000 numbers and
places on a 1,500-spot grid, so caller and place history build up as in a city.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis.asyncio as aioredis
from rich.console import Console
from rich.table import Table
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import RedisServer, Service, free_port, wait_until

out = Console()
TEXTS = ["钢铁大街有人打架，有一个人头上流血了", "我的电动车在小区楼下被偷了，刚发现",
         "家里老人走丢了，七十多岁，有老年痴呆", "阿尔丁大街和钢铁大街路口两车追尾，有人受伤"]
POINT = {"lat": 40.6467, "lon": 109.8246, "crs": "wgs84", "accuracy_m": 20}
spread = itertools.count()


@dataclass
class Run:
    rate: float
    seconds: float
    sent: dict[str, float] = field(default_factory=dict)
    got: list[dict[str, float]] = field(default_factory=list)

    def latencies(self) -> list[float]:
        out_ = []
        for per_console in self.got:
            for key, at in per_console.items():
                if key in self.sent:
                    out_.append((at - self.sent[key]) * 1000)
        return out_

    def lost(self) -> int:
        return sum(len(set(self.sent) - set(c)) for c in self.got)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def paced(rate: float, seconds: float, fire: Callable[[int], Awaitable[None]]) -> None:
    n = int(rate * seconds)
    start = time.perf_counter()
    tasks = []
    for i in range(n):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(i)))
    await asyncio.gather(*tasks)


async def collect(urls: list[str], key_of: Callable[[dict], str | None], run: Run,
                  body: Callable[[], Awaitable[None]], settle_s: float = 2.0) -> Run:
    received: list[dict[str, float]] = [{} for _ in urls]
    conns = [await connect(u, max_size=2**22, open_timeout=30, compression=None) for u in urls]

    async def reader(i: int, ws) -> None:  # type: ignore[no-untyped-def]
        async for raw in ws:
            now = time.perf_counter()
            key = key_of(json.loads(raw))
            if key:
                received[i].setdefault(key, now)

    readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(conns)]
    await asyncio.sleep(0.5)
    await body()
    deadline = time.perf_counter() + settle_s + 10
    while time.perf_counter() < deadline:
        if all(len(r) >= len(run.sent) for r in received):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.1)
    for t in readers:
        t.cancel()
    for ws in conns:
        await ws.close()
    run.got = received
    return run


PHONES = [f"1390472{n:04d}" for n in range(2000)]


async def service_run(svc: Service, consoles: int, rate: float, seconds: float) -> Run:
    run = Run(rate, seconds)
    base = svc.base
    ws = svc.ws_url("command")
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30,
                                 headers=svc.headers("call_taker")) as client:
        async def fire(i: int) -> None:
            t0 = time.perf_counter()
            # Distinct places: the same kind of report at one spot would (rightly) be merged
            # into one incident and never assigned on its own.
            j = next(spread)
            point = {**POINT, "lat": 40.55 + 0.006 * (j % 30), "lon": 109.70 + 0.008 * (j // 30 % 50)}
            r = await client.post("/v1/reports", json={
                "channel": "call", "text": TEXTS[i % len(TEXTS)], "location": point,
                "caller": {"phone": PHONES[j * 7919 % len(PHONES)]}})
            r.raise_for_status()
            run.sent[r.json()["id"]] = t0

        def key(m: dict) -> str | None:
            # an incident reaches the consoles assigned, or merged into an earlier one
            kinds = ("incident.assigned", "incident.merged")
            return m.get("incident_id") if m.get("type") in kinds else None

        return await collect([ws] * consoles, key, run, lambda: paced(rate, seconds, fire))


async def floor_run(redis_url: str, port: int, consoles: int, rate: float, seconds: float) -> Run:
    run = Run(rate, seconds)
    # many XADDs may be in flight at high rates: a pool as large as the backlog can get
    r = aioredis.Redis.from_url(redis_url, decode_responses=True, max_connections=5000)

    async def fire(i: int) -> None:
        key = f"m{i}"
        run.sent[key] = time.perf_counter()
        # the same size as the service's incident.assigned message (~0.9 KB with its summary)
        await r.xadd("floor:feed", {"m": json.dumps({"type": "incident.assigned", "k": key,
                                                     "pad": "x" * 900})})

    def key(m: dict) -> str | None:
        return m.get("k")

    try:
        return await collect([f"ws://127.0.0.1:{port}"] * consoles, key, run,
                             lambda: paced(rate, seconds, fire))
    finally:
        await r.aclose()


def summary(run: Run) -> dict[str, float]:
    lat = run.latencies()
    return {"rate": run.rate, "p50": pct(lat, 0.5), "p99": pct(lat, 0.99),
            "lost": run.lost(), "deliveries": len(lat)}


def drain(svc: Service, limit_s: float = 180) -> float:
    """Wait until the pipeline has caught up: a probe report posted now is processed
    after every report before it. Returns the seconds it took."""
    t0 = time.perf_counter()
    h = svc.headers("call_taker")
    r = httpx.post(svc.base + "/v1/reports", headers=h, timeout=30, json={
        "channel": "call", "text": "测试：排空探针", "location": {**POINT, "lat": 40.30, "lon": 110.30}})
    r.raise_for_status()
    url = f"{svc.base}/v1/incidents/{r.json()['id']}"
    while time.perf_counter() - t0 < limit_s:
        got = httpx.get(url, headers=svc.headers("command"), timeout=30)
        if got.status_code == 200 and got.json().get("status") not in ("received", "triaged"):
            break
        time.sleep(0.2)
    return time.perf_counter() - t0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the given processes so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


Step = tuple[float, dict[str, float]]  # a rate and its run's summary


def passes(s: dict[str, float], bound_ms: float) -> bool:
    """A run the rate holds: p99 under the bound and nothing lost."""
    return s["p99"] < bound_ms and s["lost"] == 0


def ramp(runner: Callable[[float, float], Run], rates: list[float], step_s: float,
         bound_ms: float, settle: Callable[[], float] = lambda: 0.0) -> tuple[float, list[Step]]:
    """Rising rates, ``step_s`` each, until one fails: the last that passed, and every step.
    ``settle`` runs before every step, so that a step that fell behind leaves no backlog
    for the next one."""
    best, steps = 0.0, []
    for rate in rates:
        settle()
        s = summary(runner(rate, step_s))
        steps.append((rate, s))
        if not passes(s, bound_ms):
            break
        best = rate
    return best, steps


def hold(runner: Callable[[float, float], Run], rates: list[float], best: float,
         sustain_s: float, bound_ms: float, report: Callable[[float, dict[str, float], bool], None],
         settle: Callable[[], float] = lambda: 0.0) -> float:
    """Confirm for ``sustain_s``, stepping down from ``best`` until a rate holds (0: none)."""
    for rate in sorted((r for r in rates if r <= best), reverse=True):
        settle()
        s = summary(runner(rate, sustain_s))
        ok = passes(s, bound_ms)
        report(rate, s, ok)
        if ok:
            return rate
    return 0.0


def sustained(runner: Callable[[float, float], Run], rates: list[float], step_s: float,
              sustain_s: float, bound_ms: float, label: str,
              settle: Callable[[], float] = lambda: 0.0) -> tuple[float, list[str]]:
    """The highest rate of ``rates`` that holds for ``sustain_s``, and a line per run."""
    best, steps = ramp(runner, rates, step_s, bound_ms, settle)
    lines = [f"{label} {rate:.0f}/s {step_s:.0f} s: p50 {s['p50']:.1f} ms, p99 {s['p99']:.1f} ms, "
             f"lost {int(s['lost'])}" for rate, s in steps]

    def report(rate: float, s: dict[str, float], ok: bool) -> None:
        lines.append(f"{label} {rate:.0f}/s {sustain_s:.0f} s: p50 {s['p50']:.1f} ms, "
                     f"p99 {s['p99']:.1f} ms, lost {int(s['lost'])} → {'held' if ok else 'not held'}")

    return hold(runner, rates, best, sustain_s, bound_ms, report, settle), lines


def synthesis_ab(a: argparse.Namespace) -> None:
    rates = [float(x) for x in a.ab_rates.split(",")]
    held: dict[str, list[float]] = {"on": [], "off": []}
    cpu: dict[str, list[float]] = {"on": [], "off": []}
    t = Table("trial", "arm", "CPU ms per report (all processes)", "sustained /s",
              title="pipeline cost, synthesis on and off")
    for trial in range(a.trials):
        arms = ("on", "off") if trial % 2 == 0 else ("off", "on")
        for arm in arms:
            srv = RedisServer().start()
            svc = Service(srv.url, ACK_TIMEOUT_S="3600", SYNTHESIS=arm).start_all()
            try:
                wait_until(lambda svc=svc: httpx.get(svc.base + "/healthz").status_code == 200, 30)
                time.sleep(0.5)
                # CPU per report at a rate every arm holds: what capacity is made of, and
                # far steadier than a wall-clock ramp on a shared machine.
                pids = [p.pid for p in svc.procs.values()] + [srv.proc.pid]
                drain(svc)
                before = cpu_seconds(pids)
                run = asyncio.run(service_run(svc, a.consoles, a.cpu_rate, a.cpu_s))
                drain(svc)
                per = (cpu_seconds(pids) - before) * 1000 / max(1, len(run.sent))
                cpu[arm].append(per)
                out.print(f"synthesis {arm}: {len(run.sent)} reports at {a.cpu_rate:.0f}/s, "
                          f"{per:.2f} ms CPU per report across the service and Redis")
                rate, lines = sustained(
                    lambda r, d, svc=svc: asyncio.run(service_run(svc, a.consoles, r, d)),
                    rates, a.step_s, a.sustain_s, a.bound_ms, f"synthesis {arm}",
                    settle=lambda svc=svc: drain(svc))
                for line in lines:
                    out.print(line)
            finally:
                svc.stop()
                srv.cleanup()
            held[arm].append(rate)
            t.add_row(str(trial + 1), arm, f"{per:.2f}", f"{rate:.0f}")
    out.print(t)
    on, off = statistics.median(held["on"]), statistics.median(held["off"])
    con, coff = statistics.median(cpu["on"]), statistics.median(cpu["off"])
    out.print(f"[bold]median CPU per report: synthesis on {con:.2f} ms, off {coff:.2f} ms; "
              f"capacity on/off (CPU-bound) {coff / con:.3f}")
    out.print(f"[bold]median sustained rate: synthesis on {on:.0f}/s, off {off:.0f}/s, "
              f"on/off {on / off if off else float('nan'):.2f}")


def main() -> None:
    # a TERM (e.g. a CI time limit) still runs the clean-up below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=3)
    p.add_argument("--consoles", type=int, default=100)
    p.add_argument("--step-s", type=float, default=10)
    p.add_argument("--sustain-s", type=float, default=60)
    p.add_argument("--rates", default="10,25,50,100,150,200,300,500")
    p.add_argument("--bound-ms", type=float, default=250)
    p.add_argument("--synthesis-ab", action="store_true",
                   help="compare the sustained rate with synthesis on and off")
    p.add_argument("--ab-rates", default=",".join(str(r) for r in range(50, 141, 5)))
    p.add_argument("--cpu-rate", type=float, default=40, help="rate of the CPU-per-report run")
    p.add_argument("--cpu-s", type=float, default=30, help="length of the CPU-per-report run")
    a = p.parse_args()
    if a.synthesis_ab:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        synthesis_ab(a)
        return
    rates = [float(x) for x in a.rates.split(",")]

    srv = RedisServer().start()
    svc = Service(srv.url, ACK_TIMEOUT_S="3600").start_all()
    fport = free_port()
    floor = subprocess.Popen([sys.executable, str(ROOT / "bench" / "floor.py"), "--redis", srv.url,
                              "--port", str(fport)])
    try:
        wait_until(lambda: httpx.get(svc.base + "/healthz").status_code == 200, 30)
        time.sleep(0.5)
        out.print(f"[bold]e2e: {a.consoles} consoles on the command feed, {a.trials} alternating trials at 10/s")
        ratios50, ratios99, rows = [], [], []
        for trial in range(a.trials):
            s = summary(asyncio.run(service_run(svc, a.consoles, 10, a.step_s)))
            f = summary(asyncio.run(floor_run(srv.url, fport, a.consoles, 10, a.step_s)))
            ratios50.append(s["p50"] / f["p50"])
            ratios99.append(s["p99"] / f["p99"])
            rows.append((trial + 1, s, f))
        t = Table("trial", "service p50 ms", "service p99 ms", "floor p50 ms", "floor p99 ms",
                  "p50 ratio", "p99 ratio", "lost")
        for trial, s, f in rows:
            t.add_row(str(trial), f"{s['p50']:.1f}", f"{s['p99']:.1f}", f"{f['p50']:.2f}",
                      f"{f['p99']:.2f}", f"{s['p50'] / f['p50']:.2f}", f"{s['p99'] / f['p99']:.2f}",
                      str(int(s["lost"] + f["lost"])))
        out.print(t)
        out.print(f"median ratio at 10/s: p50 {statistics.median(ratios50):.2f}x, "
                  f"p99 {statistics.median(ratios99):.2f}x the floor")

        def highest(label: str, runner: Callable[[float, float], Run]) -> float:
            best, steps = ramp(runner, rates, a.step_s, a.bound_ms)
            t = Table("rate /s", "p50 ms", "p99 ms", "lost", title=f"{label}: rising rates ({a.step_s:.0f} s each)")
            for rate, s in steps:
                t.add_row(f"{rate:.0f}", f"{s['p50']:.1f}", f"{s['p99']:.1f}", str(int(s["lost"])))
            out.print(t)
            if not a.sustain_s:
                return 0.0

            def report(rate: float, s: dict[str, float], ok: bool) -> None:
                out.print(f"{label}: {rate:.0f}/s for {a.sustain_s:.0f} s → p50 {s['p50']:.1f} ms, "
                          f"p99 {s['p99']:.1f} ms, lost {int(s['lost'])} → {'sustained' if ok else 'NOT sustained'}")

            # Confirm for the full minute, stepping down until a rate holds.
            return hold(runner, rates, best, a.sustain_s, a.bound_ms, report)

        svc_best = highest("service", lambda r, d: asyncio.run(service_run(svc, a.consoles, r, d)))
        floor_best = highest("floor", lambda r, d: asyncio.run(floor_run(srv.url, fport, a.consoles, r, d)))
        out.print(f"[bold]highest sustained rate (p99 < {a.bound_ms:.0f} ms, nothing lost): "
                  f"service {svc_best:.0f}/s, floor {floor_best:.0f}/s, ratio "
                  f"{(svc_best / floor_best) if floor_best else float('nan'):.2f}")
    finally:
        floor.terminate()
        svc.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
