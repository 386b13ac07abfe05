"""The ``simulate`` and ``replay`` subcommands of ``python -m simulators``."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Any

from simulators.errors import SimulatorError
from simulators.streams.generator import DEFAULT_START

MAX_SEEDS = 50  # seeds per configuration; each is one more simulated window


def add_subcommands(sub: Any) -> None:
    """Register ``simulate`` and ``replay`` on the CLI's subparsers."""
    sim = sub.add_parser(
        "simulate", help="run a what-if day in virtual time and write a KPI report",
        description="Run the real dispatch core (triage, geo, decisions, deadlines, units, "
                    "missing persons, forum targets) under a virtual clock with simulated "
                    "call-takers, officers and units; write kpis.json and index.html.")
    sim.add_argument("--hours", type=float, default=24.0, help="length of the window (default 24)")
    sim.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    sim.add_argument("--seeds", type=int, default=1, metavar="N",
                     help="run each configuration on N consecutive seeds from --seed and "
                          "mark differences larger than the seed-to-seed spread (default 1)")
    sim.add_argument("--config", help="what-if TOML/JSON (docs/simulators.md, 'Simulation')")
    sim.add_argument("--compare", help="a second what-if file to run side by side")
    sim.add_argument("--mix", action="append", default=[], metavar="NAME[@HH:MM]",
                     help="mix a named scenario into the day (repeatable)")
    sim.add_argument("--scenario", help="simulate only this named scenario")
    sim.add_argument("--start", default=DEFAULT_START.isoformat(), help="start of the window")
    sim.add_argument("--out", default="report", help="output folder (default report/)")
    sim.add_argument("--quiet", action="store_true", help="no progress bar")

    rep = sub.add_parser(
        "replay", help="post a stream to a running service and play the officers",
        description="Post each report at its accelerated time, listen on the console "
                    "websockets, acknowledge as simulated officers, and print delivery, "
                    "latency, escalations and triage/geo accuracy against the truth.")
    rep.add_argument("stream", help="a JSONL stream from `generate`")
    rep.add_argument("--url", default="http://127.0.0.1:8000", help="the service")
    rep.add_argument("--speed", type=float, default=60.0,
                     help="time acceleration (default 60: an hour in a minute)")
    rep.add_argument("--consoles", default="all",
                     help="precinct consoles to play: all, a number N, or ids a,b,c")
    rep.add_argument("--token", help="a command or admin token used for everything")
    rep.add_argument("--secret-from-env", action="store_true",
                     help="sign tokens with the running service's key: DISPATCH_SECRET, "
                     "else $DISPATCH_VAR/secret (var/secret, as `make run` writes it)")
    rep.add_argument("--seed", type=int, default=7, help="seed of the officers' delays")
    rep.add_argument("--settle", type=float, default=10.0,
                     help="seconds to wait for the last assignments (default 10)")
    rep.add_argument("--json", dest="json_out", help="also write the summary to this file")


def run_subcommand(args: argparse.Namespace) -> int:
    """Run ``simulate`` or ``replay``; 2 for invalid input."""
    try:
        return _simulate(args) if args.command == "simulate" else _replay(args)
    except (SimulatorError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _simulate(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from simulators.whatif.report import run_and_report

    if not 0 < args.hours <= 24 * 14:
        raise SimulatorError("--hours must be in (0, 336]")
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise SimulatorError(f"--seeds must be in [1, {MAX_SEEDS}]")
    with Progress(disable=args.quiet, transient=True) as bar:
        task = bar.add_task("simulating", total=1.0)
        runs = run_and_report(args.hours, args.seed, args.out, config=args.config,
                              compare=args.compare, start=args.start, mix=tuple(args.mix),
                              scenario=args.scenario, seeds=args.seeds,
                              progress=lambda x: bar.update(task, completed=x))
    for run in runs:
        k = run.kpis
        print(f"{run.label}: {run.reports} reports, {k['reports']['incidents']} incidents, "
              f"{k['escalations']['incidents']} escalated, arrival p50 "
              f"{(k['time_to_arrival_s']['p50'] or 0) / 60:.1f} min; "
              f"{run.hours * 3600:.0f} simulated s in {run.generate_s + run.engine_s:.1f} s "
              f"({run.speed:,.0f}× real time)")
    if args.seeds > 1:
        print(f"each configuration on seeds {args.seed}–{args.seed + args.seeds - 1} "
              "(figures above: the first seed; spreads in the report)")
    print(f"report: {os.path.join(args.out, 'index.html')}")
    return 0


def _replay(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from simulators.replay import Replay, Tokens, read_stream

    secret = None
    if args.secret_from_env:
        from dispatch.settings import ConfigError, existing_secret

        try:  # DISPATCH_SECRET, or the key `make run` wrote into $DISPATCH_VAR/secret
            secret = existing_secret().value
        except ConfigError as exc:
            raise SimulatorError(f"--secret-from-env: {exc}") from None
    tokens = Tokens(token=args.token, secret=secret)
    lines = read_stream(args.stream)
    with Progress(transient=True) as bar:
        sent = bar.add_task("posted", total=len(lines))
        seen = bar.add_task("on a console", total=len(lines))

        def progress(kind: str, count: int) -> None:
            bar.update(sent if kind == "sent" else seen, completed=count)

        replay = Replay(args.url, tokens, args.speed, args.consoles, seed=args.seed,
                        settle_s=args.settle, progress=progress)
        result = asyncio.run(replay.run(lines))
    summary = result.summary()
    table = Table(title=f"replay of {len(lines)} reports at ×{args.speed:g}")
    table.add_column("measure")
    table.add_column("value")
    for key in ("sent", "accepted", "rejected", "delivered", "merged_seen", "acks_sent",
                "acks_ok"):
        table.add_row(key, str(summary[key]))
    for key, value in summary["latency_ms"].items():
        table.add_row(f"intake→console {key}", "—" if value is None else f"{value} ms")
    table.add_row("escalated incidents", str(summary["escalations"]["incidents"]))
    for key, value in summary["accuracy"].items():
        table.add_row(f"{key} accuracy", "—" if value is None else f"{value * 100:.1f}%")
    Console().print(table)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, ensure_ascii=False, indent=1)
    return 0
