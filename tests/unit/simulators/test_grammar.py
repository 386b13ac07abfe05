"""The text grammar: expansion, numerals, noise, third-person records."""

from __future__ import annotations

import random

import pytest

from simulators.streams.config import CATEGORIES
from simulators.streams.grammar import add_dialect, add_slip, clean, cn_number, expand, third_person
from simulators.streams.lexicon import appearance, clothing
from simulators.streams.situations import draw, kinds


@pytest.mark.parametrize(("n", "text"), [
    (0, "零"), (2, "两"), (7, "七"), (10, "十"), (15, "十五"), (20, "二十"), (25, "二十五"),
    (100, "一百"), (105, "一百零五"), (110, "一百一十"), (1000, "一千"), (2024, "二千零二十四"),
])
def test_chinese_numerals(n: int, text: str) -> None:
    assert cn_number(n) == text


def test_expand_picks_alternatives_and_fills_slots() -> None:
    rng = random.Random(1)
    seen = {expand(rng, "[甲|乙|]{x}", {"x": ["一", "二"]}) for _ in range(200)}
    assert seen == {"甲一", "甲二", "乙一", "乙二", "一", "二"}
    assert expand(rng, "[在[昆区|青山]这边]") in ("在昆区这边", "在青山这边")


def test_expand_rejects_unbalanced_groups_and_missing_slots() -> None:
    with pytest.raises(ValueError):
        expand(random.Random(1), "[a|b")
    with pytest.raises(KeyError):
        expand(random.Random(1), "{nope}")


def test_third_person_rewrites_the_caller() -> None:
    assert third_person("我妈接了个电话") == "其母亲接了个电话"
    assert third_person("他说要杀了我") == "他说要杀了报警人"
    assert "我" not in third_person("我的电动车被偷了，让我报警")


def test_slips_change_exactly_one_spot() -> None:
    rng = random.Random(3)
    text = "我已经在小区门口了"
    slipped = add_slip(rng, text)
    assert slipped != text and len(slipped) == len(text)
    assert add_slip(rng, "无可替换") == "无可替换"


def test_dialect_uses_local_forms() -> None:
    text = add_dialect(random.Random(1), "我也不知道怎么办，他说什么", rate=1.0)
    assert "不晓得" in text and "咋办" in text and "什么" not in text


def test_clean_tidies_punctuation() -> None:
    assert clean("，，你好，，在这儿，。") == "你好，在这儿。"


def test_descriptions_respect_sex() -> None:
    rng = random.Random(5)
    for _ in range(300):
        assert "裙子" not in clothing(rng, female=False)
        text = appearance(rng, elderly=True, female=True)
        assert "老爷子" not in text and "大爷" not in text and "胡子" not in text


def test_every_category_has_several_situations_and_many_phrasings() -> None:
    registry = kinds()
    rng = random.Random(9)
    for category in CATEGORIES:
        assert len(registry[category]) >= 2
        texts = {"，".join(draw(rng, category, 20).clauses) for _ in range(60)}
        assert len(texts) >= 35, category
