"""The NENA-STA-024 subscribe/notify websocket for external agencies: ``/v1/sta024/ws``.

A pump around :mod:`dispatch.sta024`: it reads the subscriber's messages (``subscribe``,
``unsubscribe``, ``eventResponse``, ``terminateResponse``), tails the global events
stream, and sends ``subscribeResponse``, ``unsubscribeResponse``, ``event`` (EIDO
notifications, each with a ``transactionId``) and ``terminate`` when a subscription
expires. An ``event`` not acknowledged by an ``eventResponse`` is sent again, with the
same ``transactionId``, every ``STA024_RETRANSMIT_S`` seconds (default 5) until it is.
Anything else gets the standard's ``response`` 501 "Not implemented".

Authentication: a ``command`` or ``admin`` token (``?token=`` or ``Authorization:
Bearer``), refused with close 4401/4403 like the console feed. This is beside the
console feed (``/v1/consoles/{feed}/ws``), which is the internal protocol.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from dispatch import sta024
from dispatch.adapters import replies
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import Clock
from dispatch.domain.errors import UnknownIncident
from dispatch.handoff import packet
from dispatch.handoff.agencies import Agency

log = logging.getLogger("dispatch.sta024")

MAX_SUBSCRIPTIONS = 16
CLOSE_INVALID_JSON = 1007


class Sta024Session:
    """One subscriber's websocket and its subscriptions."""

    def __init__(self, ws: WebSocket, store: RedisStore, aredis: Any, sender: Agency,
                 clock: Clock, retransmit_s: float = sta024.RETRANSMIT_S) -> None:
        self.ws = ws
        self.retransmit_s = retransmit_s
        self.store = store
        self.aredis = aredis
        self.sender = sender
        self.clock = clock
        self.subs: dict[str, sta024.Subscription] = {}
        self.unacked: dict[str, tuple[str, str, float]] = {}  # txid -> (sub, text, sent)
        self.position = "$"

    async def run(self) -> None:
        """Serve until the subscriber goes away."""
        last = await self.aredis.xrevrange(self.store.keys.events, count=1)
        entries = replies.entries(last)
        self.position = entries[0][0] if entries else "0-0"
        reader = asyncio.create_task(self._read())
        pump = asyncio.create_task(self._pump())
        done, pending = await asyncio.wait({reader, pump}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            exc = task.exception()
            if exc is not None and not isinstance(exc, WebSocketDisconnect):
                raise exc

    async def _send(self, message: dict[str, Any]) -> str:
        text = json.dumps(message, ensure_ascii=False)
        await self.ws.send_text(text)
        return text

    async def _read(self) -> None:
        while True:
            raw = await self.ws.receive_text()
            try:
                message = json.loads(raw)
            except ValueError:
                await self.ws.close(CLOSE_INVALID_JSON, "messages must be JSON")
                return
            await self._handle(message if isinstance(message, dict) else {})

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = next(iter(message), None) if len(message) == 1 else None
        body = message.get(kind) if kind else None
        if not isinstance(body, dict):
            body = {}
        if kind == "subscribe":
            await self._subscribe(body)
        elif kind == "unsubscribe":
            sid, rid = str(body.get("subscriptionId") or ""), str(body.get("requestId") or "")
            found = self.subs.pop(sid, None) is not None
            await self._send({"unsubscribeResponse": {
                "requestId": rid, "subscriptionId": sid, "statusCode": 200 if found else 481,
                "statusText": "OK" if found else "no such subscription"}})
        elif kind == "eventResponse":
            self.unacked.pop(str(body.get("transactionId")), None)
            if body.get("statusCode") != 200:
                log.warning("subscriber refused event %s: %s %s", body.get("transactionId"),
                            body.get("statusCode"), body.get("statusText"))
        elif kind == "terminateResponse":
            return
        else:
            await self._send({"response": {"requestId": str(body.get("requestId") or ""),
                                           "statusCode": 501, "statusText": "Not implemented"}})

    async def _subscribe(self, body: dict[str, Any]) -> None:
        now = time.monotonic()
        rid = str(body.get("requestId") or "")
        if len(self.subs) >= MAX_SUBSCRIPTIONS:
            await self._send(sta024.response(rid, 413, f"at most {MAX_SUBSCRIPTIONS} "
                                                       "subscriptions per connection"))
            return
        known = None
        if body.get("requestSubType") == "single" and isinstance(body.get("incidentId"), str):
            known = await run_in_threadpool(self._exists, body["incidentId"])
        try:
            sub = sta024.negotiate(body, f"urn:emergency:uid:subscriptionid:"
                                         f"{uuid.uuid4().hex}:{self.sender.eido_id}", now, known)
        except sta024.Refused as refused:
            await self._send(refused.answer)
            return
        self.subs[sub.id] = sub
        await self._send(sta024.accepted(sub, now))
        if sub.sub_type == "single" and sub.incident_id:
            sub.pending.add(sub.incident_id)  # the current state first

    def _exists(self, incident_id: str) -> bool:
        try:
            self.store.load(incident_id)
        except UnknownIncident:
            return False
        return True

    async def _pump(self) -> None:
        while True:
            reply = await self.aredis.xread({self.store.keys.events: self.position},
                                            block=200, count=200)
            for _stream, entries in replies.streams(reply):
                for entry_id, fields in entries:
                    self.position = entry_id
                    summary = json.loads(fields.get("incident") or "{}")
                    for sub in self.subs.values():
                        sub.offer(str(fields.get("type")), str(fields.get("incident_id")),
                                  summary)
            await self._tick(time.monotonic())

    async def _tick(self, now: float) -> None:
        for sid, sub in list(self.subs.items()):
            if now >= sub.expires_at:
                del self.subs[sid]
                await self._send({"terminate": {"requestId": uuid.uuid4().hex,
                                                "subscriptionId": sid}})
                continue
            due = sub.due(now)
            if due:
                await self._notify(sub, due, now)
        for txid, (sid, text, sent) in list(self.unacked.items()):
            if sid not in self.subs:
                del self.unacked[txid]
            elif now - sent >= self.retransmit_s:
                await self.ws.send_text(text)
                self.unacked[txid] = (sid, text, now)

    async def _notify(self, sub: sta024.Subscription, incident_ids: list[str],
                      now: float) -> None:
        eidos = []
        for incident_id in incident_ids:
            try:
                incident = await run_in_threadpool(self.store.load, incident_id)
            except UnknownIncident:
                continue
            eidos.append(packet.build(incident, None, "notification", self.sender, None,
                                      self.clock.now()))
        if not eidos:
            return
        txid = str(uuid.uuid4())
        text = await self._send({"event": {"subscriptionId": sub.id, "transactionId": txid,
                                           "notification": eidos}})
        self.unacked[txid] = (sub.id, text, now)
