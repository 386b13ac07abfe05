"""Caller phone numbers never reach a log line in clear.

A filter on every handler rewrites Chinese mobile numbers (11 digits starting 1[3-9]) and
landlines (area code + 7–8 digits) to keep only their first three and last two digits,
e.g. ``138******21``. Installed once per process by :func:`install`.
"""

from __future__ import annotations

import logging
import re

PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{2})(\d{2})(?!\d)"
                   r"|(?<!\d)(0\d{2,3})[- ]?(\d{3,4})[- ]?(\d{2})(\d{2})(?!\d)")


def mask(text: str) -> str:
    """``text`` with every phone number masked."""
    def hide(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
        return digits[:3] + "*" * (len(digits) - 5) + digits[-2:]

    return PHONE.sub(hide, text)


class PhoneMask(logging.Filter):
    """Masks phone numbers in the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


def install() -> None:
    """Put the mask on every handler of the root and the uvicorn loggers."""
    mask_filter = PhoneMask()
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access", "rq.worker"):
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, PhoneMask) for f in handler.filters):
                handler.addFilter(mask_filter)
