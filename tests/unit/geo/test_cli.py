"""The ``python -m geo`` commands, as outside checks call them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo.cli import main
from geo.wire import OUTPUT_FIELDS, process_line

ROOT = Path(__file__).resolve().parents[3]


def run_cli(args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=60, check=False)


def test_locate_cli_contract() -> None:
    lines = [
        json.dumps({"id": "a", "text": "土右旗萨拉齐镇"}, ensure_ascii=False),
        json.dumps({"id": "b", "text": "", "location": {"lat": 40.65, "lon": 109.83,
                                                         "crs": "gcj02", "accuracy_m": 20}}),
        "not json",
        "",
        json.dumps({"id": "c", "text": "😀"}),
    ]
    proc = run_cli(["locate"], "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == 4
    for row in out:
        assert list(row)[: len(OUTPUT_FIELDS)] == list(OUTPUT_FIELDS)
        assert row["crs"] == "wgs84"
    assert out[0]["id"] == "a" and out[0]["precinct"] == "150221104"
    assert out[1]["source"] == "device" and out[1]["district"] == "150203"
    assert out[2]["lat"] is None and "invalid JSON" in out[2]["reason"]
    assert out[3]["lat"] is None and out[3]["reason"]


@pytest.mark.parametrize("record,expect", [
    ({"id": 1, "location": {"lat": "x", "lon": 1}}, "must be numbers"),
    ({"id": 2, "location": [1, 2]}, "must be an object"),
    ({"id": 3, "location": {"lat": 1}}, "needs lat and lon"),
    ({"id": 4, "location": {"lat": float("nan"), "lon": 110}}, "finite"),
    ({"id": 5, "location": {"lat": 40.6, "lon": 109.8, "crs": "utm"}}, "unknown crs"),
])
def test_bad_locations_get_reasons(record: dict[str, object], expect: str) -> None:
    row = json.loads(process_line(json.dumps(record)) or "{}")
    assert row["lat"] is None
    assert expect in (row["reason"] or "") + " ".join(row["warnings"])


def test_bad_location_with_text_still_places_text() -> None:
    line = json.dumps({"id": 9, "text": "达茂旗百灵庙", "location": {"lat": "?", "lon": 0}},
                      ensure_ascii=False)
    row = json.loads(process_line(line) or "{}")
    assert row["precinct"] == "150223104" and row["warnings"]


def test_non_object_line() -> None:
    row = json.loads(process_line("[1, 2]") or "{}")
    assert row["lat"] is None and "object" in row["reason"]


def test_eval_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": 1, "text": "土右旗萨拉齐镇", "district": "150221", "precinct": "150221104"},
        {"id": 2, "text": "江苏省张家港市", "out_of_area": True},
        {"id": 3, "text": "东河区", "district": "150203"},
    ]) + "\n", encoding="utf-8")
    assert main(["eval", str(gold), "--json", "--misses"]) == 0
    out = capsys.readouterr().out
    summary = json.loads(out[: out.index("\n}") + 2])
    assert summary["district_accuracy"] == 0.5 and summary["precinct_accuracy"] == 1.0
    assert summary["out_of_area_recall"] == 1.0
    assert '"field": "district"' in out
    assert main(["eval", str(tmp_path / "missing.jsonl")]) == 2


def test_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for cmd in ("build", "locate", "eval", "devset", "map"):
        assert cmd in out
