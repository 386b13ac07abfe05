"""Request bodies of the missing-person endpoints (``dispatch/api/missing.py``).

Strict where it matters (ages 0–120, heights 40–250 cm, aware times, known grades and
outcomes), open elsewhere: extra fields in the case body are accepted and ignored.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from dispatch.api.schemas import AwareDatetime, DeviceLocation, Reason
from dispatch.missing import Outcome

IncidentId = Annotated[str, StringConstraints(pattern=r"^[0-9]{8}-[0-9A-Z]{8}$")]
Name = Annotated[str, StringConstraints(max_length=100)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 \-]{2,19}$")]


class Open(BaseModel):
    """Extra fields are welcome (kept out of the case, never an error)."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


class PersonIn(Open):
    name: Name | None = None
    gender: Annotated[str, StringConstraints(pattern=r"^(male|female|unknown)$")] | None = None
    age: int | None = Field(default=None, ge=0, le=120)
    age_range: tuple[int, int] | None = None
    height_cm: float | tuple[float, float] | None = None
    build: str | None = None
    clothing: list[str | dict[str, Any]] | None = Field(default=None, max_length=20)
    features: list[Annotated[str, StringConstraints(max_length=200)]] | None = Field(
        default=None, max_length=20)
    conditions: list[str] | None = Field(default=None, max_length=10)
    photo_ref: Name | None = None
    phone: Phone | None = None

    @field_validator("age_range")
    @classmethod
    def _age_range(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and not 0 <= v[0] <= v[1] <= 120:
            raise ValueError("needs 0 <= low <= high <= 120 years")
        return v

    @field_validator("height_cm")
    @classmethod
    def _height(cls, v: float | tuple[float, float] | None) -> float | tuple[float, float] | None:
        values = v if isinstance(v, tuple) else (v,) if v is not None else ()
        if any(not 40 <= h <= 250 for h in values) or (isinstance(v, tuple) and v[0] > v[1]):
            raise ValueError("a height must lie between 40 and 250 cm (low <= high)")
        return v


class LastSeenIn(Open):
    """Required ``at`` unless the case is opened from a report (``report_id``)."""

    at: AwareDatetime | None = None
    address: Annotated[str, StringConstraints(max_length=500)] | None = None
    location: DeviceLocation | None = None


class ReporterIn(Open):
    name: Name | None = None
    phone: Phone | None = None
    relation: Name | None = None


class CircumstancesIn(Open):
    out_of_character: bool = False
    vehicle: bool = False
    suspected_crime: bool = False
    temperature_c: float | None = Field(default=None, ge=-60, le=60)
    no_apparent_risk: bool = False


class CaseCreate(Open):
    """``POST /v1/missing``: ``person`` and ``last_seen`` are required without
    ``report_id``; with it, what they leave out comes from the report's triage."""

    person: PersonIn | None = None
    last_seen: LastSeenIn | None = None
    reporter: ReporterIn | None = None
    circumstances: CircumstancesIn | None = None
    report_id: IncidentId | None = None


class Grade(str, Enum):
    absent = "absent"
    low = "low"
    medium = "medium"
    high = "high"


class RiskOverride(BaseModel):
    model_config = ConfigDict(extra="forbid")
    grade: Grade
    reason: Reason


class CloseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Outcome
    found_at: AwareDatetime | None = None
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class Verification(BaseModel):
    model_config = ConfigDict(extra="forbid")
    found_at: AwareDatetime | None = None
    note: Annotated[str, StringConstraints(max_length=500)] = ""
    close_as: Outcome | None = None


class StatusFilter(str, Enum):
    open = "open"
    closed = "closed"
    all = "all"
