"""``classify(text, channel) -> Triage``: lexicon rules and the linear model, combined.

The decision is ``argmax_c log p_model(c) + RULE_WEIGHT * rule_score(c)``, then the
safety rules of issue 3: a strong self-harm cue makes the report ``self_harm``; a report
that must be P1/P2 is never ``consultation``/``non_police``; priorities are only raised.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from typing import Any

from triage import lifenet
from triage.answers import Facts, facts_from_answers, questions_for, with_answer_dangers
from triage.codes import CATEGORIES, CHANNELS, NON_DISPATCH, priority_rank
from triage.context import is_false_alarm, without_reported
from triage.cues import Scan, scan
from triage.errors import InvalidText, UnknownChannel
from triage.extract import extract_all
from triage.flags import LIVE, decide_flags
from triage.lifenet import Danger
from triage.model import LinearModel, load_model
from triage.normalize import despace, fold
from triage.priority import BASELINE, decide_priority, is_abduction
from triage.questions import check_answers
from triage.result import Cue, Triage
from triage.review import Calibration, Verdict, judge, load_calibration

# Texts longer than this are triaged on their head: the facts that matter come first in
# a call record, and a runaway paste must not slow the console down.
MAX_CHARS = 2000
# How much the lexicon's counted cues add to the model's log-probabilities. Chosen on
# hand-written reports the model was not trained on (b3, b4, k2 before they were folded
# in, and b5; docs/triage.md): at 1.0 a few strong words outvote the model on text from
# writers who never saw the lexicon; 0.7 was never worse than 1.0 on any of those four
# sets and better on b4 and b5 (the mean over the four: 0.837 at 1.0, 0.840 at 0.7,
# 0.849 at 0.3, but 0.3 lost 0.02-0.04 on b5 and on the corpus's own holdout).
RULE_WEIGHT = 0.7
SELF_HARM_STRONG = 3.5
# Below this model probability an alarm category (self-harm, violence, fire) needs a cue.
EVIDENCE_P = 0.45
_MAX_CATEGORY_CUES = 6
_DANGER_CATEGORIES = ("violent_crime", "fire_disaster", "self_harm")
# Letters, digits or CJK: something a person could have meant.
_CONTENT = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]")
_WEAPON_TURNS_VIOLENT = ("dispute", "public_order", "property_crime", "traffic")
# A suicide risk inside these stays their matter (a threat to kill, then oneself; a
# missing person at risk of suicide): the risk raises the priority instead.
_SELF_HARM_KEEPS = ("self_harm", "violent_crime", "missing_person")
_ABDUCTION_NOT = ("traffic", "property_crime", "public_order", "dispute", "assistance")
# Robbery is theft by force (taxonomy: violent_crime).
_FORCE = re.compile(r"按在地上|搜身|逼着|逼我|威胁|掐|打了我|打我|把我打|勒住|捂住|持刀|拿刀")


@dataclass(frozen=True, slots=True)
class Options:
    """Which parts decide (all on in service; switched off one by one for the ablation)."""

    rules: bool = True  # lexicon scores and the category safety rules
    net: bool = True  # the life-risk net
    review: bool = True  # abstention to a person
    model: LinearModel | None = None  # default: the committed artifact
    calibration: Calibration | None = None  # default: the committed curve
    # When given, each call appends its internals (for calibration and the ablation).
    trace: list[dict[str, Any]] | None = None


DEFAULT = Options()


def classify(text: str, channel: str = "call",
             answers: Mapping[str, Any] | None = None, options: Options = DEFAULT) -> Triage:
    """Triage one report.

    Args:
        text: the report as typed or transcribed (any script; may be empty).
        channel: ``"call"``, ``"forum"`` or ``"transfer_12345"``.
        answers: the call-taker's answers to key questions (code -> answer, see
            ``data/questions.toml``); they only ever raise the result.
        options: which parts decide (the ablation switches them off).

    Returns:
        A :class:`Triage`. Empty or meaningless text yields a valid low-confidence result
        (``assistance``/P3, needing review) rather than an error.

    Raises:
        InvalidText: ``text`` is not a ``str``.
        UnknownChannel: ``channel`` is not one of ``CHANNELS``.
        InvalidAnswer: an answer names an unknown question or has the wrong kind.
    """
    if not isinstance(text, str):
        raise InvalidText(f"text must be str, not {type(text).__name__}")
    if channel not in CHANNELS:
        raise UnknownChannel(f"unknown channel {channel!r}; expected one of {CHANNELS}")
    given = check_answers(answers or {})
    original = _clip(_scrub(text))
    joined = despace(original)
    if joined is None:
        return _classify(original, channel, given, options)
    # A word-spaced transcript is read as running text; its cues point at what was typed.
    compact, index = joined
    return _typed_spans(_classify(compact, channel, given, options), index)


def _typed_spans(result: Triage, index: Sequence[int]) -> Triage:
    """``result`` with each cue span moved from the joined text back to the typed one."""
    def moved(cue: Cue) -> Cue:
        if cue.span is None:
            return cue
        start, end = cue.span
        return dc_replace(cue, span=(index[start], index[end - 1] + 1) if end > start
                          else (index[start], index[start]))
    return dc_replace(result, cues=tuple(moved(c) for c in result.cues))


def _classify(original: str, channel: str, given: Mapping[str, Any],
              options: Options) -> Triage:
    """:func:`classify` on checked input: ``original`` is the text the spans point into."""
    folded = fold(original)
    if _CONTENT.search(folded) is None:
        # Nothing to read (empty, whitespace, emoji, symbols): a person must look at it.
        extracted = extract_all(folded, original)
        return Triage(
            category="assistance", priority="P3", flags=(), confidence=0.0,
            cues=(Cue("rule:no_content", None, "category:assistance"),),
            extracted=extracted, needs_review=True, candidates=("assistance",),
            **_questions("assistance", folded, (), (), extracted, given))
    found = scan(folded)
    scores = _rule_scores(found) if options.rules else dict.fromkeys(CATEGORIES, 0.0)
    model = options.model or load_model()
    probs = model.predict(found.model_text, channel)
    logits = {c: math.log(max(1e-09, probs[c])) + RULE_WEIGHT * scores[c] for c in CATEGORIES}
    if options.rules:
        category, rule_cues = _choose_category(found, scores, probs, logits)
    else:
        category, rule_cues = _best(logits, CATEGORIES), []
    self_harm_risk = scores["self_harm"] >= SELF_HARM_STRONG
    extracted = extract_all(found.text, original)
    facts = facts_from_answers(given)
    flags, flag_cues = _flags(found, category, extracted, facts)
    turned = _taxonomy_override(category, flags, found) if options.rules else None
    if turned is not None:
        category = "violent_crime"
        rule_cues.append(Cue(turned, None, "category:violent_crime"))
        flags, flag_cues = _flags(found, category, extracted, facts)
    rule_text = without_reported(found.text, found.context)
    dangers = lifenet.assess(rule_text, whole=found.text) if options.net else ()
    if extracted.get("sighting"):
        # A vulnerable person found and with the caller is no longer missing: urgent
        # (taxonomy: an elderly person found wandering is P2), not a life at risk.
        dangers = tuple(sorted((dc_replace(d, level="P2") if d.kind == "vulnerable_missing"
                                else d for d in dangers), key=lambda d: d.level))
    dangers = with_answer_dangers(dangers, facts)
    net_cues: list[Cue] = []
    if dangers:
        category, moved = _category_for_danger(category, dangers, scores)
        if moved:
            net_cues.append(Cue(f"net:{dangers[0].kind}", None, f"category:{category}"))
            flags, flag_cues = _flags(found, category, extracted, facts)
    if facts.conditions:
        extracted = {**extracted, "conditions": sorted({*extracted.get("conditions", []),
                                                        *facts.conditions})}
    priority, priority_cues = _priority(category, flags, rule_text, extracted, self_harm_risk,
                                        dangers, facts.floor, net_cues)
    softmax = _softmax(logits)
    cal = options.calibration or load_calibration()
    confidence = cal.calibrate(softmax[category])
    forced = bool(rule_cues or net_cues)
    supported = frozenset({category, *(c for c in CATEGORIES if scores[c] > 0),
                           *(d.category for d in dangers)})
    verdict = judge(category, softmax, probs, confidence, cal, forced, supported) \
        if options.review \
        else Verdict(False, (category,), ())
    needs_review = verdict.needs_review or facts.review
    candidates = verdict.candidates
    base_priority = priority
    review_cues: list[Cue] = []
    if needs_review:
        review_cues.append(Cue("review:" + ",".join(verdict.reasons or ("answer",)), None,
                               "needs_review"))
        priority, raised_by = _most_urgent(found, candidates, rule_text, extracted,
                                           self_harm_risk, dangers, facts, priority)
        if raised_by:
            review_cues.append(Cue(f"review:candidate:{raised_by}", None, f"priority:{priority}"))
    if not dangers and priority_rank(priority) < priority_rank("P3") \
            and is_false_alarm(rule_text, found.text):
        # The caller takes the alarm back and nothing says it was real: a routine matter.
        priority = "P3"
        review_cues.append(Cue("rule:false_alarm", None, "priority:P3"))
    if category in NON_DISPATCH and (priority != "P4" or flags):
        # Someone must go (a candidate's priority, an answer): never a no-dispatch category.
        police = [c for c in candidates if c not in NON_DISPATCH]
        category = police[0] if police else _best(
            logits, [c for c in CATEGORIES if c not in NON_DISPATCH])
        review_cues.append(Cue("rule:urgent_is_police", None, f"category:{category}"))
        if priority == "P4":
            priority = BASELINE[category]
    if options.trace is not None:
        options.trace.append({"softmax": softmax, "model": probs, "forced": forced,
                              "supported": supported,
                              "raw": softmax[category], "base_priority": base_priority,
                              "review_priority": _review_priority(
                                  found, category, softmax, probs, rule_text, extracted,
                                  self_harm_risk, dangers, facts, base_priority, supported)})
    top = _top(probs)
    cues = _text_cues(found, category) + flag_cues + rule_cues + _danger_cues(dangers) \
        + net_cues + priority_cues + review_cues
    cues.append(Cue("model", None, f"model:{top} {probs[top]:.2f}"))
    kinds = tuple(d.kind for d in dangers)
    return Triage(
        category=category,
        priority=priority,
        flags=flags,
        confidence=round(confidence, 3),
        cues=tuple(cues),
        extracted=extracted,
        needs_review=needs_review,
        candidates=candidates,
        **_questions(category, rule_text, flags, kinds, extracted, given),
        life_risk=tuple({"kind": d.kind, "level": d.level} for d in dangers),
    )


def _questions(category: str, text: str, flags: Sequence[str], kinds: Sequence[str],
               extracted: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    open_, answered = questions_for(category, text, flags, kinds, extracted, given)
    return {"questions": open_, "answered": answered}


def _most_urgent(found: Scan, candidates: Sequence[str], text: str,
                 extracted: Mapping[str, Any], self_harm_risk: bool, dangers: Sequence[Danger],
                 facts: Facts, priority: str) -> tuple[str, str | None]:
    """The most urgent priority among the candidates (and the candidate that set it)."""
    raised_by = None
    for other in candidates[1:]:
        other_flags, _ = _flags(found, other, extracted, facts)
        p, _ = _priority(other, other_flags, text, extracted, self_harm_risk, dangers,
                         facts.floor, [])
        if priority_rank(p) < priority_rank(priority):
            priority, raised_by = p, other
    return priority, raised_by


def _review_priority(found: Scan, category: str, softmax: Mapping[str, float],
                     probs: Mapping[str, float], text: str, extracted: Mapping[str, Any],
                     self_harm_risk: bool, dangers: Sequence[Danger], facts: Facts,
                     priority: str, supported: frozenset[str]) -> str:
    """The priority this report would get if it went to review (for calibration)."""
    always = Calibration(review_below=2.0, margin=2.0, disagree_p=0.0)
    verdict = judge(category, softmax, probs, 0.0, always, False, supported)
    return _most_urgent(found, verdict.candidates, text, extracted, self_harm_risk, dangers,
                        facts, priority)[0]


def _flags(found: Scan, category: str, extracted: Mapping[str, Any],
           facts: Facts) -> tuple[tuple[str, ...], list[Cue]]:
    """The text's flags for ``category`` plus those the call-taker's answers establish."""
    flags, cues = decide_flags(found, category, extracted)
    if facts.flags - set(flags):
        flags = tuple(sorted({*flags, *facts.flags}))
    return flags, cues


def _priority(category: str, flags: tuple[str, ...], text: str, extracted: Mapping[str, Any],
              self_harm_risk: bool, dangers: Sequence[Danger], floor: str | None,
              net_cues: list[Cue]) -> tuple[str, list[Cue]]:
    """The rules' priority, raised to the net's and the answers' floors."""
    priority, cues = decide_priority(category, flags, text, extracted, self_harm_risk)
    floors = [(d.level, f"net:{d.kind}") for d in dangers]
    if floor is not None:
        floors.append((floor, "answer"))
    for level, why in floors:
        if priority_rank(level) < priority_rank(priority):
            priority = level
            cues.append(Cue(why, None, f"priority:{level}"))
    return priority, cues


def _category_for_danger(category: str, dangers: Sequence[Danger],
                         scores: Mapping[str, float]) -> tuple[str, bool]:
    """The category that covers a danger to life (taxonomy: people trapped, smoke and gas
    are fire_disaster; a helpless person is assistance; intent is self_harm).

    The net lists its kinds from the most telling to the most generic (a cause before a
    symptom: 敌敌畏 before 叫不醒), so the first of the most urgent dangers names the
    matter. A category that covers it keeps the report (a crash with a driver trapped
    stays traffic); otherwise the report moves to that danger's category. A consultation
    or non-police report always moves: someone must go. Intent to die keeps a report
    violent_crime only where the violence cues outweigh it (a threat to kill, then
    oneself), as in :func:`_choose_category`.
    """
    primary = dangers[0]
    if primary.kind == "self_harm" and category == "violent_crime" \
            and scores["violent_crime"] <= scores["self_harm"]:
        return "self_harm", True
    if category not in NON_DISPATCH and category in primary.keeps:
        return category, False
    if category not in NON_DISPATCH and primary.level != "P1" and not primary.moves:
        return category, False
    return primary.category, primary.category != category


def _danger_cues(dangers: Sequence[Danger]) -> list[Cue]:
    return [Cue(phrase, span, f"life_risk:{d.kind}") for d in dangers for phrase, span in
            d.phrases]


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
