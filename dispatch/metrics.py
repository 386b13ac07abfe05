"""Prometheus metrics, in two expositions so that ``sum()`` is right.

* ``/metrics`` — **this process**: ``prometheus_client``'s default registry (process,
  platform and GC collectors) plus the API's own counters and histograms (HTTP requests
  and latency, websocket connections, drops and slow-client closes). Scrape it on every
  API process and ``sum()`` across them.
* ``/metrics/cluster`` — **the service as a whole**, read from Redis at scrape time
  (:class:`ClusterCollector`): counters every process adds to in Redis (reports, stage
  latency, ack time by priority, triage confidence and review share, hand-off steps,
  forum and incident target breaches, escalations, pipeline job failures) and the current state (open incidents by status and priority,
  pipeline and reactor backlog and lag, RQ queues and failed jobs, hand-offs overdue,
  heartbeats). Scrape it from **one** target (any API process answers the same), or
  aggregate with ``max()``.

Names follow prometheus_client conventions (counters end in ``_total``, times are
``_seconds``). docs/api.md lists every family; docs/grafana-dashboard.json uses them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, cast

import redis
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dispatch.adapters import heartbeats
from dispatch.adapters.redis_conn import replicas_of
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_metrics import ACK_BUCKETS, CONFIDENCE_BUCKETS, STAGE_BUCKETS
from dispatch.adapters.redis_store import LATENCY_BUCKETS
from dispatch.domain.incident import OPEN_STATUSES

CHANNELS = ("call", "forum", "transfer_12345")
PRIORITIES = ("P1", "P2", "P3", "P4", "none")
HEARTBEAT_ROLES = heartbeats.ROLES
HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

# -- this process (default registry: summed over processes) -------------------------------

HTTP_REQUESTS = Counter("dispatch_http_requests", "HTTP requests answered by this process",
                        ["method", "route", "status"])
HTTP_SECONDS = Histogram("dispatch_http_request_duration_seconds",
                         "Time to answer an HTTP request", ["method", "route"],
                         buckets=HTTP_BUCKETS)
WS_CONNECTIONS = Gauge("dispatch_ws_connections", "Websocket consoles connected to this process")
STORE_AVAILABLE = Gauge("dispatch_store_available",
                        "1 while this process's last check of the incident store succeeded "
                        "(0 during a failover or an outage)")
WS_OPENED = Counter("dispatch_ws_sessions", "Console websocket sessions accepted", ["feed_kind"])
WS_CLOSED = Counter("dispatch_ws_closes", "Console websocket sessions ended, by reason",
                    ["reason"])  # client (the console left), slow, expired, revoked, refused, error


class HttpMetrics:
    """ASGI middleware: count and time every HTTP request by its route template.

    The route is the matched path template (``/v1/incidents/{incident_id}``), never the
    raw path, so ids do not multiply the series; an unmatched path is ``unmatched``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = str(scope.get("method", "GET"))
            HTTP_REQUESTS.labels(method, route, str(status[0])).inc()
            HTTP_SECONDS.labels(method, route).observe(time.perf_counter() - start)


# -- the service as a whole (read from Redis: scrape once) --------------------------------


def _labels(text: str) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in text.split(",") if "=" in pair)


class ClusterCollector(Collector):
    """Reads the shared counters and the current state from Redis at scrape time."""

    def __init__(self, client: redis.Redis, keys: Keys, rq_client: redis.Redis,
                 queues: Callable[[], tuple[str, ...]],
                 now: Callable[[], float] = time.time) -> None:
        self.r = client
        self.keys = keys
        self.rq = rq_client
        self.queues = queues
        self.now = now

    def collect(self) -> Iterator[Metric]:
        raw = cast(Mapping[str, str], self.r.hgetall(self.keys.metrics))  # decoded client
        yield from self._legacy(raw)
        yield from self._shared(raw)
        yield from self._incidents()
        yield from self._streams()
        yield from self._rq()
        yield from self._heartbeats()
        yield from self._store()

    def _legacy(self, raw: Mapping[str, str]) -> Iterator[Metric]:
        received = CounterMetricFamily("dispatch_reports_received", "Reports accepted (202)",
                                       labels=["channel"])
        for channel in CHANNELS:
            received.add_metric([channel], float(raw.get(f"reports_received|{channel}", 0)))
        yield received
        buckets = [(str(le), float(raw.get(f"latency_bucket|{le}", 0))) for le in LATENCY_BUCKETS]
        buckets.append(("+Inf", float(raw.get("latency_count", 0))))
        yield HistogramMetricFamily(
            "dispatch_intake_to_assigned_seconds", "Time from the 202 to the first assignment",
            buckets=buckets, sum_value=float(raw.get("latency_sum", 0)))
        yield CounterMetricFamily("dispatch_escalations", "Escalation events appended",
                                  value=float(raw.get("escalations", 0)))
        yield CounterMetricFamily("dispatch_job_failures", "Pipeline job attempts that failed",
                                  value=float(raw.get("job_failures", 0)))
        yield GaugeMetricFamily("dispatch_open_deadlines", "Deadlines pending in the scheduler",
                                value=int(self.r.zcard(self.keys.deadlines)))

    def _shared(self, raw: Mapping[str, str]) -> Iterator[Metric]:
        counters: dict[str, dict[str, float]] = defaultdict(dict)
        hists: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
        for field, value in raw.items():
            parts = field.split("|")
            if parts[0] == "c" and len(parts) == 3:
                counters[parts[1]][parts[2]] = float(value)
            elif parts[0] == "h" and len(parts) == 4:
                hists[parts[1]][parts[2]][parts[3]] = float(value)
        specs: dict[str, tuple[str, list[str], tuple[float, ...]]] = {
            "dispatch_stage_seconds": (("Receipt to the first triage, location and assignment, "
                                        "by pipeline stage"), ["stage"], STAGE_BUCKETS),
            "dispatch_ack_seconds": ("Assignment to its acknowledgment, by priority",
                                     ["priority"], ACK_BUCKETS),
            "dispatch_triage_confidence_ratio": (("Confidence of the first triage of a "
                                                  "report (0 to 1), by channel"),
                                                 ["channel"], CONFIDENCE_BUCKETS)}
        for name, (doc, names, bounds) in specs.items():
            histogram = HistogramMetricFamily(name, doc, labels=names)
            for label_text, values in sorted(hists.get(name, {}).items()):
                lab = _labels(label_text)
                histogram.add_metric([lab.get(n, "") for n in names],
                                     [(str(le), values.get(str(le), 0.0)) for le in bounds]
                                     + [("+Inf", values.get("count", 0.0))],
                                     sum_value=values.get("sum", 0.0))
            yield histogram
        counter_specs = {
            "dispatch_triaged": (("Reports triaged, by category and whether a person must "
                                  "review the triage (needs_review)"), ["category", "needs_review"]),
            "dispatch_handoff_steps": (("Hand-off steps: created, sent, delivery_failed, "
                                        "acknowledged, outcome, ack_overdue, locate_overdue"),
                                       ["kind", "stage"]),
            "dispatch_forum_breaches": (("Forum targets missed and escalated to command: "
                                         "reply, complete"), ["target", "priority"]),
            "dispatch_target_breaches": (("Incident targets missed (arrival: no unit on "
                                          "scene in time)"), ["target", "priority"])}
        for name, (doc, names) in counter_specs.items():
            counter = CounterMetricFamily(name, doc, labels=names)
            for label_text, total in sorted(counters.get(name, {}).items()):
                lab = _labels(label_text)
                counter.add_metric([lab.get(n, "") for n in names], total)
            yield counter

    def _incidents(self) -> Iterator[Metric]:
        family = GaugeMetricFamily("dispatch_open_incidents",
                                   "Open incidents by status and priority",
                                   labels=["status", "priority"])
        pipe = self.r.pipeline(transaction=False)
        pairs = [(s.value, p) for s in sorted(OPEN_STATUSES, key=lambda s: s.value)
                 for p in PRIORITIES]
        for status, priority in pairs:
            pipe.zcard(self.keys.index("sp", f"{status}|{priority}"))
        for (status, priority), n in zip(pairs, pipe.execute()):
            family.add_metric([status, priority], float(n))
        yield family

    def _streams(self) -> Iterator[Metric]:
        pending = GaugeMetricFamily("dispatch_stream_pending",
                                    "Entries delivered to a consumer group and not yet acked",
                                    labels=["stream", "group"])
        lag = GaugeMetricFamily("dispatch_stream_lag",
                                "Entries of the stream a consumer group has not read yet",
                                labels=["stream", "group"])
        consumers = GaugeMetricFamily("dispatch_stream_consumers",
                                      "Consumers registered in a group", labels=["stream", "group"])
        for stream, key in (("reports", self.keys.reports), ("events", self.keys.events)):
            try:
                groups: list[dict[str, Any]] = self.r.xinfo_groups(key)
            except redis.ResponseError:  # the stream does not exist yet
                groups = []
            for g in groups:
                name = str(g.get("name"))
                pending.add_metric([stream, name], float(g.get("pending") or 0))
                lag.add_metric([stream, name], float(g.get("lag") or 0))
                consumers.add_metric([stream, name], float(g.get("consumers") or 0))
        yield pending
        yield lag
        yield consumers

    def _rq(self) -> Iterator[Metric]:
        from rq import Queue
        from rq.registry import FailedJobRegistry, StartedJobRegistry

        queued = GaugeMetricFamily("dispatch_rq_queued_jobs", "RQ jobs waiting, by queue",
                                   labels=["queue"])
        started = GaugeMetricFamily("dispatch_rq_started_jobs", "RQ jobs running, by queue",
                                    labels=["queue"])
        failed = GaugeMetricFamily("dispatch_rq_failed_jobs",
                                   "Jobs in RQ's failed-job registry (rq info; rq requeue)",
                                   labels=["queue"])
        for name in self.queues():
            q = Queue(name, connection=self.rq)
            queued.add_metric([name], float(q.count))
            started.add_metric([name], float(StartedJobRegistry(name, connection=self.rq).count))
            failed.add_metric([name], float(FailedJobRegistry(name, connection=self.rq).count))
        yield queued
        yield started
        yield failed

    def _store(self) -> Iterator[Metric]:
        """Replication and failover: the node answering, its replicas and their lag, and the
        primary changes the API processes recorded (dispatch.adapters.store_watch)."""
        info = self.r.info("replication")
        yield GaugeMetricFamily("dispatch_redis_is_primary",
                                "1 when the node the service writes to is a primary",
                                value=1.0 if info.get("role") == "master" else 0.0)
        yield GaugeMetricFamily("dispatch_redis_connected_replicas",
                                "Replicas connected to the primary",
                                value=float(info.get("connected_slaves", 0) or 0))
        lag = GaugeMetricFamily("dispatch_redis_replica_lag_bytes",
                                "How far each replica's offset is behind the primary's",
                                labels=["replica"])
        for replica in replicas_of(info):
            lag.add_metric([replica["node"]], float(replica["lag_bytes"]))
        yield lag
        seen = cast(Mapping[str, str], self.r.hgetall(self.keys.store_primary))
        changes = CounterMetricFamily("dispatch_redis_primary_changes",
                                      "Primary changes seen: failover (another node promoted) "
                                      "or restart (the same node, a new run)", labels=["kind"])
        last = GaugeMetricFamily("dispatch_redis_last_primary_change_timestamp_seconds",
                                 "When the last primary change of a kind was seen (0: never)",
                                 labels=["kind"])
        for kind in ("failover", "restart"):
            changes.add_metric([kind], float(seen.get(f"{kind}s", 0) or 0))
            last.add_metric([kind], float(seen.get(f"last_{kind}_epoch", 0) or 0))
        yield changes
        yield last

    def _heartbeats(self) -> Iterator[Metric]:
        alive = GaugeMetricFamily("dispatch_heartbeats_alive",
                                  "Processes whose heartbeat has not expired, by role",
                                  labels=["role"])
        age = GaugeMetricFamily("dispatch_heartbeat_oldest_age_seconds",
                                "Age of the oldest live heartbeat of a role", labels=["role"])
        overdue = GaugeMetricFamily("dispatch_deadlines_overdue",
                                    "Deadlines already due that no scheduler has fired yet "
                                    "(the scheduler is behind or down), by kind",
                                    labels=["kind"])
        for role in HEARTBEAT_ROLES:
            live = heartbeats.alive(self.r, self.keys, role, self.now())
            alive.add_metric([role], float(len(live)))
            age.add_metric([role], max((a for _, a in live), default=0.0))
        # 5 s of grace: a scheduler polls about once a second.
        due = self.r.zrangebyscore(self.keys.deadlines, "-inf", self.now() - 5.0, start=0,
                                   num=10000)
        kinds: dict[str, int] = defaultdict(int)
        for key in due:
            kinds[str(key).split("|", 1)[0]] += 1
        for kind, n in sorted(kinds.items()):
            overdue.add_metric([kind], float(n))
        yield alive
        yield age
        yield overdue
