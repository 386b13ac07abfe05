"""Browser fixtures: the real service stack and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Error, Page, ViewportSize, expect, sync_playwright

import geo
from tests.support import ROOT, RedisServer, Service, free_port, seconds, wait_until

# Two cores shared with the rest of the suite: a console answers in milliseconds on a quiet
# machine and in seconds at a load of 12. Expectations wait that long before failing (a
# generous wait costs nothing when the page is right).
BROWSER_WAIT_MS = seconds(15) * 1000
expect.set_options(timeout=BROWSER_WAIT_MS)
# Every browser context a test opens, closed when the test ends: a console left open keeps
# its websocket and map live, and a few dozen of them load two cores to the point where
# later tests time out.
_OPEN_CONTEXTS: list[Any] = []


@pytest.fixture(autouse=True)
def _close_consoles() -> Iterator[None]:
    yield
    while _OPEN_CONTEXTS:
        context = _OPEN_CONTEXTS.pop()
        try:
            context.close()
        except Error:
            pass

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT: ViewportSize = {"width": 1600, "height": 900}


class Stack:
    """The service under test, its tokens, and helpers to open consoles on it."""

    def __init__(self, service: Service, browser: Browser, second_api: str) -> None:
        self.service = service
        self.browser = browser
        self.second_api = second_api  # another API process on the same Redis
        self._tokens: dict[tuple[str, str | None], str] = {}
        self._errors: dict[int, list[str]] = {}

    def token(self, role: str, precinct: str | None = None) -> str:
        """A signed token from the real CLI, ``python -m dispatch token``.

        Args:
            role: ``call_taker``, ``precinct``, ``command``, ``analyst`` or ``admin``.
            precinct: the precinct id, for the ``precinct`` role only.

        Returns:
            The token text (cached per role and precinct).
        """
        key = (role, precinct)
        if key not in self._tokens:
            argv = [sys.executable, "-m", "dispatch", "token", "--role", role]
            if precinct:
                argv += ["--precinct", precinct]
            out = subprocess.run(argv, env=self.service.env, cwd=ROOT, capture_output=True,
                                 text=True, timeout=60, check=True)
            self._tokens[key] = out.stdout.strip()
        return self._tokens[key]

    def open(self, console: str, role: str, precinct: str | None = None) -> Page:
        """Open one console in a fresh browser context, signed in by ``?token=``.

        Args:
            console: ``intake``, ``precinct`` or ``command``.
            role: the token's role.
            precinct: the precinct for a precinct console.

        Returns:
            The page, after its first connection or first list has loaded.
        """
        context = self.browser.new_context(viewport=VIEWPORT, locale="zh-CN",
                                           timezone_id="Asia/Shanghai")
        _OPEN_CONTEXTS.append(context)
        page = context.new_page()
        page.set_default_timeout(BROWSER_WAIT_MS)
        errors = self._errors.setdefault(id(page), [])

        def record(exc: Error) -> None:
            errors.append(str(exc))

        page.on("pageerror", record)
        url = f"{self.service.base}/console/{console}?token={self.token(role, precinct)}"
        page.goto(url)
        return page

    def errors(self, page: Page) -> list[str]:
        """Uncaught script errors of a page opened with :meth:`open`."""
        return self._errors.get(id(page), [])

    def report(self, text: str, precinct_id: str, base: str | None = None) -> str:
        """Post a report located at a precinct's seat over HTTP; return its incident id."""
        lat, lon = geo.precinct(precinct_id).seat
        body: dict[str, Any] = {"channel": "call", "text": text,
                                "location": {"lat": lat, "lon": lon, "crs": "wgs84",
                                             "accuracy_m": 15}}
        r = httpx.post(f"{base or self.service.base}/v1/reports", json=body, timeout=10,
                       headers={"Authorization": f"Bearer {self.token('call_taker')}"})
        assert r.status_code == 202, r.text
        return str(r.json()["id"])

    def call(self, method: str, path: str, base: str | None = None) -> httpx.Response:
        """An HTTP request with a command token."""
        return httpx.request(method, f"{base or self.service.base}{path}", timeout=10,
                             headers={"Authorization": f"Bearer {self.token('command')}"})


@pytest.fixture(scope="module")
def e2e_redis() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture(scope="module")
def e2e_service(e2e_redis: RedisServer) -> Iterator[Service]:
    """API (plus a second API process), worker and scheduler on one Redis; the P3 ack
    clock is short so the command board shows an escalation."""
    svc = Service(e2e_redis.url, namespace="e2e", ACK_TIMEOUT_P1_S="120",
                  ACK_TIMEOUT_P2_S="120", ACK_TIMEOUT_P3_S="3")
    second = free_port()
    try:
        # The second API boots while start_all waits for the first.
        svc.spawn("api2", [sys.executable, "-m", "uvicorn", "dispatch.app:create_app",
                           "--factory", "--host", "127.0.0.1", "--port", str(second),
                           "--log-level", "warning"])
        svc.start_all()
        wait_until(lambda: httpx.get(f"http://127.0.0.1:{second}/healthz", timeout=1)
                   .status_code in (200, 503), 30, what="the second API to serve")
        svc.second_api = f"http://127.0.0.1:{second}"  # type: ignore[attr-defined]
        yield svc
    finally:
        for name in list(svc.procs):
            svc.kill(name)  # SIGKILL: nothing to flush, Redis holds the state
        svc.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def stack(e2e_service: Service, browser: Browser) -> Stack:
    s = Stack(e2e_service, browser, e2e_service.second_api)  # type: ignore[attr-defined]
    # Warm the worker (first triage loads its model) so timings measure the steady state.
    first = s.report("热身：咨询户籍办理时间", geo.precincts()[0].id)
    wait_until(lambda: e2e_service.incident(first)["status"] != "received", 30,
               what="the pipeline worker to warm up")
    return s


def save_screenshot(page: Page, name: str) -> Path:
    """Save a console screenshot under docs/screenshots/ for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    return path
