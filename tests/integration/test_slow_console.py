"""A console that stops reading is dropped after a bounded buffer and loses nothing."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from tests.support import RedisServer, Service, seconds

PADDING = "，穿灰色外套黑裤子，个子不高，说话不清楚，家属非常着急" * 170  # ~4.6 k chars


@pytest.mark.slow
async def test_a_stalled_console_is_dropped_and_resumes_with_since(own_redis: RedisServer) -> None:
    svc = Service(own_redis.url, CONSOLE_QUEUE="8", ACK_TIMEOUT_S="600").start_all()
    try:
        url = svc.ws_url("command")
        # max_queue=1: the client library stops reading the socket almost at once, so the
        # server's writes back up as they would behind a frozen browser tab.
        stalled = await connect(url, max_queue=1, max_size=2**22)
        healthy = await connect(url, max_size=2**22)
        assert json.loads(await stalled.recv())["type"] == "hello"
        assert json.loads(await healthy.recv())["type"] == "hello"
        ids = []
        t0 = time.monotonic()
        for i in range(150):  # missing persons: never merged, each its own incident
            r = svc.post_report({"channel": "call", "text": f"第{i}位：我家老人走丢了{PADDING}",
                                 "location": {"lat": 40.6 + i * 1e-4, "lon": 109.85}})
            ids.append(r.json()["id"])
        got: set[str] = set()
        while len(got) < len(ids):
            m = json.loads(await asyncio.wait_for(healthy.recv(), seconds(20)))
            if m["type"] == "incident.assigned":
                got.add(m["incident_id"])
        await healthy.close()
        # The stalled console: whatever it buffered, then the 4008 close.
        seen: dict[str, str] = {}
        last = None
        try:
            while True:
                m = json.loads(await asyncio.wait_for(stalled.recv(), seconds(3)))
                if m.get("event_id"):
                    last = m["event_id"]
                if m["type"] == "incident.assigned":
                    seen[m["incident_id"]] = m["event_id"]
        except Exception:  # noqa: BLE001 - the close ends the loop
            pass
        # The server drops it: with a close frame (4008) when the frame still fits in the
        # socket, or by closing the connection (1006 seen by the client) when not.
        assert stalled.close_code in (4008, 1006), stalled.close_code
        assert len(seen) < len(ids)
        back = await connect(svc.ws_url("command", since=last), max_size=2**22)
        assert json.loads(await back.recv())["type"] == "hello"
        while len(seen) < len(ids):
            m = json.loads(await asyncio.wait_for(back.recv(), seconds(10)))
            if m["type"] == "incident.assigned":
                assert m["incident_id"] not in seen, "no duplicate after resuming"
                seen[m["incident_id"]] = m["event_id"]
        assert set(seen) == set(ids)
        await back.close()
        assert time.monotonic() - t0 < seconds(90)
    finally:
        svc.stop()
