"""What the service is made of: its HTTP routers, event reactors and deadline kinds.

One list per extension point, so a capability plugs in with one line here and nothing is
looked up by string at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import APIRouter

if TYPE_CHECKING:
    from dispatch.adapters.redis_store import RedisStore
    from dispatch.clock import Clock
    from dispatch.processes.reactors import Reactor
    from dispatch.settings import Settings

DeadlineHandler = Callable[[str, str], None]  # (deadline key, subject id)


def routers() -> list[APIRouter]:
    """Every HTTP router of the API process, in the order they are mounted."""
    from dispatch.api import (
        analyst,
        consoles,
        corrections,
        docs,
        forum,
        handoffs,
        incidents,
        lifecycle,
        missing,
        synthesis,
        tokens,
        units,
    )

    return [incidents.router, lifecycle.router, units.router, corrections.router,
            consoles.router, docs.router, forum.router, handoffs.router, analyst.router,
            missing.router, synthesis.router, tokens.router]


def reactors(store: RedisStore, clock: Clock, settings: Settings) -> list[Reactor]:
    """The workflows that follow the event stream (run by ``python -m dispatch reactors``)."""
    from dispatch.adapters.handoff_delivery import Outbox, registry_for
    from dispatch.forum.targets import ForumTargets
    from dispatch.handoff.handoff import Targets
    from dispatch.workflows.forum.reactor import ForumReactor
    from dispatch.workflows.handoff.reactor import HandoffReactor
    from dispatch.workflows.missing.reactor import MissingReactor
    from dispatch.workflows.missing.service import target_policy

    return [ForumReactor(store, clock, ForumTargets.from_settings(settings.targets)),
            HandoffReactor(store, clock, registry_for(settings.agencies_path),
                           Targets.from_settings(settings.targets), Outbox(store.r, settings)),
            MissingReactor(store, clock, target_policy(settings), settings.missing_widen_s)]


def deadline_handlers(store: RedisStore, clock: Clock,
                      settings: Settings) -> dict[str, DeadlineHandler]:
    """Deadline kinds beyond ack timeouts (the part of a deadline key before ``|``)."""
    from dispatch.workflows.forum.reactor import ForumDeadlines
    from dispatch.workflows.handoff.reactor import HandoffDeadlines
    from dispatch.workflows.missing.service import MissingDeadlines

    forum, handoff = ForumDeadlines(store, clock), HandoffDeadlines(store, clock)
    return {"forum_reply": forum.reply, "forum_complete": forum.complete,
            "handoff_ack": handoff.ack, "handoff_locate": handoff.locate,
            "missing": MissingDeadlines(store, clock, settings).fire}
