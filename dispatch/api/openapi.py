"""What the OpenAPI document states beyond what FastAPI infers from the routes.

* **Errors.** Every error answer of the API has the body ``{"detail", "message"}``
  (dispatch.app's exception handlers; a 422 carries the validation errors in
  ``detail``). FastAPI would document 422 as its own ``HTTPValidationError`` and other
  errors without a body; here every 4xx/5xx response refers to :class:`ErrorBody`, and
  the 503 of a Redis outage is declared on every operation that reads the store.
* **Security.** Operations that take a token say ``HTTPBearer`` (FastAPI does that);
  the agency endpoints add the signed-request alternative (set on the routes); every
  other operation is declared open (``security: []``), so an open endpoint such as
  ``/v1/geo/precincts.geojson`` says that it is open rather than saying nothing.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error answer: ``detail`` for programs, ``message`` for people."""

    detail: Any = Field(description="a sentence, or (422) the list of validation errors "
                                    "[{loc, msg, type}]")
    message: str = Field(description="one readable sentence")


ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
AGENCY_SCHEMES = {
    "AgencyId": {"type": "apiKey", "in": "header", "name": "X-Agency-Id",
                 "description": "the receiving agency's id (docs/handoff.md)"},
    "AgencyTimestamp": {"type": "apiKey", "in": "header", "name": "X-Agency-Timestamp",
                        "description": "Unix seconds, within 300 s of the server's clock"},
    "AgencySignature": {"type": "apiKey", "in": "header", "name": "X-Agency-Signature",
                        "description": "sha256=<hex HMAC-SHA256(secret, "
                                       "'{timestamp}.{handoff_id}.{body}')>"},
}
_STORE_DOWN = {"description": "the incident store is unavailable; nothing was written "
                             "(Retry-After: 1)", "content": {"application/json": {
                                 "schema": ERROR_REF}}}


# Token-taking operations that never touch the incident store (no 503 from Redis).
_STORELESS = ("/v1/precincts", "/v1/dispositions", "/v1/triage/", "/v1/geo/")


def _errors(operation: dict[str, Any], path: str) -> None:
    responses = operation.setdefault("responses", {})
    if operation.get("security") and not path.startswith(_STORELESS):
        responses.setdefault("503", _STORE_DOWN)
    if "requestBody" in operation:  # FastAPI answers a body it cannot parse with 400
        responses.setdefault("400", {"description": "the body is not valid JSON"})
    for code, response in responses.items():
        if code[:1] in ("4", "5"):
            response["content"] = {"application/json": {"schema": ERROR_REF}}


def shape(spec: dict[str, Any]) -> dict[str, Any]:
    """Apply the error and security declarations to a generated document (in place)."""
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["ErrorBody"] = ErrorBody.model_json_schema()
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components.setdefault("securitySchemes", {}).update(AGENCY_SCHEMES)
    for path, item in spec.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue
            _errors(operation, path)
            operation.setdefault("security", [])  # no token: say it is open
    return spec


def install_openapi(app: FastAPI) -> None:
    """Serve the shaped document at ``/openapi.json`` (built once, on first request)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = shape(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
