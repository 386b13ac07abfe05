"""Baotou place names heard right and written wrong.

A speech-to-text engine, or a call-taker typing fast, writes a place name with other
characters of the same sound: 萨拉七 for 萨拉齐, 石怪区 for 石拐区, 美代召 for 美岱召, 五当找 for
五当召, 希拉木仁 for 希拉穆仁. None of these is in the gazetteer, so the report is "no place
found" although the place was said clearly.

:func:`respell` finds, in a text that places nowhere, runs of Han characters whose toneless
pinyin (``pypinyin``, offline) is that of exactly one Baotou gazetteer form of at least
three characters, and writes the form in their stead; characters that are part of a form
the gazetteer knows as written are left alone. The rewrite keeps the text's length,
so spans still point where they did. Two-character forms are left alone: too many
ordinary words share their sound. The locator uses the respelled text only when the text
as written placed nothing (or only the city), and says what it read.
"""

from __future__ import annotations

from functools import lru_cache

from geo.gazetteer import Gazetteer

MIN_CHARS = 3

Key = tuple[str, ...]


@lru_cache(maxsize=16384)
def _reading(ch: str) -> str | None:
    """The toneless reading of one Han character (None for anything else)."""
    if not "\u3400" <= ch <= "\u9fff":
        return None
    # Imported on first use (about 0.2 s of dictionaries): most texts place as written
    # and never come here, and a process that restarts should serve at once.
    from pypinyin import Style, lazy_pinyin
    return str(lazy_pinyin(ch, style=Style.NORMAL)[0])


def _key(chars: str) -> Key | None:
    out: list[str] = []
    for ch in chars:
        reading = _reading(ch)
        if reading is None:
            return None
        out.append(reading)
    return tuple(out)


_INDEXES: dict[int, tuple[dict[Key, str], tuple[int, ...]]] = {}


def _index(gaz: Gazetteer) -> tuple[dict[Key, str], tuple[int, ...]]:
    """Sound -> the one Baotou form with that sound (forms sharing a sound are dropped),
    and the form lengths, longest first."""
    cached = _INDEXES.get(id(gaz))
    if cached is not None:
        return cached
    by_sound: dict[Key, set[str]] = {}
    for form, entries in gaz.forms.items():
        if len(form) < MIN_CHARS or not any(e.district for e in entries):
            continue
        key = _key(form)
        if key is not None:
            by_sound.setdefault(key, set()).add(form)
    index = {key: next(iter(forms)) for key, forms in by_sound.items() if len(forms) == 1}
    lengths = tuple(sorted({len(k) for k in index}, reverse=True))
    _INDEXES[id(gaz)] = (index, lengths)
    return index, lengths


def respell(text: str, gaz: Gazetteer) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``text`` with each sound-alike of a Baotou form replaced by the form.

    Returns:
        The rewritten text (same length) and the ``(heard, read)`` pairs, in text order;
        the text unchanged and ``()`` when nothing sounds like a Baotou name.
    """
    index, lengths = _index(gaz)
    # A form the gazetteer knows as written was heard right (肿瘤医院 is no 六医院 misheard).
    known = [False] * len(text)
    for m in gaz.scan(text):
        known[m.start:m.end] = [True] * (m.end - m.start)
    chars = list(text)
    changed: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        for length in lengths:
            if i + length > n:
                continue
            heard = text[i:i + length]
            if any(known[i:i + length]):
                continue
            key = _key(heard)
            form = index.get(key) if key is not None else None
            if form is not None and form != heard:
                chars[i:i + length] = form
                changed.append((heard, form))
                i += length
                break
        else:
            i += 1
    if not changed:
        return text, ()
    return "".join(chars), tuple(changed)
