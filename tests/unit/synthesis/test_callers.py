"""Caller numbers: normalisation and the keyed hash."""

from __future__ import annotations

import pytest

from dispatch.synthesis.callers import caller_key, normalise_phone
from dispatch.synthesis.errors import InvalidPhone


@pytest.mark.parametrize("raw", ["13904721234", "139 0472 1234", "+86 139-0472-1234",
                                 "008613904721234", "8613904721234"])
def test_every_way_of_writing_a_mobile_is_one_number(raw: str) -> None:
    assert normalise_phone(raw) == "13904721234"


def test_landlines_keep_their_area_code() -> None:
    assert normalise_phone("0472-5123456") == "04725123456"


@pytest.mark.parametrize("raw", ["", "110", "12345678901", "1390472123", "abc", "0472-12"])
def test_malformed_numbers_are_refused_with_the_field_named(raw: str) -> None:
    with pytest.raises(InvalidPhone, match="phone"):
        normalise_phone(raw)


def test_the_key_depends_on_the_secret_and_never_shows_the_number() -> None:
    a = caller_key("k1", "139 0472 1234")
    assert a == caller_key("k1", "+8613904721234")
    assert a != caller_key("k2", "13904721234")
    assert len(a) == 32 and "1390472" not in a
