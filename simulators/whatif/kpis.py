"""KPIs of a finished simulation run, and the samples the report plots.

Every duration is in seconds, measured on the virtual clock (the rows and their targets
are :mod:`simulators.whatif.measures`):

* call answer: the start of a 110 call to a call-taker picking it up (target 10 s, an
  assumption);
* time-to-triage: the start of the call (the stream's ``at``) to ``incident.triaged``
  (call-taker queue and handling, then the pipeline);
* time-to-dispatch: the start of the call to a unit assigned;
* time-to-ack: ``incident.assigned`` to ``incident.acknowledged`` (target: the ack clock
  of the priority);
* time-to-arrival: the report received to the unit on scene (target: the core's arrival
  due time, ``decisions.arrival_due``);
* missing person found: the case opened to the person found (target: the case's
  ``located`` target); forum reply: the post received to the reply (``ForumTargets``);
* unplaced wait: an incident the pipeline could not place waits at the command centre
  from its assignment there until a precinct owns it (the duty officer's 定位修正 or 转派);
  target p90 ≤ 2 min for P1 (``targets.unplaced_wait_s``).

Each comes overall, per priority and (``per_precinct``) per precinct.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta, timezone
from typing import Any

import geo
from dispatch.domain.incident import COMMAND_FEED
from simulators.whatif import measures
from simulators.whatif.engine import Engine
from simulators.whatif.measures import PRIORITIES, distribution, percentile
from simulators.whatif.merge_truth import merge_accuracy
from simulators.whatif.records import Record

LOCAL = timezone(timedelta(hours=8))  # Baotou (Asia/Shanghai, no daylight saving)
COMMAND_NAME = "指挥中心（未定位）"  # the command feed in the per-precinct figures

__all__ = ["PRIORITIES", "compute", "distribution", "incident_points", "percentile",
           "samples"]


def _local_hour(engine: Engine, t: float) -> int:
    return engine.at(t).astimezone(LOCAL).hour


def samples(engine: Engine) -> dict[str, Any]:
    """Per-report ``(seconds, target, priority)`` of every KPI, by kind (``answer``,
    ``triage``, ``dispatch``, ``ack``, ``arrival``, ``found``, ``forum``), for the plots;
    :func:`measures.rows` gives the same with each report's precinct."""
    return {kind: [row[:3] for row in rows] for kind, rows in measures.rows(engine).items()}


def _durations(rows: Sequence[tuple[Any, ...]]) -> dict[str, Any]:
    return measures.by_priority([(r[0], r[1], r[2], None) for r in rows])


Row = tuple[float, float | None, str | None]


def _unplaced(engine: Engine, records: list[Record]) -> dict[str, Any]:
    """How long incidents the pipeline could not place waited for the command centre to
    place or send them, by priority and by what the officer did, against the P1 target."""
    target: dict[str, float] = dict(engine.config.targets.get("unplaced_wait_s", {}))
    waited = [r for r in records if r.unplaced_t is not None]
    placed = [(r, r.placed_t - r.unplaced_t) for r in waited
              if r.placed_t is not None and r.unplaced_t is not None]

    def rows(action: str | None = None) -> list[Row]:
        return [(wait, target.get(r.priority or ""), r.priority) for r, wait in placed
                if action is None or r.command_action == action]

    to_ack: list[Row] = [(r.acked_t - r.unplaced_t, None, r.priority) for r, _ in placed
                         if r.acked_t is not None and r.unplaced_t is not None
                         and r.placed_t is not None and r.acked_t >= r.placed_t]
    wait = _durations(rows())
    p1_p90 = wait["by_priority"].get("P1", {}).get("p90")
    p1_target = target.get("P1")
    return {
        "incidents": len(waited), "placed": len(placed),
        "placed_on_line": sum(1 for r in records if r.placed_on_line),
        "placed_on_line_p1": sum(1 for r in records if r.placed_on_line and r.priority == "P1"),
        "by_action": dict(sorted(Counter(r.command_action or "pending" for r in waited).items())),
        "wait_s": wait,
        "wait_by_action_s": {a: _durations(rows(a))
                             for a in sorted({r.command_action or "" for r, _ in placed})},
        "to_precinct_ack_s": _durations(to_ack),
        "p1_target_p90_s": p1_target,
        "p1_target_met": None if p1_target is None or p1_p90 is None else p1_p90 <= p1_target,
    }


def _accuracy(records: list[Record]) -> dict[str, Any]:
    hits: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for rec in records:
        truth = rec.truth
        if not truth or rec.category is None:
            continue
        for key, mine in (("category", rec.category), ("priority", rec.priority)):
            seen[key] += 1
            hits[key] += mine == truth.get(key)
        if truth.get("district") and not truth.get("out_of_area"):
            seen["district"] += 1
            hits["district"] += rec.district_name == truth["district"]
    return {k: round(hits[k] / seen[k], 4) if seen[k] else None for k in ("category",
                                                                          "priority", "district")}


def _preliminary(records: list[Record]) -> dict[str, Any]:
    """先期处置: calls sent at their first facts, and how many of them the rest of the call
    raised (the incident's priority above the one it was first triaged at)."""
    sent = [r for r in records if r.preliminary]
    return {"calls": len(sent), "by_priority": dict(sorted(Counter(
        r.priority for r in sent if r.priority).items())),
        "received_s_after_answer": distribution([r.received_t - r.answered_t for r in sent
                                                 if r.received_t is not None
                                                 and r.answered_t is not None])}


def _key_questions(engine: Engine, records: list[Record]) -> dict[str, Any]:
    """What asking triage's open questions cost (talk time) and gained (priorities raised,
    and how many of those were right by the truth)."""
    calls = [r for r in records if r.channel == "call"]
    asked = [r for r in calls if r.questions_asked]
    raised = [r for r in asked if r.raised_by_answers]
    return {
        "calls": len(calls), "calls_asked": len(asked),
        "questions_asked": sum(r.questions_asked for r in asked),
        "talk_time_added_s": round(sum(r.questions_asked for r in asked)
                                   * engine.config.key_question_s, 1),
        "priority_raised": len(raised),
        "raised_to_truth": sum(1 for r in raised if r.priority == r.truth.get("priority")),
    }


FINDING_KINDS = ("caller_history", "dv_risk", "place_history", "premise_note", "watch_list",
                 "missing_person", "series")
SYNTHESIS_MARKS = ("repeat_caller", "frequent_caller", "dv_history", "hotspot", "series",
                   "premise_note", "officer_safety", "watch_hit", "missing_hit")


def _ttd(records: Sequence[Record]) -> dict[str, Any]:
    """Time-to-dispatch (call start to a unit assigned) of ``records`` that got a unit."""
    return distribution([r.dispatched_t - r.call_t for r in records
                         if r.dispatched_t is not None])


def _synthesis(engine: Engine, live: list[Record]) -> dict[str, Any]:
    """What synthesis (接警即合成) found and changed.

    ``affected`` are the incidents whose priority a finding raised (the one decision the
    rules change); their time-to-dispatch is set against every other incident's, and
    against the others of the priority they were raised to. Premise-note hits count as
    shown to the unit when a unit was dispatched to the incident (the note is on the
    incident the unit's console opens)."""
    synthesized = [r for r in live if r.findings or r.triaged_t is not None]
    found = [r for r in live if r.findings]
    affected = [r for r in live if r.raised_from is not None]
    rest = [r for r in live if r.raised_from is None]
    notes = [r for r in live if "premise_note" in r.findings]
    shown = [r for r in notes if r.dispatched_t is not None]
    raised_to = {p for r in affected if (p := r.priority)}
    truth = [r for r in affected if r.priority == r.truth.get("priority")]
    generated = Counter(str(r.truth.get("recurrence")) for r in engine.records.values()
                        if r.truth.get("recurrence"))
    return {
        "enabled": engine.synthesis is not None,
        "prelude": {"reports": engine.prelude_reports, "premise_notes": engine.notes_loaded},
        "generated": dict(sorted(generated.items())),
        "incidents": len(synthesized),
        "with_findings": len(found),
        "by_kind": {k: sum(1 for r in found if k in r.findings) for k in FINDING_KINDS},
        "marks": {m: sum(1 for r in found if m in r.synthesis_marks) for m in SYNTHESIS_MARKS},
        "decisions_changed": len(affected),
        "priority_raised": dict(sorted(Counter(f"{r.raised_from}→{r.priority}"
                                               for r in affected).items())),
        "raised_by_rule": dict(sorted(Counter(rule for r in affected
                                              for rule in r.raised_rules).items())),
        "raised_to_truth": len(truth),
        "time_to_dispatch_s": {
            "affected": _ttd(affected), "rest": _ttd(rest),
            "rest_same_priority": _ttd([r for r in rest if r.priority in raised_to])},
        "premise_notes": {
            "hits": len(notes), "shown_to_unit": len(shown),
            "officer_safety_to_unit": sum(1 for r in shown
                                          if "officer_safety" in r.synthesis_marks),
            "by_kind": dict(sorted(Counter(k for r in notes for k in r.note_kinds).items()))},
    }


def _per_precinct(engine: Engine, live: list[Record], rows: dict[str, list[measures.Row]],
                  utilisation: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Per precinct (and the command feed): its name and district, load, escalations,
    units and their utilisation, and every KPI's :func:`measures.brief` by priority."""
    names = {p.id: p for p in geo.precincts()}
    out: dict[str, dict[str, Any]] = {}

    def entry(pid: str) -> dict[str, Any]:
        if pid not in out:
            known = names.get(pid)
            out[pid] = {"name": known.name if known else COMMAND_NAME if pid == COMMAND_FEED
                        else pid, "district": known.district if known else None,
                        "district_name": known.district_name if known else None,
                        "incidents": 0, "escalations": 0, "units": 0, "utilisation": 0.0}
        return out[pid]

    for uid, unit in engine.fleet.units.items():
        e = entry(unit.precinct)
        e["units"] += 1
        e["utilisation"] += utilisation[uid]
    for rec in live:
        if rec.precinct:
            e = entry(rec.precinct)
            e["incidents"] += 1
            e["escalations"] += rec.escalation > 0
    for e in out.values():
        e["utilisation"] = round(e["utilisation"] / e["units"], 4) if e["units"] else None
    for pid, kpis in measures.per_precinct(rows).items():
        entry(pid).update(kpis)
    for e in out.values():
        for key in measures.PRECINCT_KEYS.values():
            e.setdefault(key, measures.brief([]))
    return dict(sorted(out.items()))


def compute(engine: Engine, hours: float) -> dict[str, Any]:
    """Every KPI of the run (deterministic for a seed and configuration)."""
    records = list(engine.records.values())
    live = [r for r in records if r.merged_into is None]
    rows = measures.rows(engine)
    span = hours * 3600.0
    utilisation = engine.fleet.utilisation(min(engine.end_t, span), span)
    reports_h, escalations_h = [0] * 24, [0] * 24
    arrivals_h: list[list[float]] = [[] for _ in range(24)]
    for rec in records:
        h = _local_hour(engine, rec.call_t)
        reports_h[h] += 1
        if rec.merged_into is None:
            escalations_h[h] += rec.escalation > 0
            if rec.on_scene_t is not None and rec.received_t is not None:
                arrivals_h[h].append(rec.on_scene_t - rec.received_t)
    escalated = [r for r in live if r.escalation > 0]
    forum = [r for r in records if r.forum_reply_t is not None and r.received_t is not None]
    forum_ok = [r.forum_reply_t - r.received_t <= r.forum_target_s for r in forum  # type: ignore[operator]
                if r.forum_target_s is not None]
    values = list(utilisation.values())
    return {
        "reports": {"total": len(records), "by_channel": dict(sorted(Counter(
            r.channel for r in records).items())), "incidents": len(live),
            "merged": len(records) - len(live),
            "by_priority": dict(sorted(Counter(r.priority for r in live if r.priority).items()))},
        "call_answer_s": measures.by_priority(rows["answer"]),
        "time_to_triage_s": measures.by_priority(rows["triage"]),
        "time_to_dispatch_s": measures.by_priority(rows["dispatch"]),
        "time_to_ack_s": measures.by_priority(rows["ack"]),
        "time_to_arrival_s": measures.by_priority(rows["arrival"]),
        "unplaced": _unplaced(engine, live),
        "escalations": {
            "incidents": len(escalated),
            "share_of_assigned": round(len(escalated) / max(1, sum(
                1 for r in live if r.assigned_t is not None)), 4),
            "by_level": dict(sorted(Counter(str(r.escalation) for r in escalated).items())),
            "by_priority": dict(sorted(Counter(r.priority for r in escalated
                                               if r.priority).items()))},
        "units": {"count": len(values), "dispatches": sum(engine.fleet.dispatches.values()),
                  "utilisation_mean": round(sum(values) / len(values), 4) if values else None,
                  "utilisation_max": round(max(values), 4) if values else None,
                  "waited_for_a_unit": sum(1 for r in live if r.dispatched_t is not None
                                           and r.acked_t is not None
                                           and r.dispatched_t - r.acked_t > 1e-6)},
        "per_precinct": _per_precinct(engine, live, rows, utilisation),
        "hourly": {str(h): {"reports": reports_h[h], "escalations": escalations_h[h],
                            "arrival_p50_s": None if not arrivals_h[h]
                            else round(percentile(arrivals_h[h], 50) or 0.0, 1)}
                   for h in range(24)},
        "missing_persons": {**engine.missing.kpis(engine.clock.now()),
                            "time_to_found_s": measures.by_priority(rows["found"])},
        "forum": {"posts": len(forum), "reply_within_target": round(
            sum(forum_ok) / len(forum_ok), 4) if forum_ok else None,
            "reply_s": measures.by_priority(rows["forum"])},
        "accuracy": _accuracy(records),
        "duplicates": merge_accuracy(engine.records),
        "key_questions": _key_questions(engine, records),
        "preliminary": _preliminary(records),
        "synthesis": _synthesis(engine, live),
        "feeds": {"messages": sum(engine.feed_messages.values()),
                  "deadlines_without_handler": engine.dropped_deadlines},
    }


def incident_points(engine: Engine) -> list[tuple[float, float, str]]:
    """``(lat, lon, priority)`` of every incident that was located (for the map)."""
    return [(r.lat, r.lon, r.priority or "P4") for r in engine.records.values()
            if r.merged_into is None and r.lat is not None and r.lon is not None]

