"""Incidents for the hand-off unit tests, folded from events like the service does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dispatch.domain import incident as inc
from dispatch.domain.events import Event, EventType

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def incident(category: str = "self_harm", priority: str = "P1", *, channel: str = "forum",
             location: dict[str, Any] | None = None, **report: Any) -> inc.Incident:
    """A triaged, located incident assigned to the command centre (out of area)."""
    data: dict[str, Any] = {"channel": channel, "text": "心理抑郁,看不到希望", **report}
    state, _ = inc.create(Event(EventType.REPORT_RECEIVED, "INC-1", T0, data=data))
    place = location if location is not None else {
        "lat": 31.8755, "lon": 120.556, "radius_m": 1500.0, "source": "activity",
        "in_jurisdiction": False, "city": "张家港市", "province": "江苏省", "confidence": 0.3}
    at = T0 + timedelta(milliseconds=300)
    for event in (
        Event(EventType.TRIAGED, "INC-1", at, data={
            "category": category, "priority": priority, "flags": [], "confidence": 0.9,
            "cues": [{"phrase": "看不到希望", "span": [5, 10], "effect": "category:self_harm"}]}),
        Event(EventType.LOCATED, "INC-1", at, data=place),
        Event(EventType.ASSIGNED, "INC-1", at, data={"precinct": "command", "ack_due_at": None}),
    ):
        state, _ = inc.apply(state, event)
    return state
