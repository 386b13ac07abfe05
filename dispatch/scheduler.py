"""The deadline scheduler: turns due deadlines (a Redis sorted set) into events.

Deadlines are data: an ack timeout is a member of ``{ns}:deadlines`` scored by its due
time, written in the same transaction as the assignment. Any number of schedulers may run;
each escalation commits only if its deadline is still in the set, so exactly one wins.
A restart of every process loses nothing: the set is in Redis (AOF).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping

from dispatch.adapters import heartbeats
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.ride_out import ride_out
from dispatch.clock import Clock
from dispatch.domain import decisions
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.incident import Status

log = logging.getLogger("dispatch.scheduler")

Handler = Callable[[str, str], None]  # (deadline key, subject id)


class DeadlineScheduler:
    """Fires due deadlines.

    Args:
        store: the incident store.
        clock: the time source.
        escalation_step_s: seconds between escalation levels for P1.
        handlers: extra deadline kinds (the part of a key before ``|``) and their handlers.
    """

    def __init__(self, store: RedisStore, clock: Clock, escalation_step_s: float,
                 handlers: Mapping[str, Handler] | None = None, name: str | None = None) -> None:
        self.store = store
        self.clock = clock
        self.step_s = escalation_step_s
        self.handlers: dict[str, Handler] = {"ack": self._ack, "arrive": self._arrive}
        self.handlers.update(handlers or {})
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"

    def run(self, stop: threading.Event, interval_s: float = 0.1) -> None:
        """Fire deadlines until ``stop`` is set."""
        def turn() -> None:
            heartbeats.beat(self.store.r, self.store.keys, "scheduler", self.name)
            self.tick()
            stop.wait(interval_s)

        ride_out(turn, stop, "deadline scheduler", log)  # a Redis outage is waited out

    def tick(self) -> int:
        """Fire every deadline due now; returns how many were looked at."""
        keys = self.store.due_deadlines(self.clock.now())
        for key in keys:
            kind, _, subject = key.partition("|")
            handler = self.handlers.get(kind)
            if handler is None:
                log.error("deadline %r has no handler; dropped", key)
                self.store.drop_deadline(key)
                continue
            handler(key, subject)
        return len(keys)

    def _arrive(self, key: str, incident_id: str) -> None:
        """The on-scene target passed: record the breach (once) for command and precinct."""
        for _ in range(5):
            try:
                incident = self.store.load(incident_id)
            except UnknownIncident:
                self.store.drop_deadline(key)
                return
            events = decisions.arrival_breach(incident, self.clock.now())
            if not events:
                self.store.drop_deadline(key)
                return
            try:
                self.store.commit(incident, events, require_deadline=key,
                                  extra_ops=[("ZREM", self.store.keys.deadlines, key)])
                return
            except Conflict:
                continue

    def _ack(self, key: str, incident_id: str) -> None:
        for _ in range(5):
            try:
                incident = self.store.load(incident_id)
            except UnknownIncident:
                self.store.drop_deadline(key)
                return
            events = decisions.escalate(incident, self.clock.now(), self.step_s)
            if not events:
                due = incident.ack_due_at
                if incident.status is Status.ASSIGNED and due is not None and due > self.clock.now():
                    self.store.r.zadd(self.store.keys.deadlines, {key: due.timestamp()})
                else:
                    self.store.drop_deadline(key)
                return
            try:
                self.store.commit(incident, events, require_deadline=key)
                return
            except Conflict:
                continue  # acknowledged meanwhile, or another scheduler won: look again
