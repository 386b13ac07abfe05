"""The ``python -m simulators`` command line, run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulators", *args], cwd=ROOT, capture_output=True,
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


def test_help_and_bad_input() -> None:
    for args in (("--help",), ("generate", "--help")):
        out = _run(*args)
        assert out.returncode == 0 and "usage:" in out.stdout
    bad = _run("generate", "--scenario", "nope")
    assert bad.returncode == 2 and "unknown scenario" in bad.stderr
    assert _run("generate", "--calls-per-day", "-5").returncode == 2
