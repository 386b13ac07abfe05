"""The blind sighting set m1 (45 cases, 110 reports by a writer who never saw the matcher),
driven end to end through the API as the harness does: recall, precision and ranking stay
where they were when the set was last studied (docs/missing.md). A regression guard, not
the measure: the measure is a set nobody has studied."""

from __future__ import annotations

from pathlib import Path

from tests.blind.missing_e2e import _load, run

DATA = Path(__file__).resolve().parents[1] / "data" / "missing_blind"


def test_the_studied_blind_set_still_links_its_sightings() -> None:
    result = run(_load(DATA / "m1_cases.jsonl"), _load(DATA / "m1_sightings.jsonl"))
    print({k: v for k, v in result.items() if k != "rows"})
    assert result["cases_refused"] == {}
    assert result["never_compared"] == 0
    assert result["recall"] >= 0.85
    assert result["precision"] >= 0.95
    assert result["ranked_first"] >= 0.90
    wrong = result["wrong_links_by_kind"]
    for kind in ("lookalike_gender", "lookalike_age", "lookalike_far", "lookalike_before"):
        assert kind not in wrong, wrong  # never a link the facts rule out
