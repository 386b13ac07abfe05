"""Missing-person cases on Redis: event streams, indexes, found-person records, effects.

=================================  ======  ==============================================
key                                type    holds
=================================  ======  ==============================================
``{ns}:mp:{case_id}``              stream  the case's events (``type``, ``at``, ``actor``,
                                           ``data`` = ``codec.event_to_dict``)
``{ns}:mp:{case_id}:state``        hash    ``version`` (events so far), ``status``,
                                           ``found_candidates`` (reverse matches, JSON)
``{ns}:mp:open`` / ``{ns}:mp:all`` zset    open / every case id by opening time
``{ns}:mp:found:{record_id}``      string  a found-person record (JSON)
``{ns}:mp:found``                  zset    found-person record ids by time found
``{ns}:mp:report:{incident_id}``   string  the case a report was opened as
``{ns}:mp:mark:{what}:{incident}`` string  one-off work done for an incident (proposed,
                                           sighted)
``{ns}:mp:gen``                    string  bumped whenever the open cases or the found
                                           records change (matchers rebuild their index)
=================================  ======  ==============================================

Every write is one call of the service's guarded Lua commit script (``commit.lua``): the
case's events, its state hash (version guard), its indexes, the feed entries and deadlines
its effects ask for and, when an effect touches an incident (a verification request), that
incident's ``incident.missing`` events under the incident's own version guard.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from importlib import resources
from typing import Any

from dispatch.adapters.redis_store import FEED_MAXLEN, RedisStore
from dispatch.domain.errors import Conflict, UnknownIncident
from dispatch.domain.events import Event, EventType, iso
from dispatch.domain.incident import COMMAND_FEED, Incident
from dispatch.missing import (
    AlertCommandConsole,
    Case,
    CaseEvent,
    CaseStatus,
    CloseDeadline,
    DispatchVerification,
    FileCriminalCase,
    FoundPerson,
    HandOffOutOfArea,
    MatchAgainstFound,
    NotifyOwner,
    NotifyPrecincts,
    OpenDeadline,
    apply,
    event_from_dict,
    event_to_dict,
    fold,
    match_case_against_found,
    parse_deadline_key,
)
from dispatch.missing.codec import decode, encode
from dispatch.missing.effects import WIDEN_DEADLINE
from dispatch.missing.person import describe_person

DEADLINE_KIND = "missing"  # scheduler keys are ``missing|{case_id}:{name}``
FOUND_KEEP = timedelta(days=30)  # found-person records that sightings are matched against
FOUND_LOOKBACK = timedelta(days=7)  # … and that a new case is matched against

_SCRIPT = resources.files("dispatch.adapters").joinpath("commit.lua").read_text(encoding="utf-8")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class UnknownCase(LookupError):
    """No missing-person case has that id (404 at the HTTP edge)."""


def new_id(prefix: str, now: datetime) -> str:
    """A readable id: ``MP-20261126-7K3QXF`` (UTC date and 6 random base-32 characters)."""
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(6))
    return f"{prefix}-{now.strftime('%Y%m%d')}-{tail}"


def scheduler_key(core_key: str) -> str:
    """``missing:{case}:{name}`` (the core's key) → ``missing|{case}:{name}`` (the set's)."""
    case_id, name = parse_deadline_key(core_key)
    return f"{DEADLINE_KIND}|{case_id}:{name}"


def core_key(subject: str) -> str:
    """The subject of a fired ``missing|…`` deadline → the core's key."""
    return f"{DEADLINE_KIND}:{subject}"


def case_summary(case: Case) -> dict[str, Any]:
    """What a console needs to show a case in a feed message without asking again."""
    risk = case.risk
    return {
        "id": case.id, "status": case.status.value, "opened_at": iso(case.opened_at),
        "grade": risk.grade.value if risk else None,
        "criminal_case": bool(risk and risk.criminal_case),
        "description": describe_person(case.person),
        "person": encode(case.person), "last_seen": encode(case.last_seen),
        "profile": case.profile.value, "radius_m": round(case.area_radius_m),
        "owner": case.owner,
    }


class CaseStore:
    """Loads and commits missing-person cases and found-person records.

    Args:
        store: the incident store (its client, keys and incident commits are shared).
        widen_s: arm the widening tick at most this far ahead (``None``: as the core says).
    """

    def __init__(self, store: RedisStore, widen_s: float | None = None) -> None:
        self.store = store
        self.r = store.r
        self.ns = store.keys.ns
        self.widen_s = widen_s
        self._script = store.r.register_script(_SCRIPT)

    # -- keys ------------------------------------------------------------------------------

    def stream(self, case_id: str) -> str:
        return f"{self.ns}:mp:{case_id}"

    def state_key(self, case_id: str) -> str:
        return f"{self.ns}:mp:{case_id}:state"

    @property
    def open_key(self) -> str:
        return f"{self.ns}:mp:open"

    @property
    def all_key(self) -> str:
        return f"{self.ns}:mp:all"

    @property
    def found_key(self) -> str:
        return f"{self.ns}:mp:found"

    @property
    def gen_key(self) -> str:
        return f"{self.ns}:mp:gen"

    def record_key(self, record_id: str) -> str:
        return f"{self.ns}:mp:found:{record_id}"

    def report_key(self, incident_id: str) -> str:
        return f"{self.ns}:mp:report:{incident_id}"

    def mark_key(self, what: str, incident_id: str) -> str:
        return f"{self.ns}:mp:mark:{what}:{incident_id}"

    # -- reading ---------------------------------------------------------------------------

    def get(self, case_id: str) -> Case | None:
        """The case folded from its stream, or None."""
        entries: Any = self.r.xrange(self.stream(case_id))
        return _fold_entries(entries) if entries else None

    def load(self, case_id: str) -> Case:
        """The case.

        Raises:
            UnknownCase: no case has that id.
        """
        case = self.get(case_id)
        if case is None:
            raise UnknownCase(case_id)
        return case

    def many(self, case_ids: Sequence[str]) -> list[Case]:
        """The cases with these ids, in order (one round trip)."""
        if not case_ids:
            return []
        pipe = self.r.pipeline(transaction=False)
        for case_id in case_ids:
            pipe.xrange(self.stream(case_id))
        return [_fold_entries(entries) for entries in pipe.execute() if entries]

    def open_cases(self) -> list[Case]:
        """Every open or located (not closed) case, oldest first."""
        return self.many([str(i) for i in self.r.zrange(self.open_key, 0, -1)])

    def cases_between(self, start: datetime, end: datetime) -> list[Case]:
        """Every case opened in ``[start, end]``."""
        ids = [str(i) for i in self.r.zrangebyscore(self.all_key, start.timestamp(),
                                                    end.timestamp())]
        return [c for i in range(0, len(ids), 500) for c in self.many(ids[i:i + 500])]

    def timeline(self, case_id: str) -> list[dict[str, Any]]:
        """The case's events as JSON-ready dicts with their stream ids, oldest first."""
        out = []
        entries: Any = self.r.xrange(self.stream(case_id))
        for entry_id, fields in entries:
            out.append({"event_id": entry_id, "type": fields["type"], "at": fields["at"],
                        "actor": fields.get("actor"), "data": json.loads(fields["data"])})
        return out

    def found_candidates(self, case_id: str) -> list[dict[str, Any]]:
        """Found-person records a case matched when it opened (reverse matching)."""
        raw = self.r.hget(self.state_key(case_id), "found_candidates")
        return list(json.loads(raw)) if raw else []

    def case_for_report(self, incident_id: str) -> str | None:
        """The case a report was opened as, if any."""
        value = self.r.get(self.report_key(incident_id))
        return str(value) if value else None

    def records_since(self, since: datetime, until: datetime) -> list[FoundPerson]:
        """Found-person records found in ``[since, until]``."""
        ids = [str(i) for i in self.r.zrangebyscore(self.found_key, since.timestamp(),
                                                    until.timestamp())]
        if not ids:
            return []
        raws = self.r.mget([self.record_key(i) for i in ids])
        return [decode(FoundPerson, json.loads(raw)) for raw in raws if raw]

    def generation(self) -> str:
        """Changes whenever open cases or found records do (cheap cache check)."""
        return str(self.r.get(self.gen_key) or "0")

    # -- writing ---------------------------------------------------------------------------

    def commit(self, before: Case | None, events: Sequence[CaseEvent], *, actor: str,
               now: datetime, incident_events: Mapping[str, Sequence[Event]] | None = None,
               extra_ops: Iterable[Sequence[object]] = (),
               extra_guards: Iterable[Sequence[str]] = (),
               require_deadline: str | None = None) -> Case:
        """Append ``events`` to the case and run their effects, atomically.

        Args:
            before: the case the events were decided on (``None`` for a new case).
            events: the events, in order.
            actor: who caused them (``call_taker:…``, ``precinct:…``, ``system``).
            now: the time of the commit (feed entries, widening cap).
            incident_events: further events for incidents, by incident id.
            extra_ops: further Redis commands for the same transaction.
            extra_guards: further ``commit.lua`` guards (e.g. an ``idem`` mark).
            require_deadline: commit only if this scheduler deadline is still pending.

        Returns:
            The case after the events.

        Raises:
            Conflict: the case (or an incident, or the guard) changed meanwhile; reload and
                decide again. ``"exists"`` guards raise it too, with the value as detail.
            InvalidCaseTransition: an event is not allowed in the case's status.
        """
        assert events, "nothing to commit"
        state: Case | None = before
        ops: list[list[object]] = []
        more: dict[str, list[Event]] = {k: list(v) for k, v in (incident_events or {}).items()}
        bump = before is None
        for event in events:
            previous = state
            state, effects = apply(state, event)
            data = json.dumps(event_to_dict(event), ensure_ascii=False, separators=(",", ":"))
            ops.append(["XADD", self.stream(state.id), "*", "type", event.type,
                        "at", iso(event.at), "actor", actor, "data", data])
            for effect in effects:
                ops.extend(self._effect_ops(state, effect, actor, now, more))
            bump = bump or previous is None or previous.status is not state.status
        assert state is not None
        ops.append(["HSET", self.state_key(state.id), "version", state.version,
                    "status", state.status.value])
        ops.append(["ZADD", self.all_key, state.opened_at.timestamp(), state.id])
        if state.status is CaseStatus.CLOSED:
            ops.append(["ZREM", self.open_key, state.id])
        else:
            ops.append(["ZADD", self.open_key, state.opened_at.timestamp(), state.id])
        if bump:
            ops.append(["INCR", self.gen_key])
        guards = [["version", self.state_key(state.id), str(before.version if before else 0)],
                  *[list(g) for g in extra_guards]]
        self._run(guards, [*ops, *[list(o) for o in extra_ops]], more, require_deadline)
        return state

    def add_record(self, record: FoundPerson, *, incident_events: Mapping[str, Sequence[Event]],
                   extra_ops: Iterable[Sequence[object]] = (),
                   extra_guards: Iterable[Sequence[str]] = ()) -> None:
        """Store a found-person record (with its incident's note), atomically.

        Raises:
            Conflict: a guard failed (e.g. the sighting was handled already).
        """
        ops: list[list[object]] = [
            ["SET", self.record_key(record.id), json.dumps(encode(record), ensure_ascii=False)],
            ["ZADD", self.found_key, record.found_at.timestamp(), record.id],
            ["INCR", self.gen_key], *[list(o) for o in extra_ops]]
        self._run([list(g) for g in extra_guards], ops,
                  {k: list(v) for k, v in incident_events.items()}, None)

    def note(self, incident_id: str, data: Mapping[str, Any], *, now: datetime, actor: str,
             mark: str | None = None) -> bool:
        """Append one ``incident.missing`` event to an incident, once per ``mark``.

        Returns:
            False when the mark was set already (done before) or the incident is unknown.
        """
        guards = [["idem", self.mark_key(mark, incident_id)]] if mark else []
        ops: list[list[object]] = [["SET", self.mark_key(mark, incident_id), "1"]] if mark else []
        event = Event(EventType.MISSING, incident_id, now, actor=actor, data=dict(data))
        for _ in range(8):
            try:
                self._run(guards, ops, {incident_id: [event]}, None)
                return True
            except Conflict as exc:
                if str(exc).startswith("exists"):
                    return False
            except UnknownIncident:
                return False
        raise Conflict(f"incident {incident_id} is changing too fast")

    def _run(self, guards: list[list[str]], ops: list[list[object]],
             incident_events: Mapping[str, list[Event]], require_deadline: str | None) -> None:
        if require_deadline:
            guards = [*guards, ["zmember", self.store.keys.deadlines, require_deadline]]
        changes = [(self.store.load(i), evs) for i, evs in incident_events.items() if evs]
        if changes:
            try:
                self.store.commit_many(changes, extra_ops=ops, extra_guards=guards)
            except Conflict as exc:
                # commit_many hides which guard failed; an idem mark is told apart here.
                for g in guards:
                    value: Any = self.r.get(g[1]) if g[0] == "idem" else None
                    if value is not None:
                        raise Conflict(f"exists {value}") from exc
                raise
            return
        spec = {"guards": guards, "ops": [[str(a) for a in op] for op in ops]}
        result = list(self._script(args=[json.dumps(spec, ensure_ascii=False)]))
        if result[0] != "ok":
            raise Conflict(f"{result[0]} {result[1] if len(result) > 1 else ''}".strip())

    # -- effects ---------------------------------------------------------------------------

    def _feed_op(self, feed: str, kind: str, now: datetime, actor: str,
                 payload: Mapping[str, Any], incident_id: str | None = None) -> list[object]:
        fields: list[object] = ["type", kind, "at", iso(now), "actor", actor]
        if incident_id:
            fields += ["incident_id", incident_id]
        fields += ["data", json.dumps(payload, ensure_ascii=False, separators=(",", ":"))]
        return ["XADD", self.store.keys.feed(feed), "MAXLEN", "~", FEED_MAXLEN, "*", *fields]

    def _effect_ops(self, case: Case, effect: object, actor: str, now: datetime,
                    incident_events: dict[str, list[Event]]) -> list[list[object]]:
        """The Redis commands (and incident events) that carry out one effect."""
        summary = case_summary(case)
        deadlines = self.store.keys.deadlines
        payload: dict[str, Any]
        if isinstance(effect, OpenDeadline):
            due = effect.due_at
            _, name = parse_deadline_key(effect.key)
            if name == WIDEN_DEADLINE and self.widen_s is not None:
                due = min(due, now + timedelta(seconds=self.widen_s))
            return [["ZADD", deadlines, due.timestamp(), scheduler_key(effect.key)]]
        if isinstance(effect, CloseDeadline):
            return [["ZREM", deadlines, scheduler_key(effect.key)]]
        if isinstance(effect, NotifyPrecincts):
            payload = {"case_id": case.id, "reason": effect.reason, "case": summary}
            return [self._feed_op(p, "missing.alert", now, actor, payload)
                    for p in effect.precincts]
        if isinstance(effect, DispatchVerification):
            payload = {"case_id": case.id, "incident_id": effect.incident_id,
                       "precinct": effect.precinct, "description": effect.description,
                       "case": summary}
            incident_events.setdefault(effect.incident_id, []).append(Event(
                EventType.MISSING, effect.incident_id, now, actor=actor, data={
                    "stage": "verification_requested", "case_id": case.id,
                    "precinct": effect.precinct, "description": effect.description}))
            return [self._feed_op(effect.precinct, "missing.verification", now, actor, payload,
                                  effect.incident_id),
                    self._feed_op(COMMAND_FEED, "missing.verification", now, actor, payload,
                                  effect.incident_id)]
        if isinstance(effect, AlertCommandConsole):
            target = case.target(effect.target_key)
            payload = {"case_id": case.id, "target": effect.target_key, "name": target.name,
                       "due_at": iso(effect.due_at),
                       "overdue_s": round((now - effect.due_at).total_seconds(), 3),
                       "case": summary}
            return [self._feed_op(COMMAND_FEED, "missing.target_breached", now, actor, payload)]
        if isinstance(effect, FileCriminalCase):
            payload = {"case_id": case.id, "reason": effect.reason, "case": summary}
            return [self._feed_op(COMMAND_FEED, "missing.criminal_case", now, actor, payload)]
        if isinstance(effect, NotifyOwner):
            payload = {"case_id": case.id, "owner": effect.owner, "message": effect.message}
            return [self._feed_op(COMMAND_FEED, "missing.notice", now, actor, payload)]
        if isinstance(effect, HandOffOutOfArea):
            payload = {"case_id": case.id, "radius_m": round(effect.radius_m), "case": summary,
                       "message": "警戒圈已超出本市辖区，请通报周边地区公安机关"}
            return [self._feed_op(COMMAND_FEED, "missing.handoff_needed", now, actor, payload)]
        if isinstance(effect, MatchAgainstFound):
            return self._reverse_match(case, actor, now)
        raise TypeError(f"unknown effect {effect!r}")

    def _reverse_match(self, case: Case, actor: str, now: datetime) -> list[list[object]]:
        records = self.records_since(now - FOUND_LOOKBACK, now)
        found = match_case_against_found(case, records, now, lookback=FOUND_LOOKBACK)
        if not found:
            return []
        by_id = {r.id: r for r in records}
        items: list[dict[str, Any]] = [{"record_id": c.id, "score": round(c.score, 3), "reasons": list(c.reasons),
                  "incident_id": by_id[c.id].incident_id, "held_at": by_id[c.id].held_at,
                  "found_at": iso(by_id[c.id].found_at)} for c in found]
        payload = {"case_id": case.id, "candidates": items, "case": case_summary(case)}
        return [["HSET", self.state_key(case.id), "found_candidates",
                 json.dumps(items, ensure_ascii=False)],
                self._feed_op(COMMAND_FEED, "missing.found_candidates", now, actor, payload)]


def _fold_entries(entries: Sequence[tuple[str, Mapping[str, str]]]) -> Case:
    return fold([event_from_dict(json.loads(fields["data"])) for _, fields in entries])


def load_incident(store: RedisStore, incident_id: str) -> Incident | None:
    """The incident, or None when no incident has that id."""
    try:
        return store.load(incident_id)
    except UnknownIncident:
        return None
