"""Pure-ASGI guards in front of the app: a body limit that refuses oversized requests before
reading them into memory, and a breaker that answers 503 while the store is not answering."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """Answers 413 when a request declares, or turns out to carry, more than ``limit``
    bytes, and 408 when its body has not fully arrived ``body_timeout_s`` seconds after
    the request began (a half-sent body no longer holds a connection open)."""

    def __init__(self, app: ASGIApp, limit: int, body_timeout_s: float = 10.0) -> None:
        self.app = app
        self.limit = limit
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _reply(send, 400, "Content-Length is not a number")
                    return
                if declared > self.limit:
                    await _reply(send, 413, f"request body is {declared} bytes; the limit is {self.limit}")
                    return
        seen = 0
        refused = False
        done = False  # the whole body has arrived
        deadline = asyncio.get_running_loop().time() + self.body_timeout_s

        async def counted() -> Message:
            nonlocal seen, refused, done
            if refused:
                return {"type": "http.disconnect"}
            if done:
                message = await receive()
            else:
                try:
                    message = await asyncio.wait_for(
                        receive(), max(0.0, deadline - asyncio.get_running_loop().time()))
                except TimeoutError:
                    refused = True
                    await _reply(send, 408, f"the request body did not arrive within "
                                            f"{self.body_timeout_s:g} s")
                    return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                done = not message.get("more_body", False)
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # Answer now and tell the app the client went away: it writes nothing.
                    refused = True
                    await _reply(send, 413, f"request body exceeds the limit of {self.limit} bytes")
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted, guarded_send)


async def _reply(send: Send, status: int, message: str,
                 headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body: dict[str, Any] = {"detail": message, "message": message}
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()), *headers]})
    await send({"type": "http.response.body", "body": data})


class StoreBreaker:
    """While this process's store watch says the store is not answering (a failover, a
    restart, a frozen primary), API requests get 503 with ``Retry-After`` at once instead
    of each holding a worker thread until its Redis timeout: nothing piles up behind a
    dead store, and intake resumes within one watch interval once it answers again.
    ``/healthz`` and ``/metrics`` still answer (they say what is down)."""

    def __init__(self, app: ASGIApp, available: Callable[[], bool]) -> None:
        self.app = app
        self.available = available

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith("/v1/") \
                and not self.available():
            await _reply(send, 503, "the incident store is not answering (failing over or "
                                    "restarting); nothing was written, retry shortly",
                         ((b"retry-after", b"1"),))
            return
        await self.app(scope, receive, send)
