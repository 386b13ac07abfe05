"""Readers for the raw files under ``geo/data/raw`` (see its SOURCES.md).

Pure parsing: every reader returns plain values with coordinates converted to WGS-84
``(lat, lon)``. Only the build step (``python -m geo build``) calls these; the runtime
reads the built layers instead.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import make_valid
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.crs import gcj02_to_wgs84_array, to_wgs84

RAW_DIR = Path(__file__).resolve().parent / "data" / "raw"

_NBS_2023 = re.compile(r"NBS 2023 code (\d{9})")
_NBS_2016 = re.compile(r"NBS 2016 code (\d{12})")


@dataclass(frozen=True, slots=True)
class Town:
    """One NBS 街道/镇/乡/苏木 row."""

    code: str
    name: str
    district: str


@dataclass(frozen=True, slots=True)
class Village:
    """One NBS 社区居委会/村委会 row."""

    code: str
    name: str
    town: str


@dataclass(frozen=True, slots=True)
class Place:
    """One row of baotou_places.csv, with its point converted to WGS-84."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    districts: tuple[str, ...]  # district names as written (may be empty or two)
    point: tuple[float, float] | None
    source: str
    note: str

    @property
    def nbs_2023(self) -> str | None:
        """The 2023 NBS town code quoted in the note (town rows only)."""
        m = _NBS_2023.search(self.note)
        return m.group(1) if m else None

    @property
    def nbs_2016(self) -> str | None:
        """The 2016 NBS 12-digit code quoted in the note (community rows only)."""
        m = _NBS_2016.search(self.note)
        return m.group(1) if m else None


def _read_csv(name: str) -> list[dict[str, str]]:
    with (RAW_DIR / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_towns() -> list[Town]:
    """The 91 NBS 2023 town-level units of Baotou."""
    return [Town(r["code"], r["name"], r["areaCode"]) for r in _read_csv("baotou_towns_nbs.csv")]


def read_villages() -> list[Village]:
    """The 855 NBS 2023 community/village committees of Baotou."""
    rows = _read_csv("baotou_villages_nbs.csv")
    return [Village(r["code"], r["name"], r["streetCode"]) for r in rows]


def read_areacity() -> list[dict[str, str]]:
    """AreaCity (Tencent-based) level-4 rows: short names and pinyin."""
    return _read_csv("baotou_admin_level4_areacity.csv")


def read_places() -> list[Place]:
    """The seed gazetteer, points converted from their own CRS to WGS-84."""
    places = []
    for r in _read_csv("baotou_places.csv"):
        point = None
        if r["crs"] != "none" and r["lat"] and r["lon"]:
            point = to_wgs84(float(r["lat"]), float(r["lon"]), r["crs"])
        aliases = tuple(a.strip() for a in r["aliases"].split("|") if a.strip())
        districts = tuple(d for d in r["district"].split("|") if d)
        places.append(Place(r["name"], aliases, r["kind"], districts, point, r["source"],
                            r["note"]))
    return places


def _gcj_geometry_to_wgs(geom: BaseGeometry) -> BaseGeometry:
    def convert(xy: np.ndarray) -> np.ndarray:
        wlat, wlon = gcj02_to_wgs84_array(xy[:, 1], xy[:, 0])
        return np.column_stack([wlon, wlat])

    return make_valid(shapely.transform(geom, convert))


def read_features(name: str) -> list[tuple[dict[str, Any], BaseGeometry]]:
    """Features of a DataV GCJ-02 file as ``(properties, WGS-84 geometry)``.

    Handles both FeatureCollections and the bare JSON arrays of the 2019 files,
    and repairs invalid rings with ``make_valid`` (SOURCES.md caveat 4).
    """
    data = json.loads((RAW_DIR / name).read_text(encoding="utf-8"))
    features = data["features"] if isinstance(data, dict) else data
    out = []
    for feat in features:
        props = dict(feat["properties"])
        if props.get("center"):
            lon, lat = props["center"]
            props["center"] = list(to_wgs84(lat, lon, "gcj02"))  # stored as [lat, lon]
        out.append((props, _gcj_geometry_to_wgs(make_valid(shape(feat["geometry"])))))
    return out
