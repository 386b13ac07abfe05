"""Missing-person workflow: the pure core (no I/O, no wall clock).

Cases are projections of their events (``case.apply``); ``commands`` decides which events
a request produces; ``matcher`` scores sightings against open cases and found-person
records. See ``docs/missing.md`` for the rules, targets, alert-area profiles and scoring.
"""

from dispatch.missing.area import AreaProfile, PrecinctLookup, choose_profile, radius_m
from dispatch.missing.case import TRANSITIONS, Case, CaseStatus, LinkedSighting, apply, fold
from dispatch.missing.clothing import ClothingItem, parse_clothing
from dispatch.missing.commands import (
    breach_target, close_case, dismiss_sighting, link_sighting, meet_target, on_deadline,
    open_case, override_risk, register_found, widen_area,
)
from dispatch.missing.effects import (
    AlertCommandConsole, CloseDeadline, DispatchVerification, Effect, FileCriminalCase,
    HandOffOutOfArea, MatchAgainstFound, NotifyOwner, NotifyPrecincts, OpenDeadline,
    deadline_key, parse_deadline_key,
)
from dispatch.missing.errors import (
    InvalidCaseTransition, InvalidLastSeen, InvalidOverride, InvalidPerson, InvalidSighting,
    InvalidTargetConfig, MissingError, UnknownTarget,
)
from dispatch.missing.events import (
    EVENT_TYPES, AreaWidened, CaseClosed, CaseEvent, CaseOpened, FoundRegistered, Outcome,
    RiskAssessed, RiskOverridden, SightingDismissed, SightingLinked, TargetBreached, TargetMet,
)
from dispatch.missing.index import AnchorIndex, naive_best
from dispatch.missing.intake import (
    ProposedCase, is_sighting_report, person_from_extracted, person_from_request, propose_case,
    sighting_from_report,
)
from dispatch.missing.kpi import GradeKpi, kpis_by_grade
from dispatch.missing.matcher import (
    SightingMatches, build_case_index, build_found_index, match_case_against_found,
    match_sighting,
)
from dispatch.missing.matching import AUTO_LINK, CANDIDATE_FLOOR, MatchCandidate, score
from dispatch.missing.person import (
    AgeRange, Build, Condition, Gender, HeightRange, LastSeen, Person, Reporter,
)
from dispatch.missing.risk import Circumstances, RiskAssessment, RiskGrade, RiskReason, assess_risk
from dispatch.missing.sighting import FoundPerson, Sighting
from dispatch.missing.targets import (
    DEFAULT_POLICY, DEFAULT_TARGETS, Target, TargetState, TargetView, load_target_policy,
    target_views,
)

__all__ = [
    "AUTO_LINK", "CANDIDATE_FLOOR", "DEFAULT_POLICY", "DEFAULT_TARGETS", "EVENT_TYPES",
    "TRANSITIONS", "AgeRange", "AlertCommandConsole", "AnchorIndex", "AreaProfile",
    "AreaWidened", "Build", "Case", "CaseClosed", "CaseEvent", "CaseOpened", "CaseStatus",
    "Circumstances", "CloseDeadline", "ClothingItem", "Condition", "DispatchVerification",
    "Effect", "FileCriminalCase", "FoundPerson", "FoundRegistered", "Gender", "GradeKpi",
    "HandOffOutOfArea", "HeightRange", "InvalidCaseTransition", "InvalidLastSeen",
    "InvalidOverride", "InvalidPerson", "InvalidSighting", "InvalidTargetConfig", "LastSeen",
    "LinkedSighting", "MatchAgainstFound", "MatchCandidate", "MissingError", "NotifyOwner",
    "NotifyPrecincts", "OpenDeadline", "Outcome", "Person", "PrecinctLookup", "ProposedCase",
    "Reporter", "RiskAssessed", "RiskAssessment", "RiskGrade", "RiskOverridden", "RiskReason",
    "Sighting", "SightingDismissed", "SightingLinked", "SightingMatches", "Target",
    "TargetBreached", "TargetMet", "TargetState", "TargetView", "UnknownTarget", "apply",
    "assess_risk", "breach_target", "build_case_index", "build_found_index", "choose_profile",
    "close_case", "deadline_key", "dismiss_sighting", "fold", "is_sighting_report",
    "kpis_by_grade", "link_sighting", "load_target_policy", "match_case_against_found",
    "match_sighting", "meet_target", "naive_best", "on_deadline", "open_case",
    "override_risk", "parse_clothing", "parse_deadline_key", "person_from_extracted",
    "person_from_request", "propose_case", "radius_m", "register_found", "score",
    "sighting_from_report", "target_views", "widen_area",
]
