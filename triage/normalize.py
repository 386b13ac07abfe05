"""Length-preserving text normalisation.

Every function here maps a text to one of exactly the same length, so a span found in
the normalised text is also a span of the original text (cues point at what the
call-taker typed).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Traditional -> simplified for the characters that matter to triage. Reports from
# Hong Kong/Taiwan visitors and some input methods arrive in traditional script; a
# full conversion table is not needed to recognise the danger words.
_TRAD = (
    "發发殺杀樓楼報报搶抢騙骗錢钱轉转帳账賬账門门開开說说個个們们兒儿孫孙過过還还這这"
    "裡里裏里來来時时後后見见沒没會会媽妈爺爷歲岁丟丢電电話话號号碼码險险災灾煙烟燒烧"
    "氣气車车禍祸傷伤醫医護护員员聽听藥药殘残癡痴憂忧鬱郁鬥斗毆殴擾扰聲声賭赌鬧闹糾纠"
    "紛纷動动務务戶户證证辦办續续竊窃盜盗偵侦警警劫劫綁绑姦奸廳厅縣县區区鎮镇鄉乡橋桥"
    "廣广場场醫医學学校校歲岁齡龄癥症瘋疯狀状況况幫帮麼么嗎吗讓让給给對对覺觉頭头腦脑"
    "體体處处問问題题應应該该嚇吓殺杀槍枪棍棍砍砍刀刀斧斧錘锤爐炉塌塌淹淹災灾觸触擊击"
    "燈灯變变壞坏別别將将從从當当與与為为無无聯联繫系絡络蹤踪尋寻離离跡迹歸归隨随孩孩"
    "兇凶猛猛嚴严重重輕轻絕绝緊紧急急險险贓赃賣卖買买貸贷款款違违規规駕驾駛驶輛辆撞撞"
    "陽阳陰阴體体傷伤嗎吗麼么衝冲儘尽盡尽歡欢觀观說说語语認认識识記记憶忆據据"
    "著着剛刚點点萬万塊块趕赶帶带錯错邊边實实際际讀读寫写買买賣卖飯饭館馆網网幾几"
    "麼么頂顶陸陆亂乱滅灭鐘钟頭头臉脸腦脑膽胆邊边嗎吗聽听讓让還还機机關关門门閃闪"
)
_TRAD_MAP: dict[str, str] = {_TRAD[i]: _TRAD[i + 1] for i in range(0, len(_TRAD) - 1, 2)}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """Fold one character: full-width -> ASCII, upper -> lower, traditional -> simplified."""
    mapped = _TRAD_MAP.get(ch)
    if mapped is not None:
        return mapped
    if ch.isascii():
        return ch.lower()
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:
        return ch
    if folded == "\u3000":
        return " "
    return folded.lower() if folded.isascii() else folded


# Speech-to-text and pinyin-input slips that hide a danger word, each mapped to the word
# of the same length (the folding stays length-preserving).
_SOUNDS_LIKE: dict[str, str] = {
    "答因": "答应", "煤汽": "煤气", "安眠要": "安眠药", "救名": "救命", "晕到了": "晕倒了",
    "昏谜": "昏迷", "流学": "流血", "着伙": "着火", "煤起": "煤气", "然气味": "燃气味",
    "被头了": "被偷了", "被翘": "被撬", "化分池": "化粪池", "化份池": "化粪池", "番沟": "翻沟", "番车": "翻车",
}
_SOUNDS_RE = re.compile("|".join(sorted(map(re.escape, _SOUNDS_LIKE), key=len, reverse=True))
                        + "|(?<!天)然气(?=的|味|灶|热水器|管)")


def _sounds_like(m: re.Match[str]) -> str:
    return _SOUNDS_LIKE.get(m.group(0), "燃气")


def fold(text: str) -> str:
    """Return ``text`` folded character by character; the length is preserved.

    Args:
        text: any Unicode text.

    Returns:
        A string of the same length: full-width letters/digits/punctuation become ASCII,
        ASCII letters are lower-cased, common traditional characters become simplified.
    """
    if text.isascii():
        return text.lower()
    folded = "".join([_fold_char(ch) for ch in text])
    return _SOUNDS_RE.sub(_sounds_like, folded) if _SOUNDS_RE.search(folded) else folded


def mask(text: str, spans: list[tuple[int, int]], filler: str = "\u25a1") -> str:
    """Return ``text`` with each span replaced by ``filler`` characters (same length)."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = filler
    return "".join(chars)


CLAUSE_BREAKS = frozenset("，。！？；,.!?;\n\r…~～")
_BREAK = re.compile("[" + re.escape("".join(sorted(CLAUSE_BREAKS))) + "]")


def clause_bounds(text: str, pos: int) -> tuple[int, int]:
    """Return the ``(start, end)`` of the clause (between punctuation) containing ``pos``."""
    start = 0
    for m in _BREAK.finditer(text, max(0, pos - 200), pos):
        start = m.end()
    nxt = _BREAK.search(text, pos)
    return start, (nxt.start() if nxt else len(text))


def after_last_break(window: str) -> str:
    """The part of ``window`` after its last clause break (all of it when there is none)."""
    return _BREAK.split(window)[-1]


_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_GAP = re.compile(rf"(?<=[{_HAN}])[ \u3000]+(?=[{_HAN}])")
_HAN_CHAR = re.compile(rf"[{_HAN}]")
# A speech-to-text engine that spaces out words leaves a gap after one Han character in
# two or three; a person's typing leaves one now and then (between a place and a street).
_SPACED_SHARE = 0.2
_SPACED_MIN = 3


def despace(text: str) -> tuple[str, list[int]] | None:
    """Join a word-spaced transcript (``有 个 小轿车 淹 到 车顶``) back into running text.

    Returns ``None`` when ``text`` is not word-spaced (few gaps between Han characters);
    else the joined text and, for each of its characters, its offset in ``text`` (so a
    span found in the joined text maps back to what was typed).
    """
    gaps = list(_GAP.finditer(text))
    if len(gaps) < _SPACED_MIN or len(gaps) < _SPACED_SHARE * len(_HAN_CHAR.findall(text)):
        return None
    keep = [True] * len(text)
    for m in gaps:
        for i in range(m.start(), m.end()):
            keep[i] = False
    index = [i for i, k in enumerate(keep) if k]
    return "".join(text[i] for i in index), index


def as_read(text: str) -> str:
    """``text`` as triage reads it: a word-spaced transcript joined (see :func:`despace`)."""
    joined = despace(text)
    return text if joined is None else joined[0]
