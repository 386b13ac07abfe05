"""Triage throughput and per-text latency, against a plain substring scan of the lexicon.

Runs ``triage.classify`` over every report of the committed dev set, several passes, on
one core (the process is pinned to one CPU and BLAS is limited to one thread), and
measures texts per second (wall and CPU) and the p50/p99 time per text, wall and CPU
(thread time: on a loaded shared machine the wall figures include time spent waiting for
the core). The baseline,
measured in the same run over the same texts, is the naive approach the stage replaces:
``[p for p in lexicon if p in text]`` over every phrase of the same lexicon, with no
idioms, negation, model, flags, priority or extraction. The ratio says how much the
whole stage costs relative to that bare scan.

Usage: python bench/triage.py [--passes 5]
"""

from __future__ import annotations

import os

# One core: set before numpy is imported so BLAS does not start a thread pool.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console
from rich.table import Table

from triage import classify
from triage.cues import all_phrases

out = Console()


@dataclass(frozen=True)
class Figures:
    """One measured approach: rates, and per-text wall and CPU (thread) time."""

    rate_wall: float
    rate_cpu: float
    p50_ms: float
    p99_ms: float
    cpu_p50_ms: float
    cpu_p99_ms: float


def pin_to_one_core() -> str:
    """Pin this process to one CPU when the OS allows it; say which."""
    if hasattr(os, "sched_setaffinity"):
        cpu = max(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def measure(
    run: Callable[[str, str], object], rows: Sequence[tuple[str, str]], passes: int
) -> Figures:
    """Time ``run`` on every row, ``passes`` times, after one warm-up pass."""
    for text, channel in rows:
        run(text, channel)
    times: list[float] = []
    cpu_times: list[float] = []
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(passes):
        for text, channel in rows:
            start, start_cpu = time.perf_counter(), time.thread_time()
            run(text, channel)
            cpu_times.append(time.thread_time() - start_cpu)
            times.append(time.perf_counter() - start)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return Figures(
        rate_wall=len(times) / wall,
        rate_cpu=len(times) / cpu,
        p50_ms=_quantile(times, 0.5),
        p99_ms=_quantile(times, 0.99),
        cpu_p50_ms=_quantile(cpu_times, 0.5),
        cpu_p99_ms=_quantile(cpu_times, 0.99),
    )


def _quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5, help="timed passes over the dev set")
    args = parser.parse_args(argv)
    pinned = pin_to_one_core()
    raw = resources.files("triage.data").joinpath("dev.jsonl").read_text(encoding="utf-8")
    rows = [(r["text"], r["channel"]) for r in map(json.loads, raw.splitlines()) if r]
    phrases = all_phrases()

    def baseline(text: str, channel: str) -> object:
        return [p for p in phrases if p in text]

    stage = measure(classify, rows, args.passes)
    scan = measure(baseline, rows, args.passes)
    long_text = "有人在楼下打架，还有人拿着棍子，" * 320
    start = time.perf_counter()
    classify(long_text)
    long_ms = (time.perf_counter() - start) * 1000

    table = Table(title=f"triage over {len(rows)} dev reports × {args.passes} passes ({pinned})")
    for col in ("measure", "classify()", "substring scan", "ratio", "target"):
        table.add_column(col)
    table.add_row(
        "texts/s (wall)",
        f"{stage.rate_wall:,.0f}",
        f"{scan.rate_wall:,.0f}",
        f"×{stage.rate_wall / scan.rate_wall:.2f}",
        "≥ 2,000",
    )
    table.add_row(
        "texts/s (CPU)",
        f"{stage.rate_cpu:,.0f}",
        f"{scan.rate_cpu:,.0f}",
        f"×{stage.rate_cpu / scan.rate_cpu:.2f}",
        "",
    )
    table.add_row(
        "p50 per text",
        f"{stage.p50_ms:.3f} ms",
        f"{scan.p50_ms:.3f} ms",
        f"×{stage.p50_ms / scan.p50_ms:.2f}",
        "",
    )
    table.add_row(
        "p99 per text",
        f"{stage.p99_ms:.3f} ms",
        f"{scan.p99_ms:.3f} ms",
        f"×{stage.p99_ms / scan.p99_ms:.2f}",
        "< 5 ms",
    )
    table.add_row(
        "CPU p50 per text",
        f"{stage.cpu_p50_ms:.3f} ms",
        f"{scan.cpu_p50_ms:.3f} ms",
        f"×{stage.cpu_p50_ms / scan.cpu_p50_ms:.2f}",
        "",
    )
    table.add_row(
        "CPU p99 per text",
        f"{stage.cpu_p99_ms:.3f} ms",
        f"{scan.cpu_p99_ms:.3f} ms",
        f"×{stage.cpu_p99_ms / scan.cpu_p99_ms:.2f}",
        "",
    )
    out.print(table)
    out.print(
        f"lexicon: {len(phrases)} phrases; one {len(long_text)}-char text: {long_ms:.1f} ms;"
        f" load average {os.getloadavg()[0]:.1f}"
    )
    for clock, rate, p99 in (("wall", stage.rate_wall, stage.p99_ms),
                             ("CPU", stage.rate_cpu, stage.cpu_p99_ms)):
        met = rate >= 2000 and p99 < 5
        out.print(f"targets (≥ 2,000 texts/s, p99 < 5 ms) by {clock} time: "
                  f"{'met' if met else 'NOT met'}")
    if stage.rate_cpu > 1.5 * stage.rate_wall:
        out.print("wall time is well above CPU time: the core was shared with other work")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
