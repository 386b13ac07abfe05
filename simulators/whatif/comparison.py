"""Configurations compared over several seeds: the headline KPIs' mean and spread per
configuration, and which differences are larger than the seed-to-seed noise.

One seed is one simulated day: another seed is another day of calls at the same rates,
and the headline figures move from day to day by themselves. A what-if difference is
therefore marked **significant** only when it is larger than that movement:

    |mean(B) − mean(A)| > 2 × pooled standard deviation,
    pooled sd = sqrt(((nA − 1)·sdA² + (nB − 1)·sdB²) / (nA + nB − 2))

over the seeds of each configuration (sample standard deviations; both configurations run
on the same seeds). It asks the difference to stand out from the spread of single days,
not just from the uncertainty of the means, so it is conservative: a difference it calls
significant would be seen on most days. With fewer than two seeds with a value per
configuration it is not judged (``None``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SIGNIFICANCE_SDS = 2.0  # the rule's factor: differences beyond 2 pooled sds
RULE = "|mean(B) - mean(A)| > 2 x pooled sd over the seeds"


@dataclass(frozen=True, slots=True)
class Measure:
    """A headline KPI compared across seeds.

    Attributes:
        key: its name in ``kpis.json`` → ``seeds``.
        label: its Chinese row label in the report.
        unit: ``share`` (0–1), ``s`` (seconds) or ``count``.
        read: the value from one run's KPIs (None when the run has none).
    """

    key: str
    label: str
    unit: str
    read: Callable[[Mapping[str, Any]], float | None]


def _at(*path: str) -> Callable[[Mapping[str, Any]], float | None]:
    def read(kpis: Mapping[str, Any]) -> float | None:
        value: Any = kpis
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return None
            value = value[key]
        return None if value is None else float(value)
    return read


MEASURES: tuple[Measure, ...] = (
    Measure("reports", "报警数", "count", _at("reports", "total")),
    Measure("call_answer_within", "接警应答达标率（10 秒内）", "share",
            _at("call_answer_s", "within_target")),
    Measure("call_answer_within_p1", "接警应答达标率 · P1", "share",
            _at("call_answer_s", "by_priority", "P1", "within_target")),
    Measure("dispatch_p90_s_p1", "派警用时 P90 · P1", "s",
            _at("time_to_dispatch_s", "by_priority", "P1", "p90")),
    Measure("dispatch_within", "派警达标率", "share", _at("time_to_dispatch_s", "within_target")),
    Measure("dispatch_within_p1", "派警达标率 · P1", "share",
            _at("time_to_dispatch_s", "by_priority", "P1", "within_target")),
    Measure("ack_within", "签收达标率", "share", _at("time_to_ack_s", "within_target")),
    Measure("ack_within_p1", "签收达标率 · P1", "share",
            _at("time_to_ack_s", "by_priority", "P1", "within_target")),
    Measure("arrival_p90_s_p1", "到场用时 P90 · P1", "s",
            _at("time_to_arrival_s", "by_priority", "P1", "p90")),
    Measure("arrival_within", "到场达标率", "share", _at("time_to_arrival_s", "within_target")),
    Measure("arrival_within_p1", "到场达标率 · P1", "share",
            _at("time_to_arrival_s", "by_priority", "P1", "within_target")),
    Measure("escalated", "升级警情数", "count", _at("escalations", "incidents")),
    Measure("utilisation_mean", "巡逻车平均利用率", "share", _at("units", "utilisation_mean")),
    Measure("forum_within", "论坛按时回复率", "share", _at("forum", "reply_within_target")),
    Measure("duplicates_precision", "重复报警合并准确率", "share", _at("duplicates", "precision")),
    Measure("duplicates_recall", "重复报警合并召回率", "share", _at("duplicates", "recall")),
)


def spread(values: Sequence[float | None]) -> dict[str, Any]:
    """``values`` (one per seed, None where the run had none) with their count, mean,
    sample standard deviation (None below two values), min and max."""
    present = [v for v in values if v is not None]
    n = len(present)
    mean = sum(present) / n if n else None
    sd = math.sqrt(sum((v - mean) ** 2 for v in present) / (n - 1)) \
        if n >= 2 and mean is not None else None
    return {"values": list(values), "n": n, "mean": _round(mean), "sd": _round(sd),
            "min": _round(min(present)) if present else None,
            "max": _round(max(present)) if present else None}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def difference(a: Mapping[str, Any], b: Mapping[str, Any]) -> dict[str, Any]:
    """B − A of two :func:`spread` results and whether it exceeds the seed-to-seed noise
    (the module's rule); ``significant`` is None when either has fewer than two values."""
    if a["mean"] is None or b["mean"] is None:
        return {"difference": None, "pooled_sd": None, "threshold": None, "significant": None}
    diff = b["mean"] - a["mean"]
    if a["sd"] is None or b["sd"] is None:
        return {"difference": _round(diff), "pooled_sd": None, "threshold": None,
                "significant": None}
    na, nb = a["n"], b["n"]
    pooled = math.sqrt(((na - 1) * a["sd"] ** 2 + (nb - 1) * b["sd"] ** 2) / (na + nb - 2))
    threshold = SIGNIFICANCE_SDS * pooled
    return {"difference": _round(diff), "pooled_sd": _round(pooled),
            "threshold": _round(threshold), "significant": abs(diff) > threshold}


def summarise(seeds: Sequence[int], labels: Sequence[str],
              kpis: Sequence[Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """The ``seeds`` block of ``kpis.json``.

    Args:
        seeds: the seeds every configuration ran on, in order.
        labels: each configuration's label.
        kpis: per configuration, its KPIs per seed (same order as ``seeds``).

    Returns:
        ``seeds``, ``rule``, ``runs`` (per configuration: ``label`` and ``kpis``, each
        measure's :func:`spread`) and, with two configurations, ``differences`` (per
        measure: the second minus the first, :func:`difference`).
    """
    spreads = [{m.key: spread([m.read(k) for k in per_seed]) for m in MEASURES}
               for per_seed in kpis]
    out: dict[str, Any] = {"seeds": list(seeds), "rule": RULE, "runs": [
        {"label": label, "kpis": table} for label, table in zip(labels, spreads, strict=True)]}
    if len(spreads) == 2:
        out["differences"] = {m.key: difference(spreads[0][m.key], spreads[1][m.key])
                              for m in MEASURES}
    return out
