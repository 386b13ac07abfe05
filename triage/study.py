"""``python -m triage study FILE…``: which part contributes what, and how the score grows
with the corpus.

* **Ablation**: the same gold files with the whole stage, then without the life-risk
  net, without abstention, without the lexicon rules, and with the key questions answered
  by a caller who knows the truth (the gold labels stand in for them).
* **Learning curve** (``--curve``): the model retrained on the first 25 / 50 / 75 / 100 %
  of each category's corpus lines (deterministic: the corpus order), each scored on the
  gold files.

Slow (retrains the model); a tool for docs/triage.md, not for the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from triage.classify import DEFAULT, Options, classify
from triage.codes import CATEGORIES
from triage.evaluate import GoldReport, Report, evaluate
from triage.model import model_from_json
from triage.questions import answer_from_labels
from triage.train import Example, fit, load_corpus, render

SHARES = (0.25, 0.5, 0.75, 1.0)


def figures(report: Report) -> dict[str, Any]:
    """The issue's figures of one run, rounded for a table."""
    return {
        "macro_f1": round(report.macro_f1, 3), "p1_recall": round(report.p1_recall, 3),
        "self_harm_recall": round(report.self_harm_recall, 3),
        "life_risk_low": f"{report.life_risk_low}/{report.life_risk_total}",
        "to_12345": report.life_risk_to_12345,
        "over_triage": round(report.over_triage, 3),
        "review": round(report.review_share, 3), "cost": round(report.total_cost, 1),
    }


def gold_answers(gold: Sequence[GoldReport]) -> list[dict[str, Any]]:
    """For each report, the answers to its open questions a caller who knows the truth
    gives (at most three, as the simulator's call-takers ask)."""
    out: list[dict[str, Any]] = []
    for g in gold:
        first = classify(g.text, g.channel)
        answers: dict[str, Any] = {}
        for q in first.questions[:3]:
            value = answer_from_labels(str(q["code"]), g.category, g.priority, sorted(g.flags))
            if value is not None:
                answers[str(q["code"])] = value
        out.append(answers)
    return out


def ablation(gold: Sequence[GoldReport]) -> list[tuple[str, dict[str, Any]]]:
    """Rows of the ablation table."""
    return [
        ("whole stage", figures(evaluate(gold))),
        ("without the life-risk net", figures(evaluate(gold, replace(DEFAULT, net=False)))),
        ("without abstention", figures(evaluate(gold, replace(DEFAULT, review=False)))),
        ("without lexicon rules", figures(evaluate(gold, replace(DEFAULT, rules=False)))),
        ("model only", figures(evaluate(gold, Options(rules=False, net=False, review=False)))),
        ("with key questions answered", figures(evaluate(gold, DEFAULT, gold_answers(gold)))),
    ]


def _share(examples: Sequence[Example], share: float) -> list[Example]:
    by: dict[str, list[Example]] = {c: [] for c in CATEGORIES}
    for e in examples:
        by[e.category].append(e)
    return [e for c in CATEGORIES for e in by[c][: max(1, round(len(by[c]) * share))]]


def curve(gold: Sequence[GoldReport]) -> list[tuple[int, dict[str, Any]]]:
    """(corpus size, figures) for each share of the corpus."""
    corpus = load_corpus()
    rows: list[tuple[int, dict[str, Any]]] = []
    for share in SHARES:
        subset = _share(corpus, share)
        model = model_from_json(render(fit(subset)))
        rows.append((len(subset), figures(evaluate(gold, replace(DEFAULT, model=model)))))
    return rows


def table(rows: Sequence[tuple[Any, dict[str, Any]]], head: str) -> str:
    """A Markdown table of figure rows."""
    keys = list(rows[0][1])
    out = [f"| {head} | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    out += [f"| {name} | " + " | ".join(str(v[k]) for k in keys) + " |" for name, v in rows]
    return "\n".join(out)
