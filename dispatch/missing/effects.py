"""Effects: what the adapter must do after an event is folded into a case.

``case.apply`` never performs I/O; it returns these values and the service executes them
(Redis sorted-set deadlines, precinct feeds, console alerts, RQ jobs). Every effect is
idempotent to execute twice: deadline keys are stable, notifications carry the case id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def deadline_key(case_id: str, name: str) -> str:
    """The deadline key for a target or the widening tick: ``missing:{case}:{name}``."""
    return f"missing:{case_id}:{name}"


def parse_deadline_key(key: str) -> tuple[str, str]:
    """Split a deadline key back into ``(case_id, name)`` when it fires.

    Raises:
        ValueError: the key is not a missing-person deadline key.
    """
    prefix, sep, rest = key.partition(":")
    case_id, sep2, name = rest.rpartition(":")
    if prefix != "missing" or not sep or not sep2 or not case_id:
        raise ValueError(f"not a missing-person deadline key: {key!r}")
    return case_id, name


WIDEN_DEADLINE = "widen"  # deadline name of the next alert-area re-evaluation


@dataclass(frozen=True, slots=True)
class NotifyPrecincts:
    """Push the case to these precincts' console feeds (``reason``: opened/widened/closed)."""

    case_id: str
    precincts: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class DispatchVerification:
    """Send the sighting's precinct to verify the person against the case description."""

    case_id: str
    precinct: str
    incident_id: str
    description: str


@dataclass(frozen=True, slots=True)
class OpenDeadline:
    """Arm a deadline; when it fires call ``commands.on_deadline`` with the key."""

    key: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class CloseDeadline:
    """Disarm a deadline (no-op if it already fired or never existed)."""

    key: str


@dataclass(frozen=True, slots=True)
class NotifyOwner:
    """Tell the case owner (the officer or call-taker responsible) what happened."""

    case_id: str
    owner: str
    message: str


@dataclass(frozen=True, slots=True)
class AlertCommandConsole:
    """Light up a breached target on the command console."""

    case_id: str
    target_key: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class FileCriminalCase:
    """Open the criminal-case filing at once (missing child or girl under 18)."""

    case_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class HandOffOutOfArea:
    """The alert circle left the city: hand the case to out-of-area agencies."""

    case_id: str
    radius_m: float


@dataclass(frozen=True, slots=True)
class MatchAgainstFound:
    """Run ``matcher.match_case_against_found`` for the new case."""

    case_id: str


Effect = (
    NotifyPrecincts
    | DispatchVerification
    | OpenDeadline
    | CloseDeadline
    | NotifyOwner
    | AlertCommandConsole
    | FileCriminalCase
    | HandOffOutOfArea
    | MatchAgainstFound
)
