"""Clothing as the case records it: canonical colour and garment codes plus the words.

The vocabulary is triage's (``triage.appearance``): the case parser and the sighting
extractor read ``枣红色羽绒服`` and ``暗红色的羽绒服`` the same way (``dark_red``
``down_jacket``), so a case and a sighting of the same person meet on codes. Colours
that witnesses confuse and garments of one body zone score partly (see
``colour_similarity`` and ``item_similarity``).
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.missing.errors import InvalidPerson
from triage.appearance import (
    COLOURS,
    ITEMS,
    colour_code,
    colour_similarity,
    item_code,
    item_similarity,
    read_garments,
)
from triage.normalize import fold

__all__ = [
    "COLOURS",
    "ITEMS",
    "ClothingItem",
    "colour_similarity",
    "item_similarity",
    "normalise_colour",
    "normalise_item",
    "parse_clothing",
]


@dataclass(frozen=True, slots=True)
class ClothingItem:
    """One garment as reported: canonical colour and item codes, plus the original words.

    Attributes:
        colour: a code from ``COLOURS`` or ``None`` when not said.
        item: a code from ``ITEMS`` or ``None`` when not said.
        text: the words as reported (``"灰色夹克"``), kept for the console and re-read by
            the matcher (one entry may name several garments: ``"中山装外面套黑色棉大衣"``).
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
    """Map a colour word (``"灰色"``, ``"枣红"``, ``"Gray"``) to its code, or ``None``."""
    return colour_code(fold(word)) if word else None


def normalise_item(word: str | None) -> str | None:
    """Map a garment word (``"羽绒服"``, ``"棉大衣"``, ``"jacket"``) to its code, or ``None``."""
    return item_code(fold(word)) if word else None


def parse_clothing(text: str, colour: str | None = None, item: str | None = None) -> ClothingItem:
    """Build a ``ClothingItem`` from free text and optional separate colour/item words.

    Args:
        text: the reported words, e.g. ``"穿灰色夹克"``; read when colour/item are absent.
        colour: a colour word or code already split out (triage's, or the POST body's).
        item: a garment word or code already split out.

    Returns:
        The item with canonical codes (the first garment of the text, with the colour
        said before it); unknown words leave the code ``None``.
    """
    first = read_garments(fold(text))[:1] if text else ()
    colour_c = normalise_colour(colour) or (first[0].colour if first else None) or (
        normalise_colour(text) if not first else None)
    item_c = normalise_item(item) or (first[0].item if first else normalise_item(text))
    return ClothingItem(
        colour=colour_c,
        item=item_c,
        text=text or " ".join(w for w in (colour, item) if w),
    )
