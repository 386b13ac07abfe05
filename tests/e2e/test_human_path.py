"""Every incident has someone who can act on it: the human path in the consoles, driven
in Chromium at 1600×1000 and 1366×768 on the real stack, with screenshots.

转派 and the location fix on the command console, "not placed precisely — pick one" at
intake, a missing-person case opened from its report, a sighting confirmed by the
precinct sent to verify, a failed hand-off retried and handed over by phone, 结案 with a
disposition, 当场答复, search, and the map's markers through a whole lifecycle.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, ViewportSize, expect

import geo
from tests.e2e.conftest import SIZES, Stack, save_screenshot
from tests.support import seconds, wait_until

pytestmark = pytest.mark.browser
MS = 1000


@pytest.fixture(params=list(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[str, ViewportSize]:
    return str(request.param), SIZES[str(request.param)]


def post(stack: Stack, body: dict[str, Any], role: str = "call_taker") -> str:
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10,
                   json={"channel": "call", "source_id": uuid.uuid4().hex, **body},
                   headers={"Authorization": f"Bearer {stack.token(role)}"})
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def incident(stack: Stack, incident_id: str) -> dict[str, Any]:
    return stack.service.incident(incident_id)


def wait_live(page: Page) -> None:
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=seconds(10) * MS)


def assigned(stack: Stack, incident_id: str) -> dict[str, Any]:
    return stack.service.wait_status(incident_id, "assigned", timeout=20)


def no_errors(stack: Stack, *pages: Page) -> None:
    for page in pages:
        assert not stack.errors(page), stack.errors(page)


def board_row(page: Page, incident_id: str) -> Any:
    return page.locator(f"#board-table tbody tr[data-id='{incident_id}']")


def open_drawer(page: Page, incident_id: str) -> None:
    row = board_row(page, incident_id)
    expect(row).to_be_visible(timeout=seconds(10) * MS)
    row.click()
    expect(page.locator("#drawer")).to_be_visible()
    expect(page.locator("#drawer-text")).to_be_visible(timeout=seconds(5) * MS)


UNPLACED_FIGHT = {"1600": "昆都仑区钢铁大街与民族西路交叉口", "1366": "青山区钢铁大街"}
UNPLACED_THEFT = {"1600": "东河区巴彦塔拉大街", "1366": "九原区建华南路"}


def test_command_reassigns_an_unplaced_incident(stack: Stack,
                                                size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    marker = uuid.uuid4().hex[:6]
    incident_id = post(stack, {"text": f"{marker} 路口有人拿刀打架，快来",
                               "address": UNPLACED_FIGHT[key]})
    assert assigned(stack, incident_id)["precinct"] == "command"
    page = stack.open("command", "command", viewport=viewport, name="李强")
    wait_live(page)
    expect(board_row(page, incident_id)).to_contain_text("待定位", timeout=seconds(10) * MS)
    open_drawer(page, incident_id)
    expect(page.locator("#drawer-unplaced")).to_contain_text("未能精确定位")
    page.select_option("#drawer-reassign-to", "150203003")
    page.fill("#drawer-reassign-reason", "回拨报警人：在沼潭街道阿尔丁大街口")
    save_screenshot(page, f"command-reassign-{key}.png")
    page.click("#drawer-reassign-send")
    expect(page.locator("#drawer-precinct")).to_contain_text("沼潭", timeout=seconds(5) * MS)
    expect(board_row(page, incident_id)).to_contain_text("沼潭")
    state = incident(stack, incident_id)
    assert state["precinct"] == "150203003" and state["status"] == "assigned"
    moved = [e for e in state["timeline"] if e["type"] == "incident.assigned"][-1]
    assert moved["actor"] == "command:李强" and moved["payload"]["reassigned_from"] == "command"
    expect(page.locator("#drawer .timeline")).to_contain_text("转派至 沼潭街道")
    expect(page.locator("#drawer .timeline")).to_contain_text("指挥中心 李强")
    no_errors(stack, page)


def test_command_fixes_the_location_by_picking_a_candidate(stack: Stack,
                                                           size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    incident_id = post(stack, {"text": f"{uuid.uuid4().hex[:6]} 我的电动车被人偷了",
                               "address": UNPLACED_THEFT[key]})
    assert assigned(stack, incident_id)["precinct"] == "command"
    page = stack.open("command", "command", viewport=viewport)
    wait_live(page)
    open_drawer(page, incident_id)
    candidate = page.locator("#drawer-suggest .cand").first
    expect(candidate).to_be_visible(timeout=seconds(5) * MS)
    expect(page.locator("#drawer-sg-status")).to_have_attribute("data-precise", "false")
    wanted = candidate.get_attribute("data-precinct")
    assert wanted
    save_screenshot(page, f"command-location-{key}.png")
    candidate.click()
    expect(page.locator("#drawer-unplaced")).to_have_count(0, timeout=seconds(5) * MS)
    state = incident(stack, incident_id)
    assert state["precinct"] == wanted and state["location"]["corrected"] is True
    assert state["location"]["source"] == "operator" and state["ack_due_at"]
    expect(board_row(page, incident_id)).not_to_contain_text("待定位")
    no_errors(stack, page)


def test_command_fixes_the_location_by_a_map_click(stack: Stack) -> None:
    incident_id = post(stack, {"text": f"{uuid.uuid4().hex[:6]} 有人在小区里偷东西",
                               "address": "昆都仑区莫尼路"})
    assert assigned(stack, incident_id)["precinct"] == "command"
    page = stack.open("command", "command", viewport=SIZES["1600"])
    wait_live(page)
    open_drawer(page, incident_id)
    page.click("#drawer-pick-map")
    expect(page.locator("#map.picking")).to_have_count(1, timeout=2 * MS)  # crosshair mode
    box, drawer = page.locator("#map").bounding_box(), page.locator("#drawer").bounding_box()
    assert box and drawer
    # The drawer covers the map's right side: click the middle of what is left of it.
    page.mouse.click((box["x"] + drawer["x"]) / 2, box["y"] + box["height"] * 0.5)
    wait_until(lambda: incident(stack, incident_id)["location"].get("corrected"), 10,
               what="the clicked point to be saved")
    state = incident(stack, incident_id)
    assert state["location"]["source"] == "operator"
    assert state["precinct"] == (state["location"]["precinct"] or "command")
    no_errors(stack, page)


PICK_ADDRESS = {"1600": "东河区巴彦塔拉大街", "1366": "九原区建华南路"}


def test_intake_asks_to_pick_a_place_before_submitting(stack: Stack,
                                                      size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    page = stack.open("intake", "call_taker", viewport=viewport, name="王芳")
    wait_live(page)
    marker = uuid.uuid4().hex[:6]
    page.fill("#f-text", f"{marker} 路口有辆车抛锚了，把路堵住了")
    page.fill("#f-address", PICK_ADDRESS[key])
    expect(page.locator("#address-status")).to_have_attribute("data-precise", "false",
                                                              timeout=seconds(5) * MS)
    page.click("#submit")
    expect(page.locator(".toast.error")).to_contain_text("未能精确定位", timeout=seconds(3) * MS)
    expect(page.locator("#recent-table")).not_to_contain_text(marker)
    candidate = page.locator("#address-check .cand").first
    wanted = candidate.get_attribute("data-precinct")
    candidate.click()
    expect(page.locator("#f-lat")).not_to_have_value("")
    save_screenshot(page, f"intake-pick-{key}.png")
    page.click("#submit")
    expect(page.locator("#recent-table")).to_contain_text(marker, timeout=seconds(6) * MS)
    row = page.locator("#recent-table tbody tr", has_text=marker)
    incident_id = row.get_attribute("data-id")
    assert incident_id
    state = assigned(stack, incident_id)
    assert state["precinct"] == wanted and state["location"]["source"] in ("device", "combined")
    no_errors(stack, page)


def test_intake_opens_the_missing_case_from_its_report(stack: Stack,
                                                      size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    page = stack.open("intake", "call_taker", viewport=viewport)
    wait_live(page)
    lat, lon = geo.precinct("150202006" if key == "1600" else "150204002").seat
    page.fill("#f-text", f"我母亲走丢了，{68 if key == '1600' else 75}岁，有老年痴呆，穿红色棉袄，"
                         "一个小时前在家门口不见的")
    page.fill("#f-phone", "13904721111")
    page.fill("#f-lat", str(lat))
    page.fill("#f-lon", str(lon))
    page.click("#submit")
    form = page.locator("#case-form")
    expect(form).to_be_visible(timeout=seconds(10) * MS)
    expect(page.locator("#mp-gender")).to_have_value("female")
    expect(page.locator("#mp-clothing")).to_have_value("红色棉袄")
    page.fill("#mp-name", "赵桂兰")
    save_screenshot(page, f"intake-missing-{key}.png")
    page.click("#mp-open")
    expect(page.locator("#case-opened")).to_be_visible(timeout=seconds(10) * MS)
    case_id = (page.locator("#case-opened").text_content() or "").split()[-1]
    r = httpx.get(f"{stack.service.base}/v1/missing/{case_id}", timeout=10,
                  headers={"Authorization": f"Bearer {stack.token('command')}"})
    case = r.json()
    assert case["person"]["name"] == "赵桂兰" and case["person"]["gender"] == "female"
    assert "dementia" in case["person"]["conditions"] and case["risk"]["grade"] == "high"
    assert case["reporter"]["phone"] == "13904721111"
    no_errors(stack, page)


def test_the_verifying_precinct_confirms_the_sighting(stack: Stack,
                                                     size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    seen = (40.6575, 109.8403) if key == "1600" else (40.5740, 110.0370)
    sighting = (seen[0] + 1000 / 111_320, seen[1])
    at = (datetime.now(UTC) - timedelta(minutes=40)).isoformat()
    headers = {"Authorization": f"Bearer {stack.token('call_taker')}"}
    r = httpx.post(f"{stack.service.base}/v1/missing", timeout=10, headers=headers, json={
        "person": {"gender": "male", "age": 79, "height_cm": 168, "clothing": ["灰色夹克"],
                   "conditions": ["dementia"]},
        "last_seen": {"at": at, "location": {"lat": seen[0], "lon": seen[1], "crs": "wgs84"}}})
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    call = post(stack, {"text": "马路边有个老大爷走来走去，穿灰色夹克，七十多岁，看着糊里糊涂的，好像迷路了",
                        "location": {"lat": sighting[0], "lon": sighting[1], "accuracy_m": 15}})
    def asked() -> dict[str, Any] | None:
        s = incident(stack, call)
        return s if any(e["type"] == "incident.missing"
                        and e["payload"].get("stage") == "verification_requested"
                        for e in s["timeline"]) else None

    state = wait_until(asked, 15, what="the sighting to be sent to verify")
    verifier = state["precinct"]
    page = stack.open("precinct", "precinct", verifier, viewport=viewport, name="张伟")
    wait_live(page)
    page.locator(f".card[data-id='{call}']").click(timeout=seconds(10) * MS)
    expect(page.locator("#verify")).to_be_visible(timeout=seconds(5) * MS)
    expect(page.locator("#verify-description")).to_contain_text("灰色夹克")
    page.fill("#verify-note", "民警到场核实，与照片一致")
    save_screenshot(page, f"precinct-verify-{key}.png")
    page.click("#verify-confirm")
    expect(page.locator("#verify")).to_contain_text("已确认是本人", timeout=seconds(5) * MS)
    r = httpx.get(f"{stack.service.base}/v1/missing/{case_id}", timeout=10, headers=headers)
    assert r.json()["status"] == "located"
    assert r.json()["sightings"][0]["state"] == "confirmed"
    no_errors(stack, page)


def test_a_failed_hand_off_is_retried_then_handed_over_by_phone(
        stack: Stack, size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    city = "呼和浩特市新城区" if key == "1600" else "乌兰察布市集宁区"
    incident_id = post(stack, {"text": f"{city}我的电动车被人偷了 {uuid.uuid4().hex[:4]}"})
    headers = {"Authorization": f"Bearer {stack.token('command')}"}

    def failed() -> dict[str, Any] | None:
        items = httpx.get(f"{stack.service.base}/v1/handoffs", params={"incident_id": incident_id},
                          headers=headers, timeout=10).json()["items"]
        return next((h for h in items if h["status"] == "failed"), None)

    h = wait_until(failed, 30, what="the delivery to fail (no webhook configured)")
    page = stack.open("command", "command", viewport=viewport, name="李强")
    wait_live(page)
    row = page.locator(f"#handoff-table tr[data-handoff='{h['id']}']")
    expect(row).to_have_class("alarm", timeout=seconds(20) * MS)
    expect(page.locator("#handoff-count")).to_contain_text("送达失败")
    row.locator("[data-retry]").click()
    expect(page.locator(".toast.ok")).to_contain_text("已重新发送", timeout=seconds(5) * MS)
    def retried() -> list[str] | None:
        now = failed()
        stages = [s["stage"] for s in now["steps"]] if now else []
        return stages if "retry_requested" in stages else None

    steps = wait_until(retried, 30, what="the retry to run and fail again")
    assert steps[-2:] == ["retry_requested", "delivery_failed"]
    page.locator(f"#handoff-table tr[data-handoff='{h['id']}'] [data-phone]").click(
        timeout=seconds(20) * MS)
    page.fill("#phone-who", "对方指挥中心 赵警官")
    save_screenshot(page, f"command-handoff-{key}.png")
    page.click("#phone-send")
    expect(page.locator(f"#handoff-table tr[data-handoff='{h['id']}']")).to_have_attribute(
        "data-status", "acknowledged", timeout=seconds(5) * MS)
    ack = [e for e in incident(stack, incident_id)["timeline"] if e["type"] == "incident.handoff"
           and e["payload"]["stage"] == "acknowledged"][-1]
    assert ack["payload"]["via"] == "phone" and ack["payload"]["reference"] == "对方指挥中心 赵警官"
    assert ack["actor"] == "command:李强"
    no_errors(stack, page)


def test_precinct_dispatches_and_closes_with_a_disposition(stack: Stack,
                                                          size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    precinct = "150203004" if key == "1600" else "150204004"
    lat, lon = geo.precinct(precinct).seat
    incident_id = post(stack, {"text": f"{uuid.uuid4().hex[:6]} 邻居两家因为停车位吵起来了，请来调解",
                               "caller": {"phone": "13704725555"},
                               "location": {"lat": lat, "lon": lon, "accuracy_m": 15}})
    state = assigned(stack, incident_id)
    page = stack.open("precinct", "precinct", state["precinct"], viewport=viewport, name="张伟")
    wait_live(page)
    page.locator(f".card[data-id='{incident_id}']").click(timeout=seconds(10) * MS)
    expect(page.locator("#detail-phone")).to_have_text("13704725555", timeout=seconds(5) * MS)
    unit = page.locator("#recommendations [data-unit]").first
    expect(unit).to_be_visible(timeout=seconds(5) * MS)
    unit.click()  # 派遣: acknowledged, the unit sent, the incident sets out
    card = page.locator(f".card[data-id='{incident_id}']")
    expect(card).to_have_attribute("data-status", "en_route", timeout=seconds(5) * MS)
    expect(page.locator("#detail-units")).to_contain_text("巡")
    page.locator("#detail [data-status='on_scene']").click()
    expect(page.locator("#detail [data-status='resolved']")).to_be_visible(timeout=seconds(5) * MS)
    page.locator("#detail [data-status='resolved']").click()
    expect(page.locator("#close-disposition")).to_be_visible(timeout=seconds(5) * MS)
    page.select_option("#close-disposition", "mediated")
    page.fill("#close-note", "双方协商解决")
    save_screenshot(page, f"precinct-close-{key}.png")
    page.click("#close-send")
    wait_until(lambda: incident(stack, incident_id)["status"] == "closed", 5)
    final = incident(stack, incident_id)
    assert final["disposition"]["code"] == "mediated"
    assert final["disposition"]["by"] == f"precinct:{state['precinct']}:张伟"
    assert final["acknowledged_by"] == f"precinct:{state['precinct']}:张伟"
    no_errors(stack, page)


def test_call_taker_answers_a_consultation_on_the_spot(stack: Stack,
                                                      size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    page = stack.open("intake", "call_taker", viewport=viewport)
    wait_live(page)
    lat, lon = geo.precinct("150203006" if key == "1600" else "150204006").seat
    page.fill("#f-text", f"我想咨询一下居住证怎么办理，需要什么材料 {uuid.uuid4().hex[:4]}")
    page.fill("#f-lat", str(lat))
    page.fill("#f-lon", str(lon))
    page.click("#submit")
    expect(page.locator("#answer-text")).to_be_visible(timeout=seconds(10) * MS)
    page.fill("#answer-text", "携带身份证和租房合同到社区警务室办理")
    page.click("#answer-send")
    expect(page.locator(".toast.ok", has_text="已当场答复")).to_be_visible(timeout=seconds(5) * MS)
    expect(page.locator("#current .status")).to_contain_text("已结案", timeout=seconds(5) * MS)
    no_errors(stack, page)


def test_search_finds_by_phone_and_id(stack: Stack, size: tuple[str, ViewportSize]) -> None:
    key, viewport = size
    phone = f"1380472{uuid.uuid4().int % 10**4:04d}"
    lat, lon = geo.precinct("150207001" if key == "1600" else "150202003").seat
    incident_id = post(stack, {"text": f"家里的狗丢了 {uuid.uuid4().hex[:4]}", "caller": {"phone": phone},
                               "location": {"lat": lat, "lon": lon, "accuracy_m": 15}})
    assigned(stack, incident_id)
    page = stack.open("command", "command", viewport=viewport)
    wait_live(page)
    page.fill("#board-search", phone[-5:])
    page.press("#board-search", "Enter")
    rows = page.locator("#board-table tbody tr")
    expect(rows).to_have_count(1, timeout=seconds(5) * MS)
    expect(rows.first).to_have_attribute("data-id", incident_id)
    save_screenshot(page, f"command-search-{key}.png")
    page.fill("#board-search", incident_id[-6:])
    expect(rows).to_have_count(1, timeout=seconds(5) * MS)
    intake = stack.open("intake", "call_taker", viewport=viewport)
    intake.fill("#recent-search", phone)
    intake.press("#recent-search", "Enter")
    expect(intake.locator("#recent-table tbody tr")).to_have_count(1, timeout=seconds(5) * MS)
    no_errors(stack, page, intake)


def markers(page: Page) -> tuple[int, int]:
    node = page.locator("#map")
    return (int(node.get_attribute("data-incident-markers") or 0),
            int(node.get_attribute("data-unit-markers") or 0))


def test_one_marker_per_incident_and_unit_through_a_lifecycle(stack: Stack) -> None:
    precinct = "150203010"
    lat, lon = geo.precinct(precinct).seat
    page = stack.open("precinct", "precinct", precinct, viewport=SIZES["1600"])
    wait_live(page)
    expect(page.locator("#map")).to_have_attribute("data-unit-markers", "2", timeout=seconds(10) * MS)
    before, units = markers(page)
    incident_id = post(stack, {"text": f"{uuid.uuid4().hex[:6]} 小区门口有人打架",
                               "location": {"lat": lat, "lon": lon, "accuracy_m": 15}})
    card = page.locator(f".card[data-id='{incident_id}']")
    expect(card).to_be_visible(timeout=seconds(10) * MS)
    wait_until(lambda: markers(page)[0] == before + 1, 5, what="one new incident marker")
    unit_id = f"U{precinct}-01"
    card.click()
    page.locator(f"#recommendations [data-unit='{unit_id}']").click(timeout=seconds(5) * MS)
    expect(card).to_have_attribute("data-status", "en_route", timeout=seconds(5) * MS)
    expect(page.locator(".unit-marker.dispatched")).to_have_count(1, timeout=seconds(5) * MS)
    counts = [markers(page)]
    for status in ("on_scene", "resolved"):
        page.locator(f"#detail [data-status='{status}']").click(timeout=seconds(5) * MS)
        wait_until(lambda s=status: incident(stack, incident_id)["status"] == s, 5)
        page.wait_for_timeout(300)
        counts.append(markers(page))
    assert counts[0] == (before + 1, units) and counts[1] == (before + 1, units)
    assert counts[2] == (before, units)  # resolved: off the map, its unit free again
    page.select_option("#close-disposition", "citation")
    page.click("#close-send")
    wait_until(lambda: incident(stack, incident_id)["status"] == "closed", 5)
    page.wait_for_timeout(300)
    assert markers(page) == (before, units)
    expect(page.locator(".unit-marker.dispatched")).to_have_count(0, timeout=seconds(5) * MS)
    no_errors(stack, page)
