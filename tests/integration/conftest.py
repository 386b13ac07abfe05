"""Integration fixtures: websocket clients on the real service."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.support import seconds


class Console:
    """A console's websocket, collecting messages as they arrive."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.messages: list[dict[str, Any]] = []
        self.unmatched: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, url: str) -> Console:
        ws = await connect(url, open_timeout=seconds(10), max_size=2**22)
        return cls(ws)

    async def next(self, timeout: float = 5) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), seconds(timeout))
        message = json.loads(raw)
        self.messages.append(message)
        self.unmatched.append(message)
        return dict(message)

    async def wait_for(self, predicate: Any, timeout: float = 5) -> dict[str, Any]:
        """The first message not matched before, already received or arriving within
        ``timeout``, that matches ``predicate``."""
        for message in self.unmatched:
            if predicate(message):
                self.unmatched.remove(message)
                return message
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds(timeout)
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no matching message; got {[m['type'] for m in self.messages]}")
            message = await self.next(remaining)
            if predicate(message):
                self.unmatched.remove(message)
                return message

    async def drain(self, quiet: float = 0.3) -> list[dict[str, Any]]:
        """Collect messages until the feed stays quiet for ``quiet`` seconds."""
        got = []
        while True:
            try:
                got.append(await self.next(quiet))
            except TimeoutError:
                return got

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def close(self) -> None:
        await self.ws.close()
