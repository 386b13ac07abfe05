"""Build ``national.json``: every province, prefecture, county and township of China.

Names, codes and parents are the NBS 2023 division lists (``raw/china_*_nbs2023.csv``,
verbatim). They carry no coordinates, so each province, prefecture and county gets the
representative point and area of its DataV 2026 polygon as shipped (converted to
WGS-84) by the PyPI package ``geotool-cn``, looked up by code; a unit it does not know
(NBS functional zones such as 150271, a few renamed units) takes its parent's point,
and says so. A township has no point of its own: it is placed at its county's.

The colloquial short forms of Inner Mongolia's prefectures and county-level units are
curated (``curated/inner_mongolia_short_forms.csv``); every other form is derived from
the official names at load time (:mod:`geo.names`).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

RAW_DIR = Path(__file__).resolve().parent / "data" / "raw"
SHORT_FORMS_FILE = Path(__file__).resolve().parent / "data" / "curated" / \
    "inner_mongolia_short_forms.csv"
_LEVEL = {2: "province", 4: "city", 6: "district"}


def _rows(name: str) -> list[dict[str, str]]:
    with (RAW_DIR / name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _radius_m(polygons: list[Any], scale: float, lat: float) -> float:
    """Equivalent-disc radius of a polygon set (rings as scaled integer lon/lat arrays)."""
    k = math.cos(math.radians(lat))
    area = 0.0
    for rings in polygons:
        for j, (xs, ys) in enumerate(rings):
            s = 0.0
            for i in range(len(xs) - 1):
                s += xs[i] * ys[i + 1] - xs[i + 1] * ys[i]
            ring = abs(s) / 2.0 / scale / scale * k * 111_320.0 ** 2
            area += ring if j == 0 else -ring  # first ring outer, the rest holes
    return round(math.sqrt(max(area, 0.0) / math.pi), -2)


class _Points:
    """Representative points and radii by NBS/adcode code, from geotool-cn."""

    def __init__(self) -> None:
        from GeoToolCN import GeoTool

        self.tool = GeoTool()
        self.data = self.tool._data  # the decoded polygons give the area (radius)

    def get(self, code: str) -> tuple[float, float, float] | None:
        level = _LEVEL[len(code)]
        full = code.ljust(6, "0")
        idx = self.data.index_of(full, level)
        if idx is None:
            return None
        region = self.tool.get_region(full)
        if region is None or region.latitude is None or region.longitude is None:
            return None
        geometry = self.data.geometry(idx)
        radius = _radius_m(geometry[1], self.data.scale, region.latitude) if geometry else 0.0
        return round(region.latitude, 5), round(region.longitude, 5), radius


def _fill_radii(units: list[list[Any]]) -> None:
    """DataV ships no polygon for prefectures: their radius is that of the disc with the
    area of their counties; a unit placed at its parent takes the parent's radius."""
    by_code = {u[0]: u for u in units}
    for u in units:
        if len(u[0]) == 4 and not u[4]:
            kids = [k[4] for k in units if len(k[0]) == 6 and k[0][:4] == u[0] and k[5] == "datav"]
            u[4] = round(math.sqrt(sum(r * r for r in kids)), -2) if kids else 0.0
    for u in units:
        if not u[4]:
            parent = by_code.get(u[0][:4] if len(u[0]) == 6 else u[0][:2])
            u[4] = parent[4] if parent is not None and parent[4] else 50_000.0


def source_version() -> dict[str, Any]:
    """Name, version and data stamp of the coordinate source (recorded in the output)."""
    import json
    from importlib.metadata import version

    from GeoToolCN import core

    stamp = json.loads((Path(core.__file__).parent / "data" / "DATA_VERSION.json")
                       .read_text(encoding="utf-8"))
    return {"package": "geotool-cn", "version": version("geotool-cn"),
            "data": stamp["source"], "fetched_at": stamp["fetched_at"],
            "content_sha256": stamp["content_sha256"]}


def build_national() -> dict[str, Any]:
    """Return the national index document (units with points, townships, short forms)."""
    points = _Points()
    units: list[list[Any]] = []
    placed: dict[str, tuple[float, float, float]] = {}

    def add(code: str, name: str, parent: str | None) -> None:
        got = points.get(code)
        source = "datav"
        if got is None and parent is not None and parent in placed:
            got, source = placed[parent], "parent"
        if got is None:
            raise ValueError(f"no point for {code} {name} nor its parent")
        placed[code] = got
        units.append([code, name, got[0], got[1], got[2], source])

    for r in _rows("china_provinces_nbs2023.csv"):
        add(r["code"], r["name"], None)
    for r in _rows("china_cities_nbs2023.csv"):
        add(r["code"], r["name"], r["provinceCode"])
    for r in _rows("china_areas_nbs2023.csv"):
        add(r["code"], r["name"], r["cityCode"])
    _fill_radii(units)
    towns = [[r["code"], r["name"]] for r in _rows("china_streets_nbs2023.csv")]
    known = {u[0]: u[1] for u in units}
    short = []
    with SHORT_FORMS_FILE.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if known.get(r["code"]) != r["name"]:
                raise ValueError(f"short form {r['form']}: {r['code']} is not {r['name']}")
            short.append([r["form"], r["code"]])
    return {"source": {"divisions": "NBS 统计用区划代码 2023 (modood/Administrative-divisions-"
                       "of-China 57a0aa9)", "points": source_version()},
            "units": units, "towns": towns, "short_forms": short}
