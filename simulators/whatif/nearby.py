"""Open incidents near a point: the simulation's stand-in for the store's ``open_near``.

The service keeps open, located incidents in a Redis GEO set and asks for those within
``duplicates.search_radius_m`` of a new report; the engine keeps them in a grid of
0.13° cells (at least the 10 km search radius in both directions at Baotou's latitude)
and hands ``duplicates.rank`` only the incidents that could score: still open, received
within ``duplicates.RARE_WINDOW_S`` and within the widest reach ``duplicates.score`` can
give the pair (texts telling the same facts, 2 % wider for the flat-earth distance used
here). The core still decides;
this only spares it geodesics that cannot matter. Entries that can never qualify again
(closed, or older than the window, since time only moves forward) are pruned on the way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

from dispatch.domain import duplicates
from dispatch.domain.incident import Incident

CELL_DEG = 0.13
_M_PER_DEG = 111_195.0


class OpenIndex:
    """Located incidents by grid cell.

    Args:
        lookup: the current state of an incident by id.
    """

    def __init__(self, lookup: Callable[[str], Incident]) -> None:
        self.lookup = lookup
        self.cells: dict[tuple[int, int], set[str]] = {}

    def add(self, incident: Incident) -> None:
        """Index an incident by its located point (ignored when it has none)."""
        loc = incident.location or {}
        if loc.get("lat") is not None and loc.get("lon") is not None:
            cell = (int(loc["lat"] // CELL_DEG), int(loc["lon"] // CELL_DEG))
            self.cells.setdefault(cell, set()).add(incident.id)

    def near(self, incident: Incident, lat: float, lon: float, radius_m: float,
             now: datetime) -> list[Incident]:
        """Open incidents other than ``incident`` that ``duplicates.score`` could match,
        in id order (deterministic)."""
        reach = duplicates.search_radius_m(radius_m)
        oldest = now - timedelta(seconds=duplicates.RARE_WINDOW_S)
        coslat = math.cos(math.radians(lat))
        ci, cj = int(lat // CELL_DEG), int(lon // CELL_DEG)
        found = []
        for i in (ci - 1, ci, ci + 1):
            for j in (cj - 1, cj, cj + 1):
                ids = self.cells.get((i, j))
                if not ids:
                    continue
                stale = []
                for other_id in ids:
                    other = self.lookup(other_id)
                    if not other.is_open or other.received_at <= oldest:
                        stale.append(other_id)
                        continue
                    if other_id == incident.id:
                        continue
                    loc = other.location or {}
                    pair = duplicates.reach_m(radius_m, float(loc.get("radius_m") or 0),
                                              rare=True, strong_text=True)
                    dy = (loc["lat"] - lat) * _M_PER_DEG
                    dx = (loc["lon"] - lon) * _M_PER_DEG * coslat
                    if dx * dx + dy * dy <= (min(reach, pair) * 1.02) ** 2:
                        found.append(other)
                ids.difference_update(stale)
        found.sort(key=lambda o: o.id)
        return found
