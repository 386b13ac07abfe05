"""Shared fixtures: a real redis-server and a real service stack, started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import RedisServer, Service


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def service(redis_server: RedisServer) -> Iterator[Service]:
    """API + pipeline worker + scheduler on the session Redis, with a 3 s ack clock."""
    svc = Service(redis_server.url, namespace="shared", ACK_TIMEOUT_S="3",
                  ESCALATION_STEP_S="2").start_all()
    yield svc
    svc.stop()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of the test's own, for tests that stop or crash it."""
    server = RedisServer().start()
    yield server
    server.cleanup()
