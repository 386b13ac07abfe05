"""The synthesis index of a simulation: the service's index commands, run in memory.

The live commit runs :meth:`dispatch.adapters.synthesis_index.SynthesisIndex.ops` inside
its Lua script and the worker reads the index with ``synthesis_lookup.lua``. Here the same
``ops`` lists are executed by a small interpreter of the Redis commands they use, and the
lookup script's reply is built from the same ``spec`` over the same keys, so the engine
runs :class:`~dispatch.adapters.synthesis_index.SynthesisReader` (subject, lookup, rules,
outcomes) exactly as the worker does. GEO sets follow Redis: a member's point is stored as
its 52-bit geohash cell centre and distances are Redis's haversine (earth radius
6,372,797.560856 m), reported to 0.1 mm; a search returns the nearest ``COUNT`` members
within the radius, nearest first. Expiry (``PXAT``, ``EXPIREAT``) is kept on the virtual
clock and honoured on every read.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.synthesis_index import SynthesisIndex, SynthesisReader
from dispatch.domain.events import Event
from dispatch.domain.incident import Incident
from dispatch.missing import Case

EARTH_RADIUS_M = 6372797.560856  # Redis geohash_helper.c
_LAT_MIN, _LAT_MAX = -85.05112878, 85.05112878
_STEPS = 1 << 26
_CELL_DEG = 0.01  # the search grid (about 1.1 km by 0.85 km at Baotou)


def geohash_point(lat: float, lon: float) -> tuple[float, float]:
    """The point Redis keeps for ``(lat, lon)``: the centre of its 52-bit geohash cell."""
    ilat = int((lat - _LAT_MIN) / (_LAT_MAX - _LAT_MIN) * _STEPS)
    ilon = int((lon + 180.0) / 360.0 * _STEPS)
    return (_LAT_MIN + (ilat + 0.5) * (_LAT_MAX - _LAT_MIN) / _STEPS,
            -180.0 + (ilon + 0.5) * 360.0 / _STEPS)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Redis's GEO distance (haversine on a sphere of ``EARTH_RADIUS_M``)."""
    la1, la2 = math.radians(lat1), math.radians(lat2)
    u = math.sin((la2 - la1) / 2)
    v = math.sin(math.radians(lon2 - lon1) / 2)
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(u * u + math.cos(la1) * math.cos(la2) * v * v))


class _GeoSet:
    """One GEO key: members with their stored points, on a grid for radius searches."""

    def __init__(self) -> None:
        self.points: dict[str, tuple[float, float]] = {}
        self.cells: dict[tuple[int, int], set[str]] = {}

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG)

    def add(self, member: str, lat: float, lon: float) -> None:
        self.remove(member)
        point = geohash_point(lat, lon)
        self.points[member] = point
        self.cells.setdefault(self._cell(*point), set()).add(member)

    def remove(self, member: str) -> None:
        point = self.points.pop(member, None)
        if point is not None:
            self.cells[self._cell(*point)].discard(member)

    def search(self, lat: float, lon: float, radius_m: float, count: int) -> list[tuple[str, float]]:
        dlat = radius_m / 111_000.0
        dlon = radius_m / (111_000.0 * max(0.01, math.cos(math.radians(lat))))
        (a, b), (c, d) = self._cell(lat - dlat, lon - dlon), self._cell(lat + dlat, lon + dlon)
        hits = []
        for i in range(a, c + 1):
            for j in range(b, d + 1):
                for member in self.cells.get((i, j), ()):
                    plat, plon = self.points[member]
                    dist = distance_m(lat, lon, plat, plon)
                    if dist <= radius_m:
                        hits.append((member, round(dist, 4)))
        hits.sort(key=lambda h: (h[1], h[0]))
        return hits[:count]


class _SortedSet:
    """One sorted set: ``member -> score`` and the members ordered by (score, member)."""

    def __init__(self) -> None:
        self.scores: dict[str, float] = {}
        self.order: list[tuple[float, str]] = []

    def add(self, score: float, member: str) -> None:
        self.remove(member)
        self.scores[member] = score
        bisect.insort(self.order, (score, member))

    def remove(self, member: str) -> None:
        score = self.scores.pop(member, None)
        if score is not None:
            self.order.pop(bisect.bisect_left(self.order, (score, member)))

    def remove_below(self, bound: float, exclusive: bool) -> None:
        for score, member in list(self.order):
            if score < bound or (not exclusive and score == bound):
                self.remove(member)
            else:
                break

    def between(self, lo: float, hi: float) -> list[tuple[float, str]]:
        start = bisect.bisect_left(self.order, (lo, ""))
        out = []
        for score, member in self.order[start:]:
            if score > hi:
                break
            out.append((score, member))
        return out


class MemoryIndex(SynthesisReader):
    """The synthesis index and its lookup for one simulation run.

    Args:
        index: the index settings (HMAC key for callers, policy) — the same class whose
            ``ops`` the live commit runs.
        now: the virtual clock (for expiry).
    """

    def __init__(self, index: SynthesisIndex, now: Callable[[], datetime]) -> None:
        super().__init__(index.keys, index)
        self.now = now
        self.strings: dict[str, str] = {}
        self.hashes: dict[str, dict[str, str]] = {}
        self.zsets: dict[str, _SortedSet] = {}
        self.geos: dict[str, _GeoSet] = {}
        self.expires: dict[str, float] = {}  # key -> epoch seconds
        self.commands = 0
        self._generation: Callable[[], int] = lambda: 0
        self._open: Callable[[], Iterable[Case]] = tuple

    def attach_cases(self, generation: Callable[[], int],
                     open_cases: Callable[[], Iterable[Case]]) -> None:
        """Compare reports with the run's missing-person register (``MissingFlow``): its
        generation counter stands for ``{ns}:mp:gen``, its open cases for the store's."""
        self._generation, self._open = generation, open_cases
        self.cases_key = f"{self.keys.ns}:mp:gen"

    def _open_cases(self) -> Iterable[Case]:
        return self._open()

    @classmethod
    def create(cls, keys: Keys, caller_secret: str,
               now: Callable[[], datetime]) -> MemoryIndex:
        return cls(SynthesisIndex(keys, caller_secret), now)

    # -- writes: what a commit runs --------------------------------------------------------

    def commit(self, state: Incident, previous: Incident | None,
               events: Sequence[Event] = ()) -> None:
        """Keep the index equal to ``state`` (the commit's ``SynthesisIndex.ops``)."""
        self.run(self.index.ops(state, previous, events))

    def run(self, ops: Iterable[Sequence[object]]) -> None:
        """Execute index commands (the subset ``SynthesisIndex`` and note saving use)."""
        for op in ops:
            self.commands += 1
            name, key, args = str(op[0]).upper(), str(op[1]), op[2:]
            if name == "SET":
                if "NX" in [str(a).upper() for a in args[1:]] and key in self.strings \
                        and self._alive(key):
                    continue
                self.strings[key] = str(args[0])
                if len(args) >= 3 and str(args[1]).upper() == "PXAT":
                    self.expires[key] = float(args[2]) / 1000  # type: ignore[arg-type]
                else:
                    self.expires.pop(key, None)
            elif name == "ZADD":
                greater = str(args[0]).upper() == "GT"
                pairs = args[1:] if greater else args
                zset = self._zset(key)
                for i in range(0, len(pairs), 2):
                    score, name_ = float(pairs[i]), str(pairs[i + 1])  # type: ignore[arg-type]
                    if not greater or score > zset.scores.get(name_, float("-inf")):
                        zset.add(score, name_)
            elif name == "ZREM":
                for member in args:
                    self._zset(key).remove(str(member))
                    if key in self.geos:
                        self.geos[key].remove(str(member))
            elif name == "ZREMRANGEBYSCORE":
                bound = str(args[1])
                exclusive = bound.startswith("(")
                self._zset(key).remove_below(float(bound.lstrip("(")), exclusive)
            elif name == "GEOADD":
                geo = self.geos.setdefault(key, _GeoSet())
                for i in range(0, len(args), 3):
                    lon, lat, member = args[i:i + 3]
                    geo.add(str(member), float(lat), float(lon))  # type: ignore[arg-type]
            elif name == "HSET":
                table = self.hashes.setdefault(key, {})
                for i in range(0, len(args), 2):
                    table[str(args[i])] = str(args[i + 1])
            elif name == "HDEL":
                for field_ in args:
                    self.hashes.get(key, {}).pop(str(field_), None)
            elif name == "EXPIREAT":
                self._expire_at(key, float(args[0]), [str(a).upper() for a in args[1:]])  # type: ignore[arg-type]
            elif name == "DEL":
                self._drop(key)
            else:
                raise ValueError(f"the simulated index does not run {name}")

    def _expire_at(self, key: str, at: float, flags: list[str]) -> None:
        current = self.expires.get(key)
        if "NX" in flags and current is not None:
            return
        if "GT" in flags and (current is None or at <= current):
            return
        if at <= self.now().timestamp():
            self._drop(key)  # as Redis: an expiry in the past deletes the key at once
            return
        self.expires[key] = at

    def _zset(self, key: str) -> _SortedSet:
        return self.zsets.setdefault(key, _SortedSet())

    def _drop(self, key: str) -> None:
        for table in (self.strings, self.hashes, self.zsets, self.geos, self.expires):
            table.pop(key, None)

    def _alive(self, key: str) -> bool:
        due = self.expires.get(key)
        if due is not None and due <= self.now().timestamp():
            self._drop(key)
            return False
        return True

    # -- reads: what the lookup script returns ---------------------------------------------

    def _records(self, keys: Sequence[str]) -> list[str | None]:
        return [self.strings.get(k) if self._alive(k) else None for k in keys]

    def _run_lookup(self, spec: Mapping[str, Any]) -> Mapping[str, Any]:
        """``synthesis_lookup.lua`` over the in-memory keys (same spec, same reply)."""
        out: dict[str, Any] = {"geo": [], "notes": []}
        caller = spec.get("caller")
        if caller:
            key, lo, hi, newest, dv_key, dv_lo, windows = caller
            zset = self.zsets.get(key) if self._alive(key) else None
            calls = zset.between(lo, hi) if zset else []
            out["calls"] = [m for _, m in reversed(calls)][:newest]
            out["counts"] = [sum(1 for s, _ in calls if s >= since) if zset else 0
                             for since in windows]
            if dv_key:
                dv = self.zsets.get(dv_key) if self._alive(dv_key) else None
                out["dv"] = [m for _, m in reversed(dv.between(dv_lo, hi))][:newest] if dv else []
        for key, lon, lat, radius, count in spec.get("geo") or ():
            geo = self.geos.get(key) if self._alive(key) else None
            flat: list[Any] = []
            for member, dist in (geo.search(lat, lon, radius, count) if geo else ()):
                flat += [member, dist]
            out["geo"].append(flat)
        notes = spec.get("notes")
        if notes:
            geo_key, hash_key, lon, lat, radius, count = notes
            geo = self.geos.get(geo_key)
            table = self.hashes.get(hash_key, {})
            for member, dist in (geo.search(lat, lon, radius, count) if geo else ()):
                raw = table.get(member)
                if raw is not None:
                    out["notes"].append([member, dist, raw])
        watch = spec.get("watch")
        if watch:
            table = self.hashes.get(watch[0], {})
            out["watch"] = [table.get(p, False) for p in watch[1:]]
        if spec.get("missing"):
            out["missing"] = str(self._generation())
        return out
