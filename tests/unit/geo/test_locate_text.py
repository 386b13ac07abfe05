"""locate() on address text: the issue's shapes, out of area, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo

ISSUE_EXAMPLES = [
    ("包头市昆都仑区钢铁大街与阿尔丁大街交叉口", "150203", None),
    ("昆区少先路22号街坊3栋", "150203", "150203001"),
    ("青山区幸福路万达广场对面", "150204", "150204002"),
    ("土右旗萨拉齐镇", "150221", "150221104"),
    ("东河区南门外大街附近", "150202", "150202004"),
    ("达茂旗百灵庙", "150223", "150223104"),
    ("白云矿区", "150206", None),
    ("友谊小区第一社区", "150203", "150203001"),
    ("包头站", "150203", None),
    ("钢铁大街", "150203", None),
]


@pytest.mark.parametrize("text,district,precinct", ISSUE_EXAMPLES)
def test_issue_examples(text: str, district: str, precinct: str | None) -> None:
    loc = geo.locate(text)
    assert loc.lat is not None and loc.radius_m is not None and loc.radius_m > 0
    assert loc.district == district
    if precinct is not None:
        assert loc.precinct == precinct
    assert loc.in_jurisdiction is True and loc.city == "包头市"
    assert loc.matched


def test_specific_places_are_more_confident_and_tighter() -> None:
    community = geo.locate("公园路社区")
    town = geo.locate("东站街道")
    district = geo.locate("东河区")
    city = geo.locate("包头市")
    assert community.confidence > district.confidence > city.confidence
    assert community.radius_m < town.radius_m < district.radius_m  # type: ignore[operator]
    assert city.district is None and city.precinct is None and city.in_jurisdiction is True


def test_district_only_text_has_no_precinct_but_candidates() -> None:
    loc = geo.locate("东河区")
    assert loc.precinct is None and len(loc.candidates) > 1


def test_relation_widens_radius() -> None:
    assert geo.locate("萨拉齐镇附近").radius_m > geo.locate("萨拉齐镇").radius_m  # type: ignore[operator]


def test_landmark_with_recorded_point() -> None:
    loc = geo.locate("包头机场停车场")
    assert loc.lat is not None and loc.lon is not None
    assert geo.distance_m((loc.lat, loc.lon), (40.560001373291016, 109.99700164794922)) < 1
    assert loc.district == "150202"


def test_short_town_alias_yields_to_county() -> None:
    loc = geo.locate("石拐五当召镇")
    assert loc.precinct == "150205101"


@pytest.mark.parametrize("text,city,province", [
    ("江苏省张家港市杨舍镇", "苏州市", "江苏省"),  # the county-level city is the county
    ("呼和浩特市新城区", "呼和浩特市", "内蒙古自治区"),
    ("达拉特旗树林召镇", "鄂尔多斯市", "内蒙古自治区"),
    ("武汉市青山区和平大道", "武汉市", "湖北省"),
    ("报警人称在西安市雁塔区被骗", "西安市", "陕西省"),
    ("报警人称在延安市宝塔区被骗", "延安市", "陕西省"),  # from the national index
    ("武汉青山区", "武汉市", "湖北省"),
    ("北京", "北京市", "北京市"),
])
def test_out_of_area(text: str, city: str, province: str | None) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is False
    assert loc.to_dict()["out_of_area"] is True
    assert loc.city == city and loc.province == province
    assert loc.district is None and loc.precinct is None


def test_qingshan_alone_stays_in_baotou_with_warning() -> None:
    loc = geo.locate("青山区")
    assert loc.in_jurisdiction is True and loc.district == "150204"
    assert any("武汉" in w for w in loc.warnings)


def test_contradiction_lowers_confidence() -> None:
    plain = geo.locate("少先路街道")
    odd = geo.locate("东河区少先路街道")
    assert odd.confidence < plain.confidence and odd.warnings


@pytest.mark.parametrize("text", ["", "   ", "。。。！！", "😀🚓", "x" * 5000, "????"])
def test_unplaceable_text_has_reason(text: str) -> None:
    loc = geo.locate(text)
    assert loc.lat is None and loc.lon is None and loc.reason
    assert loc.source == "none"


def test_address_field_preferred_over_text() -> None:
    loc = geo.locate("有人打架", address="土右旗萨拉齐镇")
    assert loc.precinct == "150221104" and loc.source == "address"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_locate_never_raises(text: str) -> None:
    loc = geo.locate(text)
    assert (loc.lat is None) == (loc.lon is None)
    if loc.lat is None and loc.in_jurisdiction is not False:
        assert loc.reason
    assert 0.0 <= loc.confidence <= 1.0


@pytest.mark.parametrize("text,inside", [
    ("呼和浩特来的车在昆区撞人了", True),       # the incident is in 昆区
    ("我在张家港，儿子在包头失联了", True),      # 包头 named on its own
    ("鄂尔多斯市东胜区天骄路", False),           # 天骄 is only a two-character stem here
    ("呼和浩特市回民区", False),                 # not Baotou's 回民街道
    ("包头市回民街道", None),
])
def test_mixed_cities(text: str, inside: bool | None) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is (inside is not False)
    if inside:  # True: another city is named too, and the console is told
        assert any("outside Baotou" in w for w in loc.warnings)


def test_named_town_needs_no_boundary_prompt() -> None:
    loc = geo.locate("土右旗萨拉齐镇")
    assert loc.precinct == "150221104" and loc.candidates == ()


def test_east_station_from_documented_bearing_to_the_airport() -> None:
    loc = geo.locate("包头东站广场")
    airport = (40.560001373291016, 109.99700164794922)
    assert loc.lat is not None and loc.lon is not None
    assert abs(geo.distance_m(airport, (loc.lat, loc.lon)) - 2400) < 5
    assert loc.precinct == "150202006"  # lands in 东站街道, the street named after it


@pytest.mark.parametrize("text,city,province", [
    ("我在西安出差手机被偷", "西安市", "陕西省"),
    ("到大同了", "大同市", "山西省"),
])
def test_other_cities_are_out_of_area(text: str, city: str, province: str) -> None:
    loc = geo.locate(text)
    assert (loc.in_jurisdiction, loc.city, loc.province) == (False, city, province)


@pytest.mark.parametrize("text", ["南京路", "青山区大同路"])
def test_city_named_roads_stay_in_baotou(text: str) -> None:
    assert geo.locate(text).in_jurisdiction is not False


def test_colloquial_place_names() -> None:
    assert geo.locate("二里半机场").district == "150202"
    assert geo.locate("铁道学院门口").lat is not None


def test_latin_names_any_case() -> None:
    assert geo.locate("BAOTOU airport").district == "150202"
    assert geo.locate("Ｂａｏｔｏｕ　Ａｉｒｐｏｒｔ").district == "150202"  # full-width


@pytest.mark.parametrize("text,city", [
    # The caller's own whereabouts given first, then someone else placed and harmed there.
    ("报警人在昆区，称其姐姐在太原小店区被人骗了", "太原市"),
    ("家长在青山区报的警，称儿子在郑州金水区被人扣住不放", "郑州市"),
    ("我在东河区报过警了，现在人在乌海海勃湾", "乌海市"),
    # ... with a relative the caller names as they do (舅, 爱人), alone there, or a house
    # back home; what happened said as it happens (中毒, 骗走, 跟着她, 叫人撬了).
    ("我在包头昆区，我舅在石嘴山大武口区开了个小卖部，刚打电话说店叫人砸了", "石嘴山市"),
    ("我在昆区上班，我妈一个人在呼市赛罕区家里，早上打电话说摔倒了起不来", "呼和浩特市"),
    ("我人在包头九原区，老家集宁区的房子邻居打电话说门开着，像是叫人撬了", "乌兰察布市"),
    ("我在包头青山区，我闺女在海拉尔区上班，说有个男的天天在她单位门口跟着她，今天又来了",
     "呼伦贝尔市"),
    # The matter told first, then where the caller is, away from it.
    ("我爸在老家山西朔州朔城区，今天早上出门到现在没回来，手机也关机了，我在包头青山区一时回不去",
     "朔州市"),
    ("磴口县巴彦高勒镇我们家的地让人给占了，还把我爸打了，我现在在包头东河区打工", "巴彦淖尔市"),
    ("我朋友在康巴什区上班，刚才发微信说让人捅了一刀，后来就联系不上了，我人在包头青山", "鄂尔多斯市"),
    ("我对象在呼市回民区租的房子，她说有个男的一直跟着她到楼下，还敲她门，我在包头九原区离得远",
     "呼和浩特市"),
    ("临河那边我停楼下的车让人砸了，物业给我打的电话，我现在在包头青山出差呢", "巴彦淖尔市"),
    ("我姐刚给我打电话哭，说她男人喝多了在家打她，她家在乌海海勃湾区，我在包头东河", "乌海市"),
    ("树林召镇上我小舅子让车撞了，我在包头昆区正往达拉特旗那边赶", "鄂尔多斯市"),
    # On the road: the stretch of an expressway inside a county, and the direction of
    # travel towards Baotou, which is not where it happened.
    ("包茂高速神木段，两个大车追尾，后面那个驾驶室都变形了", "榆林市"),
    ("G6京藏高速乌拉特前旗境内，往包头方向，一辆货车着火了", "巴彦淖尔市"),
    # Where someone is from, said as who they are (X的职工, X的孩子).
    ("九原区的老汉，在银川兴庆区住院没人管", "银川市"),
    # A journey from Baotou to the place of the matter; a home given bare at the opening.
    ("东河一个老太太坐错车到了临河，现在在临河火车站", "巴彦淖尔市"),
    ("住包头青山区，现在在府谷县煤矿上出事了", "榆林市"),
    # A nationally known hospital or market named without its city.
    ("湘雅二医院门口有人抢手机", "长沙市"),
    # Where a thing was bought; who a family is; a relative's home; the daily round.
    ("电动车是在昆区买的，在临河城里被偷了", "巴彦淖尔市"),
    ("我们全家是九原区的，来大理旅游被人骗了", "大理白族自治州"),
    ("我儿子在包头东河区住，我在大同云州区老家被人打了", "大同市"),
    ("在青山区上班，昨天去东胜区吃饭车被砸了", "鄂尔多斯市"),
    ("我在包头上班，老家定州的房子被人撬了", "保定市"),
    # Something happens at the place elsewhere; the Baotou place is where people live or work.
    ("我在九原区上班，我儿子在榆林横山区出车祸了", "榆林市"),
    ("我人在包头昆区，我爸一个人在乌兰浩特的家里摔倒了", "兴安盟"),
    ("他人在包头，之前在杭州西湖区一家公司上班，被老板骗了工资", "杭州市"),
])
def test_two_places_the_matter_is_where_it_happens(text: str, city: str) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is False, (text, loc)
    assert loc.city == city


def test_passing_through_a_baotou_town_and_struck_there_is_baotou() -> None:
    loc = geo.locate("货车从银川往北京走，路过土右美岱召镇被人拦车要钱")
    assert loc.in_jurisdiction is True and loc.district == "150221"


def test_an_event_in_the_baotou_clause_keeps_the_matter_in_baotou() -> None:
    loc = geo.locate("我在东河区西脑包被人打了，打我的人是从呼和浩特赛罕区来的")
    assert loc.in_jurisdiction is True
    loc = geo.locate("我在东河区，我妈在赤峰联系不上我，报了警")
    assert loc.in_jurisdiction is True

