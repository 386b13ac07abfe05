"""The composition root of the API process: settings → clients → ports → routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from typing import Any

import redis
from fastapi import FastAPI, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import geo
from dispatch import access, logmask, registry
from dispatch import settings as settings_mod
from dispatch.adapters import heartbeats
from dispatch.adapters.handoff_delivery import raw_client
from dispatch.adapters.redis_conn import NotReplicated, connect, connect_async
from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.adapters.store_watch import StoreWatch
from dispatch.adapters.unit_store import UnitStore, patrol_units
from dispatch.adapters.ws_hub import FeedHub
from dispatch.api.gate import authenticate
from dispatch.api.limits import BodyLimit, StoreBreaker
from dispatch.api.openapi import install_openapi
from dispatch.api.reads import Health
from dispatch.api.responses import ok
from dispatch.api.ws import (
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHENTICATED,
    CLOSE_UNKNOWN_FEED,
    ConsoleSession,
    valid_since,
)
from dispatch.auth import AuthError, PermissionDenied, Unauthenticated
from dispatch.clock import Clock, SystemClock
from dispatch.domain.errors import (
    AlreadyAssigned,
    Conflict,
    DispatchError,
    Forbidden,
    InvalidTransition,
    NotAssigned,
    SourceReused,
    UnknownDisposition,
    UnknownIncident,
    UnknownUnit,
)
from dispatch.domain.incident import COMMAND_FEED
from dispatch.metrics import (
    STORE_AVAILABLE,
    WS_CLOSED,
    WS_CONNECTIONS,
    ClusterCollector,
    HttpMetrics,
)
from dispatch.rq_queues import all_named
from dispatch.synthesis.errors import SynthesisError, UnknownNote

log = logging.getLogger("dispatch.api")
CLOSE_TRY_LATER = 1013  # RFC 6455 7.4.1: try again later

_STATUS_FOR: dict[type[Exception], int] = {
    UnknownIncident: 404, UnknownUnit: 404, InvalidTransition: 409, Conflict: 409,
    SourceReused: 409, AlreadyAssigned: 409, UnknownDisposition: 422, NotAssigned: 403, Forbidden: 403,
    Unauthenticated: 401, PermissionDenied: 403,
}


def _describe(errors: list[Any]) -> str:
    parts = []
    for e in errors:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        parts.append(f"{loc}: {e.get('msg')}")
    return "; ".join(parts)


@cache
def _precinct_ids() -> frozenset[str]:
    return frozenset(p.id for p in geo.precincts())


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": message, "message": message, **extra}, status_code=status,
                        headers=headers)


def _store_answers(app: FastAPI) -> bool:
    """False only while the store watch has seen the store fail (not before its first look)."""
    watch = getattr(app.state, "store_watch", None)
    return watch is None or watch.state.available or watch.state.unavailable_since is None \
        or not watch.fresh()


def create_app(settings: settings_mod.Settings | None = None, clock: Clock | None = None) -> FastAPI:
    """Build the FastAPI application (clients are created in the lifespan, not here)."""
    cfg = settings or settings_mod.load()
    clk = clock or SystemClock()
    keys = Keys(cfg.namespace)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logmask.install()
        # Bounded: a frozen or unreachable store fails a request in seconds (503) instead
        # of holding one of the threadpool's threads until it answers again.
        client = connect(cfg, health_check_interval=30, socket_timeout=5.0,
                         socket_connect_timeout=2.0)
        aclient = connect_async(cfg)
        hub = FeedHub(aclient, keys, queue_size=cfg.console_queue)
        # Its own client with short timeouts: a check must not hang on a dead primary.
        watch_client = connect_async(cfg, socket_timeout=1.0, socket_connect_timeout=1.0)
        watch = StoreWatch(watch_client, keys, on_change=hub.notify)
        app.state.store_watch = watch
        app.state.store = RedisStore.from_settings(client, cfg)
        app.state.hub = hub
        roster = patrol_units(((p.id, p.name, *p.seat) for p in geo.precincts()),
                              cfg.units_per_precinct, clk.now())
        UnitStore(app.state.store).seed(roster, clk.now())
        rq_client = raw_client(client)
        cluster = CollectorRegistry()
        cluster.register(ClusterCollector(client, keys, rq_client,
                                          lambda: all_named(cfg.namespace)))
        app.state.cluster_metrics = cluster
        WS_CONNECTIONS.set_function(lambda: hub.connected)
        STORE_AVAILABLE.set_function(lambda: 1.0 if watch.state.available else 0.0)
        await hub.start()
        await watch.start()
        try:
            yield
        finally:
            await watch.stop()
            await hub.stop()
            await watch_client.aclose()
            await aclient.aclose()
            client.close()
            rq_client.close()

    # /docs and /redoc come from dispatch.api.docs (vendored assets, no CDN).
    app = FastAPI(title="110 dispatch and alert triage", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="Intake, triage, geolocation and live precinct feeds for a city "
                              "110 command centre. See docs/api.md.")
    app.state.settings = cfg
    app.state.clock = clk
    app.add_middleware(BodyLimit, limit=cfg.max_body_bytes,
                       body_timeout_s=cfg.body_timeout_s)
    # A store known not to answer: 503 at once (the watch is set up in the lifespan).
    app.add_middleware(StoreBreaker, available=lambda: _store_answers(app))
    app.add_middleware(HttpMetrics)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")}
                  for e in exc.errors()]
        return JSONResponse({"detail": errors, "message": _describe(errors)}, status_code=422)

    @app.exception_handler(DispatchError)
    @app.exception_handler(AuthError)
    async def known_error(_: Request, exc: Exception) -> JSONResponse:
        status = next((s for t, s in _STATUS_FOR.items() if isinstance(exc, t)), 400)
        extra: dict[str, Any] = {"allowed": exc.allowed} if isinstance(exc, InvalidTransition) \
            else {"incident_id": exc.incident_id} if isinstance(exc, SourceReused) \
            else {"dispositions": exc.codes} if isinstance(exc, UnknownDisposition) else {}
        return _error(status, str(exc), **extra)

    @app.exception_handler(NotReplicated)
    async def not_replicated(_: Request, exc: NotReplicated) -> JSONResponse:
        log.warning("write not replicated: %s", exc)
        response = _error(503, "the report reached the store but no replica confirmed it in "
                               "time; retry with the same source_id (it will not be "
                               "duplicated)")
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(SynthesisError)
    async def synthesis_error(_: Request, exc: SynthesisError) -> JSONResponse:
        return _error(404 if isinstance(exc, UnknownNote) else 422, str(exc))

    @app.exception_handler(redis.RedisError)
    async def store_down(_: Request, exc: redis.RedisError) -> JSONResponse:
        log.error("redis unavailable: %s", exc)
        response = _error(503, "the incident store is unavailable; nothing was written, "
                               "retry shortly")
        response.headers["Retry-After"] = "1"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail, "message": str(exc.detail)},
                            status_code=exc.status_code, headers=exc.headers)

    for router in registry.routers():
        app.include_router(router)

    @app.websocket("/v1/consoles/{feed}/ws")
    async def console(ws: WebSocket, feed: str, since: str | None = None,
                      token: str | None = None, priorities: str | None = None) -> None:
        """A precinct's (or the command centre's) live feed; see dispatch.api.ws."""
        # Accept first: a refusal is then a websocket close code a console can act on,
        # not a bare HTTP 403 from the handshake.
        await ws.accept()
        try:
            who = await run_in_threadpool(authenticate, cfg, ws.app.state.store, token)
        except Unauthenticated as exc:
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_UNAUTHENTICATED, str(exc)[:120])
            return
        except redis.RedisError:
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_TRY_LATER, "the store is unavailable; reconnect shortly")
            return
        if feed != COMMAND_FEED and feed not in _precinct_ids():
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_UNKNOWN_FEED, f"unknown precinct {feed[:64]!r}")
            return
        try:
            rule = access.rule_for("WS", "/v1/consoles/{feed}/ws")
            assert rule is not None
            access.decide(who, rule, access.relation_of_precinct(who, feed))
        except PermissionDenied as exc:
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_FORBIDDEN, str(exc)[:120])
            return
        if not valid_since(since):
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_BAD_REQUEST, "since must be a stream id like 1700000000000-0")
            return
        wanted = None
        if priorities:
            wanted = frozenset(p.strip() for p in priorities.split(","))
            if not wanted <= {"P1", "P2", "P3", "P4"}:
                WS_CLOSED.labels("refused").inc()
                await ws.close(CLOSE_BAD_REQUEST, "priorities must be a list like P1,P2")
                return
        session = ConsoleSession(ws, feed, ws.app.state.hub, ws.app.state.store, clk.now, who,
                                 wanted)
        await session.run(since)

    @app.websocket("/v1/sta024/ws")
    async def sta024_subscriptions(ws: WebSocket, token: str | None = None) -> None:
        """NENA-STA-024 subscribe/notify for external agencies; see dispatch.api.sta024."""
        await ws.accept()
        header = ws.headers.get("authorization", "")
        bearer = header[7:] if header.lower().startswith("bearer ") else None
        try:
            who = await run_in_threadpool(authenticate, cfg, ws.app.state.store,
                                          token or bearer)
            access.require_callable(who, access.rule_for("WS", "/v1/sta024/ws"), "WS",
                                    "/v1/sta024/ws")
        except Unauthenticated as exc:
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_UNAUTHENTICATED, str(exc)[:120])
            return
        except PermissionDenied as exc:
            WS_CLOSED.labels("refused").inc()
            await ws.close(CLOSE_FORBIDDEN, str(exc)[:120])
            return
        from dispatch.adapters.handoff_delivery import registry_for
        from dispatch.api.sta024 import Sta024Session

        session = Sta024Session(ws, ws.app.state.store, ws.app.state.hub.r,
                                registry_for(cfg.agencies_path).sender, clk,
                                cfg.targets.get("STA024_RETRANSMIT_S", 5.0))
        await session.run()

    @app.get("/healthz", tags=["operations"], response_model=None, responses={
        200: ok(Health, "everything needed to take reports is up"),
        503: ok(Health, "something is down: see the failing check")})
    def healthz(request: Request) -> JSONResponse:
        """Redis reachable, a pipeline worker alive, a deadline scheduler alive."""
        s: RedisStore = request.app.state.store
        checks: dict[str, Any] = {}
        try:
            s.r.ping()
            checks["redis"] = True
            checks["workers"] = len(heartbeats.alive(s.r, keys, "worker"))
            checks["schedulers"] = len(heartbeats.alive(s.r, keys, "scheduler"))
            checks["store"] = request.app.state.store_watch.state.to_dict()
        except redis.RedisError as exc:
            checks["redis"] = False
            checks["error"] = str(exc)
        ok = bool(checks.get("redis") and checks.get("workers") and checks.get("schedulers"))
        return JSONResponse({"ok": ok, **checks}, status_code=200 if ok else 503)

    @app.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
    def metrics() -> Response:
        """Prometheus metrics of this process (HTTP, websockets, process): scrape every
        API process and ``sum()``. See dispatch.metrics."""
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    @app.get("/metrics/cluster", response_class=PlainTextResponse, tags=["operations"])
    def cluster_metrics(request: Request) -> Response:
        """Prometheus metrics of the whole service, read from Redis (pipeline, incidents,
        RQ, hand-offs, heartbeats): scrape one API process only. See dispatch.metrics."""
        return Response(generate_latest(request.app.state.cluster_metrics),
                        media_type=CONTENT_TYPE_LATEST)

    install_openapi(app)
    return app
