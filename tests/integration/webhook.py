"""A tiny receiving agency for the forum, hand-off and 12345 tests: an HTTP server on a free loopback port
that records every packet, can be told to fail, and signs acks like a real agency would."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from dispatch.handoff.signing import sign
from tests.support import ROOT, RedisServer, Service, free_port, wait_until


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes


@dataclass
class Agencies:
    """The test webhook server and the registry file that points the agencies at it."""

    port: int
    registry: Path
    deliveries: list[Delivery] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)  # path -> answers 503 this often

    def url(self, agency: str) -> str:
        return f"http://127.0.0.1:{self.port}/{agency}"

    def received(self, agency: str, timeout: float = 10) -> Delivery:
        return wait_until(lambda: next((d for d in self.deliveries if d.path == f"/{agency}"),
                                       None), timeout, what=f"a packet for {agency}")

    def for_incident(self, incident_id: str, timeout: float = 10) -> Delivery:
        return wait_until(lambda: next((d for d in self.deliveries
                                        if incident_id in d.raw.decode()), None),
                          timeout, what=f"a packet about {incident_id}")


def secret(agency: str) -> str:
    return f"{agency}-shared-secret"


def start_agencies(tmp: Path, *, unreachable: tuple[str, ...] = ()) -> tuple[Agencies, ThreadingHTTPServer]:
    """Start the webhook server and write a registry where every agency has a URL and secret.

    Agencies in ``unreachable`` point at a closed port (delivery always fails).
    """
    port = free_port()
    registry = json.loads((ROOT / "dispatch/handoff/data/agencies.json").read_text("utf-8"))
    dead = free_port()
    for entry in registry["agencies"]:
        host = dead if entry["id"] in unreachable else port
        entry["webhook_url"] = f"http://127.0.0.1:{host}/{entry['id']}"
        entry["secret"] = secret(entry["id"])
    path = tmp / "agencies.json"
    path.write_text(json.dumps(registry, ensure_ascii=False), encoding="utf-8")
    state = Agencies(port=port, registry=path)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            left = state.failures.get(self.path, 0)
            if left:
                state.failures[self.path] = left - 1
                self.send_response(503)
                self.end_headers()
                return
            state.deliveries.append(Delivery(self.path, dict(self.headers), json.loads(raw), raw))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"received":true}')

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return state, server


@dataclass
class World:
    """One service (API, pipeline worker, scheduler, reactors, RQ worker) on its own Redis,
    with every external agency pointed at the local webhook; shared by the forum, hand-off
    and 12345 tests (starting a stack costs seconds on a busy machine)."""

    service: Service
    agencies: Agencies


_WORLD: list[World] = []

# Short targets where a test waits for the real clock; long ones are tested under a
# virtual clock (the deadline handlers called with a clock set past the due time).
ENV = {"HANDOFF_ACK_S": "2", "WEBHOOK_RETRIES": "2", "WEBHOOK_BACKOFF_S": "0.5",
       "FORUM_REPLY_S": "2"}


def shared_world(request: pytest.FixtureRequest) -> World:
    """The test session's world, started on first use and stopped when pytest ends."""
    if _WORLD:
        return _WORLD[0]
    tmp = request.getfixturevalue("tmp_path_factory").mktemp("agencies")
    server = RedisServer().start()
    agents, http = start_agencies(tmp, unreachable=("police.bayannur",))
    svc = Service(server.url, namespace="agencies", HANDOFF_AGENCIES_PATH=str(agents.registry),
                  **ENV)

    def stop() -> None:
        svc.stop()
        server.cleanup()
        http.shutdown()
        http.server_close()
        _WORLD.clear()

    request.config.add_cleanup(stop)
    svc.start_all()
    svc.spawn("rq", [sys.executable, "-m", "dispatch", "rq-worker"])
    _WORLD.append(World(svc, agents))
    return _WORLD[0]


def signed_post(service: Service, handoff_id: str, action: str, body: dict[str, Any] | None,
                agency: str, key: str | None = None, at: float | None = None) -> httpx.Response:
    """POST an ack or outcome as ``agency`` would, signed with ``key`` (default its secret)."""
    raw = json.dumps(body or {}, ensure_ascii=False).encode()
    ts = int(time.time() if at is None else at)
    headers = {"Content-Type": "application/json", "X-Agency-Id": agency,
               "X-Agency-Timestamp": str(ts),
               "X-Agency-Signature": sign(key or secret(agency), ts, handoff_id, raw)}
    return service.http.post(f"{service.base}/v1/handoffs/{handoff_id}/{action}", content=raw,
                             headers=headers)
