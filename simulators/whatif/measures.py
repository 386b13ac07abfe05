"""The KPIs' measurements, one row per report: ``(seconds, target, priority, precinct)``,
and their distributions overall, per priority (P1 first) and per precinct.

Each KPI and its target (seconds; None: no target for that priority):

* ``answer`` — call answer: the start of a 110 call to a call-taker picking it up
  (``Record.answered_t``; calls only, merged callers included: every caller waits).
  Target :data:`CALL_ANSWER_TARGET_S`, an assumption.
* ``triage`` — the start of the call to ``incident.triaged``; ``targets.triage_s``.
* ``dispatch`` — the start of the call to a unit assigned; ``targets.dispatch_s``.
* ``ack`` — ``incident.assigned`` to ``incident.acknowledged``; the priority's ack clock.
* ``arrival`` — the report received to the unit on scene; the core's due time
  (``decisions.arrival_due`` over ``decisions.ARRIVAL_TARGETS_S``: P1 10 min in the
  districts, 20 min in the banners and counties; P2 30 / 60 min).
* ``found`` — a missing person's case opened to the person found; the case's ``located``
  target (``dispatch.missing.targets.DEFAULT_TARGETS``: high 2 h, medium 12 h, low 48 h).
* ``forum`` — a forum post received to the moderator's reply; the forum workflow's target
  (``ForumTargets``: 5 min for P1 or self-harm, 30 min for P2, 2 h for the rest).

A report's precinct is the one its incident was last assigned to; a merged report counts
for the incident it ended in. ``command`` is the command centre's feed (not placed).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from simulators.whatif.engine import Engine
from simulators.whatif.merge_truth import roots

PRIORITIES = ("P1", "P2", "P3", "P4")
# Assumption: a 110 call is picked up within 10 s (two rings). No standard of the
# service's own says so; it is the reference line of the call-answer KPI.
CALL_ANSWER_TARGET_S = 10.0
KINDS = ("answer", "triage", "dispatch", "ack", "arrival", "found", "forum")
# kpis.json names of the per-precinct distributions, by kind.
PRECINCT_KEYS = {"answer": "call_answer_s", "dispatch": "time_to_dispatch_s",
                 "ack": "time_to_ack_s", "arrival": "time_to_arrival_s",
                 "found": "missing_found_s", "forum": "forum_reply_s"}

Row = tuple[float, float | None, str | None, str | None]  # seconds, target, priority, precinct


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def distribution(values: Sequence[float], within: Sequence[bool] | None = None) -> dict[str, Any]:
    """Count, mean and percentiles (rounded to 0.1 s), and the share meeting a target."""
    out: dict[str, Any] = {"n": len(values)}
    for name, q in (("p50", 50), ("p90", 90), ("p95", 95), ("max", 100)):
        value = percentile(values, q)
        out[name] = None if value is None else round(value, 1)
    out["mean"] = round(sum(values) / len(values), 1) if values else None
    if within is not None:
        out["within_target"] = round(sum(within) / len(within), 4) if within else None
    return out


def _within(rows: Sequence[Row]) -> list[bool]:
    return [r[0] <= r[1] for r in rows if r[1] is not None]


def by_priority(rows: Sequence[Row]) -> dict[str, Any]:
    """The distribution of ``rows`` with its share within target, and the same for each
    priority present (``by_priority``, P1 first)."""
    overall = distribution([r[0] for r in rows], _within(rows))
    overall["by_priority"] = {
        p: distribution([r[0] for r in part], _within(part))
        for p in PRIORITIES if (part := [r for r in rows if r[2] == p])}
    return overall


def brief(rows: Sequence[Row]) -> dict[str, Any]:
    """``n``, ``p50``, ``p90`` and ``within_target``, overall and per priority present."""
    def short(part: Sequence[Row]) -> dict[str, Any]:
        values = [r[0] for r in part]
        within = _within(part)
        p50, p90 = percentile(values, 50), percentile(values, 90)
        return {"n": len(values), "p50": None if p50 is None else round(p50, 1),
                "p90": None if p90 is None else round(p90, 1),
                "within_target": round(sum(within) / len(within), 4) if within else None}

    out = short(rows)
    out["by_priority"] = {p: short(part) for p in PRIORITIES
                          if (part := [r for r in rows if r[2] == p])}
    return out


def per_precinct(rows: Mapping[str, Sequence[Row]]) -> dict[str, dict[str, Any]]:
    """Precinct id → each kind's :func:`brief` under its ``PRECINCT_KEYS`` name (every
    key present, ``n`` 0 when the precinct had none)."""
    grouped: defaultdict[str, defaultdict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for kind in PRECINCT_KEYS:
        for row in rows.get(kind, ()):
            if row[3]:
                grouped[row[3]][kind].append(row)
    return {pid: {PRECINCT_KEYS[kind]: brief(kinds.get(kind, [])) for kind in PRECINCT_KEYS}
            for pid, kinds in grouped.items()}


def rows(engine: Engine) -> dict[str, list[Row]]:
    """Every KPI's rows of a finished run (see the module's docstring), by kind."""
    cfg = engine.config
    records = engine.records
    root = roots(records)

    def precinct(rid: str) -> str | None:
        return records[rid].precinct or records[root[rid]].precinct

    out: dict[str, list[Row]] = {kind: [] for kind in KINDS}
    for rid, rec in records.items():
        where = precinct(rid)
        if rec.answered_t is not None:
            out["answer"].append((rec.answered_t - rec.call_t, CALL_ANSWER_TARGET_S,
                                  rec.priority, where))
        if rec.triaged_t is not None:
            out["triage"].append((rec.triaged_t - rec.call_t, cfg.targets["triage_s"],
                                  rec.priority, where))
        if rec.forum_reply_t is not None and rec.received_t is not None:
            out["forum"].append((rec.forum_reply_t - rec.received_t, rec.forum_target_s,
                                 rec.priority, where))
        if rec.merged_into is not None:
            continue
        if rec.dispatched_t is not None:
            out["dispatch"].append((rec.dispatched_t - rec.call_t,
                                    cfg.targets["dispatch_s"].get(rec.priority or ""),
                                    rec.priority, where))
        if rec.acked_t is not None and rec.assigned_t is not None:
            out["ack"].append((rec.acked_t - rec.assigned_t,
                               cfg.ack_timeouts.get(rec.priority or ""), rec.priority, where))
        if rec.on_scene_t is not None and rec.received_t is not None:
            target = rec.arrival_due_t - rec.received_t if rec.arrival_due_t is not None else None
            out["arrival"].append((rec.on_scene_t - rec.received_t, target, rec.priority, where))
    for report_id, found_s, target_s in engine.missing.found_rows():
        if found_s is not None and report_id in records:
            out["found"].append((found_s, target_s, records[report_id].priority,
                                 precinct(report_id)))
    return out
