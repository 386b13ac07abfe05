"""The STA-024 subscribe/notify endpoint, driven by a subscriber written from the
standard's schema (tests/data/sta024/websocket.yaml, NENA911/WebSocket-Subscribe-Notify),
not from our code: every message it sends and every message it receives is validated
against the schema's object for that message, and each EIDO notified against the EIDO
schema (tests/eido.py)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests import eido
from tests.support import RedisServer, Service, fresh_point, seconds

SCHEMA = yaml.safe_load((Path(__file__).parent.parent / "data" / "sta024" / "websocket.yaml")
                        .read_text(encoding="utf-8"))
URI = "urn:sta024"
REGISTRY: Registry[Any] = Registry().with_resource(
    URI, Resource.from_contents(SCHEMA, default_specification=DRAFT4))


def _members(union: str) -> dict[str, str]:
    """message key → its object schema, for a oneOf of the schema (subscriberMessage …).

    The schema's oneOf cannot be used as it stands: its objects list their one key under
    ``properties`` without requiring it, so every message matches several of them."""
    out = {}
    for ref in SCHEMA["components"]["schemas"][union]["oneOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        (key,) = SCHEMA["components"]["schemas"][name]["properties"]
        out[key] = name
    return out


SUBSCRIBER, NOTIFIER = _members("subscriberMessage"), _members("notifierMessage")


def check(message: dict[str, Any], union: dict[str, str]) -> None:
    """The message is one of the union's objects and validates against it."""
    assert len(message) == 1 and next(iter(message)) in union, message
    schema = {"$ref": f"{URI}#/components/schemas/{union[next(iter(message))]}"}
    body = next(iter(message.values()))
    required = SCHEMA["components"]["schemas"][union[next(iter(message))]]["properties"]
    errors = [e.message for e in OAS30Validator(schema, registry=REGISTRY).iter_errors(message)]
    assert errors == [], (message, errors)
    assert set(next(iter(required.values())).get("required", [])) <= set(body), message


class Subscriber:
    """A subscriber as the standard describes it."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.inbox: list[dict[str, Any]] = []

    async def send(self, message: dict[str, Any]) -> None:
        check(message, SUBSCRIBER)
        await self.ws.send(json.dumps(message))

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(),
                                                                     seconds(timeout)))
        check(message, NOTIFIER)
        self.inbox.append(message)
        return message

    async def until(self, kind: str, timeout: float = 15, **where: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds(timeout)
        while True:
            message = await self.receive(max(0.1, deadline - loop.time()))
            body: dict[str, Any] | None = message.get(kind)
            if body is not None and all(body.get(k) == v for k, v in where.items()):
                return body

    async def subscribe(self, **fields: Any) -> dict[str, Any]:
        rid = uuid.uuid4().hex
        await self.send({"subscribe": {"requestId": rid, **fields}})
        return await self.until("subscribeResponse", requestId=rid)


@pytest.fixture(scope="module")
def svc() -> Iterator[Service]:
    server = RedisServer().start()
    service = Service(server.url, namespace="sta", ACK_TIMEOUT_S="600",
                      STA024_RETRANSMIT_S="1").start_all()
    yield service
    service.stop()
    server.cleanup()


def url(svc: Service, role: str = "command") -> str:
    return f"{svc.ws_base}/v1/sta024/ws?token={svc.token(role)}"


async def test_refusals_carry_the_standard_status_codes(svc: Service) -> None:
    async with connect(url(svc)) as ws:
        sub = Subscriber(ws)
        bad = await sub.subscribe(requestType="EIDO", requestSubType="new",
                                  qualFilter="colour=red")
        assert bad["statusCode"] == 400
        resource = await sub.subscribe(requestType="EIDO", requestSubType="resource")
        assert resource["statusCode"] == 406
        missing = await sub.subscribe(requestType="EIDO", requestSubType="single",
                                      incidentId="20990101-NOPE0000")
        assert missing["statusCode"] == 404
        gone = uuid.uuid4().hex
        await sub.send({"unsubscribe": {"requestId": gone, "subscriptionId": "nope"}})
        assert (await sub.until("unsubscribeResponse", requestId=gone))["statusCode"] == 481
    with pytest.raises(ConnectionClosed) as closed:
        async with connect(url(svc, "call_taker")) as ws:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_new_incidents_matching_the_filter_are_notified_until_acknowledged(
        svc: Service) -> None:
    async with connect(url(svc)) as ws:
        sub = Subscriber(ws)
        ok = await sub.subscribe(requestType="EIDO", requestSubType="new",
                                 qualFilter="priority=P1", maxRate=0, expires=120)
        assert ok["statusCode"] == 200 and ok["expires"] == 120
        sid = ok["subscriptionId"]
        routine = svc.post_report({"channel": "call", "text": "楼上邻居装修太吵了，影响休息",
                                   "location": fresh_point()}).json()["id"]
        urgent = svc.post_report({"channel": "call", "text": "有人拿刀捅人了，流了很多血",
                                  "location": fresh_point()}).json()["id"]
        event = await sub.until("event", subscriptionId=sid)
        (notified,) = event["notification"]
        assert notified["incidentComponent"]["internalIncidentId"] == urgent
        assert eido.findings(notified) == []  # an EIDO the official schema accepts
        # not acknowledged: the same transaction comes again
        again = await sub.until("event", timeout=5, transactionId=event["transactionId"])
        assert again["notification"][0]["$id"] == notified["$id"]
        await sub.send({"eventResponse": {"transactionId": event["transactionId"],
                                          "statusCode": 200, "statusText": "OK"}})
        # acknowledged: after a copy that may have crossed the ack on the wire, no more
        # retransmissions (3 intervals of 1 s)
        with pytest.raises(TimeoutError):
            while True:
                await sub.receive(timeout=1.5)
        with pytest.raises(TimeoutError):
            await sub.until("event", timeout=3, transactionId=event["transactionId"])
        svc.wait_status(routine, "assigned")
        assert all(routine not in json.dumps(m) for m in sub.inbox)
        bye = uuid.uuid4().hex
        await sub.send({"unsubscribe": {"requestId": bye, "subscriptionId": sid}})
        assert (await sub.until("unsubscribeResponse", requestId=bye))["statusCode"] == 200


async def test_one_incident_is_followed_and_the_subscription_expires(svc: Service) -> None:
    incident_id = svc.post_report({"channel": "call", "text": "有人在小区门口打架",
                                   "location": fresh_point()}).json()["id"]
    incident = svc.wait_status(incident_id, "assigned")
    async with connect(url(svc)) as ws:
        sub = Subscriber(ws)
        ok = await sub.subscribe(requestType="EIDO", requestSubType="single",
                                 incidentId=incident_id, expires=4)
        assert ok["statusCode"] == 200
        sid = ok["subscriptionId"]
        first = await sub.until("event", subscriptionId=sid)  # the current state
        await sub.send({"eventResponse": {"transactionId": first["transactionId"],
                                          "statusCode": 200, "statusText": "OK"}})
        assert svc.post(f"/v1/incidents/{incident_id}/ack", role="precinct",
                        precinct=incident["precinct"]).status_code == 200
        changed = await sub.until("event", subscriptionId=sid)
        component = changed["notification"][0]["incidentComponent"]
        assert component["incidentStatusInternalText"] == ["acknowledged"]
        assert component["incidentStatusCommonRegistryText"] == ["ResourcesAssigned"]
        await sub.send({"eventResponse": {"transactionId": changed["transactionId"],
                                          "statusCode": 200, "statusText": "OK"}})
        terminate = await sub.until("terminate", timeout=8, subscriptionId=sid)
        await sub.send({"terminateResponse": {"requestId": terminate["requestId"],
                                              "subscriptionId": sid, "statusCode": 200,
                                              "statusText": "OK"}})
