"""Plates read from report text, and the canonical form a watch list keeps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.synthesis.errors import InvalidPlate
from dispatch.synthesis.plates import normalise_plate, read_plates


@pytest.mark.parametrize(("text", "plate"), [
    ("一辆蒙B·12345的白色轿车撞了人跑了", "蒙B12345"),
    ("车牌蒙B12345往昆区跑了", "蒙B12345"),
    ("蒙b 12345", "蒙B12345"),
    ("新能源车蒙BD12345", "蒙BD12345"),
    ("蒙B12345D", "蒙B12345D"),
    ("挂车蒙A1234挂", "蒙A1234挂"),
    ("京N·A8K21", "京NA8K21"),
])
def test_full_plates_are_read_in_canonical_form(text: str, plate: str) -> None:
    [read] = read_plates(text)
    assert read.plate == plate and not read.partial and read.text in text


def test_a_prefix_is_a_partial_plate_and_a_long_number_is_no_plate() -> None:
    [read] = read_plates("一辆蒙B开头的面包车")
    assert read.partial and read.plate == "蒙B"
    assert read_plates("车号蒙B123456789") == []
    assert read_plates("我家住12345号") == []


def test_each_plate_once_and_a_prefix_of_a_full_plate_is_not_repeated() -> None:
    reads = read_plates("蒙B12345，就是那辆蒙B·12345，蒙B开头的")
    assert [r.plate for r in reads] == ["蒙B12345"]


def test_normalise_accepts_one_plate_and_refuses_anything_else() -> None:
    assert normalise_plate(" 蒙b·12345 ") == "蒙B12345"
    for bad in ("蒙B1234", "蒙I12345", "XX12345", "蒙B12345 蒙B23456", ""):
        with pytest.raises(InvalidPlate, match="plate"):
            normalise_plate(bad)


@given(st.text(max_size=40))
def test_reading_never_raises_and_reads_only_canonical_plates(text: str) -> None:
    for read in read_plates(text):
        assert read.partial or normalise_plate(read.plate) == read.plate
