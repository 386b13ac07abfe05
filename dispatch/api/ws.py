"""The console websocket: ``/v1/consoles/{feed}/ws?since=<event_id>``.

Protocol (one JSON object per message; every server message has ``type``, ``event_id``,
``at`` and a ``payload``):

* server → ``hello`` first, naming the feed and the newest event id at connect time;
* server → every feed event after ``since`` (backlog), then live ones, no gap, no duplicate;
* server → ``ping`` every ``PING_S`` seconds of silence (the websocket layer pings too);
* client → ``{"type": "ack", "incident_id": ...}`` appends ``incident.acknowledged``; the
  server answers ``ack_result`` (``ok`` or an ``error``);
* client → ``{"type": "ping"}`` is answered with ``pong``;
* priority filter: ``?priorities=P1,P2`` (an internal filter, not STA-024; external agencies
  subscribe with STA-024 at ``/v1/sta024/ws``, dispatch.api.sta024)
  delivers only incident events of those priorities (escalations always pass);
* server → ``store`` when the incident store stops answering (``available: false``: a
  failover or restart under way; reports may wait) and when it answers again
  (``available: true``, ``primary``, ``failover: true`` when another node took over);
  ``event_id`` is null: a notice about the service, not a feed entry;
* expiry: when the token expires the server sends ``expired`` and closes with 4401; the
  console reconnects with a fresh token and ``since``;
* revocation: a connected console's token is checked every ``REVOKED_CHECK_S`` seconds;
  once it is revoked (``POST /v1/tokens/revoke``) the server sends ``revoked`` and closes
  with 4401 (a lost device's open console stops receiving within that time).

Close codes: 4400 bad ``since``, 4401 bad token, 4403 not this console's feed, 4404 unknown feed, 4008 the console fell too far behind
(reconnect with ``since``), 1011 server error.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from dispatch.adapters import replies
from dispatch.adapters.redis_store import RedisStore, feed_message
from dispatch.adapters.revocations import Revocations
from dispatch.adapters.ws_hub import FeedHub, Subscriber, stream_id
from dispatch.auth import Principal
from dispatch.domain.errors import DispatchError
from dispatch.domain.events import iso
from dispatch.metrics import WS_CLOSED, WS_OPENED
from dispatch.services import acknowledge

log = logging.getLogger("dispatch.ws")

PING_S = 15.0
REVOKED_CHECK_S = 5.0
# A console whose socket has not taken one message for this long is behind by time, even
# with a short queue (a frozen tab with a little traffic): dropped with 4008 as well.
SEND_BEHIND_S = 10.0
_SINCE = re.compile(r"^\d{1,20}(-\d{1,20})?$")
CLOSE_BAD_REQUEST = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_UNKNOWN_FEED = 4404
CLOSE_TOO_SLOW = 4008


class ConsoleSession:
    """One connected console: backlog, live events, acks."""

    def __init__(self, ws: WebSocket, feed: str, hub: FeedHub, store: RedisStore,
                 now: Callable[[], Any], principal: Principal,
                 priorities: frozenset[str] | None = None) -> None:
        self.ws = ws
        self.feed = feed
        self.hub = hub
        self.store = store
        self.now = now
        self.principal = principal
        self.priorities = priorities
        self.last: tuple[int, int] = (0, 0)
        self.last_sent = 0.0

    async def send(self, kind: str, payload: dict[str, Any], event_id: str | None = None) -> None:
        self.last_sent = asyncio.get_running_loop().time()
        await self.ws.send_text(json.dumps({"type": kind, "event_id": event_id,
                                            "at": iso(self.now()), "payload": payload},
                                           ensure_ascii=False))

    async def run(self, since: str | None) -> None:
        WS_OPENED.labels("command" if self.feed == "command" else "precinct").inc()
        sub = await self.hub.subscribe(self.feed)
        try:
            head = await self.hub.last_id(self.feed)
            # A ``since`` beyond the newest entry comes from another store (a reset or a
            # restored Redis): resuming from it would hide every new event, so the console
            # is told and starts from the head.
            reset = since is not None and stream_id(since) > stream_id(head)
            # hello's event_id is where this connection's stream starts: ``since`` when
            # resuming (the backlog follows), else the head. A client that resumes from
            # the last event_id it saw can then never skip backlog it did not receive
            # (issue 14: it used to be the head even while a backlog was pending).
            start = since if since is not None and not reset else head
            await self.send("hello", {"feed": self.feed, "since": since, "head": head,
                                      "ping_s": PING_S, "reset": reset}, event_id=start)
            if since is not None and not reset:
                await self._backlog(since)
            else:
                self.last = stream_id(head)
            receiver = asyncio.create_task(self._receive())
            sender = asyncio.create_task(self._live(sub))
            pinger = asyncio.create_task(self._ping())
            slow = asyncio.create_task(sub.overflowed.wait())
            expiry = asyncio.create_task(self._expire())
            revoked = asyncio.create_task(self._revoked())
            notices = asyncio.create_task(self._notices(sub.notices))
            done, pending = await asyncio.wait({receiver, sender, slow, pinger, expiry,
                                                revoked, notices},
                                               return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            if sub.overflowed.is_set():  # the queue filled, or a send stalled
                WS_CLOSED.labels("slow").inc()
                await self._close(CLOSE_TOO_SLOW, "console too slow: reconnect with since")
            elif expiry in done:
                WS_CLOSED.labels("expired").inc()
                await self._close(CLOSE_UNAUTHENTICATED, "token expired: reconnect with a new one")
            elif revoked in done and revoked.exception() is None:
                WS_CLOSED.labels("revoked").inc()
                await self._close(CLOSE_UNAUTHENTICATED, "token revoked: ask for a new one")
            elif any(t.exception() is not None and not isinstance(t.exception(), WebSocketDisconnect)
                     for t in done):
                WS_CLOSED.labels("error").inc()
            else:
                WS_CLOSED.labels("client").inc()  # the console went away (a drop)
            for task in done:
                if task is not slow and task.exception() and not isinstance(
                        task.exception(), WebSocketDisconnect):
                    raise task.exception()  # type: ignore[misc]
        finally:
            self.hub.unsubscribe(sub)

    async def _close(self, code: int, reason: str) -> None:
        """Close, but never wait on a console that has stopped reading.

        Behind a stalled reader the socket's buffers are full and even the close frame
        cannot be written; after a second we give up on it and return, and the server
        closes the connection once what is buffered has gone (the console then sees 1006
        and resumes with ``since``).
        """
        try:
            await asyncio.wait_for(self.ws.close(code, reason), timeout=1.0)
        except TimeoutError:
            log.warning("console on %s did not take its close frame (%d); dropping it",
                        self.feed, code)

    async def _backlog(self, since: str) -> None:
        key = self.store.keys.feed(self.feed)
        start = "(" + since
        while True:
            entries = replies.entries(await self.hub.r.xrange(key, min=start, max="+", count=500))
            for entry_id, fields in entries:
                text = json.dumps(feed_message(entry_id, fields), ensure_ascii=False)
                if self._wanted(text):
                    await self.ws.send_text(text)
                self.last = stream_id(entry_id)
            if len(entries) < 500:
                self.last = max(self.last, stream_id(since))
                return
            start = "(" + entries[-1][0]

    async def _expire(self) -> None:
        """Finish when the console's token expires (after telling it)."""
        expires = self.principal.expires_at
        if expires is None:
            await asyncio.Event().wait()
            return
        await asyncio.sleep(max(0.0, (expires - self.now()).total_seconds()))
        await self.send("expired", {"reason": "token expired"})

    async def _revoked(self) -> None:
        """Finish when the console's token is revoked (after telling it). A failed check
        (the store away) is tried again at the next interval: the breaker and the store
        banner speak for the store, and an unanswered check revokes nothing."""
        check = Revocations(self.store)
        while True:
            await asyncio.sleep(REVOKED_CHECK_S)
            try:
                gone = await check.is_revoked_async(self.hub.r, self.principal)
            except Exception:
                log.debug("revocation check on %s failed; trying again", self.feed, exc_info=True)
                continue
            if gone:
                await self.send("revoked", {"reason": "token revoked"})
                return

    async def _notices(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        """Forward the hub's notices about the store (``store`` messages)."""
        while True:
            await self.send("store", await queue.get())

    def _wanted(self, text: str) -> bool:
        """Does a feed entry pass the console's priority filter?"""
        if self.priorities is None:
            return True
        message = json.loads(text)
        if message.get("type") == "incident.escalated":
            return True
        priority = (message.get("incident") or {}).get("priority")
        return priority is None or priority in self.priorities

    async def _ping(self) -> None:
        """Say something after PING_S of silence, so consoles can tell a dead link."""
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(max(0.5, self.last_sent + PING_S - loop.time()))
            if loop.time() - self.last_sent >= PING_S:
                await self.send("ping", {}, event_id=None)

    async def _live(self, sub: Subscriber) -> None:
        loop = asyncio.get_running_loop()
        while True:
            entry_id, text = await sub.queue.get()
            sid = stream_id(entry_id)
            if sid <= self.last:
                continue  # already sent in the backlog
            self.last = sid
            if self._wanted(text):
                try:
                    await asyncio.wait_for(self.ws.send_text(text), SEND_BEHIND_S)
                except TimeoutError:
                    sub.overflowed.set()  # behind by time: the same drop as a full queue
                    return
                self.last_sent = loop.time()

    async def _receive(self) -> None:
        while True:
            frame = await self.ws.receive()
            if frame["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(frame.get("code", 1000))
            raw = frame.get("text")
            if raw is None:  # a binary frame: the protocol is JSON text
                await self.send("error", {"error": "bad message: send JSON text frames"})
                continue
            try:
                message = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                reason = "nested too deeply" if isinstance(exc, RecursionError) else exc
                await self.send("error", {"error": f"bad message: {reason}"})
                continue
            if not isinstance(message, dict):
                await self.send("error", {"error": "bad message: a message is a JSON object"})
                continue
            kind = message.get("type")
            if kind == "ack":
                await self._ack(message.get("incident_id"))
            elif kind == "ping":
                await self.send("pong", {})
            else:
                await self.send("error", {"error": f"unknown message type {kind!r}; "
                                          "expected ack or ping"})

    async def _ack(self, incident_id: object) -> None:
        if not isinstance(incident_id, str) or not incident_id or len(incident_id) > 64:
            await self.send("ack_result", {"ok": False, "incident_id": None,
                                           "error": "incident_id must be a non-empty string"})
            return
        try:
            await run_in_threadpool(acknowledge, self.store, incident_id, self.feed,
                                    self.principal.actor, self.now)
        except DispatchError as exc:
            await self.send("ack_result", {"ok": False, "incident_id": incident_id,
                                           "error": str(exc)})
            return
        await self.send("ack_result", {"ok": True, "incident_id": incident_id})


_MAX_ID_PART = 2**64 - 1  # a Redis stream id is two unsigned 64-bit numbers


def valid_since(since: str | None) -> bool:
    """True if ``since`` is a Redis stream id the store can read from (or is absent)."""
    if since is None:
        return True
    if not _SINCE.match(since):
        return False
    return all(int(part) <= _MAX_ID_PART for part in since.split("-"))
