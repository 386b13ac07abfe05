"""Caller numbers: normalised, then known only by a keyed hash (HMAC-SHA256).

The plain number is never a Redis key: a dump of the store shows which incidents share a
caller, not who the caller is, and without the key (``CALLER_HASH_KEY``) nobody can test
a guessed number against it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from dispatch.synthesis.errors import InvalidPhone

_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")


def normalise_phone(raw: str) -> str:
    """The canonical form of a caller's number: digits only, no country code.

    Raises:
        InvalidPhone: not an 11-digit mobile (1[3-9]…) or a landline with area code.
    """
    digits = _SEPARATORS.sub("", raw.strip())
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            break
    if len(digits) == 13 and digits.startswith("86") and _MOBILE.match(digits[2:]):
        digits = digits[2:]
    if _MOBILE.match(digits) or _LANDLINE.match(digits):
        return digits
    raise InvalidPhone(f"phone: {raw[:32]!r} is not a mobile (11 digits, 1[3-9]…) "
                       "or a landline with its area code (0472-1234567)")


def caller_key(secret: str, raw: str) -> str:
    """The keyed hash the caller index is filed under (32 hex characters).

    Raises:
        InvalidPhone: see :func:`normalise_phone`.
    """
    number = normalise_phone(raw)
    return hmac.new(secret.encode(), number.encode(), hashlib.sha256).hexdigest()[:32]
