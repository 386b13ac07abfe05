"""``python -m simulators simulate``: the report files, --compare, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulators.__main__ import main
from simulators.whatif.report import PLOTS


def test_simulate_writes_kpis_and_an_html_report_with_every_plot(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    whatif = tmp_path / "thin.toml"
    whatif.write_text("units_per_precinct = 1\n[ack_timeouts]\nP2 = 45\n", encoding="utf-8")
    out = tmp_path / "report"
    code = main(["simulate", "--hours", "1", "--seed", "2", "--scenario", "night-brawl",
                 "--compare", str(whatif), "--out", str(out), "--quiet",
                 "--start", "2026-01-12T01:00:00+08:00"])
    assert code == 0
    doc = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert [r["label"] for r in doc["runs"]] == ["base", "thin"]
    assert doc["runs"][1]["config"]["units_per_precinct"] == 1
    assert doc["runs"][1]["config"]["ack_timeouts"]["P2"] == 45
    page = (out / "index.html").read_text(encoding="utf-8")
    for name in PLOTS:
        assert (out / f"{name}.png").stat().st_size > 1000
        assert f'src="{name}.png"' in page
    assert "<th>thin</th>" in page
    assert "simulated s in" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["simulate", "--hours", "0"],
    ["simulate", "--config", "/nonexistent/whatif.toml"],
    ["simulate", "--scenario", "no-such-story", "--hours", "1"],
])
def test_bad_input_exits_2(argv: list[str], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--out", str(tmp_path / "r"), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("error:")
