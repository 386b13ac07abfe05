"""The ``python -m simulators`` command line, run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulators import generate
from simulators.__main__ import main
from tests.unit.simulators.stream_cache import dumps

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulators", *args], check=False, cwd=ROOT,
                          capture_output=True,
                          text=True, encoding="utf-8", timeout=60)


def test_generate_writes_the_api_stream_as_jsonl() -> None:
    out = _run("generate", "--hours", "2", "--seed", "7", "--calls-per-day", "600")
    assert out.returncode == 0, out.stderr
    expected = list(generate(2, 7, config={"calls_per_day": 600}))
    assert out.stdout.encode("utf-8") == dumps(expected)
    lines = [json.loads(ln) for ln in out.stdout.splitlines()]
    assert 10 < len(lines) < 150
    assert all({"at", "channel", "text", "source_id", "truth"} <= set(ln) for ln in lines)


def test_scenarios_lists_names_and_descriptions() -> None:
    out = _run("scenarios")
    assert out.returncode == 0
    for name in ("elderly-wanderer", "forum-crisis-out-of-province", "fire-surge", "telecom-fraud-wave"):
        assert any(line.startswith(name + " ") and len(line.split()) >= 2 for line in out.stdout.splitlines())


def test_generate_a_scenario_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--scenario", "fire-surge", "--seed", "3"]) == 0
    lines = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert len(lines) >= 40
    assert {ln["truth"]["scenario"] for ln in lines} == {"fire-surge"}


@pytest.mark.parametrize("args", [["--help"], ["generate", "--help"], ["scenarios", "--help"]])
def test_help(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 0
    assert "usage: python -m simulators" in capsys.readouterr().out


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
