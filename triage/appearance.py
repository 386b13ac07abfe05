"""How a person looks, in one vocabulary: colours, garments and accessories, marks
(features and aids), body build, and the words for people that carry a gender or an age.

Triage reads a caller's words with it, and the missing-person case parser reads what the
family typed into a case with it, so a case ("藏蓝色棉袄，拄拐杖，左脸有块黑痣") and a
sighting of the same man ("穿个深蓝色的棉衣，拄个拐棍，脸上有颗痣") come out as the same
codes (``navy`` ``padded_coat``; ``walking_stick``, ``mole``). Every function takes
*folded* text (``triage.normalize.fold``: simplified, lower case, half width).

Codes:

* colours — ``COLOURS``; two colours that witnesses confuse score partly
  (``colour_similarity``): shades of one hue 0.75, neighbours under street light 0.5,
  the vague 浅色/深色 0.6 against every light/dark colour.
* garments — ``ITEMS``, each in a body ``ZONES`` entry; the same item 1, two words for
  one kind of winter coat 0.8, the same zone 0.5 (``item_similarity``).
* marks — ``MARKS``: features, aids, habits and accents; a mark can be said *absent*
  ("没戴眼镜", "腰板挺直"), and marks in one ``MARK_GROUPS`` entry exclude each other
  (long and short hair; a local and a Shanxi accent).
* build — ``slim``, ``medium``, ``heavy``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# -- colours --------------------------------------------------------------------------------

# Longest words first: 藏蓝 before 蓝, 紫红 before 紫 and 红, 米白 before 白.
_COLOUR_WORDS: tuple[tuple[str, str], ...] = (
    ("蓝白", "blue"), ("黑白", "black"), ("红白", "red"), ("白蓝", "white"),
    ("枣红", "dark_red"), ("暗红", "dark_red"), ("深红", "dark_red"), ("酒红", "dark_red"),
    ("紫红", "dark_red"), ("酱红", "dark_red"), ("绛红", "dark_red"), ("褐红", "dark_red"),
    ("玫红", "pink"), ("玫瑰红", "pink"), ("桃红", "pink"), ("粉红", "pink"), ("粉", "pink"),
    ("大红", "red"), ("鲜红", "red"), ("红", "red"),
    ("藏蓝", "navy"), ("藏青", "navy"), ("深蓝", "navy"), ("宝蓝", "navy"), ("海军蓝", "navy"),
    ("浅蓝", "light_blue"), ("天蓝", "light_blue"), ("淡蓝", "light_blue"), ("水蓝", "light_blue"),
    ("蓝", "blue"), ("青", "blue"),
    ("军绿", "green"), ("墨绿", "green"), ("草绿", "green"), ("深绿", "green"), ("绿", "green"),
    ("米白", "white"), ("乳白", "white"), ("白", "white"),
    ("米黄", "beige"), ("米色", "beige"), ("杏色", "beige"), ("奶白", "beige"),
    ("卡其", "khaki"), ("土黄", "khaki"), ("驼色", "khaki"), ("军黄", "khaki"),
    ("咖啡", "brown"), ("咖色", "brown"), ("棕", "brown"), ("褐", "brown"), ("栗色", "brown"),
    ("橘黄", "orange"), ("橙", "orange"), ("橘", "orange"),
    ("黄", "yellow"), ("金黄", "yellow"),
    ("深灰", "grey"), ("浅灰", "grey"), ("银灰", "grey"), ("银", "grey"), ("灰", "grey"),
    ("乌黑", "black"), ("黑", "black"),
    ("紫", "purple"),
    ("浅色", "light"), ("淡色", "light"), ("深色", "dark"),
    ("花", "pattern"), ("格子", "pattern"), ("迷彩", "pattern"),
    ("navy", "navy"), ("black", "black"), ("white", "white"), ("grey", "grey"),
    ("gray", "grey"), ("silver", "grey"), ("red", "red"), ("orange", "orange"),
    ("yellow", "yellow"), ("green", "green"), ("blue", "blue"), ("purple", "purple"),
    ("pink", "pink"), ("brown", "brown"), ("khaki", "khaki"), ("beige", "beige"),
)
COLOURS: frozenset[str] = frozenset(code for _, code in _COLOUR_WORDS)
_COLOUR_OF = dict(_COLOUR_WORDS)

_LIGHT = frozenset({"white", "beige", "khaki", "yellow", "pink", "light_blue", "grey"})
_DARK = frozenset({"black", "navy", "dark_red", "brown", "grey", "purple", "green"})
_SHADES: frozenset[frozenset[str]] = frozenset(frozenset(p) for p in (
    ("red", "dark_red"), ("blue", "navy"), ("blue", "light_blue"), ("beige", "khaki"),
    ("beige", "white"),
))
_NEIGHBOURS: frozenset[frozenset[str]] = frozenset(frozenset(p) for p in (
    ("grey", "black"), ("grey", "white"), ("navy", "black"), ("red", "pink"),
    ("red", "orange"), ("dark_red", "purple"), ("dark_red", "brown"), ("dark_red", "pink"),
    ("brown", "khaki"), ("yellow", "khaki"), ("purple", "pink"), ("orange", "yellow"),
    ("light_blue", "white"), ("light_blue", "grey"), ("green", "khaki"),
))


# How much a colour tells: black and grey coats are what half of Baotou wears in winter.
COLOUR_RARITY: dict[str, float] = {"black": 0.5, "grey": 0.7, "navy": 0.8, "dark": 0.5,
                                   "light": 0.5}


def colour_similarity(a: str, b: str) -> float:
    """1 for one colour, 0.75 for two shades of a hue, 0.6 for 浅色/深色 against a light or
    dark colour, 0.5 for colours witnesses confuse, else 0."""
    if a == b:
        return 1.0
    pair = frozenset((a, b))
    if pair in _SHADES:
        return 0.75
    if "light" in pair or "dark" in pair:
        other = b if a in ("light", "dark") else a
        return 0.6 if other in (_LIGHT if "light" in pair else _DARK) else 0.0
    return 0.5 if pair in _NEIGHBOURS else 0.0


# -- garments -------------------------------------------------------------------------------

_ITEM_WORDS: tuple[tuple[str, str], ...] = (
    ("羽绒马甲", "vest"), ("反光马甲", "vest"), ("马甲", "vest"), ("背心", "vest"),
    ("羽绒服", "down_jacket"), ("羽绒衣", "down_jacket"), ("面包服", "down_jacket"),
    ("棉大衣", "coat"), ("军大衣", "coat"), ("呢子大衣", "coat"), ("皮大衣", "coat"),
    ("大衣", "coat"), ("风衣", "coat"),
    ("棉袄", "padded_coat"), ("棉服", "padded_coat"), ("棉衣", "padded_coat"),
    ("冲锋衣", "jacket"), ("皮夹克", "jacket"), ("夹克", "jacket"), ("外套", "jacket"),
    ("中山装", "jacket"), ("西装", "jacket"), ("西服", "jacket"),
    ("工作服", "workwear"), ("工装", "workwear"), ("劳保服", "workwear"),
    ("校服", "uniform"),
    ("毛衣", "sweater"), ("卫衣", "sweater"), ("帽衫", "sweater"), ("连帽衫", "sweater"),
    ("线衣", "sweater"), ("秋衣", "sweater"),
    ("衬衫", "shirt"), ("衬衣", "shirt"), ("t恤", "shirt"), ("短袖", "shirt"), ("长袖", "shirt"),
    ("睡衣", "top"), ("上衣", "top"), ("衣服", "top"),
    ("校服裤子", "trousers"), ("校服裤", "trousers"), ("牛仔背带裤", "trousers"), ("背带裤", "trousers"), ("牛仔裤", "trousers"),
    ("运动裤", "trousers"), ("卫裤", "trousers"), ("棉裤", "trousers"), ("秋裤", "trousers"),
    ("打底裤", "trousers"), ("阔腿裤", "trousers"), ("工装裤", "trousers"), ("裤子", "trousers"),
    ("短裤", "shorts"), ("连衣裙", "skirt"), ("短裙", "skirt"), ("裙子", "skirt"), ("裙", "skirt"),
    ("毛线帽", "hat"), ("雷锋帽", "hat"), ("狗皮帽", "hat"), ("鸭舌帽", "hat"), ("棉帽", "hat"),
    ("帽子", "hat"), ("头巾", "headscarf"), ("围巾", "scarf"), ("口罩", "mask"),
    ("手套", "gloves"),
    ("运动鞋", "sneakers"), ("球鞋", "sneakers"), ("板鞋", "sneakers"), ("旅游鞋", "sneakers"),
    ("aj球鞋", "sneakers"), ("雪地靴", "boots"), ("马丁靴", "boots"), ("短靴", "boots"),
    ("靴子", "boots"), ("靴", "boots"), ("拖鞋", "slippers"), ("棉拖", "slippers"),
    ("解放鞋", "shoes"), ("劳保鞋", "shoes"), ("棉皮鞋", "shoes"), ("皮鞋", "shoes"),
    ("布鞋", "shoes"), ("棉鞋", "shoes"), ("鞋", "shoes"),
    ("双肩包", "backpack"), ("书包", "backpack"), ("背包", "backpack"), ("登山包", "backpack"),
    ("挎包", "bag"), ("布包", "bag"), ("手提包", "bag"), ("皮包", "bag"), ("包包", "bag"),
    ("行李箱", "suitcase"), ("拉杆箱", "suitcase"),
    ("down jacket", "down_jacket"), ("jacket", "jacket"), ("coat", "coat"),
    ("sweater", "sweater"), ("hoodie", "sweater"), ("shirt", "shirt"), ("top", "top"),
    ("trousers", "trousers"), ("pants", "trousers"), ("jeans", "trousers"),
    ("shorts", "shorts"), ("skirt", "skirt"), ("dress", "skirt"), ("hat", "hat"),
    ("cap", "hat"), ("shoes", "shoes"), ("boots", "boots"), ("sneakers", "sneakers"),
    ("scarf", "scarf"), ("backpack", "backpack"), ("bag", "bag"), ("mask", "mask"),
    ("gloves", "gloves"), ("vest", "vest"), ("uniform", "uniform"),
)
ZONES: dict[str, str] = {
    "down_jacket": "outer", "padded_coat": "outer", "coat": "outer", "jacket": "outer",
    "workwear": "outer", "uniform": "outer", "vest": "outer",
    "sweater": "upper", "shirt": "upper", "top": "upper",
    "trousers": "lower", "shorts": "lower", "skirt": "lower",
    "hat": "head", "headscarf": "head", "scarf": "neck", "mask": "face", "gloves": "hands",
    "shoes": "feet", "sneakers": "feet", "boots": "feet", "slippers": "feet",
    "bag": "carried", "backpack": "carried", "suitcase": "carried",
}
ITEMS: frozenset[str] = frozenset(ZONES)
# How much a garment in each zone tells (a coat is seen from afar, gloves hardly).
ZONE_WEIGHT: dict[str, float] = {
    "outer": 1.0, "upper": 0.8, "lower": 0.6, "head": 0.5, "feet": 0.5, "carried": 0.5,
    "neck": 0.4, "face": 0.4, "hands": 0.3,
}
_CLOSE_ITEMS: frozenset[frozenset[str]] = frozenset(frozenset(p) for p in (
    ("down_jacket", "padded_coat"), ("padded_coat", "coat"), ("down_jacket", "coat"),
    ("jacket", "workwear"), ("jacket", "uniform"), ("shoes", "boots"), ("shoes", "sneakers"),
    ("bag", "backpack"), ("hat", "headscarf"),
))
_GENERIC = "top"  # 衣服/上衣: any outer or upper garment


def item_similarity(a: str, b: str) -> float:
    """1 for one item, 0.8 for two words for one kind (棉袄/羽绒服, 衣服 for any top),
    0.5 in one body zone (a coat seen where a jacket was reported), else 0."""
    if a == b:
        return 1.0
    if frozenset((a, b)) in _CLOSE_ITEMS:
        return 0.8
    za, zb = ZONES.get(a), ZONES.get(b)
    if za is None or zb is None:
        return 0.0
    if _GENERIC in (a, b) and {za, zb} <= {"outer", "upper"}:
        return 0.8
    if za == zb or {za, zb} <= {"outer", "upper"}:
        return 0.5
    return 0.0


def comparable_zone(a: str, b: str) -> bool:
    """Whether two garments cover the same part of the body (outer and upper together)."""
    za, zb = ZONES.get(a), ZONES.get(b)
    return za is not None and zb is not None and (za == zb or {za, zb} <= {"outer", "upper"})


@dataclass(frozen=True, slots=True)
class Garment:
    """One garment or accessory read from text: its codes and the words."""

    colour: str | None
    item: str | None
    text: str
    colour_word: str | None = None
    item_word: str | None = None


_ITEM_OF = dict(_ITEM_WORDS)
_ITEM_RE = "|".join(re.escape(w) for w, _ in sorted(_ITEM_WORDS, key=lambda p: -len(p[0])))
_COLOUR_RE = "|".join(re.escape(w) for w, _ in sorted(_COLOUR_WORDS, key=lambda p: -len(p[0])))
# Between a colour and its garment: 色, 的, and a few modifiers (长款, 带帽, 旧 …), or one
# other character; never another garment (黑棉袄解放鞋 is a black coat and shoes).
_GAP = re.compile(r"(?:\s|色|的|个|件|条|双|顶|一身|一件|长款|短款|中长款|长|短|带帽|连帽|旧|新|"
                  r"薄|厚|大|小|老式|老|破|呢子|毛呢|亮面|款|宽松|紧身)*[\u4e00-\u9fff]?")
_ITEM_FIND = re.compile(_ITEM_RE)
_COLOUR_FIND = re.compile(_COLOUR_RE)
# A colour followed by 包 (黑包, 黑色的包) is a bag; bare 包 is too common (包头, 包着).
_BARE_BAG = re.compile(rf"(?P<colour>{_COLOUR_RE})色?的?包(?!头|钢|着|子|扎|裹)")
_NOT_GARMENT = re.compile(r"纸尿裤|尿不湿|帽子一摘|摘了帽")


def colour_code(word: str | None) -> str | None:
    """The code of a colour word (``"枣红色"`` → ``dark_red``), or ``None``."""
    if not word:
        return None
    m = re.search(_COLOUR_RE, word.strip().lower())
    return _COLOUR_OF[m.group(0)] if m else None


def item_code(word: str | None) -> str | None:
    """The code of a garment word (``"棉大衣"`` → ``coat``), or ``None``."""
    if not word:
        return None
    lowered = word.strip().lower()
    if _NOT_GARMENT.search(lowered):
        lowered = _NOT_GARMENT.sub(" ", lowered)
    m = re.search(_ITEM_RE, lowered)
    if m:
        return _ITEM_OF[m.group(0)]
    return "bag" if _BARE_BAG.search(lowered) else None


@lru_cache(maxsize=8192)
def read_garments(text: str) -> tuple[Garment, ...]:
    """Every garment and accessory in ``text``, each with the colour said just before it.

    ``"黑羽绒服紫毛衣，戴个雷锋帽"`` → black down_jacket, purple sweater, (no colour) hat.
    A colour names the garment that follows it within a few modifiers (色, 的, 长款 …) and
    never reaches past another garment.
    """
    text = _NOT_GARMENT.sub(lambda m: " " * len(m.group(0)), text.lower())
    found: list[tuple[int, Garment]] = []
    previous_end = 0
    for m in _ITEM_FIND.finditer(text):
        colour_word, start = None, m.start()
        for c in _COLOUR_FIND.finditer(text, previous_end, m.start()):
            if _GAP.fullmatch(text, c.end(), m.start()):
                colour_word, start = c.group(0), c.start()  # the nearest one wins
        found.append((start, Garment(_COLOUR_OF[colour_word] if colour_word else None,
                                     _ITEM_OF[m.group(0)], text[start : m.end()], colour_word,
                                     m.group(0))))
        previous_end = m.end()
    taken = [range(s, s + len(g.text)) for s, g in found]
    for m in _BARE_BAG.finditer(text):
        if not any(m.start() in span for span in taken):
            found.append((m.start(), Garment(_COLOUR_OF[m.group("colour")], "bag", m.group(0),
                                             m.group("colour"), "包")))
    unique: dict[tuple[str | None, str | None], Garment] = {}
    for _, g in sorted(found, key=lambda pair: pair[0]):
        unique.setdefault((g.colour, g.item), g)
    return tuple(unique.values())


# -- marks: features, aids, habits, accents --------------------------------------------------

# (pattern, code). The patterns read folded text; the first alternative that matches a
# stretch of text wins, so list the longer phrases first within a code.
_MARK_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"拄(?:着|个|了)?(?:根|个)?(?:拐杖|拐棍|拐|棍)|拐杖|拐棍|手杖|助行器", "walking_stick"),
    (r"轮椅", "wheelchair"),
    (r"驼背|背(?:有点|有些|很|特别)?驼|罗锅|腰(?:弯|有点弯|弯得)|弯着腰|弯腰|佝偻", "hunched"),
    (r"痣", "mole"),
    (r"助听器", "hearing_aid"),
    ((r"耳背|耳朵背|耳聋|耳朵(?:不好|不太好|听不见|也听不见|好像也听不见)|听力不好|听不见|"
     r"得大声|要大声|大声喊|凑(?:着)?耳朵|耳朵不好使"), "hard_of_hearing"),
    (r"聋哑|手语|哑巴|不会说话", "deaf_mute"),
    (r"秃顶|秃头|头顶(?:都)?秃|谢顶|光头", "bald"),
    (r"白发|白头发|头发(?:全白|花白|都白|白了)|满头白|一头白", "white_hair"),
    (r"头发(?:染得)?乌黑|黑头发", "black_hair"),
    (r"黄毛|黄头发|染(?:了)?(?:一撮)?(?:黄|红|蓝|紫)|一撮(?:黄|红)", "dyed_hair"),
    (r"长头发|长发|头发(?:很长|老长|挺长|特别长|长长)|长直发|长卷发|到腰", "long_hair"),
    (r"短头发|短发|寸头|平头|板寸|小平头", "short_hair"),
    (r"寸头|平头|板寸", "crew_cut"),
    (r"卷发|自然卷|头发卷|卷卷|长卷发|烫发", "curly_hair"),
    (r"马尾", "ponytail"),
    (r"小辫|辫子", "braids"),
    (r"刘海", "fringe"),
    (r"(?:戴(?:着|个|副|了)?)?(?:老花镜|黑框眼镜|金边眼镜|眼镜)", "glasses"),
    (r"美瞳", "coloured_lenses"),
    (r"(?:刀|伤|小|一道|道)?疤", "scar"),
    (r"胎记", "birthmark"),
    (r"纹身|刺青", "tattoo"),
    (r"雀斑", "freckles"),
    (r"青春痘|痘痘", "acne"),
    (r"牙套", "braces"),
    (r"门牙(?:缺|掉|没)|缺(?:了)?(?:一)?颗(?:门)?牙|牙掉了|没几颗牙|掉了(?:一颗|颗)?(?:门)?牙|豁牙", "missing_teeth"),
    (r"少(?:了)?(?:一)?根手指|缺(?:了)?(?:一)?根手指|断指", "missing_finger"),
    (r"胡子|胡茬", "beard"),
    (r"瘸|跛|一拐一拐|腿有毛病", "limp"),
    (r"走路慢|走得(?:特别|很|非常)?慢|慢慢挪|一步一步挪|挪着走|走路要扶|扶着墙|扶墙|腿脚不利索|腿脚不好|行动不便", "slow_walk"),
    ((r"说话(?:还)?不(?:太)?清楚?|口齿不清|说不清楚话|说话(?:含糊|含含糊糊|呜呜|漏风|听不清)|呜呜啦啦|呜呜的|"
     r"嘴里(?:没几颗牙)?说话漏风|含含糊糊|话(?:还)?说不(?:太)?清"), "slurred_speech"),
    (r"结结巴巴|结巴|口吃", "stutter"),
    (r"说话慢|慢吞吞", "slow_speech"),
    (r"大嗓门|嗓门(?:倒)?(?:挺|很)?大", "loud_voice"),
    (r"自言自语|自己跟自己说话|嘴里(?:一直)?(?:念叨|嘟囔)", "talks_to_self"),
    (r"(?:要|讨)烟", "asks_for_cigarettes"),
    (r"不爱说话|不说话|不吭声|不怎么说话|不理人|内向|怕生|往后躲|不跟陌生人说话", "quiet"),
    (r"声音(?:很|特别|挺)?小", "soft_voice"),
    (r"眼(?:睛)?(?:好像)?(?:看不清|不好使|不太好|不好)|看东西歪着头|一只眼", "poor_sight"),
    (r"(?:要|去|进去|回)(?:厂里)?上班", "going_to_work"),
    (r"回(?:河北|山西|东北|山东|陕西)?老家", "going_to_home_town"),
    (r"(?:找|看没看见|见没见|看见|等)(?:她|他)?(?:的)?(?:老伴|老头子|老婆子)", "looking_for_spouse"),
    (r"奶奶家|姥姥家|外婆家|爷爷家|姥爷家", "grandparents_home"),
    (r"呼市|呼和浩特", "destination:呼市"),
    (r"手(?:还)?(?:一直|有点|老|总)?(?:在)?抖|手颤", "tremor"),
    (r"纱布|缠着绷带|包着(?:纱布|绷带)|手(?:上)?包着", "bandage"),
    (r"镯子", "bracelet"),
    (r"耳钉|耳环", "earring"),
    (r"耳机", "earphones"),
    (r"电话手表|手表电话|儿童手表", "phone_watch"),
    (r"手腕(?:上)?(?:有|好像有)?(?:划痕|伤|刀痕)|割腕", "wrist_cuts"),
    (r"塑料袋", "plastic_bag"),
    (r"小推车|推(?:着|个)?(?:小)?推车|推(?:个|着)(?:小)?车", "cart"),
    (r"骑(?:着|了|个|一辆|辆)?(?:旧|破|一辆)?(?:的)?(?:二八)?(?:自行车|单车|山地自行车|山地车|车子)|骑车", "bicycle"),
    (r"钥匙", "keys"),
        (r"玩偶|小熊|布娃娃|玩具", "toy"),
    (r"(?:鞋|鞋底)(?:子)?(?:会)?(?:发光|一闪一闪|闪)|一走一闪|发光", "light_up_shoes"),
    (r"恐龙", "dinosaur_print"),
    (r"尿不湿|纸尿裤", "diaper"),
    (r"大肚子|啤酒肚|肚子(?:很|挺)?大", "big_belly"),
    (r"酒气|喝(?:了|多了|醉)(?:酒)?|醉酒|喝多", "drunk"),
    (r"不识字|字也不认识|不认字", "illiterate"),
    (r"蒙古族|蒙语|蒙古语", "mongolian"),
    ((r"迷路|迷了路|走迷|走丢|走散|找不(?:着|到)(?:家|回家|路|妈妈|爸爸|家长|大人|家人)|"
     r"说不(?:清|出|上来)(?:家|住|自己)|不知道(?:家|自己)(?:在|住)|不认路|不认得路|"
     r"(?:去哪|住哪|家在哪)(?:儿)?(?:都|也)?说不(?:知道|清|上来)|糊涂|迷糊|发愣|不(?:太)?清醒|"
     r"神志不清|一直(?:在那)?转圈|转来转去|走来走去|徘徊|问(?:啥|什么)都摇头"), "lost"),
    (r"包钢", "baogang"),
    (r"环卫", "sanitation_worker"),
    (r"反光马甲|反光背心", "hi_vis"),
    (r"捡(?:废品|瓶子|破烂)|废品", "scavenging"),
)
# Accents and dialects: accent:<place>; a local accent excludes every other one.
_ACCENT = re.compile(
    r"(?P<p>山西|河北|东北|南方|本地|后山|陕西|河南|山东|四川|外地|北京|天津|甘肃|宁夏|呼市|包头本地)"
    r"(?:那边|一带)?的?(?:口音|话|方言|腔)")
# Phrases that say a mark is *not* there.
_ABSENT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?:没|没有|不)(?:戴|带)(?:着)?(?:眼镜|老花镜)", "glasses"),
    (r"(?:没|没有|不)(?:拄|拿|用)(?:着)?(?:拐|拐杖|拐棍)", "walking_stick"),
    (r"(?:没|没有|不)(?:戴|带)(?:着)?助听器", "hearing_aid"),
    (r"(?:没|没有|不)(?:戴|带)(?:着)?口罩", "mask"),
    (r"腰板(?:挺|很)?直|背(?:挺|很)直|没驼背", "hunched"),
    (r"说话(?:挺|很|还挺|倒挺)?(?:清楚|利索|清晰)|答得(?:挺|很)?(?:利索|清楚)|口齿(?:挺|很)?清", "slurred_speech"),
    (r"耳朵(?:挺|很)?(?:灵|好使)|听得(?:挺|很)?清楚", "hard_of_hearing"),
    (r"(?:没|没有)(?:胡子|留胡子)", "beard"),
    (r"手里(?:啥|什么)(?:也|都)没(?:拿|拎)", "plastic_bag"),
    (r"(?:头发)?(?:染得)?乌黑", "white_hair"),
)
_MARK_RES = tuple((re.compile(p), code) for p, code in _MARK_PATTERNS)
_ABSENT_RES = tuple((re.compile(p), code) for p, code in _ABSENT_PATTERNS)
_NEGATION = re.compile(r"(?:没|没有|不|未|无)(?:戴|带|拄|拿|穿|有|用)?(?:着|个)?$")

MARKS: frozenset[str] = frozenset(
    {code for _, code in _MARK_PATTERNS} | {code for _, code in _ABSENT_PATTERNS}
)
# Marks that exclude each other: a person has at most one from each group.
MARK_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"long_hair", "short_hair"}),
    frozenset({"white_hair", "black_hair"}),
    frozenset({"bald", "long_hair"}),
)
LOCAL_ACCENT = "accent:本地"
# Marks that exclude speech: someone who cannot speak has no accent and no way of talking.
SPEECH_MARKS = frozenset({"slurred_speech", "stutter", "slow_speech", "loud_voice",
                           "talks_to_self", "asks_for_cigarettes"})
# Marks a family always mentions: seen on someone, their absence from a case counts double.
SALIENT_MARKS: frozenset[str] = frozenset({
    "deaf_mute", "wheelchair", "walking_stick", "limp", "bald", "dyed_hair", "missing_finger",
    "braces", "tattoo", "diaper", "cart", "bicycle",
})


@dataclass(frozen=True, slots=True)
class Marks:
    """The marks a text says a person has, and those it says they do not have."""

    present: frozenset[str]
    absent: frozenset[str]
    phrases: tuple[str, ...]


@lru_cache(maxsize=8192)
def read_marks(text: str) -> Marks:
    """Features, aids, habits and accents in ``text``, present or said to be absent.

    ``"没戴眼镜，拄个拐，说一口山西话"`` → present ``walking_stick``, ``accent:山西``;
    absent ``glasses``. The phrases are the words found, in text order, for the console.
    """
    text = text.lower()
    present: set[str] = set()
    absent: set[str] = set()
    spans: list[tuple[int, str]] = []
    negated: list[range] = []
    for pattern, code in _ABSENT_RES:
        for m in pattern.finditer(text):
            absent.add(code)
            negated.append(range(m.start(), m.end()))
            spans.append((m.start(), m.group(0)))
    for pattern, code in _MARK_RES:
        for m in pattern.finditer(text):
            if any(m.start() in r for r in negated):
                continue
            window = text[max(0, m.start() - 4) : m.start()]
            neg = _NEGATION.search(window)
            if neg:
                absent.add(code)
                start = m.start() - len(window) + neg.start()
                spans.append((start, text[start : m.end()]))
                continue
            present.add(code)
            spans.append((m.start(), m.group(0)))
    for m in _ACCENT.finditer(text):
        place = "本地" if m.group("p") in ("本地", "包头本地") else m.group("p")
        present.add(f"accent:{place}")
        spans.append((m.start(), m.group(0)))
    for m in _NICKNAME.finditer(text):
        if m.group("n")[0] not in "哈嘿呜啊":
            present.add(f"name:{m.group('n')}")
            spans.append((m.start(), m.group(0)))
    for m in _SAYS_HOME.finditer(text):
        present.add(f"says_home:{m.group('p')}")
        spans.append((m.start(), m.group(0)))
    present -= absent
    phrases: list[str] = []
    for _, phrase in sorted(spans):
        if phrase not in phrases:
            phrases.append(phrase)
    return Marks(frozenset(present), frozenset(absent), tuple(phrases))


# A nickname the person says: 叫乐乐, 说自己叫“涵涵”, 只会说“涵涵”: a doubled character.
_NICKNAME = re.compile(r"(?:叫|说)(?:自己)?(?:叫)?[“\"'「]?(?P<n>([\u4e00-\u9fff])\2)")
# Where the person says they live: 说住钢铁大街, 老说自己住在钢铁大街.
_SAYS_HOME = re.compile(r"说(?:她|他|自己)?(?:住在|住|家在)(?P<p>[\u4e00-\u9fff]{2,6}?(?:大街|路|街|小区|村|巷))")


def marks_conflict(a_present: frozenset[str], a_absent: frozenset[str],
                   b_present: frozenset[str], b_absent: frozenset[str]) -> list[str]:
    """The marks on which two descriptions disagree (one says it, the other denies it, or
    both name different members of one exclusive group, or different accents)."""
    conflicts = sorted((a_present & b_absent) | (a_absent & b_present))
    for group in MARK_GROUPS:
        x, y = a_present & group, b_present & group
        if x and y and not x & y:
            conflicts.append("/".join(sorted(x | y)))
    for mute, speaking in ((a_present, b_present), (b_present, a_present)):
        if "deaf_mute" in mute:
            talk = sorted(m for m in speaking if m in SPEECH_MARKS or m.startswith("accent:"))
            if talk:
                conflicts.append("deaf_mute/" + talk[0])
    accents_a = {m for m in a_present if m.startswith("accent:")}
    accents_b = {m for m in b_present if m.startswith("accent:")}
    if accents_a and accents_b and not accents_a & accents_b:
        foreign = "accent:外地"
        if not ({foreign} & (accents_a | accents_b)
                and LOCAL_ACCENT not in accents_a | accents_b):
            conflicts.append("/".join(sorted(accents_a | accents_b)))
    return conflicts


# -- build ----------------------------------------------------------------------------------

_BUILD_WORDS: tuple[tuple[str, str], ...] = (
    ("胖乎乎", "heavy"), ("胖墩墩", "heavy"), ("胖胖", "heavy"), ("偏胖", "heavy"),
    ("微胖", "heavy"), ("挺胖", "heavy"), ("很胖", "heavy"), ("有点胖", "heavy"),
    ("大肚子", "heavy"), ("胖", "heavy"), ("魁梧", "heavy"), ("壮实", "heavy"),
    ("heavy", "heavy"), ("stout", "heavy"),
    ("瘦高", "slim"), ("瘦小", "slim"), ("偏瘦", "slim"), ("很瘦", "slim"), ("挺瘦", "slim"),
    ("特别瘦", "slim"), ("苗条", "slim"), ("纤细", "slim"), ("精瘦", "slim"), ("瘦", "slim"),
    ("slim", "slim"), ("thin", "slim"),
    ("中等", "medium"), ("匀称", "medium"), ("适中", "medium"), ("不胖不瘦", "medium"),
    ("medium", "medium"), ("average", "medium"),
)
_BUILD_RE = re.compile("|".join(w for w, _ in sorted(_BUILD_WORDS, key=lambda p: -len(p[0]))))
_BUILD_OF = dict(_BUILD_WORDS)
_NOT_BUILD = re.compile(r"瘦肉|胖子鱼|瘦身|不胖不瘦")


def build_code(text: str | None) -> str | None:
    """``slim``, ``medium`` or ``heavy`` from a build word in ``text`` (``"胖乎乎的"``)."""
    if not text:
        return None
    lowered = text.lower()
    if "不胖不瘦" in lowered:
        return "medium"
    m = _BUILD_RE.search(_NOT_BUILD.sub(" ", lowered))
    return _BUILD_OF[m.group(0)] if m else None


def build_similarity(a: str, b: str) -> float:
    """1 for one build, 0.5 between medium and either end, 0 between slim and heavy."""
    if a == b:
        return 1.0
    return 0.0 if {a, b} == {"slim", "heavy"} else 0.5


# -- people: words that carry a gender or an age --------------------------------------------

# (word, gender or None, youngest, oldest). Dialect words of Baotou and the north (老汉,
# 后生, 娃) and the words callers use for strangers (大爷, 阿姨, 小伙子, 学生娃).
PEOPLE: tuple[tuple[str, str | None, int | None, int | None], ...] = (
    ("老大爷", "male", 60, 100), ("老爷爷", "male", 65, 100), ("老爷子", "male", 65, 100),
    ("老头儿", "male", 60, 100), ("老头子", "male", 60, 100), ("老头", "male", 60, 100),
    ("老汉", "male", 60, 100), ("老师傅", "male", 50, 95), ("老大哥", "male", 50, 80),
    ("大爷", "male", 55, 100), ("爷爷", "male", 60, 100), ("姥爷", "male", 60, 100),
    ("外公", "male", 60, 100), ("老先生", "male", 60, 100), ("大叔", "male", 40, 65),
    ("小伙子", "male", 16, 35), ("小伙", "male", 16, 35), ("后生", "male", 16, 30),
    ("小哥", "male", 18, 40), ("男学生", "male", 6, 22), ("男娃", "male", 0, 14),
    ("小男孩", "male", 2, 12), ("男孩子", "male", 3, 17), ("男孩", "male", 3, 17),
    ("小子", "male", 6, 20), ("男子", "male", 18, None), ("男性", "male", None, None),
    ("男的", "male", None, None), ("男人", "male", 18, None), ("男生", "male", 10, 25),
    ("老奶奶", "female", 65, 100), ("老太太", "female", 65, 100), ("老婆婆", "female", 65, 100),
    ("老婆儿", "female", 65, 100), ("老太", "female", 65, 100), ("老大娘", "female", 60, 100),
    ("奶奶", "female", 60, 100), ("姥姥", "female", 60, 100), ("外婆", "female", 60, 100),
    ("大娘", "female", 50, 90), ("大妈", "female", 50, 80), ("阿姨", "female", 35, 75),
    ("大姐", "female", 30, 65), ("大婶", "female", 40, 70), ("小姑娘", "female", 4, 20),
    ("姑娘", "female", 14, 35), ("女学生", "female", 6, 22), ("女娃", "female", 0, 14),
    ("小女孩", "female", 2, 12), ("女孩子", "female", 3, 25), ("女孩", "female", 3, 25),
    ("丫头", "female", 3, 20), ("闺女", "female", 3, 30), ("女子", "female", 16, None),
    ("女性", "female", None, None), ("女的", "female", None, None), ("女人", "female", 18, None),
    ("女生", "female", 10, 25), ("妇女", "female", 25, 70),
    ("婴儿", None, 0, 1), ("宝宝", None, 0, 3), ("小娃娃", None, 0, 5), ("娃娃", None, 0, 8),
    ("幼儿", None, 1, 6), ("小朋友", None, 3, 12), ("小学生", None, 6, 12),
    ("初中生", None, 12, 15), ("初中女生", "female", 12, 15), ("初中男生", "male", 12, 15),
    ("高中生", None, 15, 18), ("中学生", None, 12, 18), ("学生娃", None, 6, 18),
    ("未成年", None, 0, 17), ("小孩", None, 0, 14), ("儿童", None, 0, 14),
    ("老人家", None, 60, 100), ("老年人", None, 60, 100), ("老人", None, 60, 100),
    ("岁数很大", None, 70, 100), ("岁数挺大", None, 70, 100), ("岁数大", None, 65, 100),
    ("上了年纪", None, 60, 100), ("年轻男", "male", 18, 35), ("年轻女", "female", 18, 35),
    ("中年男", "male", 40, 60), ("中年女", "female", 40, 60), ("中年", None, 40, 60),
)
# Relatives of the reporter that are also words for people: gendered, no age of their own.
RELATIVES: tuple[tuple[str, str], ...] = (
    ("儿子", "male"), ("丈夫", "male"), ("老公", "male"), ("我爸", "male"), ("父亲", "male"),
    ("弟弟", "male"), ("哥哥", "male"), ("孙子", "male"), ("外孙", "male"), ("老伴儿", "male"),
    ("女儿", "female"), ("妻子", "female"), ("老婆", "female"), ("媳妇", "female"),
    ("我妈", "female"), ("母亲", "female"), ("妹妹", "female"), ("姐姐", "female"),
    ("孙女", "female"), ("外孙女", "female"),
)
