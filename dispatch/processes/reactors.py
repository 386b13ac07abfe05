"""Reactors: workflows that follow the event stream (missing persons, forum, hand-offs).

Each reactor is its own Redis consumer group on the global ``events`` stream, which
carries every event of every incident (each entry with the incident's summary). A reactor therefore sees each event at least once, resumes where
it stopped after a crash (pending entries are reclaimed), and never slows the pipeline
that assigns incidents. Reactors must be idempotent: an entry may be delivered twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import redis

from dispatch.adapters import heartbeats, replies
from dispatch.adapters.redis_store import RedisStore, feed_message
from dispatch.adapters.ride_out import ride_out, until_done

log = logging.getLogger("dispatch.processes.reactors")

MAX_ATTEMPTS = 5


class Reactor(Protocol):
    """A workflow driven by feed events."""

    name: str

    def react(self, message: Mapping[str, Any]) -> None:
        """Handle one feed message (see ``feed_message``); raise to have it retried."""


class ReactorRunner:
    """Runs one reactor as a consumer group on the global events stream.

    Args:
        store: the incident store.
        reactor: the workflow.
        start_id: where a new group starts: ``$`` (only new events) or ``0`` (everything).
    """

    def __init__(self, store: RedisStore, reactor: Reactor, start_id: str = "$",
                 claim_idle_ms: int = 5000, consumer: str | None = None) -> None:
        self.store = store
        self.r = store.r
        self.reactor = reactor
        self.stream = store.keys.events
        self.group = f"reactor:{reactor.name}"
        self.start_id = start_id
        self.claim_idle_ms = claim_idle_ms
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        # The event types the reactor follows (None: all); others are acknowledged unread.
        self.types: frozenset[str] | None = getattr(reactor, "types", None)
        self._next_claim = 0.0
        self._failed: set[str] = set()

    def ensure_group(self) -> None:
        try:
            self.r.xgroup_create(self.stream, self.group, id=self.start_id, mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def step(self, block_ms: int = 0) -> int:
        """Handle new entries (and, at most once a second, reclaimed ones); returns how many.

        Entries of types the reactor does not follow are acknowledged unread; the rest are
        handed to the reactor; successes are acknowledged together, in one XACK.
        """
        batch: list[replies.Entry] = []
        if time.monotonic() >= self._next_claim:
            _next, claimed = replies.autoclaim(self.r.xautoclaim(
                self.stream, self.group, self.consumer, self.claim_idle_ms, "0-0", count=100))
            batch.extend(e for e in claimed if e[1])  # a trimmed entry comes back empty
            self._next_claim = time.monotonic() + 1.0
        for _stream, entries in replies.streams(self.r.xreadgroup(
                self.group, self.consumer, {self.stream: ">"}, count=100,
                block=block_ms or None)):
            batch.extend(entries)
        done = [entry_id for entry_id, fields in batch if self._handle(entry_id, fields)]
        if done:
            self.r.xack(self.stream, self.group, *done)
        return len(batch)

    def _handle(self, entry_id: str, fields: Mapping[str, str]) -> bool:
        """React to one entry; True when it is finished with (handled, skipped or dead)."""
        if self.types is not None and fields.get("type") not in self.types:
            return True
        attempts_key = f"{self.stream}:{self.group}:attempts"
        try:
            self.reactor.react(feed_message(entry_id, fields))
        except Exception:  # noqa: BLE001 - the job boundary: record, retry, then give up loudly
            attempts = int(self.r.hincrby(attempts_key, entry_id, 1))
            self._failed.add(entry_id)
            log.error("%s failed on %s (attempt %d):\n%s", self.group, entry_id, attempts,
                      traceback.format_exc())
            self.r.hincrby(self.store.keys.metrics, "job_failures", 1)
            if attempts < MAX_ATTEMPTS:
                return False
            self.r.xadd(f"{self.stream}:{self.group}:dead", {"entry_id": entry_id})
        if entry_id in self._failed:
            self._failed.discard(entry_id)
            self.r.hdel(attempts_key, entry_id)
        return True

    def run(self, stop: threading.Event, block_ms: int = 1000) -> None:
        """Handle events until ``stop`` is set, waiting out Redis outages."""
        until_done(self.ensure_group, stop, f"{self.group} start", log)
        ride_out(lambda: self.step(block_ms), stop, self.group, log, recover=self.ensure_group)


def run_all(store: RedisStore, reactors: Sequence[Reactor], stop: threading.Event) -> None:
    """Run every reactor in its own thread until ``stop`` is set."""
    threads = []
    for reactor in reactors:
        runner = ReactorRunner(store, reactor)
        t = threading.Thread(target=runner.run, args=(stop,), name=reactor.name, daemon=True)
        t.start()
        threads.append(t)

    def beat() -> None:
        heartbeats.beat(store.r, store.keys, "reactors", f"{socket.gethostname()}-{os.getpid()}")
        stop.wait(2)

    ride_out(beat, stop, "reactors heartbeat", log)
    for t in threads:
        t.join(timeout=5)
