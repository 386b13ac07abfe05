"""Closing properly in Chromium: 结案 asks for a disposition of the registry, and a
consultation is answered on the spot (当场答复) from the intake console. Both at
1600×1000 and 1366×768."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

import geo
from tests.e2e.conftest import Stack, save_screenshot
from tests.e2e.test_corrections_console import MS, VIEWPORTS, at, no_overflow, size
from tests.support import seconds

pytestmark = pytest.mark.browser

# Precincts no other browser scenario uses, one per viewport.
PRECINCTS = {"1600": geo.precincts()[12].id, "1366": geo.precincts()[13].id}


def move(stack: Stack, incident_id: str, status: str, precinct: str) -> None:
    token = stack.token("precinct", precinct)
    r = httpx.post(f"{stack.service.base}/v1/incidents/{incident_id}/status", timeout=10,
                   json={"status": status}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.text


def resolved_in_console(stack: Stack, viewport: ViewportSize, pid: str,
                        text: str) -> tuple[str, Page, Locator]:
    """A report of ``text`` taken to the scene by precinct ``pid``, then 已处置 clicked in
    its console: the incident, the page and the incident's card."""
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    incident_id = stack.report(f"{marker} {text}", pid)
    stack.service.wait_status(incident_id, "assigned", timeout=10)
    for status in ("acknowledged", "on_scene"):
        move(stack, incident_id, status, pid)
    page = at(stack.open("precinct", "precinct", pid), viewport)
    card = page.locator("#assignments .card", has_text=marker)
    expect(card).to_be_visible(timeout=seconds(15) * MS)
    card.click()
    page.locator("#detail [data-status='resolved']").click(timeout=seconds(15) * MS)
    return incident_id, page, card


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_precinct_closes_with_a_disposition(stack: Stack, viewport: ViewportSize) -> None:
    incident_id, page, card = resolved_in_console(stack, viewport, PRECINCTS[size(viewport)],
                                                  "小区里两家人因停车位争吵")
    form = page.locator("#close-form")
    expect(form).to_be_visible(timeout=seconds(15) * MS)
    no_overflow(page, "#close-form")
    form.locator("#close-send").click()
    expect(page.locator("#toasts")).to_contain_text("结案须选择处置结果")
    assert stack.service.incident(incident_id)["status"] == "resolved"
    expect(form.locator("#disposition option[value='mediated']")).to_have_count(1)
    form.locator("#disposition").select_option("mediated")
    form.locator("#close-note").fill("双方协商一致")
    save_screenshot(page, f"precinct-close-{size(viewport)}.png")
    form.locator("#close-send").click()
    expect(page.locator("#toasts")).to_contain_text("已结案：已调解", timeout=seconds(15) * MS)
    expect(page.locator("#detail .timeline")).to_contain_text("处置结果：已调解",
                                                              timeout=seconds(15) * MS)
    state = stack.service.incident(incident_id)
    assert state["status"] == "closed" and state["disposition"] == "mediated"
    expect(card).to_have_count(0)
    assert not stack.errors(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_intake_answers_a_consultation_on_the_spot(stack: Stack, viewport: ViewportSize) -> None:
    intake = at(stack.open("intake", "call_taker"), viewport)
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    lat, lon = geo.precinct(PRECINCTS[size(viewport)]).seat
    intake.fill("#f-text", f"{marker} 请问身份证快到期了，去哪里换领，要带什么材料")
    intake.fill("#f-lat", str(lat))
    intake.fill("#f-lon", str(lon))
    intake.click("#submit")
    form = intake.locator("#current #onspot-form")
    expect(form).to_be_visible(timeout=seconds(10) * MS)
    form.locator("#onspot-send").click()
    expect(intake.locator("#toasts")).to_contain_text("请填写答复内容")
    answer = "<b>携带</b>旧身份证和户口簿到户籍窗口办理"
    form.locator("#onspot-answer").fill(answer)
    save_screenshot(intake, f"intake-answer-{size(viewport)}.png")
    form.locator("#onspot-send").click()
    expect(intake.locator("#current-answer")).to_have_text(answer, timeout=seconds(15) * MS)
    assert intake.locator("#current b").count() == 0
    expect(intake.locator("#current .preview-head")).to_contain_text("已结案")
    row = intake.locator("#recent-table tbody tr", has_text=marker)
    state = stack.service.incident(row.get_attribute("data-id", timeout=seconds(15) * MS) or "")
    assert state["status"] == "closed" and state["disposition"] == "answered"
    assert state["timeline"][-1]["type"] == "incident.answered_on_spot"
    assert not stack.errors(intake)


# Precincts for the drawer and precinct scenarios below (unused by the others).
MORE = {"1600": (geo.precincts()[16].id, geo.precincts()[18].id),
        "1366": (geo.precincts()[17].id, geo.precincts()[19].id)}


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_precinct_answers_a_consultation_on_the_spot(stack: Stack,
                                                    viewport: ViewportSize) -> None:
    pid = MORE[size(viewport)][0]
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    incident_id = stack.report(f"{marker} 咨询一下户口迁移需要哪些手续", pid)
    stack.service.wait_status(incident_id, "assigned", timeout=10)
    page = at(stack.open("precinct", "precinct", pid), viewport)
    card = page.locator("#assignments .card", has_text=marker)
    expect(card).to_be_visible(timeout=seconds(15) * MS)
    card.click()
    form = page.locator("#detail #onspot-form")
    expect(form).to_be_visible(timeout=seconds(15) * MS)
    no_overflow(page, "#onspot-form")
    form.locator("#onspot-answer").fill("持准迁证和户口簿到迁入地派出所户籍窗口办理")
    form.locator("#onspot-send").click()
    expect(page.locator("#toasts")).to_contain_text("已当场答复并结案", timeout=seconds(15) * MS)
    expect(card).to_have_count(0)
    expect(page.locator("#detail .timeline")).to_contain_text("答复：持准迁证",
                                                              timeout=seconds(15) * MS)
    state = stack.service.incident(incident_id)
    assert state["status"] == "closed" and state["acknowledged_at"] is None
    assert state["timeline"][-1]["actor"] == f"precinct:{pid}"
    assert not stack.errors(page)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_drawer_closes_with_a_disposition(stack: Stack, viewport: ViewportSize) -> None:
    pid = MORE[size(viewport)][1]
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    incident_id = stack.report(f"{marker} 有人在超市偷了两瓶酒被店员拦住", pid)
    stack.service.wait_status(incident_id, "assigned", timeout=10)
    for status in ("acknowledged", "on_scene", "resolved"):
        move(stack, incident_id, status, pid)
    command = at(stack.open("command", "command"), viewport)
    row = command.locator("#board-table tbody tr", has_text=marker)
    expect(row).to_be_visible(timeout=seconds(15) * MS)
    row.click()
    form = command.locator("#drawer #close-form")
    expect(form).to_be_visible(timeout=seconds(15) * MS)
    expect(form.locator("#disposition option[value='arrest']")).to_have_count(1)
    form.locator("#disposition").select_option("arrest")
    form.locator("#close-send").click()
    expect(command.locator("#drawer-disposition")).to_have_text("已抓获/带离审查",
                                                                timeout=seconds(15) * MS)
    expect(row).to_have_attribute("data-status", "closed", timeout=seconds(15) * MS)
    assert stack.service.incident(incident_id)["disposition"] == "arrest"
    assert not stack.errors(command)


def test_what_the_officer_picked_survives_an_update_to_the_incident(stack: Stack) -> None:
    # The officer has picked a disposition and typed a note when another update to the
    # incident reaches the console (here the command centre records a callback to the
    # caller): the detail is drawn again, and what was picked and typed is still there.
    viewport: ViewportSize = {"width": 1366, "height": 768}
    incident_id, page, _ = resolved_in_console(stack, viewport, geo.precincts()[14].id,
                                               "楼下两个人因为挪车吵起来了")
    form = page.locator("#close-form")
    expect(form.locator("#disposition option[value='mediated']")).to_have_count(1)
    form.locator("#disposition").select_option("mediated")
    form.locator("#close-note").fill("双方已和解")
    events = len(stack.service.incident(incident_id)["timeline"])
    r = stack.service.post(f"/v1/incidents/{incident_id}/callback",
                           {"satisfaction": "satisfied", "comment": "报警人称双方已谈妥"})
    assert r.status_code == 200, r.text
    expect(page.locator("#detail .timeline li")).not_to_have_count(events,
                                                                   timeout=seconds(15) * MS)
    expect(page.locator("#close-form #disposition")).to_have_value("mediated")
    expect(page.locator("#close-form #close-note")).to_have_value("双方已和解")
    page.locator("#close-form #close-send").click()
    expect(page.locator("#toasts")).to_contain_text("已结案：已调解", timeout=seconds(15) * MS)
