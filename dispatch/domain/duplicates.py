"""Duplicate calls: is a new report about an incident that is already open?

A fire seen from a housing estate brings forty calls in five minutes; the centre needs one
incident with forty callers, not forty assignments. But two calls from one landmark
minutes apart may be two events: a fire and a broken street lamp, two collisions on one
avenue. A new report is compared with every open incident near it in space and time on
five things: distance (against the two locations' uncertainty), elapsed time, category,
the event signatures of the two texts and the overlap of what the callers said
(:mod:`dispatch.domain.signatures`).

* **Never automatically**: different categories (suggested only), event signatures that
  name different kinds of event (a parking fee and a street lamp), a missing person (two
  lost children near each other may be two children), fraud (a wave of victims told one
  script is many victims), a caller's own trouble (two lock-outs, two lost bags), a
  consultation (every question gets its own answer).
* **Automatically**, above ``AUTO_MERGE``, only with evidence from the texts that it is
  one event: a rare signature shared (a fire, an explosion, a pile-up), or the callers'
  words overlapping by ``TEXT_EVIDENCE`` or more. Place, time and category alone cannot
  tell two events at one landmark apart.
* **A surge placed imprecisely still gathers**: with a rare signature shared, the two
  reports are taken as one place when they lie within the larger of their two
  uncertainty radii (up to ``SURGE_RADIUS_M``), and the window is an hour (a fire burns
  longer than a fight lasts).
* Between ``SUGGEST`` and ``AUTO_MERGE``, or when the texts give no evidence, the report
  is dispatched normally and offered to the call-taker as a possible duplicate.

The weights were chosen so that (a) two calls from the same spot within minutes about the
same fire merge even when worded differently (≈ 0.84), (b) a common event of the same kind
at the same spot twenty minutes apart is only suggested (≈ 0.66), while a fire at the same
building twenty minutes later is the same fire (≈ 0.82), and (c) different kinds of event
never merge. ``tests/unit/dispatch/test_duplicates.py`` pins those cases; the simulator
measures precision and recall against its hidden truth (docs/simulators.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from geopy.distance import geodesic

from dispatch.domain import signatures
from dispatch.domain.incident import Incident

WINDOW_S = 30 * 60          # calls about one event come within half an hour
RARE_WINDOW_S = 60 * 60     # … a fire, a pile-up or a flood is reported for an hour
RADIUS_M = 500.0            # … and within a few hundred metres of each other
MAX_RADIUS_M = 1500.0       # however vague both locations are
SURGE_RADIUS_M = 3000.0     # … unless they share a rare event: within the vaguer's radius
VAGUE_REACH_M = 10000.0     # … or tell the same facts (a town-level place and a phone's fix)
AUTO_MERGE = 0.70
SUGGEST = 0.5
TEXT_EVIDENCE = 0.35        # callers' words overlapping this much say "the same event"
STRONG_TEXT = 0.6           # … this much: the same facts told again (plate, vehicles, floor)
RARE_EVIDENCE = 0.6         # a rare signature shared counts as this much overlap
DIFFERENT_PENALTY = 0.2     # signatures of different kinds of event
# Categories whose callers often describe one event differently (a fight that one caller
# calls a dispute and another an assault; a crash with a car fire): suggested, never merged.
GROUPS = ({"violent_crime", "public_order", "dispute"}, {"traffic", "fire_disaster"},
          {"missing_person", "assistance"}, {"property_crime", "fraud"})
# Several reports of one missing person are welcome, but two lost children near each other
# may be two children; two fraud victims told the same script are two victims with two
# losses; every consultation gets its own answer: never merge those automatically.
NEVER_AUTO = {"missing_person", "fraud", "consultation"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """An open incident a new report may duplicate.

    ``same_category``, ``signature`` (:func:`signatures.relation`: ``rare``, ``personal``,
    ``shared``, ``unknown`` or ``different``) and ``similarity`` (the callers' words) are what
    :func:`should_merge` needs beyond the score."""

    incident_id: str
    score: float
    distance_m: float
    minutes: float
    reasons: tuple[str, ...]
    same_category: bool = True
    signature: str = "unknown"
    similarity: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"incident_id": self.incident_id, "score": self.score,
                "distance_m": round(self.distance_m), "minutes": round(self.minutes, 1),
                "reasons": list(self.reasons), "same_category": self.same_category,
                "signature": self.signature, "similarity": round(self.similarity, 3)}


def _category_match(a: str | None, b: str | None) -> float:
    if a is None or b is None:
        return 0.0
    if a == b:
        return 1.0
    return 0.6 if any(a in g and b in g for g in GROUPS) else 0.0


def reach_m(radius_a: float, radius_b: float, rare: bool, strong_text: bool = False) -> float:
    """How far apart two reports may be and still be one event (metres): a few hundred
    metres beyond the vaguer location, capped by how telling the texts are."""
    cap = VAGUE_REACH_M if strong_text else SURGE_RADIUS_M if rare else MAX_RADIUS_M
    return min(cap, RADIUS_M + max(radius_a, radius_b))


def score(text: str, category: str | None, point: tuple[float, float], radius_m: float,
          at: datetime, other: Incident, distance_m: float | None = None) -> Candidate | None:
    """How likely the new report is about ``other`` (None if it cannot be).

    ``distance_m`` may be given when the caller already knows it (the store's GEO search
    measures it); otherwise it is the geodesic distance. The cheap tests come first.
    """
    loc: Mapping[str, Any] = other.location or {}
    if not other.is_open or loc.get("lat") is None or loc.get("lon") is None:
        return None
    c = _category_match(category, other.category)
    if c <= 0:
        return None
    elapsed = abs((at - other.received_at).total_seconds())
    if elapsed >= RARE_WINDOW_S:
        return None
    relation = signatures.relation(signatures.signatures(text), signatures.signatures(other.text))
    rare = relation == "rare"
    t = 1 - elapsed / (RARE_WINDOW_S if rare else WINDOW_S)
    if t <= 0:
        return None
    j = signatures.similarity(text, other.text)
    strong = j >= STRONG_TEXT and relation not in ("different", "personal")
    other_radius = float(loc.get("radius_m") or 0)
    reach = reach_m(radius_m, other_radius, rare, strong)
    distance = distance_m if distance_m is not None else \
        geodesic(point, (loc["lat"], loc["lon"])).meters
    s = 1 - distance / reach
    if s <= 0:
        return None
    if (rare or strong) and distance <= max(radius_m, other_radius):
        s = max(s, 0.75)  # one place, as far as two vague locations can tell
    evidence = max(j, RARE_EVIDENCE if rare else 0.0)
    value = 0.25 * s + 0.20 * t + 0.20 * c + 0.35 * evidence
    if relation == "different":
        value -= DIFFERENT_PENALTY
    value = round(max(0.0, value), 3)
    reasons = (f"{distance:.0f} m apart", f"{elapsed / 60:.0f} min apart",
               "same category" if c == 1 else f"related categories {category}/{other.category}",
               f"event signatures {relation}", f"text overlap {j:.2f}")
    return Candidate(other.id, value, distance, elapsed / 60, reasons, c == 1, relation, j)


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
    """Merge automatically? Only a confident match of the same category whose texts say it
    is one event (a rare signature shared, or the callers' words overlapping), never
    across different kinds of event, never for missing persons, fraud or consultations."""
    return (candidate.score >= AUTO_MERGE and candidate.same_category
            and candidate.signature not in ("different", "personal")
            and category not in NEVER_AUTO
            and (candidate.signature == "rare" or candidate.similarity >= TEXT_EVIDENCE))


def search_radius_m(radius_m: float) -> float:
    """How far around a new report to look for open incidents (the widest reach any open
    incident could have with it)."""
    return VAGUE_REACH_M
