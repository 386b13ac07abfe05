"""Named scenarios: listing, contents, and mixing into a day."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import geo
from simulators import UnknownScenario, generate, scenarios

REQUIRED = ("elderly-wanderer", "forum-crisis-out-of-province", "fire-surge", "telecom-fraud-wave")


def _t(line: dict[str, object]) -> datetime:
    return datetime.fromisoformat(str(line["at"]))


def _point(line: dict[str, object]) -> tuple[float, float]:
    loc = line["truth"]["location"]  # type: ignore[index]
    return loc["lat"], loc["lon"]


def test_listing_has_the_required_scenarios_and_more() -> None:
    listed = scenarios()
    assert set(REQUIRED) <= set(listed)
    assert len(listed) >= 6
    assert all(desc and "\n" not in desc for desc in listed.values())


@pytest.mark.parametrize("name", sorted(scenarios()))
def test_each_scenario_generates_alone_with_its_own_ids(name: str) -> None:
    lines = list(generate(24, 5, scenario=name))
    assert len(lines) >= 3
    assert all(ln["truth"]["scenario"] == name for ln in lines)
    assert len({ln["source_id"] for ln in lines}) == len(lines)
    assert list(generate(24, 5, scenario=name)) == lines


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_elderly_wanderer_sighting_about_40_min_later_1_2_km_away(seed: int) -> None:
    lines = list(generate(24, seed, scenario="elderly-wanderer"))
    report, sighting = lines[0], lines[1]
    assert report["at"] == "2026-01-12T08:20:00Z"  # alone, it starts at its preferred 16:20
    assert report["truth"]["category"] == "missing_person"
    assert report["truth"]["priority"] == "P1"
    assert "elderly" in report["truth"]["flags"]
    assert sighting["truth"]["missing_case"] == report["truth"]["missing_case"] is not None
    assert sighting["truth"]["category"] == "missing_person"
    assert {"elderly", "in_progress"} <= set(sighting["truth"]["flags"])
    assert any(w in sighting["text"] for w in ("马路中间", "路中间", "车道中间"))
    gap = _t(sighting) - _t(report)
    assert timedelta(minutes=35) <= gap <= timedelta(minutes=45)
    assert 1100 <= geo.distance_m(_point(report), _point(sighting)) <= 1300
    # the family names the home address, the passer-by's phone gives a fix
    assert "address" in report and "location" in sighting
    # a second caller about the same man joins the sighting's duplicate group
    assert lines[2]["truth"]["duplicate_group"] == sighting["truth"]["duplicate_group"] is not None


def test_fire_surge_has_40_calls_in_5_minutes_about_one_fire() -> None:
    lines = list(generate(24, 9, scenario="fire-surge"))
    calls = [ln for ln in lines if ln["channel"] == "call"]
    assert len(calls) == 40
    assert _t(calls[-1]) - _t(calls[0]) <= timedelta(minutes=5)
    assert len({ln["truth"]["duplicate_group"] for ln in lines}) == 1
    assert len({_point(ln) for ln in lines}) == 1
    assert {ln["truth"]["category"] for ln in lines} == {"fire_disaster"}
    assert Counter(ln["truth"]["priority"] for ln in calls)["P1"] >= 5
    assert len({ln["text"] for ln in calls}) == 40
    assert {ln["channel"] for ln in lines} == {"call", "forum", "transfer_12345"}


def test_forum_crisis_points_out_of_province_and_a_relative_calls() -> None:
    lines = list(generate(24, 4, scenario="forum-crisis-out-of-province"))
    post = lines[0]
    assert post["channel"] == "forum"
    assert post["forum"]["region_hint"] == "江苏"
    assert post["truth"]["category"] == "self_harm" and post["truth"]["priority"] == "P1"
    assert post["truth"]["out_of_area"] and post["truth"]["region"] == "江苏省苏州市"
    assert "张家港" in post["text"]
    lat, lon = _point(post)
    assert 31.5 < lat < 32.2 and 120.2 < lon < 121.0
    call = next(ln for ln in lines if ln["channel"] == "call")
    assert _t(call) - _t(post) < timedelta(hours=2)
    assert len({ln["truth"]["duplicate_group"] for ln in lines}) == 1


def test_fraud_wave_repeats_one_script_across_districts() -> None:
    lines = list(generate(24, 6, scenario="telecom-fraud-wave"))
    victims = [ln for ln in lines if ln["truth"]["kind"] == "refund_scam"]
    assert len(victims) >= 12
    assert _t(victims[-1]) - _t(victims[0]) <= timedelta(hours=3)
    apps = {ln["text"].split("“")[1].split("”")[0] for ln in victims if "“" in ln["text"]}
    assert len(apps) == 1
    assert len({ln["truth"]["district"] for ln in victims}) >= 3
    assert all(ln["truth"]["category"] == "fraud" for ln in lines)
    assert len({ln["truth"]["event"] for ln in victims}) == len(victims)


def test_missing_child_is_found_within_the_hour() -> None:
    lines = list(generate(24, 8, scenario="missing-child-market"))
    case = {ln["truth"]["missing_case"] for ln in lines}
    assert len(case) == 1 and None not in case
    assert all("minor" in ln["truth"]["flags"] for ln in lines)
    assert _t(lines[-1]) - _t(lines[0]) < timedelta(hours=1)


def test_scenario_mixed_into_a_day_keeps_background_traffic() -> None:
    quiet = {"calls_per_day": 200, "forum_per_day": 10, "transfers_per_day": 5}
    lines = list(generate(24, 7, config=quiet, mix=("fire-surge@21:15", "elderly-wanderer")))
    by_scenario = Counter(ln["truth"]["scenario"] for ln in lines)
    assert by_scenario["fire-surge"] >= 40
    assert by_scenario["elderly-wanderer"] == 3
    assert by_scenario[None] > 150
    background = [ln for ln in lines if ln["truth"]["scenario"] is None]
    assert background == list(generate(24, 7, config=quiet))  # mixing leaves the day as it was
    fire = [ln for ln in lines if ln["truth"]["scenario"] == "fire-surge"]
    assert fire[0]["at"] == "2026-01-12T13:15:00Z"  # 21:15 in Baotou


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(UnknownScenario):
        list(generate(1, 1, scenario="no-such-story"))
    with pytest.raises(UnknownScenario):
        list(generate(1, 1, mix=("no-such-story",)))


def test_the_documented_example_line_is_what_the_generator_writes() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "simulators.md").read_text("utf-8")
    example = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    k = int(example["source_id"].rsplit("-", 1)[1])
    assert list(generate(24, 7, scenario="fire-surge"))[k - 1] == example
