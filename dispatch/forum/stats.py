"""The figures a forum's annual report states: posts, reply rate, on-time reply rate,
completion rate and satisfaction (e.g. 17,642 posts, 100 % replied, 100 % completed,
99.31 % satisfied)."""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median
from typing import Any

from dispatch.forum.post import Post


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarize(posts: Iterable[Post]) -> dict[str, Any]:
    """Aggregate the posts received in a period.

    Rates are shares of the posts received in the period (None when there are none);
    satisfaction is the share of rated posts rated ``satisfied`` or
    ``basically_satisfied`` (满意 + 基本满意), the usual definition in those reports.
    """
    items = list(posts)
    n = len(items)
    replied = [p for p in items if p.first_reply_at is not None]
    on_time = [p for p in replied if p.replied_on_time]
    completed = [p for p in items if p.completed_at is not None]
    rated = [p for p in items if p.rating is not None]
    satisfied = [p for p in rated if p.rating in ("satisfied", "basically_satisfied")]
    response = [(p.first_reply_at - p.received_at).total_seconds()
                for p in replied if p.first_reply_at is not None]
    by_urgency: dict[str, int] = {}
    for p in items:
        key = p.priority or "untriaged"
        by_urgency[key] = by_urgency.get(key, 0) + 1
    return {
        "posts": n,
        "replied": len(replied),
        "reply_rate": _rate(len(replied), n),
        "replied_on_time": len(on_time),
        "on_time_reply_rate": _rate(len(on_time), n),
        "completed": len(completed),
        "completion_rate": _rate(len(completed), n),
        "completed_on_time": sum(1 for p in completed if p.completed_on_time),
        "rated": len(rated),
        "satisfaction": _rate(len(satisfied), len(rated)),
        "median_first_reply_s": round(median(response), 3) if response else None,
        "by_priority": dict(sorted(by_urgency.items())),
    }
