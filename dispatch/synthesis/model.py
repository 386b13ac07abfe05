"""The values synthesis reads and returns: the report, its looked-up history, findings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from dispatch.domain.events import iso, parse_iso
from dispatch.missing import AnchorIndex, Case, Sighting, build_case_index
from dispatch.missing.matching import Anchor
from dispatch.synthesis.plates import PlateRead

# What a premise note (警情地址标注) may warn of. Codes on the wire; consoles label them.
NOTE_KINDS: tuple[str, ...] = (
    "mental_illness",  # 严重精神障碍患者
    "firearm",  # 登记枪支
    "hazardous_chemicals",  # 危险化学品
    "elderly_alone",  # 独居老人
    "dog",  # 犬只
    "officer_assault",  # 曾袭警
    "other",
)
# Notes that tell the dispatched unit to take care on arrival.
OFFICER_SAFETY_KINDS = frozenset({"firearm", "hazardous_chemicals", "officer_assault",
                                  "mental_illness", "dog"})
WATCH_LISTS: tuple[str, ...] = ("wanted", "stolen")  # 布控车辆, 被盗抢车辆


class Kind(str, Enum):
    """What a finding is about. The values are the wire codes."""

    CALLER_HISTORY = "caller_history"
    DV_RISK = "dv_risk"
    PLACE_HISTORY = "place_history"
    PREMISE_NOTE = "premise_note"
    WATCH_LIST = "watch_list"
    MISSING_PERSON = "missing_person"
    SERIES = "series"


@dataclass(frozen=True, slots=True)
class Subject:
    """The new report, as triage and geo left it.

    Attributes:
        incident_id: None for a preview (nothing is created).
        caller_key: the caller number's keyed hash (see ``callers.caller_key``), or None.
        sighting: the person the report describes, as the missing-person matcher reads
            it (``dispatch.missing.sighting_from_report``), or None (no person described).
    """

    incident_id: str | None
    at: datetime
    category: str | None
    priority: str | None
    flags: tuple[str, ...]
    lat: float | None
    lon: float | None
    caller_key: str | None
    text: str
    sighting: Sighting | None = None


@dataclass(frozen=True, slots=True)
class CaseRegister:
    """The open missing-person cases as the matcher indexes them (built once per change
    of the register, not per report).

    Attributes:
        index: ``dispatch.missing.build_case_index`` of the open cases.
        anchors: the same anchors by case id (for the evidence of a finding).
    """

    index: AnchorIndex
    anchors: Mapping[str, Anchor]

    @classmethod
    def of(cls, cases: Iterable[Case]) -> CaseRegister:
        """Index the open cases (closed and located ones are left out, as the matcher does)."""
        index = build_case_index(cases)
        return cls(index, {a.id: a for a in index.anchors})

    def __len__(self) -> int:
        return len(self.index)


@dataclass(frozen=True, slots=True)
class PastIncident:
    """An earlier incident as the synthesis index keeps it (a projection, see docs)."""

    id: str
    at: datetime
    category: str | None
    priority: str | None
    flags: tuple[str, ...]
    status: str | None  # None: not looked up (the index entry has no status)
    disposition: str | None = None
    lat: float | None = None
    lon: float | None = None
    precinct: str | None = None
    distance_m: float | None = None

    def to_record(self) -> dict[str, Any]:
        """The compact JSON the index stores (no text, no caller)."""
        return {"id": self.id, "at": iso(self.at), "category": self.category,
                "priority": self.priority, "flags": list(self.flags), "status": self.status,
                "disposition": self.disposition, "lat": self.lat, "lon": self.lon,
                "precinct": self.precinct}

    @classmethod
    def from_record(cls, data: Mapping[str, Any], distance_m: float | None = None) -> PastIncident:
        """Rebuild from :meth:`to_record` output."""
        return cls(id=str(data["id"]), at=parse_iso(data["at"]), category=data.get("category"),
                   priority=data.get("priority"), flags=tuple(data.get("flags") or ()),
                   status=data.get("status"), disposition=data.get("disposition"),
                   lat=data.get("lat"), lon=data.get("lon"), precinct=data.get("precinct"),
                   distance_m=distance_m)

    def evidence(self) -> dict[str, Any]:
        """What a finding shows of it."""
        out: dict[str, Any] = {"incident_id": self.id, "at": iso(self.at),
                               "category": self.category, "priority": self.priority,
                               "flags": list(self.flags), "status": self.status,
                               "disposition": self.disposition}
        if self.distance_m is not None:
            out["distance_m"] = round(self.distance_m, 1)
        return out


@dataclass(frozen=True, slots=True)
class PremiseNote:
    """警情地址标注: what a precinct wants a call-taker and a unit to know about a place."""

    id: str
    precinct: str
    lat: float
    lon: float
    radius_m: float
    kind: str
    text: str
    created_at: datetime
    expires_at: datetime
    created_by: str
    updated_at: datetime | None = None
    distance_m: float | None = None

    def is_live(self, at: datetime) -> bool:
        """True until the note expires."""
        return self.expires_at > at

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "precinct": self.precinct, "lat": self.lat,
                               "lon": self.lon, "radius_m": self.radius_m, "kind": self.kind,
                               "text": self.text, "created_at": iso(self.created_at),
                               "expires_at": iso(self.expires_at), "created_by": self.created_by,
                               "updated_at": iso(self.updated_at) if self.updated_at else None}
        if self.distance_m is not None:
            out["distance_m"] = round(self.distance_m, 1)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], distance_m: float | None = None) -> PremiseNote:
        return cls(id=str(data["id"]), precinct=str(data["precinct"]), lat=float(data["lat"]),
                   lon=float(data["lon"]), radius_m=float(data["radius_m"]),
                   kind=str(data["kind"]), text=str(data["text"]),
                   created_at=parse_iso(data["created_at"]),
                   expires_at=parse_iso(data["expires_at"]), created_by=str(data["created_by"]),
                   updated_at=parse_iso(data["updated_at"]) if data.get("updated_at") else None,
                   distance_m=distance_m)


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """A plate on a watch list (布控 / 被盗抢)."""

    plate: str
    list: str
    reason: str
    reference: str | None
    added_at: datetime
    expires_at: datetime | None = None

    def is_live(self, at: datetime) -> bool:
        return self.expires_at is None or self.expires_at > at

    def to_dict(self) -> dict[str, Any]:
        return {"plate": self.plate, "list": self.list, "reason": self.reason,
                "reference": self.reference, "added_at": iso(self.added_at),
                "expires_at": iso(self.expires_at) if self.expires_at else None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WatchEntry:
        return cls(plate=str(data["plate"]), list=str(data["list"]), reason=str(data["reason"]),
                   reference=data.get("reference"), added_at=parse_iso(data["added_at"]),
                   expires_at=parse_iso(data["expires_at"]) if data.get("expires_at") else None)


@dataclass(frozen=True, slots=True)
class History:
    """What the index holds that may bear on the subject.

    Attributes:
        caller: incidents filed under the subject's caller key (any age the index kept).
        nearby: incidents within the lookup radius (``distance_m`` set), any category.
        notes: premise notes whose point lies within the largest note radius.
        watch: watch-list entries for the plates read from the text.
        caller_counts: exact counts of the caller's *earlier* reports by window (days →
            count) when ``caller`` holds only the newest ones (a caller with thousands
            of calls); without it the rules count ``caller``.
        caller_dv: the caller's earlier domestic-violence reports, all of them (``caller``
            may hold only the newest reports).
        cases: the open missing-person cases, when the subject describes a person and the
            adapter has a register (None: not looked up).
    """

    caller: tuple[PastIncident, ...] = ()
    nearby: tuple[PastIncident, ...] = ()
    notes: tuple[PremiseNote, ...] = ()
    watch: Mapping[str, WatchEntry] = field(default_factory=dict)
    caller_counts: Mapping[int, int] = field(default_factory=dict)
    caller_dv: tuple[PastIncident, ...] = ()
    cases: CaseRegister | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the centre knows that bears on the report.

    Attributes:
        kind: what it is about.
        source: where it comes from (which index, which list).
        evidence: the earlier incidents, notes or list entries, with times and distances.
        detail: counts and marks.
        adjustment: when the finding changes a decision: ``{"priority": {"from", "to"},
            "rule", "reason"}``.
        private: derived from the caller's history: shown only to call-takers, command
            and the precinct the incident is assigned to.
    """

    kind: Kind
    source: str
    evidence: tuple[Mapping[str, Any], ...]
    detail: Mapping[str, Any] = field(default_factory=dict)
    adjustment: Mapping[str, Any] | None = None
    private: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "source": self.source,
                "evidence": [dict(e) for e in self.evidence], "detail": dict(self.detail),
                "adjustment": dict(self.adjustment) if self.adjustment else None,
                "private": self.private}


@dataclass(frozen=True, slots=True)
class Synthesis:
    """Every finding for one report and what they change.

    Attributes:
        priority: the priority the findings raise the report to (None: unchanged).
        reason: why, for the re-triage event.
        marks: the public marks for the incident summary (``watch_hit``, ``missing_hit``,
            ``series`` …);
            marks from caller history stay inside its (private) finding.
    """

    findings: tuple[Finding, ...]
    plates: tuple[PlateRead, ...] = ()
    priority: str | None = None
    reason: str | None = None
    marks: tuple[str, ...] = ()

    def evidence_ids(self) -> set[str]:
        """The earlier incidents the findings cite (whose outcome the adapter looks up)."""
        return {str(e["incident_id"]) for f in self.findings for e in f.evidence
                if "incident_id" in e}

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings],
                "plates": [{"plate": p.plate, "text": p.text, "partial": p.partial}
                           for p in self.plates],
                "priority": self.priority, "reason": self.reason, "marks": list(self.marks)}
