"""Each named scenario, simulated alone with the default configuration, ends as its story
says it should."""

from __future__ import annotations

from functools import lru_cache

from simulators import generate, scenarios
from simulators.streams.generator import DEFAULT_START
from simulators.whatif.engine import Engine
from simulators.whatif.knobs import SimConfig
from simulators.whatif.run import Run, simulate


@lru_cache(maxsize=16)
def _run(name: str, seed: int = 7) -> Run:
    return simulate(24, seed, scenario=name)


def test_every_named_scenario_runs() -> None:
    for name in scenarios():
        assert _run(name).kpis["reports"]["total"] > 0, name


def test_elderly_wanderer_is_found_within_17_minutes_of_the_sighting() -> None:
    for seed in (3, 7, 11):
        cases = _run("elderly-wanderer", seed).kpis["missing_persons"]["cases"]
        assert len(cases) == 1, seed  # the relative's call opened one case
        case = cases[0]
        assert case["grade"] == "high" and case["status"] == "closed"
        assert case["sighting_report"] is not None  # linked by the missing-person matcher
        assert 0 < case["sighting_to_found_s"] < 17 * 60, (seed, case)


def test_elderly_wanderer_link_comes_from_the_sighting_matcher() -> None:
    lines = list(generate(24, 7, scenario="elderly-wanderer"))
    engine = Engine(SimConfig(), DEFAULT_START, 7).run(lines, 24)
    flow = engine.missing
    (case,) = flow.cases.values()
    (linked,) = case.sightings
    sighting = engine.records[linked.incident_id]
    assert sighting.truth["missing_case"] == engine.records[case.report_id].truth["missing_case"]
    assert linked.score >= 0.85
    assert case.located_at is not None and case.outcome is not None


def test_elderly_wanderer_without_units_is_not_found() -> None:
    run = simulate(24, 7, {"units_per_precinct": 0}, scenario="elderly-wanderer")
    (case,) = run.kpis["missing_persons"]["cases"]
    assert case["status"] == "open" and case["sighting_to_found_s"] is None


def test_missing_child_repost_joins_the_case_and_the_stall_keeper_finds_her() -> None:
    mp = _run("missing-child-market").kpis["missing_persons"]
    assert len(mp["cases"]) == 1 and mp["repeat_reports"] == 1
    assert mp["cases"][0]["grade"] == "high" and mp["cases"][0]["status"] == "closed"


def test_fire_surge_becomes_few_incidents_with_many_callers() -> None:
    k = _run("fire-surge").kpis
    assert k["reports"]["total"] >= 40
    assert k["reports"]["merged"] >= k["reports"]["total"] / 2
    assert k["reports"]["by_priority"].get("P1", 0) >= 1


def test_forum_crisis_is_a_p1_answered_within_the_five_minute_reply_target() -> None:
    k = _run("forum-crisis-out-of-province").kpis
    assert k["forum"]["posts"] >= 1 and k["forum"]["reply_within_target"] == 1.0
    assert k["reports"]["by_priority"].get("P1", 0) >= 1


def test_telecom_fraud_wave_is_triaged_as_fraud() -> None:
    k = _run("telecom-fraud-wave").kpis
    assert k["reports"]["total"] >= 20 and k["accuracy"]["category"] >= 0.9


def test_night_brawl_callers_merge() -> None:
    k = _run("night-brawl").kpis
    assert k["reports"]["total"] == 8 and k["reports"]["merged"] >= 1


def test_snowstorm_pileup_keeps_the_units_busy() -> None:
    k = _run("snowstorm-pileup").kpis
    assert k["reports"]["by_priority"].get("P3", 0) >= 20
    assert k["units"]["dispatches"] >= 20
