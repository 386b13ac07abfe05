"""Parse a free-form Chinese address into components.

The parser is deterministic and total: any string (empty, 5,000 characters, emoji)
gives an :class:`Address`; it never raises. Administrative units, communities and
known places come from gazetteer matches; roads, house numbers, buildings, unknown
landmarks and relations (附近, 对面, 交叉口 …) come from patterns, because no public
street or POI list exists for Baotou.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from geo.gazetteer import Gazetteer, Match
from geo.names import NAMESAKES, normalise_jiefang

MAX_CHARS: Final = 300  # addresses longer than this are truncated (a warning is kept)

_RELATIONS: Final = ("斜对面", "对面", "附近", "旁边", "交叉口", "十字路口", "路口", "门口", "周边",
                     "一带", "东侧", "西侧", "南侧", "北侧", "以东", "以西", "以南", "以北", "隔壁",
                     "后面", "背后", "里面", "楼下", "院内", "交汇处", "丁字路口", "环岛")
_RELATION_RE: Final = re.compile("|".join(sorted(_RELATIONS, key=len, reverse=True)))
_ROAD_RE: Final = re.compile(r"([\u4e00-\u9fff]{1,7}?(?:大街|大道|北路|南路|东路|西路|路|道|街|巷|胡同|公路))"
                             r"(?![\u4e00-\u9fff]{0,1}街道)")
_NUMBER_RE: Final = re.compile(r"(\d{1,5})号(?![楼院街])")
_BUILDING_RE: Final = re.compile(r"(\d{1,4})(?:栋|号楼|幢|座)(?:(\d{1,3})单元)?")
_LANDMARK_RE: Final = re.compile(
    r"([\u4e00-\u9fff]{2,8}?(?:广场|商场|购物中心|医院|卫生院|学校|小学|中学|大学|学院|公园|火车站|汽车站|"
    r"站|超市|酒店|宾馆|饭店|大厦|市场|银行|派出所|小区|花园|家园|新城|公寓|体育馆|体育场|影院|"
    r"寺|召|庙|加油站|服务区|收费站|立交桥|桥|工厂|厂|公司|园区))")
_AFTER_CITY: Final = r"(?=[\u4e00-\u9fff]{0,5}?(?:区|县|旗)|$|[，,。.!！?？\s])"
_CITY_RE: Final = re.compile(r"^(?:[\u4e00-\u9fff]{2,8}?(?:省|自治区))?([\u4e00-\u9fff]{2,4}?)市"
                             + _AFTER_CITY)
# Words ending in 市 that are not cities (超市, 门市, 夜市 …).
_NOT_CITY_TAIL: Final = ("超", "门", "菜", "夜", "集", "城", "股", "上", "早", "花", "鱼", "灯")
# "…在武汉市青山区…": a city inside the text counts only when a district-level unit follows.
_INNER_CITY_RE: Final = re.compile(r"(?:^|[在到去从于住是的，,。:：\s])([\u4e00-\u9fff]{2,4}?)市"
                                   r"(?=[\u4e00-\u9fff]{1,5}?(?:区|县|旗))")
_SPACE_RE: Final = re.compile(r"\s+")
_CONTENT_RE: Final = re.compile(r"[^\W_]")  # a letter, digit or CJK character


@dataclass(frozen=True, slots=True)
class Address:
    """Components found in one address string (all optional)."""

    text: str
    matches: tuple[Match, ...] = ()
    roads: tuple[str, ...] = ()
    number: str | None = None
    building: str | None = None
    landmark: str | None = None
    relation: str | None = None
    foreign_city: str | None = None  # "X市" at the start that the gazetteer does not know
    foreign_province: str | None = None
    truncated: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def has_content(self) -> bool:
        """True when the text has at least one CJK character, letter or digit."""
        return _CONTENT_RE.search(self.text) is not None


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), drop whitespace and controls,
    lower-case Latin letters."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():  # rare: only then pay for the per-character check
        text = "".join(ch for ch in text
                       if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return _SPACE_RE.sub("", text).lower()  # Latin names (Baotou Airport) match any case


def parse(text: str | None, gaz: Gazetteer) -> Address:
    """Split ``text`` into components and gazetteer matches.

    Args:
        text: Any string (or None).
        gaz: The loaded gazetteer.

    Returns:
        An :class:`Address`; empty components when nothing was recognised.
    """
    raw = normalise(text or "")
    truncated = len(raw) > MAX_CHARS
    clean = raw[:MAX_CHARS]
    matches = gaz.scan(clean)
    alt = normalise_jiefang(clean)
    if alt != clean:  # 少先路22号街坊 -> 少先二十二号街坊 (the NBS spelling)
        seen = {m.form for m in matches}
        matches += [m for m in gaz.scan(alt) if m.form not in seen]
    rest = list(clean)
    for m in matches:  # roads and landmarks are looked for only outside the known names
        if m.end <= len(rest) and "".join(rest[m.start:m.end]) == m.form:
            rest[m.start:m.end] = "|" * (m.end - m.start)
    residual = _RELATION_RE.sub("|", "".join(rest))
    roads = tuple(dict.fromkeys(_ROAD_RE.findall(residual)))
    number = _NUMBER_RE.search(clean)
    building = _BUILDING_RE.search(clean)
    landmark = next(iter(_LANDMARK_RE.findall(residual)), None)
    relation = _RELATION_RE.search(clean)
    foreign, foreign_province = None, None
    city = _CITY_RE.match(clean) or _INNER_CITY_RE.search(clean)
    if city and city.group(1).endswith(_NOT_CITY_TAIL):
        city = None
    # 去柳市 is going to 柳市 (a township), not a city named 去柳
    name = city.group(1).lstrip("在到去从于住是回往") if city else ""
    if city and len(name) >= 2 and not any(city.start(1) <= m.start < city.end() for m in matches) \
            and not any(m.start < city.start(1) < m.end for m in matches):
        foreign = name + "市"
    for district, cities in NAMESAKES.items():
        for name, province in cities:
            if name.removesuffix("市") + district in clean or name + district in clean:
                foreign, foreign_province = name, province
                break
    return Address(
        text=clean, matches=tuple(matches), roads=roads,
        number=number.group(1) if number else None,
        building=building.group(0) if building else None,
        landmark=landmark, relation=relation.group(0) if relation else None,
        foreign_city=foreign, foreign_province=foreign_province, truncated=truncated,
    )
