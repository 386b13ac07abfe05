"""The runtime gazetteer: surface forms -> entries, and a longest-match scanner.

A trie is not needed: the scanner tries, at each position, the lengths of the forms
that start with that character (longest first) as dict lookups, which is faster in
CPython than a jieba segmentation and needs no dictionary load. jieba was not used: its general-purpose
dictionary does not know Baotou's place names, and loading it costs about a second.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from geo.errors import LayerError
from geo.settings import get_settings

# Kinds in order of specificity (lower = more specific point).
RANK: dict[str, int] = {
    "poi": 0, "community": 1, "hint": 2, "town": 3, "landmark": 4, "road": 5,
    "district": 6, "city": 7, "outside": 8, "province": 9,
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer record (see :mod:`geo.gazetteer_build` for the kinds)."""

    kind: str
    name: str
    district: str | None
    districts: tuple[str, ...]
    town: str | None
    point: tuple[float, float] | None
    radius_m: float | None
    city: str | None = None
    province: str | None = None
    point_is_town_seat: bool = False
    place_kind: str | None = None

    @property
    def rank(self) -> int:
        """Specificity rank: lower is more specific."""
        if self.kind == "community" and self.point_is_town_seat:
            return RANK["hint"]
        return RANK[self.kind]


@dataclass(frozen=True, slots=True)
class Match:
    """A form found in the text: where, which form, and the candidate entries."""

    start: int
    end: int
    form: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Form index over all entries."""

    forms: dict[str, tuple[Entry, ...]]
    lengths: dict[str, tuple[int, ...]]  # first character -> form lengths, longest first
    by_town: dict[str, Entry]
    by_district: dict[str, Entry]

    def scan(self, text: str) -> list[Match]:
        """Greedy left-to-right longest matches of known forms in ``text``."""
        out: list[Match] = []
        i, n = 0, len(text)
        while i < n:
            for length in self.lengths.get(text[i], ()):
                if length > n - i:
                    continue
                form = text[i:i + length]
                hit = self.forms.get(form)
                if hit is not None:
                    out.append(Match(i, i + length, form, hit))
                    i += length
                    break
            else:
                i += 1
        return out


def _entry(raw: dict[str, Any]) -> Entry:
    point = raw.get("point")
    return Entry(
        kind=raw["kind"], name=raw["name"], district=raw.get("district"),
        districts=tuple(raw.get("districts") or ([raw["district"]] if raw.get("district") else [])),
        town=raw.get("town"), point=(float(point[0]), float(point[1])) if point else None,
        radius_m=raw.get("radius_m"), city=raw.get("city"), province=raw.get("province"),
        point_is_town_seat=bool(raw.get("point_is_town_seat")), place_kind=raw.get("place_kind"),
    )


@cache
def gazetteer() -> Gazetteer:
    """Load ``gazetteer.json`` once and index every surface form."""
    path = get_settings().data_dir / "gazetteer.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise LayerError(f"cannot read gazetteer: {exc}") from exc
    forms: dict[str, list[Entry]] = {}
    by_town: dict[str, Entry] = {}
    by_district: dict[str, Entry] = {}
    hints: dict[str, tuple[Entry, list[str]]] = {}
    for raw in doc["entries"]:
        entry = _entry(raw)
        if entry.kind == "hint":
            hints[entry.name] = (entry, [f.replace(" ", "").lower() for f in raw["forms"]])
            continue
        if entry.kind == "town" and entry.town:
            by_town[entry.town] = entry
        if entry.kind == "district" and entry.district:
            by_district[entry.district] = entry
        for form in raw["forms"]:  # spaces dropped and lower-cased, as the parser does
            forms.setdefault(form.replace(" ", "").lower(), []).append(entry)
    for name, (hint, hint_forms) in hints.items():  # a hint refines a landmark with no point
        town = by_town.get(hint.town or "")
        if hint.point is not None:
            refined = Entry("hint", name, hint.district, hint.districts, None, hint.point,
                            hint.radius_m)
        elif town is not None:
            refined = Entry("hint", name, town.district, town.districts, town.town, town.point,
                            town.radius_m)
        elif hint.districts:  # only the district is documented: a landmark of that district
            refined = Entry("landmark", name, hint.district, hint.districts, None, None, None,
                            place_kind="hint")
        else:
            continue
        for form, entries in forms.items():
            if any(e.name == name and e.kind == "landmark" for e in entries):
                forms[form] = [refined if (e.name == name and e.kind == "landmark") else e
                               for e in entries]
        for form in dict.fromkeys([name, *hint_forms]):  # its own name and colloquial forms
            entries = forms.setdefault(form, [])
            if not any(e is refined for e in entries):
                entries.append(refined)
    by_first: dict[str, set[int]] = {}
    for form in forms:
        by_first.setdefault(form[0], set()).add(len(form))
    lengths = {ch: tuple(sorted(ls, reverse=True)) for ch, ls in by_first.items()}
    return Gazetteer({f: tuple(e) for f, e in forms.items()}, lengths, by_town, by_district)
