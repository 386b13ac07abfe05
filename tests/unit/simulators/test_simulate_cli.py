"""``python -m simulators simulate``: the report files, --compare, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulators.__main__ import main
from simulators.whatif.report import PLOTS
from simulators.whatif.run import simulate


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
    ["simulate", "--seeds", "0"],
    ["simulate", "--seeds", "51"],
])
def test_bad_input_exits_2(argv: list[str], tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--out", str(tmp_path / "r"), "--quiet"]) == 2
    assert capsys.readouterr().err.startswith("error:")


def test_seeds_run_each_configuration_on_consecutive_seeds(tmp_path: Path) -> None:
    whatif = tmp_path / "thin.toml"
    whatif.write_text("units_per_precinct = 0\n", encoding="utf-8")
    out = tmp_path / "report"
    start = "2026-01-12T01:00:00+08:00"
    code = main(["simulate", "--hours", "1", "--seed", "2", "--seeds", "3", "--scenario",
                 "night-brawl", "--compare", str(whatif), "--out", str(out), "--quiet",
                 "--start", start])
    assert code == 0
    doc = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    # Backward compatible: the runs are the first seed's.
    assert doc["seed"] == 2 and [r["label"] for r in doc["runs"]] == ["base", "thin"]
    first = simulate(1, 2, scenario="night-brawl", start=start)
    assert json.dumps(doc["runs"][0]["kpis"], sort_keys=True) == json.dumps(
        json.loads(json.dumps(first.kpis)), sort_keys=True)
    seeds = doc["seeds"]
    assert seeds["seeds"] == [2, 3, 4] and [r["label"] for r in seeds["runs"]] == ["base", "thin"]
    arrival = seeds["runs"][0]["kpis"]["arrival_p90_s_p1"]
    assert len(arrival["values"]) == 3
    assert arrival["values"][0] == first.kpis["time_to_arrival_s"]["by_priority"]["P1"]["p90"]
    # No units at all: nobody arrives, on every seed.
    assert seeds["runs"][1]["kpis"]["arrival_within"]["n"] == 0
    assert seeds["differences"]["arrival_within"]["significant"] is None
    assert isinstance(seeds["differences"]["reports"]["significant"], bool)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "多种子对比（种子 2–4，共 3 个）" in page and "在种子间波动之内" in page


def test_one_seed_still_writes_the_seeds_block(tmp_path: Path) -> None:
    out = tmp_path / "r"
    assert main(["simulate", "--hours", "1", "--scenario", "night-brawl", "--out", str(out),
                 "--quiet"]) == 0
    doc = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert doc["seeds"]["seeds"] == [7] and "differences" not in doc["seeds"]
    assert doc["seeds"]["runs"][0]["kpis"]["reports"]["sd"] is None
