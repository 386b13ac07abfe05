"""Fan-out to many consoles, against the bare websockets broadcast floor.

Starts Redis and the service (unless told otherwise), connects ``--consoles`` websocket
clients to the command feed, posts reports at ``--rate`` per second and measures, for the
*last* console to receive each report's ``incident.assigned``, the delay from the POST
(delivery p50/p99), the messages per second delivered, and the API process's memory per
connected console. The floor does the same through ``bench/floor.py`` (one XADD →
XREAD → ``broadcast()``), alternating trials. Then one console stops reading for
``--stall-s`` seconds: the others' p99 is compared with the run without it, and the
stalled console must be dropped (close 4008) and, reconnecting with ``since``, get every
message it missed.

Usage: python bench/fanout.py [--consoles 500] [--rate 10] [--seconds 15] [--trials 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def run_trial(urls: list[str], fire, n: int, rate: float, key_of,  # type: ignore[no-untyped-def]
                    stall: int | None = None, stall_s: float = 0) -> dict[str, object]:
    conns = [await connect(u, max_size=2**22, open_timeout=60, max_queue=16, compression=None)
             for u in urls]
    got: list[dict[str, float]] = [{} for _ in conns]
    last_id: list[str | None] = [None for _ in conns]
    closed: dict[int, int | None] = {}
    sent: dict[str, float] = {}

    async def reader(i: int, ws) -> None:  # type: ignore[no-untyped-def]
        with contextlib.suppress(Exception):  # a dropped console ends here
            async for raw in ws:
                now = time.perf_counter()
                m = json.loads(raw)
                if m.get("event_id"):
                    last_id[i] = m["event_id"]
                k = key_of(m)
                if k:
                    got[i].setdefault(k, now)
                if i == stall and stall_s and len(got[i]) == 1:
                    await asyncio.sleep(stall_s)  # stop reading: the socket backs up
        closed[i] = ws.close_code

    readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(conns)]
    await asyncio.sleep(1.0)
    t0 = time.perf_counter()
    tasks = []
    for j in range(n):
        delay = t0 + j / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(fire(j, sent)))
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 15
    others = [i for i in range(len(conns)) if i != stall]
    while time.perf_counter() < deadline and not all(len(got[i]) >= len(sent) for i in others):
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - t0
    for t in readers:
        t.cancel()
    for ws in conns:
        await ws.close()
    last = []
    for k, at in sent.items():
        arrivals = [got[i][k] for i in others if k in got[i]]
        if len(arrivals) == len(others):
            last.append((max(arrivals) - at) * 1000)
    lost = sum(len(set(sent) - set(got[i])) for i in others)
    delivered = sum(len(got[i]) for i in others)
    return {"p50": pct(last, 0.5), "p99": pct(last, 0.99), "lost": lost,
            "msgs_per_s": delivered / elapsed, "stalled_close": closed.get(stall) if stall is not None else None,
            "stalled_last_id": last_id[stall] if stall is not None else None,
            "stalled_got": set(got[stall]) if stall is not None else set(), "sent": sent}


def main() -> None:
    # a TERM (e.g. a CI time limit) still runs the clean-up below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--consoles", type=int, default=500)
    ap.add_argument("--rate", type=float, default=10)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--trials", type=int, default=3)
    ap.add_argument("--stall-s", type=float, default=30)
    a = ap.parse_args()
    n = int(a.rate * a.seconds)

    srv = RedisServer().start()
    svc = Service(srv.url, ACK_TIMEOUT_S="3600").start_all()
    fport = free_port()
    floor = subprocess.Popen([sys.executable, str(ROOT / "bench" / "floor.py"), "--redis", srv.url,
                              "--port", str(fport)])
    point = iter(range(10**6))
    clients: dict[str, Any] = {}  # made inside each trial's event loop

    def http() -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if clients.get("http_loop") is not loop:
            clients["http"] = httpx.AsyncClient(base_url=svc.base, timeout=30,
                                                headers=svc.headers("call_taker"))
            clients["http_loop"] = loop
        return clients["http"]  # type: ignore[no-any-return]

    def redis_client() -> aioredis.Redis:
        loop = asyncio.get_running_loop()
        if clients.get("redis_loop") is not loop:
            clients["redis"] = aioredis.Redis.from_url(srv.url, decode_responses=True,
                                                       max_connections=5000)
            clients["redis_loop"] = loop
        return clients["redis"]  # type: ignore[no-any-return]

    async def fire_service(j: int, sent: dict[str, float]) -> None:
        i = next(point)
        t = time.perf_counter()
        resp = await http().post("/v1/reports", json={
            "channel": "call", "text": TEXTS[j % len(TEXTS)],
            "location": {"lat": 40.56 + 0.02 * (i % 8), "lon": 109.70 + 0.025 * (i // 8 % 16)}})
        sent[resp.json()["id"]] = t

    async def fire_floor(j: int, sent: dict[str, float]) -> None:
        key = f"m{time.perf_counter_ns()}-{j}"
        sent[key] = time.perf_counter()
        await redis_client().xadd("floor:feed", {"m": json.dumps({"type": "incident.assigned", "k": key,
                                                     "pad": "x" * 900})})

    def svc_key(m: dict) -> str | None:
        kinds = ("incident.assigned", "incident.merged")
        return m.get("incident_id") if m.get("type") in kinds else None

    try:
        wait_until(lambda: httpx.get(svc.base + "/healthz").status_code == 200, 30)
        svc_urls = [svc.ws_url("command")] * a.consoles
        floor_urls = [f"ws://127.0.0.1:{fport}"] * a.consoles
        rows, ratios = [], []
        api_pid = svc.procs["api"].pid
        for trial in range(a.trials):
            s = asyncio.run(run_trial(svc_urls, fire_service, n, a.rate, svc_key))
            f = asyncio.run(run_trial(floor_urls, fire_floor, n, a.rate, lambda m: m.get("k")))
            rows.append((trial + 1, s, f))
            ratios.append(s["p99"] / f["p99"])  # type: ignore[operator]
        t = Table("trial", "service last-console p50 ms", "p99 ms", "msgs/s", "floor p50 ms",
                  "floor p99 ms", "floor msgs/s", "p99 ratio", "lost",
                  title=f"{a.consoles} consoles on the command feed, {a.rate:.0f} reports/s, {a.seconds:.0f} s")
        for trial, s, f in rows:
            t.add_row(str(trial), f"{s['p50']:.1f}", f"{s['p99']:.1f}", f"{s['msgs_per_s']:.0f}",
                      f"{f['p50']:.1f}", f"{f['p99']:.1f}", f"{f['msgs_per_s']:.0f}",
                      f"{s['p99'] / f['p99']:.2f}", str(s["lost"]))  # type: ignore[operator]
        out.print(t)
        out.print(f"median p99 ratio (service / floor): {statistics.median(ratios):.2f}")

        async def memory() -> float:
            base = rss_kib(api_pid)
            conns = [await connect(u, open_timeout=60) for u in svc_urls]
            await asyncio.sleep(2)
            used = rss_kib(api_pid) - base
            for ws in conns:
                await ws.close()
            return used / len(conns)

        out.print(f"API process memory per connected console: {asyncio.run(memory()):.1f} KiB")

        base = asyncio.run(run_trial(svc_urls, fire_service, n, a.rate, svc_key))
        stall_n = int(a.rate * (a.stall_s + 10))
        slow = asyncio.run(run_trial(svc_urls, fire_service, stall_n, a.rate, svc_key, stall=0,
                                     stall_s=a.stall_s))
        out.print(f"one console stalls {a.stall_s:.0f} s: others' p99 {slow['p99']:.1f} ms vs "
                  f"{base['p99']:.1f} ms without ({slow['p99'] / base['p99']:.2f}x); "  # type: ignore[operator]
                  f"stalled console closed with {slow['stalled_close']}")

        async def resume() -> int:
            url = svc.ws_url("command", since=str(slow["stalled_last_id"]))
            seen: set[str] = set(slow["stalled_got"])  # type: ignore[arg-type]
            async with connect(url, max_size=2**22) as ws:
                try:
                    while True:
                        m = json.loads(await asyncio.wait_for(ws.recv(), 3))
                        if svc_key(m):
                            seen.add(svc_key(m))  # type: ignore[arg-type]
                except TimeoutError:
                    pass
            return len(set(slow["sent"]) - seen)  # type: ignore[arg-type]

        out.print(f"after reconnecting with since: missing {asyncio.run(resume())} of "
                  f"{len(slow['sent'])} reports")  # type: ignore[arg-type]
    finally:
        floor.terminate()
        svc.stop()
        srv.cleanup()


if __name__ == "__main__":
    main()
