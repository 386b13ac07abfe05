"""Bad input gets a precise 4xx (or a websocket close code) and writes nothing."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.support import Service

GOOD = {"channel": "call", "text": "我家电动车被偷了"}


def count_reports(service: Service) -> int:
    import redis

    client = redis.Redis.from_url(service.env["REDIS_URL"], decode_responses=True)
    return int(client.xlen("shared:reports"))


@pytest.mark.parametrize(("body", "where"), [
    ({"channel": "fax", "text": "x"}, "channel"),
    ({"channel": "call", "text": ""}, "text"),
    ({"channel": "call", "text": "   \n\t "}, "text"),
    ({"channel": "call", "text": "字" * 5001}, "text"),
    ({"channel": "call", "text": 12345}, "text"),
    ({"channel": "call"}, "text"),
    ({"text": "有人打架"}, "channel"),
    ({**GOOD, "location": {"lat": 91, "lon": 109.8}}, "location.lat"),
    ({**GOOD, "location": {"lat": 40.6, "lon": 181}}, "location.lon"),
    ({**GOOD, "location": {"lat": "north", "lon": 109.8}}, "location.lat"),
    ({**GOOD, "location": {"lat": 40.6, "lon": 109.8, "crs": "utm"}}, "location.crs"),
    ({**GOOD, "location": {"lat": 40.6}}, "location.lon"),
    ({**GOOD, "occurred_at": "yesterday"}, "occurred_at"),
    ({**GOOD, "occurred_at": "2026-11-26T08:00:00"}, "occurred_at"),
    ({**GOOD, "caller": {"phone": "call me"}}, "caller.phone"),
    ({**GOOD, "source_id": "a b c"}, "source_id"),
    ({**GOOD, "priority": "P1"}, "priority"),
    ([GOOD], "body"),
    # Valid WGS-84 but beyond the stores' geospatial index: refused at the door.
    ({**GOOD, "location": {"lat": 85.1, "lon": 109.8}}, "location.lat"),
    # A boolean is not a coordinate (true would read as 1.0 and place a report at sea).
    ({**GOOD, "location": {"lat": True, "lon": 109.8}}, "location.lat"),
    ({**GOOD, "location": {"lat": 40.6, "lon": 109.8, "accuracy_m": True}},
     "location.accuracy_m"),
    # Dates a report cannot truthfully carry (and that overflow in UTC).
    ({**GOOD, "occurred_at": "0001-01-01T00:00:00+14:00"}, "occurred_at"),
    ({**GOOD, "occurred_at": "9999-12-31T23:59:59-12:00"}, "occurred_at"),
])
def test_invalid_reports_are_rejected_with_the_field_named(service: Service, body: object,
                                                           where: str) -> None:
    before = count_reports(service)
    r = httpx.post(f"{service.base}/v1/reports", json=body, headers=service.headers("call_taker"))
    assert r.status_code == 422, r.text
    assert where in r.json()["message"], r.json()
    assert count_reports(service) == before


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinite_coordinates_are_rejected(service: Service, raw: str) -> None:
    before = count_reports(service)
    content = '{"channel":"call","text":"有人打架","location":{"lat":' + raw + ',"lon":109.8}}'
    r = httpx.post(f"{service.base}/v1/reports", content=content,
                   headers={"content-type": "application/json", **service.headers("call_taker")})
    assert r.status_code == 422, r.text
    assert "location.lat" in r.json()["message"]
    assert count_reports(service) == before


def test_malformed_json(service: Service) -> None:
    before = count_reports(service)
    r = httpx.post(f"{service.base}/v1/reports", content='{"channel": "call", "text": ',
                   headers={"content-type": "application/json", **service.headers("call_taker")})
    assert r.status_code == 422
    assert "JSON" in r.json()["message"]
    assert count_reports(service) == before


def test_body_over_64_kib_is_refused(service: Service) -> None:
    before = count_reports(service)
    body = json.dumps({**GOOD, "address": "x" * (65 * 1024)})
    r = httpx.post(f"{service.base}/v1/reports", content=body,
                   headers={"content-type": "application/json", **service.headers("call_taker")})
    assert r.status_code == 413
    assert "limit" in r.json()["message"]

    def chunks():  # no Content-Length: the limit is enforced while reading
        yield body.encode()

    r = httpx.post(f"{service.base}/v1/reports", content=chunks(),
                   headers={"content-type": "application/json", **service.headers("call_taker")})
    assert r.status_code == 413
    assert count_reports(service) == before


def test_unknown_incident_is_404(service: Service) -> None:
    r = service.get("/v1/incidents/20261126-NOPE")
    assert r.status_code == 404 and "unknown incident" in r.json()["message"]


def test_bad_list_filters(service: Service) -> None:
    assert service.get("/v1/incidents", params={"status": "bogus"}).status_code == 422
    assert service.get("/v1/incidents", params={"limit": 0}).status_code == 422
    assert service.get("/v1/incidents", params={"limit": 10**6}).status_code == 422


PRECINCT = "150203001"


@pytest.mark.parametrize(("path", "role", "code"), [
    ("/v1/consoles/999999999/ws", "command", 4404),
    ("/v1/consoles/<script>/ws", "command", 4404),
    ("/v1/consoles/command/ws?since=yesterday", "command", 4400),
    ("/v1/consoles/command/ws?since=99999999999999999999-0", "command", 4400),  # > 2**64
    ("/v1/consoles/command/ws", None, 4401),
    ("/v1/consoles/command/ws", "forged", 4401),
    ("/v1/consoles/command/ws", "precinct", 4403),
    ("/v1/consoles/150202001/ws", "precinct", 4403),
])
async def test_websocket_refusals_have_close_codes(service: Service, path: str, role: str | None,
                                                  code: int) -> None:
    url = service.ws_base + path
    if role == "forged":
        url += ("&" if "?" in url else "?") + "token=eyJhbGciOiJIUzI1NiJ9.e30.forged"
    elif role:
        token = service.token(role, PRECINCT if role == "precinct" else None)
        url += ("&" if "?" in url else "?") + f"token={token}"
    with pytest.raises(ConnectionClosed) as closed:
        async with connect(url) as ws:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == code


def test_http_needs_a_valid_token(service: Service) -> None:
    before = count_reports(service)
    r = httpx.post(f"{service.base}/v1/reports", json=GOOD)
    assert r.status_code == 401 and "token" in r.json()["message"]
    r = httpx.post(f"{service.base}/v1/reports", json=GOOD,
                   headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401 and "invalid" in r.json()["message"]
    from datetime import timedelta

    from dispatch.auth import Role, issue

    expired = issue(service.env["DISPATCH_SECRET"], Role.call_taker, ttl=timedelta(seconds=-5))
    r = httpx.post(f"{service.base}/v1/reports", json=GOOD,
                   headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and "expired" in r.json()["message"]
    forged = issue("another-secret-of-the-same-length-0123456", Role.call_taker)
    r = httpx.post(f"{service.base}/v1/reports", json=GOOD,
                   headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    r = service.post("/v1/reports", GOOD, role="analyst")
    assert r.status_code == 403 and "analyst" in r.json()["message"]
    assert count_reports(service) == before


async def test_bad_websocket_messages_get_errors_not_a_disconnect(service: Service) -> None:
    async with connect(service.ws_url("command")) as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        await ws.send("not json")
        assert json.loads(await ws.recv())["type"] == "error"
        await ws.send(json.dumps({"type": "ack", "incident_id": "20261126-NOPE"}))
        reply = json.loads(await ws.recv())
        assert reply["type"] == "ack_result" and reply["payload"]["ok"] is False
        assert "unknown incident" in reply["payload"]["error"]
        await ws.send(json.dumps({"type": "ack", "incident_id": ["x"]}))
        assert json.loads(await ws.recv())["payload"]["ok"] is False
        await ws.send(json.dumps({"type": "launch"}))
        assert "unknown message type" in json.loads(await ws.recv())["payload"]["error"]
        # Hostile frames: deep nesting and binary get an error, and the console stays.
        await ws.send("[" * 100_000 + "]" * 100_000)
        assert "bad message" in json.loads(await ws.recv())["payload"]["error"]
        await ws.send(b"\x00\x01binary")
        assert "JSON text" in json.loads(await ws.recv())["payload"]["error"]
        await ws.send(json.dumps({"type": "ping"}))
        assert json.loads(await ws.recv())["type"] == "pong"


@pytest.mark.parametrize("query", [
    "from=0001-01-01T00:00:00%2B14:00", "to=9999-12-31T23:59:59-12:00",
])
def test_extreme_dates_in_a_query_are_a_422_and_the_connection_stays(service: Service,
                                                                      query: str) -> None:
    with httpx.Client() as client:
        r = client.get(f"{service.base}/v1/forum/stats?{query}",
                       headers=service.headers("command"))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/json") and r.json()["message"]
        again = client.get(f"{service.base}/v1/precincts", headers=service.headers("command"))
        assert again.status_code == 200


def test_a_missing_person_last_seen_in_year_one_is_a_422(service: Service) -> None:
    r = httpx.post(f"{service.base}/v1/missing",
                   json={"person": {"age": 80}, "last_seen": {"at": "0001-01-01T00:00:00+14:00"}},
                   headers=service.headers("command"))
    assert r.status_code == 422, r.text
    assert "last_seen.at" in r.json()["message"]


def test_a_half_sent_body_gets_408_and_the_connection_is_not_held(
        redis_server: object) -> None:
    import socket
    import time

    from tests.support import RedisServer

    assert isinstance(redis_server, RedisServer)
    svc = Service(redis_server.url, namespace="slowbody", REQUEST_BODY_TIMEOUT_S="1")
    svc.start_api()
    try:
        token = svc.token("call_taker")
        with socket.create_connection(("127.0.0.1", svc.port), timeout=10) as sock:
            sock.sendall((f"POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          f"Authorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n"
                          '{"channel": "call", ').encode())
            started = time.monotonic()
            reply = sock.recv(4096).decode()
            waited = time.monotonic() - started
            # the body may come in a segment of its own
            while '"message"' not in reply and time.monotonic() - started < 5:
                more = sock.recv(4096).decode()
                if not more:
                    break
                reply += more
        assert reply.startswith("HTTP/1.1 408"), reply
        assert '"message"' in reply and waited < 5, (waited, reply)
        # A whole body is still fine on the same service.
        r = svc.post_report({"channel": "call", "text": "有人打架"})
        assert r.status_code == 202, r.text
    finally:
        svc.stop()
