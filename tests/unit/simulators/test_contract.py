"""Every generated body is accepted by the intake schema of ``POST /v1/reports``."""

from __future__ import annotations

import pytest

from dispatch.api.schemas import ReportCreate
from simulators import generate, scenarios
from tests.unit.simulators.stream_cache import day


def _body(line: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in line.items() if k not in ("at", "truth")}


def test_a_day_of_bodies_validates() -> None:
    for line in day():
        report = ReportCreate.model_validate(_body(line))
        assert report.channel.value == line["channel"]


@pytest.mark.parametrize("name", sorted(scenarios()))
def test_scenario_bodies_validate(name: str) -> None:
    for line in generate(24, 2, scenario=name):
        ReportCreate.model_validate(_body(line))
