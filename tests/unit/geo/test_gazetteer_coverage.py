"""Every official unit is found again from its own name (a render/parse round trip)."""

from __future__ import annotations

from collections import Counter

import geo
from geo.layers import districts
from geo.sources import read_villages


def _district_names() -> dict[str, str]:
    return {a.code: a.name for a in districts().areas} | {"150271": "稀土高新区"}


def test_every_town_round_trips() -> None:
    names = _district_names()
    for p in geo.precincts():
        for text in (names[p.district] + p.name, p.name):
            loc = geo.locate(text)
            assert loc.precinct == p.id, text
            assert loc.district == p.district


def test_every_community_round_trips_unless_its_name_repeats_in_the_district() -> None:
    names = _district_names()
    villages = [v for v in read_villages() if "虚拟" not in v.name]
    repeats = Counter((v.name, v.town[:6]) for v in villages)
    checked = 0
    for v in villages:
        loc = geo.locate(names[v.town[:6]] + v.name)
        if repeats[(v.name, v.town[:6])] > 1:
            assert any("more than one place" in w for w in loc.warnings), v.name
            continue
        assert loc.precinct == v.town, v.name
        checked += 1
    assert checked > 830
