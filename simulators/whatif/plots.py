"""The report's matplotlib plots (PNG), titled and labelled in Simplified Chinese.

Plots: the duration distributions (cumulative, with their targets), per-precinct load and
unit utilisation, hour-of-day curves, escalations, missing-person time-to-found, forum
reply-target compliance, and a map of incidents over the precinct polygons. With two
runs, every plot shows both side by side (or overlaid) in the same colours.

The text is drawn in an installed CJK font (:func:`cjk_font`: WenQuanYi Micro Hei from
Debian's ``fonts-wqy-microhei``, found by family name or else by its file); nothing is
downloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

import geo
from simulators.errors import MissingFont
from simulators.whatif.labels import GRADES, duration, run_label
from simulators.whatif.measures import CALL_ANSWER_TARGET_S
from simulators.whatif.run import Run

COLOURS = ("#1f5fa8", "#d9611e")
PRIORITY_COLOURS = {"P1": "#c0262d", "P2": "#e8871e", "P3": "#2f7ebc", "P4": "#8c8c8c"}
TARGET_STYLE = {"P1": ":", "P2": "--", "P3": "-."}
PLOTS = ("durations", "precincts", "hourly", "escalations", "missing", "forum", "map")
CAPTIONS = {"durations": "各环节用时分布与时限", "precincts": "派出所负荷与车辆利用率",
            "hourly": "分时段曲线", "escalations": "超时升级情况",
            "missing": "走失人员找回用时", "forum": "论坛按时回复", "map": "警情分布图"}
# The CJK families tried by name, then the file of the first one (the font cache may
# predate the package's installation).
CJK_FAMILIES = ("WenQuanYi Micro Hei", "Noto Sans CJK SC")
CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@cache
def cjk_font() -> str:
    """The family name of an installed CJK font, registered with matplotlib.

    Raises:
        MissingFont: none of :data:`CJK_FAMILIES` is installed (install
            ``fonts-wqy-microhei``).
    """
    for family in CJK_FAMILIES:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family),
                                  fallback_to_default=False)
        except ValueError:
            continue
        return family
    if CJK_FONT_FILE.is_file():
        font_manager.fontManager.addfont(str(CJK_FONT_FILE))
        return str(font_manager.FontProperties(fname=str(CJK_FONT_FILE)).get_name())
    raise MissingFont(f"no Chinese font for the report's plots ({', '.join(CJK_FAMILIES)}); "
                      "install the Debian package fonts-wqy-microhei")


def font_settings() -> dict[RcKeyType, Any]:
    """matplotlib settings that draw every text in the CJK font (DejaVu Sans for a glyph
    it lacks) with an ASCII minus sign."""
    return {"font.family": "sans-serif", "font.sans-serif": [cjk_font(), "DejaVu Sans"],
            "axes.unicode_minus": False}


@cache
def _polygons() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Every ring of the precinct layer as (lon, lat) points."""
    rings = []
    for feature in geo.precincts_geojson()["features"]:
        geometry = feature["geometry"]
        polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" \
            else [geometry["coordinates"]]
        for poly in polys:
            for ring in poly:
                rings.append(tuple((float(x), float(y)) for x, y in ring))
    return tuple(rings)


def _ecdf(ax: Any, values: Sequence[float], colour: str, label: str) -> None:
    if not values:
        return
    ordered = sorted(values)
    n = len(ordered)
    ax.step([v / 60 for v in ordered], [(i + 1) / n for i in range(n)], where="post",
            color=colour, label=f"{label}（n={n}）")


DURATIONS = (("answer", "接警应答用时（来电→接听）"), ("triage", "受理用时（来电→分类完成）"),
             ("dispatch", "派警用时（来电→派出车辆）"), ("ack", "签收用时（派警→签收）"),
             ("arrival", "到场用时（接报→到达现场）"), ("forum", "论坛回复用时（接收→回复）"))


def _target_lines(ax: Any, key: str, runs: Sequence[Run]) -> list[float]:
    """Draw the KPI's targets; returns their values (s)."""
    rows = runs[0].samples.get(key, [])
    if key in ("answer", "triage"):
        value = CALL_ANSWER_TARGET_S if key == "answer" else runs[0].config.targets["triage_s"]
        ax.axvline(value / 60, color="k", ls="--", lw=1, label=f"时限 {duration(value)}")
        return [value]
    if key == "forum":
        values = sorted({row[1] for row in rows if row[1] is not None})
        for value, style in zip(values, (":", "--", "-.")):
            ax.axvline(value / 60, color="k", ls=style, lw=1, label=f"时限 {duration(value)}")
        return values
    targets: dict[str, float] = {}
    for row in rows:
        if row[1] is not None and row[2] in TARGET_STYLE:
            targets.setdefault(row[2], row[1])
    for p, value in sorted(targets.items()):
        ax.axvline(value / 60, color=PRIORITY_COLOURS[p], ls=TARGET_STYLE[p], lw=1,
                   label=f"{p} 时限")
    return list(targets.values())


def _durations(runs: Sequence[Run]) -> Figure:
    fig, axes = plt.subplots(2, 3, figsize=(15, 7.5))
    for ax, (key, title) in zip(axes.flat, DURATIONS):
        for colour, run in zip(COLOURS, runs):
            _ecdf(ax, [r[0] for r in run.samples.get(key, [])], colour, run_label(run.label))
        targets = _target_lines(ax, key, runs)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("分钟")
        ax.set_ylabel("累计占比")
        ax.set_ylim(0, 1.02)
        values = sorted(r[0] for run in runs for r in run.samples.get(key, []))
        if values:
            top = values[min(len(values) - 1, int(len(values) * 0.99))]
            ax.set_xlim(0, max(top, *targets, 1.0) * 1.1 / 60)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="lower right")
        else:
            ax.text(0.5, 0.5, "无数据", transform=ax.transAxes, ha="center", va="center")
    return fig


def _precincts(runs: Sequence[Run]) -> Figure:
    table = runs[0].kpis["per_precinct"]
    ids = sorted(table, key=lambda p: -table[p]["incidents"])[:30]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 7.5), sharex=True)
    width = 0.8 / len(runs)
    for k, (colour, run) in enumerate(zip(COLOURS, runs)):
        rows = [run.kpis["per_precinct"].get(p, {}) for p in ids]
        xs = [i + k * width for i in range(len(ids))]
        name = run_label(run.label)
        top.bar(xs, [r.get("incidents", 0) for r in rows], width, color=colour, label=name)
        bottom.bar(xs, [(r.get("utilisation") or 0) * 100 for r in rows], width, color=colour,
                   label=name)
    top.set_ylabel("警情数")
    top.set_title("警情最多的 30 个派出所：负荷", fontsize=10)
    bottom.set_ylabel("巡逻车利用率（%）")
    bottom.set_title("巡逻车利用率", fontsize=10)
    bottom.set_xticks([i + 0.4 - width / 2 for i in range(len(ids))])
    bottom.set_xticklabels([str(table[p].get("name") or p) for p in ids], rotation=70,
                           fontsize=7)
    for ax in (top, bottom):
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    return fig


def _hourly(runs: Sequence[Run]) -> Figure:
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    hours = list(range(24))
    for colour, run in zip(COLOURS, runs):
        h, name = run.kpis["hourly"], run_label(run.label)
        axes[0].plot(hours, [h[str(x)]["reports"] for x in hours], color=colour, label=name)
        axes[1].plot(hours, [(h[str(x)]["arrival_p50_s"] or 0) / 60 for x in hours],
                     color=colour, label=name)
        axes[2].plot(hours, [h[str(x)]["escalations"] for x in hours], color=colour,
                     label=name)
    for ax, title in zip(axes, ("每小时报警数", "到场用时中位数（分钟）", "每小时升级警情数")):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("时刻（包头时间）")
        ax.set_xticks(range(0, 24, 3))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return fig


def _escalations(runs: Sequence[Run]) -> Figure:
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    width = 0.8 / len(runs)
    priorities = ("P1", "P2", "P3")
    for k, (colour, run) in enumerate(zip(COLOURS, runs)):
        by = run.kpis["escalations"]["by_priority"]
        ax.bar([i + k * width for i in range(3)], [by.get(p, 0) for p in priorities], width,
               color=colour,
               label=f"{run_label(run.label)}：共 {run.kpis['escalations']['incidents']} 起")
    ax.set_xticks([i + 0.4 - width / 2 for i in range(3)])
    ax.set_xticklabels(priorities)
    ax.set_xlabel("优先级")
    ax.set_ylabel("升级警情数")
    ax.set_title("超时未签收而升级的警情（按优先级）", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def _missing(runs: Sequence[Run]) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for colour, run in zip(COLOURS, runs):
        cases = [c for c in run.kpis["missing_persons"]["cases"]
                 if c["sighting_to_found_s"] is not None]
        ax.barh([f"{run_label(run.label)} {c['case_id']}（{GRADES.get(c['grade'], c['grade'])}）"
                 for c in cases], [c["sighting_to_found_s"] / 60 for c in cases], color=colour)
    ax.axvline(17, color="k", ls="--", lw=1, label="17 分钟")
    ax.set_xlabel("目击报警至找到本人（分钟）")
    ax.set_title("走失人员：匹配到目击线索后的找回用时", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return fig


def _forum(runs: Sequence[Run]) -> Figure:
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for colour, run in zip(COLOURS, runs):
        rate, name = run.kpis["forum"]["reply_within_target"], run_label(run.label)
        label = f"{name}：{rate * 100:.1f}% 按时回复" if rate is not None else f"{name}：无帖子"
        ax.bar([name], [(rate or 0) * 100], color=colour, label=label)
    ax.set_ylim(0, 105)
    ax.set_ylabel("按时回复的帖子（%）")
    ax.set_title("论坛按时回复率（P1/自伤 5 分钟，P2 30 分钟，其他 2 小时）", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def _map(runs: Sequence[Run]) -> Figure:
    fig, axes = plt.subplots(1, len(runs), figsize=(7 * len(runs), 6.5), squeeze=False)
    rings = _polygons()
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    west, east, south, north = min(xs), max(xs), min(ys), max(ys)
    for ax, run in zip(axes[0], runs):
        for ring in rings:
            ax.plot([p[0] for p in ring], [p[1] for p in ring], color="#999", lw=0.4)
        inside = [(lat, lon, pr) for lat, lon, pr in run.points
                  if west <= lon <= east and south <= lat <= north]
        ax.text(0.01, 0.01, f"另有 {len(run.points) - len(inside)} 起位于图幅之外",
                transform=ax.transAxes, fontsize=8)
        for p in ("P4", "P3", "P2", "P1"):
            pts = [(lon, lat) for lat, lon, pr in inside if pr == p]
            ax.scatter([x for x, _ in pts], [y for _, y in pts], s=6,
                       c=PRIORITY_COLOURS[p], label=f"{p}（{len(pts)} 起）", alpha=0.7)
        ax.set_title(f"警情分布与派出所辖区 — {run_label(run.label)}", fontsize=10)
        ax.set_xlabel("经度")
        ax.set_ylabel("纬度")
        ax.set_aspect(1 / 0.76)
        ax.legend(fontsize=8, loc="upper right")
    return fig


DRAWERS: dict[str, Callable[[Sequence[Run]], Figure]] = {
    "durations": _durations, "precincts": _precincts, "hourly": _hourly,
    "escalations": _escalations, "missing": _missing, "forum": _forum, "map": _map}


def draw_plots(runs: Sequence[Run], out: Path) -> list[Path]:
    """Draw every plot of :data:`PLOTS` into ``out`` (``NAME.png``) in the CJK font.

    Raises:
        MissingFont: no CJK font is installed.
    """
    paths = []
    with plt.rc_context(font_settings()):
        for name in PLOTS:
            fig = DRAWERS[name](runs)
            path = out / f"{name}.png"
            fig.tight_layout()
            fig.savefig(path, dpi=90)
            plt.close(fig)
            paths.append(path)
    return paths
