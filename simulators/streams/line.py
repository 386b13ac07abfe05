"""Assemble one stream line: the ``POST /v1/reports`` body plus ``at`` and ``truth``.

Key order is fixed so that a stream serialises to the same bytes for the same seed.
Times on the wire are UTC ISO-8601 with a ``Z`` suffix (architecture.md, "Time").
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from simulators.streams.addressing import Where
from simulators.streams.arrivals import local
from simulators.streams.registers import render
from simulators.streams.situations.incident import Incident

FORUM_BASE_URL = "https://forum.example.org/thread/"


def iso(t: datetime) -> str:
    """UTC ISO-8601 with whole seconds and a ``Z`` suffix."""
    return t.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _province_hint(where: Where) -> str:
    province = where.place.province
    for suffix in ("自治区", "省", "市"):
        province = province.removesuffix(suffix)
    return province


def assemble(
    rng: random.Random, *, at: datetime, channel: str, inc: Incident, where: Where,
    source_id: str, serial: int, typo_rate: float, event: str, scenario: str | None = None,
    duplicate_group: str | None = None, missing_case: str | None = None,
    register: str | None = None, region_hint: str | None = None,
) -> dict[str, Any]:
    """Build one stream line.

    Args:
        rng: Random source.
        at: Send time (aware).
        channel: ``call``, ``forum`` or ``transfer_12345``.
        inc: What happened, as this reporter tells it.
        where: Where it happened, true and as told.
        source_id: Unique id of the report in its source system.
        serial: Per-stream number (post ids, work-order ids).
        typo_rate: Chance of one typing slip.
        event: Id of the real-world event (duplicates share it).
        scenario: Scenario name, or None for background traffic.
        duplicate_group: Id shared by all reports of one event that has several.
        missing_case: Id of the missing-person case the report opens or answers.
        register: Force a call register (``transcript`` or ``record``).
        region_hint: Force the forum's region hint (IP province).

    Returns:
        The JSON-ready dict (``at``, body fields, ``truth``).
    """
    told = render(rng, inc, where, channel, local(at), serial=serial, typo_rate=typo_rate,
                  register=register)
    line: dict[str, Any] = {"at": iso(at), "channel": channel, "source_id": source_id,
                            "text": told["text"]}
    if "caller" in told:
        line["caller"] = told["caller"]
    if where.location is not None:
        line["location"] = where.location
    if where.address is not None:
        line["address"] = where.address
    if inc.minutes_ago > 0 and rng.random() < 0.6:
        line["occurred_at"] = iso(at - timedelta(minutes=inc.minutes_ago))
    if channel == "forum":
        post_id = f"{serial + 880000}"
        line["forum"] = {
            "post_id": post_id,
            "author": told["author"],
            "posted_at": iso(at - timedelta(seconds=rng.randrange(20, 600))),
            "region_hint": region_hint if region_hint is not None else _province_hint(where),
            "thread_url": FORUM_BASE_URL + post_id,
        }
    line["truth"] = {
        "category": inc.category,
        "priority": inc.priority,
        "flags": list(inc.flags),
        "location": {"lat": where.lat, "lon": where.lon},
        "district": where.district,
        "out_of_area": where.district is None,
        "region": where.region,
        "location_mode": where.mode,
        "register": told["register"],
        "kind": inc.kind,
        "event": event,
        "scenario": scenario,
        "duplicate_group": duplicate_group,
        "missing_case": missing_case,
    }
    return line
