"""Who may read a caller's phone number, and the masked view for everyone else.

The call-taker, the command centre and the precinct the incident is assigned to call the
caller back; an analyst, or another precinct reading the incident, sees ``138****8000``.
Applied to the HTTP views of incidents and hand-offs (their timelines and packets carry
the number too); the live feeds go only to the command centre and the precinct that
owns the incident.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from dispatch.auth import Principal, Role

# Keys whose string values are (or may contain) a telephone number.
_PHONE_KEYS = frozenset({"phone", "to", "phones", "callBackReference", "callbackReference",
                         "uri", "callbackUri"})
_DIGITS = re.compile(r"\d[\d \-]{5,}\d")


def may_see_caller(who: Principal, precinct: str | None) -> bool:
    """Call-takers, the command centre (and admin), and the incident's own precinct."""
    if who.role in (Role.call_taker, Role.command, Role.admin):
        return True
    return who.role is Role.precinct and who.precinct is not None and who.precinct == precinct


def mask_number(text: str) -> str:
    """``13812348000`` → ``138****8000``; text without a number is unchanged."""
    def hide(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:] if len(digits) > 7 \
            else "*" * len(digits)
    return _DIGITS.sub(hide, text)


def masked(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON-like value with every phone number under a phone-like key (or a
    ``tel:`` URI anywhere) masked."""
    if isinstance(value, Mapping):
        return {k: masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if isinstance(value, str) and (key in _PHONE_KEYS or value.startswith("tel:")):
        return mask_number(value)
    return value


def for_reader(who: Principal, precinct: str | None, view: dict[str, Any]) -> dict[str, Any]:
    """The view as this reader may see it; ``caller_phone_hidden`` says it was masked."""
    if may_see_caller(who, precinct):
        return view
    out: dict[str, Any] = masked(view)
    out["caller_phone_hidden"] = True
    return out
