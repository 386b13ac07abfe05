"""How personal data is masked for a reader the access table does not show it to.

Who sees what is ``dispatch.access`` (``FIELDS``), applied by ``dispatch.api.gate`` to
the HTTP views of incidents, cases and hand-offs (their timelines and packets carry the
number too): ``13812348000`` → ``138****8000``, ``张三`` → ``张*``. The live feeds go only
to the command centre and the precinct that owns the incident.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# Keys whose string values are (or may contain) a telephone number.
_PHONE_KEYS = frozenset({"phone", "to", "phones", "callBackReference", "callbackReference",
                         "uri", "callbackUri"})
_DIGITS = re.compile(r"\d[\d \-]{5,}\d")


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


def mask_name(name: str) -> str:
    """``张三丰`` → ``张**``: the family name stays, the rest is hidden."""
    name = name.strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else name


def masked_names(value: Any, holders: Sequence[str], key: str | None = None) -> Any:
    """A copy with the ``name`` of every object found under one of the ``holders`` keys
    (``caller``, ``reporter``) masked, at any depth (timelines carry the caller too)."""
    if isinstance(value, Mapping):
        out = {k: masked_names(v, holders, str(k)) for k, v in value.items()}
        if key in holders and isinstance(out.get("name"), str):
            out["name"] = mask_name(out["name"])
        return out
    if isinstance(value, list):
        return [masked_names(v, holders, key) for v in value]
    return value
