"""The what-if report: ``kpis.json`` and ``index.html`` with matplotlib PNG plots, for one
or two configurations (:func:`run_and_report` simulates them and writes it).

Plots: the four duration distributions (cumulative, with their targets), per-precinct load
and unit utilisation, hour-of-day curves, escalations, missing-person time-to-found,
forum reply-target compliance, and a map of incidents over the precinct polygons. With
two runs, every plot shows both side by side (or overlaid) in the same colours.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import geo
from simulators.streams.generator import DEFAULT_START
from simulators.whatif.run import ConfigSource, Run, simulate

COLOURS = ("#1f5fa8", "#d9611e")
PRIORITY_COLOURS = {"P1": "#c0262d", "P2": "#e8871e", "P3": "#2f7ebc", "P4": "#8c8c8c"}
TARGET_STYLE = {"P1": ":", "P2": "--", "P3": "-."}
PLOTS = ("durations", "precincts", "hourly", "escalations", "missing", "forum", "map")


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
            color=colour, label=f"{label} (n={n})")


def _durations(runs: Sequence[Run], path: Path) -> None:
    fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
    names = (("triage", "time to triage (call start → triaged)"),
             ("dispatch", "time to dispatch (call start → unit assigned)"),
             ("ack", "time to ack (assigned → acknowledged)"),
             ("arrival", "time to arrival (received → on scene)"))
    for ax, (key, title) in zip(axes.flat, names):
        for colour, run in zip(COLOURS, runs):
            _ecdf(ax, [r[0] for r in run.samples.get(key, [])], colour, run.label)
        targets: dict[str, float] = {}
        for row in runs[0].samples.get(key, []):
            if row[1] is not None and row[2] in TARGET_STYLE:
                targets.setdefault(row[2], row[1])
        if key == "triage":
            ax.axvline(runs[0].config.targets["triage_s"] / 60, color="k", ls="--", lw=1,
                       label="target")
        for p, value in sorted(targets.items()):
            if key != "triage":
                ax.axvline(value / 60, color=PRIORITY_COLOURS[p], ls=TARGET_STYLE[p], lw=1,
                           label=f"{p} target")
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("minutes")
        ax.set_ylabel("share of incidents")
        ax.set_ylim(0, 1.02)
        values = sorted(r[0] for run in runs for r in run.samples.get(key, []))
        if values:
            top = values[min(len(values) - 1, int(len(values) * 0.99))]
            ax.set_xlim(0, max(top, *(v for v in targets.values()), 1.0) * 1.1 / 60)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _precincts(runs: Sequence[Run], path: Path) -> None:
    ids = sorted(runs[0].kpis["per_precinct"],
                 key=lambda p: -runs[0].kpis["per_precinct"][p]["incidents"])[:30]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 7), sharex=True)
    width = 0.8 / len(runs)
    for k, (colour, run) in enumerate(zip(COLOURS, runs)):
        rows = [run.kpis["per_precinct"].get(p, {}) for p in ids]
        xs = [i + k * width for i in range(len(ids))]
        top.bar(xs, [r.get("incidents", 0) for r in rows], width, color=colour, label=run.label)
        bottom.bar(xs, [(r.get("utilisation") or 0) * 100 for r in rows], width, color=colour,
                   label=run.label)
    top.set_ylabel("incidents")
    top.set_title("load of the 30 busiest precincts", fontsize=10)
    bottom.set_ylabel("unit utilisation, %")
    bottom.set_xticks([i + 0.4 - width / 2 for i in range(len(ids))])
    bottom.set_xticklabels(ids, rotation=70, fontsize=7)
    for ax in (top, bottom):
        ax.legend(fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _hourly(runs: Sequence[Run], path: Path) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    hours = list(range(24))
    for colour, run in zip(COLOURS, runs):
        h = run.kpis["hourly"]
        axes[0].plot(hours, [h[str(x)]["reports"] for x in hours], color=colour, label=run.label)
        axes[1].plot(hours, [(h[str(x)]["arrival_p50_s"] or 0) / 60 for x in hours],
                     color=colour, label=run.label)
        axes[2].plot(hours, [h[str(x)]["escalations"] for x in hours], color=colour,
                     label=run.label)
    for ax, title in zip(axes, ("reports per hour", "median time to arrival, min",
                                "escalated incidents per hour")):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("hour of day (Baotou)")
        ax.set_xticks(range(0, 24, 3))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _escalations(runs: Sequence[Run], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    width = 0.8 / len(runs)
    priorities = ("P1", "P2", "P3")
    for k, (colour, run) in enumerate(zip(COLOURS, runs)):
        by = run.kpis["escalations"]["by_priority"]
        ax.bar([i + k * width for i in range(3)], [by.get(p, 0) for p in priorities], width,
               color=colour, label=f"{run.label}: {run.kpis['escalations']['incidents']} in all")
    ax.set_xticks([i + 0.4 - width / 2 for i in range(3)])
    ax.set_xticklabels(priorities)
    ax.set_ylabel("escalated incidents")
    ax.set_title("escalations (unacknowledged in time) by priority", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _missing(runs: Sequence[Run], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for k, (colour, run) in enumerate(zip(COLOURS, runs)):
        cases = [c for c in run.kpis["missing_persons"]["cases"]
                 if c["sighting_to_found_s"] is not None]
        ax.barh([f"{run.label} {c['case_id']} ({c['grade']})" for c in cases],
                [c["sighting_to_found_s"] / 60 for c in cases], color=colour)
    ax.axvline(17, color="k", ls="--", lw=1, label="17 min")
    ax.set_xlabel("minutes from the sighting call to the person found")
    ax.set_title("missing persons: time to found after a matched sighting", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _forum(runs: Sequence[Run], path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for colour, run in zip(COLOURS, runs):
        forum = run.kpis["forum"]
        share = forum["reply_within_target"]
        label = f"{run.label}: {share * 100:.1f}% within target" if share is not None \
            else f"{run.label}: no posts"
        ax.bar([run.label], [(share or 0) * 100], color=colour, label=label)
    ax.set_ylim(0, 105)
    ax.set_ylabel("% of posts answered within the reply target")
    ax.set_title("forum reply-target compliance (5 min P1/self-harm, 30 min P2, 2 h other)",
                 fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _map(runs: Sequence[Run], path: Path) -> None:
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
        ax.text(0.01, 0.01, f"{len(run.points) - len(inside)} located outside the map",
                transform=ax.transAxes, fontsize=8)
        for p in ("P4", "P3", "P2", "P1"):
            pts = [(lon, lat) for lat, lon, pr in inside if pr == p]
            ax.scatter([x for x, _ in pts], [y for _, y in pts], s=6,
                       c=PRIORITY_COLOURS[p], label=f"{p} ({len(pts)})", alpha=0.7)
        ax.set_title(f"incidents over the precincts — {run.label}", fontsize=10)
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        ax.set_aspect(1 / 0.76)
        ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _share(x: float | None) -> str:
    return "—" if x is None else f"{x:.3f}"


def _headline(run: Run) -> dict[str, str]:
    k = run.kpis

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x * 100:.1f}%"

    def mins(x: float | None) -> str:
        return "—" if x is None else f"{x / 60:.1f} min"

    syn = k["synthesis"]
    ttd = syn["time_to_dispatch_s"]
    found = [c["sighting_to_found_s"] for c in k["missing_persons"]["cases"]
             if c["sighting_to_found_s"] is not None]
    return {
        "reports (incidents after merging)": f"{k['reports']['total']} ({k['reports']['incidents']})",
        "time to triage p50 / p90": f"{mins(k['time_to_triage_s']['p50'])} / "
                                    f"{mins(k['time_to_triage_s']['p90'])}",
        "triage within target": pct(k["time_to_triage_s"].get("within_target")),
        "time to dispatch p50 / p90": f"{mins(k['time_to_dispatch_s']['p50'])} / "
                                      f"{mins(k['time_to_dispatch_s']['p90'])}",
        "ack within the ack clock": pct(k["time_to_ack_s"].get("within_target")),
        "time to arrival p50 / p90": f"{mins(k['time_to_arrival_s']['p50'])} / "
                                     f"{mins(k['time_to_arrival_s']['p90'])}",
        "arrival within target": pct(k["time_to_arrival_s"].get("within_target")),
        "placed during the call (asked where; P1)": f"{k['unplaced'].get('placed_on_line', 0)} "
                                                    f"({k['unplaced'].get('placed_on_line_p1', 0)})",
        "unplaced (placed by the command centre)": f"{k['unplaced']['incidents']} "
                                                   f"({k['unplaced']['placed']})",
        "unplaced wait p50 / p90": f"{mins(k['unplaced']['wait_s']['p50'])} / "
                                   f"{mins(k['unplaced']['wait_s']['p90'])}",
        "unplaced P1 wait p90 (target 2 min)": mins(
            k["unplaced"]["wait_s"]["by_priority"].get("P1", {}).get("p90")),
        "duplicates against truth: precision / recall (pipeline alone)":
            f"{_share(k['duplicates']['precision'])} / {_share(k['duplicates']['recall'])} "
            f"({_share(k['duplicates']['automatic']['precision'])} / "
            f"{_share(k['duplicates']['automatic']['recall'])})",
        "wrong merges; incidents per event reported several times":
            f"{k['duplicates']['wrong_merges']}; "
            f"{k['duplicates']['incidents_per_event']['mean'] or '—'}",
        "escalated incidents": f"{k['escalations']['incidents']} "
                               f"({pct(k['escalations']['share_of_assigned'])} of assigned)",
        "unit utilisation mean / max": f"{pct(k['units']['utilisation_mean'])} / "
                                       f"{pct(k['units']['utilisation_max'])}",
        "incidents that waited for a unit": str(k["units"]["waited_for_a_unit"]),
        "missing persons found after a sighting": ", ".join(mins(v) for v in found) or "—",
        "forum replies within target": pct(k["forum"]["reply_within_target"]),
        "triage accuracy category / priority": f"{pct(k['accuracy']['category'])} / "
                                               f"{pct(k['accuracy']['priority'])}",
        "district accuracy": pct(k["accuracy"]["district"]),
        "synthesis: incidents with findings": f"{syn['with_findings']} of {syn['incidents']}",
        "synthesis: decisions changed (priority raised)": str(syn["decisions_changed"]),
        "time to dispatch, raised / rest p50 / p90":
            f"{mins(ttd['affected']['p50'])} / {mins(ttd['affected']['p90'])} ; "
            f"{mins(ttd['rest']['p50'])} / {mins(ttd['rest']['p90'])}",
        "premise notes shown to the dispatched unit": f"{syn['premise_notes']['shown_to_unit']}"
                                                      f" of {syn['premise_notes']['hits']}",
        "simulated s per wall s": f"{run.speed:,.0f}",
    }


def write_report(runs: Sequence[Run], out: Path) -> Path:
    """Draw every plot into ``out`` and write ``out/index.html``; returns the page."""
    drawers = {"durations": _durations, "precincts": _precincts, "hourly": _hourly,
               "escalations": _escalations, "missing": _missing, "forum": _forum, "map": _map}
    for name in PLOTS:
        drawers[name](runs, out / f"{name}.png")
    heads = [_headline(r) for r in runs]
    rows = "".join(
        "<tr><th>" + html.escape(key) + "</th>" +
        "".join(f"<td>{html.escape(h[key])}</td>" for h in heads) + "</tr>"
        for key in heads[0])
    cols = "".join(f"<th>{html.escape(r.label)}</th>" for r in runs)
    images = "".join(f'<figure><img src="{n}.png" alt="{n}"><figcaption>{n}</figcaption></figure>'
                     for n in PLOTS)
    title = " vs ".join(r.label for r in runs)
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>模拟报告 — {html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:1.5em;max-width:1400px}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}
figure{{margin:1em 0}}img{{max-width:100%}}</style></head>
<body><h1>What-if simulation: {html.escape(title)}</h1>
<p>{runs[0].hours:g} h simulated, {runs[0].reports} reports in the base run.
Raw figures: <a href="kpis.json">kpis.json</a>.</p>
<table><tr><th></th>{cols}</tr>{rows}</table>
{images}
</body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def kpis_document(runs: list[Run], seed: int) -> dict[str, Any]:
    """The ``kpis.json`` content: one entry per configuration, with its knobs."""
    return {"seed": seed, "hours": runs[0].hours,
            "runs": [{"label": r.label, "config": r.config.to_dict(), "kpis": r.kpis}
                     for r in runs]}


def run_and_report(hours: float, seed: int, out: str | Path, config: ConfigSource = None,
                   compare: ConfigSource = None, start: str | datetime = DEFAULT_START,
                   mix: tuple[str, ...] = (), scenario: str | None = None,
                   progress: Callable[[float], None] | None = None) -> list[Run]:
    """Simulate one or two configurations and write ``kpis.json`` and ``index.html``.

    Returns:
        The runs, base first.
    """
    labels = ("base", "compare")
    sources = [config] if compare is None else [config, compare]
    runs = []
    for i, source in enumerate(sources):
        def share(x: float, i: int = i) -> None:
            if progress:
                progress((i + x) / len(sources) * 0.9)
        label = labels[i] if not isinstance(source, (str, Path)) else Path(source).stem
        runs.append(simulate(hours, seed, source, start, mix, scenario, share, label=label))
    if len(runs) == 2 and runs[0].label == runs[1].label:
        runs[1].label += " (2)"
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    document = kpis_document(runs, seed)
    (target / "kpis.json").write_text(json.dumps(document, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    write_report(runs, target)
    if progress:
        progress(1.0)
    return runs
