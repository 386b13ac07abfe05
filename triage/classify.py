"""``classify(text, channel) -> Triage``: lexicon rules and the linear model, combined.

The decision is ``argmax_c log p_model(c) + RULE_WEIGHT * rule_score(c)``, then the
safety rules of issue 3: a strong self-harm cue makes the report ``self_harm``; a report
that must be P1/P2 is never ``consultation``/``non_police``; priorities are only raised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from triage.codes import CATEGORIES, CHANNELS, NON_DISPATCH
from triage.context import without_reported
from triage.cues import Scan, scan
from triage.errors import InvalidText, UnknownChannel
from triage.extract import extract_all
from triage.flags import LIVE, decide_flags
from triage.model import load_model
from triage.normalize import fold
from triage.priority import decide_priority, is_abduction
from triage.result import Cue, Triage

# Texts longer than this are triaged on their head: the facts that matter come first in
# a call record, and a runaway paste must not slow the console down.
MAX_CHARS = 2000
RULE_WEIGHT = 1.0
SELF_HARM_STRONG = 3.5
# Below this model probability an alarm category (self-harm, violence, fire) needs a cue.
EVIDENCE_P = 0.45
_MAX_CATEGORY_CUES = 6
_DANGER_CATEGORIES = ("violent_crime", "fire_disaster", "self_harm")
# Letters, digits or CJK: something a person could have meant.
_CONTENT = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")
_WEAPON_TURNS_VIOLENT = ("dispute", "public_order", "property_crime", "traffic")
_ABDUCTION_NOT = ("traffic", "property_crime", "public_order", "dispute", "assistance")
# Robbery is theft by force (taxonomy: violent_crime).
_FORCE = re.compile(r"按在地上|搜身|逼着|逼我|威胁|掐|打了我|打我|把我打|勒住|捂住|持刀|拿刀")


def classify(text: str, channel: str = "call") -> Triage:
    """Triage one report.

    Args:
        text: the report as typed or transcribed (any script; may be empty).
        channel: ``"call"``, ``"forum"`` or ``"transfer_12345"``.

    Returns:
        A :class:`Triage`. Empty or meaningless text yields a valid low-confidence result
        (``assistance``/P3, so that a person looks at it) rather than an error.

    Raises:
        InvalidText: ``text`` is not a ``str``.
        UnknownChannel: ``channel`` is not one of ``CHANNELS``.
    """
    if not isinstance(text, str):
        raise InvalidText(f"text must be str, not {type(text).__name__}")
    if channel not in CHANNELS:
        raise UnknownChannel(f"unknown channel {channel!r}; expected one of {CHANNELS}")
    original = _clip(_scrub(text))
    folded = fold(original)
    if _CONTENT.search(folded) is None:
        # Nothing to read (empty, whitespace, emoji, symbols): a person must look at it.
        return Triage(
            category="assistance",
            priority="P3",
            flags=(),
            confidence=0.0,
            cues=(Cue("rule:no_content", None, "category:assistance"),),
            extracted=extract_all(folded, original),
        )
    found = scan(folded)
    scores = _rule_scores(found)
    probs = load_model().predict(found.model_text, channel)
    logits = {c: math.log(max(1e-09, probs[c])) + RULE_WEIGHT * scores[c] for c in CATEGORIES}
    category, rule_cues = _choose_category(found, scores, probs, logits)
    self_harm_risk = scores["self_harm"] >= SELF_HARM_STRONG
    extracted = extract_all(found.text, original)
    flags, flag_cues = decide_flags(found, category, extracted)
    turned = _taxonomy_override(category, flags, found)
    if turned is not None:
        category = "violent_crime"
        rule_cues.append(Cue(turned, None, "category:violent_crime"))
        flags, flag_cues = decide_flags(found, category, extracted)
    rule_text = without_reported(found.text, found.context)
    priority, priority_cues = decide_priority(category, flags, rule_text, extracted, self_harm_risk)
    confidence = _softmax(logits)[category]
    if rule_cues:
        # A safety rule overrode the ranking: the rule, not the model, is the evidence.
        confidence = max(confidence, 0.5)
    top = _top(probs)
    cues = _text_cues(found, category) + flag_cues + rule_cues + priority_cues
    cues.append(Cue("model", None, f"model:{top} {probs[top]:.2f}"))
    return Triage(
        category=category,
        priority=priority,
        flags=flags,
        confidence=round(confidence, 3),
        cues=tuple(cues),
        extracted=extracted,
    )


def _choose_category(
    found: Scan, scores: dict[str, float], probs: dict[str, float], logits: dict[str, float]
) -> tuple[str, list[Cue]]:
    """The best-scoring category, corrected by the safety rules; with the rule cues."""
    cues: list[Cue] = []

    def allowed(category: str) -> bool:
        return not _unsupported(category, scores, probs, found)

    category = _best(logits, CATEGORIES)
    if not allowed(category):
        # A costly alarm needs a cue or a confident model: otherwise take the next best.
        category = _best(logits, [c for c in CATEGORIES if allowed(c)])
        cues.append(Cue("rule:alarm_needs_evidence", None, f"category:{category}"))
    self_harm_risk = scores["self_harm"] >= SELF_HARM_STRONG
    # Self-harm wins unless the violence cues outweigh it (a threat to kill, then oneself).
    outweighed = category == "violent_crime" and scores["violent_crime"] >= scores["self_harm"]
    if self_harm_risk and category != "self_harm" and not outweighed:
        category = "self_harm"
        cues.append(Cue("rule:self_harm_risk", None, "category:self_harm"))
    if category in NON_DISPATCH and (self_harm_risk or _has_danger(found, scores)):
        category = _best(logits, [c for c in CATEGORIES if c not in NON_DISPATCH and allowed(c)])
        cues.append(Cue("rule:urgent_is_police", None, f"category:{category}"))
    return category, cues


def _taxonomy_override(category: str, flags: tuple[str, ...], found: Scan) -> str | None:
    """The rule that makes a report violent crime despite its scene, if one applies.

    Taxonomy: a fight, quarrel or theft with a weapon or force is violent crime, and so
    is someone dragged into a car, whatever the car words suggest.
    """
    if category in _WEAPON_TURNS_VIOLENT and (
        "weapon" in flags or (category == "property_crime" and _FORCE.search(found.text))
    ):
        return "rule:weapon_or_force"
    if category in _ABDUCTION_NOT and is_abduction(found.text):
        return "rule:abduction"
    return None


def _unsupported(
    category: str, scores: dict[str, float], probs: dict[str, float], found: Scan
) -> bool:
    """True for an alarm category with no counted cue and a model below ``EVIDENCE_P``."""
    if category not in _DANGER_CATEGORIES or scores[category] > 0 or probs[category] >= EVIDENCE_P:
        return False
    if category == "violent_crime":
        return not any(
            h.kind == "flag" and h.code in ("weapon", "injury") and h.counts for h in found.hits
        )
    return True


def _has_danger(found: Scan, scores: dict[str, float]) -> bool:
    """True when the text carries a counted danger cue that a P4 answer would ignore."""
    if any(scores[c] >= 3.0 for c in _DANGER_CATEGORIES):
        return True
    counted = {h.code for h in found.hits if h.kind == "flag" and h.counts}
    return "injury" in counted or ("weapon" in counted and LIVE.search(found.text) is not None)


def _scrub(text: str) -> str:
    """Replace control characters and lone surrogates by spaces (same length)."""
    if text.isprintable():
        return text
    return "".join(
        ch if (ch.isprintable() or ch in "\n\t") and not 0xD800 <= ord(ch) <= 0xDFFF else " "
        for ch in text
    )


def _clip(text: str) -> str:
    """Keep the head of an over-long text (spans stay valid offsets into the original)."""
    return text[:MAX_CHARS]


def _rule_scores(found: Scan) -> dict[str, float]:
    """Sum the weights of counted category cues per category."""
    scores = dict.fromkeys(CATEGORIES, 0.0)
    for hit in found.hits:
        if hit.kind == "category" and hit.counts:
            scores[hit.code] += hit.weight
    return scores


def _best(logits: dict[str, float], candidates: Sequence[str]) -> str:
    """The candidate with the highest logit (the first in taxonomy order on a tie)."""
    best = candidates[0]
    for c in candidates[1:]:
        if logits[c] > logits[best]:
            best = c
    return best


def _softmax(logits: dict[str, float]) -> dict[str, float]:
    """Normalise logits into probabilities."""
    top = max(logits.values())
    exps = {c: math.exp(v - top) for c, v in logits.items()}
    total = sum(exps.values())
    return {c: v / total for c, v in exps.items()}


def _top(probs: dict[str, float]) -> str:
    """The model's own best category."""
    return max(CATEGORIES, key=lambda c: probs[c])


def _text_cues(found: Scan, category: str) -> list[Cue]:
    """Cues tied to text: the decided category's words, idioms, negations, reported speech."""
    cues: list[Cue] = []
    for start, end in found.context.idioms:
        cues.append(Cue(found.folded[start:end], (start, end), "idiom:not_danger"))
    shown = 0
    for hit in found.hits:
        span = (hit.start, hit.end)
        if hit.negated and (hit.kind == "flag" or hit.code == category):
            cues.append(Cue(hit.phrase, span, "negated"))
        elif hit.reported and hit.kind == "category":
            cues.append(Cue(hit.phrase, span, "reported:not_counted"))
        elif hit.kind == "category" and hit.code == category and shown < _MAX_CATEGORY_CUES:
            cues.append(Cue(hit.phrase, span, f"category:{category}"))
            shown += 1
    return cues
