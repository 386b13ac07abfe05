"""Situations: what a report is about, drawn by category from registered builders.

:mod:`.incident` defines the :class:`~.incident.Incident` a report describes, the
:class:`~.incident.Draft` a builder fills and the registry; :mod:`.crimes`,
:mod:`.civil` and :mod:`.emergencies` hold the builders (53 across the 12 categories).
This module imports all three, so a draw always sees every builder.
"""

from __future__ import annotations

import random

# Imported for their registrations: every builder is in REGISTRY before a draw.
from simulators.streams.situations import civil, crimes, emergencies  # noqa: F401
from simulators.streams.situations.incident import REGISTRY, Incident


def draw(rng: random.Random, category: str, hour: int) -> Incident:
    """Draw an incident of ``category`` from its registered builders.

    Raises:
        KeyError: if no builder is registered for ``category``.
    """
    options = REGISTRY[category]
    if not options:
        raise KeyError(f"no builder registered for {category!r}")
    fn = rng.choices([f for f, _ in options], weights=[w for _, w in options])[0]
    return fn(rng, hour)


def kinds() -> dict[str, list[str]]:
    """Builder names per category (for documentation and tests)."""
    return {c: [f.__name__ for f, _ in v] for c, v in REGISTRY.items()}
