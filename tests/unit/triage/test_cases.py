"""What naive keyword matching gets wrong (issue 3), and the safety rules."""

from __future__ import annotations

import pytest

from triage import classify
from triage.codes import NON_DISPATCH


@pytest.mark.parametrize(
    "text",
    [
        "我想死你了，好久不见，我想问问现在补办身份证要多久",
        "笑死了，我就是想问问派出所几点下班",
        "热死了，小区又停水了，物业电话没人接",
        "累死了，刚下班发现钥匙找不到了",
        "在市场杀价的时候跟老板吵起来了，他不退我钱",
        "砍价砍了半天，交了定金他又不卖了，定金也不退",
        "楼下服装店天天喊跳楼价大甩卖，喇叭声音特别大",
        "气死我了，楼上空调滴水滴到我家阳台",
    ],
)
def test_idioms_and_hyperbole_are_not_danger(text: str) -> None:
    result = classify(text)
    assert result.category != "self_harm"
    assert "weapon" not in result.flags
    assert result.priority != "P1"
    assert any(c.effect == "idiom:not_danger" for c in result.cues)


def test_news_about_a_jump_is_not_self_harm() -> None:
    result = classify("新闻里说有人跳楼，请问是我们小区吗")
    assert result.category != "self_harm"
    assert result.priority == "P4"
    assert any(c.effect == "reported:not_counted" for c in result.cues)


def test_a_hypothetical_the_caller_confirms_is_real() -> None:
    result = classify("如果一个人吃了一整瓶安眠药会怎样，我已经吃了")
    assert (result.category, result.priority) == ("self_harm", "P1")


def test_own_ideation_after_news_is_still_self_harm() -> None:
    result = classify("看到新闻说有人烧炭了，我也不想活了，炭已经买好了")
    assert result.category == "self_harm" and result.priority == "P1"


def test_negated_injury_is_not_flagged() -> None:
    result = classify("两辆车追尾了，人都没有受伤，对方不愿意走保险")
    assert result.category == "traffic"
    assert "injury" not in result.flags
    assert result.priority == "P3"
    assert any(c.effect == "negated" and c.phrase == "受伤" for c in result.cues)


def test_feared_injury_is_not_an_injury() -> None:
    result = classify("小区健身器材的钢管翘起来了，怕划伤孩子，物业不修")
    assert "injury" not in result.flags
    assert result.category not in ("violent_crime",)


def test_still_about_to_jump_is_not_negated() -> None:
    result = classify("他还没跳，还坐在楼顶边上，快来")
    assert result.category == "self_harm" and result.priority == "P1"


def test_past_assault_is_routine_but_in_progress_is_p1() -> None:
    past = classify("上个月在饭店门口被人打了一拳，当时没报警，现在想报案")
    live = classify("饭店门口有人正在打人，三个打一个，快来")
    assert past.category == live.category == "violent_crime"
    assert past.priority == "P3"
    assert live.priority == "P1" and "in_progress" in live.flags


def test_mother_calling_about_son_on_the_balcony() -> None:
    result = classify("我是他妈妈，我儿子十五岁，站在阳台外面说要跳下去")
    assert (result.category, result.priority) == ("self_harm", "P1")
    assert "minor" in result.flags
    assert "elderly" not in result.flags


def test_grandmother_reporting_a_missing_grandson_is_not_the_person_at_risk() -> None:
    result = classify("我是孩子的奶奶，孙子六岁在公园走丢了")
    assert (result.category, result.priority) == ("missing_person", "P1")
    assert "minor" in result.flags and "elderly" not in result.flags
    assert result.extracted["gender"] == "male"


@pytest.mark.parametrize(
    "text",
    [
        "自称公安局的说我涉嫌洗钱，让我把钱转到安全账户，我刚转了两万",
        "有个客服说我开通了百万保障要取消，让我下载会议软件共享屏幕，我正在操作",
        "我爸说有个检察院的人让他去宾馆单独住着配合调查，不许告诉家里人",
    ],
)
def test_fraud_the_caller_does_not_call_fraud(text: str) -> None:
    result = classify(text)
    assert result.category == "fraud"
    assert result.priority == "P2"


def test_a_dispute_that_turns_violent() -> None:
    quarrel = classify("跟邻居因为停车位吵了几句，没动手，想让民警来调解")
    fight = classify("跟邻居因为停车位吵着吵着他从屋里拿出菜刀来了")
    assert quarrel.category == "dispute" and quarrel.priority == "P3"
    assert fight.category == "violent_crime" and fight.priority == "P1"
    assert "weapon" in fight.flags


def test_missing_child_and_missing_with_dementia_are_p1() -> None:
    child = classify("我女儿七岁，放学到现在没回家，同学都说没看见")
    dementia = classify("我爸有老年痴呆，早上出去遛弯到现在没回来")
    assert (child.category, child.priority) == ("missing_person", "P1")
    assert "minor" in child.flags
    assert (dementia.category, dementia.priority) == ("missing_person", "P1")
    assert "dementia" in dementia.extracted["conditions"]


def test_a_wandering_elderly_person_found_is_a_p2_sighting() -> None:
    result = classify("在公交站遇到一个老大爷一直转悠，问他家在哪说不清")
    assert (result.category, result.priority) == ("missing_person", "P2")
    assert result.extracted["sighting"] is True


@pytest.mark.parametrize(
    "text",
    [
        "请问身份证丢了怎么补办，他刚才拿刀砍伤了我",
        "物业不管，楼道里有人拿刀追着砍人",
        "想问问户口的事，我现在不想活了",
    ],
)
def test_urgent_reports_are_never_non_dispatch(text: str) -> None:
    result = classify(text)
    assert result.priority in ("P1", "P2")
    assert result.category not in NON_DISPATCH


def test_consultation_mentioning_a_weapon_stays_consultation() -> None:
    result = classify("请问家里老人留下的猎枪想上交，去哪个派出所交")
    assert result.category == "consultation" and result.priority == "P4"
    assert result.flags == ()


def test_weapon_is_never_below_p2() -> None:
    result = classify("前几天有人发短信说要拿刀砍我，我有点害怕")
    assert result.priority in ("P1", "P2")
    assert "weapon" in result.flags


def test_domestic_violence_flag() -> None:
    result = classify("我老公喝醉了在家打我，我跑到楼下了，他还在砸门")
    assert result.category == "violent_crime"
    assert "domestic_violence" in result.flags and result.priority == "P1"


def test_fire_with_people_inside_is_p1_and_a_hazard_report_is_not() -> None:
    live = classify("对面楼三楼着火了，窗户往外冒黑烟，里面好像还有人")
    hazard = classify("楼道里堆满了纸箱，存在火灾隐患，建议物业清理")
    assert (live.category, live.priority) == ("fire_disaster", "P1")
    assert hazard.priority != "P1"


def test_dragging_a_person_into_a_car_is_abduction_but_a_dog_is_theft() -> None:
    person = classify("亲眼看见两个男的把一个女孩塞进了一辆面包车，车往北开了")
    dog = classify("我家的狗被偷了，监控拍到一个人抱走了")
    assert (person.category, person.priority) == ("violent_crime", "P1")
    assert dog.category == "property_crime" and dog.priority != "P1"


def test_call_taker_lines_are_not_the_callers_facts() -> None:
    text = (
        "接警员：有没有人受伤？有没有人拿刀？\n报警人：没有，就是两辆车蹭了一下，对方不肯走保险。"
    )
    result = classify(text)
    assert result.category == "traffic" and result.priority == "P3"
    assert "weapon" not in result.flags and "injury" not in result.flags
