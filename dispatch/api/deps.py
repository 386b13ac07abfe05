"""FastAPI dependencies: the store, the clock, the settings, and the authenticated
principal past the access gate (``dispatch.api.gate``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dispatch.adapters.redis_store import RedisStore
from dispatch.api.gate import GateDep, PrincipalDep
from dispatch.clock import Clock
from dispatch.settings import Settings


def get_store(request: Request) -> RedisStore:
    return request.app.state.store  # type: ignore[no-any-return]


def get_clock(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


StoreDep = Annotated[RedisStore, Depends(get_store)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

__all__ = ["ClockDep", "GateDep", "PrincipalDep", "SettingsDep", "StoreDep"]
