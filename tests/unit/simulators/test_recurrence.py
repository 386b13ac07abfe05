"""Recurrence in the generated stream: repeat and frequent callers, repeat domestic
violence at the same home, theft series in one community, premise notes per precinct,
all at the documented rates (docs/simulators.md, "Recurrence")."""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta
from functools import lru_cache
from typing import Any

import geo
from geo import suggest
from simulators import generate, load_config
from simulators.streams.config import Config
from simulators.streams.generator import DEFAULT_START
from simulators.streams.recurrence import DV_KINDS, SERIES_KINDS, prelude
from tests.unit.simulators.stream_cache import day

# More DV and property crime than the defaults, over two days, so the shares have numbers
# to stand on; the rates themselves are the defaults.
BUSY = {"call_mix": {"violent_crime": 0.5, "property_crime": 0.3}}


@lru_cache(maxsize=1)
def busy() -> tuple[dict[str, Any], ...]:
    return tuple(generate(48, 11, config=BUSY))


def _calls(lines: tuple[dict[str, Any], ...]) -> list[dict[str, Any]]:
    return [ln for ln in lines if ln["channel"] == "call" and not ln["truth"]["out_of_area"]
            and ln["truth"]["scenario"] is None and ln["truth"]["duplicate_group"] is None
            and ln["truth"]["missing_case"] is None]


def _distance_m(a: dict[str, float], b: tuple[float, float]) -> float:
    dlat = (a["lat"] - b[0]) * 111_320
    dlon = (a["lon"] - b[1]) * 111_320 * math.cos(math.radians(b[0]))
    return math.hypot(dlat, dlon)


def test_repeat_and_frequent_callers_at_their_shares() -> None:
    cfg = Config()
    calls = _calls(day())
    why = Counter(ln["truth"].get("recurrence") for ln in calls)
    eligible = len(calls) - why["dv_repeat"] - why["dv_first"]
    assert abs(why["repeat_caller"] / eligible - cfg.repeat_caller_share) < 0.02
    assert abs(why["frequent_caller"] / eligible - cfg.frequent_caller_share) < 0.008
    known = prelude(7, cfg, DEFAULT_START, 24)
    frequent = set(known.frequent)
    assert len(frequent) == cfg.frequent_callers
    for ln in calls:
        if ln["truth"].get("recurrence") == "frequent_caller":
            assert ln["caller"]["phone"] in frequent
        if ln["truth"].get("recurrence") == "repeat_caller":
            assert ln["caller"]["phone"] in known.recent
    # Every frequent caller already has frequent_caller_prior calls in the last 30 days.
    prior = Counter(h.phone for h in known.history if h.why == "frequent_caller")
    assert set(prior.values()) == {cfg.frequent_caller_prior}
    assert all(DEFAULT_START - h.at <= timedelta(days=30)
               for h in known.history if h.why in ("frequent_caller", "repeat_caller"))


def test_repeat_domestic_violence_comes_from_the_same_number_and_home() -> None:
    cfg = load_config(BUSY)
    lines = busy()
    dv = [ln for ln in _calls(lines) if ln["truth"]["kind"] in DV_KINDS]
    assert len(dv) >= 150
    repeats = [ln for ln in dv if ln["truth"].get("recurrence") == "dv_repeat"]
    assert abs(len(repeats) / len(dv) - cfg.dv_repeat_share) < 0.08
    known = prelude(11, cfg, DEFAULT_START, 48)
    homes = {h.phone: h.point for h in known.homes}
    firsts = {ln["caller"]["phone"]: (ln["truth"]["location"]["lat"],
                                      ln["truth"]["location"]["lon"])
              for ln in lines if ln["truth"].get("recurrence") == "dv_first"}
    for ln in repeats:
        assert "domestic_violence" in ln["truth"]["flags"]
        home = homes.get(ln["caller"]["phone"]) or firsts.get(ln["caller"]["phone"])
        assert home is not None, "a repeat victim calls from the number the centre knows"
        assert _distance_m(ln["truth"]["location"], home) <= 15
    # The prelude's households: one or more DV reports each in the last year, at home.
    per_home = Counter(h.phone for h in known.history if h.why == "dv")
    assert len(per_home) == cfg.dv_households
    assert abs(sum(per_home.values()) / len(per_home) - (1 + cfg.dv_prior_extra)) < 0.15


def test_theft_series_stay_in_one_community() -> None:
    cfg = load_config(BUSY)
    lines = _calls(busy())
    eligible = [ln for ln in lines if ln["truth"]["kind"] in SERIES_KINDS]
    members = [ln for ln in eligible if ln["truth"].get("recurrence") == "series"]
    assert abs(len(members) / len(eligible) - cfg.series_share) < 0.05
    known = {s.id: s for s in prelude(11, cfg, DEFAULT_START, 48).series}
    assert len(known) == cfg.series_active
    by_series = Counter(ln["truth"]["series"] for ln in members)
    assert len(by_series) == cfg.series_active and min(by_series.values()) >= 3
    for ln in members:
        series = known[ln["truth"]["series"]]
        assert ln["truth"]["kind"] == series.kind and ln["truth"]["category"] == "property_crime"
        assert _distance_m(ln["truth"]["location"], series.centre) <= cfg.series_radius_m + 1


def test_premise_notes_per_precinct_at_the_documented_means() -> None:
    cfg = Config()
    notes = prelude(7, cfg, DEFAULT_START, 24).notes
    precincts = geo.precincts()
    kinds = Counter(n.kind for n in notes)
    for kind, mean in cfg.premise_notes.items():
        expected = mean * len(precincts)
        assert abs(kinds[kind] - expected) <= 4 * math.sqrt(expected) + 1, kind
    # Each note lies in the precinct that owns it (the API refuses anything else).
    assert all(suggest.fix(n.lat, n.lon, 30.0).precinct == n.precinct for n in notes)
    assert all(n.expires_at > DEFAULT_START and n.radius_m == cfg.premise_note_radius_m
               for n in notes)


def test_every_line_recurrence_leaves_alone_is_as_without_it() -> None:
    off = {"repeat_caller_share": 0, "frequent_caller_share": 0, "dv_repeat_share": 0,
           "series_share": 0}
    plain = {ln["source_id"]: ln for ln in generate(24, 7, config=off)}
    # A re-told event's later callers (duplicates) report it where it now happens.
    moved = {ln["truth"]["event"] for ln in day()
             if ln["truth"].get("recurrence") in ("dv_repeat", "series")}
    changed = 0
    for ln in day():
        if ln["truth"].get("recurrence") in (None, "dv_first"):
            if ln["truth"]["event"] not in moved:
                assert ln == plain[ln["source_id"]]
        else:
            changed += 1
    assert changed > 100
