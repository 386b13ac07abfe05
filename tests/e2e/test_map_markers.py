"""Map markers through a whole lifecycle: one marker per incident and unit, updated in
place, gone when the incident is finished; a unit's colour follows its status."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, ViewportSize, expect

import geo
from tests.e2e.conftest import Stack, save_screenshot
from tests.e2e.test_corrections_console import MS, VIEWPORTS, at, size
from tests.support import seconds

pytestmark = pytest.mark.browser

PRECINCTS = {"1600": geo.precincts()[14].id, "1366": geo.precincts()[15].id}


def markers(page: Page, value: str) -> None:
    expect(page.locator("#map")).to_have_attribute("data-incident-markers", value,
                                                   timeout=seconds(15) * MS)


def about(page: Page, value: int, slack: int = 2) -> None:
    """The command map shows every open incident of the city: other tests' incidents may
    close meanwhile, so its count is checked within a small slack (the precinct map, which
    holds only this test's incident, is checked exactly)."""
    def near() -> bool:
        got = page.locator("#map").get_attribute("data-incident-markers")
        return got is not None and abs(int(got) - value) <= slack
    deadline = time.monotonic() + seconds(15)
    while not near():
        assert time.monotonic() < deadline, "the command map's marker count drifted"
        page.wait_for_timeout(200)


def post(stack: Stack, path: str, body: Mapping[str, Any], precinct: str) -> None:
    r = httpx.post(f"{stack.service.base}{path}", json=body, timeout=10,
                   headers={"Authorization": f"Bearer {stack.token('precinct', precinct)}"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_markers_follow_an_incident_from_report_to_closing(stack: Stack,
                                                           viewport: ViewportSize) -> None:
    pid = PRECINCTS[size(viewport)]
    precinct = at(stack.open("precinct", "precinct", pid), viewport)
    command = at(stack.open("command", "command"), viewport)
    for page in (precinct, command):
        expect(page.locator("#map-legend")).to_be_visible(timeout=seconds(10) * MS)
    # Other tests may have left incidents in this precinct: counts are relative to the start.
    expect(precinct.locator("#map")).to_have_attribute("data-incident-markers",
                                                       re.compile(r"^[0-9]+$"))
    mine = int(precinct.locator("#map").get_attribute("data-incident-markers") or "0")
    expect(command.locator("#map")).to_have_attribute("data-unit-markers", re.compile(r"^[1-9][0-9]*$"),
                                                      timeout=seconds(10) * MS)
    before = int(command.locator("#map").get_attribute("data-incident-markers") or "0")
    units = precinct.locator("#map").get_attribute("data-unit-markers")
    assert units and int(units) > 0

    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    incident_id = stack.report(f"{marker} 商店门口有人抢包后逃跑", pid)
    card = precinct.locator("#assignments .card", has_text=marker)
    expect(card).to_be_visible(timeout=seconds(15) * MS)
    markers(precinct, str(mine + 1))
    about(command, before + 1)

    unit = httpx.get(f"{stack.service.base}/v1/units", params={"precinct": pid}, timeout=10,
                     headers={"Authorization": f"Bearer {stack.token('command')}"}
                     ).json()["items"][0]["id"]
    path = f"/v1/incidents/{incident_id}"
    for step, body in (("status", {"status": "acknowledged"}), ("units", {"unit_id": unit}),
                       ("status", {"status": "en_route"}), ("status", {"status": "on_scene"})):
        post(stack, f"{path}/{step}", body, pid)
        if step == "status":
            expect(card).to_have_attribute("data-status", str(body["status"]),
                                           timeout=seconds(15) * MS)
        markers(precinct, str(mine + 1))  # moved and restyled in place, never a second marker
        about(command, before + 1)
    dispatched = precinct.locator(".unit-marker.dispatched")
    expect(dispatched).to_have_count(1, timeout=seconds(15) * MS)
    expect(precinct.locator("#map")).to_have_attribute("data-unit-markers", units)
    save_screenshot(precinct, f"precinct-markers-{size(viewport)}.png")

    post(stack, f"{path}/status", {"status": "resolved"}, pid)
    markers(precinct, str(mine))
    about(command, before)
    # Resolving released the unit: its marker is blue (available) again, not orange.
    expect(dispatched).to_have_count(0, timeout=seconds(15) * MS)
    post(stack, f"{path}/status", {"status": "closed", "disposition": "arrest"}, pid)
    markers(precinct, str(mine))
    about(command, before)
    expect(precinct.locator("#map")).to_have_attribute("data-unit-markers", units)
    assert not stack.errors(precinct) and not stack.errors(command)
