"""Ride out a Redis outage: a service loop that retries with capped backoff.

Every long-running loop (pipeline worker, deadline scheduler, workflow reactors) runs its
body through :func:`ride_out`. A connection error, a timeout or Redis still loading its
AOF is logged once per outage, waited out with exponential backoff capped at
:data:`MAX_BACKOFF_S`, and the body is called again; a stream whose consumer group
vanished (a Redis restarted without its data) gets the group back through ``recover``.
Nothing accepted is lost: entries stay pending in their stream until a body acknowledges
them, so an interrupted step is simply done again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import redis

from dispatch.adapters.redis_conn import NotReplicated

MIN_BACKOFF_S = 0.1
MAX_BACKOFF_S = 5.0
# NotReplicated: a replica is syncing or lagging; the write is on the primary, and the
# step done again finds it there (or, after a promotion, does it again on the replica).
TRANSIENT: tuple[type[BaseException], ...] = (redis.ConnectionError, redis.TimeoutError,
                                              redis.BusyLoadingError, NotReplicated)


def is_missing_group(exc: BaseException) -> bool:
    """A stream read whose consumer group does not exist (Redis came back empty)."""
    return isinstance(exc, redis.ResponseError) and "NOGROUP" in str(exc)


def until_done(action: Callable[[], object], stop: threading.Event, what: str,
               log: logging.Logger) -> bool:
    """Call ``action`` once, waiting out a Redis outage first; False if stopped before."""
    done = False
    inner = threading.Event()
    # ``ride_out`` loops until its event is set: a private one, set by the first success
    # or mirrored from ``stop``.
    def step() -> None:
        if stop.is_set():
            inner.set()
            return
        action()
        nonlocal done
        done = True
        inner.set()

    ride_out(step, inner, what, log)
    return done


def ride_out(step: Callable[[], object], stop: threading.Event, what: str,
             log: logging.Logger, recover: Callable[[], None] | None = None) -> None:
    """Call ``step`` until ``stop`` is set, waiting out Redis outages.

    Args:
        step: one turn of the loop (it may block for a while).
        stop: set to end the loop.
        what: the loop's name, for the log.
        log: where outages and recoveries are told.
        recover: called before the next turn after a missing consumer group (and after
            every outage, so a stream recreated empty gets its group back).
    """
    backoff = MIN_BACKOFF_S
    down_since: float | None = None
    while not stop.is_set():
        try:
            if down_since is not None and recover is not None:
                recover()
            step()
        except TRANSIENT as exc:
            if down_since is None:
                down_since = _now()
                log.warning("%s: Redis unavailable (%s); retrying", what, exc)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_S)
            continue
        except redis.ResponseError as exc:
            if not is_missing_group(exc) or recover is None:
                raise
            log.warning("%s: consumer group missing (%s); recreating it", what, exc)
            down_since = down_since or _now()
            stop.wait(backoff)
            continue
        if down_since is not None:
            log.warning("%s: Redis back after %.1f s", what, _now() - down_since)
            down_since = None
        backoff = MIN_BACKOFF_S


def _now() -> float:
    import time

    return time.monotonic()
