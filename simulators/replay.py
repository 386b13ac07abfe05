"""Live replay: post a stream to a running service at an accelerated pace and play the
precinct officers on its console websockets.

For each line the body (the line without ``at`` and ``truth``) is posted at
``(at − first at) / speed`` seconds after the start. Simulated officers listen on the
chosen precinct feeds and acknowledge each ``incident.assigned`` after a delay drawn like
the simulation's (``SimConfig.officer_ack_median_s``), divided by ``speed`` too. The
command feed is always watched: every incident appears there, so the intake→console
latency (POST sent → ``incident.assigned`` received) and the escalations are measured on
it. At the end each incident is fetched (``GET /v1/incidents/{id}``) and compared with
the line's truth: category, priority, district and precinct (the precinct holding the
true point, from ``geo.locate`` of that point).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

import geo
from dispatch.auth import Role, issue
from dispatch.domain.events import parse_iso
from simulators.whatif.agents import lognormal
from simulators.whatif.knobs import SimConfig
from simulators.whatif.kpis import percentile


@dataclass
class ReplayResult:
    """What a replay measured."""

    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    assigned_seen: int = 0
    merged_seen: int = 0
    acks_sent: int = 0
    acks_ok: int = 0
    acked: set[str] = field(default_factory=set)  # incidents whose ack was confirmed
    ack_errors: list[str] = field(default_factory=list)
    latencies_s: list[float] = field(default_factory=list)
    escalated: dict[str, int] = field(default_factory=dict)  # incident id → highest level
    accuracy: dict[str, float | None] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # source_id → incident id
    wall_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        """JSON-ready summary (latency percentiles in milliseconds)."""
        lat = self.latencies_s
        return {"sent": self.sent, "accepted": self.accepted, "rejected": self.rejected,
                "delivered": self.assigned_seen + self.merged_seen,
                "assigned_seen": self.assigned_seen, "merged_seen": self.merged_seen,
                "acks_sent": self.acks_sent,
                "acks_ok": self.acks_ok, "ack_errors": self.ack_errors[:20],
                "latency_ms": {k: None if not lat else round(1000 * (percentile(lat, q) or 0), 1)
                               for k, q in (("p50", 50), ("p90", 90), ("p99", 99),
                                            ("max", 100))},
                "escalations": {"incidents": len(self.escalated),
                                "by_level": {str(lv): sum(1 for v in self.escalated.values()
                                                          if v == lv)
                                             for lv in sorted(set(self.escalated.values()))}},
                "accuracy": self.accuracy, "wall_s": round(self.wall_s, 2)}


def read_stream(path: str) -> list[dict[str, Any]]:
    """The lines of a JSONL stream file, in file order."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def body_of(line: Mapping[str, Any]) -> dict[str, Any]:
    """The POST /v1/reports body of a stream line (the API forbids unknown fields)."""
    return {k: v for k, v in line.items() if k not in ("at", "truth")}


class Tokens:
    """Tokens for posting, the command feed and precinct feeds: one given token (command
    or admin) for everything, or tokens signed with the service's secret."""

    def __init__(self, token: str | None = None, secret: str | None = None) -> None:
        if not token and not secret:
            raise ValueError("give a command/admin token or the service secret")
        self.token, self.secret = token, secret

    def command(self) -> str:
        return self.token or issue(self.secret or "", Role.command, name="replay-command")

    def poster(self) -> str:
        return self.token or issue(self.secret or "", Role.call_taker, name="replay")

    def precinct(self, precinct_id: str) -> str:
        if self.token:
            return self.token
        return issue(self.secret or "", Role.precinct, precinct=precinct_id)


def choose_consoles(spec: str, precinct_ids: Sequence[str]) -> list[str]:
    """``all``, a number N (the first N precincts by id) or comma-separated ids.

    Raises:
        ValueError: unknown ids or a bad number.
    """
    ordered = sorted(precinct_ids)
    if spec == "all":
        return ordered
    if spec.isdigit():
        return ordered[:int(spec)]
    wanted = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [w for w in wanted if w not in precinct_ids]
    if unknown or not wanted:
        raise ValueError(f"unknown precinct ids: {', '.join(unknown) or spec!r}")
    return wanted


def truth_precinct(truth: Mapping[str, Any]) -> str | None:
    """The precinct holding the line's true point (None out of area)."""
    point = truth.get("location") or {}
    if truth.get("out_of_area") or point.get("lat") is None:
        return None
    located = geo.locate(None, device=geo.DevicePoint(lat=point["lat"], lon=point["lon"]))
    return located.precinct


def accuracy(pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> dict[str, float | None]:
    """Share of incidents whose triage and geo match the truth, per field."""
    hits = {"category": 0, "priority": 0, "district": 0, "precinct": 0}
    seen = dict.fromkeys(hits, 0)
    for truth, incident in pairs:
        loc = incident.get("location") or {}
        for key, mine, real in (("category", incident.get("category"), truth.get("category")),
                                ("priority", incident.get("priority"), truth.get("priority"))):
            seen[key] += 1
            hits[key] += mine == real
        if truth.get("district") and not truth.get("out_of_area"):
            seen["district"] += 1
            hits["district"] += loc.get("district_name") == truth["district"]
            real_precinct = truth_precinct(truth)
            if real_precinct:
                seen["precinct"] += 1
                hits["precinct"] += loc.get("precinct") == real_precinct
    return {k: round(hits[k] / seen[k], 4) if seen[k] else None for k in hits}


class Replay:
    """One replay run against ``base`` (``http://host:port``)."""

    def __init__(self, base: str, tokens: Tokens, speed: float, consoles: str = "all",
                 seed: int = 7, config: SimConfig | None = None, settle_s: float = 10.0,
                 progress: Any = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.base = base.rstrip("/")
        self.ws_base = "ws" + self.base[4:] if self.base.startswith("http") else self.base
        self.tokens, self.speed, self.consoles = tokens, speed, consoles
        self.rng = random.Random(f"replay-{seed}")
        self.config = config or SimConfig()
        self.settle_s = settle_s
        self.progress = progress
        self.result = ReplayResult()
        self.sent_at: dict[str, float] = {}
        self.assigned_at: dict[str, float] = {}
        self.merged: set[str] = set()
        self._ack_tasks: set[asyncio.Task[None]] = set()

    async def run(self, lines: Sequence[Mapping[str, Any]]) -> ReplayResult:
        """Open the consoles, post the stream, settle, then fetch and score."""
        started = time.monotonic()
        headers = {"Authorization": f"Bearer {self.tokens.poster()}"}
        read = {"Authorization": f"Bearer {self.tokens.command()}"}
        async with httpx.AsyncClient(timeout=15) as http:
            r = await http.get(f"{self.base}/v1/precincts", headers=read)
            r.raise_for_status()
            feeds = choose_consoles(self.consoles, [p["id"] for p in r.json()])
            sockets = [await self._open("command", self.tokens.command())]
            sockets += [await self._open(f, self.tokens.precinct(f)) for f in feeds]
            listeners = [asyncio.create_task(self._listen(ws, feed))
                         for feed, ws in sockets]
            try:
                await self._post_all(http, headers, lines)
                await self._settle()
            finally:
                for task in listeners:
                    task.cancel()
                for _, ws in sockets:
                    await ws.close()
                for task in list(self._ack_tasks):
                    task.cancel()
            await self._score(http, read, lines)
        self.result.latencies_s = sorted(self.assigned_at[i] - self.sent_at[i]
                                         for i in self.assigned_at if i in self.sent_at)
        self.result.wall_s = time.monotonic() - started
        return self.result

    async def _open(self, feed: str, token: str) -> tuple[str, ClientConnection]:
        ws = await connect(f"{self.ws_base}/v1/consoles/{feed}/ws?token={token}",
                           open_timeout=15, max_size=2**22)
        hello = json.loads(await ws.recv())
        if hello.get("type") != "hello":
            raise RuntimeError(f"console {feed} did not say hello: {hello}")
        return feed, ws

    async def _post_all(self, http: httpx.AsyncClient, headers: Mapping[str, str],
                        lines: Sequence[Mapping[str, Any]]) -> None:
        if not lines:
            return
        first = parse_iso(lines[0]["at"])
        t0 = time.monotonic()
        pending: set[asyncio.Task[None]] = set()
        for line in lines:
            due = t0 + (parse_iso(line["at"]) - first).total_seconds() / self.speed
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(self._post(http, headers, line))
            pending.add(task)
            task.add_done_callback(pending.discard)
        if pending:
            await asyncio.gather(*pending)

    async def _post(self, http: httpx.AsyncClient, headers: Mapping[str, str],
                    line: Mapping[str, Any]) -> None:
        self.result.sent += 1
        sent = time.monotonic()
        r = await http.post(f"{self.base}/v1/reports", json=body_of(line), headers=headers)
        if r.status_code in (200, 202):  # 200: a repeat of a report already accepted
            incident_id = r.json()["id"]
            self.sent_at[incident_id] = sent
            self.result.accepted += 1
            if line.get("source_id"):
                self.result.ids[str(line["source_id"])] = incident_id
        else:
            self.result.rejected += 1
        if self.progress:
            self.progress("sent", self.result.sent)

    async def _listen(self, ws: ClientConnection, feed: str) -> None:
        async for raw in ws:
            message = json.loads(raw)
            kind, incident_id = message.get("type"), message.get("incident_id")
            if kind == "incident.assigned" and feed == "command":
                if incident_id not in self.assigned_at:
                    self.assigned_at[incident_id] = time.monotonic()
                    self.result.assigned_seen += 1
                    if self.progress:
                        self.progress("assigned", self.result.assigned_seen)
            elif kind == "incident.assigned" and message["payload"].get("precinct") == feed:
                priority = (message.get("incident") or {}).get("priority") or "P4"
                median = self.config.officer_ack_median_s.get(priority, 60.0)
                delay = lognormal(self.rng, median, self.config.officer_ack_sigma) / self.speed
                task = asyncio.create_task(self._ack_later(ws, incident_id, delay))
                self._ack_tasks.add(task)
                task.add_done_callback(self._ack_tasks.discard)
            elif kind == "incident.merged" and feed == "command" and incident_id not in self.merged:
                self.merged.add(incident_id)
                self.result.merged_seen += 1
            elif kind == "incident.escalated" and feed == "command":
                level = int(message["payload"].get("level", 1))
                self.result.escalated[incident_id] = max(level,
                                                         self.result.escalated.get(incident_id, 0))
            elif kind == "ack_result":
                if message["payload"].get("ok"):
                    self.result.acks_ok += 1
                    self.result.acked.add(str(message["payload"].get("incident_id")))
                else:
                    self.result.ack_errors.append(str(message["payload"].get("error")))

    async def _ack_later(self, ws: ClientConnection, incident_id: str, delay: float) -> None:
        await asyncio.sleep(delay)
        await ws.send(json.dumps({"type": "ack", "incident_id": incident_id}))
        self.result.acks_sent += 1

    async def _settle(self) -> None:
        """Wait until every delivered report was assigned (or merged) and acks are out."""
        deadline = time.monotonic() + self.settle_s
        while time.monotonic() < deadline:
            settled = len(self.assigned_at) + len(self.merged)
            answered = self.result.acks_ok + len(self.result.ack_errors)
            if settled >= self.result.accepted and not self._ack_tasks \
                    and answered >= self.result.acks_sent:
                await asyncio.sleep(0.3)  # let the last ack results arrive
                return
            await asyncio.sleep(0.05)

    async def _score(self, http: httpx.AsyncClient, headers: Mapping[str, str],
                     lines: Sequence[Mapping[str, Any]]) -> None:
        gate = asyncio.Semaphore(16)

        async def fetch(line: Mapping[str, Any]) -> tuple[Mapping[str, Any], Any] | None:
            incident_id = self.result.ids.get(str(line.get("source_id")))
            if incident_id is None or not line.get("truth"):
                return None
            async with gate:
                r = await http.get(f"{self.base}/v1/incidents/{incident_id}", headers=headers)
            return (line["truth"], r.json()) if r.status_code == 200 else None

        fetched = await asyncio.gather(*(fetch(line) for line in lines))
        pairs = [p for p in fetched if p is not None and p[1].get("category")]
        self.result.accuracy = await asyncio.to_thread(accuracy, pairs)
