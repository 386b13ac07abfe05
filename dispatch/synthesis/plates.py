"""Vehicle plates read from a report's text (蒙B·12345, 蒙B12345, 蒙BD12345, "蒙B开头").

GA 36-2018 (机动车号牌): a province abbreviation, the issuing authority's letter, a
separator dot, then five characters (six for new-energy plates: D/F first or last);
I and O are never used. A trailer or a learner plate ends in 挂 or 学 after four.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dispatch.synthesis.errors import InvalidPlate

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"
_CHAR = f"{_LETTER}0-9"
_SEP = r"[·•・．.\-\s]?"
_BODY = (rf"(?:[DF][{_CHAR}]\d{{4}}|\d{{5}}[DF]"  # new energy (6)
         rf"|[{_CHAR}]{{4}}[挂学警]"  # trailer, learner, police (4 + suffix)
         rf"|[{_CHAR}]{{5}})")  # regular (5)
_PLATE = re.compile(rf"([{PROVINCES}])([{_LETTER}]){_SEP}({_BODY})(?![A-Za-z0-9])")
_PARTIAL = re.compile(rf"([{PROVINCES}])([{_LETTER}]){_SEP}([{_CHAR}]{{0,4}})"
                      r"(?:开头|打头|牌照?的?|的车)")


@dataclass(frozen=True, slots=True)
class PlateRead:
    """A plate as the text gives it.

    Attributes:
        plate: the canonical form (``蒙B12345``): upper case, no separator; for a partial
            plate, the known prefix.
        text: what the text said.
        partial: only a prefix is known ("蒙B开头"): it is never matched automatically,
            a person compares it.
    """

    plate: str
    text: str
    partial: bool = False


def read_plates(text: str) -> list[PlateRead]:
    """Every plate the text names, full plates first, each once."""
    upper = text.upper()
    found: dict[str, PlateRead] = {}
    for m in _PLATE.finditer(upper):
        plate = "".join(m.groups())
        found.setdefault(plate, PlateRead(plate, text[m.start():m.end()]))
    for m in _PARTIAL.finditer(upper):
        prefix = "".join(m.groups())
        if not any(p.startswith(prefix) for p in found):
            found.setdefault(prefix, PlateRead(prefix, text[m.start():m.end()], partial=True))
    return list(found.values())


def normalise_plate(raw: str) -> str:
    """The canonical form of one full plate (for a watch list entry).

    Raises:
        InvalidPlate: not exactly one full plate.
    """
    value = raw.strip().upper()
    m = _PLATE.fullmatch(value)
    if m is None:
        raise InvalidPlate(f"plate: {raw[:20]!r} is not a vehicle plate like 蒙B12345 or "
                           "蒙B·D12345 (province, letter, five characters; I and O unused)")
    return "".join(m.groups())
