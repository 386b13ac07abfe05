"""``python -m dispatch run``: one command that starts and supervises every process.

Starts an embedded ``redis-server`` (unless ``REDIS_URL`` is set) with its data in
``var/redis/`` and AOF ``appendfsync always``, then the API under uvicorn, the pipeline
worker(s), an RQ worker and the deadline scheduler. Ctrl-C (or SIGTERM) stops them all,
newest first, and leaves no process behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import redis

from dispatch.settings import Settings

REDIS_READY_S = 15.0


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
    """Starts the service's processes and stops them together."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        proc = subprocess.Popen(argv, env=env, start_new_session=True)
        self.children.append((name, proc))

    def start(self) -> str:
        s = self.settings
        env = dict(os.environ)
        url = s.redis_url
        if url is None:
            data = s.var_dir / "redis"
            data.mkdir(parents=True, exist_ok=True)
            self.spawn("redis", redis_command(s.redis_port, data), env)
            url = f"redis://127.0.0.1:{s.redis_port}/0"
        env["REDIS_URL"] = url
        wait_for_redis(url)
        py = sys.executable
        self.spawn("api", [py, "-m", "uvicorn", "dispatch.app:create_app", "--factory",
                           "--host", s.host, "--port", str(s.port), "--ws-ping-interval", "20",
                           "--log-level", "warning"], env)
        for i in range(s.workers):
            self.spawn(f"worker-{i}", [py, "-m", "dispatch", "worker"], env)
        self.spawn("rq-worker", [py, "-m", "dispatch", "rq-worker"], env)
        self.spawn("scheduler", [py, "-m", "dispatch", "scheduler"], env)
        self.spawn("reactors", [py, "-m", "dispatch", "reactors"], env)
        self.wait_for_api(f"http://{s.host}:{s.port}/openapi.json")
        return url

    def wait_for_api(self, url: str, timeout_s: float = 60.0) -> None:
        """Block until the API answers (or a child has died)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for name, proc in self.children:
                if proc.poll() is not None:
                    raise SystemExit(f"{name} exited with {proc.returncode} while starting")
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"the API did not answer at {url} within {timeout_s:.0f} s")

    def watch(self) -> int:
        """Wait until a child dies or we are told to stop; returns the exit code."""
        stopping = False

        def on_signal(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        while not stopping:
            for name, proc in self.children:
                if proc.poll() is not None:
                    print(f"{name} exited with {proc.returncode}; stopping everything",
                          file=sys.stderr)
                    self.stop()
                    return 1
            time.sleep(0.2)
        self.stop()
        return 0

    def stop(self, grace_s: float = 10.0) -> None:
        """Stop every child, newest first: TERM, then KILL after ``grace_s``."""
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + grace_s
        for _name, proc in reversed(self.children):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        self.children.clear()
