"""How fast can a job hop run? RQ (forking Worker, SimpleWorker) against a Redis Streams
consumer group, on the same Redis (AOF always), same no-op job, measured in one run.

This is the measurement behind the pipeline's choice of a consumer group (see
dispatch/processes/worker.py). Usage: python bench/jobqueue.py [--jobs 300]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import redis
from rich.console import Console
from rich.table import Table
from rq import Queue, SimpleWorker, Worker
from rq.serializers import JSONSerializer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from jobs import touch

from tests.support import RedisServer


def rq_rate(url: str, n: int, worker_cls: type[Worker]) -> float:
    conn = redis.Redis.from_url(url)
    conn.flushall()
    q = Queue("bench", connection=conn, serializer=JSONSerializer)
    for i in range(n):
        q.enqueue(touch, url, str(i))
    t0 = time.perf_counter()
    worker_cls([q], connection=conn, serializer=JSONSerializer).work(burst=True, logging_level="ERROR")
    elapsed = time.perf_counter() - t0
    assert conn.hlen("bench:done") == n
    return n / elapsed


def group_rate(url: str, n: int, batch: int) -> float:
    conn = redis.Redis.from_url(url, decode_responses=True)
    conn.flushall()
    conn.xgroup_create("bench:s", "g", id="0", mkstream=True)
    pipe = conn.pipeline(transaction=False)
    for i in range(n):
        pipe.xadd("bench:s", {"k": str(i)})
    pipe.execute()
    t0 = time.perf_counter()
    done = 0
    while done < n:
        for _s, entries in conn.xreadgroup("g", "c", {"bench:s": ">"}, count=batch) or []:
            for entry_id, fields in entries:
                # the same write as the RQ job, plus the XACK, atomically
                p = conn.pipeline(transaction=True)
                p.hset("bench:done", fields["k"], 1)
                p.xack("bench:s", "g", entry_id)
                p.execute()
                done += 1
    elapsed = time.perf_counter() - t0
    assert conn.hlen("bench:done") == n
    return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--jobs", type=int, default=300)
    a = ap.parse_args()
    srv = RedisServer().start()
    try:
        rows = [("RQ Worker (fork per job)", rq_rate(srv.url, a.jobs, Worker)),
                ("RQ SimpleWorker", rq_rate(srv.url, a.jobs, SimpleWorker)),
                ("consumer group, batch 64", group_rate(srv.url, a.jobs, 64)),
                ("consumer group, batch 1", group_rate(srv.url, a.jobs, 1))]
        baseline = rows[1][1]  # RQ SimpleWorker, the fastest RQ option
        t = Table("queue", "jobs/s", "× RQ SimpleWorker (same run)",
                  title=f"{a.jobs} no-op jobs, Redis AOF always")
        for name, rate in rows:
            t.add_row(name, f"{rate:,.0f}", f"{rate / baseline:.1f}")
        Console().print(t)
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
