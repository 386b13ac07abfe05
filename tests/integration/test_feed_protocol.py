"""Priority filters and token expiry on the console feed (the internal protocol; the
STA-024 endpoint is tested in test_sta024.py)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from dispatch.auth import Role, issue
from tests.integration.conftest import Console
from tests.support import Service, fresh_point


async def test_priority_filter_passes_only_the_wanted_incidents(service: Service) -> None:
    console = await Console.open(service.ws_url("command") + "&priorities=P1")
    await console.next()
    routine = service.post_report({"channel": "call", "text": "楼上邻居装修太吵了，影响休息",
                                   "location": fresh_point()}).json()["id"]
    urgent = service.post_report({"channel": "call", "text": "有人拿刀捅人了，流了很多血",
                                  "location": fresh_point()}).json()["id"]
    service.wait_status(routine, "assigned")
    got = await console.wait_for(lambda m: m.get("incident_id") == urgent
                                 and m["type"] == "incident.assigned")
    assert got["incident"]["priority"] == "P1"
    assert routine not in {m.get("incident_id") for m in console.messages}
    await console.close()


async def test_an_expired_token_is_told_and_closed(service: Service) -> None:
    token = issue(service.env["DISPATCH_SECRET"], Role.command, ttl=timedelta(seconds=2))
    async with connect(f"{service.ws_base}/v1/consoles/command/ws?token={token}") as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        kinds = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                kinds.append(json.loads(await ws.recv())["type"])
        assert "expired" in kinds
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_a_bad_filter_is_refused(service: Service) -> None:
    with pytest.raises(ConnectionClosed) as closed:
        async with connect(service.ws_url("command") + "&priorities=P1,urgent") as ws:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


async def test_a_since_from_another_store_starts_from_the_head(service: Service) -> None:
    console = await Console.open(service.ws_url("command", since="99999999999999-0"))
    hello = await console.next()
    assert hello["type"] == "hello" and hello["payload"]["reset"] is True
    incident_id = service.post_report({"channel": "call", "text": "有人在商场里抢手机",
                                       "location": fresh_point()}).json()["id"]
    await console.wait_for(lambda m: m.get("incident_id") == incident_id
                           and m["type"] == "incident.assigned")
    await console.close()


async def test_hello_event_id_is_where_the_stream_starts_so_resuming_from_it_skips_nothing(
        service: Service) -> None:
    """Issue 14: hello.event_id was the feed head even when a backlog followed, so a client
    that resumed from the last event_id it saw (the hello's, if it dropped during the
    backlog) skipped the backlog for good."""
    first = service.post_report({"channel": "call", "text": "有人在超市门口打架",
                                 "location": fresh_point()}).json()["id"]
    service.wait_status(first, "assigned")
    live = await Console.open(service.ws_url("command"))
    hello = await live.next()
    head = hello["payload"]["head"]
    assert hello["event_id"] == head  # no since: the stream starts at the head
    await live.close()
    second = service.post_report({"channel": "call", "text": "有人在公交站抢包",
                                  "location": fresh_point()}).json()["id"]
    service.wait_status(second, "assigned")
    resumed = await Console.open(service.ws_url("command", since=head))
    hello = await resumed.next()
    assert hello["event_id"] == head != hello["payload"]["head"]  # a backlog follows
    backlog = await resumed.wait_for(lambda m: m.get("incident_id") == second)
    assert backlog["event_id"] > head
    await resumed.close()
