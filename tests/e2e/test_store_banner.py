"""The command console says when the incident store stops answering and when it is back:
the module's own redis-server is frozen (SIGSTOP) under a live console, then thawed."""

from __future__ import annotations

import signal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Stack
from tests.support import RedisServer, seconds

pytestmark = pytest.mark.browser


def test_the_command_console_shows_the_store_failing_over_and_back(
        stack: Stack, e2e_redis: RedisServer) -> None:
    page = stack.open("command", "command")
    expect(page.locator("#conn")).to_contain_text("实时")
    banner = page.locator("#store-banner")
    expect(banner).to_be_hidden()
    assert e2e_redis.proc is not None
    e2e_redis.proc.send_signal(signal.SIGSTOP)
    try:
        expect(banner).to_be_visible(timeout=seconds(10) * 1000)
        expect(banner).to_contain_text("主备切换")
    finally:
        e2e_redis.proc.send_signal(signal.SIGCONT)
    expect(banner).to_contain_text("已恢复", timeout=seconds(15) * 1000)
    assert not stack.errors(page)
