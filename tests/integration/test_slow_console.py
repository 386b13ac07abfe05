"""A console that stops reading is dropped after a bounded buffer and loses nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time

import pytest
from websockets.asyncio.client import connect

from tests.support import RedisServer, Service, seconds

# Every feed message carries the incident's summary, text included: ~15 KB each here.
LONG_TEXT = "我家老人走丢了，穿灰色外套黑裤子，个子不高，说话不清楚，家属非常着急" * 140


def stalled_socket(port: int) -> socket.socket:
    """A client socket with a small, fixed receive window, as behind a frozen tab."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.connect(("127.0.0.1", port))
    sock.setblocking(False)
    return sock


@pytest.mark.slow
async def test_a_stalled_console_is_dropped_and_resumes_with_since(own_redis: RedisServer) -> None:
    svc = Service(own_redis.url, CONSOLE_QUEUE="8", ACK_TIMEOUT_S="600").start_all()
    try:
        t0 = time.monotonic()
        url = svc.ws_url("command")
        # max_queue=1: the client library stops reading the socket almost at once; no
        # compression, so each message really takes its ~15 KB of the socket's buffers.
        stalled = await connect(url, sock=stalled_socket(svc.port), max_queue=1, max_size=2**22,
                                compression=None)
        healthy = await connect(url, max_size=2**22)
        assert json.loads(await stalled.recv())["type"] == "hello"
        assert json.loads(await healthy.recv())["type"] == "hello"
        r = svc.post_report({"channel": "call", "text": LONG_TEXT[:5000],
                             "location": {"lat": 40.6, "lon": 109.85}})
        incident_id = r.json()["id"]
        svc.wait_status(incident_id, "assigned")
        # Each override re-assigns the incident: one ~15 KB feed message per call, enough
        # to fill the kernel's socket buffers and then the console's bounded queue.
        for i in range(360):
            resp = svc.post(f"/v1/incidents/{incident_id}/triage",
                            {"category": "missing_person", "priority": "P2" if i % 2 else "P3",
                             "reason": f"复核第{i}次"}, role="call_taker")
            assert resp.status_code == 200, resp.text
        expected: list[str] = []
        while True:
            try:
                m = json.loads(await asyncio.wait_for(healthy.recv(), seconds(5)))
            except TimeoutError:
                break
            if m.get("incident_id") == incident_id:
                expected.append(m["event_id"])
        await healthy.close()
        assert len(expected) >= 360
        # The stalled console: whatever it had buffered, then the server's drop.
        seen: list[str] = []
        with contextlib.suppress(Exception):  # the drop ends the loop
            while True:
                m = json.loads(await asyncio.wait_for(stalled.recv(), seconds(10)))
                if m.get("incident_id") == incident_id:
                    seen.append(m["event_id"])
        # With a close frame (4008) when it still fits, else by closing the connection.
        assert stalled.close_code in (4008, 1006), (stalled.close_code, len(seen), len(expected))
        assert len(seen) < len(expected), "it was dropped before it had everything"
        back = await connect(svc.ws_url("command", since=seen[-1]), max_size=2**22)
        assert json.loads(await back.recv())["type"] == "hello"
        while len(seen) < len(expected):
            m = json.loads(await asyncio.wait_for(back.recv(), seconds(10)))
            if m.get("incident_id") == incident_id:
                seen.append(m["event_id"])
        await back.close()
        assert seen == expected, "after resuming: every message, once, in order"
        assert time.monotonic() - t0 < seconds(90)
        # the operator sees it: one slow-client close on this process's /metrics
        metrics = svc.http.get(f"{svc.base}/metrics").text
        assert 'dispatch_ws_closes_total{reason="slow"} 1.0' in metrics
    finally:
        svc.stop()
