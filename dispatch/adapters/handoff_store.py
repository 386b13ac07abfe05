"""Hand-off records on Redis, committed with their incident's events.

=====================================  ======  =======================================
key                                    type    holds
=====================================  ======  =======================================
``{ns}:handoff:{id}``                  string  the record's JSON (:class:`Handoff`)
``{ns}:handoff:all``                   zset    every hand-off id by creation time
``{ns}:handoff:inc:{incident_id}``     set     the hand-offs of one incident
``{ns}:handoff:mark:{incident}:{what}``string  one-off notes already made (``unrouted``,
                                               ``withheld``, ``returned``)
=====================================  ======  =======================================
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence

from dispatch.adapters.redis_store import RedisStore
from dispatch.domain.errors import Conflict
from dispatch.domain.events import Event
from dispatch.domain.incident import Incident
from dispatch.handoff.errors import UnknownHandoff
from dispatch.handoff.handoff import Change, Handoff


class HandoffRecords:
    """Reads hand-offs and commits their changes with the incident store."""

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.r = store.r
        self.ns = store.keys.ns
        self.all_key = f"{self.ns}:handoff:all"

    def key(self, hid: str) -> str:
        """The Redis key of one record."""
        return f"{self.ns}:handoff:{hid}"

    def mark_key(self, incident_id: str, what: str) -> str:
        """The marker of a one-off note about an incident."""
        return f"{self.ns}:handoff:mark:{incident_id}:{what}"

    def marked(self, incident_id: str, what: str) -> bool:
        """Whether that one-off note was made already."""
        return bool(self.r.exists(self.mark_key(incident_id, what)))

    def get(self, hid: str) -> Handoff | None:
        """The record, or None."""
        raw = self.r.get(self.key(hid))
        return None if raw is None else Handoff.from_dict(json.loads(raw))

    def load(self, hid: str) -> Handoff:
        """The record.

        Raises:
            UnknownHandoff: no hand-off has that id.
        """
        found = self.get(hid)
        if found is None:
            raise UnknownHandoff(hid)
        return found

    def _many(self, ids: Sequence[str]) -> list[Handoff]:
        if not ids:
            return []
        return [Handoff.from_dict(json.loads(raw))
                for raw in self.r.mget([self.key(i) for i in ids]) if raw is not None]

    def find(self, incident_id: str | None = None, status: str | None = None,
             kind: str | None = None, limit: int = 100) -> list[Handoff]:
        """Hand-offs matching every given filter, newest first."""
        if incident_id:
            ids = sorted(str(i) for i in self.r.smembers(f"{self.ns}:handoff:inc:{incident_id}"))
            items = sorted(self._many(ids), key=lambda h: h.created_at, reverse=True)
        else:
            items = []
            start = 0
            while len(items) < limit:
                ids = [str(i) for i in self.r.zrevrange(self.all_key, start, start + 499)]
                if not ids:
                    break
                start += 500
                items.extend(h for h in self._many(ids)
                             if (status is None or h.status.value == status)
                             and (kind is None or h.kind == kind))
        return [h for h in items if (status is None or h.status.value == status)
                and (kind is None or h.kind == kind)][:limit]

    def ops(self, change: Change) -> list[tuple[object, ...]]:
        """The Redis commands that store ``change`` beside its incident's events."""
        h = change.handoff
        dl = self.store.keys.deadlines
        ops: list[tuple[object, ...]] = [
            ("SET", self.key(h.id), json.dumps(h.to_dict(), ensure_ascii=False)),
            ("ZADD", self.all_key, h.created_at.timestamp(), h.id),
            ("SADD", f"{self.ns}:handoff:inc:{h.incident_id}", h.id)]
        ops.extend(("ZADD", dl, at.timestamp(), key) for key, at in change.open)
        ops.extend(("ZREM", dl, key) for key in change.close)
        return ops

    def commit(self, incident: Incident, change: Change, *, require_deadline: str | None = None,
               more_events: Iterable[Event] = (),
               more_ops: Iterable[tuple[object, ...]] = ()) -> Handoff:
        """Append the change's events to ``incident`` and store the record, atomically.

        Raises:
            Conflict: the incident changed since it was loaded (or the deadline is gone).
        """
        self.store.commit(incident, [*change.events, *more_events],
                          require_deadline=require_deadline,
                          extra_ops=[*self.ops(change), *more_ops])
        return change.handoff

    def update(self, hid: str, decide: Callable[[Handoff, Incident], Change | None],
               attempts: int = 8) -> Handoff:
        """Load the record and its incident, decide, commit; retry when a writer raced us.

        Raises:
            UnknownHandoff: no hand-off has that id.
            Conflict: still racing after ``attempts`` tries.
        """
        for _ in range(attempts):
            first = self.load(hid)
            incident = self.store.load(first.incident_id)
            h = self.load(hid)  # read after the incident: its version guards both
            change = decide(h, incident)
            if change is None:
                return h
            try:
                return self.commit(incident, change)
            except Conflict:
                continue
        raise Conflict(f"hand-off {hid} is changing too fast; try again")
