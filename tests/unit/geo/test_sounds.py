"""Baotou names written with characters of the same sound (speech-to-text slips)."""

from __future__ import annotations

import pytest

import geo
from geo.gazetteer import gazetteer
from geo.sounds import respell


@pytest.mark.parametrize("text, district", [
    ("萨拉七一个小区有人家里被盗了", "150221"),
    ("石怪区一个小区有一家人吵架动刀了", "150205"),
    ("美代召镇那边有个果园着火了", "150221"),
    ("五当找那边山上有人迷路了", "150205"),
    ("百灵妙这边有个醉汉躺马路中间", "150223"),
    ("麻吃古城遗址那边有人乱挖", "150207"),
])
def test_a_name_heard_right_and_written_wrong_is_placed_and_said(text: str, district: str) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is True and loc.district == district, text
    assert any("sounding alike" in w for w in loc.warnings), loc.warnings


def test_respelling_keeps_the_length_and_names_what_it_read() -> None:
    text, pairs = respell("萨拉七火车站", gazetteer())
    assert text == "萨拉齐火车站" and pairs == (("萨拉七", "萨拉齐"),)


def test_a_text_that_places_as_written_is_not_respelled() -> None:
    loc = geo.locate("昆区阿尔丁大街有人打架")
    assert not any("sounding alike" in w for w in loc.warnings)


def test_ordinary_words_are_not_taken_for_names() -> None:
    text = "我家孩子放学还没回来，电话也打不通"
    assert respell(text, gazetteer()) == (text, ())
