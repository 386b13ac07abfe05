"""What the console router serves, over real HTTP: pages, assets, the two map layers."""

from __future__ import annotations

import httpx

from tests.support import Service


def test_pages_need_no_token_and_carry_a_strict_policy(e2e_service: Service) -> None:
    for path in ("/console/", "/console/intake", "/console/precinct", "/console/command"):
        r = httpx.get(e2e_service.base + path, timeout=10)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        csp = dict(d.strip().split(" ", 1) for d in r.headers["content-security-policy"].split(";"))
        assert csp["script-src"] == "'self'"  # no inline script, no inline event handlers
        assert 'lang="zh-CN"' in r.text


def test_assets_are_served_and_nothing_outside_the_static_folder(e2e_service: Service) -> None:
    base = e2e_service.base + "/console/static/"
    js = httpx.get(base + "console/console.js", timeout=10)
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    leaflet = httpx.get(base + "vendor/leaflet/leaflet.js", timeout=10)
    assert leaflet.status_code == 200, "run `make vendor` to fetch Leaflet"
    for bad in ("../api/consoles.py", "..%2Fapi%2Fconsoles.py", "console/../../app.py",
                "%2e%2e/%2e%2e/pyproject.toml", ".hidden", "console/"):
        assert httpx.get(base + bad, timeout=10).status_code == 404, bad


def test_map_layers_are_wgs84_feature_collections(e2e_service: Service) -> None:
    precincts = httpx.get(e2e_service.base + "/v1/geo/precincts.geojson", timeout=10)
    districts = httpx.get(e2e_service.base + "/v1/geo/districts.geojson", timeout=10)
    assert precincts.status_code == districts.status_code == 200
    p, d = precincts.json(), districts.json()
    assert p["type"] == d["type"] == "FeatureCollection"
    assert len(p["features"]) > len(d["features"]) > 0
    props = p["features"][0]["properties"]
    assert {"id", "name", "district", "synthetic"} <= props.keys()
    point = p["features"][0]["geometry"]["coordinates"]
    while isinstance(point[0], list):
        point = point[0]
    lon, lat = point[:2]
    assert 109 < lon < 112 and 40 < lat < 43  # Baotou, in GeoJSON's lon/lat order
