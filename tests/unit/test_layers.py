"""The layer contracts of ``pyproject.toml`` ([tool.importlinter]) hold: ``lint-imports``
exits 0 (docs/design.md, "Layers a tool checks").

A pure core that imports ``redis``, a simulator module that imports ``dispatch.processes.worker`` or
an import cycle inside ``simulators`` fails here, with import-linter's report of the chain.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.exists() else shutil.which("lint-imports")
    assert found, "lint-imports is missing: install the test extras (pip install -e '.[test]')"
    return found


def test_import_contracts_hold() -> None:
    # The packages of this checkout, not whatever an installed copy points to.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([_lint_imports(), "--no-cache"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout, result.stdout


def test_the_whole_tree_passes_ruff() -> None:
    # The style rules of pyproject.toml ([tool.ruff]) over every package, tests and bench.
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# The pure cores and the application services (docs/design.md): typed strictly.
CORES = ("dispatch/domain", "dispatch/missing", "dispatch/synthesis", "dispatch/pipeline.py",
         "dispatch/adapters/memory_store.py", "triage", "geo")


def test_the_cores_pass_mypy_strict() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
                             "--no-incremental", *CORES], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
