"""Evaluation figures and the dev-set targets of issue 3."""

from __future__ import annotations

from typing import Any

import pytest

from triage import CorpusError
from triage.evaluate import GoldReport, evaluate, parse_gold


def test_parse_gold_rejects_unknown_codes_and_bad_json() -> None:
    for line in [
        '{"text": "x", "category": "violent", "priority": "P1"}',
        "{",
        '{"text": 1}',
        '{"text": "x", "category": "fraud", "priority": "P1", "flags": ["nope"]}',
    ]:
        with pytest.raises(CorpusError):
            parse_gold([line])
    gold = parse_gold(['{"text": "x", "category": "fraud", "priority": "P3"}', ""])
    assert gold == [GoldReport("1", "call", "x", "fraud", "P3", frozenset())]


def test_figures_on_a_tiny_set() -> None:
    gold = [
        GoldReport("1", "call", "我不想活了，药都买好了", "self_harm", "P1", frozenset()),
        GoldReport("2", "call", "小区停电了，物业不管", "non_police", "P4", frozenset()),
        GoldReport(
            "3", "call", "热死了，想问问身份证怎么补办", "consultation", "P4", frozenset(), "idiom"
        ),
    ]
    report = evaluate(gold)
    assert report.total == 3 and report.macro_f1 == 1.0
    assert report.p1_recall == 1.0 and report.self_harm_recall == 1.0
    assert report.idiom_total == 1 and report.idiom_as_self_harm == 0
    assert report.confusion["self_harm"]["self_harm"] == 1


def _gold(rows: list[dict[str, Any]]) -> list[GoldReport]:
    import json

    return parse_gold([json.dumps(r, ensure_ascii=False) for r in rows])


def test_dev_set_meets_the_targets(dev_rows: list[dict[str, Any]]) -> None:
    assert len(dev_rows) >= 300
    report = evaluate(_gold(dev_rows))
    assert report.macro_f1 >= 0.90
    assert report.self_harm_recall >= 0.98 and report.self_harm_precision >= 0.85
    assert report.p1_recall >= 0.97
    assert report.urgent_as_non_police == 0
    assert report.idiom_total > 0 and report.idiom_as_self_harm == 0


def test_holdout_set_stays_safe(holdout_rows: list[dict[str, Any]]) -> None:
    report = evaluate(_gold(holdout_rows))
    assert report.macro_f1 >= 0.85
    assert report.urgent_as_non_police == 0 and report.idiom_as_self_harm == 0
    assert report.p1_recall >= 0.9
