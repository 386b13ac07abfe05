"""Naming rules shared by the gazetteer build and the address parser.

Colloquial forms of the county-level units are curated here because no source file
lists them; each is in everyday use in Baotou (昆区, 土右, 达茂, 白云矿区, 高新区 …).
"""

from __future__ import annotations

import re
from typing import Final

# adcode -> colloquial forms (the official name is added by the build).
DISTRICT_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "150202": ("东河",),
    "150203": ("昆区", "昆都仑", "昆都伦区", "昆都伦"),  # 伦 for 仑 is a common slip
    "150204": ("青山",),
    "150205": ("石拐",),
    "150206": ("白云矿区", "白云鄂博", "白云区", "白云鄂博区", "白云"),
    "150207": ("九原",),
    "150221": ("土右旗", "土右", "土默特右", "土默特右旗"),
    "150222": ("固阳",),
    "150223": ("达茂旗", "达茂", "达尔罕茂明安旗", "达尔罕旗"),
    "150271": ("稀土高新区", "包头稀土高新技术产业开发区", "稀土高新技术产业开发区", "稀土开发区",
               "高新区", "稀土高新", "包头高新区", "高新技术开发区", "稀土高新技术开发区"),
}

# Districts whose names exist elsewhere too: "<city stem><name>" is out of area.
NAMESAKES: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "青山区": (("武汉市", "湖北省"),),
    "白云区": (("广州市", "广东省"), ("贵阳市", "贵州省")),
}

CITY_NAMES: Final = ("包头市", "包头", "鹿城")
PROVINCE_NAMES: Final = ("内蒙古自治区", "内蒙古", "内蒙")

# Short forms of the other provinces (the official names come from the data).
PROVINCE_SHORT_SUFFIX: Final = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")

_TOWN_SUFFIX: Final = re.compile(r"(街道办事处|街道|办事处|镇|乡|苏木|生态管理区)$")
_COMMUNITY_SUFFIX: Final = re.compile(r"(社区居委会|居民委员会|居委会|村民委员会|村委会|村委|居委)$")

_DIGITS: Final = "零一二三四五六七八九"


def town_short_forms(name: str) -> list[str]:
    """Surface forms of a town name: ``少先路街道`` -> ``少先路街道办事处``, ``少先路``."""
    forms = [name]
    stem = _TOWN_SUFFIX.sub("", name)
    if name.endswith("街道"):
        forms.append(name + "办事处")
        forms.append(stem + "办事处")
    if len(stem) >= 2 and stem != name:
        forms.append(stem)
    return forms


def community_forms(name: str) -> list[str]:
    """Surface forms of an NBS community/village name.

    ``友谊小区第一社区居委会`` -> ``友谊小区第一社区``; ``河北村村委会`` -> ``河北村``;
    ``钢二十三号街坊社区居委会`` -> ``钢二十三号街坊社区``, ``钢二十三号街坊``,
    ``钢二十三街坊``.
    """
    forms = [name]
    core = _COMMUNITY_SUFFIX.sub("", name)
    kind = _COMMUNITY_SUFFIX.search(name)
    if kind and kind.group(1) == "社区居委会":
        forms.append(core + "社区")
    elif kind and kind.group(1) in ("村委会", "村民委员会", "村委"):
        forms.append(core if core.endswith(("村", "嘎查")) else core + "村")
        if core.endswith("嘎查村"):
            forms.append(core.removesuffix("村"))
    elif core != name:
        forms.append(core)
    bare = core.removesuffix("社区")
    if kind and kind.group(1) == "社区居委会" and len(bare) >= 2 and not bare.endswith(
            ("小区", "街坊", "路", "街", "村", "第一", "第二", "第三", "一", "二", "三")):
        forms.append(bare + "小区")  # 佳园社区 serves 佳园小区
    if "街坊" in bare:
        head = bare[: bare.index("街坊") + 2]  # 少先二十二街坊花园小区 -> 少先二十二街坊
        for f in (bare, head):
            forms.append(f)
            forms.append(f.replace("号街坊", "街坊"))
            if "号街坊" not in f:
                forms.append(f.replace("街坊", "号街坊"))
    elif bare.endswith("小区") and len(bare) >= 4:
        forms.append(bare)
    return [f for f in dict.fromkeys(forms) if len(f) >= 2]


def chinese_number(n: int) -> str:
    """Render 1..99 the way NBS names write 街坊 numbers (二十三, 十, 十二)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _DIGITS[tens]
    return head + "十" + (_DIGITS[ones] if ones else "")


_JIEFANG: Final = re.compile(r"(路|大街|道)?(甲)?(\d{1,2})号?街坊")


def normalise_jiefang(text: str) -> str:
    """Rewrite ``少先路22号街坊`` as the NBS form ``少先二十二号街坊``."""

    def repl(m: re.Match[str]) -> str:
        n = int(m.group(3))
        return f"{m.group(2) or ''}{chinese_number(n)}号街坊" if 0 < n < 100 else m.group(0)

    return _JIEFANG.sub(repl, text)


# --- National units (NBS names): the forms a caller uses for them -------------------

# Ethnic-group words that precede 自治州/自治县/自治旗 in official names.
_ETHNIC: Final = ("蒙古", "朝鲜", "土家", "苗", "藏", "羌", "彝", "布依", "侗", "哈尼", "壮", "傣",
                  "白", "景颇", "傈僳", "回", "哈萨克", "柯尔克孜", "满", "瑶", "畲", "黎", "仡佬",
                  "水", "纳西", "拉祜", "佤", "布朗", "普米", "独龙", "怒", "达斡尔", "鄂温克",
                  "锡伯", "土", "撒拉", "东乡", "保安", "裕固", "仫佬", "毛南", "各", "塔吉克",
                  "维吾尔", "傈僳族怒", "哈尼族彝")
_ETHNIC_RE: Final = "(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")族"
_AUTONOMOUS_RE: Final = re.compile(f"^(.+?)(?:{_ETHNIC_RE}|{_ETHNIC_RE[:-1]})*自治(?:州|县|旗)$")
_ETHNIC_TAIL_RE: Final = re.compile(f"(?:{_ETHNIC_RE})+$")
_PROVINCE_SUFFIX: Final = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_PREFECTURE_SUFFIX: Final = re.compile(r"(市|盟|地区)$")
_COUNTY_SUFFIX: Final = re.compile(r"(新区|区|县|市|旗)$")
_NATIONAL_TOWN_SUFFIX: Final = re.compile(r"(街道办事处|街道|办事处|民族乡|镇|乡|苏木)$")
# A stem that reads as part of a name, not a place (阿拉善左(旗)), or as a common word.
_BAD_STEM_TAIL: Final = ("左", "右", "前", "中", "后", "郊", "矿", "林")
_GENERIC_STEMS: Final = frozenset({"城东", "城西", "城南", "城北", "城中", "新城", "老城", "古城",
                                   "开发", "高新", "经济", "新区", "市中", "郊区", "矿区", "林区",
                                   "城关", "新华", "和平", "解放", "人民", "长安", "永定"})


def province_forms(name: str) -> list[str]:
    """``河北省`` -> 河北; ``内蒙古自治区`` -> 内蒙古, 内蒙; ``北京市`` -> 北京."""
    stem = _PROVINCE_SUFFIX.sub("", name)
    forms = [name, stem] if len(stem) >= 2 else [name]
    if stem == "内蒙古":
        forms.append("内蒙")
    return forms


def prefecture_forms(name: str) -> list[str]:
    """``呼和浩特市`` -> 呼和浩特; ``延边朝鲜族自治州`` -> 延边; ``锡林郭勒盟`` -> 锡林郭勒."""
    m = _AUTONOMOUS_RE.match(name)
    stem = m.group(1) if m else _PREFECTURE_SUFFIX.sub("", name)
    return [name, stem] if len(stem) >= 2 and stem != name and stem not in _GENERIC_STEMS \
        else [name]


def county_forms(name: str) -> list[str]:
    """``托克托县`` -> 托克托; ``浦东新区`` -> 浦东; ``莫力达瓦达斡尔族自治旗`` -> 莫力达瓦;
    ``鄂托克旗`` -> 鄂托克.

    A stem such as 阿拉善左 (of 阿拉善左旗) is not something a caller says; the short
    forms of such banners are curated (阿左旗).
    """
    m = _AUTONOMOUS_RE.match(name)
    stem = m.group(1).removesuffix("族") if m else \
        _ETHNIC_TAIL_RE.sub("", _COUNTY_SUFFIX.sub("", name))
    # 乌拉特中 (of 乌拉特中旗) is half a name; 阆中 and 海林 (of 阆中市, 海林市) are whole.
    bad_tail = stem.endswith(_BAD_STEM_TAIL) and not name.endswith("市")
    if len(stem) < 2 or stem == name or bad_tail or \
            stem in _GENERIC_STEMS or "开发区" in name or "管理区" in name:
        return [name]
    return [name, stem]


def town_stem(name: str) -> str:
    """``花桥镇`` -> 花桥; ``柳市镇`` -> 柳市 (the name without its township suffix)."""
    return _NATIONAL_TOWN_SUFFIX.sub("", name)


def national_town_forms(name: str) -> list[str]:
    """``树林召镇`` -> 树林召; ``红卫路街道`` -> 红卫路街道办事处, 红卫路. Stems shorter
    than three characters are dropped: across 41,000 townships they are common words."""
    forms = [name]
    stem = _NATIONAL_TOWN_SUFFIX.sub("", name)
    if name.endswith("街道"):
        forms.append(name + "办事处")
    if len(stem) >= 3 and stem != name:
        forms.append(stem)
    return forms
