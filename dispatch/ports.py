"""Ports: what the dispatch core needs from the stages around it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Triager(Protocol):
    """Classifies a report's text (category, priority, flags, cues, extracted facts)."""

    def __call__(self, text: str, channel: str) -> Mapping[str, Any]: ...


class Locator(Protocol):
    """Places a report: a WGS-84 point, its district and precinct, in or out of the city."""

    def __call__(self, report: Mapping[str, Any], extracted: Mapping[str, Any]) -> Mapping[str, Any]: ...
