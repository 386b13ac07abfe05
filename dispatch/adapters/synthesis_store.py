"""The synthesis index on Redis: written by the incident commit, read by the synthesis stage.

Nothing here is a second source of truth. :class:`SynthesisIndex` only *builds* the
commands that :class:`~dispatch.adapters.redis_store.RedisStore` runs inside the same Lua
commit as the incident's events, from the same folded state, so the index is exactly the
incidents the store holds (minus what retention removed). :class:`SynthesisStore` reads
it in two pipelined round trips and keeps the premise notes, the watch list and the
audit stream. Key layout: ``redis_keys.py``; rules: ``dispatch/synthesis/rules.py``.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from dispatch.adapters import replies
from dispatch.adapters.redis_keys import Keys
from dispatch.domain.events import iso
from dispatch.domain.incident import Incident
from dispatch.synthesis.callers import caller_key
from dispatch.synthesis.errors import InvalidPhone
from dispatch.synthesis.model import (
    History,
    PastIncident,
    PremiseNote,
    Subject,
    Synthesis,
    WatchEntry,
)
from dispatch.synthesis.plates import read_plates
from dispatch.synthesis.rules import Policy, synthesize

if TYPE_CHECKING:
    from dispatch.adapters.redis_store import RedisStore
    from dispatch.settings import Settings

DAY_S = 86_400
BUCKET_S = 30 * DAY_S  # all-category place sets: one per 30 days of received time
WEEK_S = 7 * DAY_S  # per-category series sets: one per week
# Only a place known to within this radius is history: a report the geo stage could put
# only at a district's centre must not make that centre a hotspot.
PRECISE_RADIUS_M = 250.0
NOTE_MAX_RADIUS_M = 500.0
GEO_COUNT = 200  # nearest hits per set; more than any rule needs at 100 m / 500 m
AUDIT_MAXLEN = 1_000_000


def past_of(state: Incident) -> PastIncident:
    """The synthesis projection of an incident (what the index keeps; no text, no caller)."""
    loc = state.location or {}
    return PastIncident(id=state.id, at=state.received_at, category=state.category,
                        priority=state.priority, flags=state.flags, status=state.status.value,
                        disposition=state.disposition, lat=loc.get("lat"), lon=loc.get("lon"),
                        precinct=state.precinct)


def _point(state: Incident | None) -> tuple[float, float] | None:
    return _precise(state.location if state is not None else None)


def _precise(location: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The point of a location known to within ``PRECISE_RADIUS_M``, else None."""
    loc = location or {}
    lat, lon, radius = loc.get("lat"), loc.get("lon"), loc.get("radius_m")
    if lat is None or lon is None or radius is None or float(radius) > PRECISE_RADIUS_M:
        return None
    return float(lat), float(lon)


class SynthesisIndex:
    """Builds the index commands of one incident commit (holds no client).

    Args:
        keys: the key layout.
        caller_secret: the HMAC key for caller numbers; without one no caller is indexed.
        policy: the thresholds (``caller_days`` is the retention of everything here).
    """

    def __init__(self, keys: Keys, caller_secret: str | None = None,
                 policy: Policy | None = None) -> None:
        self.keys = keys
        self.secret = caller_secret
        self.policy = policy or Policy()

    @classmethod
    def from_settings(cls, keys: Keys, settings: Settings) -> SynthesisIndex:
        """The index every process of one deployment must build alike."""
        return cls(keys, settings.caller_hash_key.value, settings.synthesis)

    @property
    def retention_s(self) -> int:
        return self.policy.caller_days * DAY_S

    def caller_hash(self, phone: object) -> str | None:
        """The caller key of a number, or None (no key configured, no number, malformed)."""
        if not self.secret or not isinstance(phone, str) or not phone:
            return None
        try:
            return caller_key(self.secret, phone)
        except InvalidPhone:
            return None

    def ops(self, state: Incident, previous: Incident | None) -> list[list[object]]:
        """The commands that keep the index equal to ``state`` (after ``previous``)."""
        k, out = self.keys, []
        received = state.received_at.timestamp()
        expires = received + self.retention_s
        record = past_of(state)
        if previous is None or past_of(previous) != record:
            out.append(["SET", k.record(state.id), json.dumps(record.to_record(), ensure_ascii=False),
                        "PXAT", int(expires * 1000)])
        if previous is None:
            hashed = self.caller_hash((state.caller or {}).get("phone"))
            if hashed:
                key = k.caller(hashed)
                # Retention: entries older than the window go on every write, and a caller
                # who never calls again disappears with the key's expiry.
                out += [["ZADD", key, received, state.id],
                        ["ZREMRANGEBYSCORE", key, "-inf", f"({received - self.retention_s}"],
                        ["EXPIREAT", key, int(expires), "NX"],
                        ["EXPIREAT", key, int(expires), "GT"]]
        point, was = _point(state), _point(previous)
        recategorised = previous is not None and previous.category != state.category
        bucket, week = int(received // BUCKET_S), int(received // WEEK_S)
        if was is not None and (point is None or recategorised) and previous is not None \
                and previous.category:
            out.append(["ZREM", k.place(week, previous.category), state.id])
        if was is not None and point is None:
            out.append(["ZREM", k.place(bucket), state.id])
        if point is not None and (point != was or recategorised):
            lat, lon = point
            out += [["GEOADD", k.place(bucket), lon, lat, state.id],
                    ["EXPIREAT", k.place(bucket), int((bucket + 1) * BUCKET_S + self.retention_s)]]
            if state.category:
                series_s = self.policy.series_days * DAY_S
                out += [["GEOADD", k.place(week, state.category), lon, lat, state.id],
                        ["EXPIREAT", k.place(week, state.category),
                         int((week + 1) * WEEK_S + series_s)]]
        return out


class SynthesisStore:
    """Reads the index, keeps premise notes and the watch list, writes the audit stream.

    Args:
        store: the incident store (its client, its keys, its index settings and its
            atomic commit).
    """

    def __init__(self, store: RedisStore) -> None:
        self.store = store
        self.r = store.r
        self.keys = store.keys
        self.index = store.synthesis

    @property
    def policy(self) -> Policy:
        return self.index.policy

    # -- the stage ---------------------------------------------------------------------

    def subject(self, incident_id: str | None, at: datetime, triage: Mapping[str, Any],
                location: Mapping[str, Any], phone: object, text: str) -> Subject:
        """The report as the rules see it (the phone only as its keyed hash)."""
        precise = _precise(location)
        return Subject(incident_id=incident_id, at=at, category=triage.get("category"),
                       priority=triage.get("priority"), flags=tuple(triage.get("flags") or ()),
                       lat=precise[0] if precise else None, lon=precise[1] if precise else None,
                       caller_key=self.index.caller_hash(phone), text=text)

    def synthesize(self, subject: Subject) -> Synthesis:
        """Look the subject's history up and run the rules."""
        return synthesize(subject, self.history(subject), self.policy)

    def history(self, subject: Subject) -> History:
        """Everything the index holds that may bear on the subject (two round trips)."""
        p, k = self.policy, self.keys
        now = subject.at.timestamp()
        days = min(p.lookup_days, p.caller_days)
        pipe = self.r.pipeline(transaction=False)
        if subject.caller_key:
            pipe.zrangebyscore(k.caller(subject.caller_key), now - p.caller_days * DAY_S, now)
        searches: list[float] = []
        if subject.lat is not None and subject.lon is not None:
            place_r = max(p.place_radius_m, p.dv_address_radius_m)
            for b in range(int((now - days * DAY_S) // BUCKET_S), int(now // BUCKET_S) + 1):
                self._near(pipe, k.place(b), subject, place_r)
                searches.append(place_r)
            if subject.category in p.series_categories:
                for w in range(int((now - p.series_days * DAY_S) // WEEK_S), int(now // WEEK_S) + 1):
                    self._near(pipe, k.place(w, subject.category), subject, p.series_radius_m)
            self._near(pipe, k.notes_geo, subject, NOTE_MAX_RADIUS_M)
        plates = [r.plate for r in read_plates(subject.text) if not r.partial]
        if plates:
            pipe.hmget(k.watch, plates)
        replies_ = list(pipe.execute())
        caller_ids = replies.strings(replies_.pop(0)) if subject.caller_key else []
        watch_raw = replies_.pop() if plates else []
        notes_hits: list[tuple[str, float]] = []
        distances: dict[str, float] = {}
        if subject.lat is not None:
            notes_hits = [(str(m), float(d)) for m, d in replies_.pop()]
            for hits in replies_:
                for member, dist in hits:
                    distances[str(member)] = min(float(dist), distances.get(str(member), 1e12))
        ids = list(dict.fromkeys([*caller_ids, *distances]))
        pipe = self.r.pipeline(transaction=False)
        pipe.mget([k.record(i) for i in ids] if ids else [k.record("-")])
        pipe.hmget(k.notes, [n for n, _ in notes_hits] or ["-"])
        records, notes_raw = pipe.execute()
        past = {i: PastIncident.from_record(json.loads(raw)) for i, raw in zip(ids, records) if raw}
        note_dist = dict(notes_hits)
        notes = tuple(PremiseNote.from_dict(d, note_dist[d["id"]])
                      for d in (json.loads(raw) for raw in notes_raw if raw))
        watch = {plate: WatchEntry.from_dict(json.loads(raw))
                 for plate, raw in zip(plates, watch_raw) if raw}
        return History(caller=tuple(past[i] for i in caller_ids if i in past),
                       nearby=tuple(replace(past[i], distance_m=d)
                                    for i, d in distances.items() if i in past),
                       notes=notes, watch=watch)

    @staticmethod
    def _near(pipe: Any, key: str, subject: Subject, radius_m: float) -> None:
        pipe.geosearch(key, longitude=subject.lon, latitude=subject.lat, radius=radius_m,
                       unit="m", sort="ASC", count=GEO_COUNT, withdist=True)

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


def _chunks(items: Sequence[WatchEntry], size: int) -> Iterable[Sequence[WatchEntry]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


__all__ = ["SynthesisIndex", "SynthesisStore", "past_of"]
