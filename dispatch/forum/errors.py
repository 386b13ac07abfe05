"""Errors of the forum workflow.

::

    DispatchError
     ├── UnknownIncident
     │    └── UnknownPost          no forum post has that id (HTTP 404)
     └── Conflict
          └── PostConflict         the post does not allow it now (HTTP 409)
               ├── PostCompleted   a reply or completion for a completed (办结) post
               ├── NotReplied      completion or rating before any reply
               └── AlreadyRated    the author has rated the post already

The API maps the dispatch errors to HTTP status codes in one place (``dispatch.app``).
"""

from __future__ import annotations

from dispatch.domain.errors import Conflict, DispatchError, UnknownIncident


class UnknownPost(UnknownIncident):
    """No forum post has the given id."""

    def __init__(self, post_id: str) -> None:
        DispatchError.__init__(self, f"unknown forum post {post_id!r}")
        self.incident_id = post_id
        self.post_id = post_id


class PostConflict(Conflict):
    """The post's state does not allow the request."""


class PostCompleted(PostConflict):
    """The post is completed (办结): it takes no more replies and no second completion."""


class NotReplied(PostConflict):
    """Nobody has replied to the post yet."""


class AlreadyRated(PostConflict):
    """The author has already rated the post."""
