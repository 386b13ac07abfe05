"""Registers: the same incident told as a call, a call-taker record, a post, a hand-over.

* ``transcript`` — a 110 call as spoken (openings, fillers, repetition, pleas);
* ``dialogue`` — the same call as turns between call-taker and caller;
* ``record`` — the call-taker's shorthand (报警人称…，请求出警);
* ``post`` — a written forum post with a title;
* ``handover`` — a 12345 work order handed to 110 (市民来电反映…，转110处置).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from simulators.streams.addressing import Where
from simulators.streams.grammar import (
    add_dialect,
    add_fillers,
    add_slip,
    choose,
    clean,
    expand,
    stutter,
    third_person,
)
from simulators.streams.lexicon import SURNAMES, honorific, phone
from simulators.streams.situations.incident import Incident

_OPEN = {
    "urgent": ("喂？110吗？", "喂，110是吧，", "警察同志，", "你好，我要报警，", "喂喂，能听见吗？", "喂，是警察吗？",
               "110吗，我报警，", "你好你好，", "喂，快，", ""),
    "normal": ("喂，你好，", "你好，我想报个警，", "喂，110吗？", "你好，是这样的，", "警察同志你好，", "喂，我说一下，",
               "你好，麻烦一下，", ""),
    "info": ("你好，我想问一下，", "麻烦问个事儿，", "喂，你好，", "你好，打扰一下，", "同志你好，", ""),
}
_PLEA = {
    "urgent": ("你们快点来啊！", "赶紧派人过来！", "快来人啊！", "你们快来吧，求求了！", "赶紧的！", "快点儿来！",
               "你们赶紧来看看吧！", "快派人！"),
    "normal": ("你们能来个人吗？", "麻烦派个警察过来看看。", "你们管不管啊？", "我该咋办？", "想让你们来处理一下。",
               "帮忙处理一下吧。", "能不能来个人？", "你们给处理一下。"),
    "info": ("谢谢啊。", "麻烦告诉我一下。", "这个归你们管吗？", "该找谁啊？", "你们知道吗？", ""),
}
_RECORD_HEAD = ("报警人称：", "报警人{h}称，", "报：", "来电称", "事主报称，", "报警人反映：", "{h}来电称，")
_RECORD_TAIL = {
    "urgent": ("请求出警。", "要求民警速到现场。", "情况紧急，请求支援。", "请速派警。"),
    "normal": ("要求民警到场处理。", "请求出警。", "要求处理。", "请民警到场。"),
    "info": ("已解答。", "已告知其拨打12345。", "已告知到辖区派出所办理。", "已告知相关流程。", "建议其咨询相关部门。"),
}
_TITLE = {
    "urgent": ("【紧急求助】{h}", "{h}，急！！", "求助！{h}", "{h}，有没有人能帮帮忙", "急急急，{h}"),
    "normal": ("【求助】{h}", "{h}，求帮忙", "有没有人管管？{h}", "请问{h}怎么办", "曝光一下：{h}", "{h}"),
    "info": ("【咨询】{h}", "请问一下：{h}", "{h}？", "问个事儿", "{h}，求解答"),
}
_POST_OPEN = ("大家好，", "各位网友，", "警察同志你好，", "求助各位，", "", "坐标包头，", "不知道该找谁，来这儿问问，")
_POST_END = {
    "urgent": ("求扩散！！！", "希望警察同志能看到😭", "在线等，急！", "求求了，帮帮忙", "有看到的请联系我"),
    "normal": ("希望相关部门管一管。", "有没有遇到过的？", "谢谢大家。", "麻烦派出所处理一下。", "@包头警方"),
    "info": ("谢谢！", "先谢过了。", "有知道的吗？", "在线等。", ""),
}
_HANDOVER_HEAD = ("【12345转办】工单号{w}。", "12345热线转：", "工单编号{w}，", "【转办】")
_HANDOVER_WHO = ("市民{h}来电反映：", "来电人反映：", "群众来电称：", "市民来电诉求：", "{h}来电反映，")
_HANDOVER_END = {
    "urgent": ("该诉求涉及公安职责，现转110处理。", "情况紧急，请110立即处置。", "市民要求民警尽快到场。",
               "诉求人电话{p}，请及时联系。"),
    "normal": ("该诉求涉及公安职责，现转110处理。", "请公安部门核实处理。", "市民要求民警到场。",
               "经研判属公安事权，转110处置。", "诉求人电话{p}，请及时联系。"),
    "info": ("请核实后答复市民。", "市民要求答复。", "转110知悉，请协助解答。", "诉求人电话{p}，请回复。"),
}
_NICK = ("青山老王", "包头小丸子", "昆区土著", "钢城人家", "东河老街坊", "草原狼", "九原晨跑", "小鹿乱撞",
         "天骄少年", "老包头", "阿尔丁的风", "北梁人", "追风少年", "稀土之都", "吃瓜群众", "匿名用户")


def _join(rng: random.Random, clauses: tuple[str, ...]) -> str:
    return "，".join(c for c in clauses if c)


def _where_first(rng: random.Random, where: str, body: str) -> str:
    if not where:
        return body
    return f"{where}，{body}" if rng.random() < 0.65 else f"{body}，{where}"


def transcript(rng: random.Random, inc: Incident, where: Where) -> str:
    """A spoken 110 call (what a speech-to-text record of the call shows)."""
    body = _where_first(rng, where.spoken, _join(rng, inc.clauses))
    text = add_fillers(rng, choose(rng, _OPEN[inc.urgency]) + body, 0.4 if inc.urgency != "info" else 0.2)
    if rng.random() < 0.3:
        text = add_dialect(rng, text)
    if inc.urgency == "urgent" and rng.random() < 0.25:
        text = stutter(rng, text)
    return clean(text + "，" + choose(rng, _PLEA[inc.urgency]))


_TAKER_OPEN = ("110，请讲。", "您好，110。", "110报警服务台，请讲。", "您好，这里是110。")
_TAKER_WHERE = ("地址在哪？", "具体位置在哪儿？", "您现在在什么位置？", "在哪个小区？", "说一下地址。")
_TAKER_MORE = ("然后呢？", "现在什么情况？", "您慢慢说。", "还有吗？", "嗯，您说。")
_TAKER_HURT = ("有人受伤吗？", "有没有人受伤？", "需要救护车吗？")
_NOT_HURT = ("没有。", "没有没有。", "应该没有。", "没看见有人受伤。", "好像没有。")
_TAKER_CLOSE = {
    "urgent": ("好，民警马上到，保持电话畅通。", "我们马上派人，注意安全。", "好的，已经派警了。"),
    "normal": ("好的，我们通知辖区民警过去。", "好，民警一会儿联系您。", "知道了，马上安排。"),
    "info": ("这个您可以拨打12345咨询。", "您可以到辖区派出所窗口咨询。", "好的，我给您说一下流程。"),
}


def dialogue(rng: random.Random, inc: Incident, where: Where) -> str:
    """A 110 call as a turn-by-turn transcript (接警员/报警人).

    The call-taker's questions use words such as 受伤 that the answer may deny, which
    keeps keyword triage honest.
    """
    clauses = [c for c in inc.clauses if c]
    cut = 1 if len(clauses) < 3 else rng.randrange(1, 3)
    turns = [("接警员", choose(rng, _TAKER_OPEN)),
             ("报警人", choose(rng, _OPEN[inc.urgency]) + "，".join(clauses[:cut]))]
    if where.spoken:
        turns += [("接警员", choose(rng, _TAKER_WHERE)), ("报警人", where.spoken)]
    if clauses[cut:]:
        turns += [("接警员", choose(rng, _TAKER_MORE)), ("报警人", "，".join(clauses[cut:]))]
    if inc.urgency != "info" and "injury" not in inc.flags and rng.random() < 0.5:
        turns += [("接警员", choose(rng, _TAKER_HURT)), ("报警人", choose(rng, _NOT_HURT))]
    turns.append(("接警员", choose(rng, _TAKER_CLOSE[inc.urgency])))
    lines = []
    for who, said in turns:
        said = add_fillers(rng, said, 0.3) if who == "报警人" else said
        said = clean(said)
        if not said.endswith(("。", "！", "？", "…")):
            said += "。"
        lines.append(f"{who}：{said}")
    return "\n".join(lines)


def record(rng: random.Random, inc: Incident, where: Where, when: datetime, name: str | None = None) -> str:
    """The call-taker's shorthand record of a 110 call (``name``: the caller's, if given)."""
    heads = _RECORD_HEAD if name else tuple(h for h in _RECORD_HEAD if "{h}" not in h)
    head = choose(rng, heads, {"h": name or ""})
    body = third_person(_join(rng, inc.clauses))
    if where.address:
        body = expand(rng, "[在|位于|地址：|]{p}，{b}", {"p": where.address, "b": body})
    elif where.mode == "vague":
        body = expand(rng, "[地址不详，|具体位置不清，|]{p}，{b}", {"p": third_person(where.spoken), "b": body})
    if rng.random() < 0.3:
        body = expand(rng, "[约|]{t}[，|许，]", {"t": when.strftime("%H:%M")}) + body
    tail = choose(rng, _RECORD_TAIL[inc.urgency])
    if "injury" in inc.flags and rng.random() < 0.5:
        tail += "（已联动120）"
    if inc.category == "fire_disaster" and rng.random() < 0.5:
        tail += "（已通报119）"
    return clean(f"{head}{body}。{tail}")


def post(rng: random.Random, inc: Incident, where: Where) -> str:
    """A forum post: a title line, then the body."""
    title = choose(rng, _TITLE[inc.urgency], {"h": inc.headline})
    place = where.spoken if where.mode != "coords" else ""
    if where.address and rng.random() < 0.5:
        place = expand(rng, "[我住在|地址：|在|事发地：]{a}", {"a": where.address})
    body = choose(rng, _POST_OPEN) + _where_first(rng, place, _join(rng, inc.clauses))
    end = choose(rng, _POST_END[inc.urgency])
    punct = "！" if inc.urgency == "urgent" else "。"
    return clean(title) + "\n" + clean(f"{body}{punct}{end}")


def handover(rng: random.Random, inc: Incident, where: Where, order_id: str, caller_phone: str,
             name: str | None = None) -> str:
    """A 12345 hotline work order handed over to 110 (``name``: the citizen's, if given)."""
    head = choose(rng, _HANDOVER_HEAD, {"w": order_id})
    whos = _HANDOVER_WHO if name else tuple(w for w in _HANDOVER_WHO if "{h}" not in w)
    who = choose(rng, whos, {"h": name or ""})
    place = where.address or (where.spoken if where.mode == "vague" else "")
    body = third_person(_join(rng, inc.clauses)).replace("报警人", "来电人")
    if place:
        body = f"{third_person(place)}，{body}"
    end = choose(rng, _HANDOVER_END[inc.urgency], {"p": caller_phone})
    return clean(f"{head}{who}{body}。{end}")


def render(
    rng: random.Random, inc: Incident, where: Where, channel: str, when: datetime, *,
    serial: int, typo_rate: float, register: str | None = None,
) -> dict[str, Any]:
    """Tell ``inc`` on ``channel`` and return the body fields it determines.

    Args:
        rng: Random source.
        inc: The incident.
        where: Its place, true and as told.
        channel: ``call``, ``forum`` or ``transfer_12345``.
        when: Local (Asia/Shanghai) send time.
        serial: A per-stream number for post ids and work-order ids.
        typo_rate: Chance of one typing slip or homophone.
        register: Force ``transcript``, ``dialogue`` or ``record`` for calls (drawn if None).

    Returns:
        ``{"text", "register"}`` plus ``caller`` (calls, hand-overs) or ``author``
        (forum posts).
    """
    out: dict[str, Any] = {}
    if channel == "call":
        register = register or rng.choices(("transcript", "record", "dialogue"), weights=(4, 4, 2))[0]
        caller: dict[str, Any] = {"phone": phone(rng)}
        if rng.random() < 0.4:
            caller["name"] = honorific(rng)
        out["caller"] = caller
        if register == "transcript":
            text = transcript(rng, inc, where)
        elif register == "dialogue":
            text = dialogue(rng, inc, where)
        else:
            text = record(rng, inc, where, when, caller.get("name"))
    elif channel == "forum":
        register = "post"
        text = post(rng, inc, where)
        out["author"] = rng.choice(_NICK) + (str(rng.randrange(10, 9999)) if rng.random() < 0.6 else "")
    else:
        register = "handover"
        tel = phone(rng)
        name = rng.choice(SURNAMES[:28]) + rng.choice(("女士", "先生")) if rng.random() < 0.7 else None
        text = handover(rng, inc, where, f"BT{when:%Y%m%d}{serial:05d}", tel, name)
        out["caller"] = {"phone": tel, "name": name} if name else {"phone": tel}
    if rng.random() < typo_rate:
        text = add_slip(rng, text)
    out["text"] = text
    out["register"] = register
    return out
