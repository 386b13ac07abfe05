"""Never down: a primary, a replica and three Sentinels (real redis-server processes on
loopback), the whole service following the primary through Sentinel. SIGKILL the primary
under a steady stream of reports: every report that got its 202 is on the promoted
replica and processed once, and a client that retries its 503s with the same
``source_id`` ends with one incident per report."""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.support import Service, free_port, seconds, wait_until

MASTER = "dispatch"


class Node:
    """One redis-server (primary or replica) or Sentinel, with its own directory."""

    def __init__(self, *args: str, sentinel: bool = False) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dispatch-ha-"))
        binary = shutil.which("redis-sentinel") if sentinel else None
        server = shutil.which("redis-server")
        assert server, "redis-server is not installed (make test installs it)"
        if sentinel:
            conf = self.dir / "sentinel.conf"
            conf.write_text(args[0], encoding="utf-8")
            argv = [binary, str(conf)] if binary else [server, str(conf), "--sentinel"]
            argv += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        else:
            argv = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                    str(self.dir), "--appendonly", "yes", "--appendfsync", "always",
                    "--save", "", *args]
        self.proc = subprocess.Popen(argv, stdout=(self.dir / "log").open("ab"),
                                     stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port)
        wait_until(lambda: client.ping(), 10, what=f"redis on {self.port}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster() -> Iterator[tuple[Node, Node, list[Node]]]:
    primary = Node()
    replica = Node("--replicaof", "127.0.0.1", str(primary.port))
    wait_until(lambda: redis.Redis(port=replica.port).info("replication")
               .get("master_link_status") == "up", 10, what="the replica to sync")
    conf = (f"sentinel monitor {MASTER} 127.0.0.1 {primary.port} 2\n"
            f"sentinel down-after-milliseconds {MASTER} 1000\n"
            f"sentinel failover-timeout {MASTER} 5000\n"
            f"sentinel parallel-syncs {MASTER} 1\n")
    sentinels = [Node(conf, sentinel=True) for _ in range(3)]
    wait_until(lambda: all(redis.Redis(port=s.port).sentinel_master(MASTER)["num-other-sentinels"]
                           == 2 for s in sentinels), 20, what="the Sentinels to find each other")
    yield primary, replica, sentinels
    for node in (*sentinels, replica, primary):
        node.cleanup()


def test_nothing_accepted_is_lost_when_the_primary_dies(
        cluster: tuple[Node, Node, list[Node]]) -> None:
    primary, replica, sentinels = cluster
    env = {"REDIS_SENTINELS": ",".join(f"127.0.0.1:{s.port}" for s in sentinels),
           "REDIS_MASTER_NAME": MASTER, "REDIS_WAIT_REPLICAS": "1", "REDIS_WAIT_MS": "300"}
    svc = Service("redis://unused:1/0", namespace="ha", **env)
    svc.env.pop("REDIS_URL")
    svc.start_worker()
    svc.start_api()
    accepted: dict[str, str] = {}  # source_id -> incident id
    statuses: list[int] = []
    stop = threading.Event()
    first_after_kill: list[float] = []
    killed_at: list[float] = []

    def client() -> None:
        n = 0
        http = httpx.Client(timeout=5)
        token = svc.token("call_taker")
        while not stop.is_set():
            n += 1
            source = f"ha-{n:05d}"
            body = {"channel": "call", "text": f"第{n}号：小区门口两人吵架", "source_id": source,
                    "address": "昆区阿尔丁大街"}
            for _ in range(60):  # a client retries its 503s with the same source_id
                try:
                    r = http.post(f"{svc.base}/v1/reports", json=body,
                                  headers={"Authorization": f"Bearer {token}"})
                except httpx.HTTPError:
                    time.sleep(0.2)
                    continue
                statuses.append(r.status_code)
                if r.status_code in (200, 202):
                    accepted[source] = r.json()["id"]
                    if killed_at and not first_after_kill:
                        first_after_kill.append(time.monotonic())
                    break
                time.sleep(0.2)
            time.sleep(0.05)
        http.close()

    sender = threading.Thread(target=client, daemon=True)
    try:
        sender.start()
        wait_until(lambda: len(accepted) >= 20, seconds(30), what="reports before the kill")
        primary.kill()
        killed_at.append(time.monotonic())
        wait_until(lambda: first_after_kill, seconds(30), interval=0.1,
                   what="intake on the promoted replica")
        wait_until(lambda: len(accepted) >= 60, seconds(60), what="reports after the kill")
        stop.set()
        sender.join(timeout=30)
        new_primary = redis.Redis(port=replica.port, decode_responses=True)
        assert new_primary.info("replication")["role"] == "master"
        for source, incident_id in accepted.items():
            assert new_primary.exists(f"ha:inc:{incident_id}"), f"{source} lost"
        ids = set(accepted.values())
        assert len(ids) == len(accepted)  # one incident per report, retries included
        wait_until(lambda: all(svc.incident(i)["status"] != "received" for i in ids),
                   seconds(60), what="every accepted report to be processed")
        promotion = first_after_kill[0] - killed_at[0]
        assert not [s for s in statuses if s >= 500 and s != 503], statuses
        print(f"\nprimary killed → first 202 on the new primary {promotion:.1f} s; "
              f"{len(accepted)} accepted, 0 lost, "
              f"{statuses.count(503)} honest 503s retried with the same source_id")
    finally:
        stop.set()
        svc.stop()
