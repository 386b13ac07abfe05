"""Property tests: any Unicode text gives a valid triage or a documented error."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from triage import CATEGORIES, CHANNELS, FLAGS, PRIORITIES, TriageError, classify
from triage.codes import NON_DISPATCH
from triage.normalize import fold

_CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=60)
_DANGER = st.sampled_from(
    [
        "跳楼",
        "拿刀",
        "着火",
        "走丢",
        "被骗",
        "打架",
        "没有受伤",
        "新闻里说",
        "我想死你了",
        "砍价",
        "刚才",
        "正在",
        "七十多岁",
        "孩子",
        "老人",
    ]
)
_MIXED = st.lists(st.one_of(_CJK, _DANGER, st.text(max_size=20)), max_size=8).map("".join)


def _check(text: str, channel: str) -> None:
    result = classify(text, channel)
    assert result.category in CATEGORIES
    assert result.priority in PRIORITIES
    assert list(result.flags) == sorted(set(result.flags)) and set(result.flags) <= set(FLAGS)
    assert 0.0 <= result.confidence <= 1.0
    # Safety contract: urgent is never a no-dispatch category, no-dispatch is always P4.
    if result.priority in ("P1", "P2"):
        assert result.category not in NON_DISPATCH
    if result.category in NON_DISPATCH:
        assert result.priority == "P4" and result.flags == ()
    for cue in result.cues:
        if cue.span is not None:
            assert 0 <= cue.span[0] < cue.span[1] <= len(text)
    json.dumps(result.to_dict())


@settings(max_examples=150, deadline=None)
@given(st.text(), st.sampled_from(CHANNELS))
def test_arbitrary_unicode_gives_a_valid_result(text: str, channel: str) -> None:
    _check(text, channel)


@settings(max_examples=150, deadline=None)
@given(_MIXED, st.sampled_from(CHANNELS))
def test_cue_laden_text_gives_a_valid_result(text: str, channel: str) -> None:
    _check(text, channel)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text())), st.text())
def test_anything_else_raises_only_triage_errors(text: object, channel: str) -> None:
    try:
        classify(text, channel)  # type: ignore[arg-type]
    except TriageError:
        return
    raise AssertionError("a non-str text must raise a TriageError")


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_fold_preserves_length(text: str) -> None:
    assert len(fold(text)) == len(text)


@settings(max_examples=100, deadline=None)
@given(_MIXED)
def test_classify_is_deterministic(text: str) -> None:
    assert classify(text).to_dict() == classify(text).to_dict()
