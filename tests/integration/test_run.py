"""``python -m dispatch run``: one command starts everything, Ctrl-C stops everything."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

from tests.support import ROOT, free_port, seconds, wait_until


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.slow
def test_run_serves_a_report_to_a_console_and_ctrl_c_leaves_nothing_behind() -> None:
    var = tempfile.mkdtemp(prefix="dispatch-run-")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(PORT=str(port), REDIS_PORT=str(free_port()), DISPATCH_VAR=var,
               DISPATCH_SECRET="run-test-secret-0123456789abcdefghijkl", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "dispatch", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        banner = []
        for line in proc.stdout:  # type: ignore[union-attr]
            banner.append(line)
            if line.startswith("  command "):
                break
        text = "".join(banner)
        assert f"{base}/docs" in text and "AOF" in text, text
        wait_until(lambda: httpx.get(f"{base}/healthz").json()["ok"], 30, what="healthz ok")
        assert (Path(var) / "redis").is_dir()

        def token(*args: str) -> str:
            return subprocess.run([sys.executable, "-m", "dispatch", "token", *args], cwd=ROOT,
                                  env=env, capture_output=True, text=True, check=True).stdout.strip()

        command = token("--role", "command")
        with connect(f"ws://127.0.0.1:{port}/v1/consoles/command/ws?token={command}") as ws:
            assert json.loads(ws.recv(timeout=seconds(5)))["type"] == "hello"
            r = httpx.post(f"{base}/v1/reports", json={"channel": "call", "text": "小区门口有人打架"},
                           headers={"Authorization": f"Bearer {token('--role', 'call_taker')}"})
            assert r.status_code == 202, r.text
            while True:
                m = json.loads(ws.recv(timeout=seconds(5)))
                if m["type"] == "incident.assigned" and m["incident_id"] == r.json()["id"]:
                    break
        family = descendants(proc.pid)
        assert len(family) >= 5, "redis, api, worker, rq worker, scheduler"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=seconds(30)) == 0
        wait_until(lambda: not any(alive(p) for p in family), 10, what="every child to exit")
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in descendants(proc.pid):
            os.kill(pid, signal.SIGKILL)
