"""Scoring of ``locate`` against a gold JSON-lines file (``python -m geo eval``).

Gold line fields (all optional except ``text`` or ``location``): ``id``, ``text``,
``location`` (a device fix, as for ``python -m geo locate``), ``district`` (adcode),
``precinct`` (id), ``lat``/``lon`` (WGS-84 recorded point), ``out_of_area`` (bool),
``kind`` (a free label such as ``landmark``; error figures are also given per kind).
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from geo.crs import distance_m
from geo.model import Location
from geo.wire import locate_record


@dataclass(slots=True)
class Score:
    """Running counts and errors."""

    lines: int = 0
    invalid_lines: int = 0
    district: list[bool] = field(default_factory=list)
    precinct: list[bool] = field(default_factory=list)
    errors: list[float] = field(default_factory=list)
    unplaced_with_gold_point: int = 0
    out_of_area: list[bool] = field(default_factory=list)
    false_out_of_area: int = 0
    in_area: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    misses: list[dict[str, Any]] = field(default_factory=list)

    def add(self, gold: dict[str, Any], loc: Location) -> None:
        """Score one gold line against its location."""
        self.lines += 1
        gid = gold.get("id")
        gold_out = bool(gold.get("out_of_area"))
        if gold_out:
            self.out_of_area.append(loc.in_jurisdiction is False)
            if loc.in_jurisdiction is not False:
                self.misses.append({"id": gid, "field": "out_of_area", "gold": True,
                                    "got": loc.in_jurisdiction, "text": gold.get("text")})
        else:
            self.in_area += 1
            if loc.in_jurisdiction is False:
                self.false_out_of_area += 1
        if gold.get("district") and not gold_out:
            ok = loc.district == gold["district"]
            self.district.append(ok)
            if not ok:
                self.misses.append({"id": gid, "field": "district", "gold": gold["district"],
                                    "got": loc.district, "text": gold.get("text")})
        if gold.get("precinct") and not gold_out:
            ok = loc.precinct == gold["precinct"]
            self.precinct.append(ok)
            if not ok:
                self.misses.append({"id": gid, "field": "precinct", "gold": gold["precinct"],
                                    "got": loc.precinct, "text": gold.get("text")})
        if gold.get("lat") is not None and gold.get("lon") is not None:
            if loc.lat is None or loc.lon is None:
                self.unplaced_with_gold_point += 1
            else:
                err = distance_m((gold["lat"], gold["lon"]), (loc.lat, loc.lon))
                self.errors.append(err)
                self.by_kind[str(gold.get("kind") or "other")].append(err)

    def summary(self) -> dict[str, Any]:
        """Figures as a JSON-ready dict."""
        def rate(xs: list[bool]) -> float | None:
            return round(sum(xs) / len(xs), 4) if xs else None

        return {
            "lines": self.lines, "invalid_lines": self.invalid_lines,
            "district_accuracy": rate(self.district), "district_n": len(self.district),
            "precinct_accuracy": rate(self.precinct), "precinct_n": len(self.precinct),
            "median_error_m": _pct(self.errors, 50), "p90_error_m": _pct(self.errors, 90),
            "error_n": len(self.errors), "unplaced_with_gold_point": self.unplaced_with_gold_point,
            "out_of_area_recall": rate(self.out_of_area), "out_of_area_n": len(self.out_of_area),
            "baotou_called_out_of_area": self.false_out_of_area, "in_area_n": self.in_area,
            "median_error_m_by_kind": {k: _pct(v, 50) for k, v in sorted(self.by_kind.items())},
        }


def _pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def evaluate(lines: Iterable[str]) -> Score:
    """Locate every gold line and score it."""
    score = Score()
    for raw in lines:
        if not raw.strip():
            continue
        try:
            gold = json.loads(raw)
        except json.JSONDecodeError:
            gold = None
        if not isinstance(gold, dict):
            score.invalid_lines += 1
            continue
        _, loc = locate_record(gold)
        score.add(gold, loc)
    return score


def render(summary: dict[str, Any]) -> str:
    """Human-readable report of :meth:`Score.summary`."""
    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100 * v:.1f}%"

    s = summary
    rows = [
        f"lines                      {s['lines']}",
        f"district accuracy          {pct(s['district_accuracy'])} (n={s['district_n']})",
        f"precinct accuracy          {pct(s['precinct_accuracy'])} (n={s['precinct_n']})",
        f"median error               {s['median_error_m']} m (n={s['error_n']}, "
        f"unplaced {s['unplaced_with_gold_point']})",
        f"p90 error                  {s['p90_error_m']} m",
        f"out-of-area recall         {pct(s['out_of_area_recall'])} (n={s['out_of_area_n']})",
        f"Baotou called out of area  {s['baotou_called_out_of_area']} of {s['in_area_n']}",
    ]
    rows += [f"median error [{k}]{' ' * max(1, 12 - len(k))}{v} m"
             for k, v in s["median_error_m_by_kind"].items()]
    return "\n".join(rows)
