"""The pipeline worker: a Redis Streams consumer group over the ``reports`` stream.

Why a consumer group rather than an RQ job per report: the accepted report *is* the queue
entry (one durable XADD answers the 202), a crashed worker's entries stay pending and are
reclaimed with XAUTOCLAIM, and the XACK commits in the same Lua transaction as the
incident's events, so a retried entry can never assign twice. Measured in
``bench/jobqueue.py``: see docs/benchmarks.md. RQ still runs the slow, external jobs
(webhooks, simulations).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Mapping

import redis

from dispatch import pipeline
from dispatch.adapters import heartbeats, replies
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.ride_out import ride_out, until_done
from dispatch.adapters.synthesis_store import SynthesisStore
from dispatch.clock import Clock
from dispatch.domain import duplicates
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident, Status
from dispatch.ports import Locator, Triager

log = logging.getLogger("dispatch.processes.worker")

GROUP = "pipeline"
DEAD_CONSUMER_IDLE_MS = 10 * 60 * 1000  # a live worker reads at least once a second
MAX_ATTEMPTS = 5  # then the report goes to the dead-letter stream and the command feed


class PipelineWorker:
    """Consumes accepted reports: triage, geo, assignment, in one atomic commit each.

    Args:
        store: the incident store.
        classify: the triage stage.
        locate: the geo stage.
        clock: the time source.
        ack_timeouts: seconds to acknowledge, by priority.
        name: this consumer's name in the group (unique per process).
        claim_idle_ms: how long another consumer's entry may sit unacknowledged before this
            one takes it over (the crashed-worker case).
        synthesize: run the synthesis stage (接警即合成) after triage and geo.
    """

    def __init__(self, store: RedisStore, classify: Triager, locate: Locator, clock: Clock,
                 ack_timeouts: Mapping[str, float | None], name: str | None = None,
                 claim_idle_ms: int = 3000, batch: int = 64, synthesize: bool = True) -> None:
        self.store = store
        self.r = store.r
        self.keys = store.keys
        self.classify = classify
        self.locate = locate
        self.clock = clock
        self.ack_timeouts = ack_timeouts
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.claim_idle_ms = claim_idle_ms
        self.batch = batch
        self.synthesis = SynthesisStore(store) if synthesize else None
        self.stages = pipeline.Stages(
            classify=lambda incident: self.classify(incident.text, incident.channel),
            locate=locate, neighbours=self._neighbours, ack_timeouts=ack_timeouts,
            synthesis=self.synthesis)

    def ensure_group(self) -> None:
        """Create the consumer group (and the stream) if they do not exist."""
        try:
            self.r.xgroup_create(self.keys.reports, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def beat(self) -> None:
        """Tell /healthz this worker is alive."""
        heartbeats.beat(self.r, self.keys, "worker", self.name)

    def run(self, stop: threading.Event, block_ms: int = 1000) -> None:
        """Process reports until ``stop`` is set.

        New entries are handled as they arrive; the heartbeat and the search for entries a
        crashed consumer left behind run at most once a second, off the hot path.
        """
        housekeeping = 0.0
        pruned = 0.0

        def turn() -> None:
            nonlocal housekeeping, pruned
            if time.monotonic() >= housekeeping:
                self.beat()
                self.reclaim()
                housekeeping = time.monotonic() + 1.0
            if time.monotonic() >= pruned:
                self.forget_dead_consumers()
                pruned = time.monotonic() + 60.0
            self.step(block_ms)

        # A Redis outage is waited out (capped backoff); the group comes back if Redis
        # returned empty. Unacknowledged entries stay pending and are handled again.
        until_done(self.ensure_group, stop, "worker start", log)
        ride_out(turn, stop, "pipeline worker", log, recover=self.ensure_group)

    def step(self, block_ms: int = 0) -> int:
        """Read and process one batch of new entries; returns how many were handled."""
        reply = replies.streams(self.r.xreadgroup(GROUP, self.name, {self.keys.reports: ">"},
                                                  count=self.batch, block=block_ms or None))
        handled = 0
        for _stream, entries in reply:
            for entry_id, fields in entries:
                self.handle(entry_id, fields)
                handled += 1
        return handled

    def reclaim(self) -> int:
        """Take over entries that another (crashed) consumer left pending; returns how many."""
        handled = 0
        start = "0-0"
        while True:
            next_start, entries = replies.autoclaim(self.r.xautoclaim(
                self.keys.reports, GROUP, self.name, self.claim_idle_ms, start, count=self.batch))
            for entry_id, fields in entries:
                if fields:  # a trimmed entry comes back empty
                    self.handle(entry_id, fields, self._deliveries(entry_id))
                    handled += 1
            if next_start in ("0-0", start) or not entries:
                return handled
            start = next_start

    def forget_dead_consumers(self, idle_ms: int | None = None) -> list[str]:
        """Remove consumers of the group that left nothing pending and have not read for
        :data:`DEAD_CONSUMER_IDLE_MS` (workers that crashed or were replaced: every
        restart names a new consumer). One with entries pending stays until
        :meth:`reclaim` has taken them over. Returns the names removed."""
        gone = []
        for consumer in self.r.xinfo_consumers(self.keys.reports, GROUP):
            name = str(consumer["name"])
            if name != self.name and int(consumer["pending"]) == 0 \
                    and int(consumer["idle"]) > (idle_ms or DEAD_CONSUMER_IDLE_MS):
                self.r.xgroup_delconsumer(self.keys.reports, GROUP, name)
                gone.append(name)
        if gone:
            log.info("removed %d dead consumer(s) from the group: %s", len(gone), gone)
        return gone

    def _deliveries(self, entry_id: str) -> int:
        """How many times the group has delivered this entry (a crash counts too)."""
        pending = self.r.xpending_range(self.keys.reports, GROUP, min=entry_id, max=entry_id,
                                        count=1)
        return int(pending[0]["times_delivered"]) if pending else 1

    def handle(self, entry_id: str, fields: Mapping[str, str], attempts: int = 1) -> None:
        """Process one report entry (its ``attempts``-th delivery).

        A failure is logged and counted and the entry stays pending: it is delivered again
        after ``claim_idle_ms``. On the ``MAX_ATTEMPTS``-th delivery, even one whose earlier
        attempts killed the process, the entry is parked and the incident goes to a human.
        """
        incident_id = fields.get("incident_id", "")
        try:
            if attempts > MAX_ATTEMPTS:
                raise RuntimeError(f"delivered {attempts} times without completing")
            for _ in range(5):
                try:
                    self._process(entry_id, incident_id)
                    break
                except Conflict:
                    continue  # someone else changed the incident (a call-taker): decide again
        except UnknownIncident:
            log.error("report entry %s names unknown incident %s", entry_id, incident_id)
            self.r.xack(self.keys.reports, GROUP, entry_id)
        except Exception:  # noqa: BLE001 - the job boundary: record, keep the entry pending
            log.error("report entry %s failed (attempt %d):\n%s", entry_id, attempts,
                      traceback.format_exc())
            self.r.hincrby(self.keys.metrics, "job_failures", 1)
            if attempts >= MAX_ATTEMPTS:
                self._dead_letter(entry_id, incident_id, traceback.format_exc(limit=3))

    def _process(self, entry_id: str, incident_id: str) -> None:
        incident = self.store.load(incident_id)
        if incident.status not in (Status.RECEIVED, Status.FAILED):
            self.r.xack(self.keys.reports, GROUP, entry_id)  # already processed: a retry
            return
        plan = pipeline.plan_report(self.stages, self.store, incident, self.clock.now())
        pipeline.commit_plan(self.store, plan, ack_report=entry_id, group=GROUP)

    def _neighbours(self, incident: Incident, lat: float, lon: float,
                    radius_m: float) -> tuple[list[Incident], dict[str, float]]:
        """Open incidents near a point (Redis GEO) other than ``incident``, with distances."""
        near = {o.id: (o, d) for o, d in self.store.open_near(
            lat, lon, duplicates.search_radius_m(radius_m)) if o.id != incident.id}
        return [o for o, _ in near.values()], {i: d for i, (_, d) in near.items()}

    def _dead_letter(self, entry_id: str, incident_id: str, error: str) -> None:
        """Stop retrying: park the entry and put the incident before a human."""
        try:
            incident = self.store.load(incident_id)
        except UnknownIncident:
            self.r.xack(self.keys.reports, GROUP, entry_id)
            return
        event = Event(EventType.PROCESSING_FAILED, incident_id, self.clock.now(),
                      data={"error": error[-2000:], "entry_id": entry_id,
                            "reason": "automatic triage/geo failed: handle by hand"})
        self.store.commit(incident, [event], ack_report=entry_id, group=GROUP, extra_ops=[
            ("XADD", self.keys.dead, "*", "incident_id", incident_id, "entry_id", entry_id)])
