"""Which Redis node is the primary, whether it answers, and when the primary changed.

One watcher runs in every API process. Twice a second it asks the store who it is (the
node's address — through Sentinel when configured — its run id, its role and replicas);
two failed looks in a row (one alone is a slow moment on a loaded machine) say the store
is not answering.
A new run id on another node is a **failover** (Sentinel promoted a replica); a new run id
on the same node is a **restart**. Every process that notices a change records it with one
compare-and-set script, so a change seen by five API processes is counted once:
``{ns}:store:primary`` holds the primary last seen and the counts, ``{ns}:store:changes``
the last 50 changes.

The watcher's state is what ``/healthz`` and ``/metrics`` say about the store, and each
transition (the store stops answering, answers again, answers from another node) is
offered to the consoles as a ``store`` message, so the command console can say that the
store is failing over while it does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from dispatch.adapters.redis_conn import replicas_of
from dispatch.adapters.redis_keys import Keys

log = logging.getLogger("dispatch.store")

CHANGES_KEPT = 50
# Consecutive failed checks (0.5 s apart) before the store is called not answering.
FAILURES_TO_TRIP = 2

# KEYS: primary hash, changes list. ARGV: node, run id, ISO time, epoch seconds.
# Returns "" (nothing new) or the kind of change recorded ("failover" / "restart").
_RECORD = """
local node = redis.call('HGET', KEYS[1], 'node')
local run = redis.call('HGET', KEYS[1], 'run_id')
if run == ARGV[2] then return '' end
redis.call('HSET', KEYS[1], 'node', ARGV[1], 'run_id', ARGV[2], 'since', ARGV[3])
if not node then return '' end
local kind = 'restart'
if node ~= ARGV[1] then kind = 'failover' end
redis.call('HINCRBY', KEYS[1], kind .. 's', 1)
redis.call('HSET', KEYS[1], 'last_' .. kind .. '_at', ARGV[3],
           'last_' .. kind .. '_epoch', ARGV[4])
redis.call('LPUSH', KEYS[2], cjson.encode({kind = kind, from_node = node, to_node = ARGV[1],
                                           at = ARGV[3]}))
redis.call('LTRIM', KEYS[2], 0, CHANGES_KEPT_LESS_ONE)
return kind
""".replace("CHANGES_KEPT_LESS_ONE", str(CHANGES_KEPT - 1))


@dataclass
class StoreState:
    """What this process last learnt about the store."""

    available: bool = False
    node: str | None = None
    role: str | None = None
    replicas: list[dict[str, Any]] = field(default_factory=list)
    failovers: int = 0
    restarts: int = 0
    last_change: dict[str, Any] | None = None
    unavailable_since: float | None = None  # time.time() of the first failed check
    error: str | None = None
    checked_at: float = 0.0  # time.monotonic() when this state was learnt
    failures: int = 0  # consecutive failed checks

    def to_dict(self) -> dict[str, Any]:
        down_s = None if self.unavailable_since is None \
            else round(time.time() - self.unavailable_since, 1)
        return {"available": self.available, "node": self.node, "role": self.role,
                "replicas": self.replicas, "failovers": self.failovers,
                "restarts": self.restarts, "last_change": self.last_change,
                "unavailable_s": down_s, "error": self.error}


async def node_of(client: aioredis.Redis) -> str:
    """The address a client talks to: the primary Sentinel names, or the configured one."""
    pool = client.connection_pool
    master = getattr(pool, "get_master_address", None)
    if master is not None:
        host, port = await master()
        return f"{host}:{port}"
    kwargs = pool.connection_kwargs
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}"


class StoreWatch:
    """Polls the store and reports transitions.

    Args:
        client: an async client of its own (short timeouts: a check must not hang).
        keys: the key layout.
        on_change: called with a ``store`` payload on every transition.
        interval_s: seconds between checks.
    """

    def __init__(self, client: aioredis.Redis, keys: Keys,
                 on_change: Callable[[dict[str, Any]], None] | None = None,
                 interval_s: float = 0.5) -> None:
        self.r = client
        self.keys = keys
        self.on_change = on_change or (lambda _: None)
        self.interval_s = interval_s
        self.state = StoreState()
        self._record = client.register_script(_RECORD)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.check()
        self._task = asyncio.create_task(self._run(), name="store-watch")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task  # shutting down

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                await asyncio.wait_for(self.check(), timeout=max(2.0, 4 * self.interval_s))
            except asyncio.CancelledError:
                raise
            except Exception:  # the watch must outlive any one check
                log.exception("store check failed")
                self.state = replace(self.state, available=False,
                                     unavailable_since=self.state.unavailable_since
                                     or time.time(), checked_at=time.monotonic())

    def fresh(self, max_age_s: float = 3.0) -> bool:
        """Did a check finish in the last ``max_age_s`` seconds? (A stale watch says
        nothing: the breaker then lets requests through.)"""
        return time.monotonic() - self.state.checked_at <= max_age_s

    async def check(self) -> StoreState:
        """One look at the store; updates :attr:`state` and reports a transition."""
        before = self.state
        try:
            node = await node_of(self.r)
            server = await self.r.info("server")
            replication = await self.r.info("replication")
            run_id = str(server.get("run_id", ""))
            role = str(replication.get("role", ""))
            kind = ""
            if role == "master":
                now = datetime.now(UTC)
                kind = str(await self._record(keys=[self.keys.store_primary,
                                                    self.keys.store_changes],
                                              args=[node, run_id, now.isoformat(),
                                                    now.timestamp()]) or "")
            seen = cast(dict[str, str], await self.r.hgetall(self.keys.store_primary))
            last = await self.r.lindex(self.keys.store_changes, 0)
        except (RedisError, OSError, TimeoutError) as exc:
            failures = before.failures + 1
            if before.available and failures < FAILURES_TO_TRIP:
                # One slow or failed look on a loaded machine is not a failover: the store
                # is called not answering after the next check fails too.
                self.state = replace(before, failures=failures, error=str(exc)[:200],
                                     checked_at=time.monotonic())
                return self.state
            if before.available or before.unavailable_since is None:
                log.warning("store unavailable: %s", exc)
            self.state = StoreState(
                available=False, node=before.node, role=before.role,
                failovers=before.failovers, restarts=before.restarts,
                last_change=before.last_change,
                unavailable_since=before.unavailable_since or time.time(),
                error=str(exc)[:200], checked_at=time.monotonic(), failures=failures)
            if before.available:
                self.on_change({"available": False, "primary": before.node,
                                "detail": "store not answering: failing over or restarting"})
            return self.state
        self.state = StoreState(
            available=True, node=node, role=role, replicas=replicas_of(replication),
            failovers=int(seen.get("failovers", 0) or 0),
            restarts=int(seen.get("restarts", 0) or 0),
            last_change=json.loads(last) if last else None, checked_at=time.monotonic())
        if not before.available and before.unavailable_since is not None:
            log.warning("store answering again from %s", node)
        if kind:
            log.warning("store primary changed (%s): now %s", kind, node)
        moved = before.node is not None and before.node != node
        if not before.available and before.unavailable_since is not None or moved:
            self.on_change({"available": True, "primary": node, "failover": moved,
                            "down_s": None if before.unavailable_since is None
                            else round(time.time() - before.unavailable_since, 1),
                            "detail": f"store answering from {node}"})
        return self.state
