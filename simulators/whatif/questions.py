"""The simulated call-taker asks triage's open key questions and the caller answers them
from the report's hidden truth (category, priority, flags), the way a real caller knows
what is happening in front of them. Pure; deterministic for a report.

Only questions whose answer changes triage are modelled (text answers such as where the
suspect went cost talk time but raise nothing); a question the truth cannot settle is
answered ``unknown``, which the protocol ignores.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.questions import answer_from_labels


def answer(code: str, truth: Mapping[str, Any]) -> Any:
    """The caller's answer to question ``code``, from the report's truth (None: skipped)."""
    return answer_from_labels(code, truth.get("category"), truth.get("priority"),
                              truth.get("flags") or ())


def ask(questions: Sequence[Mapping[str, Any]], truth: Mapping[str, Any],
        limit: int) -> tuple[dict[str, Any], int]:
    """Ask up to ``limit`` open questions in protocol order.

    Returns:
        ``(answers, asked)``: the answers that triage can use, and how many questions
        were asked (each costs talk time, including those answered in free text).
    """
    answers: dict[str, Any] = {}
    asked = 0
    for q in list(questions)[:limit]:
        asked += 1
        value = answer(str(q["code"]), truth)
        if value is not None:
            answers[str(q["code"])] = value
    return answers, asked
