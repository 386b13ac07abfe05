"""The composition root of the API process: settings → clients → ports → routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import redis
import redis.asyncio as aioredis
from fastapi import FastAPI, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException as StarletteHTTPException

import geo
from dispatch import settings as settings_mod
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.ws_hub import FeedHub
from dispatch.api.limits import BodyLimit
from dispatch.api.schemas import Channel, Precinct, ReportAccepted, ReportCreate
from dispatch.api.ws import (CLOSE_BAD_REQUEST, CLOSE_UNKNOWN_FEED, ConsoleSession,
                             valid_since)
from dispatch.clock import Clock, SystemClock
from dispatch.domain.errors import (Conflict, DispatchError, Forbidden, InvalidTransition,
                                    NotAssigned, UnknownIncident)
from dispatch.domain.events import iso
from dispatch.domain.incident import COMMAND_FEED, Status
from dispatch.metrics import DispatchCollector

log = logging.getLogger("dispatch.api")

_STATUS_FOR: dict[type[DispatchError], int] = {
    UnknownIncident: 404, InvalidTransition: 409, Conflict: 409, NotAssigned: 403, Forbidden: 403,
}


def _describe(errors: list[Any]) -> str:
    parts = []
    for e in errors:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {e.get('msg')}")
    return "; ".join(parts)


def create_app(settings: settings_mod.Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the FastAPI application (clients are created in the lifespan, not here)."""
    cfg = settings or settings_mod.load()
    clk = clock or SystemClock()
    keys = Keys(cfg.namespace)
    url = cfg.redis_url or f"redis://127.0.0.1:{cfg.redis_port}/0"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = redis.Redis.from_url(url, decode_responses=True, health_check_interval=30)
        aclient = aioredis.Redis.from_url(url, decode_responses=True)
        hub = FeedHub(aclient, keys)
        app.state.store = RedisStore(client, keys)
        app.state.hub = hub
        registry = CollectorRegistry()
        registry.register(DispatchCollector(client, keys, lambda: hub.connected))
        app.state.registry = registry
        await hub.start()
        try:
            yield
        finally:
            await hub.stop()
            await aclient.aclose()
            client.close()

    app = FastAPI(title="110 dispatch and alert triage", version="0.1.0", lifespan=lifespan,
                  description="Intake, triage, geolocation and live precinct feeds for a city "
                              "110 command centre.")
    app.add_middleware(BodyLimit, limit=cfg.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")}
                  for e in exc.errors()]
        return JSONResponse({"detail": errors, "message": _describe(errors)}, status_code=422)

    @app.exception_handler(DispatchError)
    async def domain_error(_: Request, exc: DispatchError) -> JSONResponse:
        status = next((s for t, s in _STATUS_FOR.items() if isinstance(exc, t)), 400)
        body: dict[str, Any] = {"detail": str(exc), "message": str(exc)}
        if isinstance(exc, InvalidTransition):
            body["allowed"] = exc.allowed
        return JSONResponse(body, status_code=status)

    @app.exception_handler(redis.RedisError)
    async def store_down(_: Request, exc: redis.RedisError) -> JSONResponse:
        log.error("redis unavailable: %s", exc)
        message = "the incident store is unavailable; nothing was written, retry shortly"
        return JSONResponse({"detail": message, "message": message}, status_code=503,
                            headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail, "message": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)

    def store(request: Request) -> RedisStore:
        return request.app.state.store  # type: ignore[no-any-return]

    precinct_ids: Callable[[], set[str]] = lambda: {p.id for p in geo.precincts()}

    @app.post("/v1/reports", status_code=202, response_model=ReportAccepted,
              responses={413: {"description": "body over the limit"},
                         422: {"description": "invalid report"}})
    def post_report(body: ReportCreate, request: Request) -> ReportAccepted:
        """Accept a report. Answers only after it is durably appended to Redis."""
        report = body.model_dump(mode="json", exclude_none=True)
        incident_id, received_at, _ = store(request).intake(report, clk.now())
        return ReportAccepted(id=incident_id, received_at=iso(received_at))

    @app.get("/v1/incidents/{incident_id}")
    def get_incident(incident_id: str, request: Request) -> dict[str, Any]:
        """The incident's current state and its whole timeline, oldest first."""
        s = store(request)
        state = s.load(incident_id).to_dict()
        state["timeline"] = s.timeline(incident_id)
        return state

    @app.get("/v1/incidents")
    def list_incidents(request: Request,
                       precinct: str | None = Query(None, max_length=32),
                       status: Status | None = None,
                       category: str | None = Query(None, pattern=r"^[a-z_0-9]{1,32}$"),
                       limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
        """The newest incidents matching the filters."""
        items = store(request).list(precinct=precinct, status=status.value if status else None,
                                    category=category, limit=limit)
        return {"items": [i.to_dict() for i in items], "count": len(items)}

    @app.get("/v1/precincts", response_model=list[Precinct])
    def list_precincts() -> list[Precinct]:
        """The precincts known to the service."""
        return [Precinct(id=p.id, name=p.name, district=p.district,
                         district_name=p.district_name, synthetic=p.synthetic)
                for p in geo.precincts()]

    @app.websocket("/v1/consoles/{feed}/ws")
    async def console(ws: WebSocket, feed: str, since: str | None = None) -> None:
        """A precinct's (or the command centre's) live feed; see dispatch.api.ws."""
        if feed != COMMAND_FEED and feed not in precinct_ids():
            await ws.close(CLOSE_UNKNOWN_FEED, f"unknown precinct {feed[:64]!r}")
            return
        if not valid_since(since):
            await ws.close(CLOSE_BAD_REQUEST, "since must be a stream id like 1700000000000-0")
            return
        await ws.accept()
        session = ConsoleSession(ws, feed, ws.app.state.hub, ws.app.state.store, clk.now)
        await session.run(since)

    @app.get("/healthz")
    def healthz(request: Request) -> JSONResponse:
        """Redis reachable, a pipeline worker alive, a deadline scheduler alive."""
        s = store(request)
        checks: dict[str, Any] = {}
        try:
            s.r.ping()
            checks["redis"] = True
            checks["workers"] = len(list(s.r.scan_iter(keys.heartbeats("worker"), count=100)))
            checks["schedulers"] = len(list(s.r.scan_iter(keys.heartbeats("scheduler"), count=100)))
        except redis.RedisError as exc:
            checks["redis"] = False
            checks["error"] = str(exc)
        ok = bool(checks.get("redis") and checks.get("workers") and checks.get("schedulers"))
        return JSONResponse({"ok": ok, **checks}, status_code=200 if ok else 503)

    @app.get("/metrics", response_class=PlainTextResponse)
    def metrics(request: Request) -> Response:
        """Prometheus metrics."""
        return Response(generate_latest(request.app.state.registry),
                        media_type=CONTENT_TYPE_LATEST)

    _ = Channel  # the enum is part of the OpenAPI schema through ReportCreate
    return app
