"""Finding incidents by what an operator remembers: the incident id, a phone number, an
address or words of the report, within a time window.

Pure: :func:`parse_query` reads the search box, :func:`matches` tests one incident. The
store supplies the candidates (newest first, within the window).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dispatch.domain.incident import Incident

_ID = re.compile(r"^\d{8}-[0-9A-Z]{1,8}$")
_DIGITS = re.compile(r"\D")
MIN_PHONE_DIGITS = 4  # fewer digits match too much (a year, a house number)


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search: ``incident_id`` (a full or leading part of an id), ``digits`` (a
    phone number or its tail), ``text`` (words of the address or the report)."""

    incident_id: str | None = None
    digits: str | None = None
    text: str | None = None


def parse_query(q: str) -> Query:
    """``20261203-7K3Q`` is an id, ``138 1234 8000`` or ``8000`` digits, anything else text.

    Digits are also text (a house number in an address); an id is only an id.
    """
    q = q.strip()
    if _ID.match(q.upper()):
        return Query(incident_id=q.upper())
    digits = _DIGITS.sub("", q)
    if len(digits) >= MIN_PHONE_DIGITS and re.fullmatch(r"[\d +\-()]+", q):
        return Query(digits=digits, text=q)
    return Query(text=q)


def _phones(incident: Incident) -> list[str]:
    phone = (incident.caller or {}).get("phone")
    return [_DIGITS.sub("", phone)] if isinstance(phone, str) else []


def matches(incident: Incident, query: Query, *, phones: bool = True) -> bool:
    """Whether the incident answers the query. ``phones=False`` (the reader may not see
    the caller's number) never matches on the number."""
    if query.incident_id is not None:
        return incident.id.startswith(query.incident_id)
    if query.digits and phones and any(query.digits in p for p in _phones(incident)):
        return True
    if query.text:
        where = (incident.location or {}).get("address")
        haystack = " ".join(x for x in (incident.address, where, incident.text)
                            if isinstance(x, str))
        return query.text.lower() in haystack.lower()
    return query.digits is None
