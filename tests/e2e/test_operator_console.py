"""Operator essentials in Chromium (issue 19): search by id, phone, address and time;
keyboard shortcuts (ack, next, dispatch); call signs instead of unit ids; the officer's
name from the token on the action and in the timeline; the caller's phone; time since
the call on every card; a sound and a flashing banner on escalation; the command board
at 1366×768 with an address column and no merged rows. At 1600×1000 and 1366×768."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Error, Page, ViewportSize, expect

import geo
from dispatch.auth import Role, issue
from tests.e2e.conftest import _OPEN_CONTEXTS, Stack, save_screenshot
from tests.e2e.test_corrections_console import MS, VIEWPORTS, at, no_overflow, size
from tests.support import seconds, wait_until

pytestmark = pytest.mark.browser

# Count the beeps: every tone of beep() is one oscillator.
COUNT_BEEPS = """
(() => {
  window.__tones = 0;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  const make = Ctx.prototype.createOscillator;
  Ctx.prototype.createOscillator = function () { window.__tones += 1; return make.call(this); };
})();
"""
PRECINCTS = {"1600": geo.precincts()[40].id, "1366": geo.precincts()[41].id}
# Its own precincts: reports of compatible kinds at one spot are merged as one incident.
OFFICER_PRECINCTS = {"1600": geo.precincts()[46].id, "1366": geo.precincts()[47].id}


def open_page(stack: Stack, console: str, token: str, viewport: ViewportSize,
              init: str | None = None) -> Page:
    context = stack.browser.new_context(viewport=viewport, locale="zh-CN",
                                        timezone_id="Asia/Shanghai")
    _OPEN_CONTEXTS.append(context)  # closed when the test ends
    if init:
        context.add_init_script(init)
    page = context.new_page()
    errors = stack._errors.setdefault(id(page), [])

    def record(exc: Error) -> None:
        errors.append(str(exc))

    page.on("pageerror", record)
    page.goto(f"{stack.service.base}/console/{console}?token={token}")
    return page


def post_report(stack: Stack, body: dict[str, Any]) -> str:
    r = httpx.post(f"{stack.service.base}/v1/reports", json={"channel": "call", **body},
                   timeout=10, headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def at_seat(pid: str) -> dict[str, float]:
    lat, lon = geo.precinct(pid).seat
    return {"lat": lat, "lon": lon, "accuracy_m": 15}


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_searches_by_id_phone_address_and_time(stack: Stack,
                                                       viewport: ViewportSize) -> None:
    marker = uuid.uuid4().hex[:6].upper()
    phone = f"1390000{uuid.uuid4().int % 10000:04d}"
    incident_id = post_report(stack, {
        "text": f"<b>{marker}</b> 小区楼道里有人争吵推搡", "caller": {"phone": phone},
        "address": f"青山区幸福南路{marker}号", "location": at_seat(PRECINCTS[size(viewport)])})
    stack.service.wait_status(incident_id, "assigned", timeout=10)
    command = at(stack.open("command", "command"), viewport)
    box = command.locator("#search-q")
    results = command.locator("#search-results")
    for q in (phone[-4:], f"幸福南路{marker}", incident_id, incident_id[:13]):
        box.fill(q)
        box.press("Enter")
        expect(results.locator(f"tr[data-id='{incident_id}']")).to_have_count(
            1, timeout=seconds(15) * MS)
    assert results.locator("b").count() == 0  # the report's text stays text
    no_overflow(command, "#search-results")
    save_screenshot(command, f"command-search-{size(viewport)}.png")
    box.fill("")
    command.locator("#search-window").select_option("1")  # the last hour, no words
    expect(results.locator(f"tr[data-id='{incident_id}']")).to_have_count(
        1, timeout=seconds(15) * MS)
    results.locator(f"tr[data-id='{incident_id}']").click()
    expect(command.locator("#drawer-body")).to_have_attribute("data-id", incident_id,
                                                              timeout=seconds(15) * MS)
    expect(command.locator("#drawer-phone")).to_have_text(phone)
    assert not stack.errors(command)


def test_intake_finds_what_the_recent_list_no_longer_shows(stack: Stack) -> None:
    viewport: ViewportSize = {"width": 1366, "height": 768}
    marker = uuid.uuid4().hex[:6].upper()
    incident_id = post_report(stack, {"text": f"{marker} 咨询：暂住证怎么办理",
                                      "location": at_seat(geo.precincts()[42].id)})
    stack.service.wait_status(incident_id, "assigned", timeout=10)
    intake = at(stack.open("intake", "call_taker"), viewport)
    intake.fill("#search-q", marker)
    intake.press("#search-q", "Enter")
    row = intake.locator(f"#search-results tr[data-id='{incident_id}']")
    row.click(timeout=seconds(15) * MS)
    expect(intake.locator("#current")).to_contain_text(incident_id, timeout=seconds(15) * MS)
    expect(intake.locator("#current .since").first).to_be_visible()
    save_screenshot(intake, "intake-search-1366.png")
    assert not stack.errors(intake)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_precinct_shortcuts_call_signs_and_the_officers_name(stack: Stack,
                                                            viewport: ViewportSize) -> None:
    pid = OFFICER_PRECINCTS[size(viewport)]
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    incident_id = post_report(stack, {"text": f"{marker} 超市门口有人抢了一个女士的包跑了",
                                      "caller": {"phone": "13700007777"},
                                      "location": at_seat(pid)})
    stack.service.wait_status(incident_id, "assigned", timeout=10)
    token = issue(stack.service.env["DISPATCH_SECRET"], Role.precinct, precinct=pid, name="张磊")
    page = open_page(stack, "precinct", token, viewport)
    card = page.locator(f"#assignments .card[data-id='{incident_id}']")
    expect(card).to_be_visible(timeout=seconds(15) * MS)
    expect(card.locator(".since")).to_be_visible()
    expect(page.locator("#officer")).to_have_text("值班民警 张磊")
    expect(page.locator("#shortcut-hint")).to_contain_text("A 签收")
    card.click()
    expect(page.locator("#detail-phone")).to_have_text("13700007777", timeout=seconds(15) * MS)
    page.keyboard.press("a")  # sign for it
    expect(card).to_have_attribute("data-status", "acknowledged", timeout=seconds(15) * MS)
    expect(page.locator("#detail .timeline")).to_contain_text("张磊", timeout=seconds(15) * MS)
    assert stack.service.incident(incident_id)["acknowledged_by"] == f"precinct:{pid}:张磊"
    expect(page.locator("#recommendations [data-unit]").first).to_be_visible(
        timeout=seconds(15) * MS)
    page.keyboard.press("d")  # send the fastest unit: the incident sets out
    expect(card).to_have_attribute("data-status", "en_route", timeout=seconds(15) * MS)
    state = stack.service.incident(incident_id)
    unit_id = state["units"][0]
    units = stack.call("GET", "/v1/units").json()["items"]
    name = next(u["name"] for u in units if u["id"] == unit_id)
    expect(page.locator("#detail-units")).to_have_text(name, timeout=seconds(15) * MS)
    expect(page.locator("#detail .timeline")).to_contain_text(f"警力 {name}")
    assert unit_id not in page.locator("#detail").inner_text().replace(incident_id, "")
    moved = [e for e in state["timeline"] if e["type"] == "incident.status_changed"][-1]
    assert moved["actor"] == f"precinct:{pid}:张磊" and moved["payload"]["status"] == "en_route"
    save_screenshot(page, f"precinct-shortcuts-{size(viewport)}.png")
    page.keyboard.press("j")
    assert not stack.errors(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_an_escalation_sounds_and_flashes_on_the_command_board(
        stack: Stack, viewport: ViewportSize) -> None:
    command = open_page(stack, "command", stack.token("command"), viewport, init=COUNT_BEEPS)
    expect(command.locator("#board-table")).to_be_visible(timeout=seconds(15) * MS)
    before = command.evaluate("window.__tones")
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    # A P3 matter: the browser stack's P3 ack clock is 3 s, so it escalates unacknowledged.
    incident_id = post_report(stack, {"text": f"{marker} 门口停的电动车被人拔了气门芯",
                                      "location": at_seat(geo.precincts()[43 + int(
                                          size(viewport) == "1366")].id)})
    banner = command.locator("#escalation-banner")
    expect(banner).to_have_class("alert-banner on", timeout=seconds(12) * MS)
    wait_until(lambda: command.evaluate("window.__tones") > before, 5, what="the beep")
    row = command.locator(f"#board-table tbody tr[data-id='{incident_id}']")
    expect(row.locator(".esc")).to_be_visible()
    no_overflow(command, "#board-table")
    save_screenshot(command, f"command-escalation-{size(viewport)}.png")
    # The banner opens the escalated incident it names.
    wait_until(lambda: (banner.get_attribute("data-id") or "") != "", 5, what="the banner's id")
    named = banner.get_attribute("data-id")
    banner.click()
    expect(command.locator("#drawer-body")).to_have_attribute("data-id", named or "",
                                                              timeout=seconds(15) * MS)
    # A takes the selected escalated assignment (代签收).
    command.keyboard.press("Escape")  # the drawer lies over the board
    row.click()
    expect(command.locator("#drawer-body")).to_have_attribute("data-id", incident_id,
                                                              timeout=seconds(15) * MS)
    command.locator("body").click(position={"x": 5, "y": 5})  # focus off any field
    command.keyboard.press("a")
    expect(row).to_have_attribute("data-status", "acknowledged", timeout=seconds(15) * MS)
    assert stack.service.incident(incident_id)["acknowledged_by"] == "command:command"
    assert not stack.errors(command)


def test_the_command_board_fits_1366_with_addresses_and_no_merged_rows(stack: Stack) -> None:
    viewport: ViewportSize = {"width": 1366, "height": 768}
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    where = at_seat(geo.precincts()[45].id)
    first = post_report(stack, {"text": f"{marker} 路边两人打架，一人流血",
                                "address": "昆都仑区阿尔丁大街88号", "location": where})
    second = post_report(stack, {"text": f"{marker} 又有人报：路边有人打架",
                                 "address": "昆都仑区阿尔丁大街88号", "location": where})
    for i in (first, second):
        stack.service.wait_status(i, "assigned", "acknowledged", "merged", timeout=10)
    if stack.service.incident(second)["status"] != "merged":
        r = httpx.post(f"{stack.service.base}/v1/incidents/{second}/merge", timeout=10,
                       json={"into": first, "reason": "同一起警情"},
                       headers={"Authorization": f"Bearer {stack.token('command')}"})
        assert r.status_code == 200, r.text
    command = at(stack.open("command", "command"), viewport)
    row = command.locator(f"#board-table tbody tr[data-id='{first}']")
    expect(row).to_be_visible(timeout=seconds(15) * MS)
    expect(command.locator(f"#board-table tbody tr[data-id='{second}']")).to_have_count(0)
    expect(command.locator("#board-table thead")).to_contain_text("地址")
    expect(row.locator("td.addr")).to_have_text("昆都仑区阿尔丁大街88号")
    expect(row.locator(".since")).to_be_visible()
    text = row.locator("td.text").bounding_box()
    assert text is not None and text["width"] >= 120, text  # the words stay readable
    no_overflow(command, "#board-table")
    no_overflow(command, ".topbar")
    save_screenshot(command, "command-board-1366.png")
    assert not stack.errors(command)
