"""Events on a missing-person case's timeline (stream ``missing:{case_id}``).

Each event is a frozen dataclass with a wire ``type`` (``missing.opened`` …). Events carry
what the rules decided at the time (risk reasons, target due times, precincts covered), so
replaying a case never depends on today's configuration. ``commands`` builds them;
``case.apply`` folds them into a ``Case``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import ClassVar

from dispatch.missing.area import AreaProfile
from dispatch.missing.person import LastSeen, Person, Reporter
from dispatch.missing.risk import Circumstances, RiskAssessment, RiskGrade
from dispatch.missing.targets import Target


class Outcome(str, Enum):
    """How a case closed."""

    FOUND_SAFE = "found_safe"
    FOUND_INJURED = "found_injured"
    FOUND_DECEASED = "found_deceased"
    RETURNED = "returned"  # came back by themselves
    FALSE_REPORT = "false_report"

    @property
    def is_found(self) -> bool:
        """The person was located (every outcome but a false report)."""
        return self is not Outcome.FALSE_REPORT


@dataclass(frozen=True, slots=True)
class CaseOpened:
    """A case opened, at once, whatever the time since last seen."""

    type: ClassVar[str] = "missing.opened"
    case_id: str
    at: datetime
    person: Person
    last_seen: LastSeen
    circumstances: Circumstances
    profile: AreaProfile
    owner: str
    reporter: Reporter | None = None
    report_id: str | None = None


@dataclass(frozen=True, slots=True)
class RiskAssessed:
    """The rules graded the case; ``targets`` are the grade's targets with due times."""

    type: ClassVar[str] = "missing.risk_assessed"
    case_id: str
    at: datetime
    assessment: RiskAssessment
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class RiskOverridden:
    """A supervisor set the grade, with a reason; targets re-derived for the new grade."""

    type: ClassVar[str] = "missing.risk_overridden"
    case_id: str
    at: datetime
    grade: RiskGrade
    by: str
    reason: str
    targets: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class TargetMet:
    """A target was met; ``next`` is the following instance of a recurring target."""

    type: ClassVar[str] = "missing.target_met"
    case_id: str
    at: datetime
    key: str
    by: str | None = None
    next: Target | None = None


@dataclass(frozen=True, slots=True)
class TargetBreached:
    """A target passed its due time unmet."""

    type: ClassVar[str] = "missing.target_breached"
    case_id: str
    at: datetime
    key: str


@dataclass(frozen=True, slots=True)
class AreaWidened:
    """The alert circle grew; ``new_precincts`` receive the case now."""

    type: ClassVar[str] = "missing.area_widened"
    case_id: str
    at: datetime
    radius_m: float
    new_precincts: tuple[str, ...]
    handoff: bool = False
    next_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SightingLinked:
    """A sighting was linked to the case (automatically above the threshold, or by hand)."""

    type: ClassVar[str] = "missing.sighting_linked"
    case_id: str
    at: datetime
    incident_id: str
    score: float
    reasons: tuple[str, ...]
    precinct: str | None
    auto: bool = True


@dataclass(frozen=True, slots=True)
class ReportLinked:
    """Another report of the same missing person (a second relative calling): linked to the
    case instead of proposing a second case."""

    type: ClassVar[str] = "missing.report_linked"
    case_id: str
    at: datetime
    incident_id: str
    score: float
    reasons: tuple[str, ...]
    auto: bool = True


@dataclass(frozen=True, slots=True)
class SightingDismissed:
    """The verifying officer found it was someone else."""

    type: ClassVar[str] = "missing.sighting_dismissed"
    case_id: str
    at: datetime
    incident_id: str
    by: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FoundRegistered:
    """The person has been located (a verified sighting or a matched found-person record)."""

    type: ClassVar[str] = "missing.found_registered"
    case_id: str
    at: datetime
    found_at: datetime
    incident_id: str | None = None
    found_record_id: str | None = None
    by: str | None = None


@dataclass(frozen=True, slots=True)
class CaseClosed:
    """The case closed with an outcome; ``found_at`` is when the person was located."""

    type: ClassVar[str] = "missing.closed"
    case_id: str
    at: datetime
    outcome: Outcome
    found_at: datetime | None = None
    note: str = ""


CaseEvent = (
    CaseOpened
    | RiskAssessed
    | RiskOverridden
    | TargetMet
    | TargetBreached
    | AreaWidened
    | SightingLinked
    | ReportLinked
    | SightingDismissed
    | FoundRegistered
    | CaseClosed
)

EVENT_TYPES: dict[str, type[CaseEvent]] = {
    cls.type: cls
    for cls in (
        CaseOpened,
        RiskAssessed,
        RiskOverridden,
        TargetMet,
        TargetBreached,
        AreaWidened,
        SightingLinked,
        ReportLinked,
        SightingDismissed,
        FoundRegistered,
        CaseClosed,
    )
}
