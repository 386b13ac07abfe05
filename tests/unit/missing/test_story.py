"""The 17-minute story under a virtual clock, through the pure core only.

A 78-year-old man with dementia (grey jacket, about 170 cm) is reported missing; 40
minutes later a passer-by calls about an old man in a grey jacket walking in the road
1.2 km away. The sighting is matched against every open case (including a woman of the
same age in a grey jacket, who must not match), linked, the sighting's precinct is sent
to verify, and the case closes found well inside 17 minutes of the passer-by's call.
"""

from __future__ import annotations

import random
import time

from dispatch.missing.case import Case, CaseStatus, apply
from dispatch.missing.clothing import parse_clothing
from dispatch.missing.commands import (
    close_case,
    link_sighting,
    meet_target,
    open_case,
    register_found,
)
from dispatch.missing.effects import DispatchVerification, Effect
from dispatch.missing.events import CaseEvent, Outcome
from dispatch.missing.intake import is_sighting_report, sighting_from_report
from dispatch.missing.kpi import kpis_by_grade
from dispatch.missing.matcher import build_case_index, build_found_index, match_sighting
from dispatch.missing.matching import AUTO_LINK
from dispatch.missing.person import AgeRange, Condition, Gender, HeightRange, Person
from dispatch.missing.risk import RiskGrade
from dispatch.missing.sighting import FoundPerson
from dispatch.missing.targets import TargetState
from tests.unit.missing.builders import (
    KUNDULUN,
    SUMMER,
    GridPrecincts,
    last_seen,
    minutes,
    old_man,
    point_at,
)

T0 = SUMMER  # the family's 110 call


def open_and_fold(
    case_id: str, person: Person, lookup: GridPrecincts, at_min: float = 0
) -> tuple[Case, list[CaseEvent]]:
    events = list(
        open_case(
            case_id=case_id,
            person=person,
            last_seen=last_seen(T0 - minutes(20)),
            owner="officer-7",
            now=T0 + minutes(at_min),
            lookup=lookup,
        )
    )
    case: Case | None = None
    for e in events:
        case, _ = apply(case, e)
    assert case is not None
    return case, events


def step(
    case: Case, event: CaseEvent, timeline: list[CaseEvent]
) -> tuple[Case, tuple[Effect, ...]]:
    timeline.append(event)
    return apply(case, event)


def distractors(n: int) -> list[Case]:
    rng = random.Random(5)
    lookup_once = lambda lat, lon, r: ()
    out = []
    for i in range(n):
        age = rng.randint(3, 90)
        person = Person(
            gender=rng.choice([Gender.MALE, Gender.FEMALE]),
            age=AgeRange.exact(age),
            clothing=(
                parse_clothing(rng.choice(["红色外套", "蓝色羽绒服", "黑色夹克", "白色上衣"])),
            ),
        )
        where = point_at(KUNDULUN, rng.uniform(0, 20_000), rng.uniform(0, 360))
        events = open_case(
            case_id=f"d-{i}",
            person=person,
            owner="x",
            lookup=lookup_once,
            last_seen=last_seen(T0 - minutes(rng.uniform(0, 3000)), where),
            now=T0,
        )
        case: Case | None = None
        for e in events:
            case, _ = apply(case, e)
        assert case is not None
        out.append(case)
    return out


def test_the_17_minute_story() -> None:
    lookup = GridPrecincts()
    case, timeline = open_and_fold("m-story", old_man(), lookup)
    assert case.risk is not None and case.risk.grade is RiskGrade.HIGH
    woman = old_man(gender=Gender.FEMALE, name="李某某")
    woman_case, _ = open_and_fold("m-woman", woman, lookup)

    case, _ = step(case, meet_target(case, "precinct_dispatched", now=T0 + minutes(3)), timeline)
    case, _ = step(
        case, meet_target(case, "search_centre_activated", now=T0 + minutes(8)), timeline
    )
    case, _ = step(
        case, meet_target(case, "risk_review", now=T0 + minutes(25), by="sup-1"), timeline
    )

    # 40 minutes after the report: the passer-by's call, triaged as a sighting.
    call_at = T0 + minutes(40)
    where = point_at(KUNDULUN, 1_200.0, 45.0)
    extracted = {
        "ages": [{"text": "老大爷", "min": 65, "max": 85}],
        "gender": "male",
        "height_cm": None,
        "clothing": [{"text": "灰色夹克", "colour": "灰色", "item": "夹克"}],
        "features": [],
        "conditions": [],
        "places": ["钢铁大街"],
        "sighting": True,
    }
    assert is_sighting_report("missing_person", ["elderly"], extracted)
    sighting = sighting_from_report(
        incident_id="r-passerby",
        at=call_at,
        extracted=extracted,
        lat=where[0],
        lon=where[1],
        precinct=lookup.precinct_of(where),
        text="一位穿灰色夹克的老大爷在马路中间走",
    )

    cases = build_case_index([case, woman_case, *distractors(1_000)])
    found = build_found_index([FoundPerson("f-1", call_at - minutes(90), woman, *where)])
    started = time.perf_counter()
    matches = match_sighting(sighting, cases, found)
    assert time.perf_counter() - started < 1.0  # "within a second"

    assert matches.to_link and matches.to_link[0].id == "m-story"
    assert "m-woman" not in {c.id for c in matches.cases}  # the near-miss
    assert not matches.found  # the found woman is not him either
    best = matches.to_link[0]
    assert best.score >= AUTO_LINK and any(r.startswith("place_time") for r in best.reasons)

    case, effects = step(case, link_sighting(case, best, sighting, now=call_at), timeline)
    dispatch = [e for e in effects if isinstance(e, DispatchVerification)]
    assert dispatch == [
        DispatchVerification(
            "m-story", sighting.precinct or "", "r-passerby", dispatch[0].description
        )
    ]
    assert "78岁" in dispatch[0].description and "灰色夹克" in dispatch[0].description

    # The precinct verifies 9 minutes after the call; the family takes him home at 13.
    case, _ = step(
        case, register_found(case, now=call_at + minutes(9), incident_id="r-passerby"), timeline
    )
    case, _ = step(case, close_case(case, Outcome.FOUND_SAFE, now=call_at + minutes(13)), timeline)

    assert case.status is CaseStatus.CLOSED and case.closed_at is not None
    assert case.closed_at - sighting.at < minutes(17)
    assert case.time_to_found == minutes(49)
    assert case.sightings[0].incident_id == "r-passerby" and case.sightings[0].reasons
    states = {t.key: t.state(call_at + minutes(60)) for t in case.targets}
    assert states == {
        "precinct_dispatched": TargetState.MET,
        "search_centre_activated": TargetState.MET,
        "registered_broadcast": TargetState.MET,
        "risk_review#1": TargetState.MET,
        "risk_review#2": TargetState.CANCELLED,
        "located": TargetState.MET,
    }
    kpi = kpis_by_grade([case], call_at + minutes(60))[RiskGrade.HIGH]
    assert kpi.median_time_to_found == minutes(49) and kpi.share_targets_met == 1.0
    assert [e.type for e in timeline][-3:] == [
        "missing.sighting_linked",
        "missing.found_registered",
        "missing.closed",
    ]


def test_sighting_of_the_woman_does_not_link_to_the_old_man() -> None:
    lookup = GridPrecincts()
    case, _ = open_and_fold("m-story", old_man(), lookup)
    where = point_at(KUNDULUN, 1_200.0, 45.0)
    extracted = {
        "ages": [{"text": "78岁", "min": 78, "max": 78}],
        "gender": "female",
        "clothing": [{"text": "灰色夹克", "colour": "灰色", "item": "夹克"}],
        "conditions": ["dementia"],
        "sighting": True,
    }
    sighting = sighting_from_report(
        incident_id="r-2", at=T0 + minutes(40), extracted=extracted, lat=where[0], lon=where[1]
    )
    matches = match_sighting(sighting, build_case_index([case]), build_found_index([]))
    assert matches.cases == () and matches.to_link == ()
    assert Condition.DEMENTIA in sighting.person.conditions
    assert sighting.person.height is None and isinstance(old_man().height, HeightRange)
