"""The OpenAPI document: valid by openapi-spec-validator, typed success answers for the
main endpoints, one error schema, security said where it applies, and real answers of a
running service that match what the document promises."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from tests.support import RedisServer, Service, fresh_point, seconds, wait_until

SPEC_URI = "urn:dispatch:openapi"
# The main endpoints: each must document its success body as a schema of its own.
TYPED = {
    ("post", "/v1/reports"), ("get", "/v1/incidents"), ("get", "/v1/incidents/{incident_id}"),
    ("post", "/v1/incidents/{incident_id}/ack"), ("post", "/v1/incidents/{incident_id}/status"),
    ("post", "/v1/incidents/{incident_id}/answer-on-spot"),
    ("post", "/v1/incidents/{incident_id}/triage"), ("post", "/v1/incidents/{incident_id}/answers"),
    ("post", "/v1/incidents/{incident_id}/merge"), ("post", "/v1/incidents/{incident_id}/split"),
    ("post", "/v1/incidents/{incident_id}/details"),
    ("post", "/v1/incidents/{incident_id}/callback"),
    ("post", "/v1/incidents/{incident_id}/units"), ("post", "/v1/incidents/{incident_id}/reassign"),
    ("post", "/v1/incidents/{incident_id}/location"), ("get", "/v1/precincts"),
    ("get", "/v1/dispositions"), ("post", "/v1/triage/preview"), ("get", "/v1/handoffs"),
    ("get", "/v1/handoffs/{handoff_id}"), ("post", "/v1/handoffs/{handoff_id}/retry"),
    ("post", "/v1/handoffs/{handoff_id}/phoned"), ("post", "/v1/handoffs/{handoff_id}/ack"),
    ("post", "/v1/handoffs/{handoff_id}/outcome"), ("get", "/healthz"),
}
OPEN = {"/healthz", "/metrics", "/metrics/cluster", "/v1/geo/precincts.geojson",
        "/v1/geo/districts.geojson"}


@pytest.fixture(scope="module")
def svc() -> Iterator[Service]:
    server = RedisServer().start()
    service = Service(server.url, namespace="oa", ACK_TIMEOUT_S="600").start_all()
    yield service
    service.stop()
    server.cleanup()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            yield method, path, op


def typed(spec: dict[str, Any], schema: dict[str, Any] | None, seen: frozenset[str] = frozenset()
          ) -> bool:
    """Whether a schema says what the body holds: a referenced or inline object with
    properties, a scalar (text, a file), an array of typed items, or a union of typed
    alternatives. A bare ``object``, ``{}`` or a missing schema says nothing."""
    if not schema:
        return False
    ref = schema.get("$ref")
    if ref is not None:
        name = ref.rsplit("/", 1)[-1]
        return name in seen or typed(spec, spec["components"]["schemas"][name], seen | {name})
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return all(typed(spec, s, seen) or s.get("type") == "null" for s in schema[key])
    kind = schema.get("type")
    if kind in ("string", "integer", "number", "boolean"):
        return True
    if kind == "array":
        return typed(spec, schema.get("items"), seen)
    return kind == "object" and bool(schema.get("properties"))


def untyped_success_responses(spec: dict[str, Any]) -> list[str]:
    """Every success answer (2xx with a body) whose schema is missing or says nothing."""
    found = []
    for method, path, op in operations(spec):
        for code, response in op["responses"].items():
            if not code.startswith("2") or code == "204":
                continue
            content = response.get("content") or {}
            if not content:
                found.append(f"{method} {path} {code}: no content")
            found += [f"{method} {path} {code} {media}" for media, body in content.items()
                      if not typed(spec, body.get("schema"))]
    return found


def test_the_document_is_valid_and_says_what_it_promises(svc: Service) -> None:
    spec = httpx.get(f"{svc.base}/openapi.json").json()
    validate(spec)  # openapi-spec-validator: raises on the first error
    for method, path, op in operations(spec):
        for code, response in op["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if code[0] in "45":
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)
            elif (method, path) in TYPED and code[0] == "2":
                assert schema and "$ref" in json.dumps(schema), (method, path, code)
        if path in OPEN:
            assert op["security"] == [], path
        elif path.startswith("/v1/"):
            assert {"HTTPBearer": []} in op["security"], (method, path)
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) == {"detail", "message"}
    for action in ("ack", "outcome"):
        security = spec["paths"][f"/v1/handoffs/{{handoff_id}}/{action}"]["post"]["security"]
        assert security == [{"HTTPBearer": []}, {"AgencyId": [], "AgencyTimestamp": [],
                                                 "AgencySignature": []}]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["AgencySignature"] == {**schemes["AgencySignature"], "type": "apiKey",
                                          "in": "header", "name": "X-Agency-Signature"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_no_success_answer_is_untyped(svc: Service) -> None:
    """Every endpoint documents what a success answer holds; none is a bare object."""
    spec = httpx.get(f"{svc.base}/openapi.json").json()
    assert untyped_success_responses(spec) == []
    assert not typed(spec, {"type": "object", "additionalProperties": True})  # the check bites
    assert not typed(spec, {"title": "Response"}) and not typed(spec, {})
    geojson = spec["paths"]["/v1/geo/precincts.geojson"]["get"]["responses"]["200"]["content"]
    assert list(geojson) == ["application/geo+json"]  # what the endpoint really sends


def conforms(spec: dict[str, Any], method: str, path: str, response: httpx.Response) -> list[str]:
    """The answer's body checked against the schema the document gives its status."""
    documented = spec["paths"][path][method]["responses"][str(response.status_code)]
    schema = documented["content"]["application/json"]["schema"]
    v31 = str(spec["openapi"]).startswith("3.1")  # FastAPI writes 3.1 (JSON Schema 2020-12)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, Resource.from_contents(
        spec, default_specification=DRAFT202012 if v31 else DRAFT4))
    schema = json.loads(json.dumps(schema).replace('"#/components', f'"{SPEC_URI}#/components'))
    validator = (OAS31Validator if v31 else OAS30Validator)(schema, registry=registry)
    return [f"{method} {path} {response.status_code}: {'/'.join(map(str, e.absolute_path))}: "
            f"{e.message}" for e in validator.iter_errors(response.json())]


def test_real_answers_match_the_documented_schemas(svc: Service) -> None:
    spec = httpx.get(f"{svc.base}/openapi.json").json()
    found: list[str] = []
    r = svc.post_report({"channel": "call", "text": "有人在小区门口打架，一个人流血了",
                         "location": {**fresh_point(), "crs": "wgs84"},
                         "caller": {"phone": "13800000000"}})
    found += conforms(spec, "post", "/v1/reports", r)
    incident_id = r.json()["id"]
    precinct = svc.wait_status(incident_id, "assigned")["precinct"]
    checks = [
        ("get", "/v1/incidents/{incident_id}", svc.get(f"/v1/incidents/{incident_id}")),
        ("get", "/v1/incidents", svc.get("/v1/incidents", params={"limit": 5})),
        ("post", "/v1/incidents/{incident_id}/ack",
         svc.post(f"/v1/incidents/{incident_id}/ack", role="precinct", precinct=precinct)),
        ("post", "/v1/incidents/{incident_id}/status",
         svc.post(f"/v1/incidents/{incident_id}/status", {"status": "en_route"})),
        ("post", "/v1/incidents/{incident_id}/callback",  # 409: not resolved yet
         svc.post(f"/v1/incidents/{incident_id}/callback", {"satisfaction": "satisfied"})),
        ("get", "/v1/dispositions", svc.get("/v1/dispositions")),
        ("get", "/v1/handoffs", svc.get("/v1/handoffs")),
        ("get", "/v1/precincts", svc.get("/v1/precincts")),
        ("get", "/healthz", svc.http.get(f"{svc.base}/healthz")),
        # errors: the same {detail, message} everywhere
        ("get", "/v1/incidents/{incident_id}", svc.get("/v1/incidents/20990101-NOPE0000")),
        ("get", "/v1/incidents", svc.http.get(f"{svc.base}/v1/incidents")),  # no token: 401
        ("get", "/v1/incidents", svc.get("/v1/incidents", params={"limit": 0})),  # 422
        ("get", "/v1/handoffs/{handoff_id}", svc.get("/v1/handoffs/HX-20991231-ZZZZZZZZ")),
        ("post", "/v1/incidents/{incident_id}/status",
         svc.post(f"/v1/incidents/{incident_id}/status", {"status": "received"})),  # 409
    ]
    wrong = httpx.Response(200, json={"id": 5, "channel": "fax"})  # the check is live
    assert len(conforms(spec, "get", "/v1/incidents/{incident_id}", wrong)) >= 3
    codes = []
    for method, path, response in checks:
        codes.append(response.status_code)
        found += conforms(spec, method, path, response)
    assert found == []
    assert codes == [200, 200, 200, 200, 409, 200, 200, 200, 200, 404, 401, 422, 404, 409]


def test_the_other_endpoints_answer_as_documented(svc: Service) -> None:
    """Units, geo, forum, simulations, missing persons and synthesis: real answers of each
    endpoint typed above, checked against its documented schema."""
    spec = httpx.get(f"{svc.base}/openapi.json").json()
    found: list[str] = []
    calls: list[tuple[str, str, httpx.Response]] = []

    def call(method: str, path: str, response: httpx.Response) -> dict[str, Any]:
        calls.append((method, path, response))
        found.extend(conforms(spec, method, path, response))
        assert response.status_code < 300, (method, path, response.text)
        return dict(response.json()) if response.content else {}

    point = fresh_point()
    r = svc.post_report({"channel": "call", "text": "小区里有人打架，有人受伤了",
                         "location": {**point, "crs": "wgs84"},
                         "caller": {"phone": "13900000000"}})
    incident_id = r.json()["id"]
    incident = svc.wait_status(incident_id, "assigned")
    units = call("get", "/v1/units", svc.get("/v1/units"))
    unit = next(u for u in units["items"] if u["status"] == "available")
    call("post", "/v1/units/{unit_id}/position", svc.post(
        f"/v1/units/{unit['id']}/position", {"lat": point["lat"], "lon": point["lon"]}))
    call("post", "/v1/units/{unit_id}/status",
         svc.post(f"/v1/units/{unit['id']}/status", {"status": "off_duty"}))
    call("get", "/v1/incidents/{incident_id}/recommendations",
         svc.get(f"/v1/incidents/{incident_id}/recommendations"))
    call("get", "/v1/incidents/{incident_id}/duplicates",
         svc.get(f"/v1/incidents/{incident_id}/duplicates"))
    call("get", "/v1/incidents/search", svc.get("/v1/incidents/search", params={"q": "打架"}))
    call("get", "/v1/geo/suggest", svc.get("/v1/geo/suggest", params={"q": "昆区"}))
    for layer in ("precincts", "districts"):
        geojson = svc.http.get(f"{svc.base}/v1/geo/{layer}.geojson")
        assert geojson.headers["content-type"].startswith("application/geo+json")
        documented = spec["paths"][f"/v1/geo/{layer}.geojson"]["get"]["responses"]["200"]
        documented["content"]["application/json"] = documented["content"]["application/geo+json"]
        call("get", f"/v1/geo/{layer}.geojson", geojson)

    # the forum
    post_id = f"oa-{uuid.uuid4().hex[:10]}"
    assert svc.post_report({"channel": "forum", "text": "小区门口的路灯坏了好几天了",
                            "forum": {"post_id": post_id, "author": "网友乙"}}).status_code == 202
    wait_until(lambda: svc.get(f"/v1/forum/posts/{post_id}").status_code == 200, 10,
               what="the forum post to open")
    call("get", "/v1/forum/posts", svc.get("/v1/forum/posts"))
    call("get", "/v1/forum/posts/{post_id}", svc.get(f"/v1/forum/posts/{post_id}"))
    call("post", "/v1/forum/posts/{post_id}/replies",
         svc.post(f"/v1/forum/posts/{post_id}/replies", {"text": "您好，已转有关部门处理。"}))
    call("post", "/v1/forum/posts/{post_id}/complete",
         svc.post(f"/v1/forum/posts/{post_id}/complete", {"summary": "已修复"}))
    call("post", "/v1/forum/posts/{post_id}/rating", svc.post(
        f"/v1/forum/posts/{post_id}/rating", {"satisfaction": "satisfied"}))
    call("get", "/v1/forum/stats", svc.get("/v1/forum/stats"))

    # simulations (no simulation worker here: it stays queued)
    sim = call("post", "/v1/simulations",
               svc.post("/v1/simulations", {"hours": 1, "seed": 3}, role="analyst"))
    call("get", "/v1/simulations/{sim_id}", svc.get(f"/v1/simulations/{sim['id']}",
                                                    role="analyst"))

    # missing persons
    now = datetime.now(UTC)
    case = call("post", "/v1/missing", svc.post("/v1/missing", {
        "person": {"gender": "male", "age": 78, "clothing": ["蓝色外套"]},
        "last_seen": {"at": now.isoformat(), "location": {"lat": 40.6, "lon": 110.0}}},
        role="call_taker"))
    path = f"/v1/missing/{case['id']}"
    call("get", "/v1/missing", svc.get("/v1/missing"))
    call("get", "/v1/missing/kpis", svc.get("/v1/missing/kpis"))
    call("get", "/v1/missing/{case_id}", svc.get(path))
    call("post", "/v1/missing/{case_id}/risk",
         svc.post(f"{path}/risk", {"grade": "high", "reason": "老人患阿尔茨海默病"}))
    call("post", "/v1/missing/{case_id}/close",
         svc.post(f"{path}/close", {"outcome": "returned", "note": "自行回家"}))

    # synthesis
    call("post", "/v1/synthesis/preview",
         svc.post("/v1/synthesis/preview", {"text": "我家门口有人打架"}, role="call_taker"))
    call("get", "/v1/incidents/{incident_id}/synthesis",
         svc.get(f"/v1/incidents/{incident_id}/synthesis", role="call_taker"))
    note = call("post", "/v1/synthesis/notes", svc.post("/v1/synthesis/notes", {
        "lat": incident["location"]["lat"], "lon": incident["location"]["lon"], "radius_m": 60,
        "kind": "mental_illness", "text": "2号楼有严重精神障碍患者",
        "expires_at": (now + timedelta(days=30)).isoformat()}))
    call("get", "/v1/synthesis/notes", svc.get("/v1/synthesis/notes"))
    call("get", "/v1/synthesis/notes/{note_id}", svc.get(f"/v1/synthesis/notes/{note['id']}"))
    call("patch", "/v1/synthesis/notes/{note_id}", svc.http.patch(
        f"{svc.base}/v1/synthesis/notes/{note['id']}", json={"radius_m": 80},
        headers=svc.headers()))
    call("post", "/v1/synthesis/watchlist", svc.post("/v1/synthesis/watchlist", {"entries": [
        {"plate": "蒙B12345", "list": "stolen", "reason": "被盗抢车辆"}]}))
    call("get", "/v1/synthesis/series", svc.get("/v1/synthesis/series"))
    assert found == []
    assert len({(m, p) for m, p, _ in calls}) == 31


def test_schemathesis_finds_no_response_that_breaks_the_document(svc: Service) -> None:
    """schemathesis with its response conformance checks on (status codes, content types,
    bodies against the schemas) over every operation of the document, on the real server."""
    st = Path(sys.executable).with_name("st")
    proc = subprocess.run(
        [str(st), "run", f"{svc.base}/openapi.json",
         "--checks", ("not_a_server_error,status_code_conformance,content_type_conformance,"
                      "response_schema_conformance"),
         "--max-examples", "10", "--generation-deterministic", "--phases", "examples,fuzzing",
         "--workers", "1", "-H", f"Authorization: Bearer {svc.token('admin')}"],
        capture_output=True, text=True, timeout=seconds(300), check=False)
    report = proc.stdout[-8000:] + proc.stderr[-2000:]
    print(next((line for line in proc.stdout.splitlines() if " generated, " in line), ""))
    assert proc.returncode == 0, report
