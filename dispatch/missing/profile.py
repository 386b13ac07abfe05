"""A person's description reduced to the codes the matcher compares.

The same reading for a case (what the family typed into ``clothing`` and ``features``)
and for a sighting (what triage extracted from a caller's words): every text is read with
triage's vocabulary (``triage.appearance``), so an accessory typed in a case's clothing
("蓝色口罩") meets the same accessory a caller mentions among features ("戴着蓝口罩"), and
a mark the caller denies ("没戴眼镜") is kept as denied.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from dispatch.missing.person import Build, Condition, Person

_PRONE_TO_LOSE_THE_WAY = frozenset({Condition.DEMENTIA, Condition.DISABILITY,
                                    Condition.MENTAL_ILLNESS})
from triage.appearance import (
    COLOUR_RARITY,
    ZONE_WEIGHT,
    ZONES,
    build_code,
    read_garments,
    read_marks,
)
from triage.normalize import fold
from triage.person import travel_modes


@dataclass(frozen=True, slots=True)
class GarmentCode:
    """A garment as codes: colour (``None`` when not said), item and its body zone."""

    colour: str | None
    item: str
    zone: str

    @property
    def weight(self) -> float:
        """How much this garment tells: its zone's weight, halved without a colour, less
        for the colours most people wear (a black coat)."""
        if self.colour is None:
            return ZONE_WEIGHT[self.zone] * 0.5
        return ZONE_WEIGHT[self.zone] * COLOUR_RARITY.get(self.colour, 1.0)

    @property
    def label(self) -> str:
        return f"{self.colour or '?'} {self.item}"


@dataclass(frozen=True, slots=True)
class Profile:
    """Codes of one description.

    Attributes:
        garments: garments and accessories, unique by (colour, item).
        marks: features, aids, habits, accents, names said (``walking_stick``,
            ``accent:山西``, ``name:乐乐``).
        absent: marks the description says the person does not have.
        build: ``slim``, ``medium``, ``heavy`` or ``None``.
        travel: modes of travel the description suggests (``bus``, ``car`` …).
    """

    garments: tuple[GarmentCode, ...]
    marks: frozenset[str]
    absent: frozenset[str]
    build: str | None
    travel: frozenset[str]


@lru_cache(maxsize=65536)
def profile_of(person: Person) -> Profile:
    """Read a person's clothing and features into codes (cached: persons are immutable)."""
    garments: dict[tuple[str | None, str], GarmentCode] = {}

    def add(colour: str | None, item: str | None) -> None:
        if item is None or item not in ZONES or (item == "top" and colour is None):
            return
        key = (colour, item)
        if (None, item) in garments and colour is not None:
            del garments[(None, item)]  # the coloured mention supersedes the bare one
        if colour is None and any(i == item for _, i in garments):
            return
        garments.setdefault(key, GarmentCode(colour, item, ZONES[item]))

    texts: list[str] = []
    for c in person.clothing:
        add(c.colour, c.item)
        for g in read_garments(fold(c.text)) if c.text else ():
            add(g.colour, g.item)
        if c.text:
            texts.append(fold(c.text))
    for feature in person.features:
        folded = fold(feature)
        texts.append(folded)
        for g in read_garments(folded):
            add(g.colour, g.item)
    present: set[str] = set()
    absent: set[str] = set()
    for text in texts:
        marks = read_marks(text)
        present |= marks.present
        absent |= marks.absent
    if person.conditions & _PRONE_TO_LOSE_THE_WAY or (person.age and person.age.max < 13):
        present.add("lost")  # dementia, a disability, a young child: they look lost
    present -= absent
    build = person.build.value if person.build is not Build.UNKNOWN else None
    if build is None:
        build = next((b for b in map(build_code, texts) if b), None)
    travel = frozenset(m for text in texts for m in travel_modes(text))
    return Profile(tuple(garments.values()), frozenset(present), frozenset(absent), build,
                   travel)
