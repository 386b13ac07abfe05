"""``python -m dispatch run``: one command that starts and supervises every process.

Starts an embedded ``redis-server`` (unless ``REDIS_URL`` is set) with its data in
``var/redis/`` and AOF ``appendfsync always``, then the API under uvicorn, the pipeline
worker(s), an RQ worker, the deadline scheduler and the workflow reactors.

A child that exits is started again with capped backoff (0.5 s doubling to 10 s, reset
once it has stayed up for a minute) while the others go on: the API keeps taking reports
while a worker restarts, and the workers wait out Redis (:mod:`dispatch.adapters.ride_out`)
while Redis restarts. Children are told to die with the supervisor (``PR_SET_PDEATHSIG``)
and are always signalled by process group. Ctrl-C (or SIGTERM), at any moment, stops the
clients first and Redis last, and leaves no process behind.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from dispatch.settings import Settings

REDIS_READY_S = 15.0
RESTART_MIN_S = 0.5
RESTART_MAX_S = 10.0
STABLE_S = 60.0  # up this long: the next crash starts the backoff afresh
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the supervisor dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the process group still reaches it
        pass


@dataclass(slots=True)
class Child:
    """One supervised process and how to start it again."""

    name: str
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    started: float = field(default_factory=time.monotonic)
    restarts: int = 0
    backoff: float = RESTART_MIN_S
    due: float | None = None  # when a crashed child is started again


def redis_command(port: int, data_dir: Path) -> list[str]:
    """The command line of the embedded Redis (AOF, fsync on every write, loopback only)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed: run `make run` (it installs it) "
                         "or set REDIS_URL to a running server")
    return [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--protected-mode", "yes", "--daemonize", "no", "--logfile", ""]


def wait_for_redis(url: str, timeout_s: float = REDIS_READY_S) -> None:
    """Block until Redis answers PING (and has loaded its AOF)."""
    deadline = time.monotonic() + timeout_s
    client = redis.Redis.from_url(url)
    while True:
        try:
            if client.ping():
                return
        except (redis.ConnectionError, redis.BusyLoadingError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"Redis at {url} did not answer within {timeout_s:.0f} s")
        time.sleep(0.05)


class Supervisor:
    """Starts the service's processes, restarts the ones that crash, stops them together."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.children: list[Child] = []
        self.stopping = False

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.children.append(Child(name, argv, env, self._popen(argv, env)))

    @staticmethod
    def _popen(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(argv, env=env, start_new_session=True,
                                preexec_fn=_die_with_parent)  # noqa: PLW1509 (no threads yet)

    def install_signals(self) -> None:
        """From now on Ctrl-C and SIGTERM only ask to stop (no KeyboardInterrupt mid-start)."""
        def on_signal(_signum: int, _frame: object) -> None:
            self.stopping = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)

    def start(self, ha: bool = False) -> str:
        s = self.settings
        env = dict(os.environ)
        url = s.redis_url
        if ha:
            return self._start_ha(env)
        if url is None:
            data = s.var_dir / "redis"
            data.mkdir(parents=True, exist_ok=True)
            self.spawn("redis", redis_command(s.redis_port, data), env)
            url = f"redis://127.0.0.1:{s.redis_port}/0"
        env["REDIS_URL"] = url
        wait_for_redis(url)
        self._start_service(env)
        return url

    def _start_service(self, env: dict[str, str]) -> None:
        s = self.settings
        py = sys.executable
        self.spawn("api", [py, "-m", "uvicorn", "dispatch.app:create_app", "--factory",
                           "--host", s.host, "--port", str(s.port), "--ws-ping-interval", "20",
                           "--log-level", "warning"], env)
        for i in range(s.workers):
            self.spawn(f"worker-{i}", [py, "-m", "dispatch", "worker"], env)
        # One RQ worker per queue kind: a simulation never holds up a hand-off webhook.
        self.spawn("rq-webhooks", [py, "-m", "dispatch", "rq-worker", "--queues", "webhooks"],
                   env)
        self.spawn("rq-simulations",
                   [py, "-m", "dispatch", "rq-worker", "--queues", "simulations"], env)
        self.spawn("scheduler", [py, "-m", "dispatch", "scheduler"], env)
        self.spawn("reactors", [py, "-m", "dispatch", "reactors"], env)
        # Ready when /healthz is: the API answers, a pipeline worker and a deadline
        # scheduler have beaten (not merely when the API is up; issue 17).
        self.wait_for_api(f"http://{s.host}:{s.port}/healthz")



    def _start_ha(self, env: dict[str, str]) -> str:
        """``run --ha``: a local primary, one replica and three Sentinels (ports from
        ``REDIS_PORT`` up), and the service following the primary through them — for
        trying a failover on one machine (kill the primary: the replica takes over)."""
        s = self.settings
        base = s.redis_port
        root = s.var_dir / "redis-ha"
        nodes = []
        for i, role in enumerate(("primary", "replica")):
            data = root / role
            data.mkdir(parents=True, exist_ok=True)
            argv = redis_command(base + i, data)
            if role == "replica":
                argv += ["--replicaof", "127.0.0.1", str(base)]
            self.spawn(f"redis-{role}", argv, env)
            nodes.append(base + i)
        wait_for_redis(f"redis://127.0.0.1:{base}/0")
        binary = shutil.which("redis-server") or "redis-server"
        sentinels = []
        for i in range(3):
            port = base + 10 + i
            data = root / f"sentinel-{i}"
            data.mkdir(parents=True, exist_ok=True)
            conf = data / "sentinel.conf"
            conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {data}\n"
                            f"sentinel monitor {s.redis_master_name} 127.0.0.1 {base} 2\n"
                            f"sentinel down-after-milliseconds {s.redis_master_name} 1000\n"
                            f"sentinel failover-timeout {s.redis_master_name} 5000\n"
                            f"sentinel parallel-syncs {s.redis_master_name} 1\n",
                            encoding="utf-8")
            self.spawn(f"sentinel-{i}", [binary, str(conf), "--sentinel"], env)
            sentinels.append(f"127.0.0.1:{port}")
        env.pop("REDIS_URL", None)
        env["REDIS_SENTINELS"] = ",".join(sentinels)
        env["REDIS_MASTER_NAME"] = s.redis_master_name
        self._start_service(env)
        return f"sentinel {env['REDIS_SENTINELS']} (primary :{nodes[0]}, replica :{nodes[1]})"

    def wait_for_api(self, url: str, timeout_s: float = 60.0) -> None:
        """Block until ``url`` answers 200 (or a child has died)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.stopping:
                raise SystemExit("stopped while starting")
            for child in self.children:
                if child.proc.poll() is not None:
                    raise SystemExit(f"{child.name} exited with {child.proc.returncode} "
                                     "while starting")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the API did not answer at {url} within {timeout_s:.0f} s")

    def watch(self) -> int:
        """Keep every child running until told to stop; returns the exit code."""
        self.install_signals()
        while not self.stopping:
            self.check()
            time.sleep(0.2)
        self.stop()
        return 0

    def check(self, now: float | None = None) -> None:
        """Start again every child that has exited, once its backoff has passed."""
        now = time.monotonic() if now is None else now
        for child in self.children:
            if child.proc.poll() is None:
                if child.due is None and now - child.started >= STABLE_S:
                    child.backoff = RESTART_MIN_S
                continue
            if child.due is None:
                child.due = now + child.backoff
                print(f"{child.name} exited with {child.proc.returncode}; starting it again "
                      f"in {child.backoff:.1f} s", file=sys.stderr, flush=True)
                continue
            if now >= child.due:
                child.proc = self._popen(child.argv, child.env)
                child.started, child.due = now, None
                child.restarts += 1
                child.backoff = min(child.backoff * 2, RESTART_MAX_S)

    def stop(self, grace_s: float = 10.0) -> None:
        """Stop every child: the clients first (newest first), Redis last; TERM to each
        process group, then KILL after ``grace_s``."""
        clients = [c for c in reversed(self.children) if not c.name.startswith(("redis", "sentinel"))]
        servers = [c for c in reversed(self.children) if c.name.startswith(("redis", "sentinel"))]
        for group in (clients, servers):
            for child in group:
                if child.proc.poll() is None:
                    try:
                        os.killpg(child.proc.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            deadline = time.monotonic() + grace_s
            for child in group:
                try:
                    child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(child.proc.pid, signal.SIGKILL)
                    child.proc.wait()
        self.children.clear()

    def pids(self) -> dict[str, int]:
        """Each child's current process id (tests and operators)."""
        return {c.name: c.proc.pid for c in self.children}
