"""What the command centre's duty officer reads of an unplaced incident: whether it is
unplaced at all, what is typed into the 定位修正 box, the gazetteer's first candidate with
a point (as the console's candidate button sends it), and a precinct by id."""

from __future__ import annotations

from typing import Any

import geo
from dispatch.domain.incident import COMMAND_FEED, Incident
from geo import suggest as suggestions
from simulators.whatif.call_taker import place_query


def is_unplaced(incident: Incident) -> bool:
    """At the command centre because no precinct contains its point (not a matter for
    another city, which is handed over)."""
    loc = incident.location or {}
    return incident.precinct == COMMAND_FEED and not loc.get("out_of_area") \
        and loc.get("in_jurisdiction") is not False


def place_text(incident: Incident) -> str | None:
    """What the officer types into the 定位修正 box."""
    return place_query(incident.address, lambda: incident.extracted or {})


def gazetteer_fix(incident: Incident) -> dict[str, Any] | None:
    """The location the first gazetteer suggestion with a point gives (as the console's
    candidate button sends it), or None."""
    text = place_text(incident)
    if not text:
        return None
    try:
        found = suggestions.suggest(text, 8)
    except geo.GeoError:
        return None
    item = next((i for i in found.items if i.kind != "precinct" and i.precinct), None)
    if item is None:
        return None
    chosen = suggestions.place(item.id)
    return dict(suggestions.fix(chosen.lat, chosen.lon, chosen.radius_m, town=chosen.town,
                                source="gazetteer",
                                matched=(f"{chosen.kind}:{chosen.name}",)).to_dict())


def known_precinct(precinct_id: str) -> Any:
    try:
        return geo.precinct(precinct_id)
    except geo.UnknownPrecinct:
        return None
