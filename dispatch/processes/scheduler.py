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
from dispatch.pipeline import fire_deadline

log = logging.getLogger("dispatch.processes.scheduler")

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
        self.handlers: dict[str, Handler] = {"ack": self._fire, "arrive": self._fire}
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

    def _fire(self, key: str, _incident_id: str) -> None:
        """An ``ack`` or ``arrive`` deadline: :func:`dispatch.pipeline.fire_deadline`."""
        fire_deadline(self.store, key, self.clock.now(), self.step_s)
