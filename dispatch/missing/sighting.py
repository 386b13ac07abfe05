"""What others report: a sighting of a possibly-missing person, and a found-person record.

A ``Sighting`` comes from a report triaged ``missing_person`` with ``sighting: true`` (or
``assistance`` about a lost elderly person or child): a passer-by's description, a time
and, once geo has run, a point. A ``FoundPerson`` is someone already found with no open
case (held at a precinct, a hospital, a shelter); new cases are matched against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatch.missing.errors import InvalidSighting
from dispatch.missing.person import Person


def _check_point(at: datetime, lat: float | None, lon: float | None) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidSighting("time must be timezone-aware")
    if (lat is None) != (lon is None):
        raise InvalidSighting("give both lat and lon, or neither")
    if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidSighting(f"coordinates off the globe: {lat}, {lon}")


@dataclass(frozen=True, slots=True)
class Sighting:
    """A report of a found or wandering person, to compare with open cases.

    Attributes:
        incident_id: the report/incident this sighting came from.
        at: when the person was seen (usually the report time).
        person: the description the caller gave.
        lat: WGS-84 latitude of the sighting, if geo resolved it.
        lon: WGS-84 longitude.
        precinct: the precinct that covers the point; it is sent to verify.
        text: the caller's words, for the console.
        radius_m: how uncertain the point is (geo's radius).
        transport: the words say the person rode a bus, a taxi, a car.
        accounted_for: the caller says the person is with family or someone else.
    """

    incident_id: str
    at: datetime
    person: Person
    lat: float | None = None
    lon: float | None = None
    precinct: str | None = None
    text: str = ""
    radius_m: float = 0.0
    transport: bool = False
    accounted_for: bool = False

    def __post_init__(self) -> None:
        _check_point(self.at, self.lat, self.lon)

    @property
    def point(self) -> tuple[float, float] | None:
        """``(lat, lon)`` or ``None``."""
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)


@dataclass(frozen=True, slots=True)
class FoundPerson:
    """A person found with no open case, kept so that new cases can be matched to them.

    Attributes:
        id: record id.
        found_at: when they were found.
        person: their description (they may not know their own name).
        lat: where they were found (WGS-84).
        lon: longitude.
        precinct: the precinct holding the record.
        incident_id: the report that brought them in, if any.
        held_at: where they are now (precinct, hospital, shelter), for the family.
    """

    id: str
    found_at: datetime
    person: Person
    lat: float | None = None
    lon: float | None = None
    precinct: str | None = None
    incident_id: str | None = None
    held_at: str | None = None

    def __post_init__(self) -> None:
        _check_point(self.found_at, self.lat, self.lon)

    @property
    def point(self) -> tuple[float, float] | None:
        """``(lat, lon)`` or ``None``."""
        if self.lat is None or self.lon is None:
            return None
        return (self.lat, self.lon)
