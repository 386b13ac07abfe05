"""The interactive API documentation, served from vendored assets so that it works on an
offline police network: Swagger UI at ``/docs`` and ReDoc at ``/redoc``.

FastAPI's own pages load Swagger UI and ReDoc from a CDN (and ReDoc its fonts from
Google), which leaves ``/docs`` blank offline. ``make vendor`` copies swagger-ui-dist and
redoc from the npm registry into ``dispatch/static/vendor/``; these pages point at those
copies. Without them the page says how to install them instead of trying a CDN.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from dispatch.api.consoles import resolve_asset

router = APIRouter(tags=["documentation"])

ASSETS = "/console/static/vendor"
SWAGGER_JS = "swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui/swagger-ui.css"
SWAGGER_ICON = "swagger-ui/favicon-32x32.png"
REDOC_JS = "redoc/redoc.standalone.js"
TITLE = "110 dispatch and alert triage"
# Nothing from another origin, even what the bundles would fetch by themselves (ReDoc's
# sidebar logo comes from cdn.redoc.ly): the browser refuses it without trying. The
# initialisers FastAPI writes are inline scripts; ReDoc runs its search in a blob worker.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def _offline(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    page.headers["X-Content-Type-Options"] = "nosniff"
    return page


def _missing(what: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>API 文档</title>"
        f"<p>{what} 未安装：在服务目录运行 <code>make vendor</code>（从 npm 源下载一次，之后离线可用）。"
        "</p><p>The OpenAPI description is at <a href=\"/openapi.json\">/openapi.json</a>; "
        "the contract is docs/api.md.</p></html>", status_code=503)


@router.get("/docs", include_in_schema=False)
def swagger_ui() -> HTMLResponse:
    """Swagger UI over ``/openapi.json``, with vendored scripts (no CDN)."""
    if resolve_asset(f"vendor/{SWAGGER_JS}") is None:
        return _missing("Swagger UI")
    return _offline(get_swagger_ui_html(
        openapi_url="/openapi.json", title=f"{TITLE} – Swagger UI",
        swagger_js_url=f"{ASSETS}/{SWAGGER_JS}", swagger_css_url=f"{ASSETS}/{SWAGGER_CSS}",
        swagger_favicon_url=f"{ASSETS}/{SWAGGER_ICON}"))


@router.get("/redoc", include_in_schema=False)
def redoc() -> HTMLResponse:
    """ReDoc over ``/openapi.json``, with the vendored bundle and no Google fonts."""
    if resolve_asset(f"vendor/{REDOC_JS}") is None:
        return _missing("ReDoc")
    return _offline(get_redoc_html(
        openapi_url="/openapi.json", title=f"{TITLE} – ReDoc", redoc_js_url=f"{ASSETS}/{REDOC_JS}",
        redoc_favicon_url=f"{ASSETS}/{SWAGGER_ICON}", with_google_fonts=False))
