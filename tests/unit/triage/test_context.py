"""Idioms, negation, reported speech and text folding."""

from __future__ import annotations

import re

import pytest

from triage.context import counted_match, find_context, is_feared, is_negated, is_past
from triage.normalize import clause_bounds, fold, mask
from triage.numerals import parse_number


@pytest.mark.parametrize(
    "text",
    ["我想死你了", "热死了", "笑死我了", "累死了", "砍价", "杀价", "跳楼价", "火锅店", "刀削面"],
)
def test_idioms_are_found(text: str) -> None:
    assert find_context(fold(text)).idioms


@pytest.mark.parametrize("text", ["我想死", "着火了", "小偷偷了我的车", "杀猪盘"])
def test_real_words_are_not_idioms(text: str) -> None:
    ctx = find_context(fold(text))
    covered = "".join(text[s:e] for s, e in ctx.idioms)
    assert covered not in ("想死", "火了", "偷偷", "杀猪")


def test_reported_speech_covers_the_reported_clause_only() -> None:
    text = "看到新闻说有人跳楼了，我现在也不想活了"
    ctx = find_context(text)
    assert ctx.is_reported(text.index("跳楼"))
    assert not ctx.is_reported(text.index("不想活"))


def test_short_lead_reports_the_next_clause() -> None:
    text = "新闻里说，有人跳楼了"
    assert find_context(text).is_reported(text.index("跳楼"))


def test_confirmed_hypothetical_is_not_reported() -> None:
    assert not find_context("如果吃了一瓶药会怎样，我已经吃了").reported


@pytest.mark.parametrize(
    ("text", "cue", "negated"),
    [
        ("没有人受伤", "受伤", True),
        ("暂未见人受伤", "受伤", True),
        ("他受伤了", "受伤", False),
        ("没事，但是他受伤了", "受伤", False),
    ],
)
def test_negation(text: str, cue: str, negated: bool) -> None:
    assert is_negated(text, text.index(cue)) is negated


def test_still_not_yet_does_not_negate_when_asked() -> None:
    text = "他还没跳"
    assert is_negated(text, text.index("跳"))
    assert not is_negated(text, text.index("跳"), still_counts=True)


def test_fear_and_past() -> None:
    assert is_feared("怕划伤孩子", 1)
    assert is_past("三月初被人打了") and is_past("昨天晚上") and not is_past("正在打")
    pattern = re.compile("着火")
    assert counted_match(pattern, "没有着火") is None
    assert counted_match(pattern, "着火了") is not None


def test_fold_keeps_length_and_simplifies() -> None:
    for text in ["有人跳樓！ＡＢＣ", "\u3000全角空格", "㎞ ligature ﬁ", "😀"]:
        assert len(fold(text)) == len(text)
    assert fold("有人跳樓！ＡＢＣ") == "有人跳楼!abc"
    assert mask("abcdef", [(1, 3)]) == "a\u25a1\u25a1def"
    assert clause_bounds("甲乙，丙丁。戊", 3) == (3, 5)


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("35", 35),
        ("1.5万", 15000),
        ("七十", 70),
        ("两千五", 2500),
        ("三万八千", 38000),
        ("十二", 12),
        ("一百二十", 120),
        ("abc", None),
        ("", None),
    ],
)
def test_numerals(token: str, value: float | None) -> None:
    assert parse_number(token) == value
