"""The missing-person case: a projection of its events, and the transition table.

``apply(case, event)`` returns the new case and the effects the adapter must execute.
The status machine is data (``TRANSITIONS``); events that do not change the status are
allowed only in the statuses listed there. Anything else raises
``InvalidCaseTransition``.

::

    (none) --opened--> OPEN --found_registered--> LOCATED --closed--> CLOSED
                        |                                     ^
                        +---------------closed----------------+
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from dispatch.missing.area import AreaProfile
from dispatch.missing.effects import (
    WIDEN_DEADLINE,
    AlertCommandConsole,
    CloseDeadline,
    DispatchVerification,
    Effect,
    FileCriminalCase,
    HandOffOutOfArea,
    MatchAgainstFound,
    NotifyOwner,
    NotifyPrecincts,
    OpenDeadline,
    deadline_key,
)
from dispatch.missing.errors import InvalidCaseTransition, UnknownTarget
from dispatch.missing.events import (
    AreaWidened,
    CaseClosed,
    CaseEvent,
    CaseOpened,
    FoundRegistered,
    Outcome,
    ReportLinked,
    RiskAssessed,
    RiskOverridden,
    SightingDismissed,
    SightingLinked,
    TargetBreached,
    TargetMet,
)
from dispatch.missing.person import LastSeen, Person, Reporter, describe_person
from dispatch.missing.risk import Circumstances, RiskAssessment
from dispatch.missing.targets import LOCATED, REGISTERED_BROADCAST, Target


class CaseStatus(str, Enum):
    """Where a case stands."""

    OPEN = "open"
    LOCATED = "located"  # found, being verified / handed to the family
    CLOSED = "closed"


_O, _L, _C = CaseStatus.OPEN, CaseStatus.LOCATED, CaseStatus.CLOSED
TRANSITIONS: dict[tuple[CaseStatus | None, str], CaseStatus] = {
    (None, CaseOpened.type): _O,
    (_O, RiskAssessed.type): _O,
    (_O, RiskOverridden.type): _O,
    (_O, TargetMet.type): _O,
    (_L, TargetMet.type): _L,
    (_O, TargetBreached.type): _O,
    (_L, TargetBreached.type): _L,
    (_O, AreaWidened.type): _O,
    (_O, SightingLinked.type): _O,
    (_O, ReportLinked.type): _O,
    (_L, ReportLinked.type): _L,
    (_O, SightingDismissed.type): _O,
    (_L, SightingDismissed.type): _L,
    (_O, FoundRegistered.type): _L,
    (_O, CaseClosed.type): _C,
    (_L, CaseClosed.type): _C,
}


@dataclass(frozen=True, slots=True)
class LinkedSighting:
    """A sighting linked to the case, with the score and reasons that linked it."""

    incident_id: str
    at: datetime
    score: float
    reasons: tuple[str, ...]
    precinct: str | None
    auto: bool
    dismissed: bool = False


@dataclass(frozen=True, slots=True)
class LinkedReport:
    """Another report of the same missing person, linked with its score and reasons."""

    incident_id: str
    at: datetime
    score: float
    reasons: tuple[str, ...]
    auto: bool


@dataclass(frozen=True, slots=True)
class Case:
    """Current state of one case (never stored; always rebuilt from events)."""

    id: str
    status: CaseStatus
    opened_at: datetime
    person: Person
    last_seen: LastSeen
    circumstances: Circumstances
    profile: AreaProfile
    owner: str
    reporter: Reporter | None = None
    report_id: str | None = None
    risk: RiskAssessment | None = None
    targets: tuple[Target, ...] = ()
    area_radius_m: float = 0.0
    notified: frozenset[str] = field(default_factory=frozenset)
    handed_off: bool = False
    sightings: tuple[LinkedSighting, ...] = ()
    linked_reports: tuple[LinkedReport, ...] = ()
    located_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: Outcome | None = None
    version: int = 0

    @property
    def time_to_found(self) -> timedelta | None:
        """From the report (case opened) to the person located, if they were; zero when
        they were found before the report reached 110 (a found-person record)."""
        if self.located_at is None:
            return None
        return max(self.located_at - self.opened_at, timedelta(0))

    def target(self, key: str) -> Target:
        """The target with this key.

        Raises:
            UnknownTarget: the case has no such target.
        """
        for t in self.targets:
            if t.key == key:
                return t
        raise UnknownTarget(f"case {self.id} has no target {key!r}")


def apply(case: Case | None, event: CaseEvent) -> tuple[Case, tuple[Effect, ...]]:
    """Fold one event into the case.

    Args:
        case: the current case, ``None`` before ``missing.opened``.
        event: the next event of this case's stream.

    Returns:
        The new case and the effects to execute, in order.

    Raises:
        InvalidCaseTransition: the event is not allowed in the case's status, names a
            different case, or repeats something already recorded.
        UnknownTarget: a target event names a target the case does not carry.
    """
    status = case.status if case else None
    new_status = TRANSITIONS.get((status, event.type))
    if new_status is None:
        raise InvalidCaseTransition(status.value if status else None, event.type)
    if isinstance(event, CaseOpened):
        return _opened(event), (MatchAgainstFound(event.case_id),)
    assert case is not None  # TRANSITIONS admits only missing.opened without a case
    if event.case_id != case.id:
        raise InvalidCaseTransition(
            status.value if status else None,
            event.type,
            f"event for case {event.case_id} applied to {case.id}",
        )
    updated, effects = _HANDLERS[type(event)](case, event)
    return replace(updated, status=new_status, version=case.version + 1), effects


def fold(events: list[CaseEvent] | tuple[CaseEvent, ...]) -> Case:
    """Rebuild a case from its whole stream (effects discarded: they already ran).

    Raises:
        InvalidCaseTransition: the stream is empty or out of order.
    """
    case: Case | None = None
    for event in events:
        case, _ = apply(case, event)
    if case is None:
        raise InvalidCaseTransition(None, "fold", "no events")
    return case


def _opened(e: CaseOpened) -> Case:
    return Case(
        id=e.case_id,
        status=CaseStatus.OPEN,
        opened_at=e.at,
        person=e.person,
        last_seen=e.last_seen,
        circumstances=e.circumstances,
        profile=e.profile,
        owner=e.owner,
        reporter=e.reporter,
        report_id=e.report_id,
        version=1,
    )


def _arm(case_id: str, targets: tuple[Target, ...]) -> list[Effect]:
    return [OpenDeadline(deadline_key(case_id, t.key), t.due_at) for t in targets if t.is_open]


def _replace_targets(case: Case, targets: tuple[Target, ...]) -> list[Effect]:
    keep = {(t.key, t.due_at) for t in targets if t.is_open}
    closing: list[Effect] = [
        CloseDeadline(deadline_key(case.id, t.key))
        for t in case.targets
        if t.is_open and (t.key, t.due_at) not in keep
    ]
    old = {(t.key, t.due_at) for t in case.targets if t.is_open}
    return closing + _arm(case.id, tuple(t for t in targets if (t.key, t.due_at) not in old))


def _risk_assessed(case: Case, e: RiskAssessed) -> tuple[Case, tuple[Effect, ...]]:
    effects = _replace_targets(case, e.targets)
    if e.assessment.criminal_case and not (case.risk and case.risk.criminal_case):
        effects.append(FileCriminalCase(case.id, "missing child or girl under 18 (MPS 2010)"))
    return replace(case, risk=e.assessment, targets=e.targets), tuple(effects)


def _risk_overridden(case: Case, e: RiskOverridden) -> tuple[Case, tuple[Effect, ...]]:
    base = case.risk or RiskAssessment(e.grade, (), False)
    risk = replace(base, grade=e.grade, overridden_by=e.by, override_reason=e.reason)
    effects = _replace_targets(case, e.targets)
    effects.append(NotifyOwner(case.id, case.owner, f"风险等级调整为 {e.grade.value}：{e.reason}"))
    return replace(case, risk=risk, targets=e.targets), tuple(effects)


def _swap(case: Case, new: Target) -> tuple[Target, ...]:
    return tuple(new if t.key == new.key else t for t in case.targets)


def _target_met(case: Case, e: TargetMet) -> tuple[Case, tuple[Effect, ...]]:
    target = case.target(e.key)
    if not target.is_open:
        raise InvalidCaseTransition(case.status.value, e.type, f"{e.key} is not open")
    targets = _swap(case, replace(target, met_at=e.at))
    effects: list[Effect] = [CloseDeadline(deadline_key(case.id, e.key))]
    if e.next is not None:
        targets += (e.next,)
        effects += _arm(case.id, (e.next,))
    return replace(case, targets=targets), tuple(effects)


def _target_breached(case: Case, e: TargetBreached) -> tuple[Case, tuple[Effect, ...]]:
    target = case.target(e.key)
    if not target.is_open or target.breached_at is not None:
        raise InvalidCaseTransition(case.status.value, e.type, f"{e.key} is met or breached")
    targets = _swap(case, replace(target, breached_at=e.at))
    alert = AlertCommandConsole(case.id, e.key, target.due_at)
    return replace(case, targets=targets), (alert,)


def _meet_auto(case: Case, name: str, at: datetime) -> tuple[tuple[Target, ...], list[Effect]]:
    """Meet the open target called ``name`` (if any) as a side result of another event."""
    for t in case.targets:
        if t.name == name and t.is_open:
            return _swap(case, replace(t, met_at=at)), [CloseDeadline(deadline_key(case.id, t.key))]
    return case.targets, []


def _area_widened(case: Case, e: AreaWidened) -> tuple[Case, tuple[Effect, ...]]:
    targets, effects = _meet_auto(case, REGISTERED_BROADCAST, e.at)
    reason = "widened" if case.area_radius_m > 0 else "opened"
    if e.new_precincts:
        effects.append(NotifyPrecincts(case.id, e.new_precincts, reason))
    if e.handoff:
        effects.append(HandOffOutOfArea(case.id, e.radius_m))
    if e.next_at is not None:
        effects.append(OpenDeadline(deadline_key(case.id, WIDEN_DEADLINE), e.next_at))
    updated = replace(
        case,
        targets=targets,
        area_radius_m=e.radius_m,
        notified=case.notified | frozenset(e.new_precincts),
        handed_off=case.handed_off or e.handoff,
    )
    return updated, tuple(effects)


def _sighting_linked(case: Case, e: SightingLinked) -> tuple[Case, tuple[Effect, ...]]:
    if any(s.incident_id == e.incident_id for s in case.sightings):
        raise InvalidCaseTransition(case.status.value, e.type, f"{e.incident_id} already linked")
    linked = LinkedSighting(e.incident_id, e.at, e.score, e.reasons, e.precinct, e.auto)
    effects: list[Effect] = []
    if e.precinct:
        effects.append(
            DispatchVerification(case.id, e.precinct, e.incident_id, describe_person(case.person))
        )
    effects.append(
        NotifyOwner(case.id, case.owner, f"疑似线索 {e.incident_id} 已关联（匹配度 {e.score:.2f}）")
    )
    return replace(case, sightings=case.sightings + (linked,)), tuple(effects)


def _sighting_dismissed(case: Case, e: SightingDismissed) -> tuple[Case, tuple[Effect, ...]]:
    if not any(s.incident_id == e.incident_id and not s.dismissed for s in case.sightings):
        raise InvalidCaseTransition(case.status.value, e.type, f"{e.incident_id} not linked")
    sightings = tuple(
        replace(s, dismissed=True) if s.incident_id == e.incident_id else s for s in case.sightings
    )
    message = f"线索 {e.incident_id} 核实不符：{e.note}"
    return replace(case, sightings=sightings), (NotifyOwner(case.id, case.owner, message),)


def _found_registered(case: Case, e: FoundRegistered) -> tuple[Case, tuple[Effect, ...]]:
    targets, effects = _meet_auto(case, LOCATED, e.found_at)
    effects.append(NotifyOwner(case.id, case.owner, "已找到走失人员，待家属确认"))
    return replace(case, targets=targets, located_at=e.found_at), tuple(effects)


def _closed(case: Case, e: CaseClosed) -> tuple[Case, tuple[Effect, ...]]:
    located_at = case.located_at
    if e.outcome.is_found and located_at is None:
        located_at = e.found_at or e.at
    targets = case.targets
    effects: list[Effect] = []
    if located_at is not None:
        targets, effects = _meet_auto(replace(case, targets=targets), LOCATED, located_at)
    closed_targets: list[Target] = []
    for t in targets:
        if t.is_open:
            effects.append(CloseDeadline(deadline_key(case.id, t.key)))
            t = replace(t, cancelled_at=e.at)
        closed_targets.append(t)
    effects.append(CloseDeadline(deadline_key(case.id, WIDEN_DEADLINE)))
    if case.notified:
        effects.append(NotifyPrecincts(case.id, tuple(sorted(case.notified)), "closed"))
    effects.append(NotifyOwner(case.id, case.owner, f"案件已结案：{e.outcome.value}"))
    updated = replace(
        case,
        targets=tuple(closed_targets),
        located_at=located_at,
        closed_at=e.at,
        outcome=e.outcome,
    )
    return updated, tuple(effects)


def _report_linked(case: Case, e: ReportLinked) -> tuple[Case, tuple[Effect, ...]]:
    if any(r.incident_id == e.incident_id for r in case.linked_reports) or \
            e.incident_id == case.report_id:
        raise InvalidCaseTransition(case.status.value, e.type, f"{e.incident_id} already linked")
    linked = LinkedReport(e.incident_id, e.at, e.score, e.reasons, e.auto)
    note = NotifyOwner(case.id, case.owner,
                       f"同一走失人员的又一报警 {e.incident_id} 已并入本案（匹配度 {e.score:.2f}）")
    return replace(case, linked_reports=case.linked_reports + (linked,)), (note,)


_Handler = Callable[[Case, Any], tuple[Case, tuple[Effect, ...]]]
_HANDLERS: dict[type[CaseEvent], _Handler] = {
    RiskAssessed: _risk_assessed,
    RiskOverridden: _risk_overridden,
    TargetMet: _target_met,
    TargetBreached: _target_breached,
    AreaWidened: _area_widened,
    SightingLinked: _sighting_linked,
    ReportLinked: _report_linked,
    SightingDismissed: _sighting_dismissed,
    FoundRegistered: _found_registered,
    CaseClosed: _closed,
}
