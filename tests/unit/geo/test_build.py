"""The build is reproducible and its layers are sound."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from geo.build import DATA_DIR, build


def test_build_reproduces_committed_layers(tmp_path: Path) -> None:
    written = build(tmp_path, with_outside=False)  # the outside layer is slow; same code path
    assert {p.name for p in written} == {"districts.geojson", "precincts.geojson",
                                         "gazetteer.json", "national.json"}
    for path in written:
        assert path.read_bytes() == (DATA_DIR / path.name).read_bytes(), path.name


def test_precincts_tile_the_districts_and_contain_their_seats() -> None:
    precincts = json.loads((DATA_DIR / "precincts.geojson").read_text(encoding="utf-8"))
    districts = json.loads((DATA_DIR / "districts.geojson").read_text(encoding="utf-8"))
    cells = [shape(f["geometry"]) for f in precincts["features"]]
    union = shapely.union_all(cells)
    whole = shapely.union_all([shape(f["geometry"]) for f in districts["features"]])
    assert union.symmetric_difference(whole).area / whole.area < 1e-3
    for f, cell in zip(precincts["features"], cells, strict=True):
        props = f["properties"]
        assert props["synthetic"] is True and props["seat_source"]
        lat, lon = props["seat"]
        assert cell.buffer(1e-4).contains(shapely.Point(lon, lat)), props["name"]


def test_seat_sources_are_stated() -> None:
    precincts = json.loads((DATA_DIR / "precincts.geojson").read_text(encoding="utf-8"))
    sources = [f["properties"]["seat_source"].split(":")[0] for f in precincts["features"]]
    assert set(sources) == {"places", "communities", "derived"}
    assert sources.count("places") == 61  # 60 AMap town points + GeoNames 石拐


def test_committed_data_is_small() -> None:
    # ~1.7 MB of the budget are the verbatim NBS division lists, ~1.4 MB the national index
    total = sum(p.stat().st_size for p in DATA_DIR.rglob("*") if p.is_file())
    assert total < 7_000_000
