"""The RQ queues, in one place (producers, workers, the supervisor and metrics agree).

Hand-off webhooks and simulations never share a queue or a worker: a 72-hour what-if
simulation takes minutes of CPU, and a P1 hand-off must not wait behind it (issue 14
measured 26.5 s when they shared one). ``dispatch`` is the queue of earlier versions; the
webhook worker drains what is left on it.
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_NAMESPACE = "d"

WEBHOOKS = "webhooks"        # hand-off packets and 12345 outcomes (dispatch.adapters.handoff_delivery)
SIMULATIONS = "simulations"  # what-if simulations (dispatch.api.analyst)
LEGACY = "dispatch"          # before the split: webhooks and simulations together
ALL_QUEUES: tuple[str, ...] = (WEBHOOKS, SIMULATIONS, LEGACY)
# What each kind of RQ worker listens to (``python -m dispatch rq-worker --queues``).
WORKER_QUEUES: Mapping[str, tuple[str, ...]] = {WEBHOOKS: (WEBHOOKS, LEGACY),
                                                SIMULATIONS: (SIMULATIONS,)}


def named(queue: str, namespace: str) -> str:
    """A queue's name in a namespace: the plain name in the default one (what ``rq info``
    and rq-dashboard show), ``<queue>.<namespace>`` in any other, so that two cities
    sharing one Redis never run each other's jobs (docs/scaling.md)."""
    return queue if namespace == DEFAULT_NAMESPACE else f"{queue}.{namespace}"


def all_named(namespace: str) -> tuple[str, ...]:
    """Every queue of a namespace (for the metrics)."""
    return tuple(named(q, namespace) for q in ALL_QUEUES)
