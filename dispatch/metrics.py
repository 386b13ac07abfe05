"""Prometheus metrics. Shared figures live in Redis so every API process reports the same."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import redis
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import LATENCY_BUCKETS

CHANNELS = ("call", "forum", "transfer_12345")


class DispatchCollector(Collector):
    """Reads the counters the pipeline keeps in Redis at scrape time."""

    def __init__(self, client: redis.Redis, keys: Keys, consoles: Callable[[], int]) -> None:
        self.r = client
        self.keys = keys
        self.consoles = consoles

    def collect(self) -> Iterator[Metric]:
        raw = self.r.hgetall(self.keys.metrics)
        received = CounterMetricFamily("dispatch_reports_received", "Reports accepted (202)",
                                       labels=["channel"])
        for channel in CHANNELS:
            received.add_metric([channel], float(raw.get(f"reports_received|{channel}", 0)))
        yield received
        buckets = [(str(le), float(raw.get(f"latency_bucket|{le}", 0))) for le in LATENCY_BUCKETS]
        count = float(raw.get("latency_count", 0))
        buckets.append(("+Inf", count))
        yield HistogramMetricFamily(
            "dispatch_intake_to_assigned_seconds", "Time from the 202 to the assignment",
            buckets=buckets, sum_value=float(raw.get("latency_sum", 0)))
        yield GaugeMetricFamily("dispatch_connected_consoles",
                                "Websocket consoles connected to this API process",
                                value=self.consoles())
        yield GaugeMetricFamily("dispatch_open_deadlines", "Deadlines pending in the scheduler",
                                value=int(self.r.zcard(self.keys.deadlines)))
        yield CounterMetricFamily("dispatch_escalations", "Escalation events appended",
                                  value=float(raw.get("escalations", 0)))
        yield CounterMetricFamily("dispatch_job_failures", "Pipeline job attempts that failed",
                                  value=float(raw.get("job_failures", 0)))
