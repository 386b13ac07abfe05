"""Both sides of sighting matching read a description the same way, and plausibility uses
what is known (issue 20)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from dispatch.missing import person_from_extracted, person_from_request, seen_at
from dispatch.missing.intake import parse_build, rode, sighting_from_report
from dispatch.missing.matcher import sighting_observation
from dispatch.missing.matching import Anchor, CandidateKind, score
from dispatch.missing.person import Build, Condition
from triage import classify
from triage.appearance import feature_codes

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
POINT = (40.6575, 109.8403)


def sighting_person(text: str):  # type: ignore[no-untyped-def]
    return person_from_extracted(classify(text).extracted)


@pytest.mark.parametrize(("family", "witness"), [
    ("藏青色棉袄", "穿个深蓝的棉衣"),
    ("酱紫色棉袄", "穿个紫红棉袄"),
    ("军绿色棉大衣", "穿个军大衣"),
    ("枣红色羽绒服", "穿着大红的羽绒服"),
])
def test_a_familys_garment_and_a_witness_words_are_the_same_codes(family: str,
                                                                 witness: str) -> None:
    case = person_from_request({"clothing": [family]}).clothing[0]
    seen = sighting_person(f"有个老人，{witness}").clothing[0]
    assert (case.colour, case.item) == (seen.colour, seen.item)


@pytest.mark.parametrize(("family", "witness"), [
    ("拄拐杖", "手里拄个棍儿"), ("满头白发", "头发全白了"), ("左脸有痣", "脸上左边有个黑点点"),
    ("驼背", "弯着腰"), ("戴老花镜", "戴着副眼镜"),
])
def test_features_meet_by_code(family: str, witness: str) -> None:
    assert feature_codes(family) & feature_codes(witness)


def test_dialect_words_give_gender_and_age() -> None:
    person = sighting_person("公交站有个后生在那哭")
    assert person.gender.value == "male" and person.age is not None and person.age.max <= 35
    assert sighting_person("看着顶多十五六").age is not None


def test_the_familys_own_relative_is_the_person_not_the_reporter() -> None:
    assert sighting_person("我是王福贵的女儿，我哥早上报过警了。我爸七十八了，有老年痴呆").gender.value \
        == "male"


def test_free_build_and_condition_words_never_refuse_a_case() -> None:
    assert parse_build("高大壮实") is Build.HEAVY and parse_build("中等个，背有点驼") is Build.MEDIUM
    person = person_from_request({"build": "瘦", "conditions": ["自闭症", "帕金森"]})
    assert Condition.DISABILITY in person.conditions and "帕金森" in person.features


def _anchor(age: int, **person: object) -> Anchor:
    p = person_from_request({"gender": "male", "age": age, **person})
    return Anchor(CandidateKind.CASE, "c", p, POINT[0], POINT[1], T0)


def _seen(text: str, minutes: float = 20, **kw: object):  # type: ignore[no-untyped-def]
    s = sighting_from_report(incident_id="i", at=T0 + timedelta(minutes=minutes),
                             extracted=classify(text).extracted, lat=POINT[0] + 0.005,
                             lon=POINT[1], text=text, **kw)  # type: ignore[arg-type]
    return sighting_observation(s)


def test_a_year_matters_for_a_child_not_for_an_old_man() -> None:
    assert score(_anchor(5), _seen("有个小男孩九岁，在哭")).veto is not None
    assert score(_anchor(80), _seen("有个老大爷八十四岁")).veto is None


def test_a_name_that_is_not_the_cases_is_another_person() -> None:
    case = _anchor(72, name="王福贵")
    assert score(case, _seen("有个老爷子七十来岁，他说他姓刘")).veto is not None
    assert score(case, _seen("有个老爷子七十来岁，他说他姓王")).veto is None


def test_a_person_accounted_for_is_only_offered() -> None:
    case = _anchor(8, clothing=["绿色棉袄"])
    alone = score(case, _seen("路边有个小男孩八岁，穿个绿棉袄，在哭"))
    with_mother = score(case, _seen("路边有个小男孩八岁，穿个绿棉袄，在哭，他妈就在旁边呢"))
    assert with_mother.score < alone.score and with_mother.score < 0.85


def test_the_callers_ride_is_not_the_persons() -> None:
    assert not rode("我早上开车路过石拐大发，路边有个老太太往山那边走")
    assert rode("她上了一辆公交车往东走了")
    assert not rode("在火车站门口站着")


def test_the_sighting_time_is_when_the_person_was_seen() -> None:
    received = T0 + timedelta(hours=2)
    report = SimpleNamespace(received_at=received, occurred_at=(T0 + timedelta(hours=1)).isoformat())
    assert seen_at(report) == T0 + timedelta(hours=1)
    later = SimpleNamespace(received_at=received, occurred_at=(T0 + timedelta(hours=3)).isoformat())
    assert seen_at(later) == received  # never after the report came in


@pytest.mark.parametrize("family_with_them", [
    "路边有个小男孩八岁，穿个绿棉袄，在哭，他奶奶领着他在买菜呢",
    "路边有个小男孩八岁，穿个绿棉袄，跟他爸妈一起吃饭呢",
    "12345转：路边有一男童约8岁，身穿绿色棉袄，经回访，由其母亲陪同，系本小区居民",
    "路边有个小男孩八岁，穿个绿棉袄，我以为是走丢的，结果是他姥姥在楼上喊他回家",
])
def test_family_beside_the_person_is_said_many_ways(family_with_them: str) -> None:
    case = _anchor(8, clothing=["绿色棉袄"])
    assert score(case, _seen(family_with_them)).score < 0.85


def test_the_one_a_child_cries_for_is_not_the_child() -> None:
    # 喊奶奶 names the grandmother, not the child's gender.
    assert sighting_person("保安抱到值班室一个小孩，说话说不清，一直喊奶奶").gender.value != "female"
    assert sighting_person("路口有一男童，约9岁").gender.value == "male"


def test_a_number_said_for_the_age_beats_the_word_for_the_person() -> None:
    teen = sighting_person("湖边有个后生十四五，黑羽绒服").age
    assert teen is not None and (teen.min, teen.max) == (14, 15)
    grown = sighting_person("台阶上有个小姑娘在哭，二十出头").age
    assert grown is not None and grown.min >= 20


def test_a_phrase_listing_two_garments_gives_both() -> None:
    clothing = person_from_request({"clothing": ["黑色棉服外面套蓝色校服"]}).clothing
    assert [(c.colour, c.item) for c in clothing] == [("black", "coat"), ("blue", "uniform")]


def test_a_colour_on_another_garment_is_weak_evidence() -> None:
    # A black coat seen where the family listed black trousers: a coat is never mistaken
    # for trousers; only the colour agrees.
    trousers = _anchor(30, clothing=["黑裤子"])
    coat = _anchor(30, clothing=["黑色羽绒服"])
    seen = _seen("有个小伙子三十岁左右，穿个黑羽绒服")
    assert score(trousers, seen).score < score(coat, seen).score - 0.1


@pytest.mark.parametrize("known_or_with_family", [
    "饭馆门口有一名穿蓝色工装的男子醉酒，其工友在旁陪同",
    "路口有个老太太穿红大衣，是我们楼下的李奶奶，她说钱包丢了",
    "公园里一个胖小子摔了一跤，他爸赶紧过去抱起来了",
    "一个老太太穿红呢子大衣，闺女挽着她慢慢走",
    "一个老奶奶蓝头巾，她儿子拎着菜在旁边扶着",
])
def test_more_ways_of_saying_the_person_is_with_someone_or_known(known_or_with_family: str) -> None:
    from triage.person import is_accounted_for
    assert is_accounted_for(known_or_with_family)
    # the same words negated, or a child who lost the parent, say nothing of the kind
    assert not is_accounted_for("说不是我们小区的，你们来领一下")
    assert not is_accounted_for("在万达跟他妈走散了，穿红羽绒服")


def test_a_spouse_of_either_gender_is_read_by_the_pronoun() -> None:
    person = sighting_person("我老伴儿中午去买菜到现在没回来，她八十了，我儿子已经去找了")
    assert person.gender.value == "female"
    teen = sighting_person("天桥上有个女孩子，十四五，黑羽绒服").age
    assert teen is not None and (teen.min, teen.max) == (14, 15)


def test_a_hedged_age_of_two_numerals_after_a_tens_word_is_read() -> None:
    age = sighting_person("公交站有个女的一直在哭，看着二十五六了").age
    assert age is not None and (age.min, age.max) == (25, 26)


@pytest.mark.parametrize("text", [
    "其父亲在旁称孩子智力有些问题，已随父亲离开",
    "他说他叫老刘，住这楼，他老婆下来把他拽上楼了",
    "我跟她妈也熟，不是要找的那个",
])
def test_family_taking_the_person_home_or_a_caller_who_knows_them(text: str) -> None:
    from triage.person import is_accounted_for
    assert is_accounted_for(text)
