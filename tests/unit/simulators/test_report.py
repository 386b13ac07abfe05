"""The report a 110 centre would publish: Chinese throughout, in a CJK font, with P1 beside
every share within target, per-priority and per-precinct tables and the duplicates."""

from __future__ import annotations

import html
import re
import warnings
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager
from matplotlib.text import Text

import geo
from simulators.whatif import plots, tables
from simulators.whatif.comparison import summarise
from simulators.whatif.report import write_report
from simulators.whatif.run import Run, simulate

START = "2026-01-12T01:00:00+08:00"
ENGLISH = re.compile(r"[A-Za-z]{3,}")


@lru_cache(maxsize=1)
def _runs() -> tuple[Run, Run]:
    base = simulate(1, 2, scenario="night-brawl", start=START)
    thin = simulate(1, 2, {"units_per_precinct": 1}, scenario="night-brawl", start=START,
                    label="compare")
    return base, thin


def _visible_text(page: str) -> str:
    body = re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)
    body = re.sub(r'<img [^>]*>', "", body)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_page_is_chinese_with_every_section_and_precinct_names(tmp_path: Path) -> None:
    runs = _runs()
    seeds = summarise([2], [r.label for r in runs], [[r.kpis] for r in runs])
    page = write_report(runs, tmp_path, seeds).read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in page
    for heading in ("核心指标", "指标口径与时限", "按优先级", "按派出所", "重复报警合并（对照真实事件）",
                    "按场景", "图表", "差异与随机波动"):
        assert f">{heading}<" in page, heading
    text = _visible_text(page)
    assert set(ENGLISH.findall(text)) <= {"kpis", "json", "seeds"}, set(ENGLISH.findall(text))
    assert "基准" in text and "对比" in text and "夜间聚众斗殴" in text
    table = runs[0].kpis["per_precinct"]
    busy = next(pid for pid, e in table.items() if e["incidents"] and pid != "command")
    name = geo.precinct(busy).name
    assert name in text and f"{name}（{geo.precinct(busy).district_name}）" in text
    assert busy not in text  # names, not codes
    # The targets are stated with where they come from (the core's arrival due times).
    assert "P1 城区 10 分钟、旗县 20 分钟" in text and "10 秒内接听（假设）" in text
    for name in plots.PLOTS:
        assert (tmp_path / f"{name}.png").stat().st_size > 1000


def test_every_share_within_target_in_the_headline_shows_p1_beside_it() -> None:
    head = tables.headline(_runs()[0])
    shares = [key for key in head if "达标" in key or "按时" in key or "时限内" in key
              or "接听率" in key]
    assert len(shares) >= 7
    for key in shares:
        assert key.endswith("（P1）") and "（P1 " in head[key], key


def test_the_priority_table_lists_p1_first_for_each_kpi() -> None:
    out = tables.priority_table(_runs())
    for kpi in ("接警应答", "派警", "签收", "到场", "走失人员找回", "论坛回复"):
        assert f"<th>{kpi}（" in out
    rows = re.findall(r"<tr><th>([^<]+)</th><th>([^<]+)</th>", out)
    arrival = [part for kpi, part in rows if kpi.startswith("到场")]
    assert arrival[0] == "全部" and arrival[1] == "P1"


def test_the_duplicates_are_shown_for_the_pipeline_alone_and_with_the_call_taker() -> None:
    out = tables.duplicates_table(_runs())
    for words in ("基准 仅系统自动合并", "基准 含接警员确认合并", "准确率", "召回率",
                  "多报事件对应警情数", "错误合并", "夜间聚众斗殴"):
        assert words in out, words


def test_matplotlib_is_given_the_installed_cjk_font() -> None:
    family = plots.cjk_font()
    assert family == "WenQuanYi Micro Hei"
    path = font_manager.findfont(font_manager.FontProperties(family=family),
                                 fallback_to_default=False)
    assert path.endswith("wqy-microhei.ttc")
    assert plots.font_settings()["font.sans-serif"][0] == family


@pytest.mark.parametrize("name", plots.PLOTS)
def test_no_plot_has_an_english_title_label_or_legend(name: str) -> None:
    with plt.rc_context(plots.font_settings()), warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font, an empty legend
        fig = plots.DRAWERS[name](_runs())
        texts = [t for t in fig.findobj(Text) if t.get_text().strip()]
        titles = [ax.title for ax in fig.axes if ax.get_title()]
        assert titles and all(t.get_fontname() == plots.cjk_font() for t in titles)
        fig.canvas.draw()
        plt.close(fig)
    words = {w for t in texts for w in ENGLISH.findall(t.get_text())}
    assert not words, words
