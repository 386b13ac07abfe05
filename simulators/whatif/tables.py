"""The report's HTML tables, in Simplified Chinese: the headline figures, every KPI by
priority and by precinct, duplicates against the truth, and the comparison over seeds.

Every text from the data goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from simulators.whatif.comparison import MEASURES
from simulators.whatif.knobs import SimConfig
from simulators.whatif.labels import (
    KPIS,
    UNITS,
    in_unit,
    mins,
    pct,
    precinct_name,
    run_label,
    scenario_name,
    secs,
    share,
    target_text,
)
from simulators.whatif.measures import PRIORITIES
from simulators.whatif.run import Run


def _e(text: object) -> str:
    return html.escape(str(text))


def _row(cells: Sequence[str], head: int = 1) -> str:
    """A row whose first ``head`` cells are headers (texts are escaped here)."""
    return "<tr>" + "".join(f"<th>{_e(c)}</th>" if i < head else f"<td>{_e(c)}</td>"
                            for i, c in enumerate(cells)) + "</tr>"


def kpi_block(kpis: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """The run-wide distribution of a KPI of :data:`labels.KPIS` (empty when absent)."""
    if key == "missing_found_s":
        found: Mapping[str, Any] = kpis.get("missing_persons", {}).get("time_to_found_s", {})
        return found
    if key == "forum_reply_s":
        reply: Mapping[str, Any] = kpis.get("forum", {}).get("reply_s", {})
        return reply
    block: Mapping[str, Any] = kpis.get(key, {})
    return block


def _p1(block: Mapping[str, Any]) -> Mapping[str, Any]:
    p1: Mapping[str, Any] = block.get("by_priority", {}).get("P1", {})
    return p1


def within_with_p1(block: Mapping[str, Any]) -> str:
    """The share within target, and P1's beside it: ``97.3%（P1 91.0%）``."""
    return f"{pct(block.get('within_target'))}（P1 {pct(_p1(block).get('within_target'))}）"


def _p50_p90(block: Mapping[str, Any], fmt: Callable[[float | None], str] = mins) -> str:
    return f"{fmt(block.get('p50'))} / {fmt(block.get('p90'))}"


def headline(run: Run) -> dict[str, str]:
    """The headline figures of one run (Chinese label → text); every share within a
    target carries P1's share beside it."""
    k = run.kpis
    syn, ttd = k["synthesis"], k["synthesis"]["time_to_dispatch_s"]
    dup, unplaced = k["duplicates"], k["unplaced"]
    missing = k["missing_persons"]
    found_after = [c["sighting_to_found_s"] for c in missing["cases"]
                   if c["sighting_to_found_s"] is not None]
    found = kpi_block(k, "missing_found_s")
    answer = kpi_block(k, "call_answer_s")
    return {
        "报警数（合并后警情）": f"{k['reports']['total']}（{k['reports']['incidents']}）",
        "接警应答用时 中位 / P90": _p50_p90(answer, secs),
        "接警应答 10 秒内接听率（P1）": within_with_p1(answer),
        "受理用时 中位 / P90": _p50_p90(k["time_to_triage_s"]),
        "受理达标率（P1）": within_with_p1(k["time_to_triage_s"]),
        "派警用时 中位 / P90": _p50_p90(k["time_to_dispatch_s"]),
        "派警用时 中位 / P90 · P1": _p50_p90(_p1(k["time_to_dispatch_s"])),
        "派警达标率（P1）": within_with_p1(k["time_to_dispatch_s"]),
        "签收用时 中位 / P90": _p50_p90(k["time_to_ack_s"], secs),
        "签收时限内签收率（P1）": within_with_p1(k["time_to_ack_s"]),
        "到场用时 中位 / P90": _p50_p90(k["time_to_arrival_s"]),
        "到场用时 中位 / P90 · P1": _p50_p90(_p1(k["time_to_arrival_s"])),
        "到场达标率（P1）": within_with_p1(k["time_to_arrival_s"]),
        "通话中问明地点（其中 P1）": f"{unplaced.get('placed_on_line', 0)}"
                                f"（{unplaced.get('placed_on_line_p1', 0)}）",
        "未能定位的警情（指挥中心已定位）": f"{unplaced['incidents']}（{unplaced['placed']}）",
        "未定位警情等待 中位 / P90": _p50_p90(unplaced["wait_s"]),
        "未定位 P1 等待 P90（目标 2 分钟）": mins(_p1(unplaced["wait_s"]).get("p90")),
        "重复报警合并 准确率 / 召回率（仅系统自动）":
            f"{share(dup['precision'])} / {share(dup['recall'])}"
            f"（{share(dup['automatic']['precision'])} / {share(dup['automatic']['recall'])}）",
        "错误合并；多报事件平均对应警情数":
            f"{dup['wrong_merges']}；{dup['incidents_per_event']['mean'] or '—'}",
        "升级警情（占已派警情）": f"{k['escalations']['incidents']}"
                          f"（{pct(k['escalations']['share_of_assigned'])}）",
        "巡逻车利用率 平均 / 最高": f"{pct(k['units']['utilisation_mean'])} / "
                            f"{pct(k['units']['utilisation_max'])}",
        "等待空闲巡逻车的警情": str(k["units"]["waited_for_a_unit"]),
        "走失人员：已找回 / 立案": f"{found.get('n', 0)} / {len(missing['cases'])}",
        "走失人员找回时限内（P1）": within_with_p1(found),
        "走失人员目击后找回用时": "、".join(mins(v) for v in found_after) or "—",
        "论坛按时回复率（P1）": within_with_p1(kpi_block(k, "forum_reply_s")),
        "警情分类准确率 类别 / 优先级": f"{pct(k['accuracy']['category'])} / "
                                f"{pct(k['accuracy']['priority'])}",
        "区县定位准确率": pct(k["accuracy"]["district"]),
        "合成研判：有发现的警情": f"{syn['with_findings']} / {syn['incidents']}",
        "合成研判改变决策（升级优先级）": str(syn["decisions_changed"]),
        "派警用时 升级警情 / 其余 中位 / P90":
            f"{_p50_p90(ttd['affected'])}；{_p50_p90(ttd['rest'])}",
        "地址标注推送出警单位": f"{syn['premise_notes']['shown_to_unit']} / "
                        f"{syn['premise_notes']['hits']}",
        "模拟速度（模拟秒 / 实际秒）": f"{run.speed:,.0f}",
    }


def _labels(runs: Sequence[Run]) -> list[str]:
    return [run_label(r.label) for r in runs]


def headline_table(runs: Sequence[Run]) -> str:
    """The headline figures side by side."""
    heads = [headline(r) for r in runs]
    return ("<table><thead>" + _row(["指标", *_labels(runs)], len(runs) + 1) + "</thead><tbody>"
            + "".join(_row([key, *(h[key] for h in heads)]) for key in heads[0])
            + "</tbody></table>")


def targets_list(config: SimConfig) -> str:
    """Each KPI's definition and target, as a list."""
    return "<ul class=\"targets\">" + "".join(
        f"<li><b>{_e(name)}</b>：{_e(what)}；时限：{_e(target_text(key, config))}</li>"
        for key, name, what, _ in KPIS) + "</ul>"


def priority_table(runs: Sequence[Run]) -> str:
    """Every KPI overall and per priority (P1 first): n, P50, P90, share within target."""
    cols = ["指标", "优先级"]
    for label in _labels(runs):
        cols += [f"{label} 数量", f"{label} 中位", f"{label} P90", f"{label} 达标率"]
    body = []
    for key, name, _, unit in KPIS:
        blocks = [kpi_block(r.kpis, key) for r in runs]
        present = [p for p in PRIORITIES if any(p in b.get("by_priority", {}) for b in blocks)]
        for part in ("全部", *present):
            cells = [f"{name}（{UNITS[unit]}）", part]
            for block in blocks:
                b = block if part == "全部" else block.get("by_priority", {}).get(part, {})
                cells += [str(b.get("n", 0)), in_unit(b.get("p50"), unit),
                          in_unit(b.get("p90"), unit), pct(b.get("within_target"))]
            body.append(_row(cells, 2))
    return ("<table class=\"wide\"><thead>" + _row(cols, len(cols)) + "</thead><tbody>"
            + "".join(body) + "</tbody></table>")


def _precinct_order(table: Mapping[str, Any]) -> list[str]:
    """By district, then the busiest first; the command feed last."""
    return sorted(table, key=lambda p: (table[p].get("district") is None,
                                        str(table[p].get("district") or ""),
                                        -int(table[p].get("incidents") or 0), p))


def precinct_table(run: Run) -> str:
    """Per precinct: load, escalations, unit utilisation and every KPI's n, P50 / P90 and
    share within target with P1's beside it."""
    table = run.kpis["per_precinct"]
    top = "<tr><th rowspan=\"2\">派出所（区县）</th><th rowspan=\"2\">警情</th>" \
          "<th rowspan=\"2\">升级</th><th rowspan=\"2\">车辆利用率</th>" + "".join(
              f"<th colspan=\"3\">{_e(name)}</th>" for _, name, _, _ in KPIS) + "</tr>"
    sub = "<tr>" + "".join(f"<th>数量</th><th>中位 / P90（{UNITS[unit]}）</th><th>达标率（P1）</th>"
                           for _, _, _, unit in KPIS) + "</tr>"
    body = []
    for pid in _precinct_order(table):
        entry = table[pid]
        cells = [precinct_name(pid, entry), str(entry.get("incidents", 0)),
                 str(entry.get("escalations", 0)), pct(entry.get("utilisation"))]
        for key, _, _, unit in KPIS:
            block = entry.get(key, {})
            cells += [str(block.get("n", 0)),
                      f"{in_unit(block.get('p50'), unit)} / {in_unit(block.get('p90'), unit)}",
                      within_with_p1(block)]
        body.append(_row(cells))
    return ("<table class=\"wide\"><thead>" + top + sub + "</thead><tbody>" + "".join(body)
            + "</tbody></table>")


def _dup_cells(d: Mapping[str, Any]) -> list[str]:
    per_event = d.get("incidents_per_event", {})
    one = per_event.get("events_in_one_incident", 0)
    return [share(d.get("precision")), share(d.get("recall")),
            f"{per_event.get('mean') or '—'} / {per_event.get('max') or '—'}",
            f"{one} / {d.get('events_with_several_reports', 0)}",
            f"{d.get('wrong_merges', 0)}（{d.get('wrong_cross_category', 0)}）",
            str(d.get("merges", 0))]


DUPLICATE_ROWS = ("准确率（合并的报警对中确属同一事件的比例）", "召回率（同一事件的报警对中被合并的比例）",
                  "多报事件对应警情数 平均 / 最多", "一事一警的事件 / 多报事件", "错误合并（其中跨类别）",
                  "合并次数")


def duplicates_table(runs: Sequence[Run]) -> str:
    """Duplicate merging against the truth: the pipeline alone and with the call-taker's
    merges, per run; then per scenario."""
    cols = ["指标"]
    for label in _labels(runs):
        cols += [f"{label} 仅系统自动合并", f"{label} 含接警员确认合并"]
    cells = [(_dup_cells(r.kpis["duplicates"]["automatic"]), _dup_cells(r.kpis["duplicates"]))
             for r in runs]
    rows = [_row([name, *(c for auto, both in cells for c in (auto[i], both[i]))])
            for i, name in enumerate(DUPLICATE_ROWS)]
    by = "、".join(f"{run_label(r.label)}：系统 {r.kpis['duplicates']['merges_by'].get('system', 0)}"
                  f" 次，接警员 {r.kpis['duplicates']['merges_by'].get('call_taker', 0)} 次"
                  for r in runs)
    out = ("<table><thead>" + _row(cols, len(cols)) + "</thead><tbody>" + "".join(rows)
           + "</tbody></table>" + f"<p>合并来源：{_e(by)}。</p>")
    head = ["场景", "运行", "报警数", "事件数（多报事件）", "自动 准确率", "自动 召回率",
            "自动 每事件警情", "含接警员 准确率", "含接警员 召回率", "含接警员 每事件警情",
            "错误合并"]
    body = []
    for run in runs:
        dup = run.kpis["duplicates"]
        auto = dup["automatic"].get("by_scenario", {})
        for name, part in dup.get("by_scenario", {}).items():
            a = auto.get(name, {})
            body.append(_row([
                scenario_name(name), run_label(run.label), str(part.get("reports", 0)),
                f"{part.get('events', 0)}（{part.get('events_with_several_reports', 0)}）",
                share(a.get("precision")), share(a.get("recall")),
                str(a.get("incidents_per_event", {}).get("mean") or "—"),
                share(part.get("precision")), share(part.get("recall")),
                str(part.get("incidents_per_event", {}).get("mean") or "—"),
                str(part.get("wrong_merges", 0))], 2))
    return out + ("<h3>按场景</h3><table><thead>" + _row(head, len(head)) + "</thead><tbody>"
                  + "".join(body) + "</tbody></table>")


def _value(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "share":
        return pct(x)
    if unit == "s":
        return secs(x)
    return f"{x:.1f}" if x % 1 else f"{x:.0f}"


def _spread_text(s: Mapping[str, Any], unit: str) -> str:
    if s["mean"] is None:
        return "—"
    sd = f" ± {_value(s['sd'], unit)}" if s["sd"] is not None else ""
    return f"{_value(s['mean'], unit)}{sd}（{_value(s['min'], unit)}–{_value(s['max'], unit)}）"


def _signed(x: float, unit: str) -> str:
    """A difference with its sign (``share``: in percentage points); 0 unsigned."""
    text = f"{abs(x) * 100:.1f} 个百分点" if unit == "share" else _value(abs(x), unit)
    zero = text in ("0.0 个百分点", "0", "0.0", "0 秒")
    return text if zero else ("+" if x > 0 else "−") + text


def seeds_table(doc: Mapping[str, Any]) -> str:
    """Mean ± standard deviation (min–max) of each headline KPI over the seeds, per
    configuration, and whether the difference exceeds the seed-to-seed noise."""
    labels = [run_label(r["label"]) for r in doc["runs"]]
    two = "differences" in doc
    cols = ["指标", *labels]
    if two:
        cols += [f"差值（{labels[1]} − {labels[0]}）", "阈值（2 倍合并标准差）", "判断"]
    body = []
    for m in MEASURES:
        cells = [m.label, *(_spread_text(r["kpis"][m.key], m.unit) for r in doc["runs"])]
        if two:
            d = doc["differences"][m.key]
            verdict = {True: "超出种子间波动", False: "在种子间波动之内",
                       None: "无法判断"}[d["significant"]]
            threshold = d["threshold"]
            cells += ["—" if d["difference"] is None else _signed(d["difference"], m.unit),
                      "—" if threshold is None else _signed(threshold, m.unit).lstrip("+"),
                      verdict]
        body.append(_row(cells))
    return ("<table><thead>" + _row(cols, len(cols)) + "</thead><tbody>" + "".join(body)
            + "</tbody></table>")
