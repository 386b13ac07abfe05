"""Matching use cases: a sighting against open cases and found records, a new case
against recent found records, with the adapters' indexes built from domain values.

The service keeps one ``AnchorIndex`` of open cases (rebuilt when a case opens or
closes) and one of found-person records, and calls ``match_sighting`` for every report
triaged as a sighting. Candidates at or above ``AUTO_LINK`` go to ``commands.link_sighting``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dispatch.missing.area import AreaProfile
from dispatch.missing.case import Case, CaseStatus
from dispatch.missing.index import AnchorIndex
from dispatch.missing.matching import (
    AUTO_LINK,
    CANDIDATE_FLOOR,
    EARLY_TOLERANCE,
    Anchor,
    CandidateKind,
    MatchCandidate,
    Observation,
    score,
)
from dispatch.missing.sighting import FoundPerson, Sighting

FOUND_LOOKBACK = timedelta(days=7)  # found people are usually identified within days
# The best case is linked automatically only when it leads the runner-up by this much;
# otherwise the description fits several cases and the call-taker picks from the list.
LINK_MARGIN = 0.05


def case_anchor(case: Case) -> Anchor:
    """The case as an anchor: its person, last seen point and time, and profile."""
    ls = case.last_seen
    return Anchor(CandidateKind.CASE, case.id, case.person, ls.lat, ls.lon, ls.at, case.profile)


def found_anchor(record: FoundPerson) -> Anchor:
    """A found-person record as an anchor for sightings (time may run either way)."""
    return Anchor(
        CandidateKind.FOUND,
        record.id,
        record.person,
        record.lat,
        record.lon,
        record.found_at,
        AreaProfile.ON_FOOT,
        symmetric=True,
    )


def sighting_observation(sighting: Sighting) -> Observation:
    """What a sighting observed."""
    return Observation(sighting.person, sighting.at, sighting.lat, sighting.lon,
                       sighting.radius_m, sighting.transport, sighting.accounted_for,
                       sighting.text or "")


def found_observation(record: FoundPerson) -> Observation:
    """A found-person record seen from a case: who was found, where and when."""
    return Observation(record.person, record.found_at, record.lat, record.lon)


def found_record_from_sighting(
    sighting: Sighting, record_id: str, *, held_at: str | None = None
) -> FoundPerson:
    """Register a found person who matched no open case, for reverse matching later."""
    return FoundPerson(
        id=record_id,
        found_at=sighting.at,
        person=sighting.person,
        lat=sighting.lat,
        lon=sighting.lon,
        precinct=sighting.precinct,
        incident_id=sighting.incident_id,
        held_at=held_at,
    )


def build_case_index(cases: Iterable[Case]) -> AnchorIndex:
    """Index the open cases (closed and located cases are left out)."""
    return AnchorIndex([case_anchor(c) for c in cases if c.status is CaseStatus.OPEN])


def build_found_index(records: Iterable[FoundPerson]) -> AnchorIndex:
    """Index found-person records."""
    return AnchorIndex([found_anchor(r) for r in records])


@dataclass(frozen=True, slots=True)
class SightingMatches:
    """Ranked candidates for one sighting.

    Attributes:
        cases: open cases, best first (score ≥ ``CANDIDATE_FLOOR``).
        found: found-person records that may be the same person (a repeat report).
    """

    cases: tuple[MatchCandidate, ...]
    found: tuple[MatchCandidate, ...]

    @property
    def to_link(self) -> tuple[MatchCandidate, ...]:
        """The case to link automatically: the best, if it scores at least ``AUTO_LINK``
        and leads the runner-up by ``LINK_MARGIN``; else nothing."""
        if not self.cases or self.cases[0].score < AUTO_LINK or self.is_ambiguous:
            return ()
        return self.cases[:1]

    @property
    def is_ambiguous(self) -> bool:
        """The best is strong but another case is within ``LINK_MARGIN`` of it."""
        return (
            len(self.cases) > 1
            and self.cases[0].score >= AUTO_LINK
            and self.cases[0].score - self.cases[1].score < LINK_MARGIN
        )


def match_sighting(
    sighting: Sighting, cases: AnchorIndex, found: AnchorIndex | None, *, k: int = 5
) -> SightingMatches:
    """Compare a sighting with every open case and found-person record.

    Args:
        sighting: the report's description, point and time.
        cases: index of open cases (``build_case_index``).
        found: index of found-person records (``build_found_index``); None: cases only.
        k: how many candidates of each kind to return at most.

    Returns:
        The ranked candidates with reasons. Link ``to_link``; show the rest.
    """
    obs = sighting_observation(sighting)
    return SightingMatches(tuple(cases.best(obs, k=k)),
                           tuple(found.best(obs, k=k)) if found is not None else ())


def match_case_against_found(
    case: Case,
    records: Sequence[FoundPerson],
    now: datetime,
    *,
    lookback: timedelta = FOUND_LOOKBACK,
    k: int = 10,
    floor: float = CANDIDATE_FLOOR,
) -> tuple[MatchCandidate, ...]:
    """Reverse matching: a new case against found-person records of the last days.

    Only records found within ``lookback`` of ``now`` and not before the person was last
    seen (less the reporting tolerance) are scored; the set is small, so no index.

    Returns:
        Candidates at or above ``floor``, best first.
    """
    anchor = case_anchor(case)
    earliest = max(now - lookback, case.last_seen.at - EARLY_TOLERANCE)
    kept: list[MatchCandidate] = []
    for record in records:
        if not earliest <= record.found_at <= now:
            continue
        cand = score(anchor, found_observation(record))
        if cand.score >= floor:  # re-labelled: the candidate is the record, not the case
            kept.append(replace(cand, kind=CandidateKind.FOUND, id=record.id))
    return tuple(sorted(kept, key=lambda c: (-c.score, c.id))[:k])
