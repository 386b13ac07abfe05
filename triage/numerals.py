"""Chinese and Arabic numerals: ``七十多`` -> 70, ``两万`` -> 20000, ``1.5万`` -> 15000."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "俩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}

NUMERAL_CHARS = "零〇一二两俩三四五六七八九十百千万亿"


def parse_number(token: str) -> float | None:
    """Parse an Arabic or Chinese numeral (with 万/千/百 multipliers).

    Args:
        token: e.g. ``"35"``, ``"1.5万"``, ``"七十"``, ``"两千五"``, ``"三万八千"``.

    Returns:
        The value, or ``None`` when ``token`` is not a number.
    """
    token = token.strip()
    if not token:
        return None
    mult = 1.0
    while token and token[-1] in "万亿千百" and any(c.isdigit() for c in token):
        mult *= _UNITS[token[-1]]
        token = token[:-1]
    try:
        return float(token) * mult
    except ValueError:
        pass
    value = _parse_chinese(token)
    return None if value is None else value * mult


def _parse_chinese(token: str) -> float | None:
    """Parse a pure Chinese numeral such as ``三万八千五百`` or ``两千五``."""
    if not token or any(c not in _DIGITS and c not in _UNITS for c in token):
        return None
    total = 0
    section = 0
    digit: int | None = None
    last_unit = 10
    for ch in token:
        if ch in _DIGITS:
            if digit is not None:  # 一二 style digit strings: 一二三 -> 123
                digit = digit * 10 + _DIGITS[ch]
            else:
                digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit >= 10_000:
            section = (section + (digit or 0)) * unit
            total += section
            section = 0
        else:
            section += (1 if digit is None else digit) * unit
        last_unit = unit
        digit = None
    if digit is not None:
        # 两千五 = 2500: a trailing digit counts one order below the last unit.
        if last_unit in _SMALL_UNITS.values() and last_unit > 10 and len(token) > 1:
            section += digit * last_unit // 10
        else:
            section += digit
    return float(total + section)
