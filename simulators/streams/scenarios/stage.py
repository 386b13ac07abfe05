"""The stage a scenario's story plays on, and the scenario registry.

Each scenario is a function that emits stream lines relative to its start time through
a :class:`Stage`; :func:`scenario` registers it. The stories live in
:mod:`simulators.streams.scenarios.stories`, the listing and the runner in
:mod:`simulators.streams.scenarios`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from simulators.streams.addressing import Where, sample_where
from simulators.streams.arrivals import local
from simulators.streams.config import Config
from simulators.streams.line import assemble
from simulators.streams.places import Place, gazetteer, scatter
from simulators.streams.situations.incident import Incident


@dataclass
class Stage:
    """Where a scenario emits its reports.

    Attributes:
        name: Scenario name.
        seed: Stream seed.
        index: Position of this scenario in the mix (keeps ids unique).
        start: When the story starts.
        config: Generator configuration.
        rng: The scenario's own random source.
        lines: Emitted stream lines.
    """

    name: str
    seed: int
    index: int
    start: datetime
    config: Config
    rng: random.Random
    lines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def hour(self) -> int:
        """Local (Asia/Shanghai) hour at the start of the story."""
        return local(self.start).hour

    def ident(self, what: str) -> str:
        """An id unique to this scenario instance (``fire-surge0-dup``)."""
        return f"{self.name}{self.index}-{what}"

    def where(self, channel: str, place: Place, point: tuple[float, float], mode: str, *,
              silent: bool = False) -> Where:
        """The place of a report at a fixed true ``point``.

        Args:
            channel: The report's channel.
            place: The anchor whose name the reporter may use.
            point: The true WGS-84 point.
            mode: ``both``, ``address``, ``coords`` or ``vague``.
            silent: The text does not say where (the story's own clauses do).
        """
        where = sample_where(self.rng, self.config, channel, place=place, point=point, mode=mode)
        return replace(where, spoken="") if silent else where

    def emit(
        self, minutes: float, channel: str, inc: Incident, where: Where, *, event: str,
        group: str | None = None, case: str | None = None, register: str | None = None,
        region_hint: str | None = None,
    ) -> dict[str, Any]:
        """Emit one report ``minutes`` after the start and return its line."""
        k = len(self.lines) + 1
        line = assemble(
            self.rng, at=self.start + timedelta(minutes=minutes), channel=channel, inc=inc,
            where=where, source_id=f"sim{self.seed}-{self.name}{self.index}-{k:03d}",
            serial=900000 + self.index * 1000 + k, typo_rate=self.config.typo_rate,
            event=self.ident(event), scenario=self.name, duplicate_group=group, missing_case=case,
            register=register, region_hint=region_hint)
        self.lines.append(line)
        return line


def urban_community(rng: random.Random, districts: tuple[str, ...] = ("东河区", "昆都仑区", "青山区")) -> Place:
    """A community anchor in one of the central districts."""
    pool = [p for d in districts for p in gazetteer().anchors[d] if p.kind == "community"]
    return rng.choice(pool)


def home_point(rng: random.Random, place: Place) -> tuple[float, float]:
    """A true point near ``place`` (inside Baotou)."""
    return scatter(rng, place)


@dataclass(frozen=True)
class Scenario:
    """A registered scenario.

    Attributes:
        name: CLI name (``elderly-wanderer``).
        description: One line for ``python -m simulators scenarios``.
        story: ``story(stage)`` emits the reports.
        clock: Preferred local start ``(hour, minute)``.
        hours: How long the story runs (a start is only chosen where it fits).
    """

    name: str
    description: str
    story: Callable[[Stage], None]
    clock: tuple[int, int]
    hours: float


REGISTRY: dict[str, Scenario] = {}
"""The registered scenarios by name, in registration order (filled by :func:`scenario` as
:mod:`simulators.streams.scenarios` imports the stories)."""


def scenario(name: str, description: str, clock: tuple[int, int], hours: float = 1.0
             ) -> Callable[[Callable[[Stage], None]], Callable[[Stage], None]]:
    """Register ``story`` under ``name`` with a one-line ``description``, a preferred
    local start ``clock`` (hour, minute) and its length in ``hours``."""
    def register(story: Callable[[Stage], None]) -> Callable[[Stage], None]:
        REGISTRY[name] = Scenario(name, description, story, clock, hours)
        return story
    return register
