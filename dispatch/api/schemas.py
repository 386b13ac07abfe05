"""Pydantic models at the HTTP edge: what a client may send, and what it gets back."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

MAX_TEXT = 5000


class Channel(str, Enum):
    """Where a report came from."""

    call = "call"
    forum = "forum"
    transfer_12345 = "transfer_12345"


class Crs(str, Enum):
    """Coordinate systems accepted on input (stored as WGS-84)."""

    wgs84 = "wgs84"
    gcj02 = "gcj02"
    bd09 = "bd09"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain something other than whitespace")
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Times a report can truthfully carry; beyond them a date is a typo (and years 1 or 9999
# overflow when converted to UTC).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a timezone offset, e.g. 2026-11-26T08:30:00+08:00")
    try:
        inside = EARLIEST <= value <= LATEST
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError("must lie between 2000-01-01 and 2100-01-01")
    return value


Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT), AfterValidator(_not_blank)]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)]
AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
# Strict numbers: ``true`` is not 1.0 and ``"40.6"`` is not a coordinate. Latitudes stop at
# ±85.05112878°, the limit of the stores' geospatial index (Web Mercator); China lies
# between 3° and 54° N.
MAX_LAT = 85.05112878
Latitude = Annotated[float, Field(strict=True, ge=-MAX_LAT, le=MAX_LAT,
                                  description="latitude in degrees (|lat| <= 85.05112878)")]
Longitude = Annotated[float, Field(strict=True, ge=-180, le=180,
                                   description="longitude in degrees")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Caller(Strict):
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 \-]{2,19}$")] | None = None
    name: ShortText | None = None


class DeviceLocation(Strict):
    lat: Latitude
    lon: Longitude
    crs: Crs = Crs.wgs84
    accuracy_m: float | None = Field(default=None, strict=True, ge=0, le=100_000)

    def model_post_init(self, context: Any, /) -> None:
        if math.isnan(self.lat) or math.isnan(self.lon):  # pragma: no cover - allow_inf_nan
            raise ValueError("coordinates must be numbers")


class ActivityPoint(Strict):
    """One point of the author's recent activity, as the forum platform supplies it."""

    lat: Latitude
    lon: Longitude
    crs: Crs = Crs.wgs84
    at: AwareDatetime


class ForumPost(Strict):
    """The forum platform's fields of a post (``channel: "forum"`` only)."""

    post_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:\-]{1,128}$")]
    author: ShortText | None = None
    posted_at: AwareDatetime | None = None
    region_hint: ShortText | None = None
    thread_url: Annotated[str, StringConstraints(max_length=2000,
                                                 pattern=r"^https?://[^\s]+$")] | None = None
    location: DeviceLocation | None = Field(
        default=None, description="the author's device location, sent only with their consent")
    activity: list[ActivityPoint] | None = Field(
        default=None, max_length=200, description="recent activity points with times (weak signal)")


class ReportCreate(Strict):
    """A report from a call-taker, the forum platform or the 12345 hotline."""

    channel: Channel
    text: Text
    caller: Caller | None = None
    location: DeviceLocation | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    occurred_at: AwareDatetime | None = None
    source_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:\-]{1,128}$")] | None = None
    forum: ForumPost | None = None
    case_number: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:\-]{1,64}$")] | None = None

    @model_validator(mode="after")
    def _forum_post_is_idempotent(self) -> ReportCreate:
        # A forum object belongs to a forum post only; re-posting the same post_id returns
        # the same incident (the post id is the idempotency key unless source_id is given).
        if self.forum is not None:
            if self.channel is not Channel.forum:
                raise ValueError("forum is only allowed with channel 'forum'")
            if self.source_id is None:
                self.source_id = f"forum:{self.forum.post_id}"[:128]
        return self


class ReportAccepted(BaseModel):
    id: str
    status: str = "received"
    received_at: str


class Precinct(BaseModel):
    id: str
    name: str
    district: str
    district_name: str
    synthetic: bool


Reason = Annotated[str, StringConstraints(min_length=2, max_length=500), AfterValidator(_not_blank)]


class StatusChange(Strict):
    status: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")]
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
    # Required at 结案 (``closed``), refused with any other status: a code of
    # ``GET /v1/dispositions``.
    disposition: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")] | None = None


class OnSpotAnswer(Strict):
    """``POST /v1/incidents/{id}/answer-on-spot`` (当场答复): what the caller was told."""

    answer: Annotated[str, StringConstraints(min_length=2, max_length=2000),
                      AfterValidator(_not_blank)]


class TriageOverride(Strict):
    category: str
    priority: str
    flags: list[str] = Field(default_factory=list, max_length=7)
    reason: Reason


Answer = Annotated[str, StringConstraints(min_length=1, max_length=200)] | Annotated[
    int, Field(strict=True, ge=0, le=120)]
AnswerMap = Annotated[dict[Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}$")], Answer],
                      Field(max_length=20)]


class TriagePreview(Strict):
    text: Text
    channel: Channel = Channel.call
    # Answers to key questions before submitting (question code -> answer).
    answers: AnswerMap | None = None


class CueRead(BaseModel):
    phrase: str
    span: list[int] | None
    effect: str


class QuestionRead(BaseModel):
    code: str
    question: str = Field(description="the question to ask, in Chinese")
    kind: str = Field(description="yes_no, choice, age or text")
    options: list[str] | None = None


class AnsweredRead(BaseModel):
    code: str
    answer: str | int | None
    source: str = Field(description="caller (an answer given) or text (the report says it)")


class LifeRiskRead(BaseModel):
    kind: str
    level: str


class TriageRead(BaseModel):
    """The triage of a report (``POST /v1/triage/preview``; also inside incidents)."""

    model_config = ConfigDict(extra="allow")
    category: str
    priority: str
    flags: list[str]
    confidence: float = Field(description="calibrated probability that the category is right")
    cues: list[CueRead]
    extracted: dict[str, Any]
    needs_review: bool = Field(description="待人工研判: a person decides between candidates")
    candidates: list[str]
    questions: list[QuestionRead] = Field(description="key questions the text leaves open")
    answered: list[AnsweredRead]
    life_risk: list[LifeRiskRead] = Field(description="the life-risk net's dangers")


class AnswersCreate(Strict):
    """``POST /v1/incidents/{id}/answers``: question code -> answer (see ``questions``)."""

    answers: Annotated[AnswerMap, Field(min_length=1)]


class MergeRequest(Strict):
    into: Annotated[str, StringConstraints(pattern=r"^[0-9]{8}-[0-9A-Z]{8}$")]
    reason: Reason


class DetailsCreate(Strict):
    """What the caller said after a preliminary dispatch (typed by the call-taker)."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=2000),
                    AfterValidator(_not_blank)]


class SplitRequest(Strict):
    """Why a merge is undone (kept on both timelines)."""

    reason: Reason


class Satisfaction(str, Enum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    dissatisfied = "dissatisfied"


class CallbackCreate(Strict):
    satisfaction: Satisfaction
    comment: Annotated[str, StringConstraints(max_length=1000)] | None = None


class UnitAssign(Strict):
    unit_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]


class UnitStatusChange(Strict):
    status: Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,20}$")]


class Position(Strict):
    lat: Latitude
    lon: Longitude
    crs: Crs = Crs.wgs84


PrecinctId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,32}$")]


class ReassignRequest(Strict):
    """``POST /v1/incidents/{id}/reassign`` (转派): the precinct that takes over, and why."""

    precinct: PrecinctId
    reason: Reason


class LocationFix(Strict):
    """``POST /v1/incidents/{id}/location`` (定位修正): a point clicked on the map
    (``lat``, ``lon``, ``crs``) or a ``candidate`` id from ``GET /v1/geo/suggest``."""

    lat: Latitude | None = None
    lon: Longitude | None = None
    crs: Crs = Crs.wgs84
    radius_m: float = Field(default=30.0, strict=True, gt=0, le=20_000,
                            description="how precisely the point is known (map click: 30 m)")
    candidate: Annotated[str, StringConstraints(min_length=3, max_length=200)] | None = None
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def _point_or_candidate(self) -> LocationFix:
        has_point = self.lat is not None or self.lon is not None
        if has_point and self.candidate is not None:
            raise ValueError("give either a point (lat, lon) or a candidate, not both")
        if has_point and (self.lat is None or self.lon is None):
            raise ValueError("a point needs both lat and lon")
        if not has_point and self.candidate is None:
            raise ValueError("give a point (lat, lon) or a candidate from /v1/geo/suggest")
        return self
