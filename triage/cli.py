"""Command line: ``python -m triage {classify,eval,train}``.

* ``classify`` reads JSON lines ``{"id", "channel", "text"}`` on stdin and writes
  ``{"id", "category", "priority", "flags", "confidence", "cues"}`` per line, in order; a
  malformed line yields ``{"id", "error"}`` and the rest go on.
* ``eval FILE.jsonl`` prints per-category precision/recall/F1, macro-F1, the confusion
  matrix, priority accuracy, flag F1, P1 recall and self_harm recall.
* ``train`` rebuilds ``data/model.json`` deterministically from the committed corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from triage import costs
from triage.classify import classify
from triage.codes import CATEGORIES, FLAGS, PRIORITIES
from triage.errors import TriageError
from triage.evaluate import Report, evaluate, parse_gold

_ABBREV = {c: c.split("_")[0][:5] for c in CATEGORIES}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for ``--help`` tests)."""
    parser = argparse.ArgumentParser(
        prog="python -m triage",
        description="Triage Chinese 110 reports: category, priority, flags and cues.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "classify",
        help="classify JSON lines from stdin",
        description='Read {"id","channel","text","answers"?} JSON lines on stdin; write one result line '
        'each ({"id","category","priority","flags","confidence","cues","needs_review",'
        '"candidates","questions","life_risk"}), or {"id","error"}.',
    )
    ev = sub.add_parser(
        "eval",
        help="evaluate against a gold JSONL file",
        description="Print per-category P/R/F1, macro-F1, confusion matrix, "
        "priority accuracy, flag F1, P1 recall and self_harm recall.",
    )
    ev.add_argument("file", type=Path, help="JSONL with text, channel, category, priority, flags")
    ev.add_argument("--errors", action="store_true", help="also list the misclassified reports")
    cal = sub.add_parser(
        "calibrate",
        help="rebuild the confidence curve and review thresholds (data/calibration.json)",
        description="Five-fold cross-validation over the corpus: an isotonic confidence "
        "curve and the least-cost review thresholds (triage/costs.py).",
    )
    cal.add_argument("--check", action="store_true",
                     help="do not write; exit 1 if the committed file differs from a rebuild")
    st = sub.add_parser(
        "study",
        help="ablation (net, abstention, rules, key questions) and learning curve on gold files",
        description="Markdown tables for docs/triage.md: what each part contributes, and "
        "(--curve) the score against corpus size. Retrains the model: slow.",
    )
    st.add_argument("files", type=Path, nargs="+", help="gold JSONL files, scored together")
    st.add_argument("--curve", action="store_true", help="also the learning curve")
    tr = sub.add_parser(
        "train",
        help="rebuild the model artifact from the committed corpus",
        description="Deterministically retrain data/model.json.",
    )
    tr.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where to write the artifact (default: the packaged data/model.json)",
    )
    tr.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="train on this folder of <category>.txt files instead of the committed corpus",
    )
    tr.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the committed artifact differs from a rebuild",
    )
    return parser


def classify_stream(lines: IO[str], out: IO[str]) -> int:
    """Classify each JSON line of ``lines`` into ``out``; return the number of error lines."""
    errors = 0
    for line in lines:
        if not line.strip():
            continue
        record = _classify_line(line)
        errors += "error" in record
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
    return errors


def _classify_line(line: str) -> dict[str, Any]:
    """One output record for one input line."""
    try:
        row = json.loads(line)
    except ValueError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.args[0] if exc.args else exc}"}
    if not isinstance(row, dict):
        return {"id": None, "error": "expected a JSON object"}
    ident = row.get("id")
    if "text" not in row:
        return {"id": ident, "error": "missing field: text"}
    try:
        result = classify(row["text"], row.get("channel", "call"), row.get("answers"))
    except TriageError as exc:
        return {"id": ident, "error": str(exc)}
    data = result.to_dict()
    return {
        "id": ident,
        "category": data["category"],
        "priority": data["priority"],
        "flags": data["flags"],
        "confidence": data["confidence"],
        "cues": data["cues"],
        "needs_review": data["needs_review"],
        "candidates": data["candidates"],
        "questions": data["questions"],
        "life_risk": data["life_risk"],
    }


def render_report(report: Report, show_errors: bool = False) -> str:
    """Format an evaluation :class:`Report` as plain text."""
    out = [f"reports: {report.total}", "", f"{'category':<16}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]
    for c in CATEGORIES:
        p, r, f, n = report.per_category[c]
        out.append(f"{c:<16}{p:>7.3f}{r:>7.3f}{f:>7.3f}{n:>6}")
    out += ["", f"macro-F1: {report.macro_f1:.3f}", "", "confusion (rows gold, columns predicted):"]
    out.append(" " * 16 + "".join(f"{_ABBREV[c]:>6}" for c in CATEGORIES))
    for g in CATEGORIES:
        out.append(f"{g:<16}" + "".join(f"{report.confusion[g][c]:>6}" for c in CATEGORIES))
    out += ["", f"{'flag':<20}{'P':>7}{'R':>7}{'F1':>7}{'n':>6}"]
    for flag in FLAGS:
        p, r, f, n = report.per_flag[flag]
        out.append(f"{flag:<20}{p:>7.3f}{r:>7.3f}{f:>7.3f}{n:>6}")
    out += [
        "",
        f"priority accuracy: {report.priority_accuracy:.3f}",
        f"flag F1 (micro): {report.flag_f1:.3f}",
        f"P1 recall: {report.p1_recall:.3f}",
        f"self_harm recall: {report.self_harm_recall:.3f}",
        f"self_harm precision: {report.self_harm_precision:.3f}",
        f"P1/P2 classified non_police/consultation: {report.urgent_as_non_police}",
        f"idiom cases classified self_harm: {report.idiom_as_self_harm} of {report.idiom_total}",
        f"life-risk reports at P3/P4: {report.life_risk_low} of {report.life_risk_total}",
        f"life-risk reports sent to non_police/consultation: {report.life_risk_to_12345}",
        f"over-triage (gold P3/P4 decided P1): {report.over_triage:.3f}",
        f"needs_review share: {report.review_share:.3f}",
        "",
        "priority matrix, count and cost (rows gold, columns decided; costs: triage/costs.py):",
        " " * 6 + "".join(f"{p:>14}" for p in PRIORITIES),
    ]
    weighted = costs.weighted(report.priority_matrix)
    for g in PRIORITIES:
        out.append(f"{g:<6}" + "".join(
            f"{report.priority_matrix[g][p]:>6} ({weighted[g][p]:>5.0f})" for p in PRIORITIES))
    out.append(f"total cost (with review {costs.REVIEW_COST}/report and wrong category "
               f"{costs.WRONG_CATEGORY_COST}): {report.total_cost:.1f}")
    if show_errors:
        out += ["", "errors (gold -> predicted):"]
        for gold, got in report.errors:
            review = " [review: " + ",".join(got.candidates) + "]" if got.needs_review else ""
            out.append(
                f"{gold.id}: {gold.category}/{gold.priority} -> {got.category}/{got.priority}"
                f"{review}  {gold.text}"
            )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "classify":
        classify_stream(sys.stdin, sys.stdout)
        return 0
    if args.command == "eval":
        try:
            gold = parse_gold(args.file.read_text(encoding="utf-8").splitlines())
        except (OSError, TriageError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(render_report(evaluate(gold), args.errors))
        return 0
    if args.command == "calibrate":
        return _calibrate(args.check)
    if args.command == "study":
        return _study(args.files, args.curve)
    from triage.train import artifact_path, artifacts_match, build, load_corpus

    try:
        text = build(load_corpus(args.corpus) if args.corpus else None)
    except (OSError, TriageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    target = args.output or artifact_path()
    if args.check:
        same = target.exists() and artifacts_match(target.read_text(encoding="utf-8"), text)
        print("artifact matches a fresh rebuild" if same else "artifact differs from a rebuild")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.name}: {len(text.encode('utf-8'))} bytes")
    return 0


def _calibrate(check: bool) -> int:
    from triage import calibrate

    text = calibrate.build()
    target = calibrate.artifact_path()
    if check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print("calibration matches a fresh rebuild" if same else "calibration differs")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.name}")
    return 0


def _study(files: Sequence[Path], with_curve: bool) -> int:
    from triage import study

    try:
        gold = [g for f in files for g in parse_gold(f.read_text(encoding="utf-8").splitlines())]
    except (OSError, TriageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(study.table(study.ablation(gold), "stage"))
    if with_curve:
        print()
        print(study.table(study.curve(gold), "corpus lines"))
    return 0
