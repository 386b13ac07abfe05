"""The KPIs' rows and their breakdown: call answer, targets, per priority, per precinct."""

from __future__ import annotations

from functools import lru_cache

import geo
from dispatch.domain.decisions import ARRIVAL_TARGETS_S
from simulators import generate
from simulators.streams.generator import DEFAULT_START
from simulators.whatif import kpis, measures
from simulators.whatif.engine import Engine
from simulators.whatif.knobs import load_sim_config
from simulators.whatif.measures import CALL_ANSWER_TARGET_S, Row


def test_by_priority_puts_p1_first_and_counts_the_share_within_target() -> None:
    rows: list[Row] = [(5.0, 10.0, "P3", "a"), (20.0, 10.0, "P1", "a"), (4.0, 10.0, "P1", "b"),
                       (1.0, None, "P4", "b")]
    out = measures.by_priority(rows)
    assert out["n"] == 4 and out["within_target"] == round(2 / 3, 4)  # no target: not counted
    assert list(out["by_priority"]) == ["P1", "P3", "P4"]
    assert out["by_priority"]["P1"] == {"n": 2, "p50": 12.0, "p90": 18.4, "p95": 19.2,
                                        "max": 20.0, "mean": 12.0, "within_target": 0.5}
    assert out["by_priority"]["P4"]["within_target"] is None


def test_per_precinct_gives_every_kind_with_n_p50_p90_and_share_by_priority() -> None:
    rows: dict[str, list[Row]] = {"arrival": [(300.0, 600.0, "P1", "a"), (900.0, 600.0, "P1", "a"),
                                              (100.0, None, "P3", "b")],
                                  "answer": [(0.0, 10.0, "P1", "a")]}
    out = measures.per_precinct(rows)
    assert set(out) == {"a", "b"}
    assert set(out["a"]) == set(measures.PRECINCT_KEYS.values())
    arrival = out["a"]["time_to_arrival_s"]
    assert arrival == {"n": 2, "p50": 600.0, "p90": 840.0, "within_target": 0.5,
                       "by_priority": {"P1": {"n": 2, "p50": 600.0, "p90": 840.0,
                                              "within_target": 0.5}}}
    assert out["b"]["call_answer_s"] == {"n": 0, "p50": None, "p90": None,
                                         "within_target": None, "by_priority": {}}


@lru_cache(maxsize=4)
def _engine(call_takers: int) -> Engine:
    # 43 calls of one fire within minutes: one call-taker cannot pick them all up at once.
    cfg = load_sim_config({"call_takers": call_takers})
    return Engine(cfg, DEFAULT_START, 5).run(list(generate(24, 5, scenario="fire-surge")), 24)


def test_a_call_is_answered_when_a_call_taker_picks_it_up() -> None:
    queued = _engine(1)
    calls = [r for r in queued.records.values() if r.channel == "call"]
    assert calls and all(r.answered_t is not None and r.answered_t >= r.call_t for r in calls)
    assert any(r.answered_t is not None and r.answered_t - r.call_t > CALL_ANSWER_TARGET_S
               for r in calls)
    answer = kpis.compute(queued, 24)["call_answer_s"]
    assert answer["n"] == len(calls) and answer["within_target"] < 1.0
    assert "P1" in answer["by_priority"]
    # Nobody at the desk: handled on arrival, picked up at once.
    free = _engine(0)
    assert all(r.answered_t == r.call_t for r in free.records.values() if r.channel == "call")
    assert kpis.compute(free, 24)["call_answer_s"]["within_target"] == 1.0


def test_the_kpis_carry_names_targets_and_per_precinct_distributions() -> None:
    engine = _engine(6)
    out = kpis.compute(engine, 24)
    names = {p.id: p for p in geo.precincts()}
    busy = [pid for pid, e in out["per_precinct"].items() if e["incidents"]]
    assert busy
    for pid in busy:
        entry = out["per_precinct"][pid]
        if pid in names:
            assert entry["name"] == names[pid].name
            assert entry["district_name"] == names[pid].district_name
        assert entry["time_to_arrival_s"]["n"] <= entry["incidents"]
        assert set(measures.PRECINCT_KEYS.values()) <= set(entry)
    # The arrival target is the core's own: P1 10 min in a district, 20 in a banner/county.
    p1 = [r for r in kpis.samples(engine)["arrival"] if r[2] == "P1"]
    assert p1 and {round(r[1] or 0) for r in p1} <= set(ARRIVAL_TARGETS_S["P1"])
    # Everything the per-precinct table shows adds up to the run's figure.
    total = sum(e["time_to_dispatch_s"]["n"] for e in out["per_precinct"].values())
    assert total == out["time_to_dispatch_s"]["n"]


def test_a_found_person_is_measured_against_the_cases_located_target() -> None:
    engine = Engine(load_sim_config(), DEFAULT_START, 3).run(
        list(generate(24, 3, scenario="elderly-wanderer")), 24)
    out = kpis.compute(engine, 24)["missing_persons"]
    cases = out["cases"]
    assert cases and cases[0]["grade"] == "high"
    assert cases[0]["found_target_s"] == 120 * 60  # DEFAULT_TARGETS high: located within 2 h
    found = [c for c in cases if c["time_to_found_s"] is not None]
    dist = out["time_to_found_s"]
    assert dist["n"] == len(found)  # a person not found yet is not a duration
    if found:
        assert dist["within_target"] == round(sum(
            c["time_to_found_s"] <= c["found_target_s"] for c in found) / len(found), 4)
    rows = measures.rows(engine)["found"]
    assert [r[0] for r in rows] == [c["time_to_found_s"] for c in found]
    assert all(r[1] == 7200.0 and r[2] == engine.records[c["report_id"]].priority
               for r, c in zip(rows, found, strict=True))
