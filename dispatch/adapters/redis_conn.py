"""Connect to Redis: one URL, or the primary that Sentinel names (and follows on failover).

Every process (API, pipeline workers, scheduler, reactors, RQ workers, the feed hub) gets
its clients here. With ``REDIS_SENTINELS`` set, a client asks the Sentinels for the
primary of ``REDIS_MASTER_NAME`` and re-asks after a connection error, so it follows a
promotion without a restart; the loops wait out the seconds in between
(:mod:`dispatch.adapters.ride_out`). Without Sentinels, ``REDIS_URL`` (or the embedded
server's port) as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.sentinel import Sentinel

from dispatch.settings import Settings

SENTINEL_TIMEOUT_S = 0.5


class NotReplicated(redis.RedisError):
    """A write reached the primary but not enough replicas in time (``WAIT``).

    Transient: the write is on the primary; a loop does its step again (the step is
    idempotent on the surviving timeline), the API answers 503 and the client retries.
    """


def replicas_of(info: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The replicas in an ``INFO replication`` reply, with how far each is behind."""
    offset = int(info.get("master_repl_offset", 0) or 0)
    out = []
    for i in range(int(info.get("connected_slaves", 0) or 0)):
        entry = info.get(f"slave{i}")
        if isinstance(entry, dict):
            out.append({"node": f"{entry.get('ip')}:{entry.get('port')}",
                        "state": entry.get("state"),
                        "lag_bytes": max(0, offset - int(entry.get("offset", 0) or 0))})
    return out


def url_of(cfg: Settings) -> str:
    """The single-node URL (``REDIS_URL`` or the embedded server)."""
    return cfg.redis_url or f"redis://127.0.0.1:{cfg.redis_port}/0"


def _sentinel_kwargs(cfg: Settings) -> dict[str, Any]:
    return {"socket_timeout": SENTINEL_TIMEOUT_S,
            **({"password": cfg.sentinel_password} if cfg.sentinel_password else {})}


def connect(cfg: Settings, *, decode_responses: bool = True, **kwargs: Any) -> redis.Redis:
    """A client on the primary (through Sentinel when configured)."""
    if cfg.redis_sentinels:
        sentinel = Sentinel(list(cfg.redis_sentinels),  # type: ignore[no-untyped-call]
                            sentinel_kwargs=_sentinel_kwargs(cfg),
                            socket_timeout=kwargs.pop("socket_timeout", 5.0))
        client: redis.Redis = sentinel.master_for(  # type: ignore[no-untyped-call]
            cfg.redis_master_name, decode_responses=decode_responses,
            password=cfg.redis_password, **kwargs)
        return client
    return redis.Redis.from_url(url_of(cfg), decode_responses=decode_responses, **kwargs)


def connect_async(cfg: Settings, *, decode_responses: bool = True,
                  **kwargs: Any) -> aioredis.Redis:
    """An asyncio client on the primary (the feed hub's), through Sentinel when configured."""
    if cfg.redis_sentinels:
        sentinel = AsyncSentinel(list(cfg.redis_sentinels),  # type: ignore[no-untyped-call]
                                 sentinel_kwargs=_sentinel_kwargs(cfg))
        aclient: aioredis.Redis = sentinel.master_for(
            cfg.redis_master_name, decode_responses=decode_responses,
            password=cfg.redis_password, **kwargs)
        return aclient
    return aioredis.Redis.from_url(url_of(cfg), decode_responses=decode_responses, **kwargs)
