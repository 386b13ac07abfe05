"""Issue 19 in Chromium: nothing falls through. The call-taker is told when an address
places only at district level and picks a candidate; the command centre opens any
incident, reassigns it (转派), fixes its place and dispatches a unit from any precinct.
Each action at 1600×1000 and 1366×768."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import Stack, save_screenshot
from tests.support import seconds, wait_until

pytestmark = pytest.mark.browser

VIEWPORTS: list[ViewportSize] = [{"width": 1600, "height": 1000}, {"width": 1366, "height": 768}]
UNPLACED_ADDRESS = "昆都仑区钢铁大街与民族西路交叉口"
MS = 1000


def size(viewport: ViewportSize) -> str:
    return str(viewport["width"])


def at(page: Page, viewport: ViewportSize) -> Page:
    page.set_viewport_size(viewport)
    return page


def no_overflow(page: Page, selector: str) -> None:
    """The element fits in the viewport's width (no horizontal cut-off at 1366)."""
    box = page.locator(selector).bounding_box()
    assert box is not None
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_intake_warns_not_placed_precisely_and_the_pick_routes_it(
        stack: Stack, viewport: ViewportSize) -> None:
    intake = at(stack.open("intake", "call_taker"), viewport)
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    intake.fill("#f-text", f"{marker} 路口有人砸车窗偷东西")
    intake.fill("#f-address", UNPLACED_ADDRESS)
    warning = intake.locator("#placement-warning")
    expect(warning).to_contain_text("未能精确定位", timeout=seconds(5) * MS)
    expect(warning).to_contain_text("昆都仑区")
    no_overflow(intake, "#placement-warning")
    pick = warning.locator("[data-candidate]").first
    label = pick.inner_text()
    pick.click()
    expect(pick).to_have_class("btn small candidate selected")
    expect(intake.locator("#placement-pick")).to_contain_text("已选")
    save_screenshot(intake, f"intake-placement-{size(viewport)}.png")
    intake.click("#submit")
    expect(intake.locator("#toasts")).to_contain_text("已按", timeout=seconds(10) * MS)
    row = intake.locator("#recent-table tbody tr", has_text=marker)
    expect(row).to_be_visible(timeout=seconds(8) * MS)
    incident = stack.service.incident(row.get_attribute("data-id") or "")
    assert incident["location"]["source"] == "gazetteer"
    assert incident["precinct"] not in (None, "command")
    assert incident["location"]["precinct_name"] in label
    assert not stack.errors(intake)


def test_intake_shows_a_precise_address_and_escapes_what_it_echoes(stack: Stack) -> None:
    intake = stack.open("intake", "call_taker")
    intake.fill("#f-text", "有人打架")
    intake.fill("#f-address", "林荫路")
    expect(intake.locator("#placement-ok")).to_contain_text("林荫路街道", timeout=seconds(5) * MS)
    expect(intake.locator("#placement-warning")).to_have_count(0)
    intake.fill("#f-address", "<img src=x onerror=alert(1)>钢铁大街")
    expect(intake.locator("#placement-warning")).to_be_visible(timeout=seconds(5) * MS)
    assert intake.locator("#placement img").count() == 0
    # A device fix needs no check.
    intake.fill("#f-lat", "40.65")
    intake.fill("#f-lon", "109.84")
    expect(intake.locator("#placement")).to_be_hidden(timeout=seconds(5) * MS)
    assert not stack.errors(intake)


def unplaced(stack: Stack, text: str) -> str:
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10,
                   json={"channel": "call", "text": text, "address": UNPLACED_ADDRESS},
                   headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    assert r.status_code == 202, r.text
    incident_id = str(r.json()["id"])
    wait_until(lambda: stack.service.incident(incident_id)["status"] == "assigned", 15,
               what="the unplaced report to reach the command centre")
    return incident_id
