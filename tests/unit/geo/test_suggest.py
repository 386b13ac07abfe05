"""Address suggestions and the placement of a chosen point (geo.suggest)."""

from __future__ import annotations

import pytest

import geo
from geo import suggest


def test_a_district_level_address_is_not_precise_and_offers_the_precincts_it_covers() -> None:
    found = suggest.suggest("昆都仑区钢铁大街与民族西路交叉口")
    assert found.level == "district" and not found.is_precise
    assert found.items and {p.kind for p in found.items} == {"precinct"}
    shares = [p.share or 0 for p in found.items]
    assert shares == sorted(shares, reverse=True)


def test_typing_offers_gazetteer_places_most_specific_match_first() -> None:
    found = suggest.suggest("林荫路")
    assert found.is_precise and found.items[0].id == "g:town:150203:林荫路街道"
    assert found.items[0].precinct == "150203004"
    assert len(suggest.suggest("阿尔丁", limit=3).items) == 3
    assert suggest.suggest("万达广场").level == "none"
    assert suggest.suggest("北京市朝阳区").level == "out_of_area"
    assert suggest.suggest("包头市").level == "city"


@pytest.mark.parametrize(("query", "limit"), [("", 10), ("   ", 10), ("路" * 101, 10),
                                              ("林荫", 0), ("林荫", 51)])
def test_bad_queries_raise_geo_errors(query: str, limit: int) -> None:
    with pytest.raises(geo.GeoError):
        suggest.suggest(query, limit)


def test_a_candidate_id_names_one_place_and_unknown_ids_raise() -> None:
    town = suggest.place("g:town:150203:林荫路街道")
    assert town.precinct == "150203004" and town.to_dict()["label"] == "昆都仑区 林荫路街道"
    assert suggest.place("p:150203004").kind == "precinct"
    for bad in ("p:999", "g:poi:-:不存在", "x"):
        with pytest.raises(suggest.UnknownPlace):
            suggest.place(bad)


def test_a_fixed_point_is_judged_again() -> None:
    inside = suggest.fix(*geo.precinct("150203004").seat, 30.0)
    assert inside.precinct == "150203004" and inside.source == "manual"
    named = suggest.fix(*geo.precinct("150203004").seat, 5000.0, town="150203004")
    assert named.precinct == "150203004" and named.candidates == ()
    outside = suggest.fix(40.0, 100.0, 30.0)
    assert outside.in_jurisdiction is False and outside.precinct is None
