"""Live replay against the real service: a short stream at high speed, officers on every
precinct console, the summary measured from the feeds and the incidents."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from simulators import generate
from simulators.replay import Replay, Tokens
from tests.support import ROOT, Service, seconds

START = "2026-01-12T19:00:00+08:00"


def _fresh(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines with source ids of their own (the session service is shared)."""
    prefix = uuid.uuid4().hex[:8]
    return [{**line, "source_id": f"{prefix}-{line['source_id']}"} for line in lines]


async def test_replay_posts_everything_officers_ack_and_accuracy_is_scored(service: Service) -> None:
    lines = _fresh(list(generate(1.5, 5, config={"calls_per_day": 360, "forum_per_day": 24,
                                                 "transfers_per_day": 0}, start=START)))
    assert 8 <= len(lines) <= 60
    replay = Replay(service.base, Tokens(secret=service.env["DISPATCH_SECRET"]), speed=3600,
                    consoles="all", seed=5, settle_s=seconds(20))
    result = await replay.run(lines)
    summary = result.summary()
    assert summary["sent"] == summary["accepted"] == len(lines) and summary["rejected"] == 0
    assert summary["delivered"] == len(lines), summary
    assert summary["assigned_seen"] == len(result.latencies_s) > 0
    assert 0 < summary["latency_ms"]["p50"] < 2000, summary["latency_ms"]
    assert summary["acks_sent"] > 0
    assert summary["acks_ok"] == summary["acks_sent"], summary["ack_errors"]
    accuracy = summary["accuracy"]
    assert accuracy["category"] is not None and accuracy["category"] >= 0.5
    assert accuracy["district"] is not None and accuracy["precinct"] is not None
    states = {i: service.incident(i) for i in result.ids.values()}
    acknowledged = {i for i, s in states.items() if s["acknowledged_at"]}
    assert acknowledged == result.acked, {i: (states[i]["status"], states[i]["timeline"][-1])
                                          for i in acknowledged ^ result.acked if i in states}
    assert all(states[i]["acknowledged_by"] == f"precinct:{states[i]['precinct']}"
               for i in acknowledged)


def test_replay_cli_prints_a_summary_and_writes_json(service: Service, tmp_path: Path) -> None:
    lines = _fresh(list(generate(24, 2, scenario="night-brawl")))
    stream = tmp_path / "brawl.jsonl"
    stream.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                      encoding="utf-8")
    out = tmp_path / "summary.json"
    proc = subprocess.run(
        [sys.executable, "-m", "simulators", "replay", str(stream), "--url", service.base,
         "--speed", "2000", "--consoles", "3", "--secret-from-env", "--json", str(out)],
        cwd=ROOT, env=service.env, capture_output=True, text=True, timeout=seconds(60),
        check=False)
    assert proc.returncode == 0, proc.stderr
    assert "intake→console p50" in proc.stdout
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["accepted"] == len(lines) == summary["delivered"]
    bad = subprocess.run([sys.executable, "-m", "simulators", "replay", str(stream), "--url",
                          service.base, "--consoles", "nope"], cwd=ROOT, env=service.env,
                         capture_output=True, text=True, timeout=seconds(60), check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error:")
