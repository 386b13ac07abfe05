"""Key questions (要素追问): which determinant facts a report leaves open, and what an
answer to each does.

The protocol is data (``data/questions.toml``): per category the questions a call-taker
asks, each with the Chinese wording, the kind of answer, the patterns by which the text
already answers it, and the effects of an answer (flags, a priority floor, a life-risk
danger, missing-person conditions, a request for review). Answers only ever raise: an
answer never lowers what the text said. Pure; compiled once on first use.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from triage.codes import CATEGORIES, FLAGS
from triage.context import is_negated
from triage.errors import ArtifactError, InvalidAnswer

DATA = "questions.toml"
YES_NO = ("yes", "no", "unknown")
KINDS = ("yes_no", "age", "choice", "text")
MAX_TEXT = 200


@dataclass(frozen=True, slots=True)
class Effect:
    """What one answer does (all of it only ever raises)."""

    flags: tuple[str, ...] = ()
    floor: str | None = None
    danger: str | None = None
    conditions: tuple[str, ...] = ()
    review: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """One key question of the protocol."""

    code: str
    ask: str
    kind: str
    options: tuple[str, ...] = ()
    answered: re.Pattern[str] | None = None
    by_flags: frozenset[str] = frozenset()
    by_dangers: frozenset[str] = frozenset()
    by_extracted: tuple[str, ...] = ()
    effects: Mapping[str, Effect] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The question as the consoles and the API show it."""
        out: dict[str, Any] = {"code": self.code, "question": self.ask, "kind": self.kind}
        if self.kind == "yes_no":
            out["options"] = list(YES_NO)
        elif self.options:
            out["options"] = list(self.options)
        return out


@dataclass(frozen=True, slots=True)
class Protocol:
    """Questions by code and the ordered codes per category."""

    questions: Mapping[str, Question]
    by_category: Mapping[str, tuple[str, ...]]


def build_protocol(data: Mapping[str, Any]) -> Protocol:
    """Compile the protocol from its parsed TOML.

    Raises:
        ArtifactError: unknown category, flag, kind or question code in the data.
    """
    try:
        questions: dict[str, Question] = {}
        for q in data["question"]:
            effects = {answer: Effect(flags=tuple(e.get("flags", ())), floor=e.get("floor"),
                                      danger=e.get("danger"),
                                      conditions=tuple(e.get("conditions", ())),
                                      review=bool(e.get("review", False)))
                       for answer, e in q.get("effects", {}).items()}
            patterns = q.get("answered", [])
            question = Question(
                code=q["code"], ask=q["ask"], kind=q["kind"], options=tuple(q.get("options", ())),
                answered=re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None,
                by_flags=frozenset(q.get("by_flags", ())),
                by_dangers=frozenset(q.get("by_dangers", ())),
                by_extracted=tuple(q.get("by_extracted", ())), effects=effects)
            if question.kind not in KINDS:
                raise ArtifactError(f"question {question.code}: unknown kind {question.kind!r}")
            for effect in effects.values():
                if not set(effect.flags) <= set(FLAGS):
                    raise ArtifactError(f"question {question.code}: unknown flag in {effect}")
            questions[question.code] = question
        by_category = {c: tuple(codes) for c, codes in data["categories"].items()}
    except (KeyError, TypeError, re.error) as exc:
        raise ArtifactError(f"malformed question protocol: {exc}") from exc
    if set(by_category) != set(CATEGORIES):
        raise ArtifactError("the question protocol must list every category")
    unknown = {c for codes in by_category.values() for c in codes} - set(questions)
    if unknown:
        raise ArtifactError(f"the question protocol names unknown questions {sorted(unknown)}")
    return Protocol(questions, by_category)


@lru_cache(maxsize=1)
def load_protocol() -> Protocol:
    """The committed protocol, compiled once on first use."""
    raw = resources.files("triage.data").joinpath(DATA).read_text(encoding="utf-8")
    return build_protocol(tomllib.loads(raw))


def check_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate call-taker answers against the protocol; return them normalised.

    Raises:
        InvalidAnswer: an unknown question code or a value of the wrong kind, with a
            message naming the question and what it accepts.
    """
    if not isinstance(answers, Mapping):
        raise InvalidAnswer("answers must be an object of question code -> answer")
    protocol = load_protocol()
    clean: dict[str, Any] = {}
    for code, value in answers.items():
        question = protocol.questions.get(code)
        if question is None:
            raise InvalidAnswer(f"unknown question {code!r}; one of "
                                f"{', '.join(sorted(protocol.questions))}")
        clean[code] = _check_value(question, value)
    return clean


def _check_value(question: Question, value: Any) -> Any:
    if question.kind == "yes_no":
        if value not in YES_NO:
            raise InvalidAnswer(f"{question.code}: answer one of {', '.join(YES_NO)}")
        return value
    if question.kind == "choice":
        allowed = (*question.options, "unknown")
        if value not in allowed:
            raise InvalidAnswer(f"{question.code}: answer one of {', '.join(allowed)}")
        return value
    if question.kind == "age":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 120:
            raise InvalidAnswer(f"{question.code}: answer a whole number of years, 0-120")
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise InvalidAnswer(f"{question.code}: answer a text of 1-{MAX_TEXT} characters")
    return value.strip()


def is_answered_by_text(question: Question, text: str, flags: frozenset[str],
                        dangers: frozenset[str], extracted: Mapping[str, Any]) -> bool:
    """True when the report already settles ``question`` (either way)."""
    if question.by_flags & flags or question.by_dangers & dangers:
        return True
    if any(extracted.get(key) for key in question.by_extracted):
        return True
    if question.answered is None:
        return False
    return any(not is_negated(text, m.start(), still_counts=True)
               for m in question.answered.finditer(text))


def effect_of(code: str, value: Any) -> Effect:
    """What the answer ``value`` to question ``code`` does (nothing for unknown)."""
    question = load_protocol().questions[code]
    if question.kind == "age":
        age = int(value)
        flags = ("minor",) if age < 18 else ("elderly",) if age >= 60 else ()
        return Effect(flags=flags)
    return question.effects.get(str(value), Effect())


def answer_from_labels(code: str, category: str | None, priority: str | None,
                       flags: Sequence[str]) -> Any:
    """What a caller who knows the truth answers to ``code`` (None: a free-text question).

    Used where labels stand in for the caller: the simulator's callers (the hidden truth)
    and the evaluation of what asking gains (gold labels).
    """
    flagset = set(flags)
    urgent = priority == "P1"
    yes_no = {
        "anyone_hurt": "injury" in flagset,
        "still_happening": "in_progress" in flagset,
        "weapon": "weapon" in flagset,
        "trapped": urgent and category in ("fire_disaster", "traffic"),
        "gas_source": urgent and category == "fire_disaster",
        "plan_means": urgent and category == "self_harm",
        "acted": category == "self_harm" and "injury" in flagset,
        "still_in_contact": category == "fraud" and priority in ("P1", "P2"),
        "danger": priority in ("P1", "P2"),
        "alone": False,
        "still_blocking": False,
    }
    if code in yes_no:
        return "yes" if yes_no[code] else "no"
    if code == "age":
        return 8 if "minor" in flagset else 78 if "elderly" in flagset else None
    if code == "conditions":
        return "dementia" if urgent and category == "missing_person" and "minor" not in flagset \
            else "none"
    if code == "conscious":
        return "unconscious" if urgent and category == "assistance" else "conscious"
    if code == "money_sent":
        return "within_hour" if category == "fraud" and priority == "P2" else "no"
    return None
