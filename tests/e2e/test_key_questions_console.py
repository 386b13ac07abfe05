"""The call-taker asks the key questions the preview shows and answers with one click;
life-risk and 待人工研判 banners are visible; answers given before submitting are
recorded on the incident."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import geo
from tests.e2e.conftest import Stack, save_screenshot
from tests.support import seconds

pytestmark = pytest.mark.browser


def test_open_questions_answered_with_one_click_raise_the_preview_and_the_incident(
        stack: Stack) -> None:
    intake = stack.open("intake", "call_taker")
    text = "小区门口两个男的在吵架，声音很大，围了好多人"
    intake.fill("#f-text", text)
    preview = intake.locator("#preview")
    weapon = preview.locator(".question[data-code='weapon']")
    expect(weapon).to_be_visible(timeout=seconds(5) * 1000)
    expect(weapon).to_contain_text("凶器")
    before = preview.locator(".preview-head .prio").inner_text()
    weapon.locator("[data-answer='yes']").click()
    preview.locator(".question[data-code='still_happening'] [data-answer='yes']").click()
    expect(preview.locator(".preview-head .prio")).to_have_text("P1", timeout=seconds(5) * 1000)
    assert before != "P1"
    expect(preview.locator(".questions .answered")).to_contain_text("有无凶器：是")
    save_screenshot(intake, "intake-questions.png")

    lat, lon = geo.precinct(next(p.id for p in geo.precincts() if p.district == "150205")).seat
    intake.fill("#f-lat", str(lat))
    intake.fill("#f-lon", str(lon))
    intake.click("#submit")
    expect(intake.locator("#current .preview-head .prio")).to_have_text(
        "P1", timeout=seconds(8) * 1000)
    incident_id = intake.locator("#current dd.mono").first.inner_text()
    incident = stack.service.incident(incident_id)
    assert incident["answers"] == {"weapon": "yes", "still_happening": "yes"}
    assert any(e["type"] == "incident.questions_answered" and e["actor"].startswith("call_taker:")
               for e in incident["timeline"])
    assert not stack.errors(intake), stack.errors(intake)


def test_a_life_risk_report_shows_its_danger_before_submitting(stack: Stack) -> None:
    intake = stack.open("intake", "call_taker")
    intake.fill("#f-text", "地下车库进水了，我爸下去挪车半个小时了还没上来，电话也打不通")
    banner = intake.locator("#preview .banner.life-risk")
    expect(banner).to_be_visible(timeout=seconds(5) * 1000)
    expect(banner).to_contain_text("生命危险")
    expect(intake.locator("#preview .preview-head .prio")).to_have_text("P1")
    assert not stack.errors(intake), stack.errors(intake)
