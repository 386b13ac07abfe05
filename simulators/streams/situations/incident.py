"""What happened: the :class:`Incident` a report describes, and the builder registry.

A builder draws one incident of its category: the clauses that tell it (first person
or neutral, so that a register can quote or rephrase them), a short headline, the
taxonomy priority and flags that the clauses justify, and when it happened. The
registers in :mod:`simulators.streams.registers` wrap it in a call transcript, a call-taker
record, a forum post or a 12345 hand-over.

Flags are only set when a clause says or clearly implies them (taxonomy.md); the
priority follows the taxonomy table (P1 life at risk or violence in progress, P2
urgent/injury/vulnerable, P3 routine, P4 no dispatch).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from simulators.streams.config import CATEGORIES, FLAGS
from simulators.streams.grammar import expand


@dataclass(frozen=True)
class Incident:
    """One event as its first reporter would tell it.

    Attributes:
        category: Taxonomy category code.
        priority: ``P1``–``P4``.
        flags: Taxonomy flag codes, sorted.
        clauses: The telling, as clauses without final punctuation.
        headline: A short noun phrase (forum title, record summary).
        urgency: ``urgent``, ``normal`` or ``info`` (selects pleas and closings).
        minutes_ago: How long before the report it happened (0 = now).
        person: Description of the person concerned (missing, found, suspect), if any.
        kind: Builder name, e.g. ``"robbery"`` (useful when reading a stream).
    """

    category: str
    priority: str
    flags: tuple[str, ...]
    clauses: tuple[str, ...]
    headline: str
    urgency: str = "normal"
    minutes_ago: int = 0
    person: str | None = None
    kind: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if self.priority not in ("P1", "P2", "P3", "P4"):
            raise ValueError(f"unknown priority {self.priority!r}")
        unknown = set(self.flags) - set(FLAGS)
        if unknown:
            raise ValueError(f"unknown flags {sorted(unknown)}")


@dataclass
class Draft:
    """A mutable incident under construction (builders fill it, then call :meth:`done`)."""

    rng: random.Random
    category: str
    kind: str
    clauses: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    headline: str = ""
    minutes_ago: int = 0
    person: str | None = None

    def say(self, template: str, *flags: str, **slots: str) -> Draft:
        """Expand ``template`` (see :func:`simulators.streams.grammar.expand`) as the next clause.

        Args:
            template: The clause template.
            *flags: Taxonomy flags this clause justifies.
            **slots: Values for ``{slot}`` references in the template.
        """
        self.clauses.append(expand(self.rng, template, slots))
        self.flags.update(flags)
        return self

    def done(self, priority: str, urgency: str | None = None) -> Incident:
        """Freeze the draft with ``priority`` (urgency defaults from the priority)."""
        urgency = urgency or {"P1": "urgent", "P2": "urgent", "P3": "normal", "P4": "info"}[priority]
        return Incident(self.category, priority, tuple(sorted(self.flags)), tuple(self.clauses),
                        self.headline, urgency, self.minutes_ago, self.person, self.kind)


Builder = Callable[[random.Random, int], Incident]
"""``builder(rng, local_hour) -> Incident``."""

_REGISTRY: dict[str, list[tuple[Builder, float]]] = {c: [] for c in CATEGORIES}


def builder(category: str, weight: float = 1.0) -> Callable[[Builder], Builder]:
    """Register a builder for ``category`` with a relative ``weight``."""
    def register(fn: Builder) -> Builder:
        _REGISTRY[category].append((fn, weight))
        return fn
    return register


def draw(rng: random.Random, category: str, hour: int) -> Incident:
    """Draw an incident of ``category`` from its registered builders.

    Raises:
        KeyError: if no builder is registered for ``category``.
    """
    import simulators.streams.situations.civil
    import simulators.streams.situations.crimes
    import simulators.streams.situations.emergencies  # noqa: F401

    options = _REGISTRY[category]
    if not options:
        raise KeyError(f"no builder registered for {category!r}")
    fn = rng.choices([f for f, _ in options], weights=[w for _, w in options])[0]
    return fn(rng, hour)


def redraw(rng: random.Random, category: str, kind: str, hour: int) -> Incident:
    """Draw another telling from the builder named ``kind`` (any builder of ``category``
    if none has that name): a second caller describing the same event differently."""
    import simulators.streams.situations.civil
    import simulators.streams.situations.crimes
    import simulators.streams.situations.emergencies  # noqa: F401

    for fn, _ in _REGISTRY[category]:
        if fn.__name__ == kind:
            return fn(rng, hour)
    return draw(rng, category, hour)


def kinds() -> dict[str, list[str]]:
    """Builder names per category (for documentation and tests)."""
    import simulators.streams.situations.civil
    import simulators.streams.situations.crimes
    import simulators.streams.situations.emergencies  # noqa: F401

    return {c: [f.__name__ for f, _ in v] for c, v in _REGISTRY.items()}


NIGHT: Final = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
