"""One what-if run: generate the stream, run the engine, compute the KPIs.

    from simulators.whatif.run import simulate
    run = simulate(hours=24, seed=7)                  # a Run: kpis, samples, points, timing

Writing ``kpis.json`` and ``index.html`` for one or two runs is
:func:`simulators.whatif.report.run_and_report`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from simulators.streams.generator import DEFAULT_START, generate, parse_start
from simulators.streams.recurrence import prelude
from simulators.whatif import kpis as kpi_mod
from simulators.whatif.engine import Engine, Progress
from simulators.whatif.knobs import SimConfig, load_sim_config

ConfigSource = str | Path | Mapping[str, Any] | SimConfig | None


@dataclass
class Run:
    """One simulated configuration: its KPIs, the samples behind them and timing."""

    label: str
    config: SimConfig
    kpis: dict[str, Any]
    samples: dict[str, Any]
    points: list[tuple[float, float, str]]
    reports: int
    generate_s: float
    engine_s: float
    hours: float

    @property
    def speed(self) -> float:
        """Simulated seconds per wall second (generation included)."""
        return self.hours * 3600 / max(1e-9, self.generate_s + self.engine_s)


def _config(source: ConfigSource) -> SimConfig:
    return source if isinstance(source, SimConfig) else load_sim_config(source)


def simulate(hours: float = 24.0, seed: int = 7, config: ConfigSource = None,
             start: str | datetime = DEFAULT_START, mix: tuple[str, ...] = (),
             scenario: str | None = None, progress: Progress | None = None,
             label: str = "base", lines: list[dict[str, Any]] | None = None) -> Run:
    """Simulate one configuration over the generated stream.

    Args:
        hours: length of the window.
        seed: seeds the stream and the agents.
        config: a :class:`SimConfig`, a what-if file, a mapping of overrides or None.
        start: start of the window (ISO-8601 or aware datetime).
        mix: scenarios mixed into the day (``name[@HH:MM]``).
        scenario: simulate only this named scenario (no background traffic).
        progress: called with the share of the window done.
        label: name of this run in a comparison.
        lines: a ready stream to use instead of generating one (its ``at`` decide).

    Raises:
        ConfigError: a bad what-if file, override, start time or scenario.
    """
    cfg = _config(config)
    begin = parse_start(start) if isinstance(start, str) else start
    t0 = time.perf_counter()
    if lines is None:
        lines = list(generate(hours, seed, config=cfg.stream_config(), scenario=scenario,
                              start=begin, mix=mix))
    t1 = time.perf_counter()
    # What the centre already holds (earlier reports, premise notes): the background's
    # recurrence draws on the same prelude; a scenario alone starts from an empty index.
    known = None if scenario is not None else prelude(seed, cfg.stream_config(), begin, hours)
    engine = Engine(cfg, begin, seed, prelude=known).run(lines, hours, progress)
    kpis = kpi_mod.compute(engine, hours)
    t2 = time.perf_counter()
    return Run(label, cfg, kpis, kpi_mod.samples(engine), kpi_mod.incident_points(engine),
               len(lines), t1 - t0, t2 - t1, hours)
