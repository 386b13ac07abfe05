"""The web consoles: three static pages, their assets, and the map layers they draw.

``/console/intake`` (call-taker), ``/console/precinct`` and ``/console/command`` are plain
HTML pages that talk to the API with the token from their own URL; none of them, nor the
assets under ``/console/static/`` nor the two GeoJSON layers, needs a token, because they
hold no incident data. Leaflet is vendored into ``dispatch/static/vendor/`` by
``make vendor``; the pages draw without it (no map) when it is missing.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

import geo
from dispatch.api.reads import FeatureCollection
from dispatch.api.responses import ok

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = {"intake": "intake.html", "precinct": "precinct.html", "command": "command.html"}

# The pages only load our own scripts and talk to our own origin. Inline handlers
# (``<img onerror>``) are refused even if a bug ever inserted markup from the server.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")
_PAGE_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                 "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".png": "image/png", ".svg": "image/svg+xml", ".map": "application/json",
          ".json": "application/json"}

router = APIRouter(tags=["consoles"])


def _page(name: str) -> HTMLResponse:
    """Serve one console page with its security headers.

    Raises:
        HTTPException: 404 when the page file is missing from the package.
    """
    path = STATIC / "console" / name
    if not path.is_file():
        raise HTTPException(404, f"console page {name} is not installed")
    return HTMLResponse(path.read_text(encoding="utf-8"), headers=_PAGE_HEADERS)


@router.get("/console", include_in_schema=False)
def console_root() -> RedirectResponse:
    """Redirect to the index so relative links resolve under ``/console/``."""
    return RedirectResponse("/console/", status_code=308)


@router.get("/console/", response_class=HTMLResponse, summary="Console index")
def console_index() -> HTMLResponse:
    """The index page linking the three consoles."""
    return _page("index.html")


@router.get("/console/intake", response_class=HTMLResponse, summary="Call-taker console")
def console_intake() -> HTMLResponse:
    """The call-taker console: intake form, triage preview, duplicates, recent incidents."""
    return _page(PAGES["intake"])


@router.get("/console/precinct", response_class=HTMLResponse, summary="Precinct console")
def console_precinct() -> HTMLResponse:
    """The precinct console: live assignments, ack, timeline, units, map."""
    return _page(PAGES["precinct"])


@router.get("/console/command", response_class=HTMLResponse, summary="Command console")
def console_command() -> HTMLResponse:
    """The command-centre console: city-wide board, escalations, load, map."""
    return _page(PAGES["command"])


def resolve_asset(relative: str) -> Path | None:
    """Map a URL path under ``/console/static/`` to a file inside the static folder.

    Args:
        relative: the part of the URL after ``/console/static/``.

    Returns:
        The file, or None when it does not exist or would leave the static folder
        (``..``, absolute paths, hidden files).
    """
    parts = [p for p in relative.split("/") if p]
    if not parts or any(p.startswith(".") or "\\" in p for p in parts):
        return None
    path = (STATIC / Path(*parts)).resolve()
    root = STATIC.resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


@router.get("/console/static/{relative:path}", include_in_schema=False)
def console_asset(relative: str) -> FileResponse:
    """A script, stylesheet or image of the consoles (our own or vendored Leaflet).

    Raises:
        HTTPException: 404 for anything outside the static folder or not there.
    """
    path = resolve_asset(relative)
    if path is None:
        raise HTTPException(404, f"no console asset {relative[:80]!r}")
    media = _TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media,
                        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


@cache
def _geojson_bytes(layer: str) -> bytes:
    """The serialised layer, built once per process (the layers do not change at run time)."""
    data = geo.precincts_geojson() if layer == "precincts" else geo.districts_geojson()
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class GeoJSONResponse(JSONResponse):
    """A GeoJSON body (RFC 7946 media type); a JSON response to FastAPI, so the document
    gives the body its schema. Takes the layer already serialised."""

    media_type = "application/geo+json"

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


def _geojson(layer: str) -> Response:
    return GeoJSONResponse(_geojson_bytes(layer), headers={"Cache-Control": "public, max-age=3600"})


_LAYER: dict[int | str, dict[str, Any]] = {
    200: ok(FeatureCollection, "the layer as a WGS-84 FeatureCollection")}


@router.get("/v1/geo/precincts.geojson", summary="Precinct polygons (WGS-84)",
            response_class=GeoJSONResponse, response_model=None, responses=_LAYER)
def precincts_geojson() -> Response:
    """Precinct jurisdictions as a WGS-84 FeatureCollection; ``synthetic`` on each feature."""
    return _geojson("precincts")


@router.get("/v1/geo/districts.geojson", summary="District outlines (WGS-84)",
            response_class=GeoJSONResponse, response_model=None, responses=_LAYER)
def districts_geojson() -> Response:
    """The city's districts as a WGS-84 FeatureCollection."""
    return _geojson("districts")
