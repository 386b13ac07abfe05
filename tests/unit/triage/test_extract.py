"""Facts extracted for downstream stages (missing-person workflow, geo)."""

from __future__ import annotations

import pytest

from triage import classify
from triage.extract import (
    extract_ages,
    extract_clothing,
    extract_conditions,
    extract_features,
    extract_gender,
    extract_height,
    extract_money,
    extract_phones,
    extract_places,
    extract_times,
    is_sighting,
)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("老人七十多岁", 70, 79),
        ("孩子8岁", 8, 8),
        ("七八十岁的老太太", 70, 89),
        ("十二三岁的男孩", 12, 13),
        ("五十来岁", 50, 59),
        ("70岁左右", 68, 72),
        ("他八十多了", 80, 89),
        ("我家老二七岁", 7, 7),
    ],
)
def test_numeric_ages(text: str, low: int, high: int) -> None:
    first = extract_ages(text)[0]
    assert (first["min"], first["max"]) == (low, high)


def test_numbers_first_then_words_in_text_order() -> None:
    ages = extract_ages("一个小孩跟着一个老人，老人大概六十多岁")
    assert [a["text"] for a in ages] == ["六十多岁", "小孩", "老人"]
    assert ages[1]["max"] < 18 and ages[2]["min"] >= 60


def test_the_reporter_age_word_is_skipped() -> None:
    assert [a["text"] for a in extract_ages("我是他奶奶，孩子6岁")] == ["6岁"]


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("我妈走丢了", "female"),
        ("一个小男孩在哭", "male"),
        ("我是他奶奶，我孙子不见了", "male"),
        ("有人报警", None),
    ],
)
def test_gender_of_the_person_at_risk(text: str, gender: str | None) -> None:
    assert extract_gender(text) == gender


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身高一米七", {"min": 170, "max": 170}),
        ("个子1米75", {"min": 175, "max": 175}),
        ("大约1.6米", {"min": 160, "max": 160}),
        ("身高170厘米左右", {"min": 167, "max": 173}),
        ("没说身高", None),
    ],
)
def test_height(text: str, expected: dict[str, int] | None) -> None:
    assert extract_height(text) == expected


def test_clothing_and_features() -> None:
    text = "穿红色羽绒服，黑裤子，戴眼镜，拄拐杖，脸上有刀疤"
    clothing = extract_clothing(text)
    assert [(c["colour"], c["item"]) for c in clothing] == [("红", "羽绒服"), ("黑", "裤子")]
    assert {"戴眼镜", "拄拐杖", "刀疤"} <= set(extract_features(text))


def test_conditions_and_their_negation() -> None:
    assert extract_conditions("有老年痴呆，还有抑郁症，要吃降压药") == [
        "dementia",
        "depression",
        "medication",
    ]
    assert extract_conditions("无精神疾病史") == []
    assert "disability" in extract_conditions("他走路都不太稳，腿脚不好")


def test_phones_money_and_times() -> None:
    assert extract_phones("电话13812345678，座机0472-1234567") == ["13812345678", "04721234567"]
    money = extract_money("转了两万多块，又转了3000元，一共被骗了1.5万")
    assert [m["yuan"] for m in money] == [20000, 3000, 15000]
    times = extract_times("十分钟前被抢了，刚才还看见他，现在他还在附近")
    assert times[0] == {"text": "十分钟前", "minutes_ago": 10, "in_progress": False}
    assert any(t["in_progress"] for t in times)
    assert extract_times("半小时前")[0]["minutes_ago"] == 30


def test_places_are_passed_as_typed() -> None:
    text = "在昆区钢铁大街万达广场门口发现一个小男孩"
    assert extract_places(text, text) == ["昆区钢铁大街万达广场门口"]
    text = "地址是青山区青年路18号楼2单元"
    assert extract_places(text, text) == ["青山区青年路18号楼2单元"]


def test_sighting_versus_own_relative_missing() -> None:
    assert is_sighting("在路边发现一个老人，问他家在哪说不清")
    assert not is_sighting("我妈走丢了，找不到家了")


def test_classify_fills_extracted_for_a_missing_person() -> None:
    result = classify("我妈妈七十多岁，有老年痴呆，早上出门没回来，穿红色棉袄，身高一米六左右")
    ex = result.extracted
    assert ex["ages"][0]["min"] == 70 and ex["gender"] == "female"
    assert ex["height_cm"] == {"min": 157, "max": 163}
    assert ex["clothing"][0]["item"] == "棉袄" and ex["conditions"] == ["dementia"]
    assert ex["sighting"] is False


def test_in_laws_give_the_gender_of_the_person_not_of_the_caller() -> None:
    from triage.person import extract_gender
    assert extract_gender("我婆婆冯某，七十六，走丢了，我老公报过一次了") == "female"
    assert extract_gender("我岳父早上出门没回来，我媳妇已经报警了") == "male"


def test_garments_said_without_colour_or_not_worn() -> None:
    from triage.person import extract_clothing
    got = [(c["colour"], c["item"]) for c in extract_clothing("就穿毛衣棉马甲，蓝色蒙古袍，马靴")]
    assert got == [("蓝", "蒙古袍"), (None, "毛衣"), (None, "马甲"), (None, "马靴")]
    assert extract_clothing("白头发没戴头巾") == []
    assert extract_clothing("我在包头东站等车") == []


def test_people_the_caller_knows_or_whose_family_came_are_accounted_for() -> None:
    from triage.person import is_accounted_for
    for text in ("我认识，是对面饭店的老板", "后来他妈妈过来了", "门卫说是小区的保洁",
                 "她爸妈拎着行李一直跟着", "是隔壁院的刘奶奶"):
        assert is_accounted_for(text), text
    assert not is_accounted_for("孩子一直喊妈妈，说妈妈来了就好了")
