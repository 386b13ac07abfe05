"""Fixtures for the geo unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from geo import api, gazetteer, layers
from geo.locate import _judge_gazetteer_point
from geo.settings import get_settings


def clear_geo_caches() -> None:
    """Forget every lazily loaded layer so a new configuration takes effect."""
    for fn in (get_settings, layers.districts, layers.outside, layers.precinct_layer,
               layers.precinct_index, gazetteer.gazetteer, api.precincts_geojson,
               api.districts_geojson, api._adjacency, _judge_gazetteer_point):
        fn.cache_clear()


@pytest.fixture
def fresh_geo(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Clear caches before and after a test that changes the geo environment."""
    clear_geo_caches()
    yield monkeypatch
    monkeypatch.undo()
    clear_geo_caches()
