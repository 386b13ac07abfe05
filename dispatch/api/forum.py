"""The forum moderators' HTTP interface and console page.

Moderators work with ``call_taker`` or ``command`` tokens (the forum desk sits with the
call-takers); the forum platform relays the author's rating with its own ``call_taker``
token. Analysts may read the list and the figures.
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse
from pydantic import Field, StringConstraints

from dispatch.adapters.forum_store import PostStore
from dispatch.adapters.redis_store import RedisStore, summarize
from dispatch.api.deps import ClockDep, PrincipalDep, StoreDep
from dispatch.api.reads import ForumPostList, ForumPostRead, ForumStats
from dispatch.api.responses import errors, ok
from dispatch.api.schemas import AwareDatetime, Strict, Text
from dispatch.domain.errors import UnknownIncident
from dispatch.domain.events import iso
from dispatch.forum import post as core
from dispatch.forum import stats as forum_stats

router = APIRouter(tags=["forum"])

MAX_REPLY = 2000
PostId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:\-]{1,128}$")]
ReplyText = Annotated[Text, StringConstraints(max_length=MAX_REPLY)]
_PAGE = Path(__file__).resolve().parent.parent / "static" / "console" / "forum.html"
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache"}
_ERRORS = errors(forbidden="the role may not do this", not_found="unknown forum post")


class Satisfaction(str, Enum):
    """The author's verdict (满意 / 基本满意 / 不满意)."""

    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    dissatisfied = "dissatisfied"


class ReplyCreate(Strict):
    """A moderator's reply to the author (at most 2,000 characters)."""

    text: ReplyText


class CompleteRequest(Strict):
    """Completion (办结) of a post, with an optional closing summary."""

    summary: Annotated[str, StringConstraints(max_length=MAX_REPLY)] | None = None


class RatingCreate(Strict):
    """The author's satisfaction, relayed by the forum platform."""

    satisfaction: Satisfaction
    comment: Annotated[str, StringConstraints(max_length=500)] | None = Field(default=None)


class PostStatusFilter(str, Enum):
    """Which posts the list shows."""

    open = "open"
    replied = "replied"
    pending = "pending"  # open or replied: everything not yet completed


def _view(store: RedisStore, post: core.Post) -> dict[str, Any]:
    out = post.to_dict()
    try:
        incident = store.load(post.incident_id)
    except UnknownIncident:
        return out
    out["incident"] = {**summarize(incident), "cues": list(incident.cues),
                       "confidence": incident.confidence}
    return out


@router.get("/v1/forum/posts", response_model=None,
            responses={**_ERRORS, 200: ok(ForumPostList, "posts, soonest target first")})
def list_posts(store: StoreDep, who: PrincipalDep,
               status: PostStatusFilter = PostStatusFilter.pending,
               limit: int = Query(100, ge=1, le=500)) -> dict[str, Any]:
    """Posts not yet completed, the one whose target falls due soonest first."""
    wanted = None if status is PostStatusFilter.pending else core.PostStatus(status.value)
    posts = PostStore(store).by_due(limit, wanted)
    items = [_view(store, p) for p in posts]
    return {"items": items, "count": len(items)}


@router.get("/v1/forum/posts/{post_id}", response_model=None,
            responses={**_ERRORS, 200: ok(ForumPostRead, "the post")})
def get_post(post_id: PostId, store: StoreDep, who: PrincipalDep) -> dict[str, Any]:
    """One post with its replies, targets and incident summary."""
    return _view(store, PostStore(store).load(post_id))


@router.post("/v1/forum/posts/{post_id}/replies", status_code=201, response_model=None,
             responses={**_ERRORS, 201: ok(ForumPostRead, "the post with the reply"), 409: {"description": "the post is completed"},
                        422: {"description": "empty or over 2,000 characters"}})
def post_reply(post_id: PostId, body: ReplyCreate, store: StoreDep, clock: ClockDep,
               who: PrincipalDep) -> dict[str, Any]:
    """A moderator's reply; the first one meets (or misses) the reply target."""
    post = PostStore(store).update(post_id, lambda p: core.reply(p, body.text, who.actor,
                                                                 clock.now()))
    return _view(store, post)


@router.post("/v1/forum/posts/{post_id}/complete", response_model=None,
             responses={**_ERRORS, 200: ok(ForumPostRead, "the completed post"), 409: {"description": "completed already, or no reply yet"}})
def complete_post(post_id: PostId, store: StoreDep, clock: ClockDep, who: PrincipalDep,
                  body: CompleteRequest | None = None) -> dict[str, Any]:
    """Complete (办结) an answered post; closes its targets."""
    summary = body.summary if body else None
    post = PostStore(store).update(post_id, lambda p: core.complete(p, who.actor, clock.now(),
                                                                    summary))
    return _view(store, post)


@router.post("/v1/forum/posts/{post_id}/rating", response_model=None,
             responses={**_ERRORS, 200: ok(ForumPostRead, "the rated post"), 409: {"description": "not answered yet, or rated already"}})
def rate_post(post_id: PostId, body: RatingCreate, store: StoreDep, clock: ClockDep,
              who: PrincipalDep) -> dict[str, Any]:
    """The author's satisfaction with the answer (once per post)."""
    post = PostStore(store).update(post_id, lambda p: core.rate(
        p, body.satisfaction.value, body.comment, clock.now()))
    return _view(store, post)


@router.get("/v1/forum/stats", response_model=None, responses={
    **_ERRORS, 200: ok(ForumStats, "the figures of the period"),
    422: {"description": "bad period"}})
def get_stats(store: StoreDep, clock: ClockDep, who: PrincipalDep,
              start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
              end: Annotated[AwareDatetime | None, Query(alias="to")] = None) -> dict[str, Any]:
    """Posts received in ``[from, to)`` (default: the last 365 days) and their figures."""
    end = end or clock.now()
    try:
        start = start or end - timedelta(days=365)
    except OverflowError as exc:
        raise HTTPException(422, "'to' is too early for a one-year default period") from exc
    if start >= end:
        raise HTTPException(422, "'from' must be earlier than 'to'")
    if end - start > timedelta(days=3660):
        raise HTTPException(422, "the period may span at most ten years")
    figures = forum_stats.summarize(PostStore(store).received_between(start, end))
    return {"from": iso(start), "to": iso(end), **figures}


@router.get("/console/forum", response_class=HTMLResponse, summary="Forum moderator console")
def console_forum() -> HTMLResponse:
    """The moderators' page: posts by how soon their target falls due, triage, cues, reply box.

    Raises:
        HTTPException: 404 when the page is missing from the package.
    """
    if not _PAGE.is_file():
        raise HTTPException(404, "console page forum.html is not installed")
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"), headers=_PAGE_HEADERS)
