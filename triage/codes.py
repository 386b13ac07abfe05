"""The fixed taxonomy codes (shared taxonomy spec); tests and simulators use them verbatim."""

from __future__ import annotations

CATEGORIES: tuple[str, ...] = (
    "violent_crime",
    "property_crime",
    "fraud",
    "public_order",
    "traffic",
    "fire_disaster",
    "dispute",
    "missing_person",
    "self_harm",
    "assistance",
    "consultation",
    "non_police",
)

PRIORITIES: tuple[str, ...] = ("P1", "P2", "P3", "P4")

FLAGS: tuple[str, ...] = (
    "weapon",
    "injury",
    "minor",
    "elderly",
    "domestic_violence",
    "in_progress",
    "sensitive",
)

CHANNELS: tuple[str, ...] = ("call", "forum", "transfer_12345")

# Categories that never dispatch a unit: answer, consult or transfer to 12345.
NON_DISPATCH: frozenset[str] = frozenset({"consultation", "non_police"})


def priority_rank(priority: str) -> int:
    """Return 1 for P1 … 4 for P4 so that a smaller number means more urgent."""
    return int(priority[1])


def most_urgent(first: str, second: str) -> str:
    """Return the more urgent of two priority codes."""
    return first if priority_rank(first) <= priority_rank(second) else second
