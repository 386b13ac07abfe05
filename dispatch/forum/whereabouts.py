"""Where the author of a forum post probably is, from weak signals.

A post rarely carries coordinates. The signals, strongest first:

1. a consented device location (handled by the ordinary geo path, not here);
2. a specific place the text states (a point-level match, radius ≤ 5 km);
3. the author's recent activity points, weighted by recency (half-life 6 h, points
   older than 72 h ignored), clustered so that two far-apart towns are not averaged
   into a field between them;
4. a coarse place the text states (a city or province named);
5. the IP region the platform reports (``region_hint``).

The radius is honest: the weighted spread of the chosen cluster (at least 300 m), plus
how far a person could have moved since the newest point (1 m/s, at most 50 km).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import geo
from dispatch.domain.events import parse_iso

HALF_LIFE_S = 6 * 3600.0
MAX_AGE_S = 72 * 3600.0
CLUSTER_M = 5000.0
MIN_RADIUS_M = 300.0
DRIFT_M_PER_S = 1.0
MAX_RADIUS_M = 50_000.0
SPECIFIC_RADIUS_M = 5000.0


@dataclass(frozen=True, slots=True)
class Trace:
    """One activity point in WGS-84 with its time."""

    lat: float
    lon: float
    at: datetime


@dataclass(frozen=True, slots=True)
class WeakFix:
    """A position estimated from the activity trace."""

    lat: float
    lon: float
    radius_m: float
    points: int
    newest_age_s: float


def traces(activity: Sequence[Mapping[str, Any]]) -> list[Trace]:
    """Activity entries (``lat``, ``lon``, ``crs``, ``at``) as WGS-84 traces; bad ones skipped."""
    out = []
    for item in activity:
        try:
            lat, lon = geo.to_wgs84(float(item["lat"]), float(item["lon"]),
                                    str(item.get("crs", "wgs84")))
            at = item["at"] if isinstance(item["at"], datetime) else parse_iso(str(item["at"]))
        except (KeyError, TypeError, ValueError):
            continue
        out.append(Trace(lat, lon, at))
    return out


def weight(age_s: float, half_life_s: float = HALF_LIFE_S) -> float:
    """Recency weight of a point ``age_s`` old: 1 now, ½ after a half-life, 0 when too old.

    A point from the future (clock skew) counts as fresh.
    """
    if age_s > MAX_AGE_S:
        return 0.0
    return float(0.5 ** (max(0.0, age_s) / half_life_s))


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance: cheap enough for all pairs of 200 points, exact to ~0.5 %."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def estimate(points: Sequence[Trace], now: datetime) -> WeakFix | None:
    """The recency-weighted position of the densest recent cluster (None: nothing usable)."""
    weighted = [(p, weight((now - p.at).total_seconds())) for p in points]
    weighted = [(p, w) for p, w in weighted if w > 0]
    if not weighted:
        return None

    def support(centre: Trace) -> float:
        return sum(w for p, w in weighted
                   if _metres((centre.lat, centre.lon), (p.lat, p.lon)) <= CLUSTER_M)

    seed = max(weighted, key=lambda pw: (support(pw[0]), pw[1]))[0]
    cluster = [(p, w) for p, w in weighted
               if _metres((seed.lat, seed.lon), (p.lat, p.lon)) <= CLUSTER_M]
    total = sum(w for _, w in cluster)
    lat = sum(p.lat * w for p, w in cluster) / total
    lon = sum(p.lon * w for p, w in cluster) / total
    spread = math.sqrt(sum(w * _metres((lat, lon), (p.lat, p.lon)) ** 2
                           for p, w in cluster) / total)
    newest = min(max(0.0, (now - p.at).total_seconds()) for p, _ in cluster)
    radius = min(MAX_RADIUS_M, max(MIN_RADIUS_M, 2 * spread) + DRIFT_M_PER_S * newest)
    return WeakFix(lat, lon, round(radius, 1), len(cluster), round(newest, 1))


def locate_post(text: str, address: str | None, forum: Mapping[str, Any],
                now: datetime | None = None) -> dict[str, Any]:
    """Place a forum post that has no device location.

    Args:
        text: the post.
        address: a stated address, if the platform or triage found one.
        forum: the post's ``forum`` object (``region_hint``, ``activity``, ``posted_at``).
        now: the reference time for recency; default the post's ``posted_at``, else the
            newest activity point (so the same post always places the same way).

    Returns:
        The geo stage's location dict, with ``source`` naming the signal used
        (``address``/``text``/``activity``/``region_hint``) and ``signals`` listing what
        each signal said.
    """
    trace = traces(forum.get("activity") or ())
    if now is None:
        posted = forum.get("posted_at")
        now = parse_iso(posted) if isinstance(posted, str) else (
            max((t.at for t in trace), default=None))
    stated = geo.locate(text, address=address).to_dict()
    fix = estimate(trace, now) if now is not None else None
    hint = forum.get("region_hint")
    signals: list[dict[str, Any]] = [{"signal": "stated", "source": stated["source"],
                                      "radius_m": stated["radius_m"], "city": stated["city"],
                                      "in_jurisdiction": stated["in_jurisdiction"]}]
    weak = None
    if fix is not None:
        weak = geo.locate(None, device=geo.DevicePoint(lat=fix.lat, lon=fix.lon,
                                                       accuracy_m=fix.radius_m)).to_dict()
        signals.append({"signal": "activity", "points": fix.points, "radius_m": fix.radius_m,
                        "newest_age_s": fix.newest_age_s, "city": weak["city"],
                        "in_jurisdiction": weak["in_jurisdiction"]})
    if isinstance(hint, str):
        signals.append({"signal": "region_hint", "text": hint})
    specific = stated["lat"] is not None and (stated["radius_m"] or 0) <= SPECIFIC_RADIUS_M
    if specific:
        chosen = stated
    elif weak is not None:
        chosen = {**weak, "source": "activity", "matched": ["activity"]}
        if stated["in_jurisdiction"] is not None and \
                stated["in_jurisdiction"] != weak["in_jurisdiction"]:
            chosen["warnings"] = [*weak.get("warnings", []),
                                  "the text names another region than the recent activity"]
    elif stated["lat"] is not None or stated["in_jurisdiction"] is False:
        chosen = stated
    elif isinstance(hint, str):
        chosen = geo.locate(None, region_hint=hint).to_dict()
    else:
        chosen = stated
    return {**chosen, "signals": signals}
