"""Patrol units: their status machine and how long each would take to reach a point.

Estimated time of arrival = turnout + geodesic distance × detour factor ÷ speed, with the
speed and detour factor by the kind of district the unit drives through:

* **Detour factor** (road distance ÷ straight-line distance): 1.3 in the urban districts,
  1.4 in the banners and counties. Road-network circuity measured across many cities
  averages about 1.2–1.4 (Ballou, Rahardja & Sakai 2002, "Selected country circuity
  factors for road travel distance estimation"); Baotou's urban core is a grid, its
  banners have sparse roads around mountains and grassland.
* **Speed**: 35 km/h urban (a patrol car with lights in city traffic), 60 km/h in banners
  and counties (long straight roads, few junctions).
* **Turnout**: 60 s for an available unit to get moving.

These are defaults an agency replaces with measured figures (AVL history) without code
changes: :class:`TravelModel` is a value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Any

from geopy.distance import geodesic

from dispatch.domain.errors import InvalidTransition
from dispatch.domain.events import iso, parse_iso


class UnitStatus(str, Enum):
    available = "available"
    dispatched = "dispatched"
    en_route = "en_route"
    on_scene = "on_scene"
    off_duty = "off_duty"


UNIT_TRANSITIONS: Mapping[UnitStatus, frozenset[UnitStatus]] = {
    UnitStatus.available: frozenset({UnitStatus.dispatched, UnitStatus.off_duty}),
    UnitStatus.dispatched: frozenset({UnitStatus.en_route, UnitStatus.on_scene,
                                      UnitStatus.available}),
    UnitStatus.en_route: frozenset({UnitStatus.on_scene, UnitStatus.available}),
    UnitStatus.on_scene: frozenset({UnitStatus.available}),
    UnitStatus.off_duty: frozenset({UnitStatus.available}),
}


@dataclass(frozen=True, slots=True)
class Unit:
    """A patrol unit and where it is."""

    id: str
    precinct: str
    name: str
    status: UnitStatus = UnitStatus.available
    lat: float | None = None
    lon: float | None = None
    incident_id: str | None = None
    updated_at: datetime | None = None
    version: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "precinct": self.precinct, "name": self.name,
                "status": self.status.value, "lat": self.lat, "lon": self.lon,
                "incident_id": self.incident_id,
                "updated_at": iso(self.updated_at) if self.updated_at else None,
                "version": self.version}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Unit:
        return cls(id=d["id"], precinct=d["precinct"], name=d["name"],
                   status=UnitStatus(d["status"]), lat=d.get("lat"), lon=d.get("lon"),
                   incident_id=d.get("incident_id"),
                   updated_at=parse_iso(d["updated_at"]) if d.get("updated_at") else None,
                   version=int(d.get("version", 0)))


def move(unit: Unit, wanted: UnitStatus, at: datetime, incident_id: str | None = None) -> Unit:
    """The unit after a status change.

    Raises:
        InvalidTransition: the unit's status machine forbids the move.
    """
    allowed = UNIT_TRANSITIONS[unit.status]
    if wanted is not unit.status and wanted not in allowed:
        raise InvalidTransition(unit.status.value, wanted.value, (s.value for s in allowed))
    keep = incident_id or (unit.incident_id if wanted not in (UnitStatus.available,
                                                             UnitStatus.off_duty) else None)
    return replace(unit, status=wanted, incident_id=keep, updated_at=at, version=unit.version + 1)


def reposition(unit: Unit, lat: float, lon: float, at: datetime) -> Unit:
    """The unit at a new (WGS-84) position."""
    return replace(unit, lat=lat, lon=lon, updated_at=at, version=unit.version + 1)


@dataclass(frozen=True, slots=True)
class TravelModel:
    """How fast units get places (see the module docstring for the sources)."""

    urban_kmh: float = 35.0
    rural_kmh: float = 60.0
    urban_detour: float = 1.3
    rural_detour: float = 1.4
    turnout_s: float = 60.0
    rural_districts: frozenset[str] = field(default_factory=lambda: frozenset(
        {"150221", "150222", "150223"}))

    def eta_s(self, distance_m: float, district: str | None) -> float:
        rural = district in self.rural_districts
        speed = (self.rural_kmh if rural else self.urban_kmh) / 3.6
        detour = self.rural_detour if rural else self.urban_detour
        return self.turnout_s + distance_m * detour / speed


@dataclass(frozen=True, slots=True)
class Recommendation:
    unit: Unit
    distance_m: float
    eta_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"unit_id": self.unit.id, "name": self.unit.name, "precinct": self.unit.precinct,
                "status": self.unit.status.value, "distance_m": round(self.distance_m),
                "eta_s": round(self.eta_s), "lat": self.unit.lat, "lon": self.unit.lon}


def recommend(point: tuple[float, float], district: str | None, units: Iterable[Unit],
              model: TravelModel = TravelModel(), limit: int = 10) -> list[Recommendation]:
    """Available units ranked by estimated arrival, from any precinct (a neighbour's unit
    that is closer comes first)."""
    ranked = []
    for unit in units:
        if unit.status is not UnitStatus.available or unit.lat is None or unit.lon is None:
            continue
        distance = geodesic(point, (unit.lat, unit.lon)).meters
        ranked.append(Recommendation(unit, distance, model.eta_s(distance, district)))
    ranked.sort(key=lambda r: r.eta_s)
    return ranked[:limit]
