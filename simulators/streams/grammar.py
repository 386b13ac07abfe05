"""A small compositional grammar for Chinese report texts, plus surface noise.

Templates use two constructs, nestable:

* ``[a|b|c]`` picks one alternative (an empty alternative makes the group optional);
* ``{slot}`` is replaced by the expansion of ``slots[slot]`` (a string, a sequence of
  strings to pick from, or a callable taking the rng).

Surface noise mimics what call-takers type and what people post: a homophone or
typing slip, digits versus Chinese numerals, and spoken fillers.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Final

Slot = str | Sequence[str] | Callable[[random.Random], str]

_DIGITS: Final = "零一二三四五六七八九"


@lru_cache(maxsize=4096)
def _split_alternatives(body: str) -> tuple[str, ...]:
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in body:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return tuple(parts)


@lru_cache(maxsize=4096)
def _matching(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "[":
            depth += 1
        elif text[i] == "]":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced '[' in template: {text!r}")


def expand(rng: random.Random, template: str, slots: Mapping[str, Slot] | None = None) -> str:
    """Expand ``template`` with random alternatives and slot values.

    Args:
        rng: Random source.
        template: Text with ``[a|b]`` groups and ``{slot}`` references.
        slots: Values for the ``{slot}`` references.

    Returns:
        The expanded text.

    Raises:
        KeyError: if the template names a slot that ``slots`` lacks.
        ValueError: if a ``[`` group is not closed.
    """
    slots = slots or {}
    out: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "[":
            end = _matching(template, i)
            choice = rng.choice(_split_alternatives(template[i + 1:end]))
            out.append(expand(rng, choice, slots))
            i = end + 1
        elif ch == "{":
            end = template.index("}", i)
            out.append(fill(rng, slots[template[i + 1:end]], slots))
            i = end + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def fill(rng: random.Random, value: Slot, slots: Mapping[str, Slot] | None = None) -> str:
    """Expand one slot value (string template, list of templates or callable)."""
    if callable(value):
        return value(rng)
    if isinstance(value, str):
        return expand(rng, value, slots)
    return expand(rng, rng.choice(list(value)), slots)


def cn_number(n: int) -> str:
    """Write 0 <= n < 10000 in Chinese numerals (``25`` -> ``二十五``, ``2`` -> ``两``)."""
    if n == 2:
        return "两"
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero:
                out.append("零")
            out.append(_DIGITS[digit] + unit)
            zero = False
        elif out:
            zero = True
    return "".join(out)


def number(rng: random.Random, n: int, *, chinese_share: float = 0.5) -> str:
    """Render ``n`` as digits or Chinese numerals."""
    return cn_number(n) if rng.random() < chinese_share and n < 10000 else str(n)


# Common slips in typed records and posts: homophones (的/得/地, 在/再), pinyin-IME picks
# (已经/以经), and dialect spellings heard on Baotou calls (啥/杂).
_SLIPS: Final = (
    ("已经", "以经"), ("在", "再"), ("的时候", "得时候"), ("马上", "马尚"), ("赶紧", "赶快"),
    ("这个", "这各"), ("那边", "哪边"), ("什么", "啥"), ("怎么", "咋"), ("电动车", "电瓶车"),
    ("派出所", "派处所"), ("报警", "报jing"), ("小区", "小去"), ("现在", "现再"),
    ("受伤", "受上"), ("丢了", "丟了"), ("联系", "连系"), ("身份证", "身分证"),
    ("救命", "就命"), ("快点", "快点儿"), ("一直", "一只"), ("知道", "知到"),
)


def add_slip(rng: random.Random, text: str) -> str:
    """Apply one typing slip or homophone that fits ``text`` (unchanged if none fits)."""
    fitting = [(a, b) for a, b in _SLIPS if a in text]
    if not fitting:
        return text
    a, b = rng.choice(fitting)
    positions = [m.start() for m in re.finditer(re.escape(a), text)]
    pos = rng.choice(positions)
    return text[:pos] + b + text[pos + len(a):]


_FILLERS: Final = ("那个", "就是", "嗯", "呃", "啊", "就是说", "怎么说呢", "你听我说", "哎呀", "对对")


def add_fillers(rng: random.Random, text: str, rate: float = 0.35) -> str:
    """Insert spoken fillers after some commas (call transcripts only)."""
    parts = text.split("，")
    out = [parts[0]]
    for part in parts[1:]:
        if part and rng.random() < rate:
            part = rng.choice(_FILLERS) + rng.choice(("，", "", "…")) + part
        out.append(part)
    return "，".join(out)


# Baotou speech is Jin (晋语) coloured: 咋 for 怎么, 甚/啥 for 什么, 不晓得 for 不知道.
_DIALECT: Final = (("怎么办", "咋办"), ("怎么", "咋"), ("什么", "甚"), ("什么", "啥"),
                   ("不知道", "不晓得"), ("这里", "这搭"), ("那里", "那搭"), ("没有", "没"))


def add_dialect(rng: random.Random, text: str, rate: float = 0.5) -> str:
    """Replace some standard words with local spoken forms (call transcripts only)."""
    for a, b in _DIALECT:
        if a in text and rng.random() < rate:
            text = text.replace(a, b)
    return text


def stutter(rng: random.Random, text: str) -> str:
    """Repeat a short leading phrase, as agitated callers do (``快快快，``)."""
    lead = rng.choice(("快", "喂", "警察", "你们快", "快点"))
    return f"{lead}{lead if len(lead) == 1 else '，' + lead}，{text}"


def clean(text: str) -> str:
    """Collapse doubled punctuation and spaces left by optional groups."""
    text = re.sub(r"，{2,}", "，", text)
    text = re.sub(r"[，、]+([。！？!?])", r"\1", text)
    text = re.sub(r"([。！？])，", r"\1", text)
    text = re.sub(r"^[，。\s]+", "", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    if text.endswith(("，", "、")):
        text = text[:-1] + "。"
    return text


_THIRD: Final = (
    # kinship first, so that 让我爸 becomes 让其父亲, not 让其爸
    ("我妈妈", "其母亲"), ("我妈", "其母亲"), ("我爸爸", "其父亲"), ("我爸", "其父亲"),
    ("我老公", "其丈夫"), ("我媳妇", "其妻子"), ("我老婆", "其妻子"), ("我儿子", "其儿子"),
    ("我女儿", "其女儿"), ("我闺女", "其女儿"), ("我孩子", "其孩子"), ("我家", "其家"),
    ("逼着我", "逼着报警人"), ("杀了我", "杀了报警人"), ("要砍我", "要砍报警人"), ("追着我", "追着报警人"),
    ("跟着我", "跟着报警人"), ("堵我", "堵报警人"), ("给我", "给报警人"), ("对我", "对报警人"),
    ("把我", "将报警人"), ("打我", "打报警人"), ("让我", "让其"), ("叫我", "叫其"),
    ("我们", "其"), ("我的", "其"), ("我", "其"), ("咱们", "其"), ("俺", "其"),
)


def third_person(text: str) -> str:
    """Rewrite a caller's first-person clause as a record's ``其…`` (报警人称其…)."""
    for a, b in _THIRD:
        text = text.replace(a, b)
    return text


def choose(rng: random.Random, options: Sequence[str], slots: Mapping[str, Slot] | None = None) -> str:
    """Pick one template from ``options`` and expand it."""
    return expand(rng, rng.choice(list(options)), slots)
