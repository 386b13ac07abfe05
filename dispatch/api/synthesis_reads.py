"""Read models of the synthesis routes (接警即合成): findings, plates, previews, premise
notes, series and the watch list (``dispatch.api.synthesis``; the rest: ``reads``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from dispatch.api.reads import Timestamp, _Read

# -- synthesis -----------------------------------------------------------------------------


class FindingRead(_Read):
    """One finding; a redacted one keeps only kind, private, adjustment."""

    kind: str
    private: bool
    source: str | None = None
    evidence: list[dict[str, Any]] | None = None
    detail: dict[str, Any] | None = None
    adjustment: dict[str, Any] | None = None
    redacted: bool | None = None


class PlateRead(_Read):
    plate: str
    text: str
    partial: bool


class SynthesisPreviewRead(_Read):
    findings: list[FindingRead]
    plates: list[PlateRead]
    priority: str | None = None
    reason: str | None = None
    marks: list[str]
    location: dict[str, Any] | None = None
    triage: dict[str, Any]
    took_ms: float


class IncidentSynthesis(_Read):
    incident_id: str
    synthesized_at: Timestamp | None = None
    findings: list[FindingRead]
    plates: list[PlateRead] | None = None
    priority: str | None = None
    reason: str | None = None
    marks: list[str]


class PremiseNoteRead(_Read):
    id: str
    precinct: str
    lat: float
    lon: float
    radius_m: float
    kind: str
    text: str
    created_at: Timestamp
    expires_at: Timestamp
    created_by: str
    updated_at: Timestamp | None = None
    distance_m: float | None = None


class PremiseNoteList(_Read):
    items: list[PremiseNoteRead]
    count: int


class SeriesMember(_Read):
    incident_id: str
    at: Timestamp
    lat: float | None = None
    lon: float | None = None
    precinct: str | None = None
    status: str | None = None
    priority: str | None = None


class SeriesRead(_Read):
    id: str = Field(description="stable: every member's series finding carries it")
    category: str
    count: int = Field(description="members of the whole series")
    first_at: Timestamp
    last_at: Timestamp
    precincts: list[str]
    centre: dict[str, float] | None = Field(None, description="mean of the members' points")
    radius_m: float | None = Field(None, description="the farthest member from the centre")
    members: list[SeriesMember] = Field(description="oldest first; a precinct token's own only")
    omitted: int = Field(description="members of other precincts left out for a precinct token")


class SeriesList(_Read):
    items: list[SeriesRead]
    count: int
    days: int


class WatchlistLoaded(_Read):
    loaded: int = Field(description="entries in this request")
    count: int = Field(description="entries on the watch list now")

