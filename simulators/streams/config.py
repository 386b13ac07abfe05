"""Generator configuration: volumes, mixes, profiles and location shares.

Every default is documented with its source in ``docs/simulators.md``. A TOML or JSON
file overrides any subset of the keys below; a table-valued key (``call_mix``,
``location_modes`` …) is merged key by key with its default, so
``[call_mix] fraud = 0.08`` raises fraud alone (mixes are renormalised). An unknown key,
an unknown category code or a negative value raises :class:`ConfigError`.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Final

from simulators.errors import ConfigError

CATEGORIES: Final = (
    "violent_crime", "property_crime", "fraud", "public_order", "traffic", "fire_disaster",
    "dispute", "missing_person", "self_harm", "assistance", "consultation", "non_police",
)
FLAGS: Final = ("weapon", "injury", "minor", "elderly", "domestic_violence", "in_progress", "sensitive")
PRIORITIES: Final = ("P1", "P2", "P3", "P4")
CHANNELS: Final = ("call", "forum", "transfer_12345")
LOCATION_MODES: Final = ("both", "address", "coords", "vague")
CRS_TAGS: Final = ("wgs84", "gcj02", "bd09")


def _mix(**shares: float) -> dict[str, float]:
    return dict(shares)


@dataclass(frozen=True)
class Config:
    """All knobs of the stream generator. Build one with :func:`load_config`.

    Attributes:
        calls_per_day: Mean 110 call reports per day (with content; silent and prank
            calls are not in the stream).
        forum_per_day: Mean forum posts per day (17,642 a year / 365).
        transfers_per_day: Mean cases handed over by the 12345 hotline per day.
        call_mix / forum_mix / transfer_mix: Category shares per channel.
        hour_profile_call / hour_profile_forum / hour_profile_transfer: 24 relative
            weights, local time (Asia/Shanghai), hour 0 first.
        weekday_factor: 7 multipliers, Monday first, applied to every channel.
        location_modes: Per channel, shares of ``both``/``address``/``coords``/``vague``.
        crs_shares: Shares of the CRS a device coordinate arrives in.
        out_of_area: Per channel, the share of reports whose true place is outside Baotou.
        district_population: Weights for sampling the district of an in-area report.
        duplicate_probability: Per category, the chance that a call joins a recent
            event of the same category instead of starting a new one.
        duplicate_window_min: How recent (minutes) that event must be.
        sighting_probability: Chance that a missing-person call becomes a sighting of
            an open case (the rest open new cases).
        typo_rate: Chance per report of one homophone/typo substitution.
        mix: Scenario names (``name`` or ``name@HH:MM``) mixed into every stream.
        repeat_caller_share … premise_note_radius_m: recurrence (repeat and frequent
            callers, repeat domestic violence, theft series, premise notes), see
            :mod:`simulators.streams.recurrence`.
    """

    calls_per_day: float = 1700.0
    forum_per_day: float = 17642 / 365
    transfers_per_day: float = 24.0
    call_mix: dict[str, float] = field(default_factory=lambda: _mix(
        traffic=0.22, assistance=0.19, dispute=0.13, non_police=0.12, public_order=0.09,
        consultation=0.07, property_crime=0.06, fraud=0.04, violent_crime=0.025,
        fire_disaster=0.025, missing_person=0.02, self_harm=0.01))
    forum_mix: dict[str, float] = field(default_factory=lambda: _mix(
        consultation=0.30, non_police=0.16, fraud=0.12, property_crime=0.08, public_order=0.08,
        dispute=0.07, traffic=0.07, assistance=0.05, missing_person=0.03, self_harm=0.02,
        violent_crime=0.01, fire_disaster=0.01))
    transfer_mix: dict[str, float] = field(default_factory=lambda: _mix(
        public_order=0.30, dispute=0.25, fraud=0.12, property_crime=0.10, assistance=0.08,
        traffic=0.07, non_police=0.04, consultation=0.02, missing_person=0.01,
        self_harm=0.005, violent_crime=0.005, fire_disaster=0.0))
    hour_profile_call: tuple[float, ...] = (
        3.0, 2.3, 1.8, 1.4, 1.2, 1.3, 2.0, 3.2, 4.6, 5.0, 5.2, 5.2,
        4.9, 4.6, 4.8, 5.0, 5.2, 5.5, 5.8, 6.0, 6.2, 6.0, 5.2, 4.0)
    hour_profile_forum: tuple[float, ...] = (
        2.0, 1.2, 0.7, 0.4, 0.3, 0.4, 0.9, 2.0, 3.6, 5.0, 5.6, 5.4,
        4.8, 4.6, 5.0, 5.2, 5.2, 5.0, 5.0, 5.4, 6.0, 6.2, 5.6, 3.8)
    hour_profile_transfer: tuple[float, ...] = (
        0.4, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 1.0, 4.0, 7.0, 7.5, 7.0,
        4.5, 4.0, 6.5, 7.0, 6.8, 6.0, 3.0, 2.0, 1.5, 1.2, 0.9, 0.6)
    weekday_factor: tuple[float, ...] = (0.96, 0.95, 0.95, 0.97, 1.05, 1.08, 1.04)
    location_modes: dict[str, dict[str, float]] = field(default_factory=lambda: {
        "call": _mix(both=0.35, address=0.38, coords=0.12, vague=0.15),
        "forum": _mix(both=0.0, address=0.55, coords=0.05, vague=0.40),
        "transfer_12345": _mix(both=0.05, address=0.85, coords=0.0, vague=0.10),
    })
    crs_shares: dict[str, float] = field(default_factory=lambda: _mix(wgs84=0.5, gcj02=0.35, bd09=0.15))
    out_of_area: dict[str, float] = field(default_factory=lambda: {
        "call": 0.015, "forum": 0.05, "transfer_12345": 0.0})
    district_population: dict[str, float] = field(default_factory=lambda: {
        "昆都仑区": 760582, "东河区": 484218, "青山区": 504753, "九原区": 351070,
        "土默特右旗": 278403, "固阳县": 169660, "达尔罕茂明安联合旗": 100909,
        "石拐区": 33499, "白云鄂博矿区": 26284})
    duplicate_probability: dict[str, float] = field(default_factory=lambda: _mix(
        traffic=0.22, fire_disaster=0.35, violent_crime=0.20, public_order=0.15))
    duplicate_window_min: float = 20.0
    sighting_probability: float = 0.5
    typo_rate: float = 0.12
    mix: tuple[str, ...] = ()
    # Recurrence (issue 12, 接警即合成): who calls again, from where, and what the centre
    # already holds when the run starts (``simulators.streams.recurrence``; docs/simulators.md,
    # "Recurrence"). Sources and assumptions are given there, one by one.
    repeat_caller_share: float = 0.08  # assumption: calls from a number heard in 30 days
    frequent_callers: float = 12  # assumption: numbers the city's FreCaNN list would hold
    frequent_caller_share: float = 0.01  # assumption: their share of the day's calls
    frequent_caller_prior: float = 8  # their calls in the 30 days before (FreCaNN: >= 5)
    dv_repeat_share: float = 0.35  # SafeLives: MARACs should expect 28-40 % repeats
    dv_households: float = 300  # assumption: households with a DV report in 12 months
    dv_prior_extra: float = 0.5  # assumption: mean earlier DV reports beyond the first
    dv_prior_weapon: float = 0.15  # assumption: share of earlier DV reports with a weapon
    dv_prior_injury: float = 0.30  # assumption: share with an injury
    series_active: float = 4  # assumption: e-bike battery / burglary series running
    series_share: float = 0.2  # near-repeat burglary (Bowers & Johnson 2004), assumed share
    series_radius_m: float = 250.0  # one community (社区)
    series_prior: float = 2  # mean members each series already had in the 6 days before
    premise_notes: dict[str, float] = field(default_factory=lambda: {
        "mental_illness": 2.0, "elderly_alone": 3.0, "dog": 1.0, "firearm": 0.3,
        "officer_assault": 0.5})  # assumption: live notes per precinct, by kind
    premise_note_radius_m: float = 50.0  # a building and its yard

    def channel_volume(self, channel: str) -> float:
        """Mean reports per day of ``channel`` (before the weekday factor)."""
        return {"call": self.calls_per_day, "forum": self.forum_per_day,
                "transfer_12345": self.transfers_per_day}[channel]

    def channel_mix(self, channel: str) -> dict[str, float]:
        """Category shares of ``channel``, normalised to sum to 1."""
        raw = {"call": self.call_mix, "forum": self.forum_mix,
               "transfer_12345": self.transfer_mix}[channel]
        return _normalised(raw)

    def hour_profile(self, channel: str) -> tuple[float, ...]:
        """The 24 hour-of-day weights of ``channel``."""
        return {"call": self.hour_profile_call, "forum": self.hour_profile_forum,
                "transfer_12345": self.hour_profile_transfer}[channel]


def _normalised(shares: Mapping[str, float]) -> dict[str, float]:
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()} if total > 0 else dict(shares)


_TABLES: Final = ("call_mix", "forum_mix", "transfer_mix", "crs_shares", "out_of_area",
                  "district_population", "duplicate_probability", "premise_notes")
_SHARES: Final = ("sighting_probability", "typo_rate", "repeat_caller_share",
                  "frequent_caller_share", "dv_repeat_share", "dv_prior_weapon",
                  "dv_prior_injury", "series_share")
_PROFILES: Final = ("hour_profile_call", "hour_profile_forum", "hour_profile_transfer",
                    "weekday_factor")


def _check_number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{key}: expected a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{key}: must be a finite number >= 0, got {value!r}")
    return float(value)


def _merge_table(key: str, base: dict[str, float], new: Any) -> dict[str, float]:
    if not isinstance(new, dict):
        raise ConfigError(f"{key}: expected a table, got {type(new).__name__}")
    allowed = {
        "call_mix": CATEGORIES, "forum_mix": CATEGORIES, "transfer_mix": CATEGORIES,
        "duplicate_probability": CATEGORIES, "crs_shares": CRS_TAGS, "out_of_area": CHANNELS,
    }.get(key, tuple(base))
    merged = dict(base)
    for name, value in new.items():
        if name not in allowed:
            raise ConfigError(f"{key}: unknown key {name!r}; allowed: {', '.join(allowed)}")
        merged[name] = _check_number(f"{key}.{name}", value)
    if key.endswith("_mix") and sum(merged.values()) <= 0:
        raise ConfigError(f"{key}: shares must not all be zero")
    return merged


def _apply(config: Config, data: Mapping[str, Any]) -> Config:
    known = {f.name for f in fields(Config)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"unknown configuration key {key!r}")
        current = getattr(config, key)
        if key in _TABLES:
            changes[key] = _merge_table(key, current, value)
        elif key in _PROFILES:
            size = 7 if key == "weekday_factor" else 24
            if not isinstance(value, list) or len(value) != size:
                raise ConfigError(f"{key}: expected a list of {size} numbers")
            changes[key] = tuple(_check_number(f"{key}[{i}]", v) for i, v in enumerate(value))
        elif key == "location_modes":
            if not isinstance(value, dict):
                raise ConfigError("location_modes: expected a table of channels")
            modes = dict(current)
            for channel, shares in value.items():
                if channel not in CHANNELS:
                    raise ConfigError(f"location_modes: unknown channel {channel!r}")
                modes[channel] = _merge_table(f"location_modes.{channel}", modes[channel], shares)
            changes[key] = modes
        elif key == "mix":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("mix: expected a list of scenario names")
            changes[key] = tuple(value)
        else:
            changes[key] = _check_number(key, value)
    for key in _SHARES:
        if key in changes and changes[key] > 1:
            raise ConfigError(f"{key}: must be between 0 and 1")
    return replace(config, **changes)


def with_overrides(config: Config, overrides: Mapping[str, Any]) -> Config:
    """Return ``config`` with ``overrides`` applied (same rules as a config file).

    Raises:
        ConfigError: for an unknown key or an invalid value.
    """
    return _apply(config, overrides)


def load_config(source: str | Path | Mapping[str, Any] | None = None) -> Config:
    """Build a :class:`Config` from defaults plus optional overrides.

    Args:
        source: ``None`` for the defaults, a mapping of overrides, or the path of a
            ``.toml`` or ``.json`` file holding them.

    Returns:
        The frozen configuration to pass to :func:`simulators.generate`.

    Raises:
        ConfigError: if the file cannot be read or parsed, or a key or value is invalid.
    """
    if source is None:
        return Config()
    if isinstance(source, Mapping):
        return _apply(Config(), source)
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8")) if path.suffix != ".json" else json.loads(raw)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot parse {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a table")
    return _apply(Config(), data)
