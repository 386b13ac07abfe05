"""FastAPI dependencies: the store, the clock and the authenticated principal."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from dispatch.adapters.redis_store import RedisStore
from dispatch.auth import Principal, verify
from dispatch.clock import Clock
from dispatch.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="a token from `python -m dispatch token`")


def get_store(request: Request) -> RedisStore:
    return request.app.state.store  # type: ignore[no-any-return]


def get_clock(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_principal(request: Request,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                  ) -> Principal:
    token = credentials.credentials if credentials else None
    return verify(request.app.state.settings.secret.value, token)


StoreDep = Annotated[RedisStore, Depends(get_store)]
ClockDep = Annotated[Clock, Depends(get_clock)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
