"""The three consoles in a real headless Chromium against the real service stack."""

from __future__ import annotations

import io
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Locator, Page, expect

import geo
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Stack, save_screenshot
from tests.support import seconds, wait_until

pytestmark = pytest.mark.browser



def _precinct(district: str, n: int = 0) -> str:
    """The n-th precinct of a district in the active layer."""
    return [p.id for p in geo.precincts() if p.district == district][n]


# One precinct per scenario, so the scenarios do not see each other's cards.
FLOW_PRECINCT = _precinct("150203")      # 昆都仑区
XSS_PRECINCT = _precinct("150202")       # 东河区
RESTART_PRECINCT = _precinct("150204")   # 青山区

# Reports that fill the boards for the screenshots (varied category and priority). Each
# stands far enough (> 900 m) from any report of a related kind that the duplicate-call
# check keeps them apart: compatible reports at one spot would be merged into one incident.
SEEDS = [
    ("超市刚被盗了，小偷往北边跑了，拿走两部手机", FLOW_PRECINCT),
    ("钢铁大街两车追尾，无人受伤，车辆堵住路口", FLOW_PRECINCT),
    ("青山区文化路有人持刀伤人，伤者流血不止，嫌疑人还在附近", _precinct("150204", 1)),
    ("邻居家装修噪音很大，半夜还在施工，多次沟通无果", _precinct("150203", 1)),
    ("小区楼道里着火了，冒出很多浓烟，有老人被困", _precinct("150202", 1)),
    ("我家老人走失了，七十岁，穿蓝色外套，有老年痴呆", _precinct("150204", 2)),
    ("接到电话说我儿子被抓要交保证金，转了两万块钱", _precinct("150207")),
]


def card(page: Page, text: str) -> Locator:
    return page.locator("#assignments .card", has_text=text)


def wait_live(page: Page) -> None:
    expect(page.locator("#conn")).to_have_attribute("data-state", "live",
                                                    timeout=seconds(10) * 1000)


def seed(stack: Stack) -> list[str]:
    ids = [stack.report(text, precinct) for text, precinct in SEEDS]
    for i in ids:
        stack.service.wait_status(i, "assigned", timeout=10)
    return ids


def test_report_reaches_precinct_then_ack_shows_on_command(stack: Stack) -> None:
    """Call-taker types a report; the right precinct sees it within 2 s; ack reaches command."""
    seed(stack)
    precinct = stack.open("precinct", "precinct", FLOW_PRECINCT)
    command = stack.open("command", "command")
    intake = stack.open("intake", "call_taker")
    wait_live(precinct)
    wait_live(command)

    marker = f"E2E-{uuid.uuid4().hex[:6]}"
    text = f"{marker} 昆区少先路一男子持刀抢劫路人，有人受伤流血"
    lat, lon = geo.precinct(FLOW_PRECINCT).seat
    intake.fill("#f-text", text)
    intake.fill("#f-address", "包头市昆都仑区少先路")
    intake.fill("#f-phone", "13804721234")
    intake.fill("#f-lat", str(lat))
    intake.fill("#f-lon", str(lon))
    intake.fill("#f-accuracy", "12")
    started = time.monotonic()
    intake.click("#submit")

    # The precinct console shows it, as a P1 awaiting ack, within 2 s of the click.
    expect(card(precinct, marker)).to_be_visible(timeout=seconds(2) * 1000)
    elapsed = time.monotonic() - started
    assert elapsed <= seconds(2), f"took {elapsed:.2f} s to reach the precinct console"
    item = card(precinct, marker)
    expect(item).to_have_attribute("data-priority", "P1")
    expect(item.locator(".countdown")).to_be_visible()
    expect(precinct.locator("#p1-banner")).to_have_class("alert-banner on")

    # The call-taker sees it triaged and where it went.
    expect(intake.locator("#current")).to_contain_text("少先路", timeout=seconds(5) * 1000)
    expect(intake.locator("#recent-table")).to_contain_text(marker, timeout=seconds(6) * 1000)

    # The officer opens it (timeline) and acknowledges.
    item.click()
    expect(precinct.locator("#detail")).to_contain_text("派警", timeout=seconds(5) * 1000)
    item.locator("[data-ack]").click()
    expect(item).to_have_attribute("data-status", "acknowledged", timeout=seconds(5) * 1000)

    # The command centre's board shows it acknowledged.
    row = command.locator("#board-table tbody tr", has_text=marker)
    expect(row).to_have_attribute("data-status", "acknowledged", timeout=seconds(5) * 1000)
    expect(row).to_contain_text("已签收")
    incident_id = row.get_attribute("data-id")
    assert incident_id
    state = stack.service.incident(incident_id)
    assert state["status"] == "acknowledged"
    assert state["precinct"] == FLOW_PRECINCT
    assert state["acknowledged_by"] == f"precinct:{FLOW_PRECINCT}"

    # The timeline on the precinct console now lists the ack too.
    expect(precinct.locator("#detail .timeline")).to_contain_text("签收", timeout=seconds(5) * 1000)

    # The officer sends the fastest recommended unit: 派遣 sets the incident out (出警).
    unit = precinct.locator("#recommendations [data-unit]").first
    expect(unit).to_be_visible(timeout=seconds(5) * 1000)
    unit_id = unit.get_attribute("data-unit")
    assert unit_id
    unit.click()
    expect(precinct.locator(f"#detail-units [data-unit='{unit_id}']")).to_have_count(
        1, timeout=seconds(5) * 1000)
    assert unit_id not in precinct.locator("#detail-units").inner_text()  # the call sign shows
    expect(item).to_have_attribute("data-status", "en_route", timeout=seconds(5) * 1000)
    expect(row).to_have_attribute("data-status", "en_route", timeout=seconds(5) * 1000)
    state = stack.service.incident(incident_id)
    assert state["status"] == "en_route" and unit_id in state["units"]
    # Wait for the short P3 clock to escalate a seed, so the board shows an escalation.
    expect(command.locator("#escalations tr").first).to_be_visible(timeout=seconds(10) * 1000)
    # The duty officer acknowledges an escalated report in the precinct's stead.
    escalated = command.locator("#board-table tbody tr", has_text="两车追尾")
    escalated.locator("[data-ack]").click(timeout=seconds(10) * 1000)
    expect(escalated).to_have_attribute("data-status", "acknowledged", timeout=seconds(5) * 1000)
    assert stack.service.incident(escalated.get_attribute("data-id") or "")[
        "acknowledged_by"].startswith("command:")
    intake.fill("#f-text", "昆区钢铁大街有人持刀抢劫，受伤流血，嫌疑人往南跑了")
    expect(intake.locator("#preview-text mark").first).to_be_visible(timeout=seconds(5) * 1000)
    for page, name in ((intake, "intake.png"), (precinct, "precinct.png"),
                       (command, "command.png")):
        save_screenshot(page, name)
        assert not stack.errors(page), stack.errors(page)


def test_call_taker_preview_duplicate_merge_and_override(stack: Stack) -> None:
    """Cues light up while typing; a second call about an open case is offered as a
    duplicate and merged; the call-taker overrides the triage with a reason."""
    where = _precinct("150207", 1)
    first = stack.report("我家孩子在公园走丢了，男孩六岁，穿黄色上衣", where)
    stack.service.wait_status(first, "assigned", timeout=10)
    intake = stack.open("intake", "call_taker")

    text = "公园门口看到一个小男孩在哭，说找不到妈妈了，穿黄色上衣，大概六岁"
    intake.fill("#f-text", text)
    preview = intake.locator("#preview")
    expect(preview.locator(".preview-head")).to_contain_text("人员走失", timeout=seconds(5) * 1000)
    marks = preview.locator("#preview-text mark")
    expect(marks.first).to_be_visible()
    assert all(m in text for m in marks.all_inner_texts())
    assert intake.locator("#preview-text").inner_text() == text  # the text itself is intact

    lat, lon = geo.precinct(where).seat
    intake.fill("#f-lat", str(lat + 0.0005))  # about 55 m north of the first caller
    intake.fill("#f-lon", str(lon))
    intake.click("#submit")
    suggestion = intake.locator(f"#duplicates tr[data-id='{first}']")
    expect(suggestion).to_be_visible(timeout=seconds(6) * 1000)
    child = intake.locator("#current dd.mono").first.inner_text()
    suggestion.locator("[data-merge]").click()
    # The console now follows the parent, which counts both callers and keeps both texts.
    expect(intake.locator("#current dd.mono").first).to_have_text(first, timeout=seconds(5) * 1000)
    parent = stack.service.incident(first)
    assert stack.service.incident(child)["status"] == "merged"
    assert parent["callers"] == 2
    assert any(e["type"] == "incident.caller_added" and e["payload"].get("text") == text
               for e in parent["timeline"])

    intake.select_option("#o-priority", "P2")
    intake.fill("#o-reason", "电话回拨核实：孩子已由商户照看，情况稳定")
    intake.click("#o-send")
    expect(intake.locator("#current .preview-head .prio")).to_have_text("P2",
                                                                        timeout=seconds(5) * 1000)
    retriaged = [e for e in stack.service.incident(first)["timeline"]
                 if e["type"] == "incident.retriaged"]
    assert retriaged and retriaged[-1]["payload"]["priority"] == "P2"
    assert retriaged[-1]["actor"].startswith("call_taker:")
    assert "商户照看" in retriaged[-1]["payload"]["reason"]
    assert not stack.errors(intake), stack.errors(intake)


def test_a_later_caller_adds_to_the_incident_and_the_precinct_sees_what(stack: Stack) -> None:
    """一警多报: a second caller of one fire says someone is still inside; the call merges
    into the first incident, which takes the caller's life-risk cue, and the precinct's
    card says 新情况 until the officer opens it, where a banner says what was added."""
    where = _precinct("150205")
    page = stack.open("precinct", "precinct", where)
    wait_live(page)
    first = stack.report("一栋居民楼14楼窗户往外冒烟了，闻着有股焦味", where)
    stack.service.wait_status(first, "assigned", timeout=10)
    item = card(page, "14楼窗户往外冒烟")
    expect(item).to_be_visible(timeout=seconds(5) * 1000)
    second = stack.report("14楼着火了，里面还有个老太太没出来，快来人", where)
    stack.service.wait_status(second, "merged", timeout=10)
    chip = item.locator(".chip.caller-change")
    expect(chip).to_have_text("新情况", timeout=seconds(5) * 1000)
    assert "有人被困" in (chip.get_attribute("title") or "")
    item.click()
    banner = page.locator("#caller-changes")
    expect(banner).to_contain_text("后续报警人补充情况", timeout=seconds(5) * 1000)
    expect(banner).to_contain_text(second)
    expect(banner).to_contain_text("有人被困")
    expect(page.locator("ol.timeline li.caller-change").first).to_be_visible()
    expect(item.locator(".chip.caller-change")).to_have_count(0)
    parent = stack.service.incident(first)
    assert parent["callers"] == 2 and "trapped" in {r["kind"] for r in parent["life_risk"]}
    assert not stack.errors(page), stack.errors(page)


def test_a_preliminary_dispatch_then_what_the_caller_says_next(stack: Stack) -> None:
    """先期处置: the call-taker sends the smoke at once and goes on asking; what the caller
    then says (an old woman still inside) raises the incident to P1 from the same page."""
    where = _precinct("150206")
    lat, lon = geo.precinct(where).seat
    intake = stack.open("intake", "call_taker")
    intake.fill("#f-text", "楼道里有烟")
    intake.fill("#f-lat", str(lat))
    intake.fill("#f-lon", str(lon))
    intake.click("#submit-early")
    box = intake.locator("#details-text")
    expect(box).to_be_visible(timeout=seconds(6) * 1000)
    expect(intake.locator("#current .preview-head .prio")).to_have_text("P2")
    box.fill("三楼那家门缝往外冒烟，里面还有个老太太没出来")
    intake.click("#details-send")
    expect(intake.locator("#current .preview-head .prio")).to_have_text(
        "P1", timeout=seconds(5) * 1000)
    expect(intake.locator("#details .details-list li")).to_have_text(
        ["三楼那家门缝往外冒烟，里面还有个老太太没出来"])
    assert not stack.errors(intake), stack.errors(intake)


XSS_TEXT = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1"> '
            "有人在店里打架闹事")


def test_markup_in_a_report_renders_as_text(stack: Stack) -> None:
    """A report containing <script> and <img onerror> is shown literally and never runs."""
    precinct = stack.open("precinct", "precinct", XSS_PRECINCT)
    command = stack.open("command", "command")
    intake = stack.open("intake", "call_taker")
    wait_live(precinct)
    wait_live(command)
    lat, lon = geo.precinct(XSS_PRECINCT).seat
    intake.fill("#f-text", XSS_TEXT)
    intake.fill("#f-lat", str(lat))
    intake.fill("#f-lon", str(lon))
    intake.click("#submit")

    literal = '<img src=x onerror="window.__pwned=1">'
    item = card(precinct, "<script>window.__pwned=1</script>")
    expect(item).to_be_visible(timeout=seconds(5) * 1000)
    expect(item.locator(".text")).to_have_text(XSS_TEXT)
    item.click()
    expect(precinct.locator("#detail-text")).to_have_text(XSS_TEXT, timeout=seconds(5) * 1000)
    expect(precinct.locator("#detail .timeline")).to_contain_text(literal)
    expect(command.locator("#board-table td.text", has_text=literal)).to_be_visible(
        timeout=seconds(5) * 1000)
    expect(intake.locator("#recent-table td.text", has_text=literal).first).to_be_visible(
        timeout=seconds(6) * 1000)
    for page in (precinct, command, intake):
        assert page.evaluate("typeof window.__pwned") == "undefined"
        # No element was built from the text: no <img src=x>, no injected script.
        assert page.locator("img[src='x']").count() == 0
        assert page.locator("script:not([src])").count() == 0
        assert not stack.errors(page), stack.errors(page)


def test_precinct_console_survives_api_restart_and_catches_up(stack: Stack) -> None:
    """Kill the console's API process, post through another one, restart: nothing is lost."""
    svc = stack.service
    page = stack.open("precinct", "precinct", RESTART_PRECINCT)
    wait_live(page)
    before = stack.report("重启前：我家孩子在小区门口走丢了，八岁，穿红色外套", RESTART_PRECINCT)
    expect(page.locator(f".card[data-id='{before}']")).to_be_visible(timeout=seconds(5) * 1000)

    svc.kill("api")
    try:
        expect(page.locator("#conn")).to_have_attribute("data-state", "down",
                                                        timeout=seconds(10) * 1000)
        # While the console is cut off, reports arrive through the second API process.
        # Three kinds of event that never merge with each other or with the one before.
        missed = [stack.report(f"断线期间：{text}", RESTART_PRECINCT, base=stack.second_api)
                  for text in ("有人持刀威胁店主", "小区门口两辆车追尾，无人受伤",
                               "停在楼下的电动车被偷了")]
        def all_assigned() -> bool:
            return all(stack.call("GET", f"/v1/incidents/{i}", stack.second_api)
                       .json()["status"] == "assigned" for i in missed)

        wait_until(all_assigned, 10, what="the missed reports to be assigned")
        acked = stack.call("POST", f"/v1/incidents/{before}/ack", stack.second_api)
        assert acked.status_code == 200, acked.text
    finally:
        svc.start_api("api")  # the same port; the other tests share this service

    # It reconnects by itself with since=<last event id> and replays what it missed.
    wait_live(page)
    for i in missed:
        expect(page.locator(f".card[data-id='{i}']")).to_have_count(1, timeout=seconds(10) * 1000)
    expect(page.locator(f".card[data-id='{before}']")).to_have_attribute(
        "data-status", "acknowledged", timeout=seconds(5) * 1000)
    since = page.evaluate(f"sessionStorage.getItem('dispatch.since.{RESTART_PRECINCT}')")
    last = svc.incident(missed[-1])["timeline"][-1]["event_id"]
    wait_until(lambda: _id(page.evaluate(
        f"sessionStorage.getItem('dispatch.since.{RESTART_PRECINCT}')")) >= _id(last), 5,
        what="the console's since to pass the last missed event")
    assert since
    assert not stack.errors(page), stack.errors(page)


def _id(event_id: str | None) -> tuple[int, int]:
    ms, _, seq = (event_id or "0-0").partition("-")
    return int(ms), int(seq or 0)


def _png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("L")


def _ink(img: Image.Image) -> int:
    """How many pixels differ clearly from the background (the top-left pixel)."""
    bg = int(img.getpixel((0, 0)))  # type: ignore[arg-type]
    return sum(n for level, n in enumerate(img.histogram()) if abs(level - bg) > 40)


def _same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a, b).getbbox() is None


SAMPLES_JS = """() => {
  const samples = [["cjk-a", "派出所接警"], ["cjk-b", "指挥中心台"],
                   ["tofu", "\\u0378\\u0379\\u0380\\u0381\\u0382"]];
  samples.forEach(([id, text], i) => {
    const span = document.createElement("span");
    span.id = id;
    span.textContent = text;
    span.style.cssText = `position:fixed;left:10px;top:${200 + 60 * i}px;font-size:32px;` +
      "background:#000;color:#fff;padding:4px;z-index:9999";
    document.body.append(span);
  });
}"""


def looks_like_tofu(page: Page) -> tuple[bool, str]:
    """Render two different Chinese strings and a row of code points no font has (always
    drawn as empty .notdef boxes) in the page's own font, and compare the pixels.

    Returns:
        Whether the Chinese came out as boxes, and the measurements for the message.
    """
    page.evaluate(SAMPLES_JS)
    a, b, tofu = (_png(page.locator(f"#{i}").screenshot()) for i in ("cjk-a", "cjk-b", "tofu"))
    detail = f"ink {_ink(a)}/{_ink(b)} vs boxes {_ink(tofu)}, sizes {a.size} {b.size} {tofu.size}"
    # With no CJK font every character is the same box: two different strings of the same
    # length come out pixel-identical, and identical to the box row. Real hanzi also carry
    # far more strokes than empty boxes.
    boxes = _same(a, b) or _same(a, tofu) or _ink(a) < 1.5 * _ink(tofu)
    return boxes, detail


def test_chinese_text_renders_with_a_cjk_font(stack: Stack, tmp_path: Path) -> None:
    """Chinese renders as real glyphs, not the empty boxes of a missing CJK font."""
    page = stack.open("intake", "call_taker")
    expect(page.locator(".topbar h1")).to_have_text("110 接警台")
    boxes, detail = looks_like_tofu(page)
    assert not boxes, f"Chinese renders as empty boxes: install fonts-wqy-microhei ({detail})"

    # The detector itself: the same browser with only a Latin font must be caught.
    latin = _latin_only_fontconfig(tmp_path)
    bare = stack.browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             env={**os.environ, "FONTCONFIG_FILE": str(latin)})
    try:
        control = bare.new_page()
        control.goto(f"{stack.service.base}/console/")
        boxes, detail = looks_like_tofu(control)
        assert boxes, f"the check missed the boxes of a Latin-only browser ({detail})"
    finally:
        bare.close()


def _latin_only_fontconfig(tmp_path: Path) -> Path:
    """A fontconfig file that offers the browser one font with no Chinese in it."""
    listed = subprocess.run(["fc-list", ":lang=en", "file"], capture_output=True, text=True,
                            check=True).stdout
    chinese = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             check=True).stdout
    cjk = {line.strip().rstrip(":") for line in chinese.splitlines()}
    files = [line.strip().rstrip(":") for line in listed.splitlines()
             if line.strip().rstrip(":") not in cjk and line.strip().endswith((".ttf:", ".otf:"))]
    assert files, "no Latin-only font to build the control browser from"
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / Path(files[0]).name).symlink_to(files[0])
    conf = tmp_path / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>
""", encoding="utf-8")
    return conf
