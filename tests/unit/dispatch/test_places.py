"""Address suggestions: gazetteer places with a point that look like what was typed."""

from __future__ import annotations

from dispatch import places


def test_a_road_without_a_point_is_not_precise_and_offers_pickable_places() -> None:
    found = places.suggest("昆都仑区钢铁大街与民族西路交叉口")
    assert found["precise"] is False and found["located"]["precinct"] is None
    best = found["candidates"][0]
    assert "钢铁大街" in best["name"] and best["district"] == "150203"
    assert best["precinct"] and best["in_jurisdiction"] is True
    assert all(c["lat"] is not None and c["kind"] in places.PICKABLE for c in found["candidates"])


def test_a_named_place_is_precise_and_comes_first() -> None:
    found = places.suggest("包头站")
    assert found["precise"] is True
    assert found["candidates"][0]["name"] == "包头站"


def test_the_named_district_filters_the_candidates() -> None:
    names = [c for c in places.candidates("青山区幸福路")]
    assert names and names[0]["district_name"] == "青山区"


def test_nothing_to_suggest_for_one_character_or_unknown_words() -> None:
    assert places.candidates("a") == []
    assert places.candidates("zzqqxx") == []


def test_precision_needs_a_precinct_and_a_small_circle() -> None:
    assert places.is_precise({"precinct": "150203003", "in_jurisdiction": True, "radius_m": 80})
    assert not places.is_precise({"precinct": "150203003", "in_jurisdiction": True,
                                  "radius_m": 9000})
    assert not places.is_precise({"precinct": None, "in_jurisdiction": True, "radius_m": 80})
