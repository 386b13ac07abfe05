"""Cluster-wide counters and histograms kept in Redis, written in the same atomic commit as
the events they count (so a retried commit never counts twice).

They describe the service as a whole (every API process and worker adds to the same
hash ``{ns}:metrics``), so they are exported once, on ``/metrics/cluster``, never on a
process's ``/metrics`` (where ``sum()`` over processes would count them once per process).

Field layout of the hash: ``c|<family>|<labels>`` for a counter, and
``h|<family>|<labels>|<le>`` / ``…|count`` / ``…|sum`` for a histogram, where
``<labels>`` is ``name=value,name=value`` in a fixed order. The two families that
predate this layout keep their old fields (``reports_received|<channel>``,
``latency_bucket|<le>``, ``escalations``, ``job_failures``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import Incident

# Seconds; from 50 ms (pipeline stages) to 30 min (an acknowledgment that escalated).
STAGE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
ACK_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
# Triage confidence, 0 to 1 (the classifier's probability of the category it chose).
CONFIDENCE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
HANDOFF_STAGES = frozenset({"created", "sent", "delivery_failed", "acknowledged", "outcome",
                            "ack_overdue", "locate_overdue"})
# The pipeline stages timed from the report's receipt (first occurrence only).
STAGES: Mapping[EventType, str] = {EventType.TRIAGED: "triage", EventType.LOCATED: "geo",
                                   EventType.ASSIGNED: "dispatch"}


class Batch(Protocol):
    """What the store's commit batch offers (``op`` queues one Redis command)."""

    def op(self, *args: object) -> int: ...


def labels(pairs: Sequence[tuple[str, str]]) -> str:
    """The label part of a field name."""
    return ",".join(f"{k}={v}" for k, v in pairs)


def count(batch: Batch, key: str, family: str, pairs: Sequence[tuple[str, str]],
          by: int = 1) -> None:
    """Add to a counter."""
    batch.op("HINCRBY", key, f"c|{family}|{labels(pairs)}", by)


def observe(batch: Batch, key: str, family: str, pairs: Sequence[tuple[str, str]],
            seconds: float, buckets: Sequence[float]) -> None:
    """Add one observation to a histogram (cumulative buckets, like Prometheus')."""
    base = f"h|{family}|{labels(pairs)}"
    for le in buckets:
        if seconds <= le:
            batch.op("HINCRBY", key, f"{base}|{le}", 1)
    batch.op("HINCRBY", key, f"{base}|count", 1)
    batch.op("HINCRBYFLOAT", key, f"{base}|sum", round(max(seconds, 0.0), 6))


def _since(later: datetime, earlier: datetime | None) -> float | None:
    return None if earlier is None else (later - earlier).total_seconds()


def observe_event(batch: Batch, key: str, event: Event, state: Incident,
                  before: Incident | None) -> None:
    """Count what one event says about the service.

    * ``dispatch_stage_seconds{stage}``: receipt → first triage / location / assignment;
    * ``dispatch_ack_seconds{priority}``: assignment → its acknowledgment (a reassignment
      starts a new clock, as the ack deadline does);
    * ``dispatch_triaged_total{category,needs_review}``: the share that needs a person;
    * ``dispatch_triage_confidence_ratio{channel}``: how sure the first triage was;
    * ``dispatch_handoff_steps_total{kind,stage}``: hand-offs created, sent, failed,
      acknowledged, answered, overdue;
    * ``dispatch_forum_breaches_total{target,priority}``: forum reply and completion
      targets missed (escalated to command);
    * ``dispatch_target_breaches_total{target,priority}``: incident targets missed (a unit
      not on scene within the arrival target).
    """
    stage = STAGES.get(event.type)
    if stage is not None:
        first = before is None or {
            "triage": before.priority, "geo": before.location,
            "dispatch": before.assigned_at}.get(stage) is None
        seconds = _since(event.at, state.received_at)
        if first and seconds is not None:
            observe(batch, key, "dispatch_stage_seconds", [("stage", stage)], seconds,
                    STAGE_BUCKETS)
    if event.type is EventType.TRIAGED and (before is None or before.priority is None):
        count(batch, key, "dispatch_triaged", [("category", state.category or "unknown"),
                                               ("needs_review", str(state.needs_review).lower())])
        if state.confidence is not None:
            observe(batch, key, "dispatch_triage_confidence_ratio", [("channel", state.channel)],
                    min(max(float(state.confidence), 0.0), 1.0), CONFIDENCE_BUCKETS)
    elif event.type is EventType.ACKNOWLEDGED and before is not None \
            and before.acknowledged_at is None:
        seconds = _since(event.at, before.assigned_at)
        if seconds is not None:
            observe(batch, key, "dispatch_ack_seconds", [("priority", state.priority or "none")],
                    seconds, ACK_BUCKETS)
    elif event.type is EventType.HANDOFF:
        step = str(event.data.get("stage") or "")
        if step in HANDOFF_STAGES:
            count(batch, key, "dispatch_handoff_steps", [
                ("kind", str(event.data.get("kind") or "unknown")), ("stage", step)])
    elif event.type is EventType.FORUM:
        step = str(event.data.get("stage") or "")
        if step in ("reply_overdue", "complete_overdue"):
            count(batch, key, "dispatch_forum_breaches", [
                ("target", step.removesuffix("_overdue")),
                ("priority", str(event.data.get("priority") or "none"))])
    elif event.type is EventType.TARGET_BREACHED:
        count(batch, key, "dispatch_target_breaches", [
            ("target", str(event.data.get("target") or "unknown")),
            ("priority", str(event.data.get("priority") or state.priority or "none"))])
