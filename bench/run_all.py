"""``make bench``: run every benchmark in ``bench/`` one after the other.

Each prints its own figures and its ratio against a baseline measured in the same run.
Pass names to run only some: ``python bench/run_all.py e2e triage``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["jobqueue", "triage", "geo", "missing", "synthesis", "e2e", "fanout", "failover",
         "simulate"]


def main(argv: list[str]) -> int:
    wanted = argv or [n for n in ORDER if (HERE / f"{n}.py").exists()]
    failed = []
    for name in wanted:
        print(f"\n=== bench/{name}.py ===", flush=True)
        if subprocess.run([sys.executable, str(HERE / f"{name}.py")], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
