"""The Chinese words of the simulation report (``index.html`` and its plots): run labels,
KPI names and targets, scenarios, precincts and number formats.

``kpis.json`` keeps English keys; only what a reader of the report sees is translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dispatch.domain.decisions import ARRIVAL_TARGETS_S
from dispatch.forum.targets import ForumTargets
from dispatch.missing.targets import DEFAULT_TARGETS, LOCATED
from simulators.whatif.knobs import SimConfig
from simulators.whatif.measures import CALL_ANSWER_TARGET_S

RUN_LABELS = {"base": "基准", "compare": "对比"}
GRADES = {"high": "高风险", "medium": "中风险", "low": "低风险", "absent": "暂无明显风险"}

SCENARIOS = {
    "background": "日常背景警情",
    "elderly-wanderer": "老人走失（17 分钟找回）",
    "forum-crisis-out-of-province": "论坛轻生求助（外省）",
    "fire-surge": "高层火灾集中报警",
    "telecom-fraud-wave": "电信诈骗集中报案",
    "missing-child-market": "市场走失儿童",
    "night-brawl": "夜间聚众斗殴",
    "snowstorm-pileup": "雪天连环追尾",
}


# Per KPI (its kpis.json key): the Chinese name, what it measures, and the unit its
# tables print it in (``s`` seconds, ``min`` minutes).
KPIS: tuple[tuple[str, str, str, str], ...] = (
    ("call_answer_s", "接警应答", "来电至接警员接听", "s"),
    ("time_to_dispatch_s", "派警", "来电至派出车辆", "min"),
    ("time_to_ack_s", "签收", "派警单下达至签收", "s"),
    ("time_to_arrival_s", "到场", "接报至警力到达现场", "min"),
    ("missing_found_s", "走失人员找回", "立案至找到本人", "min"),
    ("forum_reply_s", "论坛回复", "帖子接收至首次回复", "min"),
)
UNITS = {"s": "秒", "min": "分钟"}


def in_unit(seconds: float | None, unit: str) -> str:
    """Seconds as a bare number in ``unit`` (``s``: whole seconds, ``min``: minutes with
    one decimal); — for none."""
    if seconds is None:
        return "—"
    return f"{seconds:.0f}" if unit == "s" else f"{seconds / 60:.1f}"


def duration(seconds: float | None) -> str:
    """A target's length in words: 10 秒, 3 分钟, 2 小时; 无 for none."""
    if seconds is None:
        return "无"
    if seconds < 120:
        return f"{seconds:g} 秒"
    if seconds < 7200 or seconds % 3600:
        return f"{seconds / 60:g} 分钟"
    return f"{seconds / 3600:g} 小时"


def target_text(key: str, config: SimConfig) -> str:
    """The target of the KPI ``key`` as the report states it, with its source."""
    if key == "call_answer_s":
        return f"{duration(CALL_ANSWER_TARGET_S)}内接听（假设）"
    if key == "time_to_dispatch_s":
        table = config.targets["dispatch_s"]
        return "、".join(f"{p} {duration(table[p])}" for p in sorted(table)) + "（参考线，假设）"
    if key == "time_to_ack_s":
        return "、".join(f"{p} {duration(config.ack_timeouts.get(p))}"
                        for p in sorted(config.ack_timeouts)) + "（签收时限）"
    if key == "time_to_arrival_s":
        return "；".join(f"{p} 城区 {duration(urban)}、旗县 {duration(rural)}"
                        for p, (urban, rural) in ARRIVAL_TARGETS_S.items()) + "（核心到场时限）"
    if key == "missing_found_s":
        located = {g: m for g in GRADES
                   if isinstance(m := DEFAULT_TARGETS.get(g, {}).get(LOCATED), int)}
        return "、".join(f"{GRADES[g]} {duration(m * 60.0)}"
                        for g, m in located.items()) + "（找回时限）"
    if key == "forum_reply_s":
        t = ForumTargets()
        return (f"P1 或自伤 {duration(t.reply_p1_s)}、P2 {duration(t.reply_p2_s)}、"
                f"其他 {duration(t.reply_other_s)}")
    raise KeyError(key)


def run_label(label: str) -> str:
    """A run's label as the report prints it (基准, 对比, or the what-if file's name)."""
    return RUN_LABELS.get(label, label)


def scenario_name(code: str) -> str:
    """A scenario's Chinese name (the code itself when it has none)."""
    return SCENARIOS.get(code, code)


def precinct_name(pid: str, entry: Mapping[str, Any]) -> str:
    """``name（district）`` of a ``per_precinct`` entry, the id when it has no name."""
    name = str(entry.get("name") or pid)
    district = entry.get("district_name")
    return f"{name}（{district}）" if district else name


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal, — for none."""
    return "—" if x is None else f"{x * 100:.1f}%"


def mins(x: float | None) -> str:
    """Seconds as minutes with one decimal, — for none."""
    return "—" if x is None else f"{x / 60:.1f} 分钟"


def secs(x: float | None) -> str:
    """Seconds, in seconds below two minutes, else in minutes."""
    if x is None:
        return "—"
    return f"{x:.0f} 秒" if abs(x) < 120 else mins(x)


def share(x: float | None) -> str:
    """A 0–1 score with three decimals, — for none."""
    return "—" if x is None else f"{x:.3f}"
