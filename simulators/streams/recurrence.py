"""Recurrence: repeat and frequent callers, repeat domestic violence, theft series, and
the premise notes and history the centre already holds when a run starts.

Synthesis (接警即合成, docs/synthesis.md) acts on what the centre knew before a call. A
run that starts with an empty index would only ever see repeats inside its own window, so
the run begins with a **prelude**: earlier reports (as the index keeps them) and the
precincts' premise notes, drawn from the rates in :class:`~simulators.streams.config.Config`:

* **Repeat callers.** A pool of numbers that each reported once in the 30 days before the
  window; a call is, with ``repeat_caller_share``, from one of them (the number is
  replaced, the rest of the report is as drawn).
* **Frequent callers.** ``frequent_callers`` numbers with ``frequent_caller_prior`` calls
  each in the 30 days before; ``frequent_caller_share`` of the day's calls are theirs.
* **Repeat domestic violence.** ``dv_households`` homes with 1 + Poisson(``dv_prior_extra``)
  earlier DV reports in the last 365 days (weapon and injury flags at their shares). A DV
  call (a ``domestic_*`` situation) is, with ``dv_repeat_share``, the victim of one of these
  homes or of a DV call earlier in the window: same number, same home (re-told there).
* **Series.** ``series_active`` e-bike (battery) theft or burglary series, each in one
  community with Poisson(``series_prior``) members in the 6 days before; an e-bike theft or
  burglary call joins a series of its kind with ``series_share`` and is re-told at a point
  within ``series_radius_m`` of the series' centre.
* **Premise notes.** Poisson(``premise_notes[kind]``) live notes per precinct and kind, at
  a resident's point (a community of the precinct, scattered), radius
  ``premise_note_radius_m``.

The recurrence draws come from their own random source, and a re-told report is rendered
with it too, so every other line of the stream is exactly as it was without recurrence.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import geo
from dispatch.synthesis.model import PremiseNote
from geo import suggest
from simulators.streams.addressing import Where, sample_where
from simulators.streams.config import Config
from simulators.streams.lexicon import phone
from simulators.streams.line import assemble
from simulators.streams.places import Place, gazetteer, offset, pick_anchor, pick_district, scatter
from simulators.streams.situations.incident import Incident

DV_KINDS = frozenset({"domestic_assault", "domestic_threat"})
SERIES_KINDS = ("ebike_theft", "burglary")
NOTE_TEXT = {
    "mental_illness": "住户有严重精神障碍患者，情绪激动时有攻击行为",
    "elderly_alone": "独居老人，行动不便，子女在外地",
    "dog": "院内养有大型犬",
    "firearm": "住户持有登记枪支",
    "officer_assault": "该户人员曾袭警，出警注意安全",
    "hazardous_chemicals": "存放危险化学品",
    "other": "注意",
}
_FREQUENT_CATEGORIES = ("assistance", "non_police", "dispute", "consultation", "public_order")
_REPEAT_CATEGORIES = ("assistance", "dispute", "traffic", "public_order", "property_crime",
                      "non_police", "fraud")


@dataclass(frozen=True, slots=True)
class PastReport:
    """One earlier report in the prelude (what the synthesis index would hold of it).

    Attributes:
        why: ``repeat_caller``, ``frequent_caller``, ``dv`` or ``series``.
    """

    id: str
    at: datetime
    phone: str | None
    category: str
    priority: str
    flags: tuple[str, ...]
    lat: float
    lon: float
    why: str


@dataclass(frozen=True, slots=True)
class Home:
    """Where a DV victim lives and the number they call from."""

    phone: str
    place: Place
    point: tuple[float, float]
    since: datetime  # the first report the centre holds of it


@dataclass(frozen=True, slots=True)
class Series:
    id: str
    kind: str
    place: Place
    centre: tuple[float, float]


@dataclass
class Prelude:
    """What the centre holds when the run starts, and the pools the stream draws from."""

    history: list[PastReport] = field(default_factory=list)
    notes: list[PremiseNote] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)
    frequent: list[str] = field(default_factory=list)
    recent: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method (the means here are small)."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _resident(rng: random.Random, cfg: Config) -> tuple[Place, tuple[float, float]]:
    place = pick_anchor(rng, pick_district(rng, cfg.district_population))
    return place, scatter(rng, place)


def _within(rng: random.Random, point: tuple[float, float], radius_m: float) -> tuple[float, float]:
    lat, lon = offset(point[0], point[1], radius_m * math.sqrt(rng.random()), rng.uniform(0, 360))
    return round(lat, 6), round(lon, 6)


@lru_cache(maxsize=1)
def _anchors_by_precinct() -> dict[str, tuple[Place, ...]]:
    """The gazetteer's community and town anchors, by the precinct containing them."""
    out: dict[str, list[Place]] = {}
    for places in gazetteer().anchors.values():
        for p in places:
            if p.kind in ("community", "subdistrict"):
                precinct = suggest.fix(p.lat, p.lon, 30.0).precinct
                if precinct:
                    out.setdefault(precinct, []).append(p)
    return {k: tuple(v) for k, v in out.items()}


_CACHE: dict[tuple[int, str, str, float], Prelude] = {}


def prelude(seed: int, cfg: Config, start: datetime, hours: float) -> Prelude:
    """The prelude of a run (deterministic for seed, configuration, start and length;
    the stream and the engine of one run share it)."""
    key = (seed, repr(cfg), start.isoformat(), hours)
    if key not in _CACHE:
        if len(_CACHE) >= 4:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _draw_prelude(seed, cfg, start, hours)
    return _CACHE[key]


def _draw_prelude(seed: int, cfg: Config, start: datetime, hours: float) -> Prelude:
    rng = random.Random(f"{seed}:prelude")
    out = Prelude()
    serial = 0

    def past(days_lo: float, days_hi: float, **kw: Any) -> None:
        nonlocal serial
        serial += 1
        at = start - timedelta(days=rng.uniform(days_lo, days_hi))
        out.history.append(PastReport(id=f"H{seed}-{serial:06d}", at=at, **kw))

    expected_calls = cfg.calls_per_day * hours / 24
    for _ in range(int(cfg.repeat_caller_share * expected_calls * 1.5) + 5):
        number = phone(rng)
        out.recent.append(number)
        _, (lat, lon) = _resident(rng, cfg)
        past(0.5, 30, phone=number, category=rng.choice(_REPEAT_CATEGORIES), priority="P3",
             flags=(), lat=lat, lon=lon, why="repeat_caller")
    for _ in range(int(cfg.frequent_callers)):
        number = phone(rng)
        out.frequent.append(number)
        _, home = _resident(rng, cfg)
        for _ in range(int(cfg.frequent_caller_prior)):
            lat, lon = _within(rng, home, 30)
            past(0.2, 30, phone=number, category=rng.choice(_FREQUENT_CATEGORIES),
                 priority="P4" if rng.random() < 0.5 else "P3", flags=(), lat=lat, lon=lon,
                 why="frequent_caller")
    for _ in range(int(cfg.dv_households)):
        number = phone(rng)
        place, home = _resident(rng, cfg)
        first = len(out.history)
        for _ in range(1 + _poisson(rng, cfg.dv_prior_extra)):
            flags = ["domestic_violence"]
            if rng.random() < cfg.dv_prior_weapon:
                flags.append("weapon")
            if rng.random() < cfg.dv_prior_injury:
                flags.append("injury")
            lat, lon = _within(rng, home, 10)
            past(1, 365, phone=number, category="violent_crime",
                 priority="P1" if "weapon" in flags else "P2", flags=tuple(sorted(flags)),
                 lat=lat, lon=lon, why="dv")
        since = min(h.at for h in out.history[first:])
        out.homes.append(Home(number, place, home, since))
    for n in range(int(cfg.series_active)):
        kind = SERIES_KINDS[n % len(SERIES_KINDS)]
        place, centre = _resident(rng, cfg)
        series = Series(f"series{seed}-{n}", kind, place, centre)
        out.series.append(series)
        for _ in range(_poisson(rng, cfg.series_prior)):
            lat, lon = _within(rng, centre, cfg.series_radius_m)
            past(0.2, 6, phone=phone(rng), category="property_crime", priority="P3", flags=(),
                 lat=lat, lon=lon, why="series")
    out.notes = _notes(rng, cfg, start)
    return out


def _notes(rng: random.Random, cfg: Config, start: datetime) -> list[PremiseNote]:
    by_precinct = _anchors_by_precinct()
    notes: list[PremiseNote] = []
    for precinct in geo.precincts():
        anchors = by_precinct.get(precinct.id, ())
        for kind in sorted(cfg.premise_notes):
            for _ in range(_poisson(rng, cfg.premise_notes[kind])):
                point = _note_point(rng, precinct.id, anchors, precinct.seat)
                notes.append(PremiseNote(
                    id=f"N-sim-{len(notes) + 1:05d}", precinct=precinct.id, lat=point[0],
                    lon=point[1], radius_m=cfg.premise_note_radius_m, kind=kind,
                    text=NOTE_TEXT.get(kind, "注意"),
                    created_at=start - timedelta(days=rng.uniform(1, 300)),
                    expires_at=start + timedelta(days=rng.uniform(30, 365)),
                    created_by="precinct:prelude"))
    return notes


def _note_point(rng: random.Random, precinct: str, anchors: tuple[Place, ...],
                seat: tuple[float, float]) -> tuple[float, float]:
    """A resident's point inside the precinct (its seat's surroundings if it has no
    community in the gazetteer)."""
    for _ in range(6):
        point = scatter(rng, rng.choice(anchors)) if anchors else _within(rng, seat, 800)
        if suggest.fix(point[0], point[1], 30.0).precinct == precinct:
            return point
    return seat


class Recurrence:
    """Applies the recurrence rates to the background calls, in send order."""

    def __init__(self, seed: int, cfg: Config, start: datetime, hours: float) -> None:
        self.cfg = cfg
        self.rng = random.Random(f"{seed}:recurrence")
        self.prelude = prelude(seed, cfg, start, hours)
        self.homes: list[Home] = list(self.prelude.homes)

    def apply(self, line: dict[str, Any], inc: Incident, where: Where, at: datetime,
              serial: int) -> tuple[dict[str, Any], Where]:
        """The call ``line`` as recurrence makes it (unchanged, a new number, or re-told
        at a victim's home or a series' community) and where it now happens. Only
        in-area calls are touched."""
        if line["channel"] != "call" or where.district is None or "caller" not in line:
            return line, where
        rng, cfg = self.rng, self.cfg
        why: str | None = None
        if inc.kind in DV_KINDS:
            earlier = [h for h in self.homes if h.since <= at - timedelta(minutes=30)]
            if earlier and rng.random() < cfg.dv_repeat_share:
                home = rng.choice(earlier)
                line, where = self._retell(line, inc, at, serial, home.place,
                                           _within(rng, home.point, 10))
                line = _with_phone(line, home.phone)
                why = "dv_repeat"
            else:
                self.homes.append(Home(line["caller"]["phone"], where.place,
                                       (where.lat, where.lon), at))
                why = "dv_first"
        elif inc.kind in SERIES_KINDS:
            mine = [s for s in self.prelude.series if s.kind == inc.kind]
            if mine and rng.random() < cfg.series_share:
                series = rng.choice(mine)
                point = _within(rng, series.centre, cfg.series_radius_m)
                line, where = self._retell(line, inc, at, serial, series.place, point)
                line["truth"]["series"] = series.id
                why = "series"
        if why not in ("dv_repeat", "dv_first"):
            roll = rng.random()
            if self.prelude.frequent and roll < cfg.frequent_caller_share:
                line = _with_phone(line, rng.choice(self.prelude.frequent))
                why = "frequent_caller" if why is None else why
            elif self.prelude.recent and roll < cfg.frequent_caller_share + cfg.repeat_caller_share:
                line = _with_phone(line, rng.choice(self.prelude.recent))
                why = "repeat_caller" if why is None else why
        if why is not None:
            line["truth"]["recurrence"] = why
        return line, where

    def _retell(self, line: Mapping[str, Any], inc: Incident, at: datetime, serial: int,
                place: Place, point: tuple[float, float]) -> tuple[dict[str, Any], Where]:
        """The same situation told from another place (rendered with recurrence's own
        random source, so the rest of the stream is untouched)."""
        where = sample_where(self.rng, self.cfg, "call", place=place, point=point)
        truth = line["truth"]
        told = assemble(self.rng, at=at, channel="call", inc=inc, where=where,
                        source_id=line["source_id"], serial=serial, typo_rate=self.cfg.typo_rate,
                        event=truth["event"], duplicate_group=truth.get("duplicate_group"),
                        missing_case=truth.get("missing_case"))
        told["caller"] = dict(line["caller"])
        return told, where


def _with_phone(line: dict[str, Any], number: str) -> dict[str, Any]:
    return {**line, "caller": {**line["caller"], "phone": number}}
