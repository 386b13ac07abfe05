"""Scoring of ``locate`` against a gold JSON-lines file (``python -m geo eval``).

Gold line fields (all optional except ``text`` or ``location``): ``id``, ``text``,
``location`` (a device fix, as for ``python -m geo locate``), ``district`` (adcode, or
a name), ``precinct`` (id), ``town`` (the 街道/镇/苏木: a 9-digit code or a name),
``lat``/``lon`` (WGS-84 recorded point), ``out_of_area`` (bool), and for out-of-area
lines ``province``, ``city``, ``county`` (names) and ``county_code``; ``kind`` (a free
label such as ``landmark`` or ``same_name``; figures are also given per kind).

Names are compared without their administrative suffix (内蒙古 = 内蒙古自治区, 托克托县 =
托克托, 少先路 = 少先路街道); a gold ``county_code`` is compared as a code.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from geo.crs import distance_m
from geo.model import Location
from geo.wire import locate_record

_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|自治州|自治县|自治旗|"
                     r"街道办事处|办事处|街道|地区|省|市|盟|区|县|旗|镇|乡|苏木)$")


def _stem(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    return _SUFFIX.sub("", name) or name


def same_name(gold: object, got: str | None) -> bool:
    """Gold and answer name the same unit (suffixes aside)."""
    return isinstance(gold, str) and got is not None and _stem(gold) == _stem(got)


def _same_unit(gold: object, code: str | None, name: str | None) -> bool:
    """A gold code (all digits) against ``code``, a gold name against ``name``."""
    if isinstance(gold, (int, float)):
        gold = str(int(gold))
    if isinstance(gold, str) and gold.strip().isdigit():
        return code is not None and code == gold.strip()
    return same_name(gold, name)


@dataclass(slots=True)
class Field:
    """Right/wrong counts of one scored field, overall and per kind."""

    hits: list[bool] = field(default_factory=list)
    by_kind: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))

    def add(self, ok: bool, kind: str) -> None:
        """Record one judgement."""
        self.hits.append(ok)
        self.by_kind[kind].append(ok)


def _rate(xs: list[bool]) -> float | None:
    return round(sum(xs) / len(xs), 4) if xs else None


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
    fields: dict[str, Field] = field(default_factory=lambda: defaultdict(Field))

    def _judge(self, name: str, ok: bool, gold: dict[str, Any], want: Any, got: Any) -> None:
        kind = str(gold.get("kind") or "other")
        self.fields[name].add(ok, kind)
        if not ok:
            self.misses.append({"id": gold.get("id"), "field": name, "gold": want, "got": got,
                                "kind": kind, "text": gold.get("text")})

    def add(self, gold: dict[str, Any], loc: Location) -> None:
        """Score one gold line against its location."""
        self.lines += 1
        gid = gold.get("id")
        gold_out = bool(gold.get("out_of_area"))
        if gold_out:
            self.out_of_area.append(loc.in_jurisdiction is False)
            self._judge("out_of_area", loc.in_jurisdiction is False, gold, True,
                        {True: "in Baotou", None: "not placed"}.get(loc.in_jurisdiction))
            self._named(gold, loc)
        else:
            self.in_area += 1
            self.fields["baotou_kept_in_area"].add(loc.in_jurisdiction is not False,
                                                   str(gold.get("kind") or "other"))
            if loc.in_jurisdiction is False:
                self.false_out_of_area += 1
                self.misses.append({"id": gid, "field": "called_out_of_area", "gold": False,
                                    "got": f"{loc.province}{loc.city}{loc.county}",
                                    "kind": gold.get("kind"), "text": gold.get("text")})
            self._baotou_units(gold, loc)
        if gold.get("district") and not gold_out:
            ok = _same_unit(gold["district"], loc.district, loc.district_name)
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

    def _named(self, gold: dict[str, Any], loc: Location) -> None:
        """Province, city and county of an out-of-area line."""
        if gold.get("province"):
            self._judge("province", same_name(gold["province"], loc.province), gold,
                        gold["province"], loc.province)
        if gold.get("city"):
            self._judge("city", same_name(gold["city"], loc.city), gold, gold["city"], loc.city)
        if gold.get("county_code"):
            self._judge("county", _same_unit(gold["county_code"], loc.county_code, loc.county),
                        gold, gold["county_code"], f"{loc.county_code} {loc.county}")
        elif gold.get("county"):
            self._judge("county", same_name(gold["county"], loc.county), gold, gold["county"],
                        loc.county)

    def _baotou_units(self, gold: dict[str, Any], loc: Location) -> None:
        """Town (sub-district) of a Baotou line; the district is scored with the rest."""
        if gold.get("town"):
            self._judge("town", _same_unit(gold["town"], loc.precinct, loc.precinct_name),
                        gold, gold["town"], f"{loc.precinct} {loc.precinct_name}")

    def summary(self) -> dict[str, Any]:
        """Figures as a JSON-ready dict."""
        rate = _rate
        fields = {name: {"accuracy": rate(f.hits), "n": len(f.hits),
                         "by_kind": {k: {"accuracy": rate(v), "n": len(v)}
                                     for k, v in sorted(f.by_kind.items())}}
                  for name, f in sorted(self.fields.items())}
        return {
            "lines": self.lines, "invalid_lines": self.invalid_lines,
            "district_accuracy": rate(self.district), "district_n": len(self.district),
            "precinct_accuracy": rate(self.precinct), "precinct_n": len(self.precinct),
            "median_error_m": _pct(self.errors, 50), "p90_error_m": _pct(self.errors, 90),
            "error_n": len(self.errors), "unplaced_with_gold_point": self.unplaced_with_gold_point,
            "out_of_area_recall": rate(self.out_of_area), "out_of_area_n": len(self.out_of_area),
            "baotou_called_out_of_area": self.false_out_of_area, "in_area_n": self.in_area,
            "median_error_m_by_kind": {k: _pct(v, 50) for k, v in sorted(self.by_kind.items())},
            "fields": fields,
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
        (f"median error               {s['median_error_m']} m (n={s['error_n']}, "
         f"unplaced {s['unplaced_with_gold_point']})"),
        f"p90 error                  {s['p90_error_m']} m",
        f"out-of-area recall         {pct(s['out_of_area_recall'])} (n={s['out_of_area_n']})",
        f"Baotou called out of area  {s['baotou_called_out_of_area']} of {s['in_area_n']}",
    ]
    rows += [f"median error [{k}]{' ' * max(1, 12 - len(k))}{v} m"
             for k, v in s["median_error_m_by_kind"].items()]
    labels = {"out_of_area": "out-of-area recall", "province": "province (out of area)",
              "city": "city (out of area)", "county": "county (out of area)",
              "town": "town / sub-district", "baotou_kept_in_area": "Baotou kept in area"}
    for name, f in s.get("fields", {}).items():
        if name == "out_of_area" and len(f["by_kind"]) < 2:
            continue
        rows.append(f"{labels.get(name, name):<27}{pct(f['accuracy'])} (n={f['n']})")
        if len(f["by_kind"]) > 1:
            rows += [f"  [{k}]{' ' * max(1, 22 - len(k))}{pct(v['accuracy'])} (n={v['n']})"
                     for k, v in f["by_kind"].items()]
    return "\n".join(rows)
