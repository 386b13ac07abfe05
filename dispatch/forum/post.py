"""A forum post's answer cycle: opened → replied → completed (办结), then rated.

Pure functions over a frozen :class:`Post`. Each returns a :class:`Change`: the new post,
the ``incident.forum`` timeline events to append to the post's incident, and the
deadlines to open or close. The adapters commit all of it in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from dispatch.domain.events import Event, EventType, iso, parse_iso
from dispatch.forum.errors import AlreadyRated, NotReplied, PostCompleted
from dispatch.forum.targets import ForumTargets

SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")


class PostStatus(str, Enum):
    """Where a post stands."""

    open = "open"            # waiting for its first reply
    replied = "replied"      # answered, not yet completed
    completed = "completed"  # 办结


def reply_deadline_key(post_id: str) -> str:
    """The deadline of the first reply."""
    return f"forum_reply|{post_id}"


def complete_deadline_key(post_id: str) -> str:
    """The deadline of completion."""
    return f"forum_complete|{post_id}"


@dataclass(frozen=True, slots=True)
class Post:
    """One forum post and its answers (a projection kept beside its incident)."""

    post_id: str
    incident_id: str
    received_at: datetime
    reply_due_at: datetime
    complete_due_at: datetime
    author: str | None = None
    posted_at: str | None = None
    thread_url: str | None = None
    category: str | None = None
    priority: str | None = None
    flags: tuple[str, ...] = ()
    status: PostStatus = PostStatus.open
    replies: tuple[Mapping[str, Any], ...] = ()
    first_reply_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    rating: str | None = None
    rating_comment: str | None = None
    rated_at: datetime | None = None
    escalations: tuple[str, ...] = ()

    @property
    def next_due(self) -> datetime | None:
        """The target that falls due next (None once completed)."""
        if self.status is PostStatus.open:
            return min(self.reply_due_at, self.complete_due_at)
        if self.status is PostStatus.replied:
            return self.complete_due_at
        return None

    @property
    def replied_on_time(self) -> bool:
        """True when the first reply came within its target."""
        return self.first_reply_at is not None and self.first_reply_at <= self.reply_due_at

    @property
    def completed_on_time(self) -> bool:
        """True when the post was completed within its target."""
        return self.completed_at is not None and self.completed_at <= self.complete_due_at

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state (timestamps as UTC ISO-8601)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = iso(value)
            elif isinstance(value, Enum):
                value = value.value
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        due = self.next_due
        out["next_due_at"] = iso(due) if due else None
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Post:
        """Rebuild from :meth:`to_dict` output."""
        kw = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in ("received_at", "reply_due_at", "complete_due_at", "first_reply_at",
                     "completed_at", "rated_at"):
            if kw.get(name):
                kw[name] = parse_iso(kw[name])
        kw["status"] = PostStatus(kw["status"])
        for name in ("flags", "replies", "escalations"):
            kw[name] = tuple(kw.get(name) or ())
        return cls(**kw)


@dataclass(frozen=True, slots=True)
class Change:
    """What one step does: the new post, timeline events, deadlines to open and close."""

    post: Post
    events: tuple[Event, ...]
    open: tuple[tuple[str, datetime], ...] = ()
    close: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)


def _event(post: Post, stage: str, now: datetime, actor: str = "system",
           **data: Any) -> Event:
    body = {"stage": stage, "post_id": post.post_id,
            "elapsed_s": round((now - post.received_at).total_seconds(), 3), **data}
    return Event(EventType.FORUM, post.incident_id, now, actor=actor, data=body)


def open_post(incident_id: str, forum: Mapping[str, Any], received_at: datetime,
              category: str | None, priority: str | None, flags: tuple[str, ...],
              targets: ForumTargets, now: datetime) -> Change:
    """Open the answer cycle of a triaged forum post.

    The targets run from ``received_at`` (the centre's own clock), not from the
    platform's ``posted_at``, which the centre cannot check.
    """
    reply_s = targets.reply_s(category, priority)
    post = Post(post_id=str(forum["post_id"]), incident_id=incident_id, received_at=received_at,
                reply_due_at=received_at + timedelta(seconds=reply_s),
                complete_due_at=received_at + timedelta(seconds=targets.complete_s),
                author=forum.get("author"), posted_at=forum.get("posted_at"),
                thread_url=forum.get("thread_url"), category=category, priority=priority,
                flags=tuple(flags))
    urgency = targets.urgency(category, priority)
    event = _event(post, "opened", now, reply_due_at=iso(post.reply_due_at),
                   complete_due_at=iso(post.complete_due_at), reply_target_s=reply_s,
                   urgency=urgency, priority=priority, category=category)
    return Change(post, (event,), open=((reply_deadline_key(post.post_id), post.reply_due_at),
                                        (complete_deadline_key(post.post_id),
                                         post.complete_due_at)))


def retriage(post: Post, category: str | None, priority: str | None, targets: ForumTargets,
             now: datetime) -> Change | None:
    """Move the reply target after a call-taker re-triaged the post (None: nothing moves)."""
    if post.status is not PostStatus.open:
        return None
    due = post.received_at + timedelta(seconds=targets.reply_s(category, priority))
    if due == post.reply_due_at and (category, priority) == (post.category, post.priority):
        return None
    new = replace(post, category=category, priority=priority, reply_due_at=due)
    event = _event(new, "target_changed", now, reply_due_at=iso(due), priority=priority,
                   category=category)
    return Change(new, (event,), open=((reply_deadline_key(post.post_id), due),))


def reply(post: Post, text: str, actor: str, now: datetime) -> Change:
    """A moderator's reply.

    Raises:
        PostCompleted: the post is completed; it takes no more replies.
    """
    if post.status is PostStatus.completed:
        raise PostCompleted(f"forum post {post.post_id} is completed; it takes no more replies")
    first = post.first_reply_at is None
    entry = {"at": iso(now), "by": actor, "text": text}
    new = replace(post, replies=(*post.replies, entry),
                  first_reply_at=now if first else post.first_reply_at,
                  status=PostStatus.replied)
    data: dict[str, Any] = {"text": text, "first": first}
    if first:
        data["on_time"] = new.replied_on_time
        data["response_s"] = round((now - post.received_at).total_seconds(), 3)
    event = _event(new, "replied", now, actor=actor, **data)
    return Change(new, (event,), close=(reply_deadline_key(post.post_id),) if first else ())


def complete(post: Post, actor: str, now: datetime, summary: str | None = None) -> Change:
    """Complete (办结) a post that has been answered.

    Raises:
        PostCompleted: it is completed already.
        NotReplied: nobody has replied yet (reply first, then complete).
    """
    if post.status is PostStatus.completed:
        raise PostCompleted(f"forum post {post.post_id} is already completed")
    if post.first_reply_at is None:
        raise NotReplied(f"forum post {post.post_id} has no reply yet; reply before completing")
    new = replace(post, status=PostStatus.completed, completed_at=now, completed_by=actor)
    event = _event(new, "completed", now, actor=actor, on_time=new.completed_on_time,
                   summary=summary)
    return Change(new, (event,), close=(reply_deadline_key(post.post_id),
                                        complete_deadline_key(post.post_id)))


def rate(post: Post, satisfaction: str, comment: str | None, now: datetime) -> Change:
    """The author's satisfaction with the answer.

    Raises:
        ValueError: ``satisfaction`` is not one of :data:`SATISFACTION`.
        NotReplied: the post has no reply to rate.
        AlreadyRated: the author has rated it already.
    """
    if satisfaction not in SATISFACTION:
        raise ValueError(f"satisfaction must be one of {', '.join(SATISFACTION)}")
    if post.first_reply_at is None:
        raise NotReplied(f"forum post {post.post_id} has no reply to rate yet")
    if post.rating is not None:
        raise AlreadyRated(f"forum post {post.post_id} was rated already")
    new = replace(post, rating=satisfaction, rating_comment=comment, rated_at=now)
    event = _event(new, "rated", now, actor=f"author:{post.author or 'unknown'}",
                   satisfaction=satisfaction, comment=comment)
    return Change(new, (event,))


def overdue(post: Post, kind: str, now: datetime) -> Change | None:
    """The escalation of a missed target, or None when nothing is overdue.

    Args:
        post: the post.
        kind: ``reply`` or ``complete``.
        now: the time the deadline fired.

    Returns:
        A change with an ``incident.forum`` event of stage ``reply_overdue`` or
        ``complete_overdue`` (``escalated_to: command``), published on the command feed
        like every incident event; None if the target was met or escalated already.
    """
    if kind == "reply":
        pending, due = post.status is PostStatus.open, post.reply_due_at
    elif kind == "complete":
        pending, due = post.status is not PostStatus.completed, post.complete_due_at
    else:
        raise ValueError(f"unknown forum target {kind!r}")
    if not pending or due > now or kind in post.escalations:
        return None
    new = replace(post, escalations=(*post.escalations, kind))
    event = _event(new, f"{kind}_overdue", now, escalated_to="command", level=1,
                   due_at=iso(due), overdue_s=round((now - due).total_seconds(), 3),
                   priority=post.priority,
                   reason=("no reply within the forum target" if kind == "reply"
                           else "not completed within the forum target"))
    key = reply_deadline_key(post.post_id) if kind == "reply" else complete_deadline_key(post.post_id)
    return Change(new, (event,), close=(key,))
