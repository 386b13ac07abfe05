"""/docs (Swagger UI) and /redoc work offline: every asset comes from the service itself."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import Stack
from tests.support import seconds

pytestmark = pytest.mark.browser


def offline_page(stack: Stack, path: str) -> tuple[Page, list[str]]:
    """Open ``path`` with every request to another host refused, as on a police network."""
    context = stack.browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    own = urlsplit(stack.service.base).netloc
    outside: list[str] = []

    def gate(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == own or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", gate)
    page.goto(stack.service.base + path)
    return page, outside


def test_swagger_ui_renders_from_vendored_assets(stack: Stack) -> None:
    page, outside = offline_page(stack, "/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "110 dispatch", timeout=seconds(15) * 1000)
    expect(page.locator(".opblock-summary-path", has_text="/reassign").first).to_be_visible()
    assert outside == []
    page.context.close()


def test_redoc_renders_from_vendored_assets(stack: Stack) -> None:
    page, outside = offline_page(stack, "/redoc")
    expect(page.locator("h1").first).to_contain_text("110 dispatch", timeout=seconds(20) * 1000)
    expect(page.get_by_text("/v1/geo/suggest").first).to_be_attached()
    assert outside == []
    page.context.close()


def test_docs_pages_name_no_cdn(stack: Stack) -> None:
    for path in ("/docs", "/redoc"):
        r = httpx.get(stack.service.base + path, timeout=10)
        assert r.status_code == 200, "run `make vendor` to fetch Swagger UI and ReDoc"
        for host in ("cdn.jsdelivr.net", "fonts.googleapis.com", "fastapi.tiangolo.com", "unpkg"):
            assert host not in r.text, (path, host)
        assert "img-src 'self' data:" in r.headers["content-security-policy"]
