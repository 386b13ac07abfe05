"""The analyst console in a real Chromium: a what-if run with a scenario compared with the
defaults, launched from the form, run by a real RQ worker, and read back in Chinese (the
headline, every KPI by priority and by precinct, the duplicates)."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

import geo
from tests.e2e.conftest import Stack
from tests.support import RedisServer, Service, seconds


@pytest.fixture(scope="module")
def analyst_stack(browser: Browser) -> Iterator[Stack]:
    """API and the simulations' RQ worker on a Redis of their own."""
    server = RedisServer().start()
    svc = Service(server.url, namespace=f"ea{uuid.uuid4().hex[:6]}")
    try:
        svc.start_api()
        svc.spawn("rq", [sys.executable, "-m", "dispatch", "rq-worker", "--queues",
                         "simulations"])
        yield Stack(svc, browser, svc.base)
    finally:
        svc.stop()
        server.cleanup()


def test_a_scenario_compared_with_the_defaults_shows_two_different_runs(
        analyst_stack: Stack) -> None:
    page = analyst_stack.open("analyst", "analyst")
    page.fill('input[name="hours"]', "2")
    page.fill('input[name="seed"]', "4")
    page.select_option("#mix", "night-brawl")
    page.check('input[name="compare"]')
    page.click("#go")
    expect(page.locator("#jobs .job").first).to_contain_text("夜间聚众斗殴")
    report = page.locator("#report")
    expect(report.locator("h3")).to_contain_text("推演报告", timeout=seconds(120) * 1000)
    for heading in ("核心指标", "按优先级", "按派出所", "重复报警合并（对照真实事件）", "图表"):
        expect(report.locator("h4", has_text=heading)).to_have_count(1)
    # The scenario went into the base run only: the 8 brawl calls are not in the defaults.
    first = report.locator("table").first.locator("tbody tr").first
    expect(first.locator("th")).to_have_text("报警数（合并后警情）")
    base, defaults = first.locator("td").all_inner_texts()
    assert base != defaults
    assert int(base.split("（")[0]) > int(defaults.split("（")[0])
    expect(report.locator("thead th", has_text="基准 数量")).to_have_count(1)
    expect(report.locator("thead th", has_text="对比 数量")).to_have_count(1)
    headline = report.locator("table").first.inner_text()
    assert "到场达标率（P1）" in headline and "（P1 " in headline
    # Per priority, P1 first after the overall row.
    arrival = report.locator("tbody tr", has=page.locator("th", has_text="到场（分钟）"))
    expect(arrival.nth(0).locator("td").first).to_have_text("全部")
    expect(arrival.nth(1).locator("td").first).to_have_text("P1")
    # Precinct names with their district, not codes.
    precinct = geo.precincts()[0]
    expect(report.locator("details").first).to_contain_text(
        f"{precinct.name}（{precinct.district_name}）")
    expect(report.locator("details").first).not_to_contain_text(precinct.id)
    duplicates = report.locator("h4", has_text="重复报警合并").locator("xpath=following-sibling::div[1]")
    expect(duplicates).to_contain_text("基准 仅系统自动合并")
    expect(duplicates).to_contain_text("夜间聚众斗殴")
    expect(report.locator("figure img")).to_have_count(7)
    assert analyst_stack.errors(page) == []
    page.context.close()
