"""The annual-report figures from a set of posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dispatch.forum import post as core
from dispatch.forum.stats import summarize
from dispatch.forum.targets import ForumTargets

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def post(i: int, reply_after: float | None = None, complete: bool = False,
         rating: str | None = None) -> core.Post:
    p = core.open_post(f"I{i}", {"post_id": f"p{i}"}, T0, "consultation", "P4", (),
                       ForumTargets(), T0).post
    if reply_after is not None:
        p = core.reply(p, "好", "x", T0 + timedelta(seconds=reply_after)).post
    if complete:
        p = core.complete(p, "x", T0 + timedelta(seconds=(reply_after or 0) + 60)).post
    if rating:
        p = core.rate(p, rating, None, T0 + timedelta(hours=1)).post
    return p


def test_figures() -> None:
    posts = [post(1, 60, True, "satisfied"), post(2, 8000, True, "basically_satisfied"),
             post(3, 100, False, "dissatisfied"), post(4)]
    f = summarize(posts)
    assert f["posts"] == 4 and f["replied"] == 3 and f["reply_rate"] == 0.75
    assert f["replied_on_time"] == 2 and f["on_time_reply_rate"] == 0.5
    assert f["completed"] == 2 and f["completion_rate"] == 0.5
    assert f["rated"] == 3 and f["satisfaction"] == round(2 / 3, 4)
    assert f["median_first_reply_s"] == 100 and f["by_priority"] == {"P4": 4}


def test_no_posts_gives_no_rates() -> None:
    f = summarize([])
    assert f["posts"] == 0 and f["reply_rate"] is None and f["satisfaction"] is None
    assert f["median_first_reply_s"] is None
