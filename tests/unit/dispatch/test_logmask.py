"""Caller phone numbers are masked in logs."""

from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from dispatch.logmask import PhoneMask, mask


def test_mobiles_and_landlines_are_masked() -> None:
    assert mask("caller 13812345621 says") == "caller 138******21 says"
    assert mask("+86 138-1234-5621") == "138******21"
    assert mask("座机0472-5123456") == "座机047******56"
    assert "13812345621" not in mask("电话13812345621，地址钢铁大街")


def test_other_numbers_are_left_alone() -> None:
    assert mask("incident 20261126-7F3K9Q2A at 40.6467,109.8246") == \
        "incident 20261126-7F3K9Q2A at 40.6467,109.8246"
    assert mask("stream id 1795719155889-0") == "stream id 1795719155889-0"


@given(st.integers(min_value=3, max_value=9), st.integers(min_value=0, max_value=10**9 - 1))
def test_no_mobile_survives(second: int, rest: int) -> None:
    number = f"1{second}{rest:09d}"
    assert number not in mask(f"报警人{number}说")


def test_filter_rewrites_records_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "phone %s", ("13912345678",), None)
    PhoneMask().filter(record)
    assert "13912345678" not in record.getMessage()
    try:
        raise ValueError("bad caller 13912345678")
    except ValueError:
        import sys

        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    PhoneMask().filter(rec)
    assert rec.exc_text and "13912345678" not in rec.exc_text
