"""The service heals itself: a crashed child is started again while the others go on, and
every loop waits out a Redis restart — on real processes and a real redis-server."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dispatch import settings as settings_mod
from dispatch.auth import Role, issue
from dispatch.processes.supervisor import Supervisor
from tests.support import RedisServer, Service, free_port, seconds, wait_until

SECRET = "test-secret-not-for-production-0123456789"


@pytest.fixture
def supervised(own_redis: RedisServer, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Supervisor, str]]:
    port = free_port()
    env = {"REDIS_URL": own_redis.url, "REDIS_NAMESPACE": "heal", "PORT": str(port),
           "HOST": "127.0.0.1", "DISPATCH_VAR": str(tmp_path),
           "DISPATCH_SECRET": SECRET, "PIPELINE_WORKERS": "1"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    cfg = settings_mod.load()
    sup = Supervisor(cfg)
    try:
        sup.start()
        yield sup, f"http://{cfg.host}:{cfg.port}"
    finally:
        sup.stop()


def _post(base: str, text: str) -> httpx.Response:
    token = issue(SECRET, Role.call_taker, name="heal-test")
    return httpx.post(f"{base}/v1/reports", json={"channel": "call", "text": text,
                                                  "address": "昆区阿尔丁大街"},
                      headers={"Authorization": f"Bearer {token}"}, timeout=10)


def _status(base: str, incident_id: str) -> str:
    token = issue(SECRET, Role.command, name="heal-test")
    r = httpx.get(f"{base}/v1/incidents/{incident_id}",
                  headers={"Authorization": f"Bearer {token}"}, timeout=10)
    return str(r.json()["status"])


def _heal_until(sup: Supervisor, probe, timeout: float, what: str):  # type: ignore[no-untyped-def]
    def step():  # type: ignore[no-untyped-def]
        sup.check()
        return probe()
    return wait_until(step, timeout, interval=0.1, what=what)


def test_a_killed_worker_is_started_again_while_the_api_takes_reports(
        supervised: tuple[Supervisor, str]) -> None:
    sup, base = supervised
    before = sup.pids()
    os.killpg(before["worker-0"], signal.SIGKILL)
    killed_at = time.monotonic()
    r = _post(base, "有人在小区门口打架")  # the API does not go down with the worker
    assert r.status_code == 202, r.text
    incident_id = r.json()["id"]
    _heal_until(sup, lambda: sup.pids()["worker-0"] != before["worker-0"], seconds(10),
                "the worker to be started again")
    _heal_until(sup, lambda: _status(base, incident_id) != "received", seconds(30),
                "the report to be processed by the new worker")
    recovered = time.monotonic() - killed_at
    print(f"\nworker killed → report processed by its successor in {recovered:.2f} s")
    os.killpg(sup.pids()["rq-webhooks"], signal.SIGKILL)
    time.sleep(0.5)
    sup.check()
    assert _post(base, "楼下有人吵架").status_code == 202  # still up without the RQ worker
    assert all(c.proc.poll() is None or c.due is not None for c in sup.children)


def test_the_pipeline_rides_out_a_redis_restart(own_redis: RedisServer) -> None:
    svc = Service(own_redis.url, namespace="outage")
    svc.start_worker()
    svc.start_scheduler()
    svc.start_reactors()
    svc.start_api()
    try:
        first = svc.post_report({"channel": "call", "text": "有人在打架",
                                 "address": "昆区阿尔丁大街"})
        assert first.status_code == 202
        svc.wait_status(first.json()["id"], "assigned", "acknowledged", timeout=seconds(60))
        own_redis.stop()
        time.sleep(3.0)
        during = svc.post_report({"channel": "call", "text": "有人打架"})
        assert during.status_code == 503, during.text  # honest while Redis is away
        assert during.headers.get("retry-after")
        own_redis.start()  # same port, same AOF
        back = time.monotonic()
        def accepted() -> httpx.Response | None:
            x = svc.post_report({"channel": "call", "text": "东河区巴彦塔拉大街有人晕倒了，叫不醒",
                                 "address": "东河区巴彦塔拉大街"})
            return x if x.status_code == 202 else None

        r = wait_until(accepted, seconds(10), interval=0.1, what="intake to resume")
        intake_s = time.monotonic() - back
        svc.wait_status(r.json()["id"], "assigned", timeout=seconds(20))
        processed_s = time.monotonic() - back
        for name in ("worker", "scheduler", "reactors", "api"):
            assert svc.procs[name].poll() is None, f"{name} died in the outage:\n{svc.log(name)}"
        print(f"\nRedis back → intake {intake_s:.2f} s, a new report assigned {processed_s:.2f} s")
    finally:
        svc.stop()
