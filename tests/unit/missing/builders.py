"""Builders shared by the missing-person unit tests (plain functions, not fixtures)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from geopy.distance import geodesic, great_circle  # type: ignore[import-untyped]

from dispatch.missing.clothing import parse_clothing
from dispatch.missing.person import AgeRange, Condition, Gender, HeightRange, LastSeen, Person

# 10:00 Beijing time on a June morning: no exposure rule fires unless a test asks for it.
SUMMER = datetime(2026, 6, 15, 2, 0, tzinfo=UTC)
# 02:00 Beijing time on a January night in Baotou.
WINTER_NIGHT = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)
KUNDULUN = (40.6571, 109.8404)
GRID_STEP_M = 2_000.0


def point_at(
    origin: tuple[float, float], distance_m: float, bearing: float = 90.0
) -> tuple[float, float]:
    """The WGS-84 point ``distance_m`` from ``origin`` on ``bearing`` degrees."""
    p = geodesic(meters=distance_m).destination(origin, bearing)
    return (p.latitude, p.longitude)


class GridPrecincts:
    """A PrecinctLookup over a square grid of precincts 2 km apart around Kundulun.

    A precinct is a 2 km square; it intersects a circle when its centre lies within the
    radius plus half a diagonal. Ids look like NBS town codes (``150203`` + 3 digits).
    """

    _grids: ClassVar[dict[int, dict[str, tuple[float, float]]]] = {}  # built once per size

    def __init__(self, half_width: int = 40) -> None:
        if half_width not in self._grids:
            centres: dict[str, tuple[float, float]] = {}
            n = 0
            for i in range(-half_width, half_width + 1, 4):
                for j in range(-half_width, half_width + 1, 4):
                    north = point_at(KUNDULUN, abs(i) * 500.0, 0.0 if i >= 0 else 180.0)
                    centre = point_at(north, abs(j) * 500.0, 90.0 if j >= 0 else 270.0)
                    centres[f"150203{n:03d}"] = centre
                    n += 1
            self._grids[half_width] = centres
        self.centres = self._grids[half_width]
        self.calls: list[tuple[float, float, float]] = []

    def __call__(self, lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
        self.calls.append((lat, lon, radius_m))
        reach = radius_m + GRID_STEP_M * 0.7072
        return tuple(
            pid for pid, c in self.centres.items() if great_circle((lat, lon), c).meters <= reach
        )

    def precinct_of(self, point: tuple[float, float]) -> str:
        """The precinct whose centre is nearest to ``point``."""
        return min(self.centres, key=lambda pid: great_circle(point, self.centres[pid]).meters)


def old_man(**overrides: object) -> Person:
    """The 78-year-old man with dementia in a grey jacket, about 170 cm."""
    fields: dict[str, object] = {
        "gender": Gender.MALE,
        "age": AgeRange.exact(78),
        "height": HeightRange(168, 172),
        "name": "王某某",
        "clothing": (parse_clothing("灰色夹克"), parse_clothing("黑色裤子")),
        "features": ("拄拐杖",),
        "conditions": frozenset({Condition.DEMENTIA}),
    }
    fields.update(overrides)
    return Person(**fields)  # type: ignore[arg-type]


def last_seen(at: datetime, point: tuple[float, float] = KUNDULUN) -> LastSeen:
    """Last seen at ``point`` (Kundulun by default) at ``at``."""
    return LastSeen(at=at, lat=point[0], lon=point[1], precinct="150203001", address="昆都仑区")


def minutes(n: float) -> timedelta:
    """``n`` minutes."""
    return timedelta(minutes=n)
