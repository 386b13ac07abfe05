"""Liveness heartbeats: one sorted set per role, member = process name, score = the time
its heartbeat runs out.

``/healthz`` and the metrics read a role's live processes with one ``ZRANGEBYSCORE``
instead of scanning the keyspace for per-process keys (a ``SCAN`` with a pattern walks
every key: 49–64 ms at 25,706 keys, issue 17). A process that stops beating drops out
when its time runs out; entries an hour past are trimmed by the next beat of the role.
"""

from __future__ import annotations

import time
from typing import cast

import redis

from dispatch.adapters.redis_keys import Keys

TTL_S = 10.0        # a heartbeat lasts this long (processes beat every 1–2 s)
FORGET_S = 3600.0   # an expired entry is removed this long after it ran out
ROLES = ("worker", "scheduler", "reactors")


def beat(r: redis.Redis, keys: Keys, role: str, name: str, now: float | None = None) -> None:
    """Say that ``name`` (of ``role``) is alive for the next :data:`TTL_S` seconds."""
    at = time.time() if now is None else now
    pipe = r.pipeline(transaction=False)
    pipe.zadd(keys.heartbeat_set(role), {name: at + TTL_S})
    pipe.zremrangebyscore(keys.heartbeat_set(role), "-inf", at - FORGET_S)
    pipe.execute()


def alive(r: redis.Redis, keys: Keys, role: str,
          now: float | None = None) -> list[tuple[str, float]]:
    """The live processes of a role and the age of each heartbeat (seconds)."""
    at = time.time() if now is None else now
    rows = cast(list[tuple[str, float]],
                r.zrangebyscore(keys.heartbeat_set(role), at, "+inf", withscores=True))
    return [(str(name), round(max(0.0, TTL_S - (float(expires) - at)), 3))
            for name, expires in rows]
