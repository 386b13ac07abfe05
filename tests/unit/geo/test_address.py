"""Address parsing: components, normalisation, and totality (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geo.address import MAX_CHARS, Address, normalise, parse
from geo.gazetteer import gazetteer
from geo.names import chinese_number, community_forms, normalise_jiefang, town_short_forms


def forms(addr: Address) -> list[str]:
    return [m.form for m in addr.matches]


def test_components_of_an_intersection() -> None:
    addr = parse("包头市昆都仑区钢铁大街与阿尔丁大街交叉口", gazetteer())
    assert "昆都仑区" in forms(addr)
    assert addr.relation == "交叉口"
    assert any(m.entries[0].kind == "hint" for m in addr.matches)


def test_number_building_and_jiefang() -> None:
    addr = parse("昆区少先路22号街坊3栋", gazetteer())
    assert addr.building == "3栋"
    assert "少先二十二号街坊" in forms(addr)
    assert {"昆区", "少先路"} <= set(forms(addr))


def test_house_number_and_relation() -> None:
    addr = parse("东河区巴彦塔拉大街59号对面", gazetteer())
    assert addr.number == "59" and addr.relation == "对面"


def test_unknown_landmark_and_road_are_components() -> None:
    addr = parse("青山区幸福路万达广场对面", gazetteer())
    assert addr.landmark == "万达广场"
    assert addr.relation == "对面"
    addr = parse("九原区建华南路", gazetteer())
    assert "建华南路" in addr.roads


def test_foreign_city_detection() -> None:
    assert parse("武汉市青山区和平大道", gazetteer()).foreign_city == "武汉市"
    assert parse("报警人称在武汉市青山区被骗", gazetteer()).foreign_city == "武汉市"
    assert parse("华联超市门口", gazetteer()).foreign_city is None
    assert parse("包头市青山区", gazetteer()).foreign_city is None
    namesake = parse("武汉青山区", gazetteer())
    assert (namesake.foreign_city, namesake.foreign_province) == ("武汉市", "湖北省")


def test_normalise_full_width_and_spaces() -> None:
    assert normalise("昆区　少先路２２号\t") == "昆区少先路22号"
    assert normalise("\x00\u200b") == ""


def test_truncation_is_reported() -> None:
    addr = parse("昆区" * 1000, gazetteer())
    assert addr.truncated and len(addr.text) == MAX_CHARS


def test_jiefang_numbers() -> None:
    assert [chinese_number(n) for n in (1, 10, 12, 20, 23, 99)] == \
        ["一", "十", "十二", "二十", "二十三", "九十九"]
    assert normalise_jiefang("钢23号街坊") == "钢二十三号街坊"
    assert normalise_jiefang("团结甲16号街坊") == "团结甲十六号街坊"
    assert normalise_jiefang("少先路0号街坊") == "少先路0号街坊"


def test_name_forms() -> None:
    assert town_short_forms("少先路街道") == ["少先路街道", "少先路街道办事处", "少先路办事处", "少先路"]
    assert town_short_forms("萨拉齐镇") == ["萨拉齐镇", "萨拉齐"]
    assert "河北村" in community_forms("河北村村委会")
    assert "友谊小区第一社区" in community_forms("友谊小区第一社区居委会")
    assert {"钢二十三号街坊", "钢二十三街坊"} <= set(community_forms("钢二十三号街坊社区居委会"))
    assert "查干敖包嘎查" in community_forms("查干敖包嘎查村委会")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_parse_is_total(text: str) -> None:
    addr = parse(text, gazetteer())
    assert isinstance(addr, Address)
    assert len(addr.text) <= MAX_CHARS
    for m in addr.matches:
        assert m.entries and m.form in gazetteer().forms


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("昆区青山东河少先路街道号栋附近对面市省123 ，。😀"), max_size=60))
def test_parse_total_on_address_like_text(text: str) -> None:
    addr = parse(text, gazetteer())
    assert normalise(addr.text) == addr.text  # normalisation is idempotent
