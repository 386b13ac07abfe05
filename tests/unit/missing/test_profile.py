"""A case description and a sighting of the same person read to the same codes.

The case side goes through ``person_from_request`` (what the family's words in the POST
body become); the sighting side through triage (``classify``) and
``person_from_extracted``. Both are read by ``profile_of`` with triage's vocabulary.
"""

from __future__ import annotations

import pytest

from dispatch.missing.intake import person_from_extracted, person_from_request
from dispatch.missing.profile import Profile, profile_of
from triage import classify
from triage.appearance import item_similarity


def case(**person: object) -> Profile:
    return profile_of(person_from_request(person))


def sighting(text: str) -> Profile:
    return profile_of(person_from_extracted(classify(text).extracted))


def garments(p: Profile) -> set[tuple[str | None, str]]:
    return {(g.colour, g.item) for g in p.garments}


@pytest.mark.parametrize(
    ("typed", "said", "code"),
    [
        ("藏蓝色棉袄", "穿个深蓝色的棉衣", ("navy", "padded_coat")),
        ("枣红色羽绒服", "穿个暗红色的羽绒服", ("dark_red", "down_jacket")),
        ("酒红色羽绒服", "穿紫红色羽绒服", ("dark_red", "down_jacket")),
        ("玫红色羽绒服", "穿个粉红色的羽绒服", ("pink", "down_jacket")),
        ("咖色裤子", "咖啡色裤子", ("brown", "trousers")),
        ("卡其色夹克", "土黄色夹克", ("khaki", "jacket")),
        ("米白色棉袄", "白色的棉袄", ("white", "padded_coat")),
        ("军绿色棉大衣", "穿个绿色的军大衣", ("green", "coat")),
    ],
)
def test_compound_and_colloquial_colours_meet(typed: str, said: str, code: tuple[str, str]) -> None:
    family = case(gender="male", clothing=[typed])
    caller = sighting(f"路边有个老大爷，{said}，好像迷路了")
    assert code in garments(family) and code in garments(caller)


def test_two_words_for_one_winter_coat_score_close() -> None:
    assert item_similarity("padded_coat", "coat") == 0.8  # 大棉袄 / 军大衣
    assert item_similarity("padded_coat", "down_jacket") == 0.8  # 棉袄 / 羽绒服


def test_accessories_typed_as_clothing_meet_the_same_words_said_as_features() -> None:
    family = case(gender="male", clothing=["灰色毛线帽", "蓝色口罩"], features=["背个黑色布包"])
    caller = sighting("有个老大爷戴个灰帽子，戴着蓝口罩，背着个黑布包，在路边站着")
    assert {("grey", "hat"), ("blue", "mask"), ("black", "bag")} <= garments(family)
    assert {("grey", "hat"), ("blue", "mask"), ("black", "bag")} <= garments(caller)


def test_marks_in_different_words_are_the_same_codes() -> None:
    family = case(gender="male", features=["拄拐杖", "左脸有块黑痣", "驼背", "耳背，说话要大声"])
    caller = sighting("有个老大爷拄个拐棍，腰弯得厉害，脸上有颗痣，问他话得大声喊")
    wanted = {"walking_stick", "mole", "hunched", "hard_of_hearing"}
    assert wanted <= family.marks and wanted <= caller.marks


def test_a_mark_said_to_be_absent_stays_absent() -> None:
    caller = sighting("有个老大爷没戴眼镜，腰板挺直，说话挺清楚")
    assert {"glasses", "hunched", "slurred_speech"} <= caller.absent
    assert not caller.marks & {"glasses", "hunched", "slurred_speech"}


def test_accents_names_and_what_they_say_are_marks() -> None:
    family = case(gender="male", age=5, features=["会说自己叫乐乐", "山西口音重"])
    caller = sighting("有个小男孩在哭，问他叫啥说叫乐乐，说话是山西口音")
    assert {"name:乐乐", "accent:山西"} <= family.marks & caller.marks


def test_build_words_meet_build_codes() -> None:
    assert case(gender="female", build="胖").build == "heavy"
    assert case(gender="female", build="瘦小").build == "slim"
    assert sighting("有个老太太胖胖的，在路边转悠").build == "heavy"
    assert case(gender="male", features=["胖乎乎的"]).build == "heavy"


def test_travel_words_in_a_case_are_read() -> None:
    assert "bus" in case(gender="male", features=["有老年公交卡，爱坐公交车"]).travel
    assert "car" in case(gender="male", features=["开一辆银色哈弗H6"]).travel
    assert "bike" in case(gender="male", features=["骑一辆旧二八自行车"]).travel
