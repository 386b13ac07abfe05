"""What-if knobs of the virtual-time simulation, with documented defaults.

A what-if file is TOML (or JSON). Top-level keys are the engine's knobs below; the
``[stream]`` table overrides the generator's configuration (volumes, mixes, scenarios:
see ``docs/simulators.md``). Tables merge key by key with their defaults::

    surge = 1.3                       # every channel's volume × 1.3
    units_per_precinct = 1
    [ack_timeouts]
    P2 = 45
    [stream]
    mix = ["fire-surge@21:15"]

An unknown key or an ill-typed value raises :class:`SimConfigError` (a ``ConfigError``).

Defaults and where they come from:

* ``ack_timeouts``, ``escalation_step_s``: the service's own defaults
  (``dispatch.settings.DEFAULT_ACK_TIMEOUTS``, ``ESCALATION_STEP_S``).
* ``units_per_precinct``: the service's ``UNITS_PER_PRECINCT`` default (2), parked at
  each precinct seat as ``python -m dispatch run`` does.
* ``travel``: ``dispatch.domain.units.TravelModel`` (35 km/h urban, 60 km/h rural,
  detour 1.3/1.4, 60 s turnout).
* ``call_takers`` (6) and ``call_handling_median_s`` (75 s, lognormal σ 0.4): assumption.
  At the default volume the evening peak brings about two calls a minute; six seats keep
  the queue short. 110 call handling (answer, ask, type) commonly takes one to two minutes.
* ``pipeline_s`` (0.2 s): assumption, intake to assignment in the service (triage and
  geo take milliseconds; the rest is the stream hop and the commit).
* ``officer_ack_probability`` (1.0), ``command_ack_s`` (60 s): every assignment is
  acknowledged by its precinct; the command centre checks what is routed or escalated to
  it within a minute (assumption).
* ``command_officers`` (2), ``command_think_median_s`` (45 s, lognormal σ 0.6): the duty
  officers who act on an incident the pipeline could not place (it waits at the command
  centre): after reading it and, where it helps, asking the caller, one of them picks the
  offline gazetteer's first suggestion for its address (定位修正) or, without one, sends it
  to the precinct most of its placement circle covers (转派). A call that names no place at
  all (地址不详) is called back: ``command_callback_median_s`` (90 s, same σ) on the phone,
  then a click on the map within ``command_callback_error_m`` (300 m) of where it really
  is (the caller names a landmark). What is left (a forum post or 12345 transfer without
  a place) is kept and acknowledged as before. Assumption: a person needs well under a
  minute to read the drawer and click; first come, first served.
* ``place_question_median_s`` (25 s, σ 0.6), ``place_question_error_m`` (300 m): the
  intake console's placement check (``未能精确定位``, ``GET /v1/geo/suggest`` on the address
  or the first place the text names) tells the call-taker, while the caller is still on
  the line, to ask for a crossing, a door number or a landmark; for a call with no device
  fix that the address alone does not place in a precinct, the call-taker asks (this
  lengthens the call) and clicks the place on the map, within the error of where it is.
  0 s: nobody asks, and such calls wait for the command centre as before. Assumption.
* ``officer_ack_median_s`` (P1 12 s, P2 20 s, P3 45 s, P4 90 s; σ 0.6): assumption, a
  console operator who watches the board; with the default 30 s P1 clock about one P1 in
  sixteen escalates.
* ``scene_median_min`` (P1 45, P2 30, P3 20; σ 0.5): assumption, time a unit stays busy
  on scene (statements, first aid, handing over).
* ``desk_handling_min`` (10): a P4 matter or an out-of-area case is answered by phone
  or handed over, not attended.
* ``forum_moderators`` (2) and ``forum_reply_median_s`` (240 s, σ 0.6): assumption; the
  reply targets are the forum workflow's (``dispatch.forum.targets.ForumTargets``).
* ``search_centre_delay_s`` (300): assumption, the command centre activates the
  missing-person search centre five minutes after a case opens.
* ``key_questions`` (3) and ``key_question_s`` (8 s): assumption; a call-taker asks up
  to three of triage's open key questions (要素追问) during the call, each adding talk
  time, and the caller answers from what they see (``simulators.whatif.questions``).
* ``preliminary_dispatch`` (true) and ``preliminary_opening_s`` (20 s): 先期处置; a call
  whose triage is P1 and whose place is known (a device fix, the call-taker's click, an
  address the gazetteer places in a precinct) is sent as soon as the opening of the
  report that already reads P1 has been said (talk spread over the text by length, after
  at least the opening); the rest of the call and the answers are added when it ends
  (``decisions.add_details``). ``false``: every call is sent at its end, as before.
* ``merge_confirm_s`` (10 s), ``merge_confirm_probability`` (0.9) and
  ``merge_mistake_probability`` (0.02): assumptions; after submitting a call, the
  call-taker reads the duplicates the console suggests (same event by place, time and
  texts, but not merged automatically: another category, or too little said) and merges
  one that the caller confirms is the same event, or, rarely, one that is not.
  ``merge_confirm_probability = 0`` leaves every suggestion unmerged.
* ``synthesis`` (true): run the synthesis stage (接警即合成) as the service does with
  ``SYNTHESIS`` on; ``false`` gives the same stream without findings, for a comparison.
* ``targets``: time-to-triage 120 s from the start of the call; time-to-dispatch (call
  start to a unit assigned) P1 180 s, P2 600 s, P3 1800 s; an unplaced P1 waits at most
  120 s at the command centre (p90; issue 19). Assumptions for the report's
  reference lines; the arrival targets are the core's (``decisions.ARRIVAL_TARGETS_S``).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from dispatch.domain.units import TravelModel
from dispatch.settings import DEFAULT_ACK_TIMEOUTS, PRIORITIES
from simulators.errors import ConfigError
from simulators.streams.config import Config, load_config


class SimConfigError(ConfigError):
    """A what-if file or override the simulation cannot use."""


@dataclass(frozen=True)
class SimConfig:
    """Every knob of the simulated agents and the service settings they run under."""

    surge: float = 1.0
    units_per_precinct: int = 2
    ack_timeouts: Mapping[str, float | None] = field(
        default_factory=lambda: dict(DEFAULT_ACK_TIMEOUTS))
    escalation_step_s: float = 60.0
    call_takers: int = 6
    call_handling_median_s: float = 75.0
    call_handling_sigma: float = 0.4
    pipeline_s: float = 0.2
    officer_ack_probability: float = 1.0
    officer_ack_median_s: Mapping[str, float] = field(
        default_factory=lambda: {"P1": 12.0, "P2": 20.0, "P3": 45.0, "P4": 90.0})
    officer_ack_sigma: float = 0.6
    command_ack_s: float = 60.0
    # The command centre's duty officers acting on unplaced incidents (think time per one).
    command_officers: int = 2
    command_think_median_s: float = 45.0
    command_think_sigma: float = 0.6
    command_callback_median_s: float = 90.0
    command_callback_error_m: float = 300.0
    # The call-taker's placement check (未能精确定位): ask the caller on the line.
    place_question_median_s: float = 25.0
    place_question_error_m: float = 300.0
    # The call-taker's look at the duplicates the console suggests after submitting (一警多报):
    # how long it takes, and how often a suggestion is merged when it truly is the same
    # event (the caller confirms it) and when it is not (a mistake).
    # Preliminary dispatch (先期处置): a P1 call whose place is known is sent at its first
    # facts; the opening (greeting, the address) takes at least this long.
    preliminary_dispatch: bool = True
    preliminary_opening_s: float = 20.0
    merge_confirm_s: float = 10.0
    merge_confirm_probability: float = 0.9
    merge_mistake_probability: float = 0.02
    scene_median_min: Mapping[str, float] = field(
        default_factory=lambda: {"P1": 45.0, "P2": 30.0, "P3": 20.0})
    scene_sigma: float = 0.5
    desk_handling_min: float = 10.0
    forum_moderators: int = 2
    forum_reply_median_s: float = 240.0
    forum_reply_sigma: float = 0.6
    search_centre_delay_s: float = 300.0
    # Key questions (要素追问): how many of triage's open questions a call-taker asks
    # (0: none), and the talk time each adds (assumption: a short question and answer).
    key_questions: int = 3
    key_question_s: float = 8.0
    # The synthesis stage (接警即合成), as the service's SYNTHESIS setting: off, no
    # findings (the index is not kept either; nothing reads it).
    synthesis: bool = True
    travel: Mapping[str, float] = field(default_factory=lambda: {
        "urban_kmh": 35.0, "rural_kmh": 60.0, "urban_detour": 1.3, "rural_detour": 1.4,
        "turnout_s": 60.0})
    targets: Mapping[str, Any] = field(default_factory=lambda: {
        "triage_s": 120.0, "dispatch_s": {"P1": 180.0, "P2": 600.0, "P3": 1800.0},
        "unplaced_wait_s": {"P1": 120.0}})
    stream: Mapping[str, Any] = field(default_factory=dict)

    def travel_model(self) -> TravelModel:
        """The units' travel model with this configuration's speeds."""
        t = {k: float(v) for k, v in self.travel.items()}
        return TravelModel(urban_kmh=t["urban_kmh"], rural_kmh=t["rural_kmh"],
                           urban_detour=t["urban_detour"], rural_detour=t["rural_detour"],
                           turnout_s=t["turnout_s"])

    def stream_config(self) -> Config:
        """The generator configuration: ``[stream]`` overrides with volumes × ``surge``.

        Raises:
            ConfigError: the ``[stream]`` table holds an unknown key or a bad value.
        """
        base = load_config(dict(self.stream))
        if self.surge == 1.0:
            return base
        return replace(base, calls_per_day=base.calls_per_day * self.surge,
                       forum_per_day=base.forum_per_day * self.surge,
                       transfers_per_day=base.transfers_per_day * self.surge)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready knobs (for the report)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


_INTS = {"units_per_precinct", "call_takers", "forum_moderators", "key_questions",
         "command_officers"}
_PRIORITY_TABLES = {"ack_timeouts", "officer_ack_median_s", "scene_median_min"}
_BOUNDS: dict[str, tuple[float, float]] = {
    "surge": (0.0, 20.0), "units_per_precinct": (0, 50), "escalation_step_s": (1.0, 86400.0),
    "call_takers": (0, 500), "call_handling_median_s": (0.0, 3600.0),
    "call_handling_sigma": (0.0, 3.0), "pipeline_s": (0.0, 600.0),
    "officer_ack_probability": (0.0, 1.0), "officer_ack_sigma": (0.0, 3.0),
    "command_ack_s": (0.0, 86400.0), "scene_sigma": (0.0, 3.0),
    "desk_handling_min": (0.0, 1440.0), "forum_moderators": (0, 200),
    "forum_reply_median_s": (0.0, 86400.0), "forum_reply_sigma": (0.0, 3.0),
    "search_centre_delay_s": (0.0, 86400.0),
    "key_questions": (0, 20), "key_question_s": (0.0, 600.0),
    "command_officers": (0, 100), "command_think_median_s": (0.0, 3600.0),
    "command_think_sigma": (0.0, 3.0), "command_callback_median_s": (0.0, 3600.0),
    "command_callback_error_m": (0.0, 50000.0),
    "place_question_median_s": (0.0, 600.0), "place_question_error_m": (0.0, 50000.0),
    "preliminary_opening_s": (0.0, 600.0), "merge_confirm_s": (0.0, 600.0), "merge_confirm_probability": (0.0, 1.0),
    "merge_mistake_probability": (0.0, 1.0),
}


def _number(key: str, value: Any, low: float = 0.0, high: float = 1e9) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SimConfigError(f"{key} must be a number, not {value!r}")
    if not low <= float(value) <= high:
        raise SimConfigError(f"{key}={value!r} is outside {low:g}..{high:g}")
    return float(value)


def _table(key: str, base: Mapping[str, Any], new: Any, allowed: set[str] | None = None,
           nullable: bool = False) -> dict[str, Any]:
    if not isinstance(new, Mapping):
        raise SimConfigError(f"{key} must be a table")
    merged = dict(base)
    for k, v in new.items():
        if allowed is not None and k not in allowed:
            raise SimConfigError(f"unknown key {key}.{k} (expected one of {sorted(allowed)})")
        if nullable and (v is None or v == 0):
            merged[k] = None  # no ack clock for this priority
        elif isinstance(v, Mapping):
            merged[k] = _table(f"{key}.{k}", base.get(k, {}), v, set(base.get(k, {})) or None)
        else:
            merged[k] = _number(f"{key}.{k}", v, 0.0, 1e7)
    return merged


def with_sim_overrides(config: SimConfig, data: Mapping[str, Any]) -> SimConfig:
    """``config`` with ``data`` applied (same rules as a what-if file).

    Raises:
        SimConfigError: an unknown key or a value out of its range.
    """
    known = {f.name for f in fields(SimConfig)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise SimConfigError(f"unknown what-if key {key!r}")
        current = getattr(config, key)
        if key == "stream":
            if not isinstance(value, Mapping):
                raise SimConfigError("stream must be a table of generator overrides")
            merged = {**current, **value}
            try:
                load_config(merged)  # validate now, with the generator's own rules
            except ConfigError as exc:
                raise SimConfigError(f"stream: {exc}") from exc
            changes[key] = merged
        elif key in _PRIORITY_TABLES:
            changes[key] = _table(key, current, value, set(PRIORITIES),
                                  nullable=key == "ack_timeouts")
        elif key in ("travel", "targets"):
            changes[key] = _table(key, current, value, set(current))
        elif key in ("synthesis", "preliminary_dispatch"):
            if not isinstance(value, bool):
                raise SimConfigError(f"{key} must be true or false, not {value!r}")
            changes[key] = value
        else:
            low, high = _BOUNDS[key]
            number = _number(key, value, low, high)
            if key in _INTS:
                if float(value) != int(value):
                    raise SimConfigError(f"{key} must be a whole number")
                changes[key] = int(value)
            else:
                changes[key] = number
    return replace(config, **changes)


def load_sim_config(source: str | Path | Mapping[str, Any] | None = None) -> SimConfig:
    """Defaults plus a what-if file (``.toml``/``.json``) or a mapping of overrides.

    Raises:
        SimConfigError: unreadable file, bad syntax, unknown key or bad value.
    """
    if source is None:
        return SimConfig()
    if isinstance(source, Mapping):
        return with_sim_overrides(SimConfig(), source)
    path = Path(source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SimConfigError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SimConfigError(f"cannot parse {path}: {exc}") from exc
    if not isinstance(data, Mapping):
        raise SimConfigError(f"{path} must hold a table of knobs")
    return with_sim_overrides(SimConfig(), data)
