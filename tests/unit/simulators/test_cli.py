"""The ``python -m simulators`` command line, run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulators.__main__ import main

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulators", *args], check=False, cwd=ROOT,
                          capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def test_generate_writes_deterministic_jsonl() -> None:
    first = _run("generate", "--hours", "2", "--seed", "7", "--calls-per-day", "600")
    second = _run("generate", "--hours", "2", "--seed", "7", "--calls-per-day", "600")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    lines = [json.loads(ln) for ln in first.stdout.splitlines()]
    assert 10 < len(lines) < 150
    assert all({"at", "channel", "text", "source_id", "truth"} <= set(ln) for ln in lines)


def test_generate_a_scenario_alone() -> None:
    out = _run("generate", "--scenario", "fire-surge", "--seed", "3")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(ln) for ln in out.stdout.splitlines()]
    assert {ln["truth"]["scenario"] for ln in lines} == {"fire-surge"}


def test_scenarios_lists_names_and_descriptions() -> None:
    out = _run("scenarios")
    assert out.returncode == 0
    for name in ("elderly-wanderer", "forum-crisis-out-of-province", "fire-surge", "telecom-fraud-wave"):
        assert any(line.startswith(name + " ") and len(line.split()) >= 2 for line in out.stdout.splitlines())


def test_generate_help_runs_as_a_module() -> None:
    out = _run("generate", "--help")
    assert out.returncode == 0 and "--calls-per-day" in out.stdout


def test_top_level_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "generate" in capsys.readouterr().out


@pytest.mark.parametrize("args", [
    ["generate", "--scenario", "nope"],
    ["generate", "--calls-per-day", "-5"],
    ["generate", "--start", "yesterday"],
    ["generate", "--hours", "0"],
    ["generate", "--mix", "fire-surge@25:99"],
])
def test_bad_input_exits_2_with_a_message(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
