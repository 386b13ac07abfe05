"""Named scenarios: short scripted stories told by several reporters.

:mod:`.stage` holds the :class:`~.stage.Stage` a story emits its reports through and the
registry; :mod:`.stories` holds the stories. This module imports the stories, so the
listing and the runner below always see every scenario.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from simulators.errors import UnknownScenario
from simulators.streams.config import Config

# Imported for its registrations: every story is in REGISTRY before a listing or a run.
from simulators.streams.scenarios import stories  # noqa: F401
from simulators.streams.scenarios.stage import REGISTRY, Scenario, Stage


def scenarios() -> dict[str, str]:
    """Names and one-line descriptions of the named scenarios.

    Returns:
        ``{name: description}`` in registration order.
    """
    return {name: s.description for name, s in REGISTRY.items()}


def _registered(name: str) -> Scenario:
    if name not in REGISTRY:
        raise UnknownScenario(f"unknown scenario {name!r}; known: {', '.join(REGISTRY)}")
    return REGISTRY[name]


def timing(name: str) -> tuple[tuple[int, int], float]:
    """The preferred local ``(hour, minute)`` start of scenario ``name`` and its length in hours.

    Raises:
        UnknownScenario: if ``name`` is not registered.
    """
    registered = _registered(name)
    return registered.clock, registered.hours


def scenario_reports(name: str, seed: int, start: datetime, config: Config, *, index: int = 0) -> list[dict[str, Any]]:
    """Run scenario ``name`` from ``start`` and return its stream lines (unsorted).

    Raises:
        UnknownScenario: if ``name`` is not registered.
    """
    registered = _registered(name)
    stage = Stage(name, seed, index, start, config, random.Random(f"{seed}:scenario:{name}:{index}"))
    registered.story(stage)
    return stage.lines
