"""One description vocabulary for both sides of sighting matching.

The triage extractor (a caller describing someone they see) and the missing-person case
parser (a family describing the person missing) read colours, garments, features and the
words for people from the same data (``data/appearance.toml``), so a case's 藏青色棉袄
and a sighting's 深蓝的棉衣 become the same codes (navy, coat), and 拄拐杖 and 手里拄个棍儿
the same feature (cane). Pure; compiled once on first use.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class PersonWord:
    """A word for a person (老汉, 小姑娘): its gender ("" when unsaid) and age range."""

    word: str
    gender: str
    min_age: int
    max_age: int


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The compiled vocabulary (see :func:`vocabulary`)."""

    colour_words: tuple[tuple[str, str], ...]  # (word, code), longest first
    garment_words: tuple[tuple[str, str], ...]
    zones: dict[str, str]
    features: tuple[tuple[re.Pattern[str], str], ...]  # (pattern, code)
    feature_any: re.Pattern[str]
    people: tuple[PersonWord, ...]  # longest word first

    @property
    def colours(self) -> frozenset[str]:
        return frozenset(code for _, code in self.colour_words)

    @property
    def garments(self) -> frozenset[str]:
        return frozenset(code for _, code in self.garment_words)


def _pairs(table: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    pairs = [(word, code) for code, words in table.items() for word in words]
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The committed vocabulary, compiled once."""
    raw = tomllib.loads(resources.files("triage.data").joinpath("appearance.toml")
                        .read_text(encoding="utf-8"))
    features = tuple((re.compile("|".join(f"(?:{p})" for p in pats)), code)
                     for code, pats in raw["features"].items())
    every = [p for pats in raw["features"].values() for p in pats]
    people = tuple(sorted((PersonWord(str(w), str(g), int(lo), int(hi))
                           for w, g, lo, hi in raw["people"]["words"]),
                          key=lambda p: len(p.word), reverse=True))
    return Vocabulary(_pairs(raw["colours"]), _pairs(raw["garments"]), dict(raw["zones"]),
                      features, re.compile("|".join(f"(?:{p})" for p in every)), people)


def colour_code(text: str | None) -> str | None:
    """The colour a word or phrase names (``"藏青色"`` → ``navy``), or None."""
    return _lookup(text, vocabulary().colour_words)


def garment_code(text: str | None) -> str | None:
    """The garment a word or phrase names (``"棉袄"`` → ``coat``), or None."""
    return _lookup(text, vocabulary().garment_words)


def feature_codes(text: str | None) -> frozenset[str]:
    """Every feature a phrase names (``"手里拄个棍儿"`` → ``{cane}``)."""
    if not text:
        return frozenset()
    return frozenset(code for pattern, code in vocabulary().features if pattern.search(text))


def feature_phrases(text: str) -> list[str]:
    """The feature phrases said in a text, in order, each once (for ``extracted``)."""
    out: list[str] = []
    for m in vocabulary().feature_any.finditer(text):
        if m.group(0) not in out:
            out.append(m.group(0))
    return out


def person_words(text: str) -> list[tuple[int, PersonWord]]:
    """Words for people in a text with their positions, longest match first at a place."""
    found: list[tuple[int, PersonWord]] = []
    taken: list[tuple[int, int]] = []
    for pw in vocabulary().people:
        start = text.find(pw.word)
        while start >= 0:
            end = start + len(pw.word)
            if not any(s < end and start < e for s, e in taken):
                found.append((start, pw))
                taken.append((start, end))
            start = text.find(pw.word, end)
    return sorted(found, key=lambda f: f[0])


def _lookup(text: str | None, table: tuple[tuple[str, str], ...]) -> str | None:
    if not text:
        return None
    lowered = text.strip().lower()
    best: tuple[int, int, str] | None = None  # (position, -length, code): first, longest
    for word, code in table:
        i = lowered.find(word.lower())
        if i >= 0 and (best is None or (i, -len(word)) < best[:2]):
            best = (i, -len(word), code)
    return best[2] if best else None
