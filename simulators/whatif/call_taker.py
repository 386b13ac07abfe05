"""The simulated call-taker during a 110 call: how long the call takes, what is asked, and
when the report is sent.

The intake console shows its live preview while the call-taker types: the open key
questions (要素追问, each asked lengthens the call), the placement check (未能精确定位: ask
the caller for a crossing or a landmark and click the map), and 先期处置 (send a P1 whose
place is known at its first facts, ``simulators.whatif.preliminary``). :class:`CallTaker`
decides all three for one call, with the console's own services (triage, the offline
gazetteer); the engine books the call-taker's time and sends the report.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import geo
from geo import suggest as suggestions
from simulators.whatif.agents import lognormal
from simulators.whatif.knobs import SimConfig
from simulators.whatif.preliminary import FirstFacts, first_facts, send_time
from simulators.whatif.questions import ask


@dataclass(frozen=True, slots=True)
class Call:
    """One call as the call-taker handles it: the line as it will be sent (with what was
    asked), the whole handling time, the caller's telling before any question, and the
    time the question where took (0 when not asked)."""

    line: Mapping[str, Any]
    handling_s: float
    telling_s: float
    place_s: float


def place_query(address: str | None, extracted: Callable[[], Mapping[str, Any]]) -> str | None:
    """What a console looks up for a place (the intake's placement check, the command
    officer's 定位修正 box): the address, else the first place the report names (triage's
    ``extracted``, read only when there is no address); at most 100 characters."""
    if address and address.strip():
        return address.strip()[:100]
    places = extracted().get("places") or []
    first = next((p for p in places if isinstance(p, str) and p.strip()), None)
    return first.strip()[:100] if first else None


def click_near(rng: random.Random, lat: float, lon: float,
               error_m: float) -> tuple[float, float]:
    """Where a person clicks on the map for a place the caller describes: uniformly within
    ``error_m`` of the true point (a landmark, not a survey)."""
    bearing = rng.uniform(0, 2 * math.pi)
    dist = rng.uniform(0, error_m)
    return (lat + dist * math.cos(bearing) / 111_320,
            lon + dist * math.sin(bearing) / (111_320 * math.cos(math.radians(lat))))


class CallTaker:
    """The call-taker's decisions during a call, with the engine's random source."""

    def __init__(self, config: SimConfig, rng: random.Random,
                 classify: Callable[..., Mapping[str, Any]]) -> None:
        self.config = config
        self.rng = rng
        self.classify = classify

    def take(self, line: Mapping[str, Any]) -> Call:
        """Handle one call: the talk, the key questions asked, where it is asked."""
        cfg = self.config
        handling = lognormal(self.rng, cfg.call_handling_median_s, cfg.call_handling_sigma)
        telling, place_s = handling, 0.0  # the caller's account, before any question
        if cfg.key_questions:
            # The console's live preview shows the open key questions while the call-taker
            # types; each one asked lengthens the call.
            preview = self.classify(line["text"], "call")
            answers, asked = ask(preview.get("questions", ()), line.get("truth") or {},
                                 cfg.key_questions)
            handling += asked * cfg.key_question_s
            line = {**line, "_answers": answers, "_asked": asked, "_preview": preview}
        asked_where = self.ask_where(line)
        if asked_where is not None:
            place_s = lognormal(self.rng, cfg.place_question_median_s, cfg.command_think_sigma)
            handling += place_s
            line = {**line, "location": asked_where, "_placed_on_line": True}
        return Call(line, handling, telling, place_s)

    def preliminary(self, call: Call, answered: float,
                    done: float) -> tuple[float, FirstFacts] | None:
        """先期处置: a P1 call whose place is known (a device fix, the call-taker's click, or
        an address or named place the gazetteer puts in a precinct) is sent at its first
        facts; None when it is sent at the end of the call as usual."""
        line = call.line
        if not self.config.preliminary_dispatch:
            return None
        preview = line.get("_preview") or self.classify(line["text"], "call")
        # A missing person's case is opened from the whole description (clothes, age,
        # where last seen), which the call-taker takes down before sending.
        if preview.get("priority") != "P1" or preview.get("category") == "missing_person":
            return None
        if line.get("location") is None and self._words_place(line) != "precinct":
            return None
        facts = first_facts(line["text"], lambda said: self.classify(said, "call"))
        if facts is None:
            return None
        at = send_time(answered, call.telling_s, facts, self.config.preliminary_opening_s,
                       call.place_s)
        return (at, facts) if at < done - 1.0 else None

    def ask_where(self, line: Mapping[str, Any]) -> dict[str, Any] | None:
        """The intake console's placement check, as the call-taker sees it during the call:
        a call with no device fix whose address (else the first place its text names) does
        not place in a precinct says 未能精确定位, and the call-taker asks the caller for a
        crossing or a landmark and clicks it on the map. Returns that click (WGS-84, within
        ``place_question_error_m`` of the truth), or None when nothing is asked."""
        if self.config.place_question_median_s <= 0 or line.get("location") is not None:
            return None
        truth = line.get("truth") or {}
        point = truth.get("location") or {}
        if point.get("lat") is None or truth.get("out_of_area"):
            return None  # the console says 不在本市辖区: handed over, not asked
        if self._words_place(line) in ("precinct", "out_of_area"):
            return None
        error = self.config.place_question_error_m
        lat, lon = click_near(self.rng, point["lat"], point["lon"], error)
        return {"lat": round(lat, 6), "lon": round(lon, 6), "crs": "wgs84",
                "accuracy_m": max(30.0, error)}

    def _words_place(self, line: Mapping[str, Any]) -> str | None:
        """How far the address, else the first place the text names, places the call (the
        gazetteer's suggestion level: ``precinct``, ``out_of_area`` …; None: nothing)."""
        query = place_query(line.get("address"), lambda: (
            (line.get("_preview") or self.classify(line["text"], "call")).get("extracted") or {}))
        if not query:
            return None
        try:
            return str(suggestions.suggest(query, 6).level)
        except geo.GeoError:
            return None
