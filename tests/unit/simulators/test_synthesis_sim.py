"""Synthesis in the simulation: the worker's stage over the simulated index raises a
repeat-DV report by the real rule, and the KPI section counts what it found and changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dispatch.domain import decisions
from dispatch.domain.events import iso
from dispatch.synthesis.model import PremiseNote
from simulators.streams.generator import DEFAULT_START
from simulators.streams.recurrence import DV_KINDS, Prelude
from simulators.whatif import kpis
from simulators.whatif.engine import Engine
from simulators.whatif.knobs import load_sim_config
from simulators.whatif.run import simulate

HOME = (40.6467, 109.8246)  # 昆都仑区
PHONE = "13904721234"
DV_TEXT = "我对象打我，这不是第一次了，他现在出去了"  # triage: violent_crime, P2, DV


def _call(n: int, minutes: float, text: str, point: tuple[float, float], phone: str,
          truth: dict[str, Any]) -> dict[str, Any]:
    return {"at": iso(DEFAULT_START + timedelta(minutes=minutes)), "channel": "call",
            "source_id": f"t-{n}", "text": text, "caller": {"phone": phone},
            "location": {"lat": point[0], "lon": point[1], "crs": "wgs84", "accuracy_m": 12},
            "truth": truth}


def _run(synthesis: bool = True) -> Engine:
    lines = [_call(i, 60.0 * (i + 1), DV_TEXT, HOME, PHONE,
                   {"priority": "P1", "kind": "domestic_assault"}) for i in range(3)]
    lines.append(_call(9, 30.0, "路口两辆车撞了，没人受伤", (40.58, 110.03), "13511112222",
                       {"priority": "P3", "kind": "collision"}))
    note = PremiseNote(id="N-t-1", precinct="150203005", lat=HOME[0], lon=HOME[1],
                       radius_m=50.0, kind="officer_assault", text="曾袭警",
                       created_at=DEFAULT_START - timedelta(days=9),
                       expires_at=DEFAULT_START + timedelta(days=90), created_by="precinct:t")
    cfg = load_sim_config({"synthesis": synthesis, "key_questions": 0})
    return Engine(cfg, DEFAULT_START, 3, prelude=Prelude(notes=[note])).run(lines, 6.0)


def test_the_third_dv_call_from_one_home_is_raised_by_the_dv_rule() -> None:
    engine = _run()
    dv = sorted((r for r in engine.records.values() if r.source_id != "t-9"),
                key=lambda r: r.call_t)
    assert [r.findings for r in dv] == [
        ("premise_note",),
        ("caller_history", "dv_risk", "place_history", "premise_note"),
        # the third violent report within 500 m in a week is a series, too
        ("caller_history", "dv_risk", "place_history", "premise_note", "series")]
    assert [r.raised_from for r in dv] == [None, None, "P2"]  # previous_dv: P2 already
    assert dv[2].priority == "P1" and dv[2].raised_rules == ("dv_history",)
    third = engine.incidents[dv[2].incident_id]
    # The one assignment carries the raised priority's on-scene target.
    due = decisions.arrival_due("P1", (third.location or {}).get("district"), third.received_at)
    assert third.priority == "P1" and third.arrival_due_at is not None and due is not None
    assert abs((third.arrival_due_at - due).total_seconds()) < 0.01  # ms on the wire
    # Without the stage, the same stream keeps every call at its triage priority.
    off = _run(synthesis=False)
    assert {r.priority for r in off.records.values() if r.source_id != "t-9"} == {"P2"}
    assert all(not r.findings for r in off.records.values())


def test_the_kpi_section_on_a_small_run() -> None:
    engine = _run()
    section = kpis.compute(engine, 6.0)["synthesis"]
    assert section["enabled"] and section["prelude"] == {"reports": 0, "premise_notes": 1}
    assert section["incidents"] == 4 and section["with_findings"] == 3
    assert section["by_kind"] == {"caller_history": 2, "dv_risk": 2, "place_history": 2,
                                  "premise_note": 3, "watch_list": 0, "missing_person": 0,
                                  "series": 1}
    assert section["marks"]["repeat_caller"] == 2 and section["marks"]["officer_safety"] == 3
    assert section["decisions_changed"] == 1
    assert section["priority_raised"] == {"P2→P1": 1}
    assert section["raised_by_rule"] == {"dv_history": 1} and section["raised_to_truth"] == 1
    raised = next(r for r in engine.records.values() if r.raised_from)
    ttd = section["time_to_dispatch_s"]
    assert ttd["affected"]["n"] == 1
    assert ttd["affected"]["p50"] == round(raised.dispatched_t - raised.call_t, 1)  # type: ignore[operator]
    assert ttd["rest"]["n"] == 3 and ttd["rest_same_priority"]["n"] == 0
    notes = section["premise_notes"]
    assert notes == {"hits": 3, "shown_to_unit": 3, "officer_safety_to_unit": 3,
                     "by_kind": {"officer_assault": 3}}


def test_a_generated_day_raises_repeat_dv_by_the_dv_rule_only() -> None:
    run = simulate(12, 5, {"key_questions": 0, "stream": {
        "dv_repeat_share": 1.0, "call_mix": {"violent_crime": 0.5}}})
    section = run.kpis["synthesis"]
    assert section["generated"]["dv_repeat"] >= 20
    assert section["by_kind"]["dv_risk"] >= 15
    assert section["by_kind"]["caller_history"] >= section["generated"]["dv_repeat"] // 2
    assert section["decisions_changed"] >= 1
    assert set(section["raised_by_rule"]) == {"dv_history"}
    assert all(k.endswith(("→P1", "→P2")) for k in section["priority_raised"])


def test_dv_kinds_are_the_generators_domestic_situations() -> None:
    from simulators.streams.situations import kinds
    assert DV_KINDS <= set(kinds()["violent_crime"])
