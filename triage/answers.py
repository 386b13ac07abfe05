"""What the call-taker's answers add to a triage, and which key questions stay open.

Split from :mod:`triage.classify`: the answers are folded into one set of facts (flags,
a priority floor, missing-person conditions, dangers, a request for review) that the
decision applies; the questions of the decided category are listed open or settled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from triage import lifenet
from triage.codes import priority_rank
from triage.lifenet import Danger
from triage.questions import effect_of, is_answered_by_text, load_protocol


@dataclass(frozen=True, slots=True)
class Facts:
    """The call-taker's answers folded into what they establish."""

    flags: frozenset[str] = frozenset()
    floor: str | None = None
    conditions: frozenset[str] = frozenset()
    dangers: tuple[str, ...] = ()
    review: bool = False


def facts_from_answers(answers: Mapping[str, Any]) -> Facts:
    """What the call-taker's answers add, folded into one set of facts."""
    flags: set[str] = set()
    conditions: set[str] = set()
    dangers: list[str] = []
    floor: str | None = None
    review = False
    for code, value in sorted(answers.items()):
        effect = effect_of(code, value)
        flags |= set(effect.flags)
        conditions |= set(effect.conditions)
        if effect.danger:
            dangers.append(effect.danger)
        if effect.floor and (floor is None or priority_rank(effect.floor) < priority_rank(floor)):
            floor = effect.floor
        review = review or effect.review
    return Facts(frozenset(flags), floor, frozenset(conditions), tuple(dangers), review)


def with_answer_dangers(dangers: tuple[Danger, ...], facts: Facts) -> tuple[Danger, ...]:
    """The net's dangers plus those the answers establish (a trapped person: yes)."""
    have = {d.kind for d in dangers}
    by_kind = {k.kind: k for k in lifenet.load_net().kinds}
    added = tuple(Danger(k, by_kind[k].level, by_kind[k].category, ()) for k in facts.dangers
                  if k not in have and k in by_kind)
    return tuple(sorted((*dangers, *added), key=lambda d: d.level))


def questions_for(category: str, text: str, flags: Sequence[str], dangers: Sequence[str],
                  extracted: Mapping[str, Any], given: Mapping[str, Any]) -> tuple[
                      tuple[Mapping[str, Any], ...], tuple[Mapping[str, Any], ...]]:
    """The category's key questions split into ``(open, answered)``.

    ``answered`` lists the caller's answers first (``source: caller``), then the
    questions the report itself settles (``source: text``, ``answer`` None).
    """
    protocol = load_protocol()
    flagset, dangerset = frozenset(flags), frozenset(dangers)
    open_: list[Mapping[str, Any]] = []
    answered: list[Mapping[str, Any]] = [{"code": c, "answer": v, "source": "caller"}
                                         for c, v in sorted(given.items())]
    for code in protocol.by_category[category]:
        if code in given:
            continue
        q = protocol.questions[code]
        if is_answered_by_text(q, text, flagset, dangerset, extracted):
            answered.append({"code": code, "answer": None, "source": "text"})
        else:
            open_.append(q.to_dict())
    return tuple(open_), tuple(answered)
