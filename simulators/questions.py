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


def answer(code: str, truth: Mapping[str, Any]) -> Any:
    """The caller's answer to question ``code``, from the report's truth (None: skipped)."""
    flags = set(truth.get("flags") or ())
    category = truth.get("category")
    urgent = truth.get("priority") == "P1"
    yes_no = {
        "anyone_hurt": "injury" in flags,
        "still_happening": "in_progress" in flags,
        "weapon": "weapon" in flags,
        "trapped": urgent and category in ("fire_disaster", "traffic"),
        "gas_source": urgent and category == "fire_disaster",
        "plan_means": urgent and category == "self_harm",
        "acted": category == "self_harm" and "injury" in flags,
        "still_in_contact": category == "fraud" and truth.get("priority") in ("P1", "P2"),
        "danger": truth.get("priority") in ("P1", "P2"),
    }
    if code in yes_no:
        return "yes" if yes_no[code] else "no"
    if code == "age":
        return 8 if "minor" in flags else 78 if "elderly" in flags else None
    if code == "conditions":
        return "dementia" if urgent and category == "missing_person" and "minor" not in flags \
            else "none"
    if code == "conscious":
        return "unconscious" if urgent and category == "assistance" else "conscious"
    if code == "money_sent":
        return "within_hour" if category == "fraud" and truth.get("priority") == "P2" else "no"
    return None


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
