"""The OpenAPI document: valid by openapi-spec-validator, typed success answers for the
main endpoints, one error schema, security said where it applies, and real answers of a
running service that match what the document promises."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from tests.support import RedisServer, Service, fresh_point, seconds

SPEC_URI = "urn:dispatch:openapi"
# The main endpoints: each must document its success body as a schema of its own.
TYPED = {
    ("post", "/v1/reports"), ("get", "/v1/incidents"), ("get", "/v1/incidents/{incident_id}"),
    ("post", "/v1/incidents/{incident_id}/ack"), ("post", "/v1/incidents/{incident_id}/status"),
    ("post", "/v1/incidents/{incident_id}/answer-on-spot"),
    ("post", "/v1/incidents/{incident_id}/triage"), ("post", "/v1/incidents/{incident_id}/answers"),
    ("post", "/v1/incidents/{incident_id}/merge"), ("post", "/v1/incidents/{incident_id}/callback"),
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


def test_schemathesis_finds_no_response_that_breaks_the_document(svc: Service) -> None:
    """schemathesis with its response conformance checks on (status codes, content types,
    bodies against the schemas) over the main endpoints, on the real server."""
    st = Path(sys.executable).with_name("st")
    proc = subprocess.run(
        [str(st), "run", f"{svc.base}/openapi.json",
         "--checks", ("not_a_server_error,status_code_conformance,content_type_conformance,"
                      "response_schema_conformance"),
         "--include-path-regex", r"^/(v1/(incidents|handoffs|dispositions|precincts|reports)|healthz)",
         "--max-examples", "10", "--generation-deterministic", "--phases", "examples,fuzzing",
         "--workers", "1", "-H", f"Authorization: Bearer {svc.token('admin')}"],
        capture_output=True, text=True, timeout=seconds(300), check=False)
    report = proc.stdout[-8000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
