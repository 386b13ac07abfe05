"""Preliminary dispatch (先期处置) in the simulation: when the call-taker may send a call.

A P1 call is sent as soon as the place and a P1 cue are known, and the call-taker goes
on asking; what the caller says next is added to the incident (``decisions.add_details``)
when the call ends. The simulated call-taker hears the report in the order it is written:
the text is cut into clauses (at commas, sentence ends, a transcript's lines), and the first facts are
the shortest run of turns whose triage is already P1. Talk time is spread over the text
by length, after a fixed opening (greeting and the address): the assumption is that what
comes later in a report is said later in the call. The key questions (要素追问) are asked
after the dispatch; the question where, when the place is unknown, before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

_TURN_END = re.compile(r"(?<=[。！？!?；;\n，,])")


@dataclass(frozen=True, slots=True)
class FirstFacts:
    """The part of a report the call-taker sends at once, and the rest said afterwards."""

    first: str
    rest: str
    triage: Mapping[str, Any]  # of the first facts alone

    @property
    def share(self) -> float:
        """How much of the report (by length) had been said when it was sent."""
        total = len(self.first) + len(self.rest)
        return len(self.first) / total if total else 1.0


def turns(text: str) -> list[str]:
    """The report cut after each clause (a comma, a sentence end, a line break), nothing
    lost."""
    return [t for t in _TURN_END.split(text) if t]


def first_facts(text: str, classify: Callable[[str], Mapping[str, Any]]) -> FirstFacts | None:
    """The shortest opening of ``text`` whose triage is P1 (None: no part of it is, or
    only the whole is, so there is nothing to send early)."""
    parts = turns(text)
    said = ""
    for i, part in enumerate(parts[:-1]):
        said += part
        triage = classify(said)
        if str(triage.get("priority")) == "P1":
            return FirstFacts(said, "".join(parts[i + 1:]), triage)
    return None


def send_time(answered: float, telling_s: float, facts: FirstFacts, opening_s: float,
              place_s: float = 0.0) -> float:
    """When the first facts have been said: the caller's telling (``telling_s``, the
    call's talk without the key questions, which come after the dispatch) spread by
    length after at least the opening, plus the question where, when it had to be asked
    first (``place_s``)."""
    return answered + max(opening_s, facts.share * telling_s) + place_s
