"""Duplicate calls: is a new report about an incident that is already open?

A fire seen from a housing estate brings forty calls in five minutes; the centre needs one
incident with forty callers, not forty assignments. A new report is compared with every
open incident near it in space and time; the score mixes distance, elapsed time, category
compatibility and text overlap. Above ``AUTO_MERGE`` it is merged at once; between
``SUGGEST`` and ``AUTO_MERGE`` it is dispatched normally and offered to the call-taker as a
possible duplicate.

The weights were chosen so that (a) two calls from the same spot within five minutes
about the same kind of event merge even when worded differently (score ≈ 0.85), (b) the
same kind of event at the same spot twenty minutes apart is only suggested (≈ 0.71), and
(c) different kinds of event never merge. ``tests/unit/dispatch/test_duplicates.py`` pins
those cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from geopy.distance import geodesic

from dispatch.domain.incident import Incident

WINDOW_S = 30 * 60          # calls about one event come within half an hour
RADIUS_M = 500.0            # … and within a few hundred metres of each other
MAX_RADIUS_M = 1500.0       # however vague both locations are
AUTO_MERGE = 0.75
SUGGEST = 0.5
# Categories whose callers often describe one event differently (a fight that one caller
# calls a dispute and another an assault; a crash with a car fire).
GROUPS = ({"violent_crime", "public_order", "dispute"}, {"traffic", "fire_disaster"},
          {"missing_person", "assistance"}, {"property_crime", "fraud"})
# Several reports of one missing person are welcome, but two lost children near each other
# may be two children: never merge those automatically.
NEVER_AUTO = {"missing_person"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """An open incident a new report may duplicate."""

    incident_id: str
    score: float
    distance_m: float
    minutes: float
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "score": self.score,
                "distance_m": round(self.distance_m), "minutes": round(self.minutes, 1),
                "reasons": list(self.reasons)}


def _category_match(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return 0.0
    if a == b:
        return 1.0
    return 0.6 if any(a in g and b in g for g in GROUPS) else 0.0


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace()]
    return {a + b for a, b in itertools.pairwise(chars)}


def text_overlap(a: str, b: str) -> float:
    """Jaccard overlap of character bigrams (0–1): robust to Chinese word boundaries."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def score(text: str, category: str | None, point: tuple[float, float], radius_m: float,
          at: datetime, other: Incident, distance_m: float | None = None) -> Candidate | None:
    """How likely the new report is about ``other`` (None if it cannot be).

    ``distance_m`` may be given when the caller already knows it (the store's GEO search
    measures it); otherwise it is the geodesic distance. The cheap tests come first.
    """
    loc: Mapping[str, Any] = other.location or {}
    if not other.is_open or loc.get("lat") is None or loc.get("lon") is None:
        return None
    minutes = abs((at - other.received_at).total_seconds()) / 60
    t = 1 - minutes * 60 / WINDOW_S
    c = _category_match(category, other.category)
    if t <= 0 or c <= 0:
        return None
    reach = min(MAX_RADIUS_M, RADIUS_M + max(radius_m, float(loc.get("radius_m") or 0)))
    distance = distance_m if distance_m is not None else \
        geodesic(point, (loc["lat"], loc["lon"])).meters
    s = 1 - distance / reach
    if s <= 0:
        return None
    j = text_overlap(text, other.text)
    value = round(0.35 * s + 0.25 * t + 0.25 * c + 0.15 * j, 3)
    reasons = (f"{distance:.0f} m apart", f"{minutes:.0f} min apart",
               "same category" if c == 1 else f"related categories {category}/{other.category}",
               f"text overlap {j:.2f}")
    return Candidate(other.id, value, distance, minutes, reasons)


def rank(text: str, category: str | None, point: tuple[float, float], radius_m: float,
         at: datetime, open_incidents: Iterable[Incident],
         distances: Mapping[str, float] | None = None) -> list[Candidate]:
    """Candidates scoring at least ``SUGGEST``, best first (``distances`` by incident id,
    when known)."""
    known = distances or {}
    found = [c for o in open_incidents
             if (c := score(text, category, point, radius_m, at, o, known.get(o.id)))
             and c.score >= SUGGEST]
    return sorted(found, key=lambda c: -c.score)


def should_merge(candidate: Candidate, category: str | None) -> bool:
    """Merge automatically? (Only confident matches, never for missing persons.)"""
    return candidate.score >= AUTO_MERGE and category not in NEVER_AUTO


def search_radius_m(radius_m: float) -> float:
    """How far around a new report to look for open incidents."""
    return min(MAX_RADIUS_M, RADIUS_M + radius_m) + MAX_RADIUS_M - RADIUS_M
