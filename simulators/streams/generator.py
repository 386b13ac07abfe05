"""The generator: background arrivals on three channels, duplicates, sightings, scenarios.

Background reports arrive by a non-homogeneous Poisson process per channel
(:mod:`simulators.streams.arrivals`). Each arrival draws a category from its channel's mix,
tilted by hour (consultations by day, brawls by night). A call may instead join a
recent event of its category as another caller (a duplicate), and a missing-person
call may be the sighting that answers an open case. Both keep the arrival counts
exactly Poisson with the configured means. Named scenarios are added on top.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final

from simulators.errors import ConfigError
from simulators.streams.addressing import sample_where
from simulators.streams.arrivals import SHANGHAI, local, thinned_arrivals
from simulators.streams.config import CHANNELS, Config, load_config
from simulators.streams.line import assemble
from simulators.streams.places import Place, is_in_baotou, nearest_anchor, offset
from simulators.streams.recurrence import Recurrence
from simulators.streams.scenarios import scenario_reports, timing
from simulators.streams.situations import draw
from simulators.streams.situations.emergencies import sighting
from simulators.streams.situations.incident import Incident

DEFAULT_START: Final = datetime(2026, 1, 12, 0, 0, tzinfo=SHANGHAI)  # a Monday in winter
_CODE: Final = {"call": "c", "forum": "f", "transfer_12345": "t"}

# Hour-of-day tilt of the category mix (multipliers, renormalised per hour). Assumption
# from dispatch practice: service questions follow office hours, brawls and violence
# peak late evening, collisions follow the rush hours.
_DAY = frozenset(range(8, 18))
_LATE = frozenset({20, 21, 22, 23, 0, 1, 2})
_RUSH = frozenset({7, 8, 17, 18})


def _tilt(category: str, hour: int) -> float:
    if category in ("consultation", "non_police"):
        return 1.5 if hour in _DAY else 0.35 if hour < 7 else 0.8
    if category in ("public_order", "violent_crime"):
        return 1.7 if hour in _LATE else 0.7
    if category == "traffic":
        return 1.4 if hour in _RUSH else 0.6 if 1 <= hour <= 5 else 1.0
    return 1.0


@dataclass
class _Event:
    id: str
    category: str
    kind: str
    at: datetime
    point: tuple[float, float]
    place: Place
    first: dict[str, Any]
    incident: Incident
    group: str | None = None


@dataclass
class _Case:
    id: str
    at: datetime
    who: str
    person: str
    point: tuple[float, float]
    place: Place
    answered: bool = False


def parse_start(start: datetime | str) -> datetime:
    """The start of a window: an aware datetime, or an ISO-8601 string (naive means
    Asia/Shanghai).

    Raises:
        ConfigError: if ``start`` is not ISO-8601.
    """
    if isinstance(start, str):
        try:
            start = datetime.fromisoformat(start)
        except ValueError as exc:
            raise ConfigError(f"start: not an ISO-8601 time: {start!r}") from exc
    return start if start.tzinfo is not None else start.replace(tzinfo=SHANGHAI)


def _config(config: Config | str | Path | Mapping[str, Any] | None) -> Config:
    return config if isinstance(config, Config) else load_config(config)


class _Background:
    """Sequential state of the background process (open events and cases)."""

    def __init__(self, seed: int, cfg: Config, recurrence: Recurrence | None = None) -> None:
        self.seed, self.cfg = seed, cfg
        self.recurrence = recurrence
        self.rng = random.Random(f"{seed}:content")
        self.events: list[_Event] = []
        self.cases: list[_Case] = []
        self.lines: list[dict[str, Any]] = []

    def category(self, channel: str, hour: int) -> str:
        mix = self.cfg.channel_mix(channel)
        names = sorted(mix)
        weights = [mix[n] * _tilt(n, hour) for n in names]
        return self.rng.choices(names, weights=weights)[0]

    def duplicate_of(self, category: str, at: datetime) -> _Event | None:
        p = self.cfg.duplicate_probability.get(category, 0.0)
        window = timedelta(minutes=self.cfg.duplicate_window_min)
        recent = [e for e in self.events if e.category == category and at - e.at <= window]
        return self.rng.choice(recent) if recent and self.rng.random() < p else None

    def open_case(self, at: datetime) -> _Case | None:
        ready = [c for c in self.cases if not c.answered and
                 timedelta(minutes=15) <= at - c.at <= timedelta(hours=24)]
        return self.rng.choice(ready) if ready and self.rng.random() < self.cfg.sighting_probability else None

    def add(self, serial: int, at: datetime, channel: str) -> None:
        rng, cfg = self.rng, self.cfg
        hour = local(at).hour
        source_id = f"sim{self.seed}-{_CODE[channel]}-{serial:06d}"
        category = self.category(channel, hour)
        event_id, group, case_id = f"ev{self.seed}-{serial:06d}", None, None
        dup = self.duplicate_of(category, at) if channel == "call" else None
        case = self.open_case(at) if category == "missing_person" and channel != "transfer_12345" else None
        if dup is not None:
            # A later caller tells the same event: the same facts (vehicles, floor, who is
            # hurt), in their own register, address form and words around them.
            inc = dup.incident
            where = sample_where(rng, cfg, channel, place=dup.place, point=dup.point)
            dup.group = dup.group or f"dup{self.seed}-{dup.id.rsplit('-', 1)[1]}"
            dup.first["truth"]["duplicate_group"] = dup.group
            event_id, group = dup.id, dup.group
        elif case is not None:
            inc = sighting(rng, hour, who=case.who, person=case.person)
            point = _walk(rng, case.point, 600, 3000)
            seen_at = nearest_anchor(*point, exclude=case.place)
            where = sample_where(rng, cfg, channel, place=seen_at, point=point)
            case.answered, case_id = True, case.id
        else:
            inc = draw(rng, category, hour)
            where = sample_where(rng, cfg, channel)
            if inc.kind.startswith("missing_") and where.district is not None:
                case_id = f"mp{self.seed}-{serial:06d}"
                who = inc.kind.removeprefix("missing_")
                self.cases.append(_Case(case_id, at, who, inc.person or "", (where.lat, where.lon), where.place))
        line = assemble(rng, at=at, channel=channel, inc=inc, where=where, source_id=source_id,
                        serial=serial, typo_rate=cfg.typo_rate, event=event_id,
                        duplicate_group=group, missing_case=case_id)
        if self.recurrence is not None and dup is None and case is None:
            line, where = self.recurrence.apply(line, inc, where, at, serial)
        if dup is None and channel == "call" and category in cfg.duplicate_probability:
            self.events.append(_Event(event_id, category, inc.kind, at, (where.lat, where.lon),
                                      where.place, line, inc))
            self.events = [e for e in self.events if at - e.at <= timedelta(hours=1)]
        self.lines.append(line)


def _walk(rng: random.Random, point: tuple[float, float], lo: float, hi: float) -> tuple[float, float]:
    """A point ``lo``–``hi`` metres away that is still inside Baotou."""
    for _ in range(30):
        lat, lon = offset(point[0], point[1], rng.uniform(lo, hi), rng.uniform(0, 360))
        if is_in_baotou(lat, lon):
            return round(lat, 6), round(lon, 6)
    return point


def _scenario_start(spec: str, t0: datetime, end: datetime, picker: random.Random | None
                    ) -> tuple[str, datetime]:
    """Resolve ``name`` or ``name@HH:MM`` to (name, start time).

    Without a clock the scenario starts at its preferred local time on the first day
    of the window if its story fits, else at a random time where it fits (mixed in) or
    five minutes after the window opens (generated alone).
    """
    name, _, clock = spec.partition("@")
    (pref_h, pref_m), length = timing(name)
    span = timedelta(hours=length)
    if clock:
        try:
            hh, mm = (int(x) for x in clock.split(":"))
            at = local(t0).replace(hour=hh, minute=mm, second=0, microsecond=0)
        except ValueError as exc:
            raise ConfigError(f"bad scenario time in {spec!r}; use name@HH:MM") from exc
    else:
        at = local(t0).replace(hour=pref_h, minute=pref_m, second=0, microsecond=0)
    if at < t0:
        at += timedelta(days=1)
    if not clock and at + span > end:
        room = max(0.0, (end - t0 - span).total_seconds() / 3600)
        at = t0 + (timedelta(minutes=5) if picker is None else timedelta(hours=picker.uniform(0, room)))
    return name, at


def generate(
    hours: float = 24.0,
    seed: int = 7,
    config: Config | str | Path | Mapping[str, Any] | None = None,
    scenario: str | None = None,
    start: datetime | str = DEFAULT_START,
    mix: tuple[str, ...] = (),
) -> Iterator[dict[str, Any]]:
    """Generate a timestamped report stream, deterministic for ``seed``.

    Args:
        hours: Length of the window in hours.
        seed: Random seed; the same seed, config and arguments give the same stream.
        config: A :class:`Config`, a mapping of overrides, a TOML/JSON path, or None.
        scenario: Generate only this named scenario (no background traffic); it starts
            five minutes after ``start``.
        start: Start of the window (aware datetime or ISO string; naive means
            Asia/Shanghai). Defaults to Monday 2026-01-12 00:00 Asia/Shanghai.
        mix: Scenario names (``name`` or ``name@HH:MM`` local time on the first day)
            mixed into the background, in addition to ``config.mix``.

    Yields:
        Stream lines in send order: the ``POST /v1/reports`` body plus ``at`` and
        ``truth``. Write each with ``json.dumps(line, ensure_ascii=False)``.

    Raises:
        ConfigError: for an invalid config or start time.
        UnknownScenario: for a scenario name that :func:`simulators.scenarios` lacks.
    """
    cfg = _config(config)
    t0 = parse_start(start)
    end = t0 + timedelta(hours=hours)
    lines: list[dict[str, Any]] = []
    if scenario is not None:
        name, at = _scenario_start(scenario, t0, end, None)
        lines += scenario_reports(name, seed, at, cfg, index=0)
    else:
        picker = random.Random(f"{seed}:mix")  # resolve the mix first: bad names fail fast
        starts = [_scenario_start(spec, t0, end, picker) for spec in tuple(cfg.mix) + tuple(mix)]
        bg = _Background(seed, cfg, Recurrence(seed, cfg, t0, hours))
        arrivals = []
        for channel in CHANNELS:
            rng = random.Random(f"{seed}:arrivals:{channel}")
            times = thinned_arrivals(rng, t0, hours, cfg.channel_volume(channel),
                                     cfg.hour_profile(channel), cfg.weekday_factor)
            arrivals += [(t, CHANNELS.index(channel), channel) for t in times]
        for serial, (at, _, channel) in enumerate(sorted(arrivals), start=1):
            bg.add(serial, at, channel)
        lines += bg.lines
        for index, (name, at) in enumerate(starts):
            lines += scenario_reports(name, seed, at, cfg, index=index)
    lines.sort(key=lambda ln: (ln["at"], ln["source_id"]))
    for line in lines:
        if datetime.fromisoformat(line["at"]) < end:
            yield line
