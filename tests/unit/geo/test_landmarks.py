"""Curated Baotou landmarks (landmark_hints.csv, place_aliases.csv): said as callers say
them, inside a sentence, they resolve to the district (and town) their sources give."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import geo

CURATED = Path(geo.__file__).parent / "data" / "curated"


@pytest.mark.parametrize("text,district,precinct", [
    ("一机医院门口有人打架", "150204", None),            # 内蒙古第一机械集团医院, 青山路24号
    ("我在科大南门这儿，手机被抢了", "150203", None),      # 内蒙古科技大学
    ("包铝厂门口两辆车撞了", "150202", "150202400"),       # 包头铝业, 铝业产业园区
    ("北重门口有人晕倒了", "150204", None),                # 北方重工
    ("二机厂家属院着火了", "150204", None),
    ("我们在梅力更景区走散了", "150207", None),            # 梅力更风景区, 九原区
    ("美岱召景区门口有人打架", "150221", "150221106"),     # 美岱召镇美岱召村
    ("吕祖庙这边丢了个孩子", "150202", None),              # 妙法禅寺
    ("奥体中心附近有人闹事", "150207", None),              # 包头奥林匹克体育中心
    ("阿善遗址那儿有人受伤", "150202", "150202101"),       # 阿善沟门村, 沙尔沁镇
    ("转龙藏公园里有人打架", "150202", None),
    ("希拉穆仁草原上游客走丢了", "150223", None),
    ("春坤山上车翻了", "150222", None),
    ("市二医院门口有人吵架", "150202", None),              # 包头市中心医院 (原第二医院)
])
def test_landmarks_said_by_callers_resolve_to_their_district(
        text: str, district: str, precinct: str | None) -> None:
    loc = geo.locate(text)
    assert loc.in_jurisdiction is True and loc.district == district, (text, loc.matched)
    if precinct is not None:
        assert loc.precinct == precinct, text


def test_a_landmark_on_a_district_boundary_needs_the_district() -> None:
    alone = geo.locate("肿瘤医院门口有人打架")  # 包头市肿瘤医院: '位于青昆两区交界'
    assert alone.lat is None and "no single district" in (alone.reason or "")
    named = geo.locate("青山区肿瘤医院门口有人打架")
    assert named.district == "150204"


def test_a_city_named_elsewhere_still_wins_over_a_baotou_landmark() -> None:
    loc = geo.locate("鄂尔多斯中心医院门口")
    assert loc.in_jurisdiction is False and loc.city == "鄂尔多斯市"


def _rows(name: str) -> list[dict[str, str]]:
    with (CURATED / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_hint_and_alias_row_names_its_evidence() -> None:
    for row in _rows("landmark_hints.csv") + _rows("place_aliases.csv"):
        assert row["evidence"].strip(), row


def test_every_alias_row_names_a_known_place_or_hint() -> None:
    from geo.sources import read_places

    names = {p.name for p in read_places()} | {r["name"] for r in _rows("landmark_hints.csv")}
    for row in _rows("place_aliases.csv"):
        assert row["name"] in names, row


def test_a_short_form_shared_by_two_landmarks_is_reported_as_ambiguous() -> None:
    # 草原英雄小姐妹: the 展览馆 in 白云鄂博矿区 and the 故居 in 达茂旗
    loc = geo.locate("草原英雄小姐妹那儿有人受伤")
    assert any("more than one place" in w for w in loc.warnings)
    assert loc.confidence < 0.3
    assert geo.locate("达茂旗草原英雄小姐妹故居").district == "150223"


@pytest.mark.parametrize("text,precinct", [
    ("昆都仑召庙社区有人打架", "150203100"),     # 召庙社区 (昆河镇), not 昆都仑召 + 庙社区
    ("九原鹿园社区一带有人吵架", "150207002"),   # 鹿园社区 (赛汗街道), not the 鹿园 park
    ("白云鄂博矿山路门口有人打架", "150206001"),  # 矿山路街道, not the mine
])
def test_landmark_forms_do_not_swallow_a_community_or_town(text: str, precinct: str) -> None:
    assert geo.locate(text).precinct == precinct, text
