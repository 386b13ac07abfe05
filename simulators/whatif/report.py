"""The what-if report: ``kpis.json`` and ``index.html`` (Simplified Chinese) with
matplotlib PNG plots, for one or two configurations over one or more seeds
(:func:`run_and_report` simulates them and writes it).

The page shows the headline figures side by side (every share within a target with
P1's beside it), each KPI's definition and target, every KPI by priority and by precinct,
duplicates against the truth, the plots (:mod:`simulators.whatif.plots`) and, over
several seeds, each headline KPI's mean and spread and which differences exceed the
seed-to-seed noise (:mod:`simulators.whatif.comparison`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from simulators.errors import SimulatorError
from simulators.streams.generator import DEFAULT_START
from simulators.whatif import tables
from simulators.whatif.comparison import SIGNIFICANCE_SDS, summarise
from simulators.whatif.labels import run_label
from simulators.whatif.plots import CAPTIONS, PLOTS, draw_plots
from simulators.whatif.run import ConfigSource, Run, simulate

__all__ = ["PLOTS", "kpis_document", "run_and_report", "write_report"]

STYLE = """body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif;margin:1.5em;
max-width:1400px}table{border-collapse:collapse;margin:.5em 0 1em}
td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
thead th{background:#f3f3f3}.scroll{overflow-x:auto}table.wide{font-size:.85em}
figure{margin:1em 0}img{max-width:100%}"""


def _seeds_section(doc: Mapping[str, Any] | None, runs: Sequence[Run]) -> str:
    if doc is None or len(doc["seeds"]) < 2:
        if len(runs) == 2:
            return ("<h2>差异与随机波动</h2><p>只模拟了一个种子（一天），无法判断两种配置的差异"
                    "是否超出日与日之间的随机波动；请用 <code>--seeds N</code> 在多个种子上运行。</p>")
        return ""
    seeds = doc["seeds"]
    rule = (f"判断规则：两种配置均值之差的绝对值大于合并标准差的 {SIGNIFICANCE_SDS:g} 倍"
            "（各配置在相同种子上运行，样本标准差）才记为“超出种子间波动”。")
    return (f"<h2>多种子对比（种子 {seeds[0]}–{seeds[-1]}，共 {len(seeds)} 个）</h2>"
            "<p>每格为均值 ± 标准差（最小–最大）。" + html.escape(rule) + "</p>"
            + tables.seeds_table(doc))


def write_report(runs: Sequence[Run], out: Path, seeds: Mapping[str, Any] | None = None
                 ) -> Path:
    """Draw every plot into ``out`` and write ``out/index.html``; returns the page.

    Args:
        runs: the configurations (the first seed's run of each), base first.
        out: an existing folder.
        seeds: the ``seeds`` block of ``kpis.json`` (:func:`comparison.summarise`), if any.

    Raises:
        MissingFont: no CJK font for the plots is installed.
    """
    draw_plots(runs, out)
    images = "".join(f'<figure><img src="{n}.png" alt="{html.escape(CAPTIONS[n])}">'
                     f"<figcaption>{html.escape(CAPTIONS[n])}</figcaption></figure>"
                     for n in PLOTS)
    title = html.escape(" / ".join(run_label(r.label) for r in runs))
    precincts = "".join(
        (f"<h3>{html.escape(run_label(r.label))}</h3>" if len(runs) > 1 else "")
        + '<div class="scroll">' + tables.precinct_table(r) + "</div>" for r in runs)
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>推演模拟报告 — {title}</title>
<style>{STYLE}</style></head>
<body><h1>推演模拟报告：{title}</h1>
<p>模拟 {runs[0].hours:g} 小时，基准运行共 {runs[0].reports} 条报警（种子
{seeds["seeds"][0] if seeds else "—"}）。原始数据：<a href="kpis.json">kpis.json</a>。</p>
<h2>核心指标</h2>
{tables.headline_table(runs)}
{_seeds_section(seeds, runs)}
<h2>指标口径与时限</h2>
{tables.targets_list(runs[0].config)}
<h2>按优先级</h2>
<div class="scroll">{tables.priority_table(runs)}</div>
<h2>按派出所</h2>
<p>达标率后括号内为该所 P1 警情的达标率；合并的报警计入其并入的警情所属派出所。</p>
{precincts}
<h2>重复报警合并（对照真实事件）</h2>
{tables.duplicates_table(runs)}
<h2>图表</h2>
{images}
</body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def kpis_document(runs: Sequence[Run], seed: int,
                  seeds: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``kpis.json`` content: one entry per configuration (its first seed's KPIs), with
    its knobs, and the ``seeds`` block when given."""
    doc: dict[str, Any] = {
        "seed": seed, "hours": runs[0].hours,
        "runs": [{"label": r.label, "config": r.config.to_dict(), "kpis": r.kpis}
                 for r in runs]}
    if seeds is not None:
        doc["seeds"] = dict(seeds)
    return doc


def run_and_report(hours: float, seed: int, out: str | Path, config: ConfigSource = None,
                   compare: ConfigSource = None, start: str | datetime = DEFAULT_START,
                   mix: tuple[str, ...] = (), scenario: str | None = None,
                   progress: Callable[[float], None] | None = None,
                   seeds: int = 1) -> list[Run]:
    """Simulate one or two configurations and write ``kpis.json`` and ``index.html``.

    Args:
        seeds: run each configuration on this many consecutive seeds from ``seed``; the
            report gives each headline KPI's mean and spread over them and which
            differences exceed the seed-to-seed noise (``kpis.json`` → ``seeds``).

    Returns:
        The runs of the first seed, base first.

    Raises:
        SimulatorError: ``seeds`` below 1, a bad configuration, or no CJK font.
    """
    if seeds < 1:
        raise SimulatorError("seeds must be at least 1")
    labels = ("base", "compare")
    sources = [config] if compare is None else [config, compare]
    total = len(sources) * seeds
    runs: list[Run] = []
    per_seed: list[list[dict[str, Any]]] = []
    for i, source in enumerate(sources):
        label = labels[i] if not isinstance(source, (str, Path)) else Path(source).stem
        per_seed.append([])
        for j in range(seeds):
            def share(x: float, done: int = i * seeds + j) -> None:
                if progress:
                    progress((done + x) / total * 0.9)
            run = simulate(hours, seed + j, source, start, mix, scenario, share, label=label)
            per_seed[i].append(run.kpis)
            if j == 0:
                runs.append(run)
    if len(runs) == 2 and runs[0].label == runs[1].label:
        runs[1].label += " (2)"
    summary = summarise(range(seed, seed + seeds), [r.label for r in runs], per_seed)
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    document = kpis_document(runs, seed, summary)
    (target / "kpis.json").write_text(json.dumps(document, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    write_report(runs, target, summary)
    if progress:
        progress(1.0)
    return runs
