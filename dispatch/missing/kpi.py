"""Closure KPIs per risk grade: median time to found and the share of targets met.

Computed from projected cases (``case.fold``); the simulator and the command console call
these with the same ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from dispatch.missing.case import Case, CaseStatus
from dispatch.missing.risk import RiskGrade
from dispatch.missing.targets import TargetState


@dataclass(frozen=True, slots=True)
class GradeKpi:
    """KPIs for the cases of one risk grade.

    Attributes:
        grade: the grade in force (after any override).
        cases: how many cases.
        closed: how many are closed.
        found: how many were located (closed or not).
        median_time_to_found: from report to located, ``None`` if none were found.
        targets_met: targets met on time.
        targets_decided: targets met or breached (pending and cancelled ones excluded).
    """

    grade: RiskGrade
    cases: int
    closed: int
    found: int
    median_time_to_found: timedelta | None
    targets_met: int
    targets_decided: int

    @property
    def share_targets_met(self) -> float | None:
        """Met ÷ decided, ``None`` when no target has been decided yet."""
        return self.targets_met / self.targets_decided if self.targets_decided else None


def kpis_by_grade(cases: Iterable[Case], now: datetime) -> dict[RiskGrade, GradeKpi]:
    """KPIs per grade over ``cases`` as they stand at ``now``.

    Returns:
        One entry per grade, including grades with no cases (zero counts).
    """
    groups: dict[RiskGrade, list[Case]] = {g: [] for g in RiskGrade}
    for case in cases:
        groups[case.risk.grade if case.risk else RiskGrade.LOW].append(case)
    return {grade: _kpi(grade, members, now) for grade, members in groups.items()}


def _kpi(grade: RiskGrade, cases: list[Case], now: datetime) -> GradeKpi:
    times = [c.time_to_found for c in cases if c.time_to_found is not None]
    states = [t.state(now) for c in cases for t in c.targets]
    met = sum(1 for s in states if s is TargetState.MET)
    breached = sum(1 for s in states if s is TargetState.BREACHED)
    return GradeKpi(
        grade=grade,
        cases=len(cases),
        closed=sum(1 for c in cases if c.status is CaseStatus.CLOSED),
        found=len(times),
        median_time_to_found=(
            timedelta(seconds=median(t.total_seconds() for t in times)) if times else None
        ),
        targets_met=met,
        targets_decided=met + breached,
    )
