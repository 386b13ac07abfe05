"""The simulated people and vehicles: desk pools (call-takers, forum moderators) and the
patrol fleet.

The fleet keeps ``dispatch.domain.units.Unit`` values and moves them only with
``units.move``/``units.reposition``; the choice of unit is ``units.recommend`` (geodesic
distance, district speeds) over a short list of the nearest available units, found first
with a cheap flat-earth distance so a day does not cost a geodesic per unit per incident.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from dispatch.domain import units as unit_core
from dispatch.domain.units import Recommendation, TravelModel, Unit, UnitStatus

# Nearest available units (flat distance) handed to ``recommend``. Within one district the
# ETA grows with distance alone, so the flat-nearest two always hold the ETA winner unless
# two units sit within metres of each other; a geodesic costs ~0.3 ms, this keeps it cheap.
SHORTLIST = 2


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A positive duration with the given median (0 stays 0)."""
    if median <= 0:
        return 0.0
    return median * math.exp(rng.gauss(0.0, sigma)) if sigma > 0 else median


@dataclass
class DeskPool:
    """``size`` interchangeable people working a first-come queue.

    ``start(now)`` returns when the next item can be picked up: immediately if someone
    is free, otherwise when the earliest busy person finishes. Items keep arrival order.
    """

    size: int
    free_at: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.free_at = [0.0] * max(0, self.size)
        heapq.heapify(self.free_at)

    def serve(self, arrival: float, duration: float) -> tuple[float, float]:
        """Book the earliest free person; returns ``(start, end)`` of the handling.

        With no people at all the item is handled on arrival, taking ``duration``.
        """
        if not self.free_at:
            return arrival, arrival + duration
        start = max(arrival, heapq.heappop(self.free_at))
        end = start + duration
        heapq.heappush(self.free_at, end)
        return start, end


class Fleet:
    """Every patrol unit, where it is and how long it has been busy."""

    def __init__(self, precincts: Iterable[tuple[str, str, float, float]], per_precinct: int,
                 model: TravelModel, at: datetime) -> None:
        self.model = model
        self.units: dict[str, Unit] = {}
        for pid, name, lat, lon in precincts:
            for n in range(1, per_precinct + 1):
                unit = Unit(id=f"U{pid}-{n:02d}", precinct=pid, name=f"{name}巡{n}",
                            lat=lat, lon=lon, updated_at=at)
                self.units[unit.id] = unit
        self.busy_s: dict[str, float] = {uid: 0.0 for uid in self.units}
        self._busy_since: dict[str, float] = {}
        self.dispatches: dict[str, int] = {uid: 0 for uid in self.units}

    def nearest(self, lat: float, lon: float, district: str | None) -> Recommendation | None:
        """The available unit that would arrive first (``units.recommend``), or None."""
        coslat = math.cos(math.radians(lat))
        flat = []
        for unit in self.units.values():
            if unit.status is UnitStatus.available and unit.lat is not None and unit.lon is not None:
                dy, dx = unit.lat - lat, (unit.lon - lon) * coslat
                flat.append((dy * dy + dx * dx, unit.id))
        if not flat:
            return None
        short = [self.units[uid] for _, uid in sorted(flat)[:SHORTLIST]]
        ranked = unit_core.recommend((lat, lon), district, short, self.model, limit=1)
        return ranked[0] if ranked else None

    def dispatch(self, unit_id: str, incident_id: str, at: datetime, t: float) -> None:
        """The unit leaves for the incident (dispatched, then en route at once)."""
        unit = unit_core.move(self.units[unit_id], UnitStatus.dispatched, at, incident_id)
        self.units[unit_id] = unit_core.move(unit, UnitStatus.en_route, at)
        self._busy_since[unit_id] = t
        self.dispatches[unit_id] += 1

    def arrive(self, unit_id: str, at: datetime) -> None:
        """The unit is on scene."""
        self.units[unit_id] = unit_core.move(self.units[unit_id], UnitStatus.on_scene, at)

    def clear(self, unit_id: str, lat: float, lon: float, at: datetime, t: float) -> None:
        """The unit leaves the scene, available where it is."""
        unit = unit_core.move(self.units[unit_id], UnitStatus.available, at)
        self.units[unit_id] = unit_core.reposition(unit, lat, lon, at)
        self.busy_s[unit_id] += t - self._busy_since.pop(unit_id, t)

    def utilisation(self, now: float, span: float) -> dict[str, float]:
        """Share of ``span`` seconds each unit spent busy (still-busy units count to ``now``)."""
        out = {}
        for uid, busy in self.busy_s.items():
            running = now - self._busy_since[uid] if uid in self._busy_since else 0.0
            out[uid] = min(1.0, (busy + running) / span) if span > 0 else 0.0
        return out
