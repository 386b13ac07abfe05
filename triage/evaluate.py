"""Evaluation of triage against a gold JSONL file (``python -m triage eval FILE``).

Each line: ``{"id", "channel", "text", "category", "priority", "flags"}`` and optionally
``"kind": "idiom"`` for idiom/hyperbole cases (which must never come out ``self_harm``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from triage import costs
from triage.classify import DEFAULT, Options, classify
from triage.codes import CATEGORIES, CHANNELS, FLAGS, NON_DISPATCH, PRIORITIES
from triage.errors import CorpusError
from triage.result import Triage


@dataclass(frozen=True, slots=True)
class GoldReport:
    """One gold-labelled report."""

    id: str
    channel: str
    text: str
    category: str
    priority: str
    flags: frozenset[str]
    kind: str = ""
    life_risk: bool | None = None  # gold: a danger to life (None when not labelled)


@dataclass
class Report:
    """Figures for one evaluation run."""

    total: int = 0
    per_category: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    macro_f1: float = 0.0
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    priority_accuracy: float = 0.0
    flag_f1: float = 0.0
    per_flag: dict[str, tuple[float, float, float, int]] = field(default_factory=dict)
    p1_recall: float = 0.0
    self_harm_recall: float = 0.0
    self_harm_precision: float = 0.0
    urgent_as_non_police: int = 0
    idiom_as_self_harm: int = 0
    idiom_total: int = 0
    errors: list[tuple[GoldReport, Triage]] = field(default_factory=list)
    life_risk_total: int = 0
    life_risk_low: int = 0  # gold life-risk decided P3/P4
    life_risk_to_12345: int = 0  # gold life-risk decided consultation/non_police
    over_triage: float = 0.0  # share of gold P3/P4 decided P1
    review_share: float = 0.0
    priority_matrix: dict[str, dict[str, int]] = field(default_factory=dict)
    total_cost: float = 0.0


def parse_gold(lines: Iterable[str]) -> list[GoldReport]:
    """Parse gold JSONL lines.

    Raises:
        CorpusError: a line is not valid JSON or carries an unknown code.
    """
    gold: list[GoldReport] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row: dict[str, Any] = json.loads(line)
            report = GoldReport(
                id=str(row.get("id", n)),
                channel=str(row.get("channel", "call")),
                text=str(row["text"]),
                category=str(row["category"]),
                priority=str(row["priority"]),
                flags=frozenset(row.get("flags", [])),
                kind=str(row.get("kind", "")),
                life_risk=(bool(row["life_risk"]) if row.get("life_risk") is not None
                           else None),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CorpusError(f"line {n}: {exc}") from exc
        if (
            report.category not in CATEGORIES
            or report.priority not in PRIORITIES
            or report.channel not in CHANNELS
            or not report.flags <= set(FLAGS)
        ):
            raise CorpusError(f"line {n}: unknown code in {row!r}")
        gold.append(report)
    return gold


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0 when undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(gold: Sequence[GoldReport], options: Options = DEFAULT,
             answers: Sequence[dict[str, Any]] | None = None) -> Report:
    """Classify every gold report and compute the figures of issues 3 and 22.

    Args:
        gold: the labelled reports.
        options: which parts decide (the ablation switches them off).
        answers: per report, the answers a call-taker would get (``None``: none asked).
    """
    report = Report(total=len(gold))
    report.confusion = {g: dict.fromkeys(CATEGORIES, 0) for g in CATEGORIES}
    predictions = [classify(g.text, g.channel, answers[i] if answers else None, options)
                   for i, g in enumerate(gold)]
    for g, t in zip(gold, predictions, strict=True):
        report.confusion[g.category][t.category] += 1
        if g.category != t.category or g.priority != t.priority:
            report.errors.append((g, t))
    for c in CATEGORIES:
        tp = report.confusion[c][c]
        fp = sum(report.confusion[o][c] for o in CATEGORIES if o != c)
        fn = sum(report.confusion[c].values()) - tp
        report.per_category[c] = (*_prf(tp, fp, fn), tp + fn)
    present = [c for c in CATEGORIES if report.per_category[c][3] > 0]
    report.macro_f1 = sum(report.per_category[c][2] for c in present) / max(1, len(present))
    pairs = list(zip(gold, predictions, strict=True))
    report.priority_accuracy = sum(g.priority == t.priority for g, t in pairs) / max(1, len(pairs))
    tp_all = fp_all = fn_all = 0
    for flag in FLAGS:
        tp = sum(flag in g.flags and flag in t.flags for g, t in pairs)
        fp = sum(flag not in g.flags and flag in t.flags for g, t in pairs)
        fn = sum(flag in g.flags and flag not in t.flags for g, t in pairs)
        report.per_flag[flag] = (*_prf(tp, fp, fn), tp + fn)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    report.flag_f1 = _prf(tp_all, fp_all, fn_all)[2]
    p1 = [t for g, t in pairs if g.priority == "P1"]
    report.p1_recall = sum(t.priority == "P1" for t in p1) / max(1, len(p1))
    sh = report.per_category["self_harm"]
    report.self_harm_precision, report.self_harm_recall = sh[0], sh[1]
    report.urgent_as_non_police = sum(
        g.priority in ("P1", "P2") and t.category in NON_DISPATCH for g, t in pairs
    )
    risky = [t for g, t in pairs if g.life_risk]
    report.life_risk_total = len(risky)
    report.life_risk_low = sum(t.priority in ("P3", "P4") for t in risky)
    report.life_risk_to_12345 = sum(t.category in NON_DISPATCH for t in risky)
    low = [t for g, t in pairs if g.priority in ("P3", "P4")]
    report.over_triage = sum(t.priority == "P1" for t in low) / max(1, len(low))
    report.review_share = sum(t.needs_review for _, t in pairs) / max(1, len(pairs))
    report.priority_matrix = costs.matrix((g.priority, t.priority) for g, t in pairs)
    report.total_cost = sum(costs.cost(g.priority, t.priority, reviewed=t.needs_review,
                                       right_category=g.category == t.category,
                                       right_among_candidates=g.category in t.candidates)
                            for g, t in pairs)
    idioms = [t for g, t in pairs if g.kind == "idiom"]
    report.idiom_total = len(idioms)
    report.idiom_as_self_harm = sum(
        t.category == "self_harm" or "self_harm" in t.flags for t in idioms
    )
    return report
