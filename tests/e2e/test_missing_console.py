"""Missing persons in Chromium (issue 19): the call-taker opens the proposed case from a
report with one click, prefilled from triage and completed by hand; the command centre
reads the case (risk and reasons, targets with countdowns, sightings with their scores,
the alert circle on the map); the precinct sent to verify a sighting sees the description
and answers 确认是本人 / 不是本人. Each at 1600×1000 and 1366×768."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import ViewportSize, expect

import geo
from tests.e2e.conftest import Stack, save_screenshot
from tests.e2e.test_corrections_console import MS, VIEWPORTS, at, no_overflow, size
from tests.support import seconds, wait_until

pytestmark = pytest.mark.browser

# Last-seen points far apart (a sighting of one case can never fit the other), one per
# viewport, and far from the other browser scenarios' precinct seats.
LAST_SEEN = {"1600": (40.6575, 109.8403), "1366": (40.6010, 110.0200)}
PASSER_BY = "路边有个老大爷在马路中间走来走去，穿灰色夹克，七十多岁，看着糊里糊涂的，好像迷路了"
OLD_MAN = {"gender": "male", "age": 78, "height_cm": 170, "clothing": ["灰色夹克"],
           "conditions": ["dementia"]}


def post(stack: Stack, path: str, body: Any, role: str = "command",
         precinct: str | None = None) -> httpx.Response:
    return httpx.post(f"{stack.service.base}{path}", json=body, timeout=10,
                      headers={"Authorization": f"Bearer {stack.token(role, precinct)}"})


def report_at(stack: Stack, text: str, point: tuple[float, float]) -> str:
    r = post(stack, "/v1/reports", {"channel": "call", "text": text, "caller": {"phone": "13800138000"},
                                    "location": {"lat": point[0], "lon": point[1], "accuracy_m": 15}},
             role="call_taker")
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def get_case(stack: Stack, case_id: str) -> dict[str, Any]:
    r = stack.call("GET", f"/v1/missing/{case_id}")
    assert r.status_code == 200, r.text
    return dict(r.json())


def close_case(stack: Stack, case_id: str, outcome: str = "found_safe") -> None:
    if get_case(stack, case_id)["status"] != "closed":
        post(stack, f"/v1/missing/{case_id}/close", {"outcome": outcome}).raise_for_status()


def case_with_sighting(stack: Stack, viewport: ViewportSize) -> tuple[dict[str, Any], str]:
    """An old man's case opened 10 minutes after he was last seen, and a passer-by's call
    1.2 km north that the reactor links to it. Returns the case and the sighting's id."""
    lat, lon = LAST_SEEN[size(viewport)]
    seen = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    r = post(stack, "/v1/missing", {"person": OLD_MAN, "last_seen": {
        "at": seen, "location": {"lat": lat, "lon": lon, "crs": "wgs84"}},
        "reporter": {"name": "李女士", "relation": "女儿"}}, role="call_taker")
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    sighting = report_at(stack, PASSER_BY, (lat + 1200 / 111_320, lon))
    wait_until(lambda: get_case(stack, case_id)["sightings"], 15, what="the sighting link")
    return get_case(stack, case_id), sighting


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_intake_opens_the_proposed_case_prefilled(stack: Stack, viewport: ViewportSize) -> None:
    intake = at(stack.open("intake", "call_taker"), viewport)
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    lat, lon = geo.precinct(geo.precincts()[30 + int(size(viewport) == "1366")].id).seat
    intake.fill("#f-text", f"{marker} 我父亲82岁，有老年痴呆，穿蓝色棉袄，半小时前出门走丢了")
    intake.fill("#f-lat", str(lat))
    intake.fill("#f-lon", str(lon))
    intake.click("#submit")
    intake.locator("#current #case-open").click(timeout=seconds(10) * MS)
    form = intake.locator("#case-form")
    expect(form).to_be_visible()
    expect(form.locator("#mp-age")).to_have_value("82")
    expect(form.locator("#mp-gender")).to_have_value("male")
    expect(form.locator("#mp-clothing")).to_have_value("蓝色棉袄")
    expect(form.locator("input[value='dementia']")).to_be_checked()
    expect(form.locator("#mp-minutes")).to_have_value("30")
    no_overflow(intake, "#case-form")
    name = "<b>王</b>建国"
    form.locator("#mp-name").fill(name)
    form.locator("#mp-relation").fill("儿子")
    save_screenshot(intake, f"intake-missing-case-{size(viewport)}.png")
    form.locator("#mp-send").click()
    opened = intake.locator("#case-opened-id")
    expect(opened).to_have_text(re.compile(r"^MP-"), timeout=seconds(15) * MS)
    case = get_case(stack, opened.inner_text())
    assert case["person"]["name"] == name and case["person"]["age"]["min"] == 82
    assert case["person"]["conditions"] == ["dementia"]
    assert case["reporter"]["relation"] == "儿子" and case["reporter"]["phone"] is None
    assert case["risk"]["grade"] == "high"
    assert intake.locator("#current b").count() == 0
    assert not stack.errors(intake)
    close_case(stack, case["id"], "returned")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_completes_a_thin_report_into_a_case(stack: Stack, viewport: ViewportSize) -> None:
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    pid = geo.precincts()[32 + int(size(viewport) == "1366")].id
    incident_id = stack.report(f"{marker} 我家里人联系不上了，快帮帮忙找人", pid)
    stack.service.wait_status(incident_id, "assigned", "acknowledged", timeout=10)
    command = at(stack.open("command", "command"), viewport)
    row = command.locator("#board-table tbody tr", has_text=marker)
    row.click(timeout=seconds(15) * MS)
    command.locator("#drawer #case-open").click(timeout=seconds(15) * MS)
    form = command.locator("#drawer #case-form")
    expect(form.locator("#mp-note")).to_contain_text("请补充走失人员特征")
    form.locator("#mp-send").click()
    expect(command.locator("#toasts")).to_contain_text("未能建立", timeout=seconds(15) * MS)
    form.locator("#mp-gender").select_option("female")
    form.locator("#mp-age").fill("15")
    form.locator("#mp-clothing").fill("红色羽绒服、白色运动鞋")
    no_overflow(command, "#drawer")
    save_screenshot(command, f"command-missing-case-{size(viewport)}.png")
    form.locator("#mp-send").click()
    drawer = command.locator("#case-drawer")
    expect(drawer.locator("#case-description")).to_contain_text("15岁", timeout=seconds(15) * MS)
    expect(drawer).to_contain_text("刑事立案")
    case_id = drawer.locator("#case-body").get_attribute("data-id") or ""
    assert get_case(stack, case_id)["report_id"] == incident_id
    assert not stack.errors(command)
    close_case(stack, case_id, "returned")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_command_case_panel_and_the_precinct_confirms_the_sighting(
        stack: Stack, viewport: ViewportSize) -> None:
    case, sighting = case_with_sighting(stack, viewport)
    command = at(stack.open("command", "command"), viewport)
    command.locator("#side-panel .tab[data-tab='missing']").click()
    row = command.locator(f"#missing-table tr[data-id='{case['id']}']")
    row.click(timeout=seconds(15) * MS)
    drawer = command.locator("#case-drawer")
    expect(drawer.locator("#case-description")).to_contain_text("78岁")
    expect(drawer.locator("#case-risk")).to_contain_text("认知障碍")
    targets = drawer.locator("#case-targets")
    expect(targets).to_contain_text("找到人员")
    expect(targets).to_contain_text("派出所出警")
    expect(targets.locator(".countdown").first).to_be_visible()
    assert "precinct_dispatched" not in targets.inner_text()
    item = drawer.locator(f"[data-sighting='{sighting}']")
    expect(item).to_contain_text("匹配度")
    expect(item).to_contain_text("衣着")
    expect(item).to_contain_text("核查中")
    expect(command.locator("#map")).not_to_have_attribute("data-alert-circles", "0",
                                                          timeout=seconds(15) * MS)
    no_overflow(command, "#case-drawer")
    save_screenshot(command, f"command-missing-panel-{size(viewport)}.png")

    verifier = case["sightings"][0]["precinct"]
    precinct = at(stack.open("precinct", "precinct", verifier), viewport)
    card = precinct.locator(f"#assignments .card[data-id='{sighting}']")
    card.click(timeout=seconds(15) * MS)
    box = precinct.locator("#verification")
    expect(box.locator("#verify-description")).to_contain_text("78岁", timeout=seconds(15) * MS)
    expect(box.locator("#verify-case")).to_contain_text("高风险")
    expect(precinct.locator("#detail .timeline")).to_contain_text("请求派出所核查")
    no_overflow(precinct, "#verification")
    save_screenshot(precinct, f"precinct-verify-{size(viewport)}.png")
    box.locator("#verify-note").fill("已在路边找到，核对无误")
    box.locator("#verify-confirm").click()
    expect(precinct.locator("#verify-result")).to_contain_text("已确认是本人", timeout=seconds(15) * MS)
    after = get_case(stack, case["id"])
    assert after["status"] == "located" and after["sightings"][0]["state"] == "confirmed"
    expect(item).to_contain_text("已确认本人", timeout=seconds(15) * MS)
    assert not stack.errors(command) and not stack.errors(precinct)
    close_case(stack, case["id"])
    expect(command.locator("#map")).to_have_attribute("data-alert-circles", "0",
                                                      timeout=seconds(35) * MS)


def test_a_precinct_says_not_the_person(stack: Stack) -> None:
    viewport: ViewportSize = {"width": 1366, "height": 768}
    lat, lon = 40.575, 109.98  # 九原区: far from the other two cases
    r = post(stack, "/v1/missing", {"person": OLD_MAN, "last_seen": {
        "at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "location": {"lat": lat, "lon": lon, "crs": "wgs84"}}}, role="call_taker")
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    sighting = report_at(stack, PASSER_BY, (lat + 1200 / 111_320, lon))
    wait_until(lambda: get_case(stack, case_id)["sightings"], 15, what="the sighting link")
    verifier = get_case(stack, case_id)["sightings"][0]["precinct"]
    other = next(p.id for p in geo.precincts() if p.id != verifier)
    assert post(stack, f"/v1/missing/{case_id}/sightings/{sighting}/dismiss", {},
                role="precinct", precinct=other).status_code == 403
    page = at(stack.open("precinct", "precinct", verifier), viewport)
    page.locator(f"#assignments .card[data-id='{sighting}']").click(timeout=seconds(15) * MS)
    page.locator("#verify-dismiss").click(timeout=seconds(15) * MS)
    expect(page.locator("#verify-result")).to_contain_text("不是本人", timeout=seconds(15) * MS)
    assert get_case(stack, case_id)["sightings"][0]["state"] == "dismissed"
    assert get_case(stack, case_id)["status"] == "open"
    assert not stack.errors(page)
    close_case(stack, case_id, "returned")
