"""The API's store watch against a real redis-server: one failed look is a slow moment,
two in a row say the store is not answering, and it answers again as soon as it does."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.store_watch import FAILURES_TO_TRIP, StoreWatch
from tests.support import RedisServer


def test_two_failed_looks_in_a_row_trip_and_one_answer_restores() -> None:
    server = RedisServer().start()
    seen: list[dict[str, object]] = []

    async def run() -> list[bool]:
        client = aioredis.Redis.from_url(server.url, socket_timeout=1.0,
                                         socket_connect_timeout=1.0)
        watch = StoreWatch(client, Keys("sw"), on_change=seen.append)
        states = [(await watch.check()).available]
        server.stop(hard=True)
        for _ in range(FAILURES_TO_TRIP):
            states.append((await watch.check()).available)
        server.start()
        states.append((await watch.check()).available)
        await client.aclose()
        return states

    try:
        assert FAILURES_TO_TRIP == 2
        assert asyncio.run(run()) == [True, True, False, True]
        assert [m["available"] for m in seen] == [False, True]
    finally:
        server.stop(hard=True)
        server.cleanup()
