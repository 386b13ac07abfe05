"""Configuration of the geo package, read from the environment when first needed.

=====================  ===============================================================
variable               meaning (default)
=====================  ===============================================================
``GEO_PRECINCTS_PATH`` An agency's own jurisdiction GeoJSON (WGS-84 FeatureCollection,
                       properties ``id``, ``name``, ``district``; optional
                       ``district_name``, ``seat`` as ``[lat, lon]``, ``crs`` of the
                       file as a top-level ``"crs_tag"``: ``wgs84``/``gcj02``/``bd09``).
                       Replaces the synthetic layer without code changes. Default:
                       the built ``geo/data/precincts.geojson`` (``synthetic: true``).
``GEO_DATA_DIR``       Folder holding the built layers (default: ``geo/data``).
``GEO_GOOD_ACCURACY_M`` Device accuracy (m) at or below which a device fix beats any
                       text (default 200).
=====================  ===============================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geo.errors import LayerError

PACKAGE_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved geo configuration."""

    data_dir: Path
    precincts_path: Path | None
    good_accuracy_m: float


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise LayerError(f"{name}={raw!r} is not a number") from exc
    if not value > 0:
        raise LayerError(f"{name} must be positive, got {value}")
    return value


@cache
def get_settings() -> Settings:
    """Read the environment once (call ``get_settings.cache_clear()`` in tests)."""
    data_dir = Path(os.environ.get("GEO_DATA_DIR") or PACKAGE_DATA)
    raw = os.environ.get("GEO_PRECINCTS_PATH")
    precincts = Path(raw) if raw else None
    if precincts is not None and not precincts.is_file():
        raise LayerError(f"GEO_PRECINCTS_PATH={raw!r} is not a readable file")
    return Settings(data_dir, precincts, _float("GEO_GOOD_ACCURACY_M", 200.0))
