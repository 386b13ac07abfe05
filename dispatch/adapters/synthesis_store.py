"""The synthesis store on Redis: the reader with the premise notes, the watch list, the
audit stream of personal-data reads and the open missing-person cases (see
:mod:`dispatch.adapters.synthesis_index` for the index every commit keeps).
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from dispatch.adapters import replies
from dispatch.adapters.missing_store import CaseStore
from dispatch.adapters.synthesis_index import (
    _LOOKUP,
    AUDIT_MAXLEN,
    SERIES_LIMIT,
    SynthesisIndex,
    SynthesisReader,
    past_of,
    person_of,
    series_finding,
)
from dispatch.domain.events import iso
from dispatch.missing import (
    Case,
)
from dispatch.synthesis.model import (
    PastIncident,
    PremiseNote,
    WatchEntry,
)

if TYPE_CHECKING:
    from dispatch.adapters.redis_store import RedisStore


class SynthesisStore(SynthesisReader):
    """Reads the index, keeps premise notes and the watch list, writes the audit stream.

    Args:
        store: the incident store (its client, its keys, its index settings and its
            atomic commit).
    """

    def __init__(self, store: RedisStore) -> None:
        super().__init__(store.keys, store.synthesis)
        self.store = store
        self.r = store.r
        self._lookup = store.r.register_script(_LOOKUP)
        self._case_store = CaseStore(store)
        self.cases_key = self._case_store.gen_key

    def _open_cases(self) -> Iterable[Case]:
        return self._case_store.open_cases()

    def _run_lookup(self, spec: Mapping[str, Any]) -> Mapping[str, Any]:
        return cast(Mapping[str, Any],
                    json.loads(self._lookup(args=[json.dumps(spec, ensure_ascii=False)])))

    def _records(self, keys: Sequence[str]) -> list[str | None]:
        return cast(list[str | None], self.r.mget(list(keys)))

    # -- audit -------------------------------------------------------------------------

    def audit_op(self, at: datetime, actor: str, action: str, subject: str,
                 data: Mapping[str, Any] | None = None) -> list[object]:
        """The XADD of one audit entry (to run inside a commit, or alone)."""
        return ["XADD", self.keys.audit, "MAXLEN", "~", AUDIT_MAXLEN, "*", "at", iso(at),
                "actor", actor, "action", action, "subject", subject,
                "data", json.dumps(dict(data or {}), ensure_ascii=False)]

    def audit(self, at: datetime, actor: str, action: str, subject: str,
              data: Mapping[str, Any] | None = None) -> None:
        """Append one audit entry."""
        self.store.write([self.audit_op(at, actor, action, subject, data)])

    def audit_trail(self, count: int = 100) -> list[dict[str, Any]]:
        """The newest audit entries, newest first."""
        out = []
        for entry_id, fields in replies.entries(self.r.xrevrange(self.keys.audit, count=count)):
            out.append({**fields, "id": entry_id, "data": json.loads(fields.get("data") or "{}")})
        return out

    # -- series ------------------------------------------------------------------------

    def series(self, since: datetime, precinct: str | None = None,
               own: str | None = None, limit: int = SERIES_LIMIT) -> list[dict[str, Any]]:
        """The series with a member received since ``since``, newest first.

        Three pipelined reads: the list of series, their members, the members' records
        (current category, status, place and precinct). A member merged into another
        incident or re-categorised since leaves its series.

        Args:
            precinct: only series with a member in this precinct.
            own: list only this precinct's members (a precinct token); ``count`` and the
                rest describe the whole series.
        """
        k = self.keys
        active = cast(list[tuple[str, float]], self.r.zrevrangebyscore(
            k.series_active, "+inf", since.timestamp(), start=0, num=limit, withscores=True))
        pipe = self.r.pipeline(transaction=False)
        for entry, _ in active:
            pipe.zrange(k.series(entry.split("|")[0]), 0, -1, withscores=True)
        member_lists = cast(list[list[tuple[str, float]]], pipe.execute()) if active else []
        ids = sorted({i for members in member_lists for i, _ in members})
        raw = cast(list[str | None], self.r.mget([k.record(i) for i in ids])) if ids else []
        records = {i: PastIncident.from_record(json.loads(r)) for i, r in zip(ids, raw) if r}
        out = []
        for (entry, _), members in zip(active, member_lists):
            series_id, category = entry.split("|", 1)
            found = [records[i] for i, _ in members if i in records
                     and records[i].category == category and records[i].status != "merged"]
            view = series_view(series_id, category, found, own)
            if view is not None and view["last_at"] >= iso(since) and (
                    precinct is None or precinct in view["precincts"]):
                out.append(view)
        return sorted(out, key=lambda v: str(v["last_at"]), reverse=True)

    # -- premise notes -----------------------------------------------------------------

    def note(self, note_id: str) -> PremiseNote | None:
        raw = self.r.hget(self.keys.notes, note_id)
        return PremiseNote.from_dict(json.loads(raw)) if raw else None

    def notes(self, precinct: str | None, now: datetime) -> list[PremiseNote]:
        """Live notes (of one precinct, or all), soonest to expire first; expired notes are
        deleted on the way (audited as ``note.expired``)."""
        found, expired = [], []
        for raw in cast(dict[str, str], self.r.hgetall(self.keys.notes)).values():
            note = PremiseNote.from_dict(json.loads(raw))
            if not note.is_live(now):
                expired.append(note)
            elif precinct is None or note.precinct == precinct:
                found.append(note)
        if expired:
            self.store.write([op for n in expired for op in self._drop_ops(n, now, "system",
                                                                             "note.expired")])
        return sorted(found, key=lambda n: (n.expires_at, n.id))

    def save_note(self, note: PremiseNote, actor: str, now: datetime,
                  previous: PremiseNote | None = None) -> PremiseNote:
        """Create or replace a note, with its audit entry, in one transaction."""
        action = "note.updated" if previous else "note.created"
        data = {"note": note.to_dict(), **({"previous": previous.to_dict()} if previous else {})}
        self.store.write([
            ["HSET", self.keys.notes, note.id, json.dumps(note.to_dict(), ensure_ascii=False)],
            ["GEOADD", self.keys.notes_geo, note.lon, note.lat, note.id],
            self.audit_op(now, actor, action, note.id, data)])
        return note

    def delete_note(self, note: PremiseNote, actor: str, now: datetime) -> None:
        self.store.write(self._drop_ops(note, now, actor, "note.deleted"))

    def _drop_ops(self, note: PremiseNote, now: datetime, actor: str,
                  action: str) -> list[list[object]]:
        return [["HDEL", self.keys.notes, note.id], ["ZREM", self.keys.notes_geo, note.id],
                self.audit_op(now, actor, action, note.id, {"note": note.to_dict()})]

    @staticmethod
    def new_note_id(now: datetime) -> str:
        alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
        return f"N-{now.strftime('%Y%m%d')}-" + "".join(secrets.choice(alphabet) for _ in range(6))

    # -- watch list --------------------------------------------------------------------

    def load_watch(self, entries: Sequence[WatchEntry], actor: str, now: datetime,
                   replace_all: bool = False, source: str = "api") -> int:
        """Add (or, with ``replace_all``, replace the list with) ``entries``; audited.

        Returns:
            How many plates the list holds afterwards.
        """
        ops: list[list[object]] = [["DEL", self.keys.watch]] if replace_all else []
        for chunk in _chunks(entries, 1000):
            ops.append(["HSET", self.keys.watch, *[x for e in chunk for x in (
                e.plate, json.dumps(e.to_dict(), ensure_ascii=False))]])
        ops.append(self.audit_op(now, actor, "watchlist.loaded", "watchlist", {
            "entries": len(entries), "replace": replace_all, "source": source,
            "lists": sorted({e.list for e in entries})}))
        ops.append(["HLEN", self.keys.watch])
        return int(self.store.write(ops)[-1])


def series_view(series_id: str, category: str, members: Sequence[PastIncident],
                own: str | None = None) -> dict[str, Any] | None:
    """What the series list shows of one series (None when no member is left).

    The centre is the mean of the members' points; the radius the farthest member from
    it. ``own``: list only that precinct's members (the counts stay the series')."""
    placed = [(m.lat, m.lon) for m in members if m.lat is not None and m.lon is not None]
    if not members:
        return None
    ordered = sorted(members, key=lambda m: (m.at, m.id))
    centre = (sum(p[0] for p in placed) / len(placed),
              sum(p[1] for p in placed) / len(placed)) if placed else None
    radius = max((_metres(centre, p) for p in placed), default=0.0) if centre else None
    shown = [m for m in ordered if own is None or m.precinct == own]
    return {"id": series_id, "category": category, "count": len(ordered),
            "first_at": iso(ordered[0].at), "last_at": iso(ordered[-1].at),
            "precincts": sorted({m.precinct for m in ordered if m.precinct}),
            "centre": {"lat": round(centre[0], 6), "lon": round(centre[1], 6)} if centre else None,
            "radius_m": round(radius, 1) if radius is not None else None,
            "members": [{"incident_id": m.id, "at": iso(m.at), "lat": m.lat, "lon": m.lon,
                         "precinct": m.precinct, "status": m.status, "priority": m.priority}
                        for m in shown],
            "omitted": len(ordered) - len(shown)}


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance (a series spans a few hundred metres: within 0.5 %)."""
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))






def _chunks(items: Sequence[WatchEntry], size: int) -> Iterable[Sequence[WatchEntry]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


__all__ = ["SynthesisIndex", "SynthesisReader", "SynthesisStore", "past_of", "person_of",
           "series_finding", "series_view"]
