"""Missing-person use cases shared by the API, the reactor and the scheduler.

Load the case, decide with the pure core (``dispatch.missing.commands``), commit through
:class:`~dispatch.adapters.missing_store.CaseStore`; retry when another writer raced us.
The scheduler's ``missing|{case}:{name}`` deadlines land in :class:`MissingDeadlines`.
"""

from __future__ import annotations

import copy
import logging
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import geo
from dispatch.adapters.missing_store import CaseStore, UnknownCase, core_key
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import Clock
from dispatch.domain.errors import Conflict
from dispatch.domain.events import Event
from dispatch.missing import (
    DEFAULT_TARGETS,
    Case,
    CaseEvent,
    CaseStatus,
    InvalidTargetConfig,
    assess_risk,
    load_target_policy,
    on_deadline,
    parse_deadline_key,
    reassess_risk,
    widen_area,
)
from dispatch.missing.area import next_widening_at
from dispatch.missing.effects import WIDEN_DEADLINE
from dispatch.missing.targets import TargetPolicy
from dispatch.settings import Settings

log = logging.getLogger("dispatch.missing")

Decision = Callable[[Case], Sequence[CaseEvent] | CaseEvent | None]


def lookup(lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
    """Precinct ids whose polygon intersects the circle (geo's lookup)."""
    return geo.precincts_intersecting_circle(lat, lon, radius_m)


@cache
def _policy_from(path: Path | None) -> TargetPolicy:
    table: dict[str, Any] = copy.deepcopy(DEFAULT_TARGETS)
    if path is not None:
        with path.open("rb") as fh:
            overrides = tomllib.load(fh)
        for grade, targets in overrides.items():
            if not isinstance(targets, Mapping):
                raise InvalidTargetConfig(f"{path}: [{grade}] must be a table of targets")
            table.setdefault(grade, {}).update(targets)
    return load_target_policy(table)


def target_policy(settings: Settings) -> TargetPolicy:
    """The documented defaults, with ``MISSING_TARGETS_PATH``'s entries replacing theirs.

    Raises:
        InvalidTargetConfig: an entry that cannot be used (unknown grade, minutes ≤ 0).
    """
    return _policy_from(settings.missing_targets_path)


def update(cases: CaseStore, case_id: str, decide: Decision, *, actor: str, clock: Clock,
           incident_events: Callable[[Case, Sequence[CaseEvent]], Mapping[str, list[Event]]]
           | None = None, attempts: int = 8) -> tuple[Case, tuple[CaseEvent, ...]]:
    """Load the case, decide, commit; retry when a writer raced us.

    Args:
        cases: the case store.
        case_id: the case.
        decide: the core decision on the freshly loaded case (may return nothing).
        actor: who acts.
        clock: the time source.
        incident_events: incident annotations to commit with the decided events.
        attempts: how often to retry on a conflict.

    Returns:
        The case after the commit and the events appended (empty when nothing was).

    Raises:
        UnknownCase: no case has that id.
        MissingError: from the decision.
        Conflict: still racing after ``attempts`` tries.
    """
    for _ in range(attempts):
        case = cases.load(case_id)
        decided = decide(case)
        if decided is None:
            events: tuple[CaseEvent, ...] = ()
        elif isinstance(decided, (list, tuple)):
            events = tuple(decided)
        else:
            events = (decided,)  # type: ignore[assignment]
        if not events:
            return case, ()
        extra = incident_events(case, events) if incident_events else None
        try:
            return cases.commit(case, events, actor=actor, now=clock.now(),
                                incident_events=extra), events
        except Conflict:
            continue
    raise Conflict(f"missing-person case {case_id} is changing too fast; try again")


class MissingDeadlines:
    """Fires ``missing|{case}:{name}`` deadlines: target breaches and the widening tick.

    Each commit requires the deadline to be still pending, so with several schedulers
    exactly one records the breach or the widening.
    """

    def __init__(self, store: RedisStore, clock: Clock, settings: Settings) -> None:
        self.store = store
        self.cases = CaseStore(store, settings.missing_widen_s)
        self.clock = clock
        self.widen_s = settings.missing_widen_s
        self.policy = target_policy(settings)

    def fire(self, key: str, subject: str) -> None:
        """One deadline fell due (the scheduler's handler for kind ``missing``)."""
        ckey = core_key(subject)
        try:
            case_id, name = parse_deadline_key(ckey)
        except ValueError:
            log.error("malformed missing-person deadline %r dropped", key)
            self.store.drop_deadline(key)
            return
        for _ in range(5):
            if self.store.r.zscore(self.store.keys.deadlines, key) is None:
                return  # another scheduler fired it, or it was closed meanwhile
            case = self.cases.get(case_id)
            if case is None or case.status is CaseStatus.CLOSED:
                self.store.drop_deadline(key)
                return
            now = self.clock.now()
            widened = None
            if name == WIDEN_DEADLINE:
                # The tick also re-runs the risk rules: night falls, the cold sets in.
                widened = widen_area(case, now, lookup)
                regraded = self._reassess(case, now)
                events: tuple[CaseEvent, ...] = tuple(e for e in (widened, regraded) if e)
                if not events:
                    self._rearm(key, case)
                    return
                extra: list[list[object]] = []
            else:
                events = on_deadline(case, ckey, now, lookup)
                if not events:
                    self._retry_later_or_drop(key, case, name)
                    return
                extra = [["ZREM", self.store.keys.deadlines, key]]
            try:
                after = self.cases.commit(case, events, actor="system", now=now,
                                          extra_ops=extra, require_deadline=key)
                if name == WIDEN_DEADLINE and widened is None:
                    self._rearm(key, after)
                elif name != WIDEN_DEADLINE:
                    log.warning("missing-person case %s missed its %s target", case_id, name)
                return
            except Conflict:
                continue

    def _reassess(self, case: Case, now: datetime) -> CaseEvent | None:
        """Re-run the risk rules only when their reasons changed (night fell, the cold set
        in): a supervisor's override made on the same facts stands."""
        if case.risk is None:
            return None
        fresh = assess_risk(case.person, case.circumstances, now)
        if fresh.reasons == case.risk.reasons:
            return None
        return reassess_risk(case, now=now, policy=self.policy)

    def _rearm(self, key: str, case: Case) -> None:
        """No growth yet: look again when the core says (or sooner, if configured)."""
        now = self.clock.now()
        due = None
        if case.status is CaseStatus.OPEN and case.last_seen.point is not None:
            due = next_widening_at(case.last_seen.at, case.profile, case.area_radius_m, now)
        if due is None:
            self.store.drop_deadline(key)
            return
        if self.widen_s is not None:
            due = min(due, now + timedelta(seconds=self.widen_s))
        # XX: never resurrect a tick that a closure removed meanwhile
        self.store.r.zadd(self.store.keys.deadlines, {key: due.timestamp()}, xx=True)

    def _retry_later_or_drop(self, key: str, case: Case, name: str) -> None:
        target = next((t for t in case.targets if t.key == name), None)
        now = self.clock.now()
        if target is not None and target.is_open and target.breached_at is None \
                and target.due_at > now:
            self.store.r.zadd(self.store.keys.deadlines, {key: target.due_at.timestamp()},
                              xx=True)
        else:
            self.store.drop_deadline(key)


__all__ = ["MissingDeadlines", "UnknownCase", "lookup", "target_policy", "update"]
