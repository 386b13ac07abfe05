"""The names of the RQ queues, in one place (workers, producers and metrics agree)."""

from __future__ import annotations

DISPATCH = "dispatch"  # webhooks and simulations (one worker)
ALL_QUEUES: tuple[str, ...] = (DISPATCH,)
