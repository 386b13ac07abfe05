"""Domain values returned by :func:`triage.classify`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Cue:
    """A word or rule that contributed to a decision.

    Attributes:
        phrase: the matched text, or the name of a rule/feature.
        span: ``(start, end)`` character offsets into the original text, or ``None``
            for a cue that is not tied to a place in the text (a rule or the model).
        effect: what it did, e.g. ``"category:self_harm"``, ``"flag:weapon"``,
            ``"priority:P1"``, ``"negated"``, ``"idiom:not_danger"``, ``"model:fraud 0.83"``.
    """

    phrase: str
    span: tuple[int, int] | None
    effect: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict ``{"phrase", "span", "effect"}``."""
        return {
            "phrase": self.phrase,
            "span": list(self.span) if self.span is not None else None,
            "effect": self.effect,
        }


@dataclass(frozen=True, slots=True)
class Triage:
    """The triage of one report.

    Attributes:
        category: one taxonomy category code.
        priority: ``P1`` … ``P4``.
        flags: sorted taxonomy flag codes.
        confidence: 0..1, how sure the stage is of ``category``.
        cues: the words and rules that decided it, in text order then rules.
        extracted: facts for downstream stages (ages, gender, clothing, places …).
        needs_review: the decision is uncertain: a person decides (待人工研判); the
            report is routed at the most urgent priority among ``candidates`` and never
            transferred to 12345 automatically.
        candidates: the categories a person should choose between, decided one first.
        questions: the key questions the text leaves open (code, question, kind, options).
        answered: the key questions settled, by the caller's answers or by the text.
        life_risk: the life-risk net's dangers (kind, level), most urgent first.
    """

    category: str
    priority: str
    flags: tuple[str, ...]
    confidence: float
    cues: tuple[Cue, ...]
    extracted: Mapping[str, Any]
    needs_review: bool = False
    candidates: tuple[str, ...] = ()
    questions: tuple[Mapping[str, Any], ...] = ()
    answered: tuple[Mapping[str, Any], ...] = ()
    life_risk: tuple[Mapping[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the whole result (lists, not tuples)."""
        return {
            "category": self.category,
            "priority": self.priority,
            "flags": list(self.flags),
            "confidence": self.confidence,
            "cues": [cue.to_dict() for cue in self.cues],
            "extracted": _plain(self.extracted),
            "needs_review": self.needs_review,
            "candidates": list(self.candidates or (self.category,)),
            "questions": _plain(self.questions),
            "answered": _plain(self.answered),
            "life_risk": _plain(self.life_risk),
        }


def _plain(value: Any) -> Any:
    """Deep-copy mappings/sequences into dicts/lists so the result is JSON-ready."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
