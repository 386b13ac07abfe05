"""The feed hub: one Redis reader per API process, fanning feed entries out to consoles.

Each API process tails, with a single ``XREAD BLOCK``, every feed that has at least one
console connected to it, encodes each entry to JSON once, and offers the text to every
subscriber's bounded queue. A subscriber whose queue is full is a slow console: it is
marked and disconnected (it resumes later with ``since``), never allowed to hold the
others back (the websockets ``broadcast()`` policy).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis

from dispatch.adapters import replies
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import feed_message

log = logging.getLogger("dispatch.hub")


def stream_id(text: str) -> tuple[int, int]:
    """Order Redis stream ids numerically (``"1700000000000-3"`` → ``(1700000000000, 3)``)."""
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


@dataclass(eq=False)
class Subscriber:
    """One connected console's place in the hub."""

    feed: str
    queue: asyncio.Queue[tuple[str, str]]
    overflowed: asyncio.Event = field(default_factory=asyncio.Event)
    # Notices about the service itself (the store failing over), not feed entries: a few,
    # rare, the newest kept when a console does not take them.
    notices: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(8))

    def offer(self, entry_id: str, text: str) -> None:
        if self.overflowed.is_set():
            return
        try:
            self.queue.put_nowait((entry_id, text))
        except asyncio.QueueFull:
            self.overflowed.set()


class FeedHub:
    """Tails the feeds with connected consoles and fans entries out to them.

    Args:
        client: an async Redis client (``decode_responses=True``) used only by the hub.
        keys: the key layout.
        queue_size: messages a console may fall behind before it is disconnected.
    """

    def __init__(self, client: aioredis.Redis, keys: Keys, queue_size: int = 256) -> None:
        self.r = client
        self.keys = keys
        self.queue_size = queue_size
        self.subscribers: dict[str, set[Subscriber]] = defaultdict(set)
        self.positions: dict[str, str] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None

    @property
    def connected(self) -> int:
        """Consoles connected to this process."""
        return sum(len(s) for s in self.subscribers.values())

    async def start(self) -> None:
        """Start the reader loop."""
        self._task = asyncio.create_task(self._run(), name="feed-hub")

    async def stop(self) -> None:
        """Stop the reader loop."""
        for task in (self._reader, self._task):
            if task:
                task.cancel()
        for task in (self._reader, self._task):
            if task:
                with contextlib.suppress(asyncio.CancelledError, Exception):  # shutting down
                    await task

    async def last_id(self, feed: str) -> str:
        """The id of the newest entry on a feed ("0-0" if empty)."""
        entries = replies.entries(await self.r.xrevrange(self.keys.feed(feed), count=1))
        return entries[0][0] if entries else "0-0"

    async def subscribe(self, feed: str) -> Subscriber:
        """Register a console; live entries after this call are offered to its queue."""
        sub = Subscriber(feed, asyncio.Queue(self.queue_size))
        key = self.keys.feed(feed)
        if key not in self.positions:
            self.positions[key] = await self.last_id(feed)
            if self._reader is not None:
                self._reader.cancel()  # re-issue XREAD with the new feed included
        self.subscribers[feed].add(sub)
        self._wake.set()
        return sub

    def notify(self, payload: dict[str, Any]) -> None:
        """Offer a notice (a ``store`` payload) to every console connected to this process."""
        for subs in self.subscribers.values():
            for sub in subs:
                if sub.notices.full():
                    sub.notices.get_nowait()
                sub.notices.put_nowait(payload)

    def unsubscribe(self, sub: Subscriber) -> None:
        """Remove a console; the feed stops being tailed when its last console leaves."""
        subs = self.subscribers.get(sub.feed)
        if subs is None:
            return
        subs.discard(sub)
        if not subs:
            del self.subscribers[sub.feed]
            self.positions.pop(self.keys.feed(sub.feed), None)

    async def _run(self) -> None:
        while True:
            if not self.positions:
                self._wake.clear()
                await self._wake.wait()
                continue
            self._reader = asyncio.create_task(self._read_once())
            try:
                await self._reader
            except asyncio.CancelledError:
                if self._task is not None and self._task.cancelling():
                    raise
            except Exception:
                log.exception("feed hub read failed; retrying")
                await asyncio.sleep(0.5)
            finally:
                self._reader = None

    async def _read_once(self) -> None:
        positions: dict[Any, Any] = dict(self.positions)
        # block well inside redis-py's default 5 s socket timeout
        reply = replies.streams(await self.r.xread(positions, count=500, block=1000))
        prefix = len(self.keys.feed(""))
        for key, entries in reply:
            feed = key[prefix:]
            subs = self.subscribers.get(feed, ())
            for entry_id, fields in entries:
                text = json.dumps(feed_message(entry_id, fields), ensure_ascii=False)
                for sub in tuple(subs):
                    sub.offer(entry_id, text)
            if entries and key in self.positions:
                self.positions[key] = entries[-1][0]
