"""Clothing vocabulary: Chinese or English colour and garment words to canonical codes.

Call-takers and triage write ``灰色夹克`` or ``grey jacket``; matching compares codes, so
both spellings normalise to ``ClothingItem(colour="grey", item="jacket")``. Colours that
witnesses confuse (grey with silver, blue with navy) are *neighbours* and score partly.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.missing.errors import InvalidPerson

# Longest words first, so 藏青 wins over 青 and 短裤 over 裤.
_COLOUR_WORDS: tuple[tuple[str, str], ...] = (
    ("藏青", "navy"),
    ("深蓝", "navy"),
    ("咖啡", "brown"),
    ("卡其", "khaki"),
    ("军绿", "green"),
    ("黑", "black"),
    ("白", "white"),
    ("灰", "grey"),
    ("银", "grey"),
    ("红", "red"),
    ("橙", "orange"),
    ("橘", "orange"),
    ("黄", "yellow"),
    ("绿", "green"),
    ("蓝", "blue"),
    ("青", "blue"),
    ("紫", "purple"),
    ("粉", "pink"),
    ("棕", "brown"),
    ("褐", "brown"),
    ("米色", "khaki"),
    ("navy", "navy"),
    ("black", "black"),
    ("white", "white"),
    ("grey", "grey"),
    ("gray", "grey"),
    ("silver", "grey"),
    ("red", "red"),
    ("orange", "orange"),
    ("yellow", "yellow"),
    ("green", "green"),
    ("blue", "blue"),
    ("purple", "purple"),
    ("pink", "pink"),
    ("brown", "brown"),
    ("khaki", "khaki"),
    ("beige", "khaki"),
)

_ITEM_WORDS: tuple[tuple[str, str], ...] = (
    ("羽绒服", "coat"),
    ("冲锋衣", "jacket"),
    ("牛仔裤", "trousers"),
    ("运动裤", "trousers"),
    ("短裤", "shorts"),
    ("短袖", "shirt"),
    ("棉袄", "coat"),
    ("棉衣", "coat"),
    ("大衣", "coat"),
    ("夹克", "jacket"),
    ("外套", "jacket"),
    ("毛衣", "sweater"),
    ("卫衣", "sweater"),
    ("衬衫", "shirt"),
    ("T恤", "shirt"),
    ("t恤", "shirt"),
    ("上衣", "top"),
    ("裤", "trousers"),
    ("裙", "skirt"),
    ("帽", "hat"),
    ("鞋", "shoes"),
    ("围巾", "scarf"),
    ("包", "bag"),
    ("down jacket", "coat"),
    ("jacket", "jacket"),
    ("coat", "coat"),
    ("sweater", "sweater"),
    ("hoodie", "sweater"),
    ("shirt", "shirt"),
    ("top", "top"),
    ("trousers", "trousers"),
    ("pants", "trousers"),
    ("jeans", "trousers"),
    ("shorts", "shorts"),
    ("skirt", "skirt"),
    ("dress", "skirt"),
    ("hat", "hat"),
    ("cap", "hat"),
    ("shoes", "shoes"),
    ("boots", "shoes"),
    ("scarf", "scarf"),
    ("bag", "bag"),
)

COLOURS: frozenset[str] = frozenset(code for _, code in _COLOUR_WORDS)
ITEMS: frozenset[str] = frozenset(code for _, code in _ITEM_WORDS)

# Witness confusions (scored 0.5): light/dark shades of one hue, and grey under street light.
_NEIGHBOUR_COLOURS: frozenset[frozenset[str]] = frozenset(
    frozenset(pair)
    for pair in (
        ("grey", "black"),
        ("grey", "white"),
        ("blue", "navy"),
        ("navy", "black"),
        ("red", "pink"),
        ("red", "orange"),
        ("brown", "khaki"),
        ("yellow", "khaki"),
        ("purple", "pink"),
        ("orange", "yellow"),
    )
)

# Body zone of each garment: a jacket seen where a coat was reported is a partial match.
_ITEM_ZONE: dict[str, str] = {
    "coat": "outer",
    "jacket": "outer",
    "sweater": "upper",
    "shirt": "upper",
    "top": "upper",
    "trousers": "lower",
    "shorts": "lower",
    "skirt": "lower",
    "hat": "head",
    "shoes": "feet",
    "scarf": "neck",
    "bag": "carried",
}


@dataclass(frozen=True, slots=True)
class ClothingItem:
    """One garment as reported: canonical colour and item codes, plus the original words.

    Attributes:
        colour: a code from ``COLOURS`` or ``None`` when not said.
        item: a code from ``ITEMS`` or ``None`` when not said.
        text: the words as reported (``"灰色夹克"``), kept for the console.
    """

    colour: str | None
    item: str | None
    text: str = ""

    def __post_init__(self) -> None:
        if self.colour is not None and self.colour not in COLOURS:
            raise InvalidPerson(f"unknown colour code {self.colour!r}")
        if self.item is not None and self.item not in ITEMS:
            raise InvalidPerson(f"unknown garment code {self.item!r}")


def normalise_colour(word: str | None) -> str | None:
    """Map a colour word (``"灰色"``, ``"Gray"``) to its code, or ``None`` if unknown."""
    return _lookup(word, _COLOUR_WORDS)


def normalise_item(word: str | None) -> str | None:
    """Map a garment word (``"羽绒服"``, ``"jacket"``) to its code, or ``None`` if unknown."""
    return _lookup(word, _ITEM_WORDS)


def parse_clothing(text: str, colour: str | None = None, item: str | None = None) -> ClothingItem:
    """Build a ``ClothingItem`` from free text and optional separate colour/item words.

    Args:
        text: the reported words, e.g. ``"穿灰色夹克"``; searched when colour/item are absent.
        colour: a colour word already split out by triage, if any.
        item: a garment word already split out by triage, if any.

    Returns:
        The item with canonical codes; unknown words leave the code ``None``.
    """
    return ClothingItem(
        colour=normalise_colour(colour) or normalise_colour(text),
        item=normalise_item(item) or normalise_item(text),
        text=text or " ".join(w for w in (colour, item) if w),
    )


def colour_similarity(a: str, b: str) -> float:
    """1.0 for the same colour, 0.5 for a commonly confused neighbour, else 0.0."""
    if a == b:
        return 1.0
    return 0.5 if frozenset((a, b)) in _NEIGHBOUR_COLOURS else 0.0


def item_similarity(a: str, b: str) -> float:
    """1.0 for the same garment, 0.6 for the same body zone (jacket vs coat), else 0.0."""
    if a == b:
        return 1.0
    zone_a, zone_b = _ITEM_ZONE.get(a), _ITEM_ZONE.get(b)
    if zone_a is None or zone_b is None:
        return 0.0
    if zone_a == zone_b or {zone_a, zone_b} <= {"outer", "upper"}:
        return 0.6
    return 0.0


def colour_family(colour: str) -> frozenset[str]:
    """The colour and its neighbours: every colour that scores above zero against it."""
    return frozenset({colour} | {c for c in COLOURS if colour_similarity(colour, c) > 0})


def _lookup(word: str | None, table: tuple[tuple[str, str], ...]) -> str | None:
    if not word:
        return None
    lowered = word.strip().lower()
    for needle, code in table:
        if needle.lower() in lowered:
            return code
    return None
