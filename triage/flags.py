"""Decide the risk flags from lexicon hits, extracted facts and the category."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.codes import NON_DISPATCH
from triage.context import is_negated
from triage.cues import Hit, Scan
from triage.extract import reporter_at
from triage.numerals import NUMERAL_CHARS
from triage.lexicon import FAMILY_TERMS, PAST_MARKERS, VIOLENCE_TERMS
from triage.result import Cue

# In-progress words that do not survive a past marker (``昨天…现在想报案``).
_WEAK_LIVE = frozenset("现在 此刻 这会儿 眼下 一直在 还在 站在 仍在".split())
_RECENT_PAST = ("刚才", "刚刚", "已经", "报案", "想问")
# Child words that an adult age overrides (``我孩子28岁``).
_LOOSE_MINOR = frozenset("孩子 娃 学生 孩儿 小伙子 闺女".split())
_DV_WINDOW = 16


def decide_flags(
    scan: Scan, category: str, extracted: Mapping[str, Any]
) -> tuple[tuple[str, ...], list[Cue]]:
    """Return the sorted flags and the cues that set them.

    Args:
        scan: lexicon hits for the text.
        category: the decided category (consultation/non_police carry no risk flags).
        extracted: facts from :func:`triage.extract.extract_all`.

    Returns:
        ``(flags, cues)``.
    """
    if category in NON_DISPATCH:
        return (), []
    text = scan.text
    flag_hits: dict[str, list[Hit]] = {}
    for hit in scan.hits:
        if hit.kind == "flag" and hit.counts:
            if hit.code in ("minor", "elderly") and reporter_at(text, hit.start):
                continue
            if hit.code == "minor" and text[max(0, hit.start - 1) : hit.start] == "大":
                continue  # 大学生 is an adult
            flag_hits.setdefault(hit.code, []).append(hit)
    flags: set[str] = set()
    cues: list[Cue] = []

    def keep(flag: str, hits: list[Hit]) -> None:
        flags.add(flag)
        cues.extend(Cue(h.phrase, (h.start, h.end), f"flag:{flag}") for h in hits[:2])

    for flag in ("weapon", "injury", "sensitive"):
        if flag in flag_hits:
            keep(flag, flag_hits[flag])
    _minor_elderly(flag_hits, extracted, keep, cues, flags)
    live = flag_hits.get("in_progress", [])
    past = any(m in text for m in PAST_MARKERS) or any(m in text for m in _RECENT_PAST)
    strong = [h for h in live if h.phrase not in _WEAK_LIVE]
    if strong or (live and not past):
        keep("in_progress", strong or live)
    dv = _domestic_violence(scan)
    if dv is not None and category in ("violent_crime", "public_order", "dispute", "self_harm"):
        flags.add("domestic_violence")
        cues.append(dv)
    return tuple(sorted(flags)), cues


def _minor_elderly(
    flag_hits: dict[str, list[Hit]],
    extracted: Mapping[str, Any],
    keep: Any,
    cues: list[Cue],
    flags: set[str],
) -> None:
    """Set ``minor``/``elderly`` from words and numeric ages of the person at risk."""
    numeric = [a for a in extracted.get("ages", []) if any(c.isdigit() or c in NUMERAL_CHARS
                                                          for c in a["text"])]
    adult_age = bool(numeric) and all(a["min"] >= 18 for a in numeric)
    minor_hits = flag_hits.get("minor", [])
    if adult_age:
        minor_hits = [h for h in minor_hits if h.phrase not in _LOOSE_MINOR]
    if minor_hits:
        keep("minor", minor_hits)
    elif any(a["max"] is not None and a["max"] < 18 for a in numeric):
        flags.add("minor")
        cues.append(Cue(numeric[0]["text"], None, "flag:minor"))
    if "elderly" in flag_hits:
        keep("elderly", flag_hits["elderly"])
    elif any(a["min"] >= 60 for a in numeric):
        flags.add("elderly")
        cues.append(Cue(numeric[0]["text"], None, "flag:elderly"))


def _domestic_violence(scan: Scan) -> Cue | None:
    """A family/partner word near a violence word (``我老公喝醉了打我``)."""
    text = scan.text
    for term in FAMILY_TERMS:
        idx = text.find(term)
        while idx >= 0:
            window = text[max(0, idx - _DV_WINDOW) : idx + len(term) + _DV_WINDOW]
            for verb in VIOLENCE_TERMS:
                pos = window.find(verb)
                if pos >= 0 and not _negated_in(scan, verb):
                    return Cue(f"{term}…{verb}", (idx, idx + len(term)), "flag:domestic_violence")
            idx = text.find(term, idx + 1)
    return None


def _negated_in(scan: Scan, verb: str) -> bool:
    """True when every occurrence of ``verb`` is negated or reported."""
    positions = [i for i in range(len(scan.text)) if scan.text.startswith(verb, i)]
    return all(is_negated(scan.text, i) or scan.context.is_reported(i) for i in positions)
