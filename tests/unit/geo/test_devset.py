"""The generated dev set is reproducible and its gold is consistent with the sources."""

from __future__ import annotations

import json

import geo
from geo.devset import EVAL_DIR, generate


def test_generated_set_matches_committed_file() -> None:
    committed = (EVAL_DIR / "dev_generated.jsonl").read_text(encoding="utf-8").splitlines()
    fresh = [json.dumps(x, ensure_ascii=False, sort_keys=True) for x in generate()]
    assert fresh == committed


def test_gold_is_well_formed() -> None:
    ids = {p.id for p in geo.precincts()}
    lines = [json.loads(x) for x in
             (EVAL_DIR / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) >= 250 and len({x["id"] for x in lines}) == len(lines)
    for line in lines:
        assert line.get("text") is not None or line.get("location")
        if line.get("precinct"):
            assert line["precinct"] in ids and line["precinct"][:6] == line["district"]
        if line.get("out_of_area"):
            assert not line.get("district")
