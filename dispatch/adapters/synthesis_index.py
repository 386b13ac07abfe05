"""The synthesis index on Redis: written by the incident commit, read by the synthesis stage.

Nothing here is a second source of truth. :class:`SynthesisIndex` only *builds* the
commands that :class:`~dispatch.adapters.redis_store.RedisStore` runs inside the same Lua
commit as the incident's events, from the same folded state, so the index is exactly the
incidents the store holds (minus what retention removed). :class:`SynthesisReader` reads
it in two pipelined round trips; :class:`~dispatch.adapters.synthesis_store.SynthesisStore`
adds the premise notes, the watch list, the audit stream and the open missing-person
cases. Key layout: ``redis_keys.py``; rules: ``dispatch/synthesis/rules.py``.

The index and the reader sit apart from the store so that the incident store (which
keeps the index in its commit) and the simulator (which keeps it in memory) need no
Redis case store: ``redis_store`` → ``synthesis_index``, and ``synthesis_store`` →
``missing_store`` → ``redis_store`` → ``synthesis_index``, with no cycle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from dispatch.adapters.redis_keys import Keys
from dispatch.domain.events import Event, EventType, parse_iso
from dispatch.domain.incident import Incident
from dispatch.missing import (
    Case,
    MissingError,
    Sighting,
    describes_person,
    is_sighting_report,
    sighting_from_report,
)
from dispatch.synthesis.callers import caller_key
from dispatch.synthesis.errors import InvalidPhone
from dispatch.synthesis.model import (
    CaseRegister,
    History,
    Kind,
    PastIncident,
    PremiseNote,
    Subject,
    Synthesis,
    WatchEntry,
)
from dispatch.synthesis.plates import read_plates
from dispatch.synthesis.rules import Policy, synthesize, with_outcomes, with_series

if TYPE_CHECKING:
    from dispatch.settings import Settings

DAY_S = 86_400
BUCKET_S = 90 * DAY_S  # all-category place sets: one per 90 days of received time
WEEK_S = 7 * DAY_S  # per-category series sets: one per week
# Only a place known to within this radius is history: a report the geo stage could put
# only at a district's centre must not make that centre a hotspot.
PRECISE_RADIUS_M = 300.0  # a device fix of unknown accuracy counts as 300 m (geo)
NOTE_MAX_RADIUS_M = 500.0
GEO_COUNT = 500  # nearest hits per set: counts above it are "500+" (documented)
CALLER_NEWEST = 50  # a caller's newest reports read for categories (counts are exact)
AUDIT_MAXLEN = 1_000_000
SERIES_LIMIT = 200  # series listed at most (newest first)
_LOOKUP = resources.files("dispatch.adapters").joinpath("synthesis_lookup.lua").read_text(
    encoding="utf-8")


def past_of(state: Incident) -> PastIncident:
    """The synthesis projection of an incident (what the index keeps; no text, no caller)."""
    loc = state.location or {}
    return PastIncident(id=state.id, at=state.received_at, category=state.category,
                        priority=state.priority, flags=state.flags, status=state.status.value,
                        disposition=state.disposition, lat=loc.get("lat"), lon=loc.get("lon"),
                        precinct=state.precinct)


def series_finding(synthesized: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The series finding of the last ``incident.synthesized`` payload, if it has one."""
    last = list(synthesized)[-1:]
    return next((f for s in last for f in s.get("findings", ()) if f.get("kind") == "series"),
                None)


def _point(state: Incident | None) -> tuple[float, float] | None:
    return _precise(state.location if state is not None else None)


def _precise(location: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The point of a location known to within ``PRECISE_RADIUS_M``, else None."""
    loc = location or {}
    lat, lon, radius = loc.get("lat"), loc.get("lon"), loc.get("radius_m")
    if lat is None or lon is None or radius is None or float(radius) > PRECISE_RADIUS_M:
        return None
    return float(lat), float(lon)


# Index members carry what the rules count by, so that a lookup reads no records: the
# incident id, its category, its received time and a code per flag the rules read.
_FLAG_CODES = {"domestic_violence": "d", "weapon": "w", "injury": "i"}
_CODE_FLAGS = {v: k for k, v in _FLAG_CODES.items()}
_MERGED = "m"


def member_of(state: Incident) -> str:
    """The index member of an incident: ``id|category|received epoch s|codes``."""
    codes = "".join(c for f, c in _FLAG_CODES.items() if f in state.flags)
    if state.status.value == "merged":
        codes += _MERGED
    return f"{state.id}|{state.category or ''}|{int(state.received_at.timestamp())}|{codes}"


def past_from_member(member: str, distance_m: float | None = None) -> PastIncident:
    """What an index member says of an incident (no status but ``merged``)."""
    incident_id, category, ts, codes = member.split("|")
    return PastIncident(id=incident_id, at=datetime.fromtimestamp(int(ts), UTC),
                        category=category or None, priority=None,
                        flags=tuple(_CODE_FLAGS[c] for c in codes if c in _CODE_FLAGS),
                        status="merged" if _MERGED in codes else None, distance_m=distance_m)


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

    def ops(self, state: Incident, previous: Incident | None,
            events: Sequence[Event] = ()) -> list[list[object]]:
        """The commands that keep the index equal to ``state`` (after ``previous``), and
        the series links of the commit's ``incident.synthesized`` among ``events``."""
        k, out = self.keys, []
        received = state.received_at.timestamp()
        expires = int(received + self.retention_s)
        record = past_of(state)
        if previous is None or past_of(previous) != record:
            out.append(["SET", k.record(state.id), json.dumps(record.to_record(), ensure_ascii=False),
                        "PXAT", expires * 1000])
        member = member_of(state)
        old = member_of(previous) if previous is not None else None
        if member != old:
            out += self._caller_ops(state, previous, member, old, received, expires)
        out += self._place_ops(state, previous, member, old, received)
        out += self._series_ops(state, events)
        return out

    def _series_ops(self, state: Incident, events: Sequence[Event]) -> list[list[object]]:
        """Link the incident and the earlier members its series finding cites to the
        finding's series (a member keeps the first series that named it), and keep the
        series in the list of series by its newest member's time. Retention: as records."""
        found = series_finding([e.data for e in events if e.type is EventType.SYNTHESIZED])
        if found is None:
            return []
        k = self.keys
        series_id, category = str(found["detail"]["series_id"]), str(found["detail"]["category"])
        members = [(state.id, state.received_at.timestamp())] + [
            (str(e["incident_id"]), parse_iso(e["at"]).timestamp()) for e in found["evidence"]]
        newest = max(at for _, at in members)
        out: list[list[object]] = [
            ["ZADD", k.series(series_id), *[x for i, at in members for x in (at, i)]],
            ["EXPIREAT", k.series(series_id), int(newest + self.retention_s), "NX"],
            ["EXPIREAT", k.series(series_id), int(newest + self.retention_s), "GT"]]
        out += [["SET", k.series_of(i), series_id, "PXAT", int(at + self.retention_s) * 1000, "NX"]
                for i, at in members]
        out += [["ZADD", k.series_active, "GT", newest, f"{series_id}|{category}"],
                ["ZREMRANGEBYSCORE", k.series_active, "-inf", f"({newest - self.retention_s}"],
                ["EXPIREAT", k.series_active, int(newest + self.retention_s), "NX"],
                ["EXPIREAT", k.series_active, int(newest + self.retention_s), "GT"]]
        return out

    def _caller_ops(self, state: Incident, previous: Incident | None, member: str,
                    old: str | None, received: float, expires: int) -> list[list[object]]:
        hashed = self.caller_hash((state.caller or {}).get("phone"))
        if not hashed:
            return []
        out: list[list[object]] = []
        for key, wanted, had in (
                (self.keys.caller(hashed), True, old is not None),
                (self.keys.caller_dv(hashed), "domestic_violence" in state.flags,
                 previous is not None and "domestic_violence" in previous.flags)):
            if had:
                out.append(["ZREM", key, old])
            if wanted:
                # Retention: entries older than the window go on every write, and a caller
                # who never calls again disappears with the key's expiry.
                out += [["ZADD", key, received, member],
                        ["ZREMRANGEBYSCORE", key, "-inf", f"({received - self.retention_s}"],
                        ["EXPIREAT", key, expires, "NX"], ["EXPIREAT", key, expires, "GT"]]
        return out

    def _place_ops(self, state: Incident, previous: Incident | None, member: str,
                   old: str | None, received: float) -> list[list[object]]:
        k, out = self.keys, list[list[object]]()
        point, was = _point(state), _point(previous)
        bucket, week = int(received // BUCKET_S), int(received // WEEK_S)
        if was is not None and previous is not None and (point is None or member != old):
            out.append(["ZREM", k.place(bucket), old])
            if previous.category:
                out.append(["ZREM", k.place(week, previous.category), old])
        if point is not None and (point != was or member != old):
            lat, lon = point
            out += [["GEOADD", k.place(bucket), lon, lat, member],
                    ["EXPIREAT", k.place(bucket), int((bucket + 1) * BUCKET_S + self.retention_s)]]
            if state.category:
                series_s = self.policy.series_days * DAY_S
                out += [["GEOADD", k.place(week, state.category), lon, lat, member],
                        ["EXPIREAT", k.place(week, state.category),
                         int((week + 1) * WEEK_S + series_s)]]
        return out


def person_of(incident_id: str | None, seen: datetime, triage: Mapping[str, Any],
              location: Mapping[str, Any], text: str) -> Sighting | None:
    """The person a triaged report describes, as the missing-person reactor reads it
    (``sighting_from_report``), for the reports the reactor compares with the open cases:
    a sighting, a ``missing_person`` report, or any report whose extracted facts describe
    a person. None otherwise, or when the description is impossible."""
    extracted = triage.get("extracted")
    category = str(triage.get("category") or "")
    flags = tuple(triage.get("flags") or ())
    if not (is_sighting_report(category, flags, extracted) or category == "missing_person"
            or describes_person(extracted)):
        return None
    try:
        return sighting_from_report(
            incident_id=incident_id or "", at=seen, extracted=extracted,
            lat=location.get("lat"), lon=location.get("lon"), precinct=location.get("precinct"),
            text=text, radius_m=location.get("radius_m"))
    except MissingError:
        return None


class SynthesisReader:
    """The synthesis stage over an index: the subject, the lookup, the rules, the outcomes.

    What the lookup runs on is left to a subclass: :class:`SynthesisStore` runs
    ``synthesis_lookup.lua`` on Redis; the simulator runs the same lookup over an index it
    keeps in memory from the same commands (``simulators.whatif.synthesis_index``).

    Args:
        keys: the key layout (the lookup names its sets by it).
        index: the index settings (caller key, policy) the commits use.

    Attributes:
        cases_key: the missing-person register's generation counter, read by the lookup
            when a report describes a person (None: no register, no ``missing_person``
            finding); :meth:`_open_cases` gives the cases when the counter moved.
    """

    cases_key: str | None = None

    def __init__(self, keys: Keys, index: SynthesisIndex) -> None:
        self.keys = keys
        self.index = index
        self._register: tuple[str, CaseRegister] | None = None

    def _run_lookup(self, spec: Mapping[str, Any]) -> Mapping[str, Any]:
        """Run one lookup (see ``synthesis_lookup.lua`` for ``spec`` and the reply)."""
        raise NotImplementedError

    def _records(self, keys: Sequence[str]) -> list[str | None]:
        """The stored records (JSON) under ``keys``, None where there is none."""
        raise NotImplementedError

    def _open_cases(self) -> Iterable[Case]:
        """The missing-person cases not closed (read only when ``cases_key`` moved)."""
        return ()

    def _cases(self, generation: str) -> CaseRegister:
        """The register's index, rebuilt only when its generation counter moved (as the
        missing-person reactor does): a report pays for the match, not for the build."""
        if self._register is None or self._register[0] != generation:
            self._register = (generation, CaseRegister.of(self._open_cases()))
        return self._register[1]

    @property
    def policy(self) -> Policy:
        return self.index.policy

    # -- the stage ---------------------------------------------------------------------

    def subject(self, incident_id: str | None, at: datetime, triage: Mapping[str, Any],
                location: Mapping[str, Any], phone: object, text: str,
                seen: datetime | None = None) -> Subject:
        """The report as the rules see it (the phone only as its keyed hash).

        Args:
            seen: when the person the report describes was seen
                (``dispatch.missing.seen_at``); the receipt time when not given.
        """
        precise = _precise(location)
        return Subject(incident_id=incident_id, at=at, category=triage.get("category"),
                       priority=triage.get("priority"), flags=tuple(triage.get("flags") or ()),
                       lat=precise[0] if precise else None, lon=precise[1] if precise else None,
                       caller_key=self.index.caller_hash(phone), text=text,
                       sighting=person_of(incident_id, seen or at, triage, location, text))

    def synthesize(self, subject: Subject) -> Synthesis:
        """Look the subject's history up, run the rules, add the cited incidents' outcomes.

        Two round trips: one script over the indexes (``synthesis_lookup.lua``), then the
        records of the incidents the findings cite, for their current outcome."""
        result = synthesize(subject, self.history(subject), self.policy)
        ids = sorted(result.evidence_ids())
        if not ids:
            return result
        found = next((f for f in result.findings if f.kind is Kind.SERIES), None)
        cited = [str(e["incident_id"]) for e in found.evidence] if found else []
        raw = self._records([self.keys.record(i) for i in ids]
                            + [self.keys.series_of(i) for i in cited])
        records = {i: PastIncident.from_record(json.loads(r)) for i, r in zip(ids, raw) if r}
        links = dict(zip(cited, raw[len(ids):]))
        return with_series(with_outcomes(result, records), links)

    def history(self, subject: Subject) -> History:
        """Everything the index holds that may bear on the subject (one round trip)."""
        p, k = self.policy, self.keys
        now = subject.at.timestamp()
        dv = "domestic_violence" in subject.flags
        spec: dict[str, Any] = {"geo": []}
        # The caller's counts by window, the whole retention last (the total).
        windows = sorted({d for d in (30, 90, p.repeat_days) if d < p.caller_days}) + [p.caller_days]
        if subject.caller_key:
            spec["caller"] = [k.caller(subject.caller_key), now - p.caller_days * DAY_S, now,
                              CALLER_NEWEST, k.caller_dv(subject.caller_key) if dv else "",
                              now - min(p.dv_days, p.caller_days) * DAY_S,
                              [now - d * DAY_S for d in windows]]
        if subject.lat is not None and subject.lon is not None:
            spec["geo"] = [[key, subject.lon, subject.lat, radius, count]
                           for key, radius, count in self._place_searches(subject, now, dv)]
            spec["notes"] = [k.notes_geo, k.notes, subject.lon, subject.lat, NOTE_MAX_RADIUS_M,
                             GEO_COUNT]
        plates = [r.plate for r in read_plates(subject.text) if not r.partial]
        if plates:
            spec["watch"] = [k.watch, *plates]
        if subject.sighting is not None and self.cases_key is not None:
            spec["missing"] = self.cases_key
        got = self._run_lookup(spec)
        calls = _strings(got.get("calls"))
        counts = self._caller_counts(subject, calls, windows,
                                     [int(n) for n in _lists(got.get("counts"))])
        nearby: dict[str, PastIncident] = {}
        for flat in map(_lists, _lists(got.get("geo"))):
            for member, dist in zip(flat[::2], flat[1::2]):
                past = past_from_member(member, float(dist))
                nearby.setdefault(past.id, past)
        notes = tuple(PremiseNote.from_dict(json.loads(raw), float(dist))
                      for _, dist, raw in _lists(got.get("notes")))
        watch = {plate: WatchEntry.from_dict(json.loads(raw))
                 for plate, raw in zip(plates, _lists(got.get("watch"))) if raw}
        cases = self._cases(str(got.get("missing") or "0")) if "missing" in spec else None
        return History(caller=tuple(past_from_member(m) for m in calls),
                       nearby=tuple(nearby.values()), notes=notes, watch=watch,
                       caller_counts=counts,
                       caller_dv=tuple(past_from_member(m) for m in _strings(got.get("dv"))),
                       cases=cases)

    @staticmethod
    def _caller_counts(subject: Subject, calls: list[str], windows: list[int],
                       counts: list[int]) -> dict[int, int]:
        """Exact counts of the caller's earlier reports by window (days → count), for a
        caller with more reports than were read; otherwise the rules count them."""
        if not counts or counts[-1] <= len(calls):
            return {}
        mine = 1 if subject.incident_id and any(
            c.startswith(f"{subject.incident_id}|") for c in calls) else 0
        return {days: int(n) - mine for days, n in zip(windows, counts)}

    def _place_searches(self, subject: Subject, now: float,
                        dv: bool) -> list[tuple[str, float, int]]:
        """(set, radius, count) of the GEO searches the rules need for this subject."""
        p, k = self.policy, self.keys

        def buckets(days: int, size: int) -> range:
            return range(int((now - days * DAY_S) // size), int(now // size) + 1)

        out = [(k.place(b), p.place_radius_m, GEO_COUNT)
               for b in buckets(min(max(p.place_days), p.caller_days), BUCKET_S)]
        if dv:  # the same address, over a year: few hits at 30 m
            out += [(k.place(b), p.dv_address_radius_m, GEO_COUNT)
                    for b in buckets(min(p.dv_days, p.caller_days), BUCKET_S)]
        if subject.category in p.series_categories:
            out += [(k.place(w, subject.category), p.series_radius_m, GEO_COUNT)
                    for w in buckets(p.series_days, WEEK_S)]
        return out

    @staticmethod
    def _near(pipe: Any, key: str, subject: Subject, radius_m: float, count: int) -> None:
        pipe.geosearch(key, longitude=subject.lon, latitude=subject.lat, radius=radius_m,
                       unit="m", sort="ASC", count=count, withdist=True)

def _lists(value: Any) -> list[Any]:
    """A JSON array from Lua's cjson, which writes an empty table as ``{}``."""
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [str(v) for v in _lists(value)]
