"""The virtual-time engine: determinism, deadlines as the scheduler fires them, agents."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import lru_cache

import pytest

from dispatch.domain.events import EventType
from dispatch.domain.incident import Status
from simulators import generate
from simulators.streams.generator import DEFAULT_START
from simulators.whatif.engine import Engine
from simulators.whatif.knobs import SimConfig, load_sim_config
from simulators.whatif.run import Run, simulate

HOURS = 2.0


@lru_cache(maxsize=8)
def _run(seed: int, overrides: str = "{}") -> Run:
    return simulate(HOURS, seed, json.loads(overrides), start=DEFAULT_START + timedelta(hours=17))


def test_same_seed_gives_the_same_stream_and_the_same_kpis() -> None:
    start = DEFAULT_START + timedelta(hours=17)
    assert list(generate(HOURS, 11, start=start)) == list(generate(HOURS, 11, start=start))
    first = simulate(HOURS, 11, start=start)
    second = simulate(HOURS, 11, start=start)
    assert first.kpis["reports"]["total"] > 30
    assert json.dumps(first.kpis, sort_keys=True) == json.dumps(second.kpis, sort_keys=True)
    assert first.samples == second.samples and first.points == second.points


def test_another_seed_gives_another_day() -> None:
    assert _run(3).kpis != _run(4).kpis


def _engine(overrides: dict[str, object], scenario: str = "night-brawl") -> Engine:
    cfg = load_sim_config(overrides)
    lines = list(generate(24, 5, scenario=scenario))
    return Engine(cfg, DEFAULT_START, 5).run(lines, 24)


def test_nobody_acknowledges_so_every_clocked_assignment_escalates_and_p1_reaches_the_chief() -> None:
    engine = _engine({"officer_ack_probability": 0, "command_ack_s": 0})
    live = [r for r in engine.records.values() if r.merged_into is None]
    assert live and all(r.assigned_t is not None for r in live)
    for rec in live:
        incident = engine.incidents[rec.incident_id]
        assert incident.status is Status.ASSIGNED
        timeout = engine.config.ack_timeouts.get(rec.priority or "")
        if timeout is None:
            assert rec.escalation == 0
            continue
        expected = 2 if rec.priority == "P1" else 1
        assert rec.escalation == expected, rec
        first_t, level = rec.escalations[0]
        # The clock of the assignment that escalated (a later caller may have raised the
        # priority since).
        timeline = engine.store.timelines.get(rec.incident_id, [])
        escalated = next(e for e in timeline if e.type is EventType.ESCALATED)
        assigned = [e for e in timeline if e.type is EventType.ASSIGNED and e.at <= escalated.at]
        due = assigned[-1].data["ack_due_at"]
        assert level == 1 and first_t == pytest.approx(
            (datetime.fromisoformat(due) - engine.start).total_seconds(), abs=1e-3)
        if expected == 2:
            # One step later, or at once when a later caller raised it to P1 after the
            # first escalation (the chain of a P2 had ended at the command centre).
            raised = [e for e in engine.store.timelines.get(rec.incident_id, [])
                      if e.type is EventType.ESCALATED and e.data.get("by_caller")]
            assert raised or rec.escalations[1][0] == pytest.approx(
                first_t + engine.config.escalation_step_s, abs=1e-3)  # due times travel as ms ISO
    assert not any(k.startswith("ack|") for k in engine.deadlines)  # nothing left armed


def test_a_prompt_officer_closes_the_deadline_and_nothing_escalates() -> None:
    engine = _engine({"officer_ack_median_s": {"P1": 1, "P2": 1, "P3": 1, "P4": 1},
                      "officer_ack_sigma": 0, "command_ack_s": 1})
    live = [r for r in engine.records.values() if r.merged_into is None]
    assert all(r.escalation == 0 for r in live)
    assert all(r.acked_t is not None and r.acked_t - r.assigned_t == pytest.approx(1.0)
               for r in live if r.precinct != "command")


def test_duplicate_callers_merge_into_one_incident_as_the_worker_would() -> None:
    engine = _engine({}, scenario="fire-surge")
    merged = [r for r in engine.records.values() if r.merged_into]
    assert len(merged) >= 20
    for rec in merged:
        parent = engine.incidents[rec.merged_into]
        assert engine.incidents[rec.incident_id].status is Status.MERGED
        assert parent.callers > 1


def test_units_travel_serve_and_come_free() -> None:
    run = _run(3)
    k = run.kpis
    assert k["units"]["dispatches"] == k["time_to_arrival_s"]["n"] > 0
    assert 0 < k["units"]["utilisation_mean"] < 1
    # On-scene targets are P1's and P2's; a P3 a later caller raised after the unit had set
    # out keeps none (the raise came after the dispatch it would have timed).
    targets = [(target, priority) for _, target, priority in run.samples["arrival"]]
    assert all(target is None or priority in ("P1", "P2") for target, priority in targets)
    urgent = [t for t, p in targets if p in ("P1", "P2")]
    assert sum(t is not None for t in urgent) >= 0.9 * len(urgent)


def test_fewer_units_mean_longer_arrivals() -> None:
    base = _run(3).kpis["time_to_arrival_s"]["p50"]
    thin = _run(3, json.dumps({"units_per_precinct": 1})).kpis["time_to_arrival_s"]["p50"]
    assert thin > base


def test_no_call_takers_means_no_queue_and_more_call_takers_never_slow_triage() -> None:
    one = _run(3, json.dumps({"call_takers": 1})).kpis["time_to_triage_s"]["p90"]
    six = _run(3).kpis["time_to_triage_s"]["p90"]
    assert one > six


def test_the_engine_uses_the_stages_it_is_given() -> None:
    seen: list[str] = []

    def classify(text: str, channel: str) -> dict[str, object]:
        seen.append(text)
        return {"category": "consultation", "priority": "P4", "flags": [], "confidence": 1.0,
                "cues": [], "extracted": {}}

    lines = list(generate(24, 5, scenario="night-brawl"))
    engine = Engine(SimConfig(), DEFAULT_START, 5, classify=classify).run(lines, 24)
    assert sorted(seen) == sorted(line["text"] for line in lines)
    assert {r.priority for r in engine.records.values()} == {"P4"}
    assert all(r.escalation == 0 for r in engine.records.values())


def test_the_command_centre_places_what_the_pipeline_could_not() -> None:
    start = DEFAULT_START + timedelta(hours=17)
    # Nobody asks during the call, so vague calls reach the command centre unplaced too.
    engine = Engine(load_sim_config({"place_question_median_s": 0}), start, 3).run(
        list(generate(HOURS, 3, start=start)), HOURS)
    waited = [r for r in engine.records.values() if r.unplaced_t is not None]
    assert waited, "no unplaced incident in the window"
    assert any(r.command_action == "callback" for r in waited)
    placed = [r for r in waited if r.placed_t is not None]
    assert placed and {r.command_action for r in placed} <= {"candidate", "reassign", "callback"}
    for rec in placed:
        incident = engine.incidents[rec.incident_id]
        assert incident.precinct not in (None, "command") and rec.placed_t >= rec.unplaced_t
        loc = incident.location or {}
        if rec.command_action == "candidate":  # 定位修正 with the gazetteer's suggestion
            assert loc["source"] == "gazetteer" and loc["precinct"] == incident.precinct
        elif rec.command_action == "callback":  # a click on the map after calling back
            # (or, later, a duplicate caller's device fix in the same precinct)
            assert loc["source"] == "manual" or loc.get("by_caller"), loc
            assert loc["precinct"] == incident.precinct
        else:  # 转派 to the precinct most of the circle covers
            assert loc["candidates"][0][0] == incident.precinct
    # A placed incident is then worked like any other: acknowledged, and a unit sent to P1–P3.
    assert any(r.dispatched_t is not None for r in placed if r.priority in ("P1", "P2", "P3"))
    for rec in (r for r in waited if r.command_action == "kept"):
        assert engine.incidents[rec.incident_id].precinct == "command"


def test_the_call_taker_asks_where_while_the_caller_is_on_the_line() -> None:
    """The placement check (未能精确定位) during the call: a call with no device fix that
    its address does not place is asked about and clicked on the map before submitting,
    so it reaches a precinct at once; the asking lengthens the call."""
    start = DEFAULT_START + timedelta(hours=17)
    lines = list(generate(HOURS, 3, start=start))
    # Every call sent at its end (no 先期处置), so the talk times compare.
    asked = Engine(load_sim_config({"preliminary_dispatch": False}), start, 3).run(lines, HOURS)
    not_asked = Engine(load_sim_config({"place_question_median_s": 0,
                                        "preliminary_dispatch": False}), start, 3).run(
        lines, HOURS)
    on_line = [r for r in asked.records.values() if r.placed_on_line]
    assert on_line and all(r.channel == "call" for r in on_line)
    for rec in on_line:
        loc = asked.incidents[rec.incident_id].location or {}
        assert rec.unplaced_t is None and loc.get("lat") is not None
        assert loc.get("precinct")  # the click lies in a precinct
        assert asked.incidents[rec.incident_id].precinct in (loc["precinct"], None)
    calls_waiting = [r for r in asked.records.values()
                     if r.unplaced_t is not None and r.channel == "call"]
    before = [r for r in not_asked.records.values()
              if r.unplaced_t is not None and r.channel == "call"]
    assert len(calls_waiting) < len(before)
    assert not any(r.placed_on_line for r in not_asked.records.values())
    # Asking costs talk time: the same call is submitted later than without the question.
    same = [(r, not_asked.records[r.incident_id]) for r in on_line[:5]
            if r.incident_id in not_asked.records
            and not_asked.records[r.incident_id].source_id == r.source_id]
    assert all(a.received_t > b.received_t for a, b in same if a.call_t == b.call_t)


def test_the_unplaced_wait_is_reported_and_follows_the_think_time() -> None:
    # Nobody asks where during the call, so vague calls reach the command centre.
    quick = _run(3, json.dumps({"command_think_median_s": 10, "command_think_sigma": 0,
                                "command_callback_median_s": 20,
                                "place_question_median_s": 0})).kpis["unplaced"]
    slow = _run(3, json.dumps({"command_think_median_s": 120, "command_think_sigma": 0,
                               "command_callback_median_s": 240,
                               "place_question_median_s": 0})).kpis["unplaced"]
    assert quick["placed"] > 0 and quick["p1_target_p90_s"] == 120.0
    assert set(quick["wait_s"]["by_priority"]) <= {"P1", "P2", "P3", "P4"}
    assert quick["wait_s"]["p50"] < slow["wait_s"]["p50"]
    assert quick["wait_s"]["p90"] <= 20 + 10 + 1e-6  # no queue: think + call-back at most
    none = _run(3, json.dumps({"command_officers": 0})).kpis["unplaced"]
    assert none["incidents"] == 0 and none["placed"] == 0  # the old proxy ack only


def test_the_call_taker_merges_a_suggested_duplicate_the_caller_confirms() -> None:
    """Callers of one brawl told apart by triage (a knife: violent_crime; a fight:
    public_order) are only suggested to each other; the call-taker, asking the caller,
    merges the suggestion that is the same event."""
    sure = _engine({"merge_mistake_probability": 0, "merge_confirm_probability": 1})
    by_hand = [r for r in sure.records.values() if r.merged_by == "call_taker"]
    assert by_hand
    for rec in by_hand:
        parent = sure.records[rec.merged_into]
        assert parent.truth["event"] == rec.truth["event"]
        assert any(e.type is EventType.MERGED and e.actor == "call_taker:sim"
                   for e in sure.store.timelines[rec.incident_id])
    never = _engine({"merge_mistake_probability": 0, "merge_confirm_probability": 0})
    assert not any(r.merged_by == "call_taker" for r in never.records.values())


def test_a_p1_call_whose_place_is_known_is_sent_at_its_first_facts() -> None:
    """先期处置: sent as soon as the opening of the report reads P1, triaged on it; the rest
    of the call reaches the incident when it ends, raising and never lowering."""
    start = DEFAULT_START + timedelta(hours=17)
    lines = list(generate(HOURS, 3, start=start))
    told = {line["source_id"]: line["text"] for line in lines}
    early = Engine(load_sim_config({}), start, 3).run(lines, HOURS)
    late = Engine(load_sim_config({"preliminary_dispatch": False}), start, 3).run(lines, HOURS)
    sent = [r for r in early.records.values() if r.preliminary]
    assert sent and all(r.channel == "call" for r in sent)
    assert not any(r.preliminary for r in late.records.values())
    with_details = 0
    for rec in sent:
        incident = early.incidents[rec.incident_id]
        assert told[str(rec.source_id)].startswith(incident.text)  # the first facts only
        timeline = early.store.timelines[rec.incident_id]
        added = [e for e in timeline if e.type is EventType.DETAILS_ADDED]
        if added:
            with_details += 1
            assert added[0].at > timeline[0].at  # when the call ended
            assert "".join((incident.text, *incident.details)).replace("\n", "") == \
                told[str(rec.source_id)].replace("\n", "")
            triaged = next(e for e in timeline if e.type is EventType.TRIAGED)
            assert incident.priority <= triaged.data["priority"]  # never lowered
    assert with_details
