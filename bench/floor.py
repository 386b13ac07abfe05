"""The bare floor: one Redis XADD → XREAD hop plus a websockets ``broadcast()``.

Run as a process (``python bench/floor.py --redis URL --port N``): it tails one stream
with XREAD BLOCK and broadcasts each entry's payload, unchanged, to every connected
websocket client. Nothing else: no validation, no triage, no JSON re-encoding, no
projection. Whatever the service adds on top of this is its own cost.
"""

from __future__ import annotations

import argparse
import asyncio

import redis.asyncio as aioredis
from websockets.asyncio.server import broadcast, serve

STREAM = "floor:feed"


async def main(redis_url: str, port: int) -> None:
    clients = set()

    async def handler(ws) -> None:  # type: ignore[no-untyped-def]
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    r = aioredis.Redis.from_url(redis_url, decode_responses=True)
    last = "$"
    async with serve(handler, "127.0.0.1", port, max_size=2**20):
        while True:
            reply = await r.xread({STREAM: last}, block=1000, count=500)
            for _key, entries in reply or []:
                for entry_id, fields in entries:
                    broadcast(clients, fields["m"])
                    last = entry_id


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--redis", required=True)
    p.add_argument("--port", type=int, required=True)
    a = p.parse_args()
    asyncio.run(main(a.redis, a.port))
