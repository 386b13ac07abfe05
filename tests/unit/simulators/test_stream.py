"""The generated stream: determinism, volumes, shape, categories, duplicates, truth."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape
from shapely.ops import unary_union
from shapely.prepared import prep

import geo
from simulators import DEFAULT_START, ConfigError, generate, load_config
from simulators.streams.arrivals import SHANGHAI, expected_count
from simulators.streams.config import CATEGORIES, CHANNELS, FLAGS
from tests.unit.simulators.stream_cache import HOURS, SEED, day, dumps

RAW = Path(geo.__file__).with_name("data") / "raw"


def _districts() -> dict[str, Any]:
    data = json.loads((RAW / "baotou_districts_datav2026_gcj02.geojson").read_text("utf-8"))
    return {f["properties"]["name"]: shape(f["geometry"]).buffer(0) for f in data["features"]}


def test_same_seed_gives_identical_bytes() -> None:
    first = dumps(list(generate(6, 11)))
    second = dumps(list(generate(6, 11)))
    assert first == second
    assert len(first) > 1000


def test_different_seeds_give_different_streams() -> None:
    assert dumps(list(generate(2, 1))) != dumps(list(generate(2, 2)))


def test_background_volume_is_within_poisson_bounds_of_the_config() -> None:
    cfg = load_config()
    lines = [ln for ln in day() if ln["truth"]["scenario"] is None]
    counts = Counter(ln["channel"] for ln in lines)
    for channel in CHANNELS:
        mean = expected_count(DEFAULT_START, HOURS, cfg.channel_volume(channel),
                              cfg.hour_profile(channel), cfg.weekday_factor)
        assert abs(counts[channel] - mean) < 5 * math.sqrt(mean) + 1, (channel, counts[channel], mean)
    # the default forum volume is 17,642 posts a year
    assert 40 <= counts["forum"] <= 60


def test_volume_follows_a_configured_call_rate() -> None:
    lines = list(generate(24, 3, config={"calls_per_day": 300, "forum_per_day": 0,
                                          "transfers_per_day": 0}))
    assert {ln["channel"] for ln in lines} == {"call"}
    mean = 300 * load_config().weekday_factor[0]  # 2026-01-12 is a Monday
    assert abs(len(lines) - mean) < 5 * math.sqrt(mean)


def test_calls_follow_the_hour_of_day_profile() -> None:
    hours = Counter(datetime.fromisoformat(ln["at"]).astimezone(SHANGHAI).hour
                    for ln in day() if ln["channel"] == "call")
    night = sum(hours[h] for h in (3, 4, 5))
    evening = sum(hours[h] for h in (19, 20, 21))
    assert evening > 2.5 * night
    cfg = load_config()
    total = sum(hours.values())
    weights = cfg.hour_profile_call
    chi2 = sum((hours[h] - total * w / sum(weights)) ** 2 / (total * w / sum(weights))
               for h, w in enumerate(weights))
    assert chi2 < 60  # df = 23; the 0.1 % critical value is 49.7, plus slack for the tilt


def test_every_category_appears_in_a_day() -> None:
    categories = Counter(ln["truth"]["category"] for ln in day())
    assert set(categories) == set(CATEGORIES)
    assert categories["traffic"] > categories["self_harm"]


def test_every_flag_appears_in_a_day() -> None:
    flags = Counter(f for ln in day() for f in ln["truth"]["flags"])
    assert set(flags) == set(FLAGS)
    assert flags["in_progress"] > flags["weapon"]


def test_truth_uses_taxonomy_codes_and_priorities_fit_categories() -> None:
    for line in day():
        truth = line["truth"]
        assert truth["category"] in CATEGORIES
        assert set(truth["flags"]) <= set(FLAGS)
        if truth["category"] in ("consultation", "non_police"):
            assert truth["priority"] == "P4", line["text"]
        else:
            assert truth["priority"] in ("P1", "P2", "P3"), line["text"]
        if "weapon" in truth["flags"] and truth["category"] == "violent_crime":
            assert truth["priority"] in ("P1", "P2")


def test_bodies_have_the_report_fields() -> None:
    lines = day()
    assert [ln["at"] for ln in lines] == sorted(ln["at"] for ln in lines)
    assert len({ln["source_id"] for ln in lines}) == len(lines)
    for line in lines:
        assert line["channel"] in CHANNELS
        assert line["text"].strip()
        assert line["at"].endswith("Z")
        if "location" in line:
            loc = line["location"]
            assert loc["crs"] in ("wgs84", "gcj02", "bd09") and loc["accuracy_m"] > 0
        if line["channel"] == "forum":
            assert set(line["forum"]) == {"post_id", "author", "posted_at", "region_hint", "thread_url"}
            assert line["forum"]["posted_at"] <= line["at"]
            assert "caller" not in line
        else:
            assert line["caller"]["phone"].isdigit() and len(line["caller"]["phone"]) == 11
        if "occurred_at" in line:
            assert line["occurred_at"] <= line["at"]


def test_location_modes_and_crs_all_occur() -> None:
    lines = day()
    modes = Counter(ln["truth"]["location_mode"] for ln in lines)
    assert set(modes) == {"both", "address", "coords", "vague"}
    crs = Counter(ln["location"]["crs"] for ln in lines if "location" in ln)
    assert set(crs) == {"wgs84", "gcj02", "bd09"}
    for line in lines:
        mode = line["truth"]["location_mode"]
        assert ("location" in line) == (mode in ("both", "coords"))
        assert ("address" in line) == (mode in ("both", "address"))


def test_reported_coordinates_convert_back_near_the_truth() -> None:
    ratios = []
    for line in day():
        if "location" not in line:
            continue
        loc, truth = line["location"], line["truth"]["location"]
        lat, lon = geo.to_wgs84(loc["lat"], loc["lon"], loc["crs"])
        ratios.append(geo.distance_m((lat, lon), (truth["lat"], truth["lon"])) / loc["accuracy_m"])
    ratios.sort()
    # accuracy_m is a 68 % radius: a wrong CRS conversion would put gcj02/bd09 fixes
    # ~500-1000 m off and push the median far above 1
    assert 0.5 < ratios[len(ratios) // 2] < 1.6
    assert ratios[int(len(ratios) * 0.95)] < 3.5


def test_in_area_truth_lies_in_baotou_and_mostly_in_its_district() -> None:
    districts = _districts()
    city = prep(unary_union(list(districts.values())))
    near = {name: prep(geom.buffer(0.01)) for name, geom in districts.items()}  # ~1 km
    same = total = 0
    for line in day():
        truth = line["truth"]
        if truth["out_of_area"]:
            assert truth["district"] is None and truth["region"]
            continue
        glat, glon = geo.from_wgs84(truth["location"]["lat"], truth["location"]["lon"], "gcj02")
        point = Point(glon, glat)
        assert city.contains(point), line["source_id"]
        total += 1
        same += near[truth["district"]].contains(point)
    assert same / total > 0.97


def test_a_small_share_is_out_of_area() -> None:
    around = prep(unary_union(list(_districts().values())).buffer(0.05))
    lines = day()
    outside = [ln for ln in lines if ln["truth"]["out_of_area"]]
    assert 0.003 < len(outside) / len(lines) < 0.04
    for line in outside:
        truth = line["truth"]["location"]
        glat, glon = geo.from_wgs84(truth["lat"], truth["lon"], "gcj02")
        assert not around.contains(Point(glon, glat)), line["source_id"]


def test_duplicate_groups_share_an_event_told_differently() -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for line in day():
        if line["truth"]["duplicate_group"]:
            groups.setdefault(line["truth"]["duplicate_group"], []).append(line)
    assert len(groups) >= 10
    for members in groups.values():
        assert len(members) >= 2
        truths = [m["truth"] for m in members]
        assert len({t["event"] for t in truths}) == 1
        assert len({t["category"] for t in truths}) == 1
        assert len({(t["location"]["lat"], t["location"]["lon"]) for t in truths}) == 1
        assert len({m["text"] for m in members}) == len(members)
        first, last = members[0]["at"], members[-1]["at"]
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        assert span <= timedelta(minutes=load_config().duplicate_window_min)


def test_missing_person_cases_are_followed_by_sightings() -> None:
    cases: dict[str, list[dict[str, Any]]] = {}
    for line in day(SEED):
        if line["truth"]["missing_case"] and line["truth"]["scenario"] is None:
            cases.setdefault(line["truth"]["missing_case"], []).append(line)
    answered = [c for c in cases.values() if len(c) == 2]
    assert len(answered) >= 3
    for report, seen in answered:
        assert report["truth"]["kind"].startswith("missing_")
        assert seen["truth"]["kind"].startswith("sighting_")
        assert seen["at"] > report["at"]
        a, b = report["truth"]["location"], seen["truth"]["location"]
        assert 500 < geo.distance_m((a["lat"], a["lon"]), (b["lat"], b["lon"])) < 3100


def test_start_must_be_iso_and_naive_means_baotou_time() -> None:
    with pytest.raises(ConfigError):
        list(generate(1, 1, start="yesterday"))
    naive = list(generate(1, 1, start="2026-03-02T08:00:00"))
    aware = list(generate(1, 1, start="2026-03-02T00:00:00Z"))
    assert naive == aware
    assert naive[0]["at"] >= "2026-03-02T00:00:00Z"


def test_texts_vary() -> None:
    lines = day()
    texts = [ln["text"] for ln in lines]
    assert len(set(texts)) == len(texts)
    registers = Counter(ln["truth"]["register"] for ln in lines)
    assert set(registers) == {"transcript", "dialogue", "record", "post", "handover"}
    openings = Counter(t[:4] for t in texts)
    assert len(openings) > 150
