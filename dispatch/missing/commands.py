"""Decisions: from a request and the current case to the events to append.

The service loads the case (``case.fold`` over its stream), calls one of these with
``now`` from its clock, appends the returned events, then runs the effects that
``case.apply`` returns for each. Nothing here performs I/O or reads the wall clock.
"""

from __future__ import annotations

from datetime import datetime

from dispatch.missing.area import (
    AreaProfile,
    PrecinctLookup,
    ProfileSpec,
    choose_profile,
    next_widening_at,
    widen,
)
from dispatch.missing.case import Case, CaseStatus
from dispatch.missing.effects import WIDEN_DEADLINE, parse_deadline_key
from dispatch.missing.errors import InvalidCaseTransition, InvalidOverride, InvalidSighting
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
from dispatch.missing.matching import CANDIDATE_FLOOR, MatchCandidate
from dispatch.missing.person import LastSeen, Person, Reporter, check_last_seen
from dispatch.missing.risk import Circumstances, RiskGrade, assess_risk
from dispatch.missing.sighting import Sighting
from dispatch.missing.targets import (
    DEFAULT_POLICY,
    TargetPolicy,
    initial_targets,
    mark_met,
    next_recurrence,
    regrade_targets,
)


def open_case(
    *,
    case_id: str,
    person: Person,
    last_seen: LastSeen,
    owner: str,
    now: datetime,
    lookup: PrecinctLookup,
    circumstances: Circumstances | None = None,
    reporter: Reporter | None = None,
    report_id: str | None = None,
    policy: TargetPolicy = DEFAULT_POLICY,
    profiles: dict[AreaProfile, ProfileSpec] | None = None,
) -> tuple[CaseEvent, ...]:
    """Open a case at once (no waiting period), grade it and broadcast the first circle.

    Args:
        case_id: the new case's id (the adapter allocates it).
        person: the missing person.
        last_seen: resolved by geo to a WGS-84 point when possible.
        owner: who is responsible (officer, call-taker or precinct id); told of progress.
        now: current time; also the case's opening time.
        lookup: geo's precinct-circle intersection.
        circumstances: facts beyond the description.
        reporter: who reported it.
        report_id: the triaged report this case came from, if any.
        policy: elapsed-time targets per grade.
        profiles: alert-area profile table override.

    Returns:
        ``missing.opened``, ``missing.risk_assessed`` and, when the last seen point is
        known, the first ``missing.area_widened``.

    Raises:
        InvalidLastSeen: the last-seen time is after ``now``.
    """
    check_last_seen(last_seen, now)
    facts = circumstances or Circumstances()
    opened = CaseOpened(
        case_id=case_id,
        at=now,
        person=person,
        last_seen=last_seen,
        circumstances=facts,
        profile=choose_profile(person, facts),
        owner=owner,
        reporter=reporter,
        report_id=report_id,
    )
    assessment = assess_risk(person, facts, now)
    targets = initial_targets(policy, assessment.grade, now)
    events: list[CaseEvent] = [opened, RiskAssessed(case_id, now, assessment, targets)]
    if last_seen.point is not None:
        first = _widening(case_id, last_seen, opened.profile, 0.0, (), lookup, now, profiles)
        assert first is not None  # from radius 0 the circle always "grows"
        events.append(first)
    return tuple(events)


def widen_area(
    case: Case,
    now: datetime,
    lookup: PrecinctLookup,
    profiles: dict[AreaProfile, ProfileSpec] | None = None,
) -> AreaWidened | None:
    """Re-evaluate the alert circle (call when the ``widen`` deadline fires).

    Returns:
        ``missing.area_widened`` when the radius grew enough, else ``None``; for an open
        case whose point is unknown, also ``None``.
    """
    if case.status is not CaseStatus.OPEN or case.last_seen.point is None:
        return None
    return _widening(
        case.id,
        case.last_seen,
        case.profile,
        case.area_radius_m,
        case.notified,
        lookup,
        now,
        profiles,
    )


def _widening(
    case_id: str,
    last_seen: LastSeen,
    profile: AreaProfile,
    current: float,
    notified: frozenset[str] | tuple[str, ...],
    lookup: PrecinctLookup,
    now: datetime,
    profiles: dict[AreaProfile, ProfileSpec] | None,
) -> AreaWidened | None:
    assert last_seen.lat is not None and last_seen.lon is not None
    grown = widen(
        lat=last_seen.lat,
        lon=last_seen.lon,
        last_seen_at=last_seen.at,
        profile=profile,
        current_radius_m=current,
        notified=notified,
        lookup=lookup,
        now=now,
        profiles=profiles,
    )
    if grown is None:
        return None
    return AreaWidened(
        case_id, now, grown.radius_m, grown.new_precincts, grown.handoff, grown.next_at
    )


def override_risk(
    case: Case,
    grade: RiskGrade,
    *,
    by: str,
    reason: str,
    now: datetime,
    policy: TargetPolicy = DEFAULT_POLICY,
) -> RiskOverridden:
    """A supervisor sets the grade; open targets are re-derived for it.

    Raises:
        InvalidOverride: blank reason or supervisor id.
        InvalidCaseTransition: the case is not open.
    """
    if not reason.strip() or not by.strip():
        raise InvalidOverride("a risk override needs the supervisor and a reason")
    _require_open(case, RiskOverridden.type)
    targets = regrade_targets(case.targets, policy, grade, case.opened_at, now)
    return RiskOverridden(case.id, now, grade, by, reason.strip(), targets)


def reassess_risk(
    case: Case, *, now: datetime, policy: TargetPolicy = DEFAULT_POLICY
) -> RiskAssessed | None:
    """Re-run the risk rules at ``now`` (night falls, a review is due).

    Returns:
        ``missing.risk_assessed`` when the reasons changed, else ``None``. A supervisor's
        override is only ever raised by the rules, never lowered.
    """
    if case.status is not CaseStatus.OPEN or case.risk is None:
        return None
    fresh = assess_risk(case.person, case.circumstances, now)
    current = case.risk
    if fresh.reasons == current.reasons and fresh.grade is current.grade:
        return None
    if current.overridden_by is not None and fresh.grade.rank <= current.grade.rank:
        return None
    targets = case.targets
    if fresh.grade is not current.grade:
        targets = regrade_targets(case.targets, policy, fresh.grade, case.opened_at, now)
    return RiskAssessed(case.id, now, fresh, targets)


def meet_target(
    case: Case,
    name: str,
    *,
    now: datetime,
    by: str | None = None,
    policy: TargetPolicy = DEFAULT_POLICY,
) -> TargetMet:
    """Record that a target was met (e.g. ``precinct_dispatched``, ``risk_review``).

    Args:
        case: the case.
        name: a target name or key; the open instance is chosen for recurring targets.
        now: when it was met.
        by: who met it.
        policy: used to schedule the next instance of a recurring target.

    Raises:
        UnknownTarget: no open target of that name or key.
    """
    target = next((t for t in case.targets if t.is_open and name in (t.key, t.name)), None)
    if target is None:
        case.target(name)  # raises UnknownTarget for a name the case never had
        raise InvalidCaseTransition(case.status.value, TargetMet.type, f"{name} is not open")
    grade = case.risk.grade if case.risk else RiskGrade.LOW
    met = mark_met(target, now)
    return TargetMet(
        case.id, now, target.key, by, next_recurrence(policy, grade, case.targets, met)
    )


def on_deadline(
    case: Case, key: str, now: datetime, lookup: PrecinctLookup
) -> tuple[CaseEvent, ...]:
    """Handle a fired deadline key: a target breach or the widening tick.

    Returns:
        The events to append; empty when the deadline is stale (target met, case closed).
    """
    _, name = parse_deadline_key(key)
    if name == WIDEN_DEADLINE:
        widened = widen_area(case, now, lookup)
        if widened is None and case.status is CaseStatus.OPEN and case.last_seen.point:
            # fired early (clock skew): record the unchanged circle to re-arm the tick
            nxt = next_widening_at(case.last_seen.at, case.profile, case.area_radius_m, now)
            return (AreaWidened(case.id, now, case.area_radius_m, (), False, nxt),)
        return () if widened is None else (widened,)
    breach = breach_target(case, name, now)
    return () if breach is None else (breach,)


def breach_target(case: Case, key: str, now: datetime) -> TargetBreached | None:
    """``missing.target_breached`` if the target is open, unbreached and overdue, else ``None``."""
    if case.status is CaseStatus.CLOSED:
        return None
    target = case.target(key)
    if not target.is_open or target.breached_at is not None or now <= target.due_at:
        return None
    return TargetBreached(case.id, now, key)


def link_sighting(
    case: Case,
    candidate: MatchCandidate,
    sighting: Sighting,
    *,
    now: datetime,
    auto: bool = True,
) -> SightingLinked:
    """Link a scored sighting to the case; the apply step dispatches its precinct.

    Raises:
        InvalidSighting: the candidate is for another case or below ``CANDIDATE_FLOOR``.
        InvalidCaseTransition: the case is not open.
    """
    _require_open(case, SightingLinked.type)
    if candidate.id != case.id or candidate.score < CANDIDATE_FLOOR:
        raise InvalidSighting(f"candidate {candidate.id} ({candidate.score:.2f}) cannot link")
    return SightingLinked(
        case.id,
        now,
        sighting.incident_id,
        candidate.score,
        candidate.reasons,
        sighting.precinct,
        auto,
    )


def link_report(case: Case, candidate: MatchCandidate, incident_id: str, *, now: datetime,
                auto: bool = True) -> ReportLinked:
    """Link another report of the same missing person to the case (not a second case).

    Raises:
        InvalidSighting: the candidate is for another case or below ``CANDIDATE_FLOOR``.
        InvalidCaseTransition: the case is closed.
    """
    if case.status is CaseStatus.CLOSED:
        raise InvalidCaseTransition(case.status.value, ReportLinked.type, "case closed")
    if candidate.id != case.id or candidate.score < CANDIDATE_FLOOR:
        raise InvalidSighting(f"candidate {candidate.id} ({candidate.score:.2f}) cannot link")
    return ReportLinked(case.id, now, incident_id, candidate.score, candidate.reasons, auto)


def dismiss_sighting(
    case: Case, incident_id: str, *, now: datetime, by: str | None = None, note: str = ""
) -> SightingDismissed:
    """The verifying officer reports the sighting was someone else."""
    return SightingDismissed(case.id, now, incident_id, by, note)


def register_found(
    case: Case,
    *,
    now: datetime,
    found_at: datetime | None = None,
    incident_id: str | None = None,
    found_record_id: str | None = None,
    by: str | None = None,
) -> FoundRegistered:
    """The person is located (verified sighting or matched found-person record).

    Raises:
        InvalidCaseTransition: the case is not open, or ``found_at`` is in the future or
            before the case opened's last-seen time.
    """
    _require_open(case, FoundRegistered.type)
    when = found_at or now
    if when > now or when < case.last_seen.at:
        raise InvalidCaseTransition(
            case.status.value,
            FoundRegistered.type,
            f"found_at {when.isoformat()} outside last seen .. now",
        )
    return FoundRegistered(case.id, now, when, incident_id, found_record_id, by)


def close_case(
    case: Case, outcome: Outcome, *, now: datetime, found_at: datetime | None = None, note: str = ""
) -> CaseClosed:
    """Close the case with its outcome (``found_at`` defaults to located time or ``now``).

    Raises:
        InvalidCaseTransition: the case is already closed, or ``found_at`` lies outside
            last seen .. ``now``.
    """
    if case.status is CaseStatus.CLOSED:
        raise InvalidCaseTransition(case.status.value, CaseClosed.type)
    if found_at is not None and not case.last_seen.at <= found_at <= now:
        raise InvalidCaseTransition(
            case.status.value, CaseClosed.type, f"found_at {found_at.isoformat()} out of range"
        )
    return CaseClosed(case.id, now, outcome, found_at, note)


def _require_open(case: Case, event_type: str) -> None:
    if case.status is not CaseStatus.OPEN:
        raise InvalidCaseTransition(case.status.value, event_type)
