"""`python -m dispatch token` and `simulators replay --secret-from-env` use the running
deployment's key, and say so clearly when there is none (they never make a new one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dispatch import auth


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPATCH_SECRET", "DISPATCH_VAR")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def test_token_without_a_deployment_key_says_where_it_looked(tmp_path: Path) -> None:
    r = _run(["-m", "dispatch", "token", "--role", "command"], tmp_path)
    assert r.returncode == 2
    assert "DISPATCH_SECRET is not set" in r.stderr and "secret" in r.stderr
    assert not (tmp_path / "var").exists()  # no new key made behind the service's back


def test_token_signs_with_the_key_make_run_wrote(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret").write_text("k" * 43, encoding="utf-8")
    r = _run(["-m", "dispatch", "token", "--role", "command"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert auth.verify("k" * 43, r.stdout.strip()).role is auth.Role.command


def test_replay_secret_from_env_falls_back_to_the_key_file(tmp_path: Path) -> None:
    stream = tmp_path / "empty.jsonl"
    stream.write_text("", encoding="utf-8")
    r = _run(["-m", "simulators", "replay", str(stream), "--secret-from-env"], tmp_path)
    assert r.returncode != 0 and "no signing key" in (r.stderr + r.stdout)


def test_token_longer_than_a_shift_is_refused_and_the_id_can_be_shown(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret").write_text("k" * 43, encoding="utf-8")
    r = _run(["-m", "dispatch", "token", "--role", "command", "--ttl-h", "876000"], tmp_path)
    assert r.returncode == 2 and "longer than a shift" in r.stderr and not r.stdout
    r = _run(["-m", "dispatch", "token", "--role", "precinct", "--precinct", "command"], tmp_path)
    assert r.returncode == 2 and "unknown precinct" in r.stderr
    r = _run(["-m", "dispatch", "token", "--role", "analyst", "--ttl-h", "8", "--show-id"],
             tmp_path)
    assert r.returncode == 0, r.stderr
    who = auth.verify("k" * 43, r.stdout.strip())
    assert r.stderr.strip() == f"jti={who.token_id}"
