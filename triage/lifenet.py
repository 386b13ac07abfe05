"""The life-risk net: danger to life, detected independently of the category model.

The category model and the lexicon answer "what kind of matter is this?"; the net answers
one narrower question — "could someone die if nobody goes?" — from data
(``data/lifenet.toml``: vocabularies of concepts and, per danger kind, direct phrases and
situations that combine concepts). A hit sets a priority floor and forbids the answers
that send no one (``consultation``, ``non_police``). It is deliberately generous: a
false hit costs a patrol's time, a miss can cost a life.

Pure: compiled once, lazily; no I/O after the first call.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from triage.context import from_screen, is_false_alarm, is_negated, is_past
from triage.errors import ArtifactError

DATA = "lifenet.toml"
# Everyone is out or safe: a danger that was real is no longer immediate (floor P2).
_SAFE_NOW = re.compile(
    r"人(?:都)?没事|都(?:跑|救|逃|撤)出来了|人(?:都)?(?:已经)?出来了|已经(?:被)?救(?:出来|上来|下来)|(?:给|被)?救下来了|"
    r"已经?脱离危险|抢救过来|已经醒了|醒过来了|已经送(?:到)?医院|已经?(?:扑|浇)?灭了|火(?:已经)?灭了|"
    r"已(?:经)?被[^，。,]{0,8}(?:浇|扑|打)灭|无人员?受伤|"
    r"已经劝下来|劝下来了|已经没事|没有人在|没人在(?:里面|家)|周围没人(?!认识|管|理|帮|敢)|附近没人(?!认识|管|理|帮|敢)|已经疏散|已经?处理好了|"
    r"(?:谁|人)也没(?:受伤|事)|都安全(?:带)?(?:下来|出来)|都好好的|(?:翻|爬)回来了|说话(?:都)?正常|"
    r"(?:自己)?(?:爬|游|扒)(?:上|回)(?:来|岸)了|(?:啥|什么)事(?:都|也)?没有|(?:已经)?被[^，。,]{0,6}拉开了|人没伤着|(?:病情|情况)?(?:已经)?稳定(?:了|下来)|"
    r"已经?修好了?|(?:味|味道|烟)(?:也|都|已经)?散(?:了|掉)|"
    r"没(?:啥|什么)(?:感觉|反应|异常)|没(?:有)?(?:砸|伤)(?:着|到)人|没人住|冲干净了|(?:拉|劝|救|拽|拖|抱)(?:了)?回来了|情绪稳定|都撤(?:到|出)"
)
# Not sure everyone is out (不知道还有没有人): the danger stays live whatever else is safe.
_UNSURE = re.compile(r"(?:不知道|不确定|说不准|不清楚).{0,12}(?:还有没有人|有没有人|有人没|人出来没|还有人)|还有没有人|可能还有人|好像还有人|不知道.{0,6}(?:在不在|出来没)")
# Someone is still in a bad way, whoever got them out (已经抬出来了，还有微弱呼吸), or one of
# them is still in (一个爬上来了，一个没上来).
_STILL_BAD = re.compile(r"微弱|叫不醒|喊不醒|昏迷|没(?:有)?了?(?:呼吸|气)|不喘气|不省人事|抽搐|还在流血|血止不住|没(?:有)?反应|"
                        r"(?:一个|还有一?个?|另一个)[^，。,]{0,3}没(?:能)?(?:爬|救|拉)?(?:上来|出来)")
_LIVE = re.compile(r"(?<!不是)现在|正在|还在|马上|快点|赶紧|救命|快来|快救|一直在|越来越")


@dataclass(frozen=True, slots=True)
class Danger:
    """One kind of danger to life found in a text.

    Attributes:
        kind: the danger code (``trapped``, ``unconscious``, ``self_harm`` …).
        level: the priority floor it sets (``P1`` or ``P2``).
        category: where a report that would send no one goes instead.
        phrases: the matched words, with their ``(start, end)`` spans, in text order.
    """

    kind: str
    level: str
    category: str
    phrases: tuple[tuple[str, tuple[int, int]], ...]
    keeps: frozenset[str] = frozenset()
    # The danger decides the category even below P1 (a person found wandering is
    # missing_person whatever else the report sounds like).
    moves: bool = False


@dataclass(frozen=True, slots=True)
class _Kind:
    kind: str
    level: str
    category: str
    direct: re.Pattern[str] | None
    situations: tuple[tuple[str, ...], ...]
    weak: tuple[str, ...]
    unless: re.Pattern[str] | None
    keeps: frozenset[str]
    window: int | None = None  # a kind's own reach (a gas smell fills a flat); None: the net's
    moves: bool = False
    dated: bool = True  # a past date in its sentence lowers it (False: still true now)
    animals: bool = False  # reads animals too (a herd in the lanes endangers the drivers)
    direct_starts: frozenset[str] | None = None  # what a direct phrase can start with
    # What any match of the kind can start with: its direct phrases, the first concept of
    # each situation and its weak concepts (None: some cannot be told). A text holding none
    # of these characters cannot match the kind.
    gate: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Net:
    """The compiled net (see :func:`load_net`)."""

    window: int
    concepts: Mapping[str, re.Pattern[str]]
    kinds: tuple[_Kind, ...]
    idioms: re.Pattern[str] | None = None
    not_people: re.Pattern[str] | None = None  # an animal or thing in trouble: blanked
    # First characters of each concept's phrases: a concept none of whose first
    # characters is in the text cannot match, and is not searched.
    starts: Mapping[str, frozenset[str] | None] = field(default_factory=dict)

    @property
    def kind_codes(self) -> tuple[str, ...]:
        """Every danger kind, in data order."""
        return tuple(k.kind for k in self.kinds)


_META = set("\\.^$*+?{}[]|()")


def _first_chars(fragment: str) -> frozenset[str] | None:
    """The characters a match of ``fragment`` can start with, or None when unknown.

    Handles what the data uses: a literal first character, a class ``[...]`` of literals
    and ranges, and a leading group ``(?:a|b…)`` whose alternatives are handled alike.
    """
    if not fragment:
        return None
    if fragment.startswith(("(?<!", "(?<=", "(?!", "(?=")):
        close = fragment.find(")")  # the data's lookarounds hold no nested groups
        return _first_chars(fragment[close + 1:]) if close > 0 else None
    head = fragment[0]
    if head not in _META:
        return frozenset(head)
    if head == "[" and "]" in fragment[1:]:
        body = fragment[1:fragment.index("]", 1)]
        if body.startswith("^") or "\\" in body:
            return None
        chars: set[str] = set()
        i = 0
        while i < len(body):
            if i + 2 < len(body) and body[i + 1] == "-":
                chars.update(chr(c) for c in range(ord(body[i]), ord(body[i + 2]) + 1))
                i += 3
            else:
                chars.add(body[i])
                i += 1
        return frozenset(chars)
    if fragment.startswith("(?:"):
        depth, end = 0, -1
        for i, ch in enumerate(fragment):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                end = i
                break
        if end < 0 or fragment[end + 1:end + 2] in ("?", "*", "{"):
            return None  # an optional group: the match may start after it
        options: set[str] = set()
        for alternative in _split_top(fragment[3:end]):
            first = _first_chars(alternative)
            if first is None:
                return None
            options |= first
        return frozenset(options)
    return None


def _split_top(body: str) -> list[str]:
    """``body`` split at its top-level ``|``."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0 and (i == 0 or body[i - 1] != "\\"):
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def starts_of(fragments: Sequence[str]) -> frozenset[str] | None:
    """The characters any of ``fragments`` can start with (None: some cannot be told)."""
    chars: set[str] = set()
    for fragment in fragments:
        first = _first_chars(fragment)
        if first is None:
            return None
        chars |= first
    return frozenset(chars)


def _alternation(fragments: Sequence[str]) -> re.Pattern[str] | None:
    if not fragments:
        return None
    return re.compile("|".join(f"(?:{f})" for f in sorted(fragments, key=len, reverse=True)))


def build_net(data: Mapping[str, object]) -> Net:
    """Compile the net from its parsed TOML data.

    Raises:
        ArtifactError: a danger names an unknown concept, a bad level or an invalid pattern.
    """
    try:
        raw_concepts = data["concepts"]
        assert isinstance(raw_concepts, dict)
        concepts = {name: _alternation(list(frags)) for name, frags in raw_concepts.items()}
        kinds: list[_Kind] = []
        raw_kinds = data["danger"]
        assert isinstance(raw_kinds, list)
        for entry in raw_kinds:
            situations = tuple(tuple(s) for s in entry.get("situations", []))
            weak = tuple(entry.get("weak", []))
            for name in {n for s in situations for n in s} | set(weak):
                if concepts.get(name) is None:
                    raise ArtifactError(f"danger {entry['kind']!r} names unknown concept {name!r}")
            if entry["level"] not in ("P1", "P2"):
                raise ArtifactError(f"danger {entry['kind']!r}: level must be P1 or P2")
            kinds.append(_Kind(str(entry["kind"]), str(entry["level"]), str(entry["category"]),
                               _alternation(entry.get("direct", [])), situations, weak,
                               _alternation(_unless(entry, raw_concepts)),
                               frozenset(entry.get("keeps", [entry["category"]])),
                               int(entry["window"]) if "window" in entry else None,
                               bool(entry.get("moves", False)),
                               bool(entry.get("dated", True)),
                               bool(entry.get("animals", False)),
                               starts_of(list(entry.get("direct", []))) or None))
        window = int(data.get("window", 40))  # type: ignore[call-overload]
    except (KeyError, TypeError, AssertionError, re.error) as exc:
        raise ArtifactError(f"malformed life-risk net: {exc}") from exc
    idioms = _alternation(list(data.get("idioms", [])))  # type: ignore[call-overload]
    starts = {name: starts_of(list(frags)) for name, frags in raw_concepts.items()}
    try:
        not_people = _alternation(list(data.get("not_people", [])))  # type: ignore[call-overload]
    except re.error as exc:
        raise ArtifactError(f"malformed life-risk net: {exc}") from exc
    kinds = [replace(k, gate=_gate(k, starts)) for k in kinds]
    return Net(window, {k: v for k, v in concepts.items() if v is not None}, tuple(kinds),
               idioms=idioms, not_people=not_people, starts=starts)


def _gate(kind: _Kind, starts: Mapping[str, frozenset[str] | None]) -> frozenset[str] | None:
    """The characters some match of ``kind`` must start with (see ``_Kind.gate``)."""
    if kind.direct is not None and kind.direct_starts is None:
        return None
    chars: set[str] = set(kind.direct_starts or ())
    for name in [s[0] for s in kind.situations] + list(kind.weak):
        first = starts.get(name)
        if first is None:
            return None
        chars |= first
    return frozenset(chars)


def _unless(entry: Mapping[str, Any], concepts: Mapping[str, Any]) -> list[str]:
    """A kind's ``unless`` phrases, each ``"@name"`` replaced by that concept's phrases."""
    out: list[str] = []
    for phrase in entry.get("unless", []):
        if phrase.startswith("@"):
            if phrase[1:] not in concepts:
                raise ArtifactError(f"danger {entry['kind']!r} names unknown concept {phrase!r}")
            out.extend(concepts[phrase[1:]])
        else:
            out.append(phrase)
    return out


@lru_cache(maxsize=1)
def load_net() -> Net:
    """The committed net, compiled once on first use."""
    raw = resources.files("triage.data").joinpath(DATA).read_text(encoding="utf-8")
    return build_net(tomllib.loads(raw))


Match = tuple[str, int, int]  # phrase, start, end
Finder = Callable[[str], list[Match]]  # concept name -> its counted matches


def _matches(pattern: re.Pattern[str], text: str) -> list[Match]:
    """Every counted (not negated) match of ``pattern``; ``还没`` still counts (还没跳)."""
    out: list[Match] = []
    for m in pattern.finditer(text):
        if m.end() > m.start() and not is_negated(text, m.start(), still_counts=True) \
                and text[m.start() - 1:m.start()] != "防":  # 防溺水, 防走失: a guard
            out.append((m.group(0), m.start(), m.end()))
    return out


def assess(text: str, net: Net | None = None, whole: str | None = None) -> tuple[Danger, ...]:
    """The dangers to life in a folded text whose idioms and reported clauses are masked.

    Args:
        text: ``without_reported(scan.text, scan.context)``.
        net: a compiled net (default: the committed one).
        whole: ``scan.text`` before the reported clauses were masked, where a take-back
            (原来是在看电视剧, 搞防溺水演练) is read.

    Returns:
        One :class:`Danger` per kind found, most urgent first (P1 before P2, then data
        order). A danger that the text says is over (人都出来了, 已经脱离危险) or that is
        dated in the past with nothing live is lowered to P2.
    """
    net = net or load_net()
    if net.idioms is not None:
        text = net.idioms.sub(lambda m: " " * len(m.group(0)), text)
    with_animals = text
    if net.not_people is not None:
        text = _blank_not_people(net.not_people, text)

    def reader(source: str) -> Callable[[str], list[Match]]:
        found: dict[str, list[Match]] = {}
        chars = set(source)

        def concept(name: str) -> list[Match]:
            if name not in found:
                pattern = net.concepts.get(name)
                first = net.starts.get(name)
                if pattern is None or (first is not None and first.isdisjoint(chars)):
                    found[name] = []
                else:
                    found[name] = _matches(pattern, source)
            return found[name]
        return concept

    concept = reader(text)
    animal_concept = reader(with_animals) if any(k.animals for k in net.kinds) else concept

    live = _LIVE.search(text) is not None
    # Everyone is out or safe: the danger is over (a self-harm crisis talked down still
    # needs someone: P2).
    safe = _SAFE_NOW.search(text) is not None and _UNSURE.search(text) is None \
        and _STILL_BAD.search(text) is None
    past = is_past(text) and not live
    # A question about what to do *if* (要是楼道里着火了，往哪跑？) is a consultation —
    # unless the writer is acting it out (farewell behaviour is never hypothetical).
    asking = bool(concept("hypothetical")) and bool(concept("asking")) and not live \
        and not concept("farewell") and not concept("self_intent")
    # The caller takes the alarm back (a mannequin, a drill, a misdial): nothing fires —
    # even with 现在 or 救命 in it, when it came from a screen or everyone is now safe
    # (现在那人自己爬上来了，啥事没有，不用来了).
    seen_whole = whole if whole is not None else text
    asking = asking or (is_false_alarm(text, seen_whole)
                        and (not live or safe or from_screen(seen_whole)))
    if asking:
        return ()
    dangers: list[Danger] = []
    chars, animal_chars = set(text), set(with_animals)
    for kind in net.kinds:
        if safe and kind.kind != "self_harm":
            continue
        seen, read, present = (with_animals, animal_concept, animal_chars) if kind.animals \
            else (text, concept, chars)
        if kind.gate is not None and kind.gate.isdisjoint(present):
            continue
        phrases = _direct(kind, seen, present) \
            or _situation(kind, read, kind.window or net.window) or _weak_pair(kind, read)
        if not phrases:
            continue
        if kind.unless is not None and not live and kind.unless.search(text):
            continue
        # A question about something over and done (上月曾有工人被关在库内…咨询向哪个部门
        # 举报): no floor, when every clause the danger was read in is dated.
        dated = past and kind.dated and all(
            is_past(_clause(text, start)) for _, start, _ in phrases)
        if dated and concept("asking"):
            continue
        # A past date lowers a danger only where it dates every clause the danger was read
        # in (老伴儿去年走了 dates the grief, not the pills by the pillow; 炉子夜来封的火
        # dates the stove, not 叫不醒); some dangers are true now whatever the story's
        # dates (intent to die, a person still missing).
        level = "P2" if (safe or dated) else kind.level
        dangers.append(Danger(kind.kind, level, kind.category,
                              tuple((p, (s, e)) for p, s, e in sorted(phrases, key=lambda m: m[1])),
                              kind.keeps, kind.moves))
    dangers.sort(key=lambda d: d.level)
    return tuple(dangers)


_CLAUSE_END = re.compile(r"[，,。！？!?\n；;]")


_PERSON_WORD = re.compile(r"人|孩|娃|宝宝|老汉|老太|老头|大爷|大娘|爷|奶|姥|妈|爸|儿子|闺女|女儿|他|她|我(?!家)")


def _blank_not_people(pattern: re.Pattern[str], text: str) -> str:
    """``text`` with what is said of an animal or a thing in trouble blanked: from it to
    the end of its sentence, or to the clause before a person comes in (狗掉井里了，孩子…)."""
    for m in pattern.finditer(text):
        end = _SENTENCE_END.search(text, m.end())
        stop = end.start() if end else len(text)
        person = _PERSON_WORD.search(text, m.end(), stop)
        if person is not None:
            clause = max((c.end() for c in _CLAUSE_END.finditer(text, m.end(), person.start())),
                         default=person.start())
            stop = max(clause - 1, m.end())
        # ... or to a clause about something else: the weather, the phone (羊也跑散了，
        # 手机就剩百分之八的电，天快黑了: the herder's plight is not the sheep's).
        other = _NEW_SUBJECT.search(text, m.end(), stop)
        if other is not None:
            stop = other.start()
        text = text[:m.start()] + " " * (stop - m.start()) + text[stop:]
    return text


_SENTENCE_END = re.compile(r"[。！？!?\n；;]")
_NEW_SUBJECT = re.compile(r"[，,](?:手机|电话|天|风|雪|雨|沙尘|冷得|周围|路上)")


def _clause(text: str, pos: int) -> str:
    """The clause of ``text`` that holds ``pos``, with the one before it (a date usually
    leads: 昨天晚上，有人…)."""
    marks = [m.end() for m in _CLAUSE_END.finditer(text, 0, pos)]
    start = marks[-2] if len(marks) >= 2 else 0
    end = _CLAUSE_END.search(text, pos)
    return text[start:end.start() if end else len(text)]


def _direct(kind: _Kind, text: str, chars: set[str]) -> list[Match]:
    """The first counted direct phrase of ``kind`` (``chars``: the characters of the
    masked text; a kind none of whose phrases can start there is skipped unread)."""
    if kind.direct is None or (kind.direct_starts is not None
                               and kind.direct_starts.isdisjoint(chars)):
        return []
    hits = _matches(kind.direct, text)
    return hits[:1]


def _situation(kind: _Kind, concept: Finder, window: int) -> list[Match]:
    """The matches of the first situation whose concepts all lie near each other."""
    for names in kind.situations:
        anchors = concept(names[0])
        for anchor in anchors:
            chosen = [anchor]
            lo, hi = anchor[1] - window, anchor[2] + window
            for name in names[1:]:
                near = [m for m in concept(name)
                        if m[1] < hi and m[2] > lo and (m[1], m[2]) != (anchor[1], anchor[2])]
                if not near:
                    break
                chosen.append(near[0])
            else:
                return chosen
    return []


def _weak_pair(kind: _Kind, concept: Finder) -> list[Match]:
    """Two different weak phrases (a burden and no hope) count as one situation."""
    seen: dict[str, Match] = {}
    for name in kind.weak:
        for m in concept(name):
            seen.setdefault(m[0], m)
    if len(seen) >= 2:
        return list(seen.values())[:2]
    return []
