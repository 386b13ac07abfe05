"""An agency's own jurisdiction GeoJSON replaces the synthetic layer by configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import geo
from geo.errors import LayerError


def _square(lon0: float, lat0: float, size: float) -> dict[str, object]:
    ring = [[lon0, lat0], [lon0 + size, lat0], [lon0 + size, lat0 + size], [lon0, lat0 + size],
            [lon0, lat0]]
    return {"type": "Polygon", "coordinates": [ring]}


def _write_layer(path: Path, crs_tag: str | None = None) -> Path:
    fc: dict[str, object] = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "PCS-KUN-01", "name": "昆都仑派出所",
                                           "district": "150203"},
         "geometry": _square(109.80, 40.60, 0.05)},
        {"type": "Feature", "properties": {"id": "PCS-KUN-02", "name": "少先路派出所",
                                           "district": "150203", "seat": [40.66, 109.87]},
         "geometry": _square(109.85, 40.60, 0.05)},
    ]}
    if crs_tag:
        fc["crs_tag"] = crs_tag
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def test_agency_layer_replaces_synthetic(fresh_geo: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fresh_geo.setenv("GEO_PRECINCTS_PATH", str(_write_layer(tmp_path / "pcs.geojson")))
    items = geo.precincts()
    assert [p.id for p in items] == ["PCS-KUN-01", "PCS-KUN-02"]
    assert not any(p.synthetic for p in items)
    assert items[0].district_name == "昆都仑区"
    assert items[1].seat == (40.66, 109.87)
    loc = geo.locate(device=geo.DevicePoint(40.62, 109.82, accuracy_m=5))
    assert loc.precinct == "PCS-KUN-01" and loc.precinct_name == "昆都仑派出所"
    assert geo.precincts_geojson()["features"][0]["properties"]["synthetic"] is False
    assert geo.neighbours("PCS-KUN-01") == ("PCS-KUN-02",)
    text = geo.locate("昆区少先路")  # text still resolves; precinct by containment
    assert text.precinct in ("PCS-KUN-01", "PCS-KUN-02", None)


def test_agency_layer_in_gcj02(fresh_geo: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fresh_geo.setenv("GEO_PRECINCTS_PATH", str(_write_layer(tmp_path / "p.geojson", "gcj02")))
    layer_geom = geo.precincts_geojson()["features"][0]["geometry"]["coordinates"][0][0]
    assert layer_geom[0] == pytest.approx(109.80 - 0.0057, abs=5e-4)


def test_missing_agency_file_fails_loudly(fresh_geo: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fresh_geo.setenv("GEO_PRECINCTS_PATH", str(tmp_path / "missing.geojson"))
    with pytest.raises(LayerError):
        geo.precincts()


@pytest.mark.parametrize("payload", [
    "not json", json.dumps({"type": "Feature"}),
    json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "x"}, "geometry": _square(0, 0, 1)}]}),
    json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "x", "name": "a", "district": "1"},
         "geometry": _square(0, 0, 1)},
        {"type": "Feature", "properties": {"id": "x", "name": "b", "district": "1"},
         "geometry": _square(1, 1, 1)}]}),
])
def test_malformed_agency_file(fresh_geo: pytest.MonkeyPatch, tmp_path: Path,
                               payload: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(payload, encoding="utf-8")
    fresh_geo.setenv("GEO_PRECINCTS_PATH", str(path))
    with pytest.raises(LayerError):
        geo.precincts()


def test_bad_accuracy_setting(fresh_geo: pytest.MonkeyPatch) -> None:
    fresh_geo.setenv("GEO_GOOD_ACCURACY_M", "abc")
    with pytest.raises(LayerError):
        geo.locate(device=geo.DevicePoint(40.6, 109.8, accuracy_m=5), text="昆区")


def test_good_accuracy_threshold_is_configurable(fresh_geo: pytest.MonkeyPatch) -> None:
    seat = geo.precinct("150203001").seat
    device = geo.DevicePoint(seat[0] + 0.003, seat[1], accuracy_m=400)
    assert geo.locate("昆区少先路", device=device).source == "combined"
    fresh_geo.setenv("GEO_GOOD_ACCURACY_M", "500")
    from tests.unit.geo.conftest import clear_geo_caches

    clear_geo_caches()
    assert geo.locate("昆区少先路", device=device).source == "device"
