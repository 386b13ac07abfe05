"""Merging measured against the stream's truth: pairs, incidents per event, wrong merges."""

from __future__ import annotations

from simulators.whatif.merge_truth import merge_accuracy, roots
from simulators.whatif.records import Record


def _rec(rid: str, event: str, into: str | None = None, by: str | None = None,
         scenario: str | None = None, category: str = "fire_disaster") -> Record:
    rec = Record(rid, rid, "call", 0.0, {"event": event, "scenario": scenario,
                                          "category": category})
    rec.category, rec.merged_into, rec.merged_by = category, into, by
    return rec


def test_pairs_count_through_merge_chains() -> None:
    records = {r.incident_id: r for r in (
        _rec("A", "fire"), _rec("B", "fire", "A", "system"), _rec("C", "fire", "B", "system"),
        _rec("D", "fire"),  # one of four callers left on its own: 3 of 6 pairs together
        _rec("E", "lamp"), _rec("F", "parking", "E", "system", category="fire_disaster"))}
    assert roots(records)["C"] == "A"
    out = merge_accuracy(records)
    assert out["pairs_true"] == 6 and out["pairs_merged"] == 4 and out["pairs_right"] == 3
    assert out["precision"] == 0.75 and out["recall"] == 0.5
    assert out["incidents_per_event"] == {"mean": 2.0, "max": 2, "events_in_one_incident": 0}
    assert out["wrong_merges"] == 1 and out["wrong_examples"][0]["incident_id"] == "F"


def test_the_call_takers_merges_are_told_apart_from_the_pipelines() -> None:
    records = {r.incident_id: r for r in (
        _rec("A", "brawl", scenario="night-brawl"),
        _rec("B", "brawl", "A", "call_taker", scenario="night-brawl"),
        _rec("C", "brawl", "A", "system", scenario="night-brawl"), _rec("D", "other"))}
    out = merge_accuracy(records)
    assert out["recall"] == 1.0 and out["automatic"]["recall"] == round(1 / 3, 4)
    assert out["merges_by"] == {"call_taker": 1, "system": 1}
    assert set(out["by_scenario"]) == {"night-brawl", "background"}
    assert out["by_scenario"]["night-brawl"]["recall"] == 1.0
