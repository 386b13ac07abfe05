"""The hand-off monitor in Chromium (issue 19): every hand-off with its state, agency,
contact and deadlines; a failed delivery is an alarm with 重试 and 已电话移交 (who, when);
no patrol car is offered for a place outside the jurisdiction. At 1600×1000 and 1366×768.

The browser stack's registry has no webhook for any agency, so a delivery fails at once:
the situation the monitor exists for."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import ViewportSize, expect

from tests.e2e.conftest import Stack, save_screenshot
from tests.e2e.test_corrections_console import MS, VIEWPORTS, at, no_overflow, size
from tests.support import seconds, wait_until

pytestmark = pytest.mark.browser

CITIES = {"1600": "呼和浩特市新城区", "1366": "鄂尔多斯市东胜区"}


@pytest.fixture(scope="module")
def delivering(stack: Stack) -> Stack:
    """The RQ worker that runs webhook jobs (the other browser tests need none)."""
    if "rq" not in stack.service.procs:
        stack.service.spawn("rq", [sys.executable, "-m", "dispatch", "rq-worker"])
    return stack


def handoff(stack: Stack, incident_id: str, status: str | None = None) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        items = stack.call("GET", f"/v1/handoffs?incident_id={incident_id}").json()["items"]
        return next((h for h in items if status is None or h["status"] == status), None)
    return wait_until(probe, 20, what=f"a {status or ''} hand-off of {incident_id}")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=size)
def test_a_failed_handoff_is_retried_then_handed_over_by_phone(
        delivering: Stack, viewport: ViewportSize) -> None:
    stack = delivering
    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10, json={
        "channel": "call", "text": f"{marker} 我在{CITIES[size(viewport)]}，电动车被人偷了"},
        headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    assert r.status_code == 202, r.text
    incident_id = r.json()["id"]
    failed = handoff(stack, incident_id, "failed")
    command = at(stack.open("command", "command"), viewport)
    tab = command.locator("#side-panel .tab[data-tab='handoffs']")
    expect(tab).to_have_class("tab alarm", timeout=seconds(15) * MS)  # the alarm while unseen
    tab.click()
    expect(command.locator("#handoff-alarm")).to_contain_text("送达失败")
    card = command.locator(f"[data-handoff='{failed['id']}']")
    expect(card).to_contain_text("送达失败")
    expect(card).to_contain_text(failed["agency_name"])
    expect(card).to_contain_text("确认时限")
    expect(card).to_contain_text("未登记")  # the registry holds no phone for that police
    no_overflow(command, "#side-panel")
    save_screenshot(command, f"command-handoff-failed-{size(viewport)}.png")

    card.locator("[data-retry]").click()
    expect(command.locator("#toasts")).to_contain_text("已重新发送", timeout=seconds(15) * MS)
    wait_until(lambda: any(s["stage"] == "retry_requested"
                           for s in handoff(stack, incident_id)["steps"]), 10,
               what="the retry step")
    again = handoff(stack, incident_id, "failed")  # still no webhook: fails again, loudly
    assert [s["stage"] for s in again["steps"]].count("delivery_failed") == 2

    card.locator("[data-phone]").click(timeout=seconds(15) * MS)
    form = card.locator(".phone-form")
    form.locator(".phone-contact").fill("值班民警 <b>张</b>警官")
    form.locator(".phone-note").fill("已电话通报案情")
    save_screenshot(command, f"command-handoff-phone-{size(viewport)}.png")
    form.locator(".phone-send").click()
    expect(command.locator("#toasts")).to_contain_text("已记录电话移交", timeout=seconds(15) * MS)
    if not command.locator("#handoff-all").is_checked():
        command.locator("#handoff-all").check()
    expect(card).to_contain_text("对方已接收", timeout=seconds(15) * MS)
    expect(card).to_contain_text("值班民警 <b>张</b>警官")
    assert card.locator("b").count() == 0
    done = handoff(stack, incident_id)
    assert done["status"] == "acknowledged" and done["acknowledged_by"] == "command:command"
    assert stack.service.incident(incident_id)["status"] == "handed_off"

    expect(card).to_contain_text("经办 command")
    assert not stack.errors(command)


def test_recommendations_stay_inside_the_jurisdiction(delivering: Stack) -> None:
    stack = delivering
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10, json={
        "channel": "call", "text": f"E2E-{uuid.uuid4().hex[:6]} 我在西安市雁塔区，有人打架"},
        headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    incident_id = r.json()["id"]
    handoff(stack, incident_id)
    command = at(stack.open("command", "command"), {"width": 1366, "height": 768})
    row = command.locator(f"#board-table tbody tr[data-id='{incident_id}']")
    row.click(timeout=seconds(15) * MS)
    expect(command.locator("#drawer #units-none")).to_contain_text("不在本市辖区",
                                                                   timeout=seconds(15) * MS)
    assert command.locator("#drawer [data-unit]").count() == 0
    assert not stack.errors(command)
