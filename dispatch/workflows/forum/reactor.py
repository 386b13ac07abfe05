"""The forum workflow's adapters: a reactor on the command feed and the deadline handlers.

* On ``incident.triaged`` of a forum report the reactor opens the post's answer cycle
  (reply and completion deadlines); on ``incident.retriaged`` it moves the reply target.
  Both are idempotent: a redelivered feed entry changes nothing.
* ``forum_reply|<post_id>`` and ``forum_complete|<post_id>`` deadlines escalate a missed
  target onto the command feed, exactly once even with several schedulers (the commit
  requires the deadline to still be pending).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from dispatch.adapters.forum_store import PostStore
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import Clock
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.incident import Incident
from dispatch.forum import post as core
from dispatch.forum.targets import ForumTargets

log = logging.getLogger("dispatch.forum")


def forum_fields(incident: Incident) -> dict[str, Any]:
    """The post's ``forum`` object; a forum report sent without one is keyed by its incident id."""
    forum = incident.extra.get("forum")
    return dict(forum) if isinstance(forum, Mapping) else {"post_id": incident.id}


class ForumReactor:
    """Opens and re-targets forum posts as their incidents are triaged."""

    name = "forum"
    types = frozenset({"incident.triaged", "incident.retriaged", "incident.handoff"})

    def __init__(self, store: RedisStore, clock: Clock, targets: ForumTargets) -> None:
        self.store = store
        self.posts = PostStore(store)
        self.clock = clock
        self.targets = targets

    def react(self, message: Mapping[str, Any]) -> None:
        """Handle one command-feed message (see :class:`dispatch.processes.reactors.Reactor`)."""
        summary = message.get("incident") or {}
        if summary.get("channel") != "forum":
            return
        kind = message.get("type")
        payload = message.get("payload") or {}
        if kind == "incident.triaged":
            self._open(str(message["incident_id"]))
        elif kind == "incident.retriaged":
            self._retriage(str(message["incident_id"]))
        elif kind == "incident.handoff" and payload.get("stage") == "caller_told" \
                and payload.get("via") == "forum_reply" and isinstance(payload.get("text"), str):
            self._tell(str(message["incident_id"]), payload["text"])

    def _tell(self, incident_id: str, text: str) -> None:
        """Post the transfer notice as a reply, so the author is told on the forum."""
        incident = self.store.load(incident_id)
        post_id = str(forum_fields(incident)["post_id"])
        if self.posts.get(post_id) is None:
            return
        now = self.clock.now()

        def decide(post: core.Post) -> core.Change | None:
            if post.status is core.PostStatus.completed or \
                    any(r.get("text") == text for r in post.replies):
                return None
            return core.reply(post, text, "system", now)

        self.posts.update(post_id, decide)

    def _open(self, incident_id: str) -> None:
        for _ in range(8):
            incident = self.store.load(incident_id)
            forum = forum_fields(incident)
            if self.posts.get(str(forum["post_id"])) is not None:
                return  # opened already: a redelivered entry
            change = core.open_post(incident.id, forum, incident.received_at,
                                    incident.category, incident.priority, incident.flags,
                                    self.targets, self.clock.now())
            try:
                self.posts.commit(incident, change)
                return
            except Conflict:
                continue
        raise Conflict(f"could not open the forum post of incident {incident_id}")

    def _retriage(self, incident_id: str) -> None:
        incident = self.store.load(incident_id)
        post_id = str(forum_fields(incident)["post_id"])
        if self.posts.get(post_id) is None:
            return
        now = self.clock.now()

        def decide(post: core.Post) -> core.Change | None:
            current = self.store.load(incident_id)
            return core.retriage(post, current.category, current.priority, self.targets, now)

        self.posts.update(post_id, decide)


class ForumDeadlines:
    """Escalates missed forum targets (deadline kinds ``forum_reply`` and ``forum_complete``)."""

    def __init__(self, store: RedisStore, clock: Clock) -> None:
        self.store = store
        self.posts = PostStore(store)
        self.clock = clock

    def reply(self, key: str, post_id: str) -> None:
        """The first-reply target of ``post_id`` fell due."""
        self._fire(key, post_id, "reply")

    def complete(self, key: str, post_id: str) -> None:
        """The completion target of ``post_id`` fell due."""
        self._fire(key, post_id, "complete")

    def _fire(self, key: str, post_id: str, kind: str) -> None:
        r = self.store.r
        for _ in range(5):
            if r.zscore(self.store.keys.deadlines, key) is None:
                return  # another scheduler fired it, or the target was met meanwhile
            post = self.posts.get(post_id)
            if post is None:
                self.store.drop_deadline(key)
                return
            try:
                incident = self.store.load(post.incident_id)
            except UnknownIncident:
                self.store.drop_deadline(key)
                return
            post = self.posts.load(post_id)
            now = self.clock.now()
            change = core.overdue(post, kind, now)
            if change is None:
                due = post.reply_due_at if kind == "reply" else post.complete_due_at
                if due > now and post.next_due is not None:
                    r.zadd(self.store.keys.deadlines, {key: due.timestamp()})
                else:
                    self.store.drop_deadline(key)
                return
            try:
                self.posts.commit(incident, change, require_deadline=key)
                log.warning("forum post %s missed its %s target", post_id, kind)
                return
            except Conflict:
                continue
