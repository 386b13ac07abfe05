"""The forum post's answer cycle, as pure functions: targets, replies, completion, rating,
escalations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.domain.events import EventType
from dispatch.forum import post as core
from dispatch.forum.errors import AlreadyRated, NotReplied, PostCompleted
from dispatch.forum.targets import ForumTargets

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
TARGETS = ForumTargets()


def opened(category: str = "consultation", priority: str = "P4") -> core.Post:
    change = core.open_post("INC-1", {"post_id": "p-1", "author": "网友"}, T0, category,
                            priority, (), TARGETS, T0 + timedelta(seconds=1))
    return change.post


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize(("category", "priority", "seconds"), [
    ("self_harm", "P2", 300), ("violent_crime", "P1", 300), ("fraud", "P2", 1800),
    ("consultation", "P4", 7200), ("dispute", "P3", 7200), (None, None, 7200)])
def test_reply_target_follows_triage(category: str | None, priority: str | None,
                                     seconds: int) -> None:
    assert TARGETS.reply_s(category, priority) == seconds


def test_targets_come_from_settings() -> None:
    t = ForumTargets.from_settings({"FORUM_REPLY_P1_S": 60, "FORUM_COMPLETE_S": 600})
    assert t.reply_s("self_harm", "P1") == 60 and t.complete_s == 600 and t.reply_p2_s == 1800


def test_open_sets_both_deadlines_from_receipt() -> None:
    change = core.open_post("INC-1", {"post_id": "p-1", "author": "a"}, T0, "self_harm", "P1",
                            ("minor",), TARGETS, at(2))
    post = change.post
    assert post.reply_due_at == at(300) and post.complete_due_at == at(3 * 86400)
    assert change.open == (("forum_reply|p-1", at(300)), ("forum_complete|p-1", at(259200)))
    (event,) = change.events
    assert event.type is EventType.FORUM and event.incident_id == "INC-1"
    assert event.data["stage"] == "opened" and event.data["urgency"] == "p1"
    assert event.data["elapsed_s"] == 2.0
    assert post.next_due == at(300)


def test_first_reply_meets_the_target_and_closes_its_deadline() -> None:
    change = core.reply(opened(), "您好", "call_taker:王", at(60))
    post = change.post
    assert post.status is core.PostStatus.replied and post.replied_on_time
    assert change.close == ("forum_reply|p-1",)
    assert change.events[0].data["on_time"] is True and change.events[0].data["response_s"] == 60
    second = core.reply(post, "补充", "call_taker:王", at(90))
    assert second.close == () and "on_time" not in second.events[0].data
    assert second.post.first_reply_at == at(60) and len(second.post.replies) == 2
    assert second.post.next_due == post.complete_due_at


def test_a_late_first_reply_is_recorded_as_late() -> None:
    change = core.reply(opened(), "抱歉久等", "x", at(7201))
    assert change.events[0].data["on_time"] is False and not change.post.replied_on_time


def test_completion_needs_a_reply_and_happens_once() -> None:
    with pytest.raises(NotReplied):
        core.complete(opened(), "x", at(10))
    replied = core.reply(opened(), "好", "x", at(10)).post
    done = core.complete(replied, "x", at(20), "已办结")
    assert done.post.status is core.PostStatus.completed and done.post.completed_on_time
    assert set(done.close) == {"forum_reply|p-1", "forum_complete|p-1"}
    assert done.post.next_due is None
    with pytest.raises(PostCompleted):
        core.complete(done.post, "x", at(30))
    with pytest.raises(PostCompleted):
        core.reply(done.post, "再说一句", "x", at(30))


def test_rating_once_after_a_reply() -> None:
    with pytest.raises(NotReplied):
        core.rate(opened(), "satisfied", None, at(5))
    replied = core.reply(opened(), "好", "x", at(10)).post
    with pytest.raises(ValueError):
        core.rate(replied, "meh", None, at(11))
    rated = core.rate(replied, "basically_satisfied", "还行", at(12))
    assert rated.post.rating == "basically_satisfied"
    assert rated.events[0].actor == "author:网友"
    with pytest.raises(AlreadyRated):
        core.rate(rated.post, "satisfied", None, at(13))


def test_missed_reply_escalates_once_and_not_early() -> None:
    post = opened("fraud", "P2")
    assert core.overdue(post, "reply", at(1799)) is None
    change = core.overdue(post, "reply", at(1805))
    assert change is not None
    data = change.events[0].data
    assert data["stage"] == "reply_overdue" and data["escalated_to"] == "command"
    assert data["overdue_s"] == 5 and change.close == ("forum_reply|p-1",)
    assert core.overdue(change.post, "reply", at(1900)) is None
    assert core.overdue(core.reply(post, "好", "x", at(100)).post, "reply", at(1900)) is None
    with pytest.raises(ValueError):
        core.overdue(post, "lunch", at(1900))


def test_missed_completion_escalates_even_after_a_reply() -> None:
    replied = core.reply(opened(), "好", "x", at(10)).post
    change = core.overdue(replied, "complete", at(3 * 86400 + 1))
    assert change is not None and change.events[0].data["stage"] == "complete_overdue"
    done = core.complete(replied, "x", at(20)).post
    assert core.overdue(done, "complete", at(3 * 86400 + 1)) is None


def test_retriage_moves_only_an_unanswered_post() -> None:
    post = opened("consultation", "P4")
    moved = core.retriage(post, "self_harm", "P1", TARGETS, at(30))
    assert moved is not None and moved.post.reply_due_at == at(300)
    assert moved.open == (("forum_reply|p-1", at(300)),)
    assert core.retriage(moved.post, "self_harm", "P1", TARGETS, at(40)) is None
    replied = core.reply(post, "好", "x", at(10)).post
    assert core.retriage(replied, "self_harm", "P1", TARGETS, at(40)) is None


@given(st.lists(st.sampled_from(["reply", "complete", "rate"]), max_size=8))
def test_the_cycle_round_trips_through_json(steps: list[str]) -> None:
    post = opened()
    for i, step in enumerate(steps):
        try:
            if step == "reply":
                post = core.reply(post, f"回复{i}", "x", at(i + 1)).post
            elif step == "complete":
                post = core.complete(post, "x", at(i + 1)).post
            else:
                post = core.rate(post, "satisfied", None, at(i + 1)).post
        except (PostCompleted, NotReplied, AlreadyRated):
            pass
        assert core.Post.from_dict(post.to_dict()) == post
