"""What happened: the :class:`Incident` a report describes, the :class:`Draft` a builder
fills, and the builder registry.

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

REGISTRY: Final[dict[str, list[tuple[Builder, float]]]] = {c: [] for c in CATEGORIES}
"""The builders of each category with their relative weights, in registration order
(filled by :func:`builder` as :mod:`simulators.streams.situations` imports the builder
modules)."""


def builder(category: str, weight: float = 1.0) -> Callable[[Builder], Builder]:
    """Register a builder for ``category`` with a relative ``weight``."""
    def register(fn: Builder) -> Builder:
        REGISTRY[category].append((fn, weight))
        return fn
    return register


NIGHT: Final = frozenset({22, 23, 0, 1, 2, 3, 4, 5})
