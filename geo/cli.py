"""Command line: ``python -m geo {build,locate,eval,devset,map}``.

* ``build`` rebuilds the WGS-84 layers under ``geo/data`` from ``geo/data/raw``.
* ``locate`` reads JSON lines ``{"id", "text", "location"?}`` on stdin and writes one
  JSON line per input: ``id, lat, lon, crs, radius_m, confidence, district, precinct,
  precinct_name, in_jurisdiction, city, matched`` (+ ``reason``, ``warnings`` …).
* ``devset`` regenerates the development set under ``geo/data/eval``.
* ``map OUT.png`` draws the active precinct layer (for the docs).
* ``eval FILE.jsonl`` scores against gold ``district``/``precinct``/``lat``,``lon``/
  ``out_of_area`` and prints the figures (``--json`` for machine output).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="rebuild the layers under geo/data from geo/data/raw")
    sub.add_parser("locate", help="JSON lines in on stdin, located JSON lines out on stdout")
    mp = sub.add_parser("map", help="draw the precinct layer to a PNG")
    mp.add_argument("out", type=Path)
    dv = sub.add_parser("devset", help="regenerate geo/data/eval/dev_generated.jsonl and dev.jsonl")
    dv.add_argument("--seed", type=int, default=20261126)
    ev = sub.add_parser("eval", help="score locate() against a gold JSON-lines file")
    ev.add_argument("file", type=Path)
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--misses", action="store_true", help="also list the wrong lines")
    args = parser.parse_args(argv)
    if args.command == "build":
        from geo.build import build

        for path in build():
            print(f"{path.name}\t{path.stat().st_size} bytes", file=sys.stderr)
        return 0
    if args.command == "locate":
        from geo.wire import process_line

        for line in sys.stdin:
            out = process_line(line)
            if out is not None:
                sys.stdout.write(out + "\n")
                sys.stdout.flush()
        return 0
    if args.command == "map":
        from geo.mapplot import render_map

        print(render_map(args.out), file=sys.stderr)
        return 0
    if args.command == "devset":
        from geo.devset import write_devset

        for path in write_devset(args.seed):
            print(f"{path.name}\t{sum(1 for _ in path.open(encoding='utf-8'))} lines",
                  file=sys.stderr)
        return 0
    from geo.evaluate import evaluate, render

    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    with args.file.open(encoding="utf-8") as fh:
        score = evaluate(fh)
    summary = score.summary()
    print(json.dumps(summary, ensure_ascii=False, indent=1) if args.json else render(summary))
    if args.misses:
        for miss in score.misses:
            print(json.dumps(miss, ensure_ascii=False))
    return 0
