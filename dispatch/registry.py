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
    from dispatch.reactors import Reactor
    from dispatch.settings import Settings

DeadlineHandler = Callable[[str, str], None]  # (deadline key, subject id)


def routers() -> list[APIRouter]:
    """Every HTTP router of the API process, in the order they are mounted."""
    from dispatch.api import consoles, incidents

    return [incidents.router, consoles.router]


def reactors(store: RedisStore, clock: Clock, settings: Settings) -> list[Reactor]:
    """The workflows that follow the event stream (run by ``python -m dispatch reactors``)."""
    return []


def deadline_handlers(store: RedisStore, clock: Clock,
                      settings: Settings) -> dict[str, DeadlineHandler]:
    """Deadline kinds beyond ack timeouts (the part of a deadline key before ``|``)."""
    return {}
