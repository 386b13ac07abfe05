"""A report the pipeline cannot process is retried, then put before a human: never lost."""

from __future__ import annotations

from typing import Any

from dispatch import stages
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import SystemClock
from dispatch.processes.worker import GROUP, MAX_ATTEMPTS, PipelineWorker
from tests.support import RedisServer


def broken_triage(text: str, channel: str) -> dict[str, Any]:
    raise RuntimeError("model file unreadable")


def test_a_poison_report_is_retried_then_dead_lettered_to_the_command_feed(
        own_redis: RedisServer) -> None:
    client = own_redis.client()
    store = RedisStore(client, Keys("t"))
    clock = SystemClock()
    incident_id, _, _ = store.intake({"channel": "call", "text": "有人打架"}, clock.now())
    worker = PipelineWorker(store, broken_triage, stages.locate, clock, {"P1": 30.0},
                            claim_idle_ms=0)
    worker.ensure_group()
    worker.step()  # first delivery fails; the entry stays pending
    assert client.xpending("t:reports", GROUP)["pending"] == 1
    assert store.load(incident_id).status.value == "received"
    for _ in range(MAX_ATTEMPTS):
        worker.reclaim()  # redelivered until the limit
    assert client.xpending("t:reports", GROUP)["pending"] == 0
    assert store.load(incident_id).status.value == "failed"
    assert client.xlen("t:reports:dead") == 1
    feed = [f for _, f in client.xrange("t:feed:command")]
    assert feed[-1]["type"] == "incident.processing_failed"
    assert "model file unreadable" in feed[-1]["data"]
    assert int(client.hget("t:metrics", "job_failures")) == MAX_ATTEMPTS
    # Once the stage works again the incident can be processed by hand: nothing was lost.
    healthy = PipelineWorker(store, stages.classify, stages.locate, clock, {"P1": 30.0})
    assert healthy.step() == 0


def test_dead_consumers_leave_the_group_but_not_with_entries_pending(
        own_redis: RedisServer) -> None:
    import time

    client = own_redis.client()
    store = RedisStore(client, Keys("g"))
    clock = SystemClock()
    worker = PipelineWorker(store, stages.classify, stages.locate, clock, {"P1": 30.0})
    worker.ensure_group()
    # Two consumers of crashed workers: one read nothing, one died holding a report.
    client.xgroup_createconsumer("g:reports", GROUP, "gone-idle")
    store.intake({"channel": "call", "text": "有人打架"}, clock.now())
    client.xreadgroup(GROUP, "gone-holding", {"g:reports": ">"}, count=1)
    time.sleep(0.2)
    assert worker.forget_dead_consumers(idle_ms=100) == ["gone-idle"]
    names = {c["name"] for c in client.xinfo_consumers("g:reports", GROUP)}
    assert "gone-holding" in names and "gone-idle" not in names
    assert client.xpending("g:reports", GROUP)["pending"] == 1  # the report is kept
