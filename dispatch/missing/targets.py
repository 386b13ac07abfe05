"""Elapsed-time targets per risk grade: configuration as data, and their evaluation.

Every target is measured from the moment the case opened (the 110 report), because the
caller's minutes are the ones that count. The defaults are in ``DEFAULT_TARGETS`` (minutes)
in a TOML-friendly shape; ``docs/missing.md`` gives the source of each number. Pass your
own table to ``load_target_policy`` to change them::

    [high]
    precinct_dispatched = 5
    risk_review = { minutes = 30, recurring = true }

A recurring target (the supervisor's risk review) is carried one instance at a time with
keys ``risk_review#1``, ``risk_review#2`` …; meeting one opens the next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from dispatch.missing.errors import InvalidTargetConfig
from dispatch.missing.risk import RiskGrade

PRECINCT_DISPATCHED = "precinct_dispatched"
SEARCH_CENTRE_ACTIVATED = "search_centre_activated"
REGISTERED_BROADCAST = "registered_broadcast"
RISK_REVIEW = "risk_review"
LOCATED = "located"

DEFAULT_TARGETS: dict[str, dict[str, int | dict[str, int | bool]]] = {
    "high": {
        PRECINCT_DISPATCHED: 5,
        SEARCH_CENTRE_ACTIVATED: 10,
        REGISTERED_BROADCAST: 15,
        RISK_REVIEW: {"minutes": 30, "recurring": True},
        LOCATED: 120,
    },
    "medium": {
        PRECINCT_DISPATCHED: 15,
        SEARCH_CENTRE_ACTIVATED: 30,
        REGISTERED_BROADCAST: 30,
        RISK_REVIEW: {"minutes": 60, "recurring": True},
        LOCATED: 12 * 60,
    },
    "low": {
        PRECINCT_DISPATCHED: 60,
        REGISTERED_BROADCAST: 60,
        RISK_REVIEW: {"minutes": 4 * 60, "recurring": True},
        LOCATED: 48 * 60,
    },
    "absent": {
        REGISTERED_BROADCAST: 2 * 60,
        RISK_REVIEW: {"minutes": 8 * 60, "recurring": True},
    },
}


class TargetState(str, Enum):
    """Where a target stands at a given time."""

    MET = "met"
    PENDING = "pending"
    BREACHED = "breached"
    CANCELLED = "cancelled"  # the case closed before the target fell due


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """One configured target: met within ``within`` of its start."""

    name: str
    within: timedelta
    recurring: bool = False


TargetPolicy = Mapping[RiskGrade, tuple[TargetSpec, ...]]


@dataclass(frozen=True, slots=True)
class Target:
    """One target instance on a case.

    Attributes:
        key: unique on the case (``"located"``, ``"risk_review#2"``); also the deadline key.
        name: the configured name.
        due_at: when it must be met.
        met_at: when it was met, if it was.
        breached_at: when ``missing.target_breached`` was recorded, if it was.
        cancelled_at: when the case closed with the target still open and not yet due.
    """

    key: str
    name: str
    due_at: datetime
    met_at: datetime | None = None
    breached_at: datetime | None = None
    cancelled_at: datetime | None = None

    def state(self, now: datetime) -> TargetState:
        """The state at ``now``: met on time, breached (late or overdue), pending, cancelled."""
        if self.met_at is not None:
            return TargetState.MET if self.met_at <= self.due_at else TargetState.BREACHED
        if self.breached_at is not None:
            return TargetState.BREACHED
        if self.cancelled_at is not None:  # frozen at closure: later time does not matter
            return (
                TargetState.BREACHED if self.cancelled_at > self.due_at else TargetState.CANCELLED
            )
        return TargetState.BREACHED if now > self.due_at else TargetState.PENDING

    @property
    def is_open(self) -> bool:
        """Not met and not cancelled: its deadline is still armed or has fired."""
        return self.met_at is None and self.cancelled_at is None


def load_target_policy(config: Mapping[str, Mapping[str, object]]) -> TargetPolicy:
    """Read a target table (``DEFAULT_TARGETS`` shape) into a policy.

    Args:
        config: grade name → target name → minutes, or ``{"minutes": n, "recurring": b}``.

    Returns:
        Per grade, the target specs in table order. Grades absent from the table get none.

    Raises:
        InvalidTargetConfig: unknown grade, non-positive minutes, or a malformed entry.
    """
    policy: dict[RiskGrade, tuple[TargetSpec, ...]] = {grade: () for grade in RiskGrade}
    for grade_name, table in config.items():
        try:
            grade = RiskGrade(grade_name)
        except ValueError:
            raise InvalidTargetConfig(f"unknown risk grade {grade_name!r}") from None
        policy[grade] = tuple(_spec(name, value) for name, value in table.items())
    return policy


def _spec(name: str, value: object) -> TargetSpec:
    recurring = False
    if isinstance(value, Mapping):
        recurring = bool(value.get("recurring", False))
        value = value.get("minutes")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise InvalidTargetConfig(f"target {name!r} needs positive minutes, not {value!r}")
    return TargetSpec(name, timedelta(minutes=float(value)), recurring)


DEFAULT_POLICY: TargetPolicy = load_target_policy(DEFAULT_TARGETS)


def initial_targets(
    policy: TargetPolicy, grade: RiskGrade, opened_at: datetime
) -> tuple[Target, ...]:
    """The targets a case of ``grade`` carries, all measured from ``opened_at``."""
    return tuple(
        Target(key=_first_key(spec), name=spec.name, due_at=opened_at + spec.within)
        for spec in policy[grade]
    )


def regrade_targets(
    current: tuple[Target, ...],
    policy: TargetPolicy,
    grade: RiskGrade,
    opened_at: datetime,
    now: datetime,
) -> tuple[Target, ...]:
    """Targets after the grade changes at ``now`` (override or re-assessment).

    Met targets are kept as history. Open one-off targets take the new grade's due time
    from ``opened_at`` (a target the new grade does not have is dropped); the open risk
    review is re-armed from ``now``, because a re-grade is itself a review.
    """
    kept = [t for t in current if not t.is_open]
    open_by_name = {t.name: t for t in current if t.is_open}
    met_names = {t.name for t in kept if not _is_recurring(policy, grade, t.name)}
    out = list(kept)
    for spec in policy[grade]:
        if spec.recurring:
            previous = open_by_name.get(spec.name)
            key = previous.key if previous else _next_key(current, spec.name)
            out.append(Target(key=key, name=spec.name, due_at=now + spec.within))
        elif spec.name not in met_names:
            out.append(Target(key=spec.name, name=spec.name, due_at=opened_at + spec.within))
    return tuple(out)


def next_recurrence(
    policy: TargetPolicy, grade: RiskGrade, targets: tuple[Target, ...], met: Target
) -> Target | None:
    """The next instance of a recurring target just met, or ``None`` for one-off targets."""
    spec = next((s for s in policy[grade] if s.name == met.name and s.recurring), None)
    if spec is None or met.met_at is None:
        return None
    return Target(key=_next_key(targets, met.name), name=met.name, due_at=met.met_at + spec.within)


def mark_met(target: Target, at: datetime) -> Target:
    """The target met at ``at``."""
    return replace(target, met_at=at)


def _is_recurring(policy: TargetPolicy, grade: RiskGrade, name: str) -> bool:
    return any(s.recurring for s in policy[grade] if s.name == name)


def _first_key(spec: TargetSpec) -> str:
    return f"{spec.name}#1" if spec.recurring else spec.name


def _next_key(targets: tuple[Target, ...], name: str) -> str:
    count = sum(1 for t in targets if t.name == name)
    return f"{name}#{count + 1}"


@dataclass(frozen=True, slots=True)
class TargetView:
    """A target as the console shows it at ``now``.

    Attributes:
        key: target key.
        name: target name.
        due_at: due time.
        state: met / pending / breached / cancelled.
        met_at: when it was met, if it was.
        allowed: time allowed from the case opening to ``due_at``.
        took: opening → met (``None`` if not met).
        remaining: time left until due (negative when overdue; ``None`` once decided).
    """

    key: str
    name: str
    due_at: datetime
    state: TargetState
    met_at: datetime | None
    allowed: timedelta
    took: timedelta | None
    remaining: timedelta | None


def target_views(
    targets: tuple[Target, ...], opened_at: datetime, now: datetime
) -> tuple[TargetView, ...]:
    """Every target with its state at ``now``, ordered by due time."""
    views = []
    for t in sorted(targets, key=lambda t: (t.due_at, t.key)):
        state = t.state(now)
        views.append(
            TargetView(
                key=t.key,
                name=t.name,
                due_at=t.due_at,
                state=state,
                met_at=t.met_at,
                allowed=t.due_at - opened_at,
                took=None if t.met_at is None else t.met_at - opened_at,
                remaining=t.due_at - now if t.is_open and t.breached_at is None else None,
            )
        )
    return tuple(views)
