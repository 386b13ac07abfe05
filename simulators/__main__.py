"""Command line: ``python -m simulators generate|scenarios|simulate|replay`` (``--help`` on each)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from simulators.errors import SimulatorError
from simulators.streams.config import load_config, with_overrides
from simulators.streams.generator import DEFAULT_START, generate
from simulators.streams.scenarios import scenarios


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m simulators",
        description="Synthetic 110 report streams (calls, forum posts, 12345 hand-overs) with ground truth.")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser(
        "generate", help="write a JSONL report stream to stdout",
        description="Write one JSON object per line: the POST /v1/reports body plus `at` "
                    "(send time, UTC) and `truth` (category, priority, flags, true location, ids). "
                    "Deterministic for a seed.")
    gen.add_argument("--hours", type=float, default=24.0, help="length of the window (default 24)")
    gen.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    gen.add_argument("--calls-per-day", type=float, help="mean 110 calls per day (default 1700)")
    gen.add_argument("--forum-per-day", type=float, help="mean forum posts per day (default 17642/365)")
    gen.add_argument("--transfers-per-day", type=float, help="mean 12345 hand-overs per day (default 24)")
    gen.add_argument("--config", help="TOML or JSON file overriding the defaults (docs/simulators.md)")
    gen.add_argument("--scenario", help="generate only this named scenario (see `scenarios`)")
    gen.add_argument("--mix", action="append", default=[], metavar="NAME[@HH:MM]",
                     help="mix a named scenario into the day (repeatable)")
    gen.add_argument("--start", default=DEFAULT_START.isoformat(),
                     help=f"start of the window, ISO-8601 (default {DEFAULT_START.isoformat()})")
    sub.add_parser("scenarios", help="list the named scenarios",
                   description="List the named scenarios with a one-line description each.")
    from simulators.cli import add_subcommands

    add_subcommands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (2 for invalid input)."""
    args = _parser().parse_args(argv)
    if args.command in ("simulate", "replay"):
        from simulators.cli import run_subcommand

        return run_subcommand(args)
    if args.command == "scenarios":
        for name, description in scenarios().items():
            print(f"{name:32} {description}")
        return 0
    try:
        config = load_config(args.config)
        volumes = {k: v for k, v in (("calls_per_day", args.calls_per_day),
                                     ("forum_per_day", args.forum_per_day),
                                     ("transfers_per_day", args.transfers_per_day)) if v is not None}
        config = with_overrides(config, volumes)
        if args.hours <= 0:
            raise SimulatorError("--hours must be positive")
        out = sys.stdout
        for line in generate(args.hours, args.seed, config=config, scenario=args.scenario,
                             start=args.start, mix=tuple(args.mix)):
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    except SimulatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
