"""Duplicate merging measured against the stream's hidden truth.

Every stream line's truth names the real-world event it reports (``truth.event``); reports
of one event share it. The pipeline's answer is the incident each report ends in: its own,
or, when it was merged, the root of its ``merged_into`` chain. Comparing the two
partitions by pairs of reports gives

* **precision**: of the pairs the pipeline put in one incident, the share that truly are
  one event (a wrong merge hides a second event behind the first one's dispatch);
* **recall**: of the pairs that truly are one event, the share the pipeline put together
  (a missed merge sends a second patrol and splits the callers' facts);
* **incidents per event**: for each event reported more than once, how many incidents
  its reports ended in (1 is the goal);
* **wrong merges**: merges whose report belongs to another event than the incident it
  joined.

Pairs are counted through the contingency table (``n·(n−1)/2`` per cell), so a 43-call
surge costs nothing to score. Figures are given over all reports, per scenario (a
scenario's own reports; background traffic is ``background``) and per channel pair kind.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from simulators.whatif.records import Record


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def roots(records: Mapping[str, Record], automatic_only: bool = False) -> dict[str, str]:
    """Each report's incident id → the incident it ended in (itself when not merged);
    ``automatic_only``: as if no call-taker had merged a suggestion."""
    out: dict[str, str] = {}
    for rid in records:
        seen, at = [], rid
        while True:
            rec = records.get(at)
            parent = rec.merged_into if rec is not None and not (
                automatic_only and rec.merged_by == "call_taker") else None
            if parent is None or parent in seen or parent == at:
                break
            seen.append(at)
            at = parent
        out[rid] = at
    return out


def _scores(rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """``rows``: (truth event, incident root) per report."""
    cells = Counter(rows)
    by_event = Counter(e for e, _ in rows)
    by_root = Counter(r for _, r in rows)
    together = sum(_pairs(n) for n in cells.values())
    predicted = sum(_pairs(n) for n in by_root.values())
    true = sum(_pairs(n) for n in by_event.values())
    incidents_of: defaultdict[str, set[str]] = defaultdict(set)
    for event, root in rows:
        incidents_of[event].add(root)
    multi = [len(incidents_of[e]) for e, n in by_event.items() if n > 1]
    return {
        "reports": len(rows),
        "events": len(by_event),
        "events_with_several_reports": len(multi),
        "pairs_true": true, "pairs_merged": predicted, "pairs_right": together,
        "precision": round(together / predicted, 4) if predicted else None,
        "recall": round(together / true, 4) if true else None,
        "incidents_per_event": {
            "mean": round(sum(multi) / len(multi), 3) if multi else None,
            "max": max(multi) if multi else None,
            "events_in_one_incident": sum(1 for n in multi if n == 1)},
    }


def _wrong_merges(records: Mapping[str, Record], root_of: Mapping[str, str],
                  ids: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for rid in ids:
        rec = records[rid]
        if root_of[rid] == rid:
            continue
        parent = records.get(root_of[rid])
        if parent is None:
            continue
        mine, theirs = rec.truth.get("event"), parent.truth.get("event")
        if mine is not None and theirs is not None and mine != theirs:
            out.append({"incident_id": rid, "into": parent.incident_id,
                        "category": rec.truth.get("category"),
                        "into_category": parent.truth.get("category"),
                        "cross_category": rec.category != parent.category})
    return out


def merge_accuracy(records: Mapping[str, Record]) -> dict[str, Any]:
    """Merge precision/recall (pairs), incidents per event and wrong merges, overall and
    per scenario, with the call-taker's merges of suggestions; ``automatic`` gives the same
    without them (the pipeline's own merges)."""
    out = _accuracy(records, roots(records))
    auto = _accuracy(records, roots(records, automatic_only=True))
    out["automatic"] = {k: v for k, v in auto.items() if k not in ("wrong_examples",)}
    out["merges_by"] = dict(sorted(Counter(
        r.merged_by or "system" for r in records.values() if r.merged_into).items()))
    return out


def _accuracy(records: Mapping[str, Record], root_of: Mapping[str, str]) -> dict[str, Any]:
    known = [rid for rid, r in records.items() if r.truth.get("event") is not None]
    rows = [(str(records[rid].truth["event"]), root_of[rid]) for rid in known]
    wrong = _wrong_merges(records, root_of, known)
    out = _scores(rows)
    out["merges"] = sum(1 for rid in known if root_of[rid] != rid)
    out["wrong_merges"] = len(wrong)
    out["wrong_cross_category"] = sum(1 for w in wrong if w["cross_category"])
    out["wrong_examples"] = wrong[:10]
    by_scenario: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for rid, row in zip(known, rows, strict=True):
        by_scenario[str(records[rid].truth.get("scenario") or "background")].append(row)
    wrong_by = Counter(str(records[w["incident_id"]].truth.get("scenario") or "background")
                       for w in wrong)
    out["by_scenario"] = {name: {**_scores(part), "wrong_merges": wrong_by[name]}
                          for name, part in sorted(by_scenario.items())}
    return out
