"""合成研判 in the consoles: the intake console's panel beside the triage preview, while
typing; the findings on the submitted incident; the precinct's incident detail. Server
text goes in as text (a note cannot inject markup)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Stack, save_screenshot
from tests.support import fresh_point, seconds

pytestmark = pytest.mark.browser
DV_TEXT = "丈夫在家打老婆，邻居报警"


def test_the_call_taker_sees_caller_dv_and_note_findings_while_typing(stack: Stack) -> None:
    svc = stack.service
    # The earlier call came from elsewhere (the same call at the same place minutes apart
    # would be merged as a duplicate, as it should be); the note is where the caller is now.
    elsewhere, point = fresh_point(), fresh_point()
    phone = f"139{uuid.uuid4().int % 10**8:08d}"
    r = svc.post_report({"channel": "call", "text": DV_TEXT, "caller": {"phone": phone},
                         "location": {**elsewhere, "crs": "wgs84"}})
    assert r.status_code == 202, r.text
    earlier = svc.wait_status(r.json()["id"], "assigned")
    note = {"lat": point["lat"], "lon": point["lon"], "radius_m": 80, "kind": "dog",
            "text": '<img src=x onerror="window.__xss=1">院内有大型犬',
            "expires_at": (datetime.now(UTC) + timedelta(days=30)).isoformat()}
    made = httpx.post(f"{svc.base}/v1/synthesis/notes", json=note, timeout=10,
                      headers={"Authorization": f"Bearer {stack.token('command')}"})
    assert made.status_code == 201, made.text

    intake = stack.open("intake", "call_taker")
    intake.fill("#f-phone", phone)
    intake.fill("#f-lat", str(point["lat"]))
    intake.fill("#f-lon", str(point["lon"]))
    intake.fill("#f-accuracy", "15")
    intake.fill("#f-text", DV_TEXT)
    panel = intake.locator("#synthesis")
    wait = seconds(8) * 1000
    expect(panel.locator(".finding.caller_history")).to_contain_text("报警人历史", timeout=wait)
    expect(panel.locator(".finding.caller_history")).to_contain_text(earlier["id"])
    expect(panel.locator(".finding.dv_risk")).to_contain_text("已提级 P3 → P2")
    expect(panel.locator(".finding.premise_note")).to_contain_text('<img src=x onerror="window.__xss=1">')
    assert panel.locator(".finding.premise_note img").count() == 0
    assert intake.evaluate("window.__xss") is None
    save_screenshot(intake, "intake-synthesis.png")

    intake.click("#submit")
    current = intake.locator("#current-synthesis")
    expect(current.locator(".finding.dv_risk")).to_contain_text("已提级", timeout=wait)
    expect(intake.locator("#current .preview-head .prio")).to_have_text("P2", timeout=wait)
    incident_id = intake.locator("#current dd.mono").first.inner_text()
    assigned = svc.wait_status(incident_id, "assigned")
    assert not stack.errors(intake), stack.errors(intake)

    precinct = stack.open("precinct", "precinct", assigned["precinct"])
    precinct.locator(f".card[data-id='{incident_id}']").click(timeout=wait)
    detail = precinct.locator("#detail .detail-synthesis")
    expect(detail.locator(".finding.caller_history")).to_contain_text(earlier["id"], timeout=wait)
    expect(precinct.locator("#detail .timeline")).to_contain_text("合成研判")
    assert not stack.errors(precinct), stack.errors(precinct)


def test_the_call_taker_sees_an_open_missing_person_case_the_report_describes(
        stack: Stack) -> None:
    svc = stack.service
    point = fresh_point()
    seen = {"lat": point["lat"] - 1200 / 111_320, "lon": point["lon"], "crs": "wgs84"}
    person = {"gender": "male", "age": 78, "height_cm": 170, "clothing": ["灰色夹克"],
              "conditions": ["dementia"], "features": ['<img src=x onerror="window.__xss=2">']}
    body = {"person": person, "last_seen": {
        "at": (datetime.now(UTC) - timedelta(minutes=40)).isoformat(), "location": seen}}
    made = httpx.post(f"{svc.base}/v1/missing", json=body, timeout=10,
                      headers={"Authorization": f"Bearer {stack.token('call_taker')}"})
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]

    intake = stack.open("intake", "call_taker")
    intake.fill("#f-lat", str(point["lat"]))
    intake.fill("#f-lon", str(point["lon"]))
    intake.fill("#f-accuracy", "15")
    intake.fill("#f-text", "路边有个老大爷走来走去，穿灰色夹克，七十多岁，看着糊里糊涂的，好像迷路了")
    found = intake.locator("#synthesis .finding.missing_person")
    wait = seconds(8) * 1000
    expect(found).to_contain_text("失踪人员比对", timeout=wait)
    expect(found).to_contain_text(case_id)
    expect(found).to_contain_text("疑似在册失踪人员")
    assert found.locator("img").count() == 0
    assert intake.evaluate("window.__xss") is None
    assert not stack.errors(intake), stack.errors(intake)
    httpx.post(f"{svc.base}/v1/missing/{case_id}/close", json={"outcome": "returned"},
               timeout=10, headers={"Authorization": f"Bearer {stack.token('command')}"})
