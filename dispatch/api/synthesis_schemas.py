"""Request bodies of the synthesis endpoints (docs/api.md, 接警即合成)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from pydantic import Field, StringConstraints

from dispatch.api.schemas import (
    AwareDatetime,
    Channel,
    Crs,
    DeviceLocation,
    Latitude,
    Longitude,
    PrecinctId,
    ShortText,
    Strict,
)
from dispatch.synthesis.model import NOTE_KINDS, WATCH_LISTS

NoteKind = Enum("NoteKind", {k: k for k in NOTE_KINDS}, type=str)  # type: ignore[misc]
WatchList = Enum("WatchList", {k: k for k in WATCH_LISTS}, type=str)  # type: ignore[misc]
NoteText = Annotated[str, StringConstraints(min_length=2, max_length=500, strip_whitespace=True)]
# A note covers a building or a compound, not a district: 10 m to 500 m.
NoteRadius = Annotated[float, Field(strict=True, ge=10, le=500,
                                    description="metres around the point (10–500)")]
WATCH_PAGE = 500  # entries per request: the body limit is 64 KiB


class SynthesisPreview(Strict):
    """``POST /v1/synthesis/preview``: what the call-taker has typed so far."""

    text: Annotated[str, StringConstraints(max_length=2000)] = ""
    channel: Channel = Channel.call
    phone: Annotated[str, StringConstraints(min_length=1, max_length=24)] | None = None
    address: Annotated[str, StringConstraints(max_length=200)] | None = None
    location: DeviceLocation | None = None


class NoteCreate(Strict):
    """``POST /v1/synthesis/notes`` (警情地址标注)."""

    lat: Latitude
    lon: Longitude
    crs: Crs = Crs.wgs84
    radius_m: NoteRadius = 30.0
    kind: NoteKind
    text: NoteText
    expires_at: AwareDatetime
    precinct: PrecinctId | None = Field(default=None, description=(
        "the owning precinct: a precinct token's own (default), or any for command "
        "(default: the precinct containing the point)"))


class NoteUpdate(Strict):
    """``PATCH /v1/synthesis/notes/{id}``: the fields to change."""

    radius_m: NoteRadius | None = None
    kind: NoteKind | None = None
    text: NoteText | None = None
    expires_at: AwareDatetime | None = None


class WatchEntryCreate(Strict):
    plate: Annotated[str, StringConstraints(min_length=1, max_length=20)]
    list: WatchList
    reason: ShortText
    reference: ShortText | None = None
    expires_at: AwareDatetime | None = None


class WatchLoad(Strict):
    """``POST /v1/synthesis/watchlist``: one page of entries (command only)."""

    entries: Annotated[list[WatchEntryCreate], Field(min_length=1, max_length=WATCH_PAGE)]
    replace: bool = Field(default=False, description=(
        "drop every entry first (send it with the first page of a full reload)"))
    source: ShortText = "api"
