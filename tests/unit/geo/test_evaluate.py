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


def test_scores_out_of_area_names_and_baotou_towns() -> None:
    score = evaluate(_lines(
        {"id": 1, "text": "托县双河镇", "out_of_area": True, "province": "内蒙古",
         "city": "呼和浩特市", "county": "托克托县", "county_code": "150122", "kind": "short"},
        {"id": 2, "text": "武汉青山区", "out_of_area": True, "province": "湖北省",
         "city": "武汉市", "county": "洪山区", "kind": "same_name"},
        {"id": 3, "text": "土右旗萨拉齐镇", "district": "土默特右旗", "town": "萨拉齐",
         "kind": "baotou"},
        {"id": 4, "text": "土右旗萨拉齐镇", "district": "150221", "town": "150221105",
         "kind": "baotou"},
    ))
    s = score.summary()
    f = s["fields"]
    assert f["province"]["accuracy"] == 1.0 and f["city"]["accuracy"] == 1.0
    assert f["county"]["accuracy"] == 0.5 and f["county"]["by_kind"]["short"]["accuracy"] == 1.0
    assert f["town"]["accuracy"] == 0.5 and s["district_accuracy"] == 1.0
    assert f["baotou_kept_in_area"]["accuracy"] == 1.0
    assert {m["id"] for m in score.misses} == {2, 4}
    assert "county (out of area)" in render(s)
