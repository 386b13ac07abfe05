"""Units on Redis: a projection hash per unit, a log stream of every change, feed events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from dispatch.adapters import replies
from dispatch.adapters.redis_store import FEED_MAXLEN, RedisStore
from dispatch.domain.errors import Conflict, UnknownUnit
from dispatch.domain.events import iso
from dispatch.domain.incident import COMMAND_FEED
from dispatch.domain.units import Unit


def patrol_units(precincts: Iterable[tuple[str, str, float, float]], per_precinct: int,
                 at: datetime) -> list[Unit]:
    """The default roster: ``per_precinct`` patrol units parked at each precinct's seat.

    Args:
        precincts: ``(id, name, lat, lon)`` of each precinct (WGS-84 seat).
    """
    units = []
    for pid, name, lat, lon in precincts:
        for n in range(1, per_precinct + 1):
            units.append(Unit(id=f"U{pid}-{n:02d}", precinct=pid, name=f"{name}巡{n}",
                              lat=lat + 0.001 * (n - 1), lon=lon, updated_at=at))
    return units


class UnitStore:
    """Reads and writes units next to the incidents of a :class:`RedisStore`."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.r = store.r
        ns = store.keys.ns
        self.index = f"{ns}:units"
        self.log = f"{ns}:units:log"
        self.ns = ns

    def key(self, unit_id: str) -> str:
        return f"{self.ns}:unit:{unit_id}"

    def load(self, unit_id: str) -> Unit:
        raw = self.r.hget(self.key(unit_id), "state")
        if raw is None:
            raise UnknownUnit(unit_id)
        return Unit.from_dict(json.loads(raw))

    def all(self, precinct: str | None = None) -> list[Unit]:
        ids = sorted(replies.strings(self.r.smembers(self.index)))
        pipe = self.r.pipeline(transaction=False)
        for i in ids:
            pipe.hget(self.key(i), "state")
        units = [Unit.from_dict(json.loads(raw)) for raw in pipe.execute() if raw]
        return [u for u in units if precinct is None or u.precinct == precinct]

    def write_ops(self, unit: Unit, change: str, at: datetime, actor: str) -> list[Sequence[object]]:
        """The Redis commands that store ``unit`` and announce the change."""
        data = json.dumps(unit.to_dict(), ensure_ascii=False)
        fields = ["type", f"unit.{change}", "incident_id", unit.incident_id or "", "at", iso(at),
                  "actor", actor, "data", data]
        ops: list[Sequence[object]] = [
            ("HSET", self.key(unit.id), "state", data, "version", unit.version),
            ("SADD", self.index, unit.id),
            ("XADD", self.log, "MAXLEN", "~", FEED_MAXLEN, "*", *fields),
        ]
        for feed in {unit.precinct, COMMAND_FEED}:
            ops.append(("XADD", self.store.keys.feed(feed), "MAXLEN", "~", FEED_MAXLEN, "*",
                        *fields))
        return ops

    def guard(self, unit: Unit) -> list[str]:
        """Commit only if the unit is still at the version it was decided on."""
        return ["version", self.key(unit.id), str(unit.version)]

    def save(self, before: Unit | None, after: Unit, change: str, at: datetime, actor: str) -> Unit:
        """Write a unit change atomically (optimistic: Conflict if it changed meanwhile)."""
        batch_ops = self.write_ops(after, change, at, actor)
        guard = self.guard(before) if before else ["version", self.key(after.id), "0"]
        result = self.store._commit(args=[json.dumps({"guards": [guard], "ops": [
            [str(x) for x in op] for op in batch_ops]}, ensure_ascii=False)])
        if result[0] != "ok":
            raise Conflict(f"unit {after.id} changed concurrently")
        return after

    def seed(self, units: Iterable[Unit], at: datetime) -> int:
        """Create the given units unless a seeding already happened; returns how many."""
        if not self.r.set(f"{self.ns}:units:seeded", iso(at), nx=True):
            return 0
        count = 0
        for unit in units:
            self.save(None, unit, "created", at, "system")
            count += 1
        return count
