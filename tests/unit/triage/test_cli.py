"""``python -m triage``: classify, eval, train and --help, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from triage import CATEGORIES
from triage.cli import main
from triage.train import build, load_corpus


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "triage", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_classify_streams_results_in_order_and_survives_bad_lines() -> None:
    lines = [
        json.dumps(
            {"id": "a", "channel": "call", "text": "有人拿刀砍人，快来"}, ensure_ascii=False
        ),
        "this is not json",
        json.dumps({"id": "c", "channel": "fax", "text": "有人打架"}),
        json.dumps({"id": "d", "channel": "forum", "text": 5}),
        json.dumps({"id": "e", "channel": "call"}),
        json.dumps([1, 2]),
        "",
        json.dumps(
            {"id": 7, "channel": "transfer_12345", "text": "小区停水了"}, ensure_ascii=False
        ),
    ]
    proc = _run("classify", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "c", "d", "e", None, 7]
    first = out[0]
    assert set(first) == {"id", "category", "priority", "flags", "confidence", "cues",
                          "needs_review", "candidates", "questions", "life_risk"}
    assert (first["category"], first["priority"]) == ("violent_crime", "P1")
    assert all(set(o) == {"id", "error"} for o in out[1:6])
    assert out[6]["category"] == "non_police" and out[6]["priority"] == "P4"


def test_eval_prints_every_figure(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {
            "id": "1",
            "channel": "call",
            "text": "我不想活了，我在楼顶",
            "category": "self_harm",
            "priority": "P1",
            "flags": ["in_progress"],
        },
        {
            "id": "2",
            "channel": "call",
            "text": "笑死了，楼下停水了",
            "category": "non_police",
            "priority": "P4",
            "flags": [],
            "kind": "idiom",
        },
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    proc = _run("eval", str(gold), "--errors")
    assert proc.returncode == 0, proc.stderr
    for label in (
        "macro-F1",
        "confusion",
        "priority accuracy",
        "flag F1",
        "P1 recall",
        "self_harm recall",
        "idiom cases classified self_harm: 0 of 1",
    ):
        assert label in proc.stdout


def test_eval_of_a_malformed_file_fails_cleanly(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "category": "nope", "priority": "P1"}\n', encoding="utf-8")
    proc = _run("eval", str(bad))
    assert proc.returncode == 2 and "error" in proc.stderr
    assert _run("eval", str(tmp_path / "missing.jsonl")).returncode == 2


def test_train_writes_a_deterministic_artifact_from_a_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for category in CATEGORIES:
        lines = [f"P3 {category}的第{n}个例子，有人报警说{category}" for n in range(3)]
        (corpus / f"{category}.txt").write_text("\n".join(lines), encoding="utf-8")
    first = tmp_path / "a.json"
    proc = _run("train", "--corpus", str(corpus), "--output", str(first))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The same corpus trained in this process gives the same bytes.
    assert first.read_text(encoding="utf-8") == build(load_corpus(corpus))
    assert json.loads(first.read_text(encoding="utf-8"))["classes"] == list(CATEGORIES)
    (corpus / "fraud.txt").write_text("X1 bad line", encoding="utf-8")
    proc = _run("train", "--corpus", str(corpus), "--output", str(first))
    assert proc.returncode == 2 and "fraud.txt:1" in proc.stderr


def test_help() -> None:
    proc = _run("--help")
    assert proc.returncode == 0 and "usage:" in proc.stdout
    for command in ("classify", "eval", "train"):
        assert command in proc.stdout


@pytest.mark.parametrize("command", ["classify", "eval", "train"])
def test_subcommand_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: python -m triage " + command in capsys.readouterr().out
