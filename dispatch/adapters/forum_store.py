"""Forum posts on Redis, committed in the same transaction as their incident's events.

==============================  ======  =============================================
key                             type    holds
==============================  ======  =============================================
``{ns}:forum:post:{post_id}``   string  the post's JSON projection (:class:`Post`)
``{ns}:forum:due``              zset    open posts by the time their next target falls due
``{ns}:forum:recv``             zset    every post by received time (for the stats)
==============================  ======  =============================================

A post only changes together with an ``incident.forum`` event on its incident, and every
commit is guarded by the incident's version, so two moderators replying at once cannot
lose a reply: the second one reloads and decides again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from dispatch.adapters.redis_store import RedisStore
from dispatch.domain.errors import Conflict
from dispatch.domain.incident import Incident
from dispatch.forum.errors import UnknownPost
from dispatch.forum.post import Change, Post, PostStatus


class PostStore:
    """Reads forum posts and commits their changes with the incident store."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.r = store.r
        ns = store.keys.ns
        self._post = f"{ns}:forum:post:" + "{}"
        self.due_key = f"{ns}:forum:due"
        self.recv_key = f"{ns}:forum:recv"

    def key(self, post_id: str) -> str:
        """The Redis key of one post."""
        return self._post.format(post_id)

    def get(self, post_id: str) -> Post | None:
        """The post, or None if no post has that id."""
        raw = self.r.get(self.key(post_id))
        return None if raw is None else Post.from_dict(json.loads(raw))

    def load(self, post_id: str) -> Post:
        """The post.

        Raises:
            UnknownPost: no post has that id.
        """
        post = self.get(post_id)
        if post is None:
            raise UnknownPost(post_id)
        return post

    def many(self, post_ids: Sequence[str]) -> list[Post]:
        """The posts with these ids, in order, skipping any that vanished."""
        if not post_ids:
            return []
        raws = self.r.mget([self.key(p) for p in post_ids])
        return [Post.from_dict(json.loads(raw)) for raw in raws if raw is not None]

    def by_due(self, limit: int, status: PostStatus | None = None) -> list[Post]:
        """Open posts, soonest target first."""
        ids = [str(i) for i in self.r.zrange(self.due_key, 0, max(limit * 4, limit) - 1)]
        posts = self.many(ids)
        if status is not None:
            posts = [p for p in posts if p.status is status]
        return posts[:limit]

    def received_between(self, start: datetime, end: datetime) -> list[Post]:
        """Every post received in ``[start, end)``."""
        ids = [str(i) for i in self.r.zrangebyscore(self.recv_key, start.timestamp(),
                                                    f"({end.timestamp()}")]
        out: list[Post] = []
        for i in range(0, len(ids), 1000):
            out.extend(self.many(ids[i:i + 1000]))
        return out

    def ops(self, change: Change) -> list[tuple[object, ...]]:
        """The Redis commands that store ``change`` beside its incident's events."""
        post = change.post
        dl = self.store.keys.deadlines
        ops: list[tuple[object, ...]] = [
            ("SET", self.key(post.post_id), json.dumps(post.to_dict(), ensure_ascii=False)),
            ("ZADD", self.recv_key, post.received_at.timestamp(), post.post_id)]
        due = post.next_due
        ops.append(("ZADD", self.due_key, due.timestamp(), post.post_id) if due
                   else ("ZREM", self.due_key, post.post_id))
        ops.extend(("ZADD", dl, at.timestamp(), key) for key, at in change.open)
        ops.extend(("ZREM", dl, key) for key in change.close)
        return ops

    def commit(self, incident: Incident, change: Change,
               require_deadline: str | None = None) -> Post:
        """Append the change's events to ``incident`` and store the post, atomically.

        Raises:
            Conflict: the incident changed since it was loaded (or the deadline is gone).
        """
        self.store.commit(incident, change.events, require_deadline=require_deadline,
                          extra_ops=self.ops(change))
        return change.post

    def update(self, post_id: str, decide: Callable[[Post], Change | None],
               attempts: int = 8) -> Post:
        """Load the post and its incident, decide, commit; retry when a writer raced us.

        Raises:
            UnknownPost: no post has that id.
            PostConflict: from ``decide``.
            Conflict: still racing after ``attempts`` tries.
        """
        for _ in range(attempts):
            post = self.load(post_id)
            incident = self.store.load(post.incident_id)
            post = self.load(post_id)  # read after the incident: its version guards both
            change = decide(post)
            if change is None:
                return post
            try:
                return self.commit(incident, change)
            except Conflict:
                continue
        raise Conflict(f"forum post {post_id} is changing too fast; try again")
