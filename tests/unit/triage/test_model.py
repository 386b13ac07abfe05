"""The model artifact: committed == rebuilt, and the artifact format."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from triage import CATEGORIES, ArtifactError, CorpusError
from triage.model import gram_list, load_model, model_from_json, ngrams
from triage.train import Example, artifacts_match, build, fit, load_corpus, parse_line, render


def test_committed_artifact_matches_a_fresh_rebuild() -> None:
    committed = resources.files("triage.data").joinpath("model.json").read_text(encoding="utf-8")
    assert artifacts_match(committed, build())


def test_artifacts_match_tolerates_one_rounding_unit_only() -> None:
    base = {
        "format": 1,
        "classes": ["a", "b"],
        "intercept": [0.1, -0.1],
        "features": {"x": [1.0, 0.5, -0.5], "y": [2.0, 0.03, 0.0]},
    }
    near = json.loads(json.dumps(base))
    near["features"]["x"][1] = 0.5001
    far = json.loads(json.dumps(base))
    far["features"]["x"][1] = 0.51
    pruned = json.loads(json.dumps(base))
    del pruned["features"]["y"]
    text = render(base)
    assert artifacts_match(text, text)
    assert artifacts_match(text, render(near))
    assert not artifacts_match(text, render(far))
    assert not artifacts_match(text, render(pruned))


def test_artifact_is_small_and_covers_the_taxonomy() -> None:
    raw = resources.files("triage.data").joinpath("model.json").read_text(encoding="utf-8")
    # It grows with the corpus (3,148 reports: 3.2 MB); a jump beyond that is a bug.
    assert len(raw.encode("utf-8")) < 3_600_000
    data = json.loads(raw)
    assert data["classes"] == list(CATEGORIES)
    model = load_model()
    probs = model.predict("有人拿刀砍人", "call")
    assert set(probs) == set(CATEGORIES) and abs(sum(probs.values()) - 1.0) < 1e-9


def test_training_is_deterministic_on_a_small_corpus() -> None:
    examples = [
        Example(text, "call", category, "P3")
        for category, texts in {
            "fraud": ["被骗了转账", "骗子让我转账", "刷单被骗"],
            "traffic": ["追尾了", "车撞了", "剐蹭了车"],
        }.items()
        for text in texts
    ] + [Example(f"其他{c}", "call", c, "P3") for c in CATEGORIES]
    assert render(fit(examples)) == render(fit(examples))


def test_corpus_lines_parse_and_bad_lines_raise() -> None:
    assert parse_line("# comment", "fraud", "x") is None
    assert parse_line("   ", "fraud", "x") is None
    ex = parse_line("P2 @forum 被骗了", "fraud", "x")
    assert ex == Example("被骗了", "forum", "fraud", "P2")
    for bad in ("X9 被骗了", "P2 @fax 被骗了", "P2 @forum"):
        with pytest.raises(CorpusError):
            parse_line(bad, "fraud", "x")
    assert len(load_corpus()) > 800


def test_prediction_uses_the_training_features() -> None:
    text = "有人拿刀砍人，电话13812345678"
    counted = ngrams(text, "call")
    assert sum(counted.values()) == len(gram_list(text, "call"))
    assert "000" in counted and "<call>" in counted


@pytest.mark.parametrize(
    "raw",
    ["not json", "{}", json.dumps({"classes": ["x"], "intercept": [0], "features": {}})],
)
def test_malformed_artifact_raises(raw: str) -> None:
    with pytest.raises(ArtifactError):
        model_from_json(raw)
