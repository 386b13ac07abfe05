"""Risk grading: absent / low / medium / high, with the reasons that decided it.

The scale is the College of Policing's (Authorised Professional Practice, *Missing
persons*). Each rule below looks at the facts of the report and, when it fires, adds a
``RiskReason`` carrying the grade it alone would justify. The case's grade is the highest
reason; two or more ``medium`` reasons together make ``high`` (compound risk: a depressed
man who left by car on a winter night is not three separate medium risks).

A supervisor may override the grade with a reason (see ``commands.override_risk``); the
computed reasons stay on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from dispatch.missing.person import Condition, Person

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
ELDERLY_AGE = 70  # frailty and exposure risk rise steeply from here
EXTREME_COLD_C = -10.0  # Baotou winter nights reach -25 °C; -10 °C already kills in hours
WINTER_MONTHS = frozenset({11, 12, 1, 2, 3})  # Baotou mean night minimum below -5 °C
NIGHT_HOURS = frozenset({18, 19, 20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6})


class RiskGrade(str, Enum):
    """College of Policing missing-person risk grades, lowest first."""

    ABSENT = "absent"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for absent … 3 for high; compare grades with this."""
        return _RANKS[self]


_RANKS = {RiskGrade.ABSENT: 0, RiskGrade.LOW: 1, RiskGrade.MEDIUM: 2, RiskGrade.HIGH: 3}


@dataclass(frozen=True, slots=True)
class Circumstances:
    """Facts about the disappearance beyond the person's description.

    Attributes:
        out_of_character: the reporter says this has never happened before.
        vehicle: the person left driving or in a vehicle.
        suspected_crime: signs of abduction, trafficking or violence.
        temperature_c: current outdoor temperature, if the adapter knows it.
        no_apparent_risk: the call-taker judges the person merely not where expected
            (late home, no factor applies): grades ``absent`` instead of ``low``.
    """

    out_of_character: bool = False
    vehicle: bool = False
    suspected_crime: bool = False
    temperature_c: float | None = None
    no_apparent_risk: bool = False


@dataclass(frozen=True, slots=True)
class RiskReason:
    """One fired rule: a stable code, the grade it justifies, and a line for the console."""

    code: str
    grade: RiskGrade
    text: str


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    """The grade, why, and whether the case must be filed as a criminal case at once.

    Attributes:
        grade: the grade in force.
        reasons: the rules that fired (empty for absent/low without factors).
        criminal_case: a missing child or a missing girl under 18 (MPS 2010 rule).
        overridden_by: supervisor id when the grade was set by override.
        override_reason: the supervisor's stated reason.
    """

    grade: RiskGrade
    reasons: tuple[RiskReason, ...]
    criminal_case: bool
    overridden_by: str | None = None
    override_reason: str | None = None


def assess_risk(person: Person, circumstances: Circumstances, now: datetime) -> RiskAssessment:
    """Grade the risk of a missing-person report.

    Args:
        person: the missing person's description.
        circumstances: facts beyond the description.
        now: timezone-aware current time; decides "night" for the exposure rule.

    Returns:
        The assessment. Show ``reasons`` to the call-taker; if ``criminal_case`` is set,
        the adapter must open the criminal-case filing at once.
    """
    reasons = _person_reasons(person) + _circumstance_reasons(person, circumstances, now)
    grade = max((r.grade for r in reasons), key=lambda g: g.rank, default=None)
    mediums = [r for r in reasons if r.grade is RiskGrade.MEDIUM]
    if grade is RiskGrade.MEDIUM and len(mediums) >= 2:
        reasons += (
            RiskReason("compound", RiskGrade.HIGH, f"{len(mediums)} medium factors together"),
        )
        grade = RiskGrade.HIGH
    if grade is None:
        grade = RiskGrade.ABSENT if circumstances.no_apparent_risk else RiskGrade.LOW
    # Time since last seen is deliberately not a factor: there is no waiting period.
    return RiskAssessment(
        grade=grade,
        reasons=reasons,
        criminal_case=person.is_child or person.is_minor_girl,
    )


def _person_reasons(person: Person) -> tuple[RiskReason, ...]:
    high, medium = RiskGrade.HIGH, RiskGrade.MEDIUM
    out: list[RiskReason] = []
    if person.is_child:
        out.append(RiskReason("child_under_14", high, "儿童（不满14周岁）失踪"))
    elif person.is_minor_girl:
        out.append(RiskReason("girl_14_17", high, "14–17周岁女性失踪"))
    elif person.age is not None and person.age.max < 18:
        out.append(RiskReason("minor", medium, "未成年人失踪"))
    if Condition.DEMENTIA in person.conditions:
        out.append(RiskReason("dementia", high, "认知障碍（失智）"))
    if Condition.SUICIDAL in person.conditions:
        out.append(RiskReason("suicidal", high, "有自杀倾向"))
    if Condition.MEDICATION in person.conditions:
        out.append(RiskReason("medical_need", high, "需按时服药/医疗需求"))
    if Condition.MENTAL_ILLNESS in person.conditions:
        out.append(RiskReason("mental_illness", medium, "精神疾病"))
    if Condition.DEPRESSION in person.conditions:
        out.append(RiskReason("depression", medium, "抑郁"))
    if Condition.DISABILITY in person.conditions:
        out.append(RiskReason("disability", medium, "残疾或智力障碍"))
    if person.age is not None and person.age.min >= ELDERLY_AGE:
        out.append(RiskReason("elderly", medium, f"高龄（{ELDERLY_AGE}岁以上）"))
    return tuple(out)


def _circumstance_reasons(
    person: Person, circumstances: Circumstances, now: datetime
) -> tuple[RiskReason, ...]:
    out: list[RiskReason] = []
    if circumstances.suspected_crime:
        out.append(RiskReason("suspected_crime", RiskGrade.HIGH, "疑似被拐/被侵害"))
    if is_extreme_cold(circumstances.temperature_c, now):
        vulnerable = (
            bool(person.conditions)
            or person.is_child
            or (person.age is not None and person.age.min >= ELDERLY_AGE)
        )
        grade = RiskGrade.HIGH if vulnerable else RiskGrade.MEDIUM
        out.append(RiskReason("extreme_cold", grade, "严寒夜间户外暴露风险"))
    if circumstances.out_of_character:
        out.append(RiskReason("out_of_character", RiskGrade.MEDIUM, "行为反常（从未发生过）"))
    if circumstances.vehicle:
        out.append(RiskReason("vehicle", RiskGrade.MEDIUM, "驾车/乘车离开，范围扩大快"))
    return tuple(out)


def is_extreme_cold(temperature_c: float | None, now: datetime) -> bool:
    """Whether exposure is life-threatening now.

    With a measured temperature: at or below ``EXTREME_COLD_C``. Without one: a night hour
    (18:00–06:59 Beijing time) in a Baotou winter month (November–March).
    """
    if temperature_c is not None:
        return temperature_c <= EXTREME_COLD_C
    local = now.astimezone(LOCAL_TZ)
    return local.month in WINTER_MONTHS and local.hour in NIGHT_HOURS
