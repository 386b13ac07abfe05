"""The forum moderators' console in a real Chromium: posts by due time, cues marked,
markup kept as text, a reply typed and sent."""

from __future__ import annotations

import uuid

import httpx

from tests.e2e.conftest import Stack, save_screenshot
from tests.support import wait_until

CRISIS = "心理抑郁,看不到希望，不想活了"
MARKUP = '请问身份证丢了怎么补办<img src=x onerror="window.__pwned=1">'


def post(stack: Stack, text: str) -> str:
    post_id = f"e2e-{uuid.uuid4().hex[:10]}"
    r = httpx.post(f"{stack.service.base}/v1/reports", timeout=10,
                   headers={"Authorization": f"Bearer {stack.token('call_taker')}"},
                   json={"channel": "forum", "text": text,
                         "forum": {"post_id": post_id, "author": "网友"}})
    assert r.status_code == 202, r.text
    wait_until(lambda: stack.call("GET", f"/v1/forum/posts/{post_id}").status_code == 200, 15,
               what="the post to open")
    return post_id


def test_moderator_sees_posts_by_due_time_and_replies(stack: Stack) -> None:
    crisis = post(stack, CRISIS)
    markup = post(stack, MARKUP)
    page = stack.open("forum", "call_taker")
    page.wait_for_selector(f'.card[data-post="{crisis}"]', timeout=15000)
    page.wait_for_selector(f'.card[data-post="{markup}"]', timeout=15000)
    order = page.eval_on_selector_all("#posts .card", "cards => cards.map(c => c.dataset.post)")
    listed = [p["post_id"] for p in stack.call("GET", "/v1/forum/posts?limit=300").json()["items"]]
    assert [p for p in order if p in (crisis, markup)] == [p for p in listed if p in (crisis, markup)]
    card = page.locator(f'.card[data-post="{markup}"] .text')
    assert card.inner_text() == MARKUP
    assert page.evaluate("window.__pwned") is None
    page.click(f'.card[data-post="{crisis}"]')
    page.wait_for_selector("#detail mark", timeout=5000)
    assert page.locator("#detail mark").first.inner_text() in CRISIS
    page.fill("#reply-text", "我们看到了你的留言，民警正在联系你，请保持电话畅通。")
    page.click("#detail button.primary")
    page.wait_for_selector("#detail .card .text", timeout=10000)
    answered = stack.call("GET", f"/v1/forum/posts/{crisis}").json()
    assert answered["status"] == "replied" and answered["replies"][0]["by"].startswith("call_taker:")
    save_screenshot(page, "forum.png")
    assert stack.errors(page) == []
    page.context.close()
