"""One report's life in a what-if run (``Record``), as the engine notes it and the KPIs
read it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dispatch.synthesis.model import Synthesis


@dataclass
class Record:
    """One report's life in the simulation (seconds from the start of the window)."""

    incident_id: str
    source_id: str | None
    channel: str
    call_t: float
    truth: Mapping[str, Any]
    received_t: float | None = None
    answered_t: float | None = None  # a call-taker picked up the 110 call (calls only)
    triaged_t: float | None = None
    assigned_t: float | None = None
    acked_t: float | None = None
    dispatched_t: float | None = None
    on_scene_t: float | None = None
    resolved_t: float | None = None
    arrival_due_t: float | None = None
    category: str | None = None
    priority: str | None = None
    precinct: str | None = None
    district: str | None = None
    district_name: str | None = None
    lat: float | None = None
    lon: float | None = None
    merged_into: str | None = None
    merged_by: str | None = None  # "system" (automatic) or "call_taker" (a suggestion merged)
    escalation: int = 0
    unit: str | None = None
    forum_reply_t: float | None = None
    forum_target_s: float | None = None
    escalations: list[tuple[float, int]] = field(default_factory=list)
    questions_asked: int = 0
    placed_on_line: bool = False  # the call-taker asked where and clicked the map
    preliminary: bool = False  # sent at the first facts (先期处置), the rest added later
    raised_by_answers: bool = False
    # Unplaced at the command centre: when it arrived there, when a precinct took it over
    # (the duty officer's 定位修正 or 转派), and which it was (candidate, reassign, kept).
    unplaced_t: float | None = None
    placed_t: float | None = None
    command_action: str | None = None
    # Synthesis: the kinds of its findings, their public and caller marks, the notes'
    # kinds, and the priority before a finding raised it (None: not raised).
    findings: tuple[str, ...] = ()
    synthesis_marks: tuple[str, ...] = ()
    note_kinds: tuple[str, ...] = ()
    raised_from: str | None = None
    raised_rules: tuple[str, ...] = ()


def note_synthesis(rec: Record, synthesis: Synthesis, triaged: str) -> None:
    """What the KPIs count of a report's synthesis."""
    rec.findings = tuple(f.kind.value for f in synthesis.findings)
    rec.synthesis_marks = tuple(sorted({str(m) for f in synthesis.findings
                                        for m in f.detail.get("marks", ())}))
    rec.note_kinds = tuple(sorted({str(k) for f in synthesis.findings
                                   if f.kind.value == "premise_note"
                                   for k in f.detail.get("kinds", ())}))
    if synthesis.priority and synthesis.priority < triaged:
        rec.raised_from = triaged
        rec.raised_rules = tuple(str(f.adjustment.get("rule")) for f in synthesis.findings
                                 if f.adjustment)
