"""The shared description vocabulary: colours, garments, marks, builds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from triage.appearance import (
    COLOURS,
    ITEMS,
    MARKS,
    build_code,
    build_similarity,
    colour_code,
    colour_similarity,
    item_code,
    item_similarity,
    marks_conflict,
    read_garments,
    read_marks,
)


def pairs(text: str) -> list[tuple[str | None, str | None]]:
    return [(g.colour, g.item) for g in read_garments(text)]


def test_a_colour_names_the_garment_after_it_and_no_further() -> None:
    assert pairs("穿黑棉袄解放鞋") == [("black", "padded_coat"), (None, "shoes")]
    assert pairs("黑羽绒服紫毛衣") == [("black", "down_jacket"), ("purple", "sweater")]
    assert pairs("白色短羽绒服") == [("white", "down_jacket")]
    assert pairs("蓝色带帽羽绒服") == [("blue", "down_jacket")]
    assert pairs("藏青色中山装外面套黑色棉大衣") == [("navy", "jacket"), ("black", "coat")]
    assert pairs("red jacket") == [("red", "jacket")]


def test_words_that_look_like_garments_are_not() -> None:
    assert pairs("包头东站") == [] and pairs("右手包着纱布") == []
    assert pairs("穿着纸尿裤") == []
    assert pairs("挎个黑包") == [("black", "bag")]


def test_colour_and_item_codes() -> None:
    assert colour_code("枣红色") == "dark_red" and colour_code("藏蓝") == "navy"
    assert colour_code("没有颜色") is None and item_code("棉大衣") == "coat"
    assert item_code(None) is None and item_code("纸尿裤") is None


def test_similarities() -> None:
    assert colour_similarity("red", "dark_red") == 0.75
    assert colour_similarity("grey", "black") == 0.5
    assert colour_similarity("light", "beige") == 0.6 and colour_similarity("dark", "pink") == 0
    assert colour_similarity("red", "green") == 0.0
    assert item_similarity("top", "down_jacket") == 0.8
    assert item_similarity("hat", "shoes") == 0.0 and item_similarity("jacket", "sweater") == 0.5
    assert item_similarity("hat", "unknown") == 0.0
    assert build_similarity("slim", "heavy") == 0 and build_similarity("medium", "slim") == 0.5


def test_marks_present_absent_and_phrased() -> None:
    m = read_marks("没戴眼镜，拄个拐，说一口山西话，问他叫啥说叫乐乐")
    assert m.present == {"walking_stick", "accent:山西", "name:乐乐"}
    assert m.absent == {"glasses"}
    assert m.phrases[0] == "没戴眼镜"
    assert "says_home:钢铁大街" in read_marks("她说住钢铁大街").present


def test_conflicts() -> None:
    assert marks_conflict(frozenset({"glasses"}), frozenset(), frozenset(), frozenset({"glasses"}))
    assert marks_conflict(frozenset({"long_hair"}), frozenset(), frozenset({"short_hair"}),
                          frozenset())
    local, shanxi, foreign = (frozenset({f"accent:{p}"}) for p in ("本地", "山西", "外地"))
    none = frozenset[str]()
    assert marks_conflict(local, none, shanxi, none)
    assert not marks_conflict(foreign, none, shanxi, none)
    assert marks_conflict(frozenset({"deaf_mute"}), none, shanxi, none)
    assert not marks_conflict(shanxi, none, shanxi, none)


def test_builds() -> None:
    assert build_code("胖乎乎的") == "heavy" and build_code("瘦小") == "slim"
    assert build_code("不胖不瘦") == "medium" and build_code(None) is None
    assert build_code("买了瘦肉") is None


@given(st.text(max_size=40))
def test_any_text_reads_to_known_codes(text: str) -> None:
    for g in read_garments(text):
        assert g.item in ITEMS and (g.colour is None or g.colour in COLOURS)
    m = read_marks(text)
    assert not m.present & m.absent
    assert all(x in MARKS or ":" in x for x in m.present | m.absent)
