"""系列案件 in the command console (Chromium): three battery thefts close together are one
series in the tab; a fourth joins it live from the feed; a member opens the incident
drawer. At 1366×768 the panel fits."""

from __future__ import annotations

import math
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Stack, save_screenshot
from tests.e2e.test_corrections_console import MS, at, no_overflow
from tests.support import fresh_point, seconds

pytestmark = pytest.mark.browser


def _offset(point: dict[str, float], north_m: float, east_m: float) -> dict[str, float]:
    return {"lat": point["lat"] + north_m / 111_000,
            "lon": point["lon"] + east_m / (111_000 * math.cos(math.radians(point["lat"]))),
            "accuracy_m": 15}


def theft(stack: Stack, text: str, point: dict[str, float]) -> dict[str, Any]:
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10, json={
        "channel": "call", "text": f"{text}（{uuid.uuid4().hex[:4]}）",
        "location": {**point, "crs": "wgs84"}},
        headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    assert r.status_code == 202, r.text
    return stack.service.wait_status(r.json()["id"], "assigned", "acknowledged")


def test_the_command_console_lists_a_series_and_opens_a_member(stack: Stack) -> None:
    home = fresh_point()
    # 300 m apart, so that they are three thefts and not one theft called in three times.
    first, second, third = (theft(stack, text, _offset(home, n, e)) for text, (n, e) in (
        ("小区车棚里电动车电瓶被偷了", (0, 0)), ("楼下电动车的电池被人拆走了", (300, 0)),
        ("我家电瓶车的电瓶昨晚被盗", (150, 300))))
    # The series is named after its earliest member (two received in the same second are
    # ordered by id, so either of the first two may name it).
    listed = stack.call("GET", "/v1/synthesis/series").json()["items"]
    ours = [s for s in listed if first["id"] in [m["incident_id"] for m in s["members"]]]
    assert len(ours) == 1 and ours[0]["id"] in (f"S-{first['id']}", f"S-{second['id']}"), listed
    series_id = ours[0]["id"]

    command = at(stack.open("command", "command"), {"width": 1366, "height": 768})
    tab = command.locator("#side-panel .tab[data-tab='series']")
    expect(command.locator("#series-count")).not_to_have_text("", timeout=seconds(10) * MS)
    tab.click()
    row = command.locator(f"#series tr.series-row[data-series='{series_id}']")
    expect(row).to_contain_text("侵财犯罪")
    expect(row).to_contain_text("3 起")
    expect(row).to_contain_text("半径")

    # A fourth theft in the same community (335 m from the first two): the feed brings
    # it, the row counts four.
    fourth = theft(stack, "停在楼道口的电动车电瓶没了", _offset(home, 150, -300))
    expect(row).to_contain_text("4 起", timeout=seconds(10) * MS)
    row.click()
    members = command.locator("#series tr.series-member[data-id]")
    expect(members).to_have_count(4)
    expect(members.first).to_have_attribute("data-id", fourth["id"])  # newest first
    no_overflow(command, "#side-panel")
    save_screenshot(command, "command-series.png")

    command.locator(f"#series tr.series-member[data-id='{second['id']}']").click()
    expect(command.locator("#drawer #drawer-body")).to_have_attribute("data-id", second["id"])
    expect(command.locator("#drawer")).to_be_visible()
    assert third["id"] in [m.get_attribute("data-id") for m in members.all()]
    assert not stack.errors(command), stack.errors(command)
