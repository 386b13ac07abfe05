from __future__ import annotations

from dispatch.missing.area import AreaProfile
from dispatch.missing.clothing import colour_similarity, item_similarity, parse_clothing
from dispatch.missing.matching import (
    AUTO_LINK,
    CANDIDATE_FLOOR,
    Anchor,
    CandidateKind,
    Observation,
    ScoreComponent,
    score,
)
from dispatch.missing.person import AgeRange, Condition, Gender, HeightRange, Person
from tests.unit.missing.builders import KUNDULUN, SUMMER, minutes, old_man, point_at

SEEN_AT = SUMMER + minutes(40)
NEAR = point_at(KUNDULUN, 1_200.0, 60.0)


def anchor(person: Person | None = None, profile: AreaProfile = AreaProfile.ON_FOOT) -> Anchor:
    return Anchor(
        CandidateKind.CASE, "c-1", person or old_man(), KUNDULUN[0], KUNDULUN[1], SUMMER, profile
    )


def seen(
    person: Person, at: object = SEEN_AT, point: tuple[float, float] | None = NEAR
) -> Observation:
    lat, lon = point if point else (None, None)
    return Observation(person, at, lat, lon)  # type: ignore[arg-type]


PASSER_BY = Person(gender=Gender.MALE, age=AgeRange(65, 85), clothing=(parse_clothing("灰色外套"),))


def test_story_sighting_scores_above_auto_link_with_reasons() -> None:
    cand = score(anchor(), seen(PASSER_BY))
    assert cand.score >= AUTO_LINK and cand.is_auto_link and cand.veto is None
    names = {c.name for c in cand.components}
    assert names == {"gender", "age", "clothing", "place_time"}
    assert any("1.2 km" in r for r in cand.reasons)


def test_near_miss_woman_same_age_grey_jacket_does_not_match() -> None:
    woman = Person(
        gender=Gender.FEMALE,
        age=AgeRange.exact(78),
        height=HeightRange(168, 172),
        clothing=(parse_clothing("灰色夹克"),),
    )
    cand = score(anchor(), seen(woman))
    assert cand.score == 0.0
    assert cand.veto is not None and "gender" in cand.veto
    assert cand.reasons[0].startswith("veto")


def test_young_man_in_grey_jacket_is_vetoed_by_age() -> None:
    young = Person(gender=Gender.MALE, age=AgeRange(25, 35), clothing=(parse_clothing("灰色夹克"),))
    cand = score(anchor(), seen(young))
    assert cand.score == 0.0 and cand.veto is not None and cand.veto.startswith("age")


def test_too_far_for_the_time_on_foot_is_vetoed_but_not_by_car() -> None:
    far = point_at(KUNDULUN, 30_000.0, 90.0)
    assert score(anchor(), seen(PASSER_BY, point=far)).veto is not None
    by_car = score(anchor(profile=AreaProfile.VEHICLE), seen(PASSER_BY, point=far))
    assert by_car.veto is None and by_car.score > 0


def test_seen_before_going_missing_is_vetoed_within_tolerance_only() -> None:
    assert score(anchor(), seen(PASSER_BY, at=SUMMER - minutes(90))).veto is not None
    assert score(anchor(), seen(PASSER_BY, at=SUMMER - minutes(10))).veto is None


def test_distance_lowers_the_place_component() -> None:
    near = score(anchor(), seen(PASSER_BY, point=point_at(KUNDULUN, 200.0)))
    farther = score(anchor(), seen(PASSER_BY, point=point_at(KUNDULUN, 6_000.0)))
    assert near.score > farther.score > 0


def test_thin_evidence_cannot_auto_link() -> None:
    only_gender = Person(gender=Gender.MALE)
    cand = score(anchor(), seen(only_gender, point=None))
    assert 0 < cand.score < CANDIDATE_FLOOR


def test_clothing_colour_and_item_grades() -> None:
    def clothing_sim(text: str) -> float:
        p = Person(gender=Gender.MALE, age=AgeRange(70, 85), clothing=(parse_clothing(text),))
        return next(
            c.similarity for c in score(anchor(), seen(p)).components if c.name == "clothing"
        )

    assert clothing_sim("灰色夹克") == 1.0
    assert 0.5 < clothing_sim("灰色大衣") < 1.0  # same colour, same body zone
    assert 0 < clothing_sim("银色夹克") <= 1.0
    assert clothing_sim("红色夹克") == 0.0
    assert clothing_sim("red jacket") == 0.0
    assert clothing_sim("grey jacket") == 1.0
    assert colour_similarity("grey", "black") == 0.5 and item_similarity("hat", "shoes") == 0.0


def test_height_features_and_conditions_count_when_known() -> None:
    full = Person(
        gender=Gender.MALE,
        age=AgeRange(70, 85),
        height=HeightRange(165, 175),
        clothing=(parse_clothing("灰色夹克"),),
        features=("拄着拐杖",),
        conditions=frozenset({Condition.DEMENTIA}),
    )
    cand = score(anchor(), seen(full))
    sims = {c.name: c.similarity for c in cand.components}
    assert sims["height"] == 1.0 and sims["conditions"] == 1.0 and sims["marks"] == 1.0

    def height_sim(lo: int, hi: int) -> float:
        p = Person(gender=Gender.MALE, age=AgeRange(70, 85), height=HeightRange(lo, hi))
        return next(c.similarity for c in score(anchor(), seen(p)).components if c.name == "height")

    assert height_sim(173, 176) == 1.0  # within the 5 cm tolerance
    assert 0.0 < height_sim(150, 158) < 1.0
    assert height_sim(145, 148) == 0.0  # 20 cm apart


def test_condition_not_on_record_scores_low() -> None:
    depressed = Person(
        gender=Gender.MALE, age=AgeRange(70, 85), conditions=frozenset({Condition.DEPRESSION})
    )
    sims = {c.name: c.similarity for c in score(anchor(), seen(depressed)).components}
    assert sims["conditions"] < 0.5


def test_symmetric_anchor_accepts_earlier_observations() -> None:
    record = Anchor(
        CandidateKind.FOUND, "f-1", old_man(), KUNDULUN[0], KUNDULUN[1], SEEN_AT, symmetric=True
    )
    cand = score(record, seen(PASSER_BY, at=SUMMER))
    assert cand.veto is None and cand.score >= AUTO_LINK


def test_sphere_distance_agrees_with_geopy() -> None:
    from geopy.distance import geodesic, great_circle  # type: ignore[import-untyped]

    from dispatch.missing.matching import sphere_distance_m

    for metres, bearing in ((0.0, 0.0), (1_200.0, 45.0), (35_000.0, 200.0), (400_000.0, 300.0)):
        other = point_at(KUNDULUN, metres, bearing)
        ours = sphere_distance_m(*KUNDULUN, *other)
        assert abs(ours - great_circle(KUNDULUN, other).meters) < 1e-6 * max(metres, 1.0)
        assert abs(ours - geodesic(KUNDULUN, other).meters) <= 0.005 * metres + 1e-6


# -- plausibility that uses what is known ------------------------------------------------


def child(age: int) -> Person:
    return Person(gender=Gender.FEMALE, age=AgeRange.exact(age),
                  clothing=(parse_clothing("黄色羽绒服"),))


def test_age_tolerance_scales_with_age() -> None:
    four = anchor(child(4))
    assert score(four, seen(child(5))).veto is None
    assert score(four, seen(child(9))).veto is not None  # 5 years is another child at 4
    assert score(four, seen(child(9))).veto.startswith("age")  # type: ignore[union-attr]
    eighty = anchor(old_man(age=AgeRange.exact(80)))

    def aged(years: int) -> Person:
        return Person(gender=Gender.MALE, age=AgeRange.exact(years),
                      clothing=(parse_clothing("灰色夹克"),))

    assert score(eighty, seen(aged(85))).score >= CANDIDATE_FLOOR  # 5 years at 80: offered
    assert score(eighty, seen(aged(82))).score >= AUTO_LINK


def test_a_vague_age_weighs_less_than_a_close_one() -> None:
    def age_part(low: int, high: int) -> ScoreComponent:
        p = Person(gender=Gender.MALE, age=AgeRange(low, high))
        return next(c for c in score(anchor(), seen(p)).components if c.name == "age")

    assert age_part(60, 100).weight < age_part(70, 79).weight == 2.0
    assert age_part(60, 100).similarity == age_part(70, 79).similarity == 1.0


def test_travel_by_bus_reaches_farther_than_walking() -> None:
    far = point_at(KUNDULUN, 12_000.0, 90.0)
    walker = anchor()
    assert score(walker, seen(PASSER_BY, point=far)).veto is not None
    on_a_bus = Observation(PASSER_BY, SEEN_AT, *far, travel=frozenset({"bus"}))
    assert score(walker, on_a_bus).veto is None
    rider = Anchor(CandidateKind.CASE, "c-2", old_man(features=("有老年公交卡，爱坐公交车",)),
                   KUNDULUN[0], KUNDULUN[1], SUMMER)
    cand = score(rider, seen(PASSER_BY, point=far))
    assert cand.veto is None and any("bus" in r for r in cand.reasons)


def test_the_sightings_uncertainty_counts_in_the_distance_test() -> None:
    far = point_at(KUNDULUN, 10_000.0, 90.0)
    exact = Observation(PASSER_BY, SEEN_AT, *far)
    cell_fix = Observation(PASSER_BY, SEEN_AT, *far, radius_m=8_000.0)
    assert score(anchor(), exact).veto is not None
    vague = score(anchor(), cell_fix)
    assert vague.veto is None
    place = next(c for c in vague.components if c.name == "place_time")
    assert place.weight < 1.0  # a vague fix tells little about where they are


def test_how_long_they_have_been_there_moves_the_arrival_earlier() -> None:
    far = point_at(KUNDULUN, 5_500.0, 90.0)
    just_seen = Observation(PASSER_BY, SEEN_AT, *far)
    there_since = Observation(PASSER_BY, SEEN_AT, *far, since=SUMMER + minutes(5))
    assert score(anchor(), just_seen).veto is None  # 40 min: 4.6 km reach, veto beyond 9
    assert score(anchor(), there_since).veto is not None  # arrived 5 min after: 1.5 km


def test_a_denied_mark_is_a_conflict_that_stops_the_link_but_keeps_the_offer() -> None:
    described = Person(gender=Gender.MALE, age=AgeRange(70, 85),
                       clothing=(parse_clothing("灰色夹克"), parse_clothing("黑色裤子")),
                       features=("拄拐杖",))
    assert score(anchor(), seen(described)).score >= AUTO_LINK
    denied = Person(gender=Gender.MALE, age=AgeRange(70, 85),
                    clothing=(parse_clothing("灰色夹克"), parse_clothing("黑色裤子")),
                    features=("没拄拐", "腰板挺直"))
    cand = score(anchor(), seen(denied))
    assert CANDIDATE_FLOOR <= cand.score < AUTO_LINK
    assert any(r.startswith("conflicts: walking_stick") for r in cand.reasons)


def test_common_clothing_tells_less_than_rare_clothing() -> None:
    def clothing_weight(text: str) -> float:
        p = Person(gender=Gender.MALE, age=AgeRange(70, 85), clothing=(parse_clothing(text),))
        case = anchor(old_man(clothing=(parse_clothing(text),)))
        return next(c.weight for c in score(case, seen(p)).components if c.name == "clothing")

    assert clothing_weight("黑色羽绒服") < clothing_weight("枣红色羽绒服")


def test_deaf_and_mute_conflicts_with_an_accent() -> None:
    case = anchor(old_man(features=("山西口音重",)))
    mute = Person(gender=Gender.MALE, age=AgeRange(70, 79), features=("聋哑",))
    assert any(r.startswith("conflicts: deaf_mute") for r in score(case, seen(mute)).reasons)
