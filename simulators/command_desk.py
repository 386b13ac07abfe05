"""The command centre's duty officer with an incident the pipeline could not place.

What a person does at the command console (docs/api.md: ``GET /v1/geo/suggest``,
``POST /v1/incidents/{id}/location``, ``…/reassign``), with the same core functions:

1. reads the address as typed and the gazetteer places the console suggests for it;
2. confirms with the caller which one it is (in the simulation: the candidate nearest the
   true place, if one lies within :data:`CONFIRM_M`) and picks it — ``corrections.relocate``
   re-runs jurisdiction and routes to the precinct that contains it;
3. when no suggestion fits, calls the caller back, learns the place and 转派 to the
   precinct that contains it (``corrections.reassign``).

A report whose true place lies outside the city is not placed here: it is handed over.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import geo
from dispatch import places
from dispatch.domain import corrections
from dispatch.domain.events import Event
from dispatch.domain.incident import COMMAND_FEED, Incident

CONFIRM_M = 1500.0  # "is it near X?" — a candidate this close to the real place is it
ACTOR = "command:sim"


def is_placeable(incident: Incident, truth: Mapping[str, Any]) -> bool:
    """An incident at the command centre that a callback can place inside the city."""
    where = truth.get("location") or {}
    return incident.precinct == COMMAND_FEED and not truth.get("out_of_area") \
        and where.get("lat") is not None and (incident.location or {}).get(
            "in_jurisdiction") is not False


def _point(lat: float, lon: float, accuracy_m: float) -> dict[str, Any]:
    placed = geo.locate(device=geo.DevicePoint(lat=lat, lon=lon, accuracy_m=accuracy_m)).to_dict()
    placed["source"] = "operator"
    return placed


def place(incident: Incident, truth: Mapping[str, Any], now: datetime,
          ack_timeouts: Mapping[str, float | None]) -> tuple[list[Event], str]:
    """The events of placing the incident, and how: ``candidate`` or ``callback``.

    Returns ``([], "none")`` when nothing can be done from here (no longer open, placed
    already, or the place is outside the city).
    """
    if not is_placeable(incident, truth) or incident.status not in corrections.REASSIGNABLE:
        return [], "none"
    lat, lon = float(truth["location"]["lat"]), float(truth["location"]["lon"])
    typed = incident.address or incident.text
    near = [(geo.distance_m((lat, lon), (c["lat"], c["lon"])), c)
            for c in places.candidates(typed) if c.get("precinct")]
    near = [(d, c) for d, c in near if d <= CONFIRM_M]
    if near:
        _, best = min(near, key=lambda dc: dc[0])
        located = _point(best["lat"], best["lon"], min(float(best["radius_m"]), CONFIRM_M))
        located["place"] = best["name"]
        events = corrections.relocate(incident, located, f"picked {best['name']}", ACTOR, now,
                                      ack_timeouts)
        return events, "candidate"
    located = _point(lat, lon, 50.0)
    precinct = located.get("precinct")
    if not precinct or not located.get("in_jurisdiction"):
        return [], "none"
    district = located.get("district")
    return corrections.reassign(incident, str(precinct), district if isinstance(district, str)
                                else None, "回拨报警人确认地址", ACTOR, now,
                                ack_timeouts), "callback"
