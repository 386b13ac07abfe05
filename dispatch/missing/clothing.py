"""Clothing vocabulary: Chinese or English colour and garment words to canonical codes.

Call-takers and triage write ``灰色夹克`` or ``grey jacket``; matching compares codes, so
both spellings normalise to ``ClothingItem(colour="grey", item="jacket")``. Colours that
witnesses confuse (grey with silver, blue with navy) are *neighbours* and score partly.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.missing.errors import InvalidPerson
from triage.appearance import colour_code, garment_code, vocabulary

# The words come from the one description vocabulary that triage reads sightings with
# (``triage/data/appearance.toml``): a family's 藏青色棉袄 and a witness's 深蓝的棉衣 meet.
_VOCAB = vocabulary()
_COLOUR_WORDS: tuple[tuple[str, str], ...] = _VOCAB.colour_words
_ITEM_WORDS: tuple[tuple[str, str], ...] = _VOCAB.garment_words

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
        ("purple", "red"),
        ("orange", "yellow"),
        ("white", "khaki"),
    )
)

# Body zone of each garment: a jacket seen where a coat was reported is a partial match.
_ITEM_ZONE: dict[str, str] = dict(_VOCAB.zones)


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
    return colour_code(word)


def normalise_item(word: str | None) -> str | None:
    """Map a garment word (``"羽绒服"``, ``"jacket"``) to its code, or ``None`` if unknown."""
    return garment_code(word)


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
