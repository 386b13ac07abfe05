from __future__ import annotations

from dispatch.missing.area import AreaProfile
from dispatch.missing.clothing import colour_similarity, item_similarity, parse_clothing
from dispatch.missing.matching import (
    AUTO_LINK,
    CANDIDATE_FLOOR,
    Anchor,
    CandidateKind,
    Observation,
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
    assert sims["height"] == 1.0 and sims["conditions"] == 1.0 and sims["features"] > 0.3

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


def test_gender_age_and_place_alone_are_offered_never_linked() -> None:
    # Many people share a gender, an age and a street: one of them must agree on a garment,
    # a feature or the name before a link is made without a person.
    bare = Person(gender=Gender.MALE, age=AgeRange(70, 80))
    cand = score(anchor(), seen(bare))
    assert CANDIDATE_FLOOR <= cand.score < AUTO_LINK
    assert any(c.name == "not_distinctive" for c in cand.components)


def test_the_full_name_said_again_by_a_relative_is_strong_evidence() -> None:
    named = Person(name="王福贵", gender=Gender.MALE, age=AgeRange.exact(78),
                   clothing=old_man().clothing)
    again = Person(gender=Gender.MALE, clothing=(parse_clothing("灰色外套"),))
    obs = Observation(again, SEEN_AT, NEAR[0], NEAR[1], text="我是王福贵的儿子，我爸早上出门没回来")
    with_name = score(anchor(named), obs)
    without = score(anchor(named), seen(again))
    assert with_name.score > without.score and with_name.is_auto_link
    assert any(c.name == "name" for c in with_name.components)


def test_a_garment_without_colour_counts_its_item_at_a_lower_weight() -> None:
    plain = Person(gender=Gender.MALE, age=AgeRange(70, 80),
                   clothing=(parse_clothing("灰色外套"), parse_clothing("外套")))
    coloured_only = Person(gender=Gender.MALE, age=AgeRange(70, 80),
                           clothing=(parse_clothing("灰色外套"),))
    a, b = score(anchor(), seen(plain)), score(anchor(), seen(coloured_only))
    assert abs(a.score - b.score) < 1e-6  # the same item agreeing neither helps nor drowns
