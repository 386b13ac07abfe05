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
    # One event per viewport: the same words at the same place minutes apart would be one
    # incident told twice, and the second would be merged into the first.
    what = {1366: "路口有人砸车窗偷东西"}.get(viewport["width"], "超市里有人偷了两瓶酒跑了")
    intake.fill("#f-text", f"{marker} {what}")
    intake.fill("#f-address", UNPLACED_ADDRESS)
    warning = intake.locator("#placement-warning")
    expect(warning).to_contain_text("未能精确定位", timeout=seconds(15) * MS)
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
    expect(row).to_be_visible(timeout=seconds(15) * MS)
    incident = stack.service.incident(row.get_attribute("data-id") or "")
    assert incident["location"]["source"] == "gazetteer"
    assert incident["precinct"] not in (None, "command")
    assert incident["location"]["precinct_name"] in label
    assert not stack.errors(intake)


def test_intake_shows_a_precise_address_and_escapes_what_it_echoes(stack: Stack) -> None:
    intake = stack.open("intake", "call_taker")
    intake.fill("#f-text", "有人打架")
    # Neither the text nor the address names a place: the call-taker is told to ask.
    expect(intake.locator("#placement-warning")).to_contain_text("追问", timeout=seconds(15) * MS)
    intake.fill("#f-address", "林荫路")
    expect(intake.locator("#placement-ok")).to_contain_text("林荫路街道", timeout=seconds(15) * MS)
    expect(intake.locator("#placement-warning")).to_have_count(0)
    intake.fill("#f-address", "<img src=x onerror=alert(1)>钢铁大街")
    expect(intake.locator("#placement-warning")).to_be_visible(timeout=seconds(15) * MS)
    assert intake.locator("#placement img").count() == 0
    # A device fix needs no check.
    intake.fill("#f-lat", "40.65")
    intake.fill("#f-lon", "109.84")
    expect(intake.locator("#placement")).to_be_hidden(timeout=seconds(15) * MS)
    assert not stack.errors(intake)


def unplaced(stack: Stack, text: str, address: str = UNPLACED_ADDRESS) -> str:
    """Post a report the gazetteer places only at district level; wait for the command
    centre to have it."""
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10,
                   json={"channel": "call", "text": text, "address": address},
                   headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    assert r.status_code == 202, r.text
    incident_id = str(r.json()["id"])
    wait_until(lambda: stack.service.incident(incident_id)["status"] == "assigned", 15,
               what="the unplaced report to reach the command centre")
    return incident_id


# One unplaced address per scenario and viewport: unplaced reports sit at their district's
# centre, and two compatible ones at one spot would be merged into one incident.
ADDRESSES = {("reassign", "1600"): "青山区钢铁大街与民族西路交叉口",
             ("reassign", "1366"): "东河区钢铁大街与民族西路交叉口",
             ("candidate", "1600"): "九原区民族西路与钢铁大街交叉口",
             ("candidate", "1366"): "稀土高新区钢铁大街与民族西路交叉口",
             ("map", "1600"): "石拐区民族西路",
             ("map", "1366"): "昆都仑区民族西路与钢铁大街路口"}


def open_unplaced(stack: Stack, viewport: ViewportSize, scenario: str, text: str
                  ) -> tuple[Page, str, str]:
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    incident_id = unplaced(stack, f"{marker} {text}", ADDRESSES[(scenario, size(viewport))])
    command = at(stack.open("command", "command"), viewport)
    row = command.locator("#board-table tbody tr", has_text=marker)
    expect(row).to_be_visible(timeout=seconds(15) * MS)
    expect(row).to_contain_text("指挥中心")
    row.click()
    drawer = command.locator("#drawer")
    expect(drawer).to_be_visible()
    expect(drawer.locator("#drawer-text")).to_contain_text(marker, timeout=seconds(15) * MS)
    expect(drawer.locator("#drawer-precinct")).to_contain_text("未能定位到派出所")
    no_overflow(command, "#drawer")
    return command, incident_id, marker


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_reassigns_an_unplaced_incident_from_the_drawer(
        stack: Stack, viewport: ViewportSize) -> None:
    command, incident_id, marker = open_unplaced(stack, viewport, "reassign",
                                                 "两伙人在路口打架斗殴，有人倒地")
    target = stack.service.get("/v1/precincts").json()[3]
    precinct = at(stack.open("precinct", "precinct", target["id"]), viewport)
    drawer = command.locator("#drawer")
    drawer.locator("#reassign-precinct").select_option(target["id"])
    drawer.locator("#reassign-send").click()
    expect(command.locator("#toasts")).to_contain_text("转派须填写理由")  # asked, not sent
    drawer.locator("#reassign-reason").fill("报警人回拨确认在该所辖区")
    drawer.locator("#reassign-send").click()
    expect(drawer.locator("#drawer-precinct")).to_contain_text(target["name"],
                                                              timeout=seconds(15) * MS)
    expect(drawer.locator("#drawer-timeline")).to_contain_text("报警人回拨确认在该所辖区")
    # The new precinct's console gets it over the feed, awaiting its ack.
    card = precinct.locator("#assignments .card", has_text=marker)
    expect(card).to_have_attribute("data-status", "assigned", timeout=seconds(15) * MS)
    save_screenshot(command, f"command-reassign-{size(viewport)}.png")
    state = stack.service.incident(incident_id)
    assert state["precinct"] == target["id"] and state["timeline"][-1]["actor"] == "command:command"
    command.keyboard.press("Escape")
    expect(command.locator("#drawer")).to_be_hidden()
    assert not stack.errors(command) and not stack.errors(precinct)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_fixes_the_location_with_a_candidate_and_dispatches_a_unit(
        stack: Stack, viewport: ViewportSize) -> None:
    command, incident_id, _ = open_unplaced(stack, viewport, "candidate",
                                            "有人醉酒在饭店门口砸东西闹事")
    drawer = command.locator("#drawer")
    candidate = drawer.locator("#location-candidates [data-candidate]").first
    expect(candidate).to_be_visible(timeout=seconds(15) * MS)
    candidate.click()
    expect(drawer.locator("#drawer-location")).to_contain_text("地名库候选",
                                                               timeout=seconds(15) * MS)
    state = stack.service.incident(incident_id)
    assert state["precinct"] != "command" and state["location"]["source"] == "gazetteer"
    expect(drawer.locator("#drawer-precinct")).not_to_contain_text("未能定位")
    # Any precinct's unit, fastest first; sending one records it on the incident.
    unit = drawer.locator("#drawer-recommendations [data-unit]").first
    expect(unit).to_be_visible(timeout=seconds(15) * MS)
    unit_id = unit.get_attribute("data-unit") or ""
    unit.click()
    # The call sign shows; the id is the element's data (and its tooltip).
    expect(drawer.locator(f"#drawer-units [data-unit='{unit_id}']")).to_have_count(
        1, timeout=seconds(15) * MS)
    expect(drawer.locator("#drawer-recommendations [data-unit]").first).to_be_visible(
        timeout=seconds(15) * MS)
    save_screenshot(command, f"command-location-{size(viewport)}.png")
    assert unit_id in stack.service.incident(incident_id)["units"]
    # Any other precinct's unit, picked from the list.
    incident = stack.service.incident(incident_id)
    far = next(u for u in stack.service.get("/v1/units").json()["items"]
               if u["status"] == "available" and u["precinct"] != incident["precinct"]
               and u["id"] not in incident["units"])
    drawer.locator("#unit-any").select_option(far["id"], timeout=seconds(15) * MS)
    drawer.locator("#unit-any-send").click()
    expect(drawer.locator("#drawer-units")).to_contain_text(far["name"], timeout=seconds(15) * MS)
    assert far["id"] in stack.service.incident(incident_id)["units"]
    assert not stack.errors(command)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_fixes_the_location_by_clicking_the_map(stack: Stack,
                                                        viewport: ViewportSize) -> None:
    command, incident_id, _ = open_unplaced(stack, viewport, "map", "路边有人晕倒了，叫不醒")
    expect(command.locator("#map-legend")).to_be_visible(timeout=seconds(10) * MS)
    drawer = command.locator("#drawer")
    drawer.locator("#location-pick").click()
    expect(drawer.locator("#location-hint")).to_be_visible()
    box = command.locator("#map").bounding_box()
    assert box is not None
    command.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    expect(drawer.locator("#drawer-location")).to_contain_text("地图点选", timeout=seconds(15) * MS)
    state = stack.service.incident(incident_id)
    assert state["location"]["source"] == "manual"
    assert state["location"]["fixed_by"] == "command:command"
    assert not stack.errors(command)


def test_the_drawer_escapes_what_the_caller_said(stack: Stack) -> None:
    text = "<img src=x onerror=\"document.body.dataset.pwned=1\"> 楼下有人<b>吵架</b>"
    incident_id = unplaced(stack, text, "九原区钢铁大街")
    command = stack.open("command", "command")
    row = command.locator(f"#board-table tbody tr[data-id='{incident_id}']")
    expect(row).to_be_visible(timeout=seconds(15) * MS)
    row.click()
    expect(command.locator("#drawer-text")).to_have_text(text, timeout=seconds(15) * MS)
    assert command.locator("#drawer img, #drawer b").count() == 0
    assert command.evaluate("document.body.dataset.pwned") is None
