"""Real processes for the tests: a redis-server on a free loopback port, the API under
uvicorn, pipeline workers and the scheduler, each a subprocess we can kill."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
import redis

ROOT = Path(__file__).resolve().parent.parent
FACTOR = float(os.environ.get("TEST_TIMEOUT_FACTOR", "1"))
T = TypeVar("T")


def seconds(s: float) -> float:
    """A test timeout, scaled for slow machines."""
    return s * FACTOR


_points = itertools.count()


def fresh_point() -> dict[str, float]:
    """A WGS-84 point in urban Baotou ~2 km from every point handed out before it.

    Reports of one kind at one place are merged as duplicate calls, as they should be;
    tests that want separate incidents give each its own point. One grid for the whole
    session (98 points), so no two test modules can hand out the same place.
    """
    i = next(_points)
    return {"lat": 40.58 + 0.018 * (i % 7), "lon": 109.74 + 0.024 * (i // 7 % 14),
            "accuracy_m": 20}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(probe: Callable[[], T], timeout: float = 10.0, interval: float = 0.02,
               what: str = "condition") -> T:
    """Poll ``probe`` until it returns something truthy; fail after ``timeout`` (scaled)."""
    deadline = time.monotonic() + seconds(timeout)
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - probing a process that is starting
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}" + (f": {last_error!r}" if last_error else ""))


class RedisServer:
    """A throw-away redis-server with AOF ``appendfsync always`` in its own directory."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        self.binary = binary
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dispatch-redis-"))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--logfile", str(self.dir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url)
        wait_until(lambda: client.ping(), 10, what="redis-server to answer")
        client.close()
        return self

    def stop(self, hard: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            self.proc.wait(timeout=10)
        self.proc = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RedisNode:
    """One redis-server (a primary or a replica) or a Sentinel, with its own directory and
    port, that can be killed and started again on both (the old primary's comeback)."""

    def __init__(self, *args: str, sentinel_conf: str | None = None) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dispatch-ha-"))
        if sentinel_conf is not None:
            conf = self.dir / "sentinel.conf"
            conf.write_text(sentinel_conf, encoding="utf-8")
            binary = shutil.which("redis-sentinel")
            self.argv = [binary, str(conf)] if binary else [server, str(conf), "--sentinel"]
            self.argv += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir)]
        else:
            self.argv = [server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
                         str(self.dir), "--appendonly", "yes", "--appendfsync", "always",
                         "--save", "", *args]
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stdout=(self.dir / "log").open("ab"),
                                     stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port)
        wait_until(lambda: client.ping(), 10, what=f"redis on {self.port}")
        client.close()

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, decode_responses=True)

    def role(self) -> str:
        with self.client() as c:
            return str(c.info("replication")["role"])

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class HaCluster:
    """A primary, one replica and three Sentinels on loopback, with the settings that the
    failover figures are measured under (``down-after-milliseconds 1000``,
    ``failover-timeout 5000``, ``parallel-syncs 1``, quorum 2)."""

    MASTER = "dispatch"

    def __init__(self) -> None:
        self.primary = RedisNode()
        self.replica = RedisNode("--replicaof", "127.0.0.1", str(self.primary.port))
        wait_until(lambda: self.replica.client().info("replication")
                   .get("master_link_status") == "up", 10, what="the replica to sync")
        m = self.MASTER
        conf = (f"sentinel monitor {m} 127.0.0.1 {self.primary.port} 2\n"
                f"sentinel down-after-milliseconds {m} 1000\n"
                f"sentinel failover-timeout {m} 5000\n"
                f"sentinel parallel-syncs {m} 1\n")
        self.sentinels = [RedisNode(sentinel_conf=conf) for _ in range(3)]
        wait_until(lambda: all(s.client().sentinel_master(m)["num-other-sentinels"] == 2
                               for s in self.sentinels), 20,
                   what="the Sentinels to find each other")

    @property
    def env(self) -> dict[str, str]:
        """What the service needs to follow the primary through the Sentinels."""
        return {"REDIS_SENTINELS": ",".join(f"127.0.0.1:{s.port}" for s in self.sentinels),
                "REDIS_MASTER_NAME": self.MASTER}

    def primary_port(self) -> int:
        """The port of the primary the Sentinels name now."""
        _, port = self.sentinels[0].client().sentinel_get_master_addr_by_name(self.MASTER)
        return int(port)

    def cleanup(self) -> None:
        for node in (*self.sentinels, self.replica, self.primary):
            node.cleanup()


class Service:
    """The API, workers and scheduler as subprocesses on a given Redis."""

    def __init__(self, redis_url: str, namespace: str = "d", **env: str) -> None:
        self.port = free_port()
        self.var = Path(tempfile.mkdtemp(prefix="dispatch-var-"))
        self.env = {**os.environ, "REDIS_URL": redis_url, "REDIS_NAMESPACE": namespace,
                    "DISPATCH_VAR": str(self.var), "PYTHONUNBUFFERED": "1",
                    "DISPATCH_SECRET": "test-secret-not-for-production-0123456789", **env}
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}
        self.http = httpx.Client(timeout=10)  # keep-alive: a new connection costs ~50 ms

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def spawn(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = self.var / f"{name}.log"
        self.logs[name] = log
        proc = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=log.open("ab"),
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def start_api(self, name: str = "api", port: int | None = None) -> None:
        port = port or self.port
        self.spawn(name, [sys.executable, "-m", "uvicorn", "dispatch.app:create_app", "--factory",
                          "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"])
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
                   .status_code == 200, 30, what=f"{name} to serve")

    def start_worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        return self.spawn(name, [sys.executable, "-m", "dispatch", "worker"])

    def start_scheduler(self, name: str = "scheduler") -> subprocess.Popen[bytes]:
        return self.spawn(name, [sys.executable, "-m", "dispatch", "scheduler"])

    def start_reactors(self, name: str = "reactors") -> subprocess.Popen[bytes]:
        return self.spawn(name, [sys.executable, "-m", "dispatch", "reactors"])

    def start_all(self) -> Service:
        self.start_worker()
        self.start_scheduler()
        self.start_reactors()
        self.start_api()
        return self

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal one process group and reap it; a process that has not gone 10 s after a
        polite signal (an RQ worker finishing its job on a loaded machine) is killed."""
        proc = self.procs.pop(name)
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self) -> None:
        self.http.close()
        for name in list(self.procs):
            self.kill(name, signal.SIGTERM)
        shutil.rmtree(self.var, ignore_errors=True)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace") if name in self.logs else ""

    # -- auth and HTTP -----------------------------------------------------------------------

    def token(self, role: str = "command", precinct: str | None = None,
              name: str | None = None) -> str:
        from dispatch.auth import Role, issue

        return issue(self.env["DISPATCH_SECRET"], Role(role), precinct=precinct,
                     name=name or (None if precinct else f"test-{role}"))

    def headers(self, role: str = "command", precinct: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, precinct)}"}

    def ws_url(self, feed: str, role: str = "command", precinct: str | None = None,
               since: str | None = None) -> str:
        url = f"{self.ws_base}/v1/consoles/{feed}/ws?token={self.token(role, precinct)}"
        return url + (f"&since={since}" if since else "")

    def get(self, path: str, role: str = "command", precinct: str | None = None,
            **kw: Any) -> httpx.Response:
        url, headers = f"{self.base}{path}", self.headers(role, precinct)
        try:
            return self.http.get(url, headers=headers, **kw)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            # A pooled keep-alive connection the server closed just as it was reused
            # (uvicorn's keep-alive timeout): a GET is safe to send again, once.
            return self.http.get(url, headers=headers, **kw)

    def post(self, path: str, body: Any = None, role: str = "command",
             precinct: str | None = None, **kw: Any) -> httpx.Response:
        return self.http.post(f"{self.base}{path}", json=body,
                              headers=self.headers(role, precinct), **kw)

    def post_report(self, body: dict[str, Any], role: str = "call_taker",
                    **kw: Any) -> httpx.Response:
        return self.post("/v1/reports", body, role=role, **kw)

    def incident(self, incident_id: str) -> dict[str, Any]:
        r = self.get(f"/v1/incidents/{incident_id}")
        r.raise_for_status()
        return dict(r.json())

    def wait_status(self, incident_id: str, *statuses: str, timeout: float = 10) -> dict[str, Any]:
        def reached() -> dict[str, Any] | None:
            state = self.incident(incident_id)
            return state if state["status"] in statuses else None

        return wait_until(reached, timeout, what=f"{incident_id} to reach {statuses}")


def types(timeline: list[dict[str, Any]]) -> list[str]:
    return [e["type"] for e in timeline]


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)
