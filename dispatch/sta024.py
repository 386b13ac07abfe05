"""NENA-STA-024 subscribe/notify: the rules, without I/O.

An external agency subscribes over a websocket (``/v1/sta024/ws``) to EIDO notifications:

* ``requestSubType: "new"`` — one notification per new incident (at its first
  assignment, when triage and location are known), optionally narrowed by a
  ``qualFilter``;
* ``requestSubType: "single"`` with ``incidentId`` — a notification whenever that
  incident changes.

This module negotiates a ``subscribe`` into a :class:`Subscription` (or the
``subscribeResponse`` refusing it), parses the ``qualFilter`` and decides when a
notification is due (``maxRate``: at least that many seconds between two;
``minRate``: a notification at the latest that many seconds after the last one, even
without a change). The websocket adapter is ``dispatch.api.sta024``; the message shapes
are the standard's (``../shared/data/sta024/websocket.yaml``).

qualFilter (the service's filter language; STA-024 leaves its syntax to the notifier):
``key=value[,value…]`` terms joined by ``;`` (all must hold), keys ``priority``,
``category``, ``precinct``, ``channel``: ``priority=P1,P2;category=violent_crime``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FILTER_KEYS = ("priority", "category", "precinct", "channel")
DEFAULT_EXPIRES_S = 3600
MAX_EXPIRES_S = 86400
MIN_MAX_RATE_S = 0   # no lower bound between notifications unless asked
MIN_MIN_RATE_S = 5   # a keep-alive notification no more often than every 5 s
RETRANSMIT_S = 5.0   # an unacknowledged event is sent again this often
_TERM = re.compile(r"^(?P<key>[a-z]+)=(?P<values>[A-Za-z0-9_,]+)$")


def response(request_id: str, code: int, text: str, **extra: Any) -> dict[str, Any]:
    """A ``subscribeResponse``."""
    return {"subscribeResponse": {"requestId": request_id, "statusCode": code,
                                  "statusText": text, **extra}}


class Refused(Exception):
    """A subscribe the notifier will not satisfy; ``answer`` is the subscribeResponse."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__(answer["subscribeResponse"]["statusText"])
        self.answer = answer


def parse_filter(text: str) -> dict[str, frozenset[str]]:
    """The qualFilter as key → allowed values.

    Raises:
        ValueError: not in the filter language (see the module docstring).
    """
    out: dict[str, frozenset[str]] = {}
    for term in (t.strip() for t in text.split(";") if t.strip()):
        m = _TERM.match(term)
        if not m or m["key"] not in FILTER_KEYS or m["key"] in out:
            raise ValueError(f"qualFilter term {term[:40]!r}: use key=value[,value] with "
                             f"keys {', '.join(FILTER_KEYS)}, each once")
        out[m["key"]] = frozenset(v for v in m["values"].split(",") if v)
    if not out:
        raise ValueError("qualFilter is empty")
    return out


def matches(qual: Mapping[str, frozenset[str]], summary: Mapping[str, Any]) -> bool:
    """Whether an incident summary passes the filter."""
    return all(str(summary.get(key)) in allowed for key, allowed in qual.items())


@dataclass
class Subscription:
    """One accepted subscription and its notification clock (seconds, monotonic)."""

    id: str
    request_id: str
    sub_type: str
    incident_id: str | None
    qual: Mapping[str, frozenset[str]] = field(default_factory=dict)
    min_rate: int | None = None
    max_rate: int = 0
    expires_at: float = 0.0
    last_sent: float | None = None
    pending: set[str] = field(default_factory=set)  # incidents with news not yet sent
    seen: set[str] = field(default_factory=set)

    def offer(self, event_type: str, incident_id: str, summary: Mapping[str, Any]) -> None:
        """Note an event of the stream if it is news for this subscription."""
        if self.sub_type == "single":
            if incident_id == self.incident_id:
                self.pending.add(incident_id)
            return
        if event_type != "incident.assigned" or incident_id in self.seen:
            return
        if matches(self.qual, summary):
            self.seen.add(incident_id)
            self.pending.add(incident_id)

    def due(self, now: float) -> list[str]:
        """The incidents to notify now (emptied from ``pending``); [] while ``maxRate``
        holds them back. ``minRate`` adds the single incident when nothing was sent for
        that long."""
        if (self.sub_type == "single" and self.min_rate is not None and self.incident_id
                and self.last_sent is not None and now - self.last_sent >= self.min_rate):
            self.pending.add(self.incident_id)
        if not self.pending or not self.may_send(now):
            return []
        out = sorted(self.pending)
        self.pending.clear()
        self.last_sent = now
        return out

    def may_send(self, now: float) -> bool:
        """``maxRate``: whether the minimum gap since the last notification has passed."""
        return self.last_sent is None or now - self.last_sent >= self.max_rate



def negotiate(message: Mapping[str, Any], subscription_id: str, now: float,
              known_incident: bool | None) -> Subscription:
    """Accept a ``subscribe`` (the adapter answers with :func:`accepted`).

    Args:
        message: the ``subscribe`` object's content.
        subscription_id: the id to give it.
        now: monotonic seconds.
        known_incident: for ``single``, whether the incident exists (None: not asked).

    Raises:
        Refused: 400 malformed, 404 unknown incident, 406 unsupported type.
    """
    rid = str(message.get("requestId") or "")
    if not rid:
        raise Refused(response("", 400, "requestId is required"))
    if message.get("subscriptionId"):
        raise Refused(response(rid, 400, "renewing a subscription is not supported: "
                                         "subscribe again"))
    if message.get("requestType") != "EIDO":
        raise Refused(response(rid, 406, "only requestType EIDO is offered"))
    accepts = message.get("requestAccepts")
    if accepts is not None and "json" not in str(accepts).lower():
        raise Refused(response(rid, 406, "EIDO is offered as application/emergency.eido+json"))
    sub_type = message.get("requestSubType")
    if sub_type not in ("new", "single"):
        raise Refused(response(rid, 406 if sub_type == "resource" else 400,
                               "requestSubType must be new or single (resource is not offered)"))
    incident_id = message.get("incidentId")
    qual_text = message.get("qualFilter")
    if sub_type == "single":
        if not isinstance(incident_id, str) or not incident_id or qual_text:
            raise Refused(response(rid, 400, "single needs incidentId and no qualFilter"))
        if known_incident is False:
            raise Refused(response(rid, 404, f"unknown incident {incident_id[:64]}"))
    elif incident_id:
        raise Refused(response(rid, 400, "incidentId is only for requestSubType single"))
    qual: dict[str, frozenset[str]] = {}
    if qual_text is not None:
        try:
            qual = parse_filter(str(qual_text))
        except ValueError as exc:
            raise Refused(response(rid, 400, str(exc))) from exc
    numbers = {}
    for key in ("minRate", "maxRate", "expires"):
        value = message.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                  or value < 0):
            raise Refused(response(rid, 400, f"{key} must be a non-negative integer"))
        numbers[key] = value
    expires = min(numbers["expires"] or DEFAULT_EXPIRES_S, MAX_EXPIRES_S)
    min_rate = numbers["minRate"]
    if min_rate is not None:
        min_rate = max(min_rate, MIN_MIN_RATE_S)
    max_rate = max(numbers["maxRate"] or 0, MIN_MAX_RATE_S)
    if min_rate is not None and max_rate > min_rate:
        raise Refused(response(rid, 400, "maxRate must not exceed minRate"))
    return Subscription(subscription_id, rid, sub_type, incident_id if sub_type == "single"
                        else None, qual, min_rate, max_rate, now + expires)


def accepted(sub: Subscription, now: float) -> dict[str, Any]:
    """The ``subscribeResponse`` of an accepted subscription (the negotiated values)."""
    extra: dict[str, Any] = {"subscriptionId": sub.id, "maxRate": sub.max_rate,
                             "expires": max(0, round(sub.expires_at - now))}
    if sub.min_rate is not None:
        extra["minRate"] = sub.min_rate
    return response(sub.request_id, 200, "OK", **extra)
