"""Scoring of gold lines."""

from __future__ import annotations

import json

import geo
from geo.evaluate import evaluate, render


def _lines(*records: dict[str, object]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False) for r in records]


def test_scores_all_fields() -> None:
    seat = geo.precinct("150221104").seat
    score = evaluate(_lines(
        {"id": 1, "text": "萨拉齐镇", "district": "150221", "precinct": "150221104",
         "lat": seat[0], "lon": seat[1], "kind": "town"},
        {"id": 2, "text": "萨拉齐镇", "district": "150221", "precinct": "150221105",
         "lat": seat[0] + 0.01, "lon": seat[1], "kind": "town"},
        {"id": 3, "text": "呼和浩特市", "out_of_area": True},
        {"id": 4, "text": "东河区", "out_of_area": True},
        {"id": 5, "text": "😀", "lat": 40.0, "lon": 110.0},
        "",
    ) + [""])
    s = score.summary()
    assert s["lines"] == 5 and s["invalid_lines"] == 1
    assert s["district_accuracy"] == 1.0 and s["precinct_accuracy"] == 0.5
    assert s["out_of_area_recall"] == 0.5 and s["unplaced_with_gold_point"] == 1
    assert s["error_n"] == 2 and s["median_error_m"] is not None
    assert 900 < s["p90_error_m"] < 1120  # inclusive interpolation between 0 m and ~1.1 km
    assert s["median_error_m_by_kind"]["town"] is not None
    text = render(s)
    assert "district accuracy" in text and "100.0%" in text


def test_empty_file() -> None:
    s = evaluate([]).summary()
    assert s["lines"] == 0 and s["district_accuracy"] is None and s["median_error_m"] is None
    assert "n/a" in render(s)
