from __future__ import annotations

from dispatch.missing.case import Case, apply
from dispatch.missing.clothing import parse_clothing
from dispatch.missing.commands import close_case, meet_target, open_case
from dispatch.missing.events import CaseEvent, Outcome
from dispatch.missing.kpi import kpis_by_grade
from dispatch.missing.matcher import match_case_against_found
from dispatch.missing.person import AgeRange, Gender, Person
from dispatch.missing.risk import RiskGrade
from dispatch.missing.sighting import FoundPerson
from tests.unit.missing.builders import KUNDULUN, SUMMER, last_seen, minutes, old_man, point_at

T0 = SUMMER


def no_precincts(lat: float, lon: float, radius_m: float) -> tuple[str, ...]:
    return ()


def opened(case_id: str, person: Person) -> Case:
    case: Case | None = None
    for e in open_case(
        case_id=case_id,
        person=person,
        last_seen=last_seen(T0 - minutes(10)),
        owner="o",
        now=T0,
        lookup=no_precincts,
    ):
        case, _ = apply(case, e)
    assert case is not None
    return case


def play(case: Case, event: CaseEvent) -> Case:
    return apply(case, event)[0]


def test_median_time_to_found_and_share_of_targets_met_per_grade() -> None:
    cases = []
    for i, found_after in enumerate((10, 20, 90)):
        case = opened(f"h-{i}", old_man())
        case = play(case, meet_target(case, "precinct_dispatched", now=T0 + minutes(4 + i)))
        cases.append(
            play(case, close_case(case, Outcome.FOUND_SAFE, now=T0 + minutes(found_after)))
        )
    low = opened("l-1", Person(gender=Gender.MALE, age=AgeRange.exact(30)))
    cases.append(play(low, close_case(low, Outcome.FALSE_REPORT, now=T0 + minutes(5))))

    kpis = kpis_by_grade(cases, T0 + minutes(200))
    high = kpis[RiskGrade.HIGH]
    assert (high.cases, high.closed, high.found) == (3, 3, 3)
    assert high.median_time_to_found == minutes(20)
    # closed at 10: registered, dispatched (4), located met; the rest cancelled, not due
    # closed at 20: the same three met; search centre (due 10) breached
    # closed at 90: registered and located met; dispatched at 6 (due 5), search centre
    #               and risk review #1 (due 30) breached
    assert (high.targets_met, high.targets_decided) == (3 + 3 + 2, 3 + 4 + 5)
    assert high.share_targets_met == 8 / 12
    assert kpis[RiskGrade.LOW].median_time_to_found is None
    assert kpis[RiskGrade.MEDIUM].share_targets_met is None


def test_new_case_is_matched_against_recent_found_records() -> None:
    case = opened("m-1", old_man())
    near = point_at(KUNDULUN, 800.0)
    records = [
        FoundPerson(
            "f-him",
            T0 - minutes(5),
            Person(
                gender=Gender.MALE, age=AgeRange(70, 85), clothing=(parse_clothing("灰色夹克"),)
            ),
            *near,
            held_at="钢铁大街派出所",
        ),
        FoundPerson(
            "f-woman",
            T0 - minutes(5),
            Person(
                gender=Gender.FEMALE, age=AgeRange(70, 85), clothing=(parse_clothing("灰色夹克"),)
            ),
            *near,
        ),
        FoundPerson("f-last-month", T0 - minutes(60 * 24 * 30), old_man(), *near),
        FoundPerson(
            "f-before", T0 - minutes(120), old_man(), *near
        ),  # found before he went missing
    ]
    found = match_case_against_found(case, records, T0)
    assert [c.id for c in found] == ["f-him"]
    assert found[0].kind.value == "found"


def test_unmatched_sighting_becomes_a_found_record_that_a_new_case_finds() -> None:
    from dispatch.missing.matcher import found_record_from_sighting
    from dispatch.missing.sighting import Sighting

    near = point_at(KUNDULUN, 500.0)
    seen = Sighting(
        "r-7",
        T0 - minutes(5),
        Person(gender=Gender.MALE, age=AgeRange(70, 85), clothing=(parse_clothing("灰色夹克"),)),
        *near,
        precinct="150203003",
    )
    record = found_record_from_sighting(seen, "f-7", held_at="派出所")
    assert (record.incident_id, record.precinct, record.found_at) == ("r-7", "150203003", seen.at)
    assert [c.id for c in match_case_against_found(opened("m-3", old_man()), [record], T0)] == [
        "f-7"
    ]
