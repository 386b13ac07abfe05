"""接警即合成 over HTTP on the real stack (uvicorn, pipeline worker, redis-server): the
preview, an incident's findings, premise notes and the watch list, with who may see what
(403 for another precinct on every endpoint) and the 4xx for bad input."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis

import geo
from dispatch.adapters import replies
from tests.support import RedisServer, Service, fresh_point

DV_TEXT = "丈夫在家打老婆，邻居报警"


def precinct_at(point: dict[str, float]) -> str:
    located = geo.locate(None, device=geo.DevicePoint(lat=point["lat"], lon=point["lon"]))
    assert located.precinct, located
    return located.precinct


def other_precinct(precinct: str) -> str:
    return next(p.id for p in geo.precincts() if p.id != precinct)


def report(service: Service, text: str, point: dict[str, float], phone: str | None = None,
           **kw: float) -> dict[str, Any]:
    body: dict[str, Any] = {"channel": "call", "text": f"{text}（{uuid.uuid4().hex[:4]}）",
                            "location": {**point, "crs": "wgs84"}}
    if phone:
        body["caller"] = {"phone": phone}
    r = service.post_report(body)
    assert r.status_code == 202, r.text
    return service.wait_status(r.json()["id"], "assigned", "acknowledged")


def as_(service: Service, method: str, path: str, role: str, precinct: str | None = None,
        body: Any = None) -> httpx.Response:
    return service.http.request(method, f"{service.base}{path}", json=body,
                                headers=service.headers(role, precinct))


def phone() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


def audit(redis_server: RedisServer) -> list[dict[str, str]]:
    client: redis.Redis = redis_server.client()
    try:
        return [f for _, f in replies.entries(client.xrevrange("shared:audit", count=50))]
    finally:
        client.close()


def test_preview_shows_caller_and_dv_history_creates_nothing_and_is_audited(
        service: Service, redis_server: RedisServer) -> None:
    point, number = fresh_point(), phone()
    earlier = report(service, DV_TEXT, point, number)
    client = redis_server.client()
    before = client.zcard("shared:idx:all")
    body = {"phone": number, "text": DV_TEXT, "channel": "call",
            "location": {**point, "crs": "wgs84"}}
    # The API process loads the triage model and the geo layers on first use.
    service.post("/v1/synthesis/preview", {"text": DV_TEXT}, role="call_taker")
    started = time.monotonic()
    r = service.post("/v1/synthesis/preview", body, role="call_taker")
    elapsed_ms = (time.monotonic() - started) * 1000
    assert r.status_code == 200, r.text
    out = r.json()
    kinds = {f["kind"]: f for f in out["findings"]}
    assert kinds["caller_history"]["evidence"][0]["incident_id"] == earlier["id"]
    assert kinds["dv_risk"]["adjustment"]["priority"]["to"] == "P2"
    assert out["priority"] == "P2" and out["triage"]["priority"] == "P3"
    assert elapsed_ms < 1000 and out["took_ms"] < 300, (elapsed_ms, out["took_ms"])
    assert client.zcard("shared:idx:all") == before  # nothing created
    client.close()
    entry = next(a for a in audit(redis_server) if a["action"] == "caller_history.read")
    assert entry["actor"] == "call_taker:test-call_taker" and entry["subject"].startswith("caller:")
    assert number not in json.dumps(entry)


@pytest.mark.parametrize(("body", "field"), [
    ({"phone": "12345", "text": "x"}, "phone"),
    ({"phone": "139-0472-123a", "text": "x"}, "phone"),
    ({"text": "x", "location": {"lat": 95.0, "lon": 109.8}}, "location.lat"),
    ({"text": "x", "radius_m": 100}, "radius_m"),
])
def test_preview_refuses_malformed_input_with_a_message(service: Service, body: dict[str, Any],
                                                        field: str) -> None:
    r = service.post("/v1/synthesis/preview", body, role="call_taker")
    assert r.status_code == 422, r.text
    assert field in r.json()["message"]


def test_preview_is_for_call_takers_and_command_only(service: Service) -> None:
    for role, precinct in (("precinct", "150203001"), ("analyst", None)):
        r = as_(service, "POST", "/v1/synthesis/preview", role, precinct, {"text": "有人吵架"})
        assert r.status_code == 403, r.text


def test_caller_history_only_for_the_assigned_precinct_and_every_read_is_audited(
        service: Service, redis_server: RedisServer) -> None:
    point, number = fresh_point(), phone()
    report(service, "楼下有人吵架", point, number)
    new = report(service, "楼下又有人吵架", fresh_point(), number)
    mine, other = new["precinct"], other_precinct(new["precinct"])
    path = f"/v1/incidents/{new['id']}/synthesis"
    r = as_(service, "GET", path, "precinct", mine)
    assert r.status_code == 200, r.text
    assert r.json()["findings"][0]["kind"] == "caller_history"
    assert audit(redis_server)[0]["subject"] == f"incident:{new['id']}"
    assert as_(service, "GET", path, "call_taker").status_code == 200
    for role, precinct in (("precinct", other), ("analyst", None)):
        assert as_(service, "GET", path, role, precinct).status_code == 403
    # Another precinct does not read the incident; the analyst reads it with the caller's
    # history redacted.
    assert as_(service, "GET", f"/v1/incidents/{new['id']}", "precinct", other).status_code == 403
    seen = as_(service, "GET", f"/v1/incidents/{new['id']}", "analyst").json()
    [synth] = [e for e in seen["timeline"] if e["type"] == "incident.synthesized"]
    assert synth["payload"]["findings"][0] == {"kind": "caller_history", "private": True,
                                               "redacted": True, "adjustment": None}
    full = as_(service, "GET", f"/v1/incidents/{new['id']}", "precinct", mine).json()
    [synth] = [e for e in full["timeline"] if e["type"] == "incident.synthesized"]
    assert synth["payload"]["findings"][0]["detail"]["count"] == 1


def note_body(point: dict[str, float], **kw: Any) -> dict[str, Any]:
    expires = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    return {"lat": point["lat"], "lon": point["lon"], "radius_m": 60, "kind": "mental_illness",
            "text": "2号楼3单元有严重精神障碍患者，易激惹", "expires_at": expires, **kw}


def test_premise_notes_are_the_owning_precincts_and_reach_the_report(
        service: Service, redis_server: RedisServer) -> None:
    point = fresh_point()
    mine = precinct_at(point)
    other = other_precinct(mine)
    r = as_(service, "POST", "/v1/synthesis/notes", "precinct", mine, note_body(point))
    assert r.status_code == 201, r.text
    note = r.json()
    assert note["precinct"] == mine and note["created_by"] == f"precinct:{mine}"
    path = f"/v1/synthesis/notes/{note['id']}"
    for method, body in (("GET", None), ("PATCH", {"text": "改一下"}), ("DELETE", None)):
        assert as_(service, method, path, "precinct", other, body).status_code == 403, method
    assert as_(service, "GET", f"/v1/synthesis/notes?precinct={mine}", "precinct",
               other).status_code == 403
    theirs = as_(service, "GET", "/v1/synthesis/notes", "precinct", other).json()
    assert note["id"] not in [n["id"] for n in theirs["items"]]
    assert as_(service, "POST", "/v1/synthesis/notes", "precinct", other,
               note_body(point)).status_code == 403  # the point is not in its precinct
    assert as_(service, "GET", "/v1/synthesis/notes", "call_taker").status_code == 403
    everything = as_(service, "GET", "/v1/synthesis/notes", "command").json()
    assert note["id"] in [n["id"] for n in everything["items"]]
    r = as_(service, "PATCH", path, "precinct", mine, {"radius_m": 80})
    assert r.status_code == 200 and r.json()["radius_m"] == 80
    # A report within the radius shows the note.
    near = {"lat": point["lat"] + 0.0003, "lon": point["lon"], "accuracy_m": 15}
    inc = report(service, "有人在楼道里大喊大叫", near)
    found = as_(service, "GET", f"/v1/incidents/{inc['id']}/synthesis", "command").json()
    [hit] = [f for f in found["findings"] if f["kind"] == "premise_note"]
    assert hit["evidence"][0]["note_id"] == note["id"]
    assert "premise_note" in service.incident(inc["id"])["marks"]
    assert as_(service, "DELETE", path, "command").status_code == 204
    assert as_(service, "GET", path, "command").status_code == 404
    actions = [a["action"] for a in audit(redis_server) if a["subject"] == note["id"]]
    assert actions == ["note.deleted", "note.updated", "note.created"]


@pytest.mark.parametrize(("change", "field"), [
    ({"lat": 31.23, "lon": 121.47}, "outside the city"),
    ({"radius_m": 5}, "radius_m"),
    ({"radius_m": 600}, "radius_m"),
    ({"expires_at": "2020-01-01T00:00:00+08:00"}, "expires_at"),
    ({"expires_at": "2031-01-01T00:00:00"}, "expires_at"),
    ({"kind": "ghost"}, "kind"),
])
def test_a_bad_premise_note_is_refused_with_a_message(service: Service, change: dict[str, Any],
                                                      field: str) -> None:
    r = as_(service, "POST", "/v1/synthesis/notes", "command", None,
            {**note_body(fresh_point()), **change})
    assert r.status_code == 422, r.text
    assert field in r.json()["message"]


def test_the_watch_list_is_loaded_by_command_and_a_plate_in_a_report_hits(
        service: Service) -> None:
    plate = f"蒙B{uuid.uuid4().int % 10**5:05d}"
    page = {"entries": [{"plate": plate.replace("B", "B·"), "list": "stolen",
                         "reason": "被盗抢车辆", "reference": "包公(刑)立字2026-318"}]}
    for role, precinct in (("precinct", "150203001"), ("call_taker", None), ("analyst", None)):
        assert as_(service, "POST", "/v1/synthesis/watchlist", role, precinct,
                   page).status_code == 403
    bad = {"entries": [page["entries"][0], {**page["entries"][0], "plate": "蒙B1234"}]}
    r = as_(service, "POST", "/v1/synthesis/watchlist", "command", None, bad)
    assert r.status_code == 422 and "entries[1].plate" in r.json()["message"], r.text
    r = as_(service, "POST", "/v1/synthesis/watchlist", "command", None, page)
    assert r.status_code == 200 and r.json()["loaded"] == 1, r.text
    inc = report(service, f"一辆{plate}的白色轿车撞了人跑了", fresh_point())
    found = as_(service, "GET", f"/v1/incidents/{inc['id']}/synthesis", "command").json()
    [hit] = [f for f in found["findings"] if f["kind"] == "watch_list"]
    assert hit["evidence"][0]["plate"] == plate and hit["evidence"][0]["list"] == "stolen"
    assert "watch_hit" in inc["marks"]
