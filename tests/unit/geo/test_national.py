"""The national gazetteer: every unit of China, Inner Mongolia's short forms, and the
weighing of a whole string between Baotou and places elsewhere."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

import geo
from geo.national import national
from geo.national_build import RAW_DIR, SHORT_FORMS_FILE


def _rows(name: str) -> list[dict[str, str]]:
    with (RAW_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_nbs_unit_is_indexed_with_parents_and_a_point() -> None:
    index = national()
    for name, n in (("china_provinces_nbs2023.csv", 31), ("china_cities_nbs2023.csv", 342),
                    ("china_areas_nbs2023.csv", 2978), ("china_streets_nbs2023.csv", 41352)):
        rows = _rows(name)
        assert len(rows) == n
        for r in rows:
            unit = index.units[r["code"]]
            assert unit.name == r["name"] and unit.radius_m > 0
            lat, lon = unit.point
            assert 3 < lat < 54 and 73 < lon < 136, r
    chain = index.chain("150122100")  # 双河镇, 托克托县
    assert (chain.province, chain.city, chain.county, chain.town) == \
        ("内蒙古自治区", "呼和浩特市", "托克托县", "双河镇")
    assert index.chain("110105").city == "北京市"  # the municipality is its own city
    assert index.chain("429004").city == "仙桃市"  # a directly administered county-level city


def _short_forms() -> list[dict[str, str]]:
    with SHORT_FORMS_FILE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_inner_mongolian_county_outside_baotou_has_a_curated_short_form() -> None:
    im = {r["code"]: r["name"] for r in _rows("china_areas_nbs2023.csv")
          if r["provinceCode"] == "15" and r["cityCode"] != "1502"}
    forms = _short_forms()
    assert set(im) <= {r["code"] for r in forms}
    for r in forms:
        official = im.get(r["code"]) or national().units[r["code"]].name
        assert official == r["name"] and r["form"] != r["name"] and r["evidence"]


def test_short_forms_resolve_to_their_unit_out_of_area() -> None:
    counts = Counter(r["form"] for r in _short_forms())
    for r in _short_forms():
        loc = geo.locate(r["form"])
        assert loc.in_jurisdiction is False, r["form"]
        assert loc.province == "内蒙古自治区", r["form"]
        if counts[r["form"]] > 1:  # 扎旗: 扎鲁特旗 or 扎赉特旗, said as such
            assert loc.alternatives, r["form"]
            continue
        code = r["code"]
        if len(code) == 6:
            assert loc.county_code == code, (r["form"], loc.county_code)
        else:
            assert loc.city == r["name"], r["form"]


@pytest.mark.parametrize("text,city,county", [
    ("托县双河镇", "呼和浩特市", "托克托县"),
    ("伊旗阿勒腾席热镇", "鄂尔多斯市", "伊金霍洛旗"),
    ("乌前旗", "巴彦淖尔市", "乌拉特前旗"),
    ("我在达旗树林召", "鄂尔多斯市", "达拉特旗"),
    ("准旗薛家湾镇有人打架", "鄂尔多斯市", "准格尔旗"),
    ("土左旗察素齐", "呼和浩特市", "土默特左旗"),
    ("武汉青山区幸福路", "武汉市", "青山区"),       # the named city outweighs 幸福路
    ("青山区冶金街道", "武汉市", "青山区"),         # a street only Wuhan's 青山区 has
    ("白云区同和街道", "广州市", "白云区"),
    ("长春朝阳区红旗街", "长春市", "朝阳区"),
    ("喀什市人民路", "喀什地区", "喀什市"),         # not 新疆 at large
    ("辽宁省丹东市元宝区金山镇", "丹东市", "元宝区"),
    ("到神木了", "榆林市", "神木市"),
    ("包头人在武汉青山区被打", "武汉市", "青山区"),  # where someone comes from is not where
    ("在土左旗，不是土右", "呼和浩特市", "土默特左旗"),  # a Baotou name that is denied
    ("在达旗，离包头不远", "鄂尔多斯市", "达拉特旗"),     # Baotou as a reference point
    ("济南市市中区", "济南市", "市中区"),
    ("青岛市北区", "青岛市", "市北区"),               # the 市 of 青岛市 starts the county
    ("我在东北吉林白城青山镇这边", "白城市", "洮北区"),    # a chain of names after any word
    ("集宁桥西", "乌兰察布市", "集宁区"),               # a side of the bridge, not a bridge
    ("青山区红钢城八街坊，武钢那个青山，不是包头的", "武汉市", "青山区"),  # the name repeated
    ("我是包头的，现在在广州白云区太和镇打工", "广州市", "白云区"),  # where the caller is from
    ("我在包头，我妈在鄂尔多斯东胜区出车祸了", "鄂尔多斯市", "东胜区"),  # the caller's city
    ("金山镇,甘谷县的,天水那边", "天水市", "甘谷县"),     # a namesake inside the place named
    ("我在土左，不是土右", "呼和浩特市", "土默特左旗"),     # 我在 before a place elsewhere
    ("青山湖区，南昌的", "南昌市", "青山湖区"),           # 南昌 is the city, not 南昌县
    ("天安门广场这儿", "北京市", "东城区"),              # a landmark names its county
    ("南京东路步行街", "上海市", "黄浦区"),
    ("王府井大街步行街", "北京市", "东城区"),            # the landmark's own street
    ("外滩中山东一路", "上海市", "黄浦区"),             # not 中山市
    ("人在武汉青山钢都花园小区门口", "武汉市", "青山区"),  # a generic 花园小区 says nothing
    ("北京通州万达广场", "北京市", "通州区"),          # a county stem right after its parent
    ("我包头的，出差在西安雁塔区", "西安市", "雁塔区"),    # 我(是)包头的: where the caller is from
    ("我老婆包头的，人在西宁城东区", "西宁市", "城东区"),  # a person's origin, 是 left out
    ("我人在呼市，新城区，包头的朋友让我打110", "呼和浩特市", "新城区"),  # Baotou qualifies a person
    ("东胜，市政府对面", "鄂尔多斯市", "东胜区"),          # 市政府: the government of the place named
    ("在鄂托克这边", "鄂尔多斯市", "鄂托克旗"),            # a banner's stem
    ("杭州东站出站口", "杭州市", "上城区"),               # a main station, named alone
    ("乐山大佛景区门口", "乐山市", "市中区"),             # a scenic area, named alone
    ("银川鼓楼这边", "银川市", "兴庆区"),                 # a common name after its city
    ("我家在包头东河区，现在人在大同平城区", "大同市", "平城区"),  # home, then where one is now
    ("我在义乌佛堂打工", "金华市", "义乌市"),      # a county stem, then one of its townships
    ("晋江安海这边", "泉州市", "晋江市"),
    ("到阆中了", "南充市", "阆中市"),              # a county-level city's stem ending in 中
    ("昌平沙河镇", "北京市", "昌平区"),           # a county first frames what follows it
    ("九原的车，跑到达旗那块儿和人撞了", "鄂尔多斯市", "达拉特旗"),  # a vehicle from Baotou
    ("青山区的人，在大同云冈那边摔伤了", "大同市", "云冈区"),        # a person from Baotou
    ("我在青山上班，我妈在老家山西偏关县摔了", "忻州市", "偏关县"),  # 在老家: the home town is the place
    ("我家在九原，我闺女在呼市回民区上学，一天联系不上了", "呼和浩特市", "回民区"),
    ("前几天在包头吵了一架，今天他追到临河来了", "巴彦淖尔市", "临河区"),
    ("我在东河住，我儿子在神木打工出事了", "榆林市", "神木市"),     # what someone did there
    ("我在包头东河上的车，到了府谷汽车站行李被偷了", "榆林市", "府谷县"),  # boarded there
    ("从包头往呼市走，过了土右旗，在土左旗察素齐这儿车坏了", "呼和浩特市", "土默特左旗"),  # passed through
    ("我前夫在九原，我现在在东胜我妈家，他说要过来打我", "鄂尔多斯市", "东胜区"),  # he is there, she is here
    ("石拐过去的游客，在凉城岱海边上出事了", "乌兰察布市", "凉城县"),
    ("我在包头上班，老家宁夏固原原州区的老父亲走丢了", "固原市", "原州区"),  # it happened at 老家
    ("我在土右萨拉齐，老家土左察素齐镇有人偷我家牛", "呼和浩特市", "土默特左旗"),
    ("我在石拐区，我爸在固原原州区的医院跟人打起来了", "固原市", "原州区"),  # 的医院跟人: no origin
    ("我在包头昆区，我妈在呼和浩特赛罕区家里，电话一直不接", "呼和浩特市", "赛罕区"),
    ("我在昆区，我爸在贵阳白云区打工，说被老板打了", "贵阳市", "白云区"),  # 被老板打
    ("我在东河区，我孩子在呼和浩特赛罕区上大学，三天没联系上了", "呼和浩特市", "赛罕区"),
    ("在康巴什打工的固阳人，在工地上被欠薪还挨了打", "鄂尔多斯市", "康巴什区"),  # works there
    ("在土右旗打工的张北人，回张北县老家后被人打了，家属在包头报警", "张家口市", "张北县"),  # 回…后
    ("家在东河区，儿子在鄂尔多斯东胜打工，打电话说被人扣在东胜一个工地上不让走", "鄂尔多斯市", "东胜区"),
])
def test_out_of_area_places_are_named(text: str, city: str, county: str) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is False and loc.district is None, text
    assert (loc.city, loc.county) == (city, county), text
    assert loc.lat is not None and loc.county_code is not None


def _landmark_rows() -> list[dict[str, str]]:
    import csv
    from pathlib import Path

    path = Path(geo.__file__).parent / "data" / "curated" / "landmarks_elsewhere.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_curated_landmark_names_a_known_unit() -> None:
    from geo.national import national

    units = national().units
    rows = _landmark_rows()
    assert len({r["form"] for r in rows}) == len(rows)
    for row in rows:
        assert units[row["code"]].name == row["name"], row
        assert row["alone"] in ("yes", "no"), row


def test_a_landmark_alone_names_its_county() -> None:
    for row in _landmark_rows():
        if row["alone"] == "yes":
            loc = geo.locate(row["form"])
            assert loc.in_jurisdiction is False and loc.county_code == row["code"], row


def test_no_landmark_shadows_a_baotou_name_unless_its_city_is_named() -> None:
    from geo.gazetteer import gazetteer
    from geo.national import national

    forms = gazetteer().forms
    nat = national()
    for row in _landmark_rows():
        if row["form"] in forms:  # 八一公园: Baotou's, unless the city is named (南昌八一公园)
            assert row["alone"] == "no", row
            assert geo.locate(row["form"]).in_jurisdiction is True, row
        if row["alone"] == "no":
            city = nat.chain(row["code"]).city or ""
            loc = geo.locate(city.removesuffix("市") + row["form"])
            assert loc.in_jurisdiction is False and loc.county_code == row["code"], row


def test_every_inner_mongolian_unit_is_known_by_its_stem() -> None:
    """Generated from the NBS names: 康巴什区 -> 康巴什, 鄂托克旗 -> 鄂托克 (stems ending in
    左/右/前/中/后, generic ones and Baotou's own names aside)."""
    import re

    from geo.gazetteer import gazetteer
    from geo.national import national

    nat, forms = national(), gazetteer().forms
    for code, unit in nat.units.items():
        if len(code) != 6 or not code.startswith("15") or code.startswith("1502"):
            continue
        stem = re.sub(r"(?:(?:达斡尔|鄂温克)族)?(?:自治)?(?:区|县|旗|市)$", "", unit.name)
        if len(stem) < 2 or stem.endswith(("左", "右", "前", "中", "后")) or \
                "开发" in stem or stem in ("新城",) or \
                any(e.kind != "outside" for e in forms.get(stem, ())):
            continue
        assert any(r.unit.code == code for r in nat.forms.get(stem, ())), (code, unit.name)


def test_a_place_where_something_is_stays_the_place() -> None:
    loc = geo.locate("我在包头的朋友家被打了，他是呼市来的")
    assert loc.in_jurisdiction is True
    assert geo.locate("灵丘县东河南镇").county == "灵丘县"  # the county named: the town stands
    # 我家在…: home is the place when nothing says the caller is elsewhere now.
    home = geo.locate("我家在青山区富强路，家里被盗了")
    assert home.in_jurisdiction is True and home.district == "150204"


def test_a_city_stem_alone_is_the_city_not_its_namesake_county() -> None:
    loc = geo.locate("南昌")
    assert (loc.city, loc.county) == ("南昌市", None)


@pytest.mark.parametrize("text,district,town", [
    ("青山区幸福路", "150204", "150204002"),
    ("固阳县金山镇", "150222", "150222102"),
    ("昆区呼伦贝尔路", "150203", None),              # a road named after a city
    ("磴口村", "150202", None),                     # Baotou's committee, not 磴口县
    ("东河区巴彦塔拉大街", "150202", None),
    ("我是山西河曲的，在东河南门外打工，被人打了", "150202", None),  # elsewhere is the origin
    ("我在九原区被人打了，打人的是鄂尔多斯东胜区的", "150207", None),
    ("东河南海公园", "150202", None),     # not a stem of 东河南镇 cutting through 南海公园
    ("东河南门外", "150202", "150202004"),  # 东河 + the start of 南门外…, not a bare 东河南镇
    ("我是包头昆区的，现在在青山区", "150204", None),  # the caller's origin is not the place
    ("青山区友谊大街", "150204", None),  # a road runs on: the named district wins over 昆区's 街道
])
def test_baotou_readings_stand(text: str, district: str, town: str | None) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is True and loc.district == district, text
    if town:
        assert loc.precinct == town


@pytest.mark.parametrize("text,inside", [
    ("金山镇", True), ("青山区", True), ("白云区", True),   # namesakes: Baotou, said
    ("朝阳区", False), ("鼓楼区", False),                  # only elsewhere, several places
])
def test_ambiguity_is_said_with_candidates(text: str, inside: bool) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is inside
    assert len(loc.alternatives) >= 1, text
    assert any("also" in w for w in loc.warnings), text


def test_weak_evidence_elsewhere_does_not_take_a_report_out_of_baotou() -> None:
    for text in ("人民路12号有人打架", "建设路", "富阳小区门口", "南京路", "乌兰察布东路"):
        assert geo.locate(text).in_jurisdiction is not False, text


def test_out_of_area_output_carries_county() -> None:
    from geo.wire import process_line

    out = json.loads(process_line('{"id": 7, "text": "托县双河镇"}') or "{}")
    assert out["in_jurisdiction"] is False and out["out_of_area"] is True
    assert (out["province"], out["city"], out["county"], out["county_code"]) == \
        ("内蒙古自治区", "呼和浩特市", "托克托县", "150122")


def test_the_town_named_outranks_where_a_source_puts_a_landmark() -> None:
    loc = geo.locate("石拐五当召镇，五当召景区门口")
    assert loc.precinct == "150205101" and any("documented" in w for w in loc.warnings)
    assert geo.locate("五当召景区").precinct == "150205202"  # alone, the source decides


def test_a_township_stem_inside_a_longer_word_is_that_word() -> None:
    # 河西公园 is a park; 西公园街道 is in Kashgar.
    loc = geo.locate("昆区河西公园门口有人打架")
    assert loc.in_jurisdiction and loc.district == "150203"
    assert geo.locate("河西公园").province is None


def test_the_caller_in_baotou_is_the_matter_when_only_their_relative_is_elsewhere() -> None:
    # 我妈在赤峰联系不上我: the mother elsewhere is looking for the caller, who is here.
    loc = geo.locate("我在东河区西脑包，我妈在赤峰联系不上我，报了警")
    assert loc.in_jurisdiction and loc.district == "150202"


@pytest.mark.parametrize("text, district", [
    ("我在北京上班，邻居说我固阳金山镇老家的房子被人撬了", "150222"),  # the caller is elsewhere
    ("我人在北京，老家土右旗美岱召镇有人偷我家的羊", "150221"),
    ("我在陕西神木，我爸一个人在白云鄂博矿区住，电话三天打不通，麻烦去看看", "150206"),
    ("住昆区青年路，网购被骗了，对方说他人在广东深圳", "150203"),  # the scammer's whereabouts
])
def test_a_caller_elsewhere_reporting_a_matter_in_baotou_is_placed_in_baotou(
        text: str, district: str) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is True and loc.district == district, text


def test_where_someone_came_from_to_baotou_is_their_origin() -> None:
    loc = geo.locate("巴彦淖尔五原县来包头看病的老人在医院门口晕倒了")
    assert loc.in_jurisdiction is True
