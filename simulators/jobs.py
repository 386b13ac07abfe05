"""RQ job: a what-if simulation launched from the analyst console.

The job takes JSON primitives only (the ``dispatch`` queue uses RQ's ``JSONSerializer``)
and reports its progress in the job's meta (``progress``: 0–1, ``stage``), which
``GET /v1/simulations/{id}`` reads.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from simulators.whatif.report import run_and_report

PROGRESS_EVERY_S = 0.5  # write the meta at most this often


def run_simulation(out_dir: str, hours: float, seed: int, config: dict[str, Any] | None = None,
                   compare: dict[str, Any] | None = None, mix: list[str] | None = None,
                   scenario: str | None = None) -> dict[str, Any]:
    """Simulate and write the report into ``out_dir``.

    Args:
        out_dir: the folder the report goes to (created).
        hours: length of the window.
        seed: stream and agent seed.
        config: what-if overrides of the base run (``simulators.whatif.knobs`` keys).
        compare: overrides of a second run shown side by side, if any.
        mix: scenarios mixed into the day.
        scenario: simulate only this named scenario.

    Returns:
        A short summary (files written, reports and speed per run).
    """
    from rq import get_current_job

    job = get_current_job()
    last = [0.0]

    def progress(share: float) -> None:
        now = time.monotonic()
        if job is None or (now - last[0] < PROGRESS_EVERY_S and share < 1.0):
            return
        last[0] = now
        job.meta["progress"] = round(share, 3)
        job.meta["stage"] = "report" if share >= 0.9 else "simulating"
        job.save_meta()  # type: ignore[no-untyped-call]

    runs = run_and_report(hours, seed, out_dir, config=config or {},
                          compare=compare, mix=tuple(mix or ()), scenario=scenario,
                          progress=progress)
    if job is not None:
        job.meta.update({"progress": 1.0, "stage": "done"})
        job.save_meta()  # type: ignore[no-untyped-call]
    return {"files": sorted(p.name for p in Path(out_dir).iterdir()),
            "runs": [{"label": r.label, "reports": r.reports, "speed": round(r.speed)}
                     for r in runs]}
