"""The incident store on Redis: events appended to streams, projections kept beside them.

Every write is one guarded Lua script (``commit.lua``): the incident's events, its new
projection, its feed entries, its deadlines, its indexes and, for the pipeline, the XACK
of the report that caused them either all happen or none do. A retried job therefore
cannot assign twice, and a crash between two writes cannot leave half an incident.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any, cast

import redis

from dispatch.adapters import redis_metrics, replies
from dispatch.adapters.redis_conn import NotReplicated, replicas_of
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.synthesis_index import SynthesisIndex
from dispatch.domain import incident as inc
from dispatch.domain.errors import Conflict, SourceReused, UnknownIncident
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import CloseDeadline, Incident, OpenDeadline, Publish
from dispatch.settings import Settings

log = logging.getLogger("dispatch.store")

ALONE_RECHECK_S = 1.0  # a primary without replicas: how long before WAIT is tried again
FEED_MAXLEN = 500_000  # per feed: weeks of a city's events; trimmed approximately
EVENTS_MAXLEN = 2_000_000  # the global events stream that reactors follow
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_SCRIPT = resources.files("dispatch.adapters").joinpath("commit.lua").read_text(encoding="utf-8")


def new_incident_id(now: datetime) -> str:
    """A sortable, human-readable id: the UTC date and 8 random base-32 characters."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    tail = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{now.strftime('%Y%m%d')}-{tail}"


@dataclass
class _Batch:
    """The guards and commands of one atomic commit."""

    guards: list[list[str]] = field(default_factory=list)
    ops: list[list[str]] = field(default_factory=list)

    def op(self, *args: object) -> int:
        self.ops.append([str(a) for a in args])
        return len(self.ops)  # 1-based index into the script's results after "ok"


class RedisStore:
    """Incidents, timelines, feeds and deadlines on one Redis (sync client).

    Args:
        client: a ``redis.Redis`` built with ``decode_responses=True``.
        keys: the key layout (namespace).
        synthesis: the synthesis index every commit keeps (its caller key and retention);
            by default one without a caller key, so that no caller is indexed.
    """

    def __init__(self, client: redis.Redis, keys: Keys | None = None,
                 synthesis: SynthesisIndex | None = None, *, replicas: int = 0,
                 wait_ms: int = 500, replica_required: bool = False) -> None:
        self.r = client
        self.keys = keys or Keys()
        self.synthesis = synthesis or SynthesisIndex(self.keys)
        self._commit = client.register_script(_SCRIPT)
        # With replicas (Sentinel deployments), a write counts as done only when that many
        # replicas hold it (WAIT): a promotion after the primary dies keeps it.
        self.replicas = replicas
        self.wait_ms = wait_ms
        self.replica_required = replica_required
        self._alone_until = 0.0

    @classmethod
    def from_settings(cls, client: redis.Redis, cfg: Settings,
                      namespace: str | None = None) -> RedisStore:
        """The store every process uses: the configured namespace, synthesis index and
        replication requirement (``REDIS_WAIT_REPLICAS``, ``REDIS_WAIT_MS``,
        ``REDIS_REPLICA_REQUIRED``)."""
        keys = Keys(namespace or cfg.namespace)
        return cls(client, keys, SynthesisIndex.from_settings(keys, cfg),
                   replicas=cfg.replicas_wait, wait_ms=cfg.replicas_wait_ms,
                   replica_required=cfg.replica_required)

    # -- writing ---------------------------------------------------------------------------

    def _run(self, batch: _Batch) -> list[Any]:
        result = list(self._commit(args=[json.dumps({"guards": batch.guards, "ops": batch.ops},
                                                     ensure_ascii=False)]))
        if self.replicas and result and result[0] == "ok":
            self.replicated()
        return result

    def replicated(self) -> None:
        """Wait until ``replicas`` replicas hold every write so far (``WAIT``).

        A primary with no replica online (its only replica was just promoted and the old
        primary has not come back yet, or is still taking its full sync) keeps taking
        writes on its own AOF
        unless ``replica_required``: a 110 centre must not stop taking reports because
        its standby is in use. ``/healthz`` and ``dispatch_redis_connected_replicas`` say
        so while it lasts; the alone state is re-checked every ``ALONE_RECHECK_S``.

        Raises:
            NotReplicated: a replica is connected (or one is required) but fewer than
                ``replicas`` acknowledged within ``wait_ms``: the write is on the primary
                but could be lost with it; the caller is told to retry (intake stays
                idempotent by ``source_id``).
        """
        if not self.replica_required and time.monotonic() < self._alone_until:
            return
        got = int(self.r.wait(self.replicas, self.wait_ms))
        if got >= self.replicas:
            return
        if not self.replica_required and got == 0 and not self._online_replicas():
            if self._alone_until == 0.0 or time.monotonic() > self._alone_until + 60:
                log.warning("no replica connected: writes are on the primary alone")
            self._alone_until = time.monotonic() + ALONE_RECHECK_S
            return
        raise NotReplicated(f"{got} of {self.replicas} replicas acknowledged within "
                            f"{self.wait_ms} ms")

    def _online_replicas(self) -> int:
        """Replicas that are streaming (not still taking a full sync)."""
        return sum(1 for r in replicas_of(self.r.info("replication")) if r["state"] == "online")

    def write(self, ops: Iterable[Sequence[object]],
              guards: Iterable[Sequence[str]] = ()) -> list[Any]:
        """Run ``ops`` in one transaction (the guards of ``commit.lua`` first).

        Returns:
            Each command's result, in order.

        Raises:
            Conflict: a guard failed; nothing was written.
        """
        batch = _Batch(guards=[list(g) for g in guards])
        for op in ops:
            batch.op(*op)
        result = self._run(batch)
        if result[0] != "ok":
            raise Conflict(f"write refused ({result[0]})")
        return result[1:]

    def intake(self, report: Mapping[str, Any], now: datetime) -> tuple[str, datetime, bool]:
        """Durably append a new report and open its incident.

        Returns:
            ``(incident_id, received_at, created)``; ``created`` is False when the report's
            ``source_id`` was seen before, in which case the earlier incident is returned and
            nothing is written.
        """
        source_id = report.get("source_id")
        # Idempotency keys are scoped by channel (a forum post id and a call-taker's
        # record number may coincide); the key remembers the report's fingerprint so that
        # a different report under a used key is refused instead of swallowed.
        key = self.keys.idem(f"{report['channel']}:{source_id}") if source_id else None
        fingerprint = _fingerprint(report)
        while True:
            incident_id = new_incident_id(now)
            event = Event(EventType.REPORT_RECEIVED, incident_id, now, data=dict(report))
            state, _ = inc.create(event)
            batch = _Batch()
            batch.guards.append(["version", self.keys.incident(incident_id), "0"])
            if key:
                batch.guards.append(["idem", key])
                batch.op("SET", key, f"{incident_id}|{fingerprint}")
            batch.op("XADD", self.keys.reports, "*", "incident_id", incident_id)
            # report.received is on the timeline and the events stream; consoles hear of
            # the incident when it is assigned (a few ms later), with everything known.
            self._append(batch, None, [(event, state, ())])
            batch.op("HINCRBY", self.keys.metrics, f"reports_received|{report['channel']}", 1)
            result = self._run(batch)
            if result[0] == "exists":
                first, _, seen = str(result[1]).partition("|")
                if seen and seen != fingerprint:
                    raise SourceReused(str(source_id), first)
                if self.replicas:
                    self.replicated()  # a repeat is a 200 only once the first is replicated
                existing = self.load(first)
                return existing.id, existing.received_at, False
            if result[0] == "ok":
                return incident_id, now, True
            # "conflict": the random id collided with an existing incident; draw again.

    def commit(self, before: Incident, events: Sequence[Event], *,
               ack_report: str | None = None, group: str | None = None,
               require_deadline: str | None = None, drop_deadline: str | None = None,
               extra_ops: Iterable[Sequence[object]] = (),
               extra_guards: Iterable[Sequence[str]] = ()) -> Incident:
        """Append ``events`` to the incident, atomically, if nobody changed it since ``before``.

        Args:
            before: the state the events were decided on.
            events: the events, in order.
            ack_report: a ``reports`` stream entry to XACK in the same transaction.
            group: the consumer group ``ack_report`` belongs to.
            require_deadline: commit only if this deadline key is still pending (the
                scheduler uses it so that two schedulers never both escalate).
            drop_deadline: a deadline key to remove in the same transaction (done with).
            extra_ops: further Redis commands to run in the same transaction.
            extra_guards: further guards (see ``commit.lua``), e.g. a unit's version.

        Returns:
            The incident after the events.

        Raises:
            Conflict: the incident changed since ``before`` (or the deadline was taken).
            InvalidTransition: an event is not allowed in the incident's status.
        """
        return self.commit_many([(before, events)], ack_report=ack_report, group=group,
                                require_deadline=require_deadline,
                                drop_deadline=drop_deadline, extra_ops=extra_ops,
                                extra_guards=extra_guards)[0]

    def commit_many(self, changes: Sequence[tuple[Incident, Sequence[Event]]], *,
                    ack_report: str | None = None, group: str | None = None,
                    require_deadline: str | None = None, drop_deadline: str | None = None,
                    extra_ops: Iterable[Sequence[object]] = (),
                    extra_guards: Iterable[Sequence[str]] = ()) -> list[Incident]:
        """Like :meth:`commit` for several incidents in one transaction (a merge)."""
        batch = _Batch()
        batch.guards.extend([list(g) for g in extra_guards])
        if require_deadline:
            batch.guards.append(["zmember", self.keys.deadlines, require_deadline])
        after = []
        for before, events in changes:
            batch.guards.append(["version", self.keys.incident(before.id), str(before.version)])
            state = before
            steps = []
            for event in events:
                state, effects = inc.apply(state, event)
                steps.append((event, state, effects))
            self._append(batch, before, steps)
            after.append(state)
        for op in extra_ops:
            batch.op(*op)
        if drop_deadline:
            batch.op("ZREM", self.keys.deadlines, drop_deadline)
        if ack_report and group:
            batch.op("XACK", self.keys.reports, group, ack_report)
        result = self._run(batch)
        if result[0] != "ok":
            ids = ", ".join(b.id for b, _ in changes)
            raise Conflict(f"incident {ids} changed concurrently ({result[0]})")
        return after

    def _append(self, batch: _Batch, before: Incident | None,
                steps: Sequence[tuple[Event, Incident, Iterable[inc.Effect]]]) -> None:
        """Queue the writes of one incident's events (already folded into ``steps``).

        Every event goes to the incident's timeline and to the global ``events`` stream
        (what reactors follow). Console feeds get one entry per commit: the last event,
        with the incident summary, on every feed any of the events named. The projection
        and the indexes are written once, from the final state.
        """
        k = self.keys
        feeds: dict[str, None] = {}
        state = before
        prior = before
        for event, state, effects in steps:
            flat = [x for pair in event.to_fields().items() for x in pair]
            batch.op("XADD", k.timeline(state.id), "*", *flat)
            summary = json.dumps(summarize(state), ensure_ascii=False)
            batch.op("XADD", k.events, "MAXLEN", "~", EVENTS_MAXLEN, "*", *flat,
                     "incident", summary)
            for effect in effects:
                if isinstance(effect, Publish):
                    feeds[effect.feed] = None
                elif isinstance(effect, OpenDeadline):
                    batch.op("ZADD", k.deadlines, effect.due.timestamp(), effect.key)
                elif isinstance(effect, CloseDeadline):
                    batch.op("ZREM", k.deadlines, effect.key)
            redis_metrics.observe_event(batch, k.metrics, event, state, prior)
            prior = state
            first_assignment = before is None or before.assigned_at is None
            if event.type is EventType.ASSIGNED and first_assignment:
                self._observe_latency(batch, (event.at - state.received_at).total_seconds())
            elif event.type is EventType.ESCALATED:
                batch.op("HINCRBY", k.metrics, "escalations", 1)
        assert state is not None
        batch.op("HSET", k.incident(state.id), "state",
                 json.dumps(state.to_dict(), ensure_ascii=False), "version", state.version)
        self._index(batch, state, before)
        self._geo_index(batch, state, before)
        for op in self.synthesis.ops(state, before, [event for event, _, _ in steps]):
            batch.op(*op)
        if feeds and steps:
            last = steps[-1][0]
            flat = [x for pair in last.to_fields().items() for x in pair]
            summary = json.dumps(summarize(state), ensure_ascii=False)
            for feed in feeds:
                batch.op("XADD", k.feed(feed), "MAXLEN", "~", FEED_MAXLEN, "*", *flat,
                         "incident", summary)

    def _index(self, batch: _Batch, state: Incident, previous: Incident | None) -> None:
        score = state.received_at.timestamp()
        # ``sp``: status|priority, so the metrics count open incidents by both in O(1).
        pairs = (("status", state.status.value), ("precinct", state.precinct),
                 ("category", state.category),
                 ("sp", f"{state.status.value}|{state.priority or 'none'}"))
        old = {} if previous is None else {
            "status": previous.status.value, "precinct": previous.precinct,
            "category": previous.category,
            "sp": f"{previous.status.value}|{previous.priority or 'none'}"}
        if previous is None:
            batch.op("ZADD", self.keys.index("all"), score, state.id)
        for name, value in pairs:
            if old.get(name) == value:
                continue
            if old.get(name):
                batch.op("ZREM", self.keys.index(name, str(old[name])), state.id)
            if value:
                batch.op("ZADD", self.keys.index(name, value), score, state.id)

    def _geo_index(self, batch: _Batch, state: Incident, previous: Incident | None) -> None:
        """Keep ``{ns}:geo:open`` = the located, open incidents (duplicate search)."""
        loc = state.location or {}
        point = (loc.get("lat"), loc.get("lon"))
        was = previous is not None and previous.is_open and bool((previous.location or {}).get("lat"))
        now_in = state.is_open and point[0] is not None and point[1] is not None
        if now_in and (not was or previous is None or previous.location != state.location):
            batch.op("GEOADD", self.keys.geo_open, point[1], point[0], state.id)
        elif was and not now_in:
            batch.op("ZREM", self.keys.geo_open, state.id)

    def open_near(self, lat: float, lon: float, radius_m: float,
                  limit: int = 12) -> list[tuple[Incident, float]]:
        """Open, located incidents within ``radius_m`` of a point with their distance in
        metres (Redis GEO: haversine, within 0.5 % of the geodesic at this range),
        nearest first."""
        found = cast(list[tuple[str, float]], self.r.geosearch(
            self.keys.geo_open, longitude=lon, latitude=lat, radius=radius_m, unit="m",
            sort="ASC", count=limit, withdist=True) or [])
        if not found:
            return []
        pipe = self.r.pipeline(transaction=False)
        for incident_id, _ in found:
            pipe.hget(self.keys.incident(incident_id), "state")
        return [(Incident.from_dict(json.loads(raw)), float(distance))
                for raw, (_, distance) in zip(pipe.execute(), found) if raw]

    def _observe_latency(self, batch: _Batch, seconds: float) -> None:
        m = self.keys.metrics
        for le in LATENCY_BUCKETS:
            if seconds <= le:
                batch.op("HINCRBY", m, f"latency_bucket|{le}", 1)
        batch.op("HINCRBY", m, "latency_count", 1)
        batch.op("HINCRBYFLOAT", m, "latency_sum", round(seconds, 6))

    # -- reading ---------------------------------------------------------------------------

    def load(self, incident_id: str) -> Incident:
        """The incident's current state.

        Raises:
            UnknownIncident: no incident has that id.
        """
        raw = self.r.hget(self.keys.incident(incident_id), "state")
        if raw is None:
            raise UnknownIncident(incident_id)
        return Incident.from_dict(json.loads(raw))

    def timeline(self, incident_id: str) -> list[dict[str, Any]]:
        """Every event of the incident, oldest first, as JSON-ready dicts."""
        return [feed_message(entry_id, fields) for entry_id, fields
                in replies.entries(self.r.xrange(self.keys.timeline(incident_id)))]

    def query(self, *, precinct: str | None = None, status: str | None = None,
             category: str | None = None, limit: int = 50) -> list[Incident]:
        """The newest incidents matching every given filter."""
        filters = [(n, v) for n, v in (("precinct", precinct), ("status", status),
                                       ("category", category)) if v]
        index = self.keys.index(*filters[0]) if filters else self.keys.index("all")
        found: list[Incident] = []
        start = 0
        page = max(limit * 2, 100)
        while len(found) < limit:
            ids = replies.strings(self.r.zrevrange(index, start, start + page - 1))
            if not ids:
                break
            start += page
            pipe = self.r.pipeline(transaction=False)
            for i in ids:
                pipe.hget(self.keys.incident(i), "state")
            for raw in pipe.execute():
                if raw is None:
                    continue
                item = Incident.from_dict(json.loads(raw))
                d = {"precinct": item.precinct, "status": item.status.value,
                     "category": item.category}
                if all(d[n] == v for n, v in filters):
                    found.append(item)
                    if len(found) >= limit:
                        break
        return found

    def received_between(self, start: datetime | None, end: datetime | None,
                         scan: int = 5000) -> list[Incident]:
        """Incidents received in ``[start, end]`` (either open), newest first, at most
        ``scan`` of them (the search filters these)."""
        high = end.timestamp() if end else "+inf"
        low = start.timestamp() if start else "-inf"
        ids = replies.strings(self.r.zrevrangebyscore(self.keys.index("all"), high, low,
                                                      start=0, num=scan))
        out: list[Incident] = []
        for chunk in range(0, len(ids), 500):
            pipe = self.r.pipeline(transaction=False)
            for i in ids[chunk:chunk + 500]:
                pipe.hget(self.keys.incident(i), "state")
            out.extend(Incident.from_dict(json.loads(raw)) for raw in pipe.execute()
                       if raw is not None)
        return out

    def due_deadlines(self, now: datetime, limit: int = 100) -> list[str]:
        """Deadline keys whose time has come."""
        return replies.strings(self.r.zrangebyscore(self.keys.deadlines, "-inf",
                                                    now.timestamp(), start=0, num=limit))

    def drop_deadline(self, key: str) -> None:
        """Forget a deadline that no longer applies."""
        self.r.zrem(self.keys.deadlines, key)

    def rearm_deadline(self, key: str, due: datetime) -> None:
        """Move a pending deadline to ``due`` (an acknowledgement clock not yet run out)."""
        self.r.zadd(self.keys.deadlines, {key: due.timestamp()})

    def open_deadlines(self) -> int:
        """How many deadlines are pending."""
        return int(self.r.zcard(self.keys.deadlines))


def _fingerprint(report: Mapping[str, Any]) -> str:
    """A digest of what the reporter said (not of who typed it in)."""
    said = {k: v for k, v in report.items() if k != "intake_actor"}
    return hashlib.sha256(json.dumps(said, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def summarize(state: Incident) -> dict[str, Any]:
    """What a console needs to show an incident without asking again."""
    location = state.location or {}
    return {
        "id": state.id, "status": state.status.value, "channel": state.channel,
        "text": state.text, "category": state.category, "priority": state.priority,
        "flags": list(state.flags), "precinct": state.precinct,
        "received_at": iso(state.received_at),
        "ack_due_at": iso(state.ack_due_at) if state.ack_due_at else None,
        "escalation_level": state.escalation_level,
        "needs_review": state.needs_review, "candidates": list(state.candidates),
        "life_risk": [r.get("kind") for r in state.life_risk],
        "marks": list(state.marks),
        "address": state.address,
        "callers": state.callers, "units": list(state.units), "merged_into": state.merged_into,
        "arrival_due_at": iso(state.arrival_due_at) if state.arrival_due_at else None,
        "location": {k: location.get(k) for k in (
            "lat", "lon", "radius_m", "district_name", "precinct", "precinct_name",
            "in_jurisdiction", "candidates") if k in location},
    }


def feed_message(entry_id: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """The JSON message a console receives for one stream entry."""
    message: dict[str, Any] = {
        "type": fields["type"],
        "event_id": entry_id,
        "at": fields["at"],
        "incident_id": fields.get("incident_id"),
        "actor": fields.get("actor"),
        "payload": json.loads(fields.get("data") or "{}"),
    }
    if "incident" in fields:
        message["incident"] = json.loads(fields["incident"])
    return message


__all__ = ["RedisStore", "feed_message", "iso", "new_incident_id"]
