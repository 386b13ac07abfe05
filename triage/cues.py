"""Find lexicon cues in a folded text, honouring idioms, negation and reported speech."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from triage.context import Context, find_context, is_feared, is_negated
from triage.lexicon import CATEGORY_CUES, FLAG_CUES
from triage.normalize import mask


class Hit(NamedTuple):
    """One lexicon phrase found in the text (a named tuple: cheap to build, immutable).

    Attributes:
        phrase: the lexicon phrase.
        start: offset of the first character.
        kind: ``"category"`` or ``"flag"``.
        code: the category or flag code.
        weight: category weight (1.0 for flags).
        negated: a negation word governs it (``没有受伤``).
        reported: it sits in a media/fiction/hypothetical sentence.
    """

    phrase: str
    start: int
    kind: str
    code: str
    weight: float
    negated: bool
    reported: bool

    @property
    def end(self) -> int:
        """Offset just after the last character."""
        return self.start + len(self.phrase)

    @property
    def counts(self) -> bool:
        """True when the hit should influence the decision."""
        return not (self.negated or self.reported)


@dataclass(frozen=True, slots=True)
class Scan:
    """Everything the lexicon found in one text."""

    folded: str  # folded text
    text: str  # folded text with idioms masked
    model_text: str  # ``text`` with reported (media/fiction/hypothetical) cues masked too
    context: Context
    hits: tuple[Hit, ...]


Entry = tuple[str, str, str, float]  # phrase, kind, code, weight


@lru_cache(maxsize=1)
def lexicon_index() -> dict[str, tuple[Entry, ...]]:
    """Index lexicon entries by their first two characters (one for one-character
    phrases), longest phrase first."""
    entries: list[Entry] = []
    for category, table in CATEGORY_CUES.items():
        entries += [(phrase, "category", category, weight) for phrase, weight in table.items()]
    for flag, phrases in FLAG_CUES.items():
        entries += [(phrase, "flag", flag, 1.0) for phrase in phrases]
    index: dict[str, list[Entry]] = {}
    for entry in entries:
        index.setdefault(entry[0][:2], []).append(entry)
    return {
        key: tuple(sorted(items, key=lambda e: (-len(e[0]), e[0], e[1], e[2])))
        for key, items in index.items()
    }


def all_phrases() -> tuple[str, ...]:
    """Every lexicon phrase (for the substring-scan baseline in the benchmark)."""
    return tuple(sorted({e[0] for entries in lexicon_index().values() for e in entries}))


def scan(folded: str) -> Scan:
    """Find the cues in a folded text.

    Args:
        folded: output of :func:`triage.normalize.fold`.

    Returns:
        A :class:`Scan`; a phrase inside
        or overlapping a longer phrase with the same code (``偷`` in ``被偷``) is dropped so that
        it is not counted twice.
    """
    context = find_context(folded)
    text = mask(folded, list(context.idioms) + list(context.staff))
    index = lexicon_index()
    raw: list[tuple[int, Entry]] = []
    get = index.get
    for i in range(len(text)):
        for key in (text[i : i + 2], text[i]):
            entries = get(key)
            if entries is None:
                continue
            for entry in entries:
                if text.startswith(entry[0], i) and _on_word_boundary(text, i, entry[0]):
                    raw.append((i, entry))
    covered: dict[tuple[str, str], set[int]] = {}
    hits: list[Hit] = []
    for start, (phrase, kind, code, weight) in sorted(raw, key=lambda r: (-len(r[1][0]), r[0])):
        end = start + len(phrase)
        taken = covered.setdefault((kind, code), set())
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        still = code in ("self_harm", "missing_person")
        hits.append(
            Hit(
                phrase=phrase,
                start=start,
                kind=kind,
                code=code,
                weight=weight,
                negated=is_negated(text, start, still_counts=still)
                or (code in ("injury", "missing_person", "fire_disaster")
                    and is_feared(text, start)),
                reported=context.is_reported(start),
            )
        )
    hits.sort(key=lambda h: (h.start, -len(h.phrase), h.kind, h.code))
    model_text = mask(text, [(h.start, h.end) for h in hits if h.reported])
    return Scan(folded=folded, text=text, model_text=model_text, context=context, hits=tuple(hits))


def _on_word_boundary(text: str, start: int, phrase: str) -> bool:
    """Latin (pinyin/English) phrases must not sit inside a longer word; CJK always passes."""
    if not phrase[0].isascii() or not phrase[0].isalpha():
        return True
    end = start + len(phrase)
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())
