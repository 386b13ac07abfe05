"""Service configuration, read once from the environment into a frozen value.

Every variable is documented in the README's configuration table. Casts fail loudly:
a typo in ``ACK_TIMEOUT_S`` stops the service at start-up instead of silently
falling back to a default.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from dispatch.synthesis.rules import Policy

PRIORITIES = ("P1", "P2", "P3", "P4")

# Ack deadlines by priority (seconds). P4 matters are answered, not dispatched: no ack clock.
DEFAULT_ACK_TIMEOUTS: Mapping[str, float | None] = {"P1": 30.0, "P2": 60.0, "P3": 300.0, "P4": None}

# Forum reply/completion and hand-off targets (seconds); see docs/forum.md, docs/handoff.md.
DEFAULT_WORKFLOW_TARGETS: Mapping[str, float] = {
    "FORUM_REPLY_P1_S": 300.0, "FORUM_REPLY_P2_S": 1800.0, "FORUM_REPLY_S": 7200.0,
    "FORUM_COMPLETE_S": 259200.0, "HANDOFF_ACK_P1_S": 600.0, "HANDOFF_ACK_S": 1800.0,
    "HANDOFF_LOCATE_S": 7200.0, "WEBHOOK_BACKOFF_S": 2.0,
    "STA024_RETRANSMIT_S": 5.0,  # an unacknowledged STA-024 event is sent again this often
}


class ConfigError(ValueError):
    """An environment variable has a value the service cannot use."""


def _float(env: Mapping[str, str], name: str, default: float | None) -> float | None:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a number") from exc
    if not value > 0:
        raise ConfigError(f"{name}={raw!r} must be a positive number of seconds")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc


@dataclass(frozen=True, slots=True)
class Secret:
    """A credential that never shows in a repr or a log line."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "**********"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the processes of the service need to know about their environment."""

    redis_url: str | None
    redis_port: int
    host: str
    port: int
    var_dir: Path
    ack_timeouts: Mapping[str, float | None]
    escalation_step_s: float
    workers: int
    console_queue: int
    units_per_precinct: int
    max_body_bytes: int
    secret: Secret
    namespace: str
    targets: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WORKFLOW_TARGETS))
    agencies_path: Path | None = None
    webhook_retries: int = 5
    missing_targets_path: Path | None = None  # TOML overriding the missing-person targets
    missing_widen_s: float | None = None  # re-evaluate alert circles at least this often
    # Redis high availability (docs/design.md, "Failover"): Sentinels to ask for the
    # primary, and how many replicas must hold a write before it is acknowledged.
    redis_sentinels: tuple[tuple[str, int], ...] = ()
    redis_master_name: str = "dispatch"
    redis_password: str | None = None
    sentinel_password: str | None = None
    replicas_wait: int = 0
    replicas_wait_ms: int = 500
    # With no replica connected at all, refuse writes (503) instead of taking them on the
    # primary alone (docs/design.md, "Failover").
    replica_required: bool = False
    body_timeout_s: float = 10.0  # a request body must have arrived by then (else 408)
    # 接警即合成 (docs/synthesis.md): the HMAC key caller numbers are hashed with, the
    # agency's thresholds, and whether the pipeline runs the stage at all.
    caller_hash_key: Secret = field(default_factory=lambda: Secret(secrets.token_urlsafe(32)))
    synthesis: Policy = field(default_factory=Policy)
    synthesis_enabled: bool = True
    # A token lives at most one shift (issue 17): a longer-lived one is refused (401).
    token_max_lifetime: timedelta = timedelta(hours=12)

    def ack_timeout(self, priority: str) -> float | None:
        """Seconds a precinct has to acknowledge an assignment of this priority (None: no clock)."""
        return self.ack_timeouts.get(priority)


def existing_secret(env: Mapping[str, str] | None = None) -> Secret:
    """The running deployment's signing key, never a new one (for tools beside a service).

    Raises:
        ConfigError: neither ``DISPATCH_SECRET`` nor ``$DISPATCH_VAR/secret`` exists; the
            message names the file looked for.
    """
    env = os.environ if env is None else env
    if env.get("DISPATCH_SECRET"):
        return Secret(env["DISPATCH_SECRET"])
    path = Path(env.get("DISPATCH_VAR", "var")).resolve() / "secret"
    if path.exists():
        return Secret(path.read_text(encoding="utf-8").strip())
    raise ConfigError(f"no signing key: DISPATCH_SECRET is not set and {path} does not exist "
                      "(run this from the folder `make run` was started in, or set "
                      "DISPATCH_VAR or DISPATCH_SECRET)")


def _secret(env: Mapping[str, str], var_dir: Path, name: str = "DISPATCH_SECRET",
            file: str = "secret") -> Secret:
    raw = env.get(name)
    if raw:
        return Secret(raw)
    path = var_dir / file
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    # Created exclusively: processes starting together (API, workers) must agree on one
    # key, so the first writes it and the others read it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):
            text = path.read_text(encoding="utf-8").strip()
            if text:
                return Secret(text)
            time.sleep(0.01)  # the creator is between open() and write()
        raise ConfigError(f"{path} is empty: delete it or set {name}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value)
    return Secret(value)


def load(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``env`` (default: the process environment).

    Raises:
        ConfigError: a variable is set to a value that cannot be used.
    """
    env = os.environ if env is None else env
    var_dir = Path(env.get("DISPATCH_VAR", "var")).resolve()
    timeouts = dict(DEFAULT_ACK_TIMEOUTS)
    # ACK_TIMEOUT_S, when set, is one clock for every dispatched priority; the per-priority
    # variables below refine it.
    common = _float(env, "ACK_TIMEOUT_S", None)
    for p in PRIORITIES:
        if common is not None and timeouts[p] is not None:
            timeouts[p] = common
        timeouts[p] = _float(env, f"ACK_TIMEOUT_{p}_S", timeouts[p])
    return Settings(
        redis_url=env.get("REDIS_URL") or None,
        redis_port=_int(env, "REDIS_PORT", 6390),
        host=env.get("HOST", "127.0.0.1"),
        port=_int(env, "PORT", 8000),
        var_dir=var_dir,
        ack_timeouts=timeouts,
        escalation_step_s=_float(env, "ESCALATION_STEP_S", 60.0) or 60.0,
        workers=max(1, _int(env, "PIPELINE_WORKERS", 1)),
        console_queue=max(8, _int(env, "CONSOLE_QUEUE", 256)),
        units_per_precinct=max(0, _int(env, "UNITS_PER_PRECINCT", 2)),
        max_body_bytes=_int(env, "MAX_BODY_BYTES", 64 * 1024),
        body_timeout_s=_float(env, "REQUEST_BODY_TIMEOUT_S", 10.0) or 10.0,
        secret=_secret(env, var_dir),
        namespace=env.get("REDIS_NAMESPACE", "d"),
        targets={k: _float(env, k, v) or v for k, v in DEFAULT_WORKFLOW_TARGETS.items()},
        agencies_path=Path(env["HANDOFF_AGENCIES_PATH"]) if env.get("HANDOFF_AGENCIES_PATH") else None,
        webhook_retries=max(0, _int(env, "WEBHOOK_RETRIES", 5)),
        missing_targets_path=Path(env["MISSING_TARGETS_PATH"]) if env.get("MISSING_TARGETS_PATH") else None,
        missing_widen_s=_float(env, "MISSING_WIDEN_S", None),
        redis_sentinels=_sentinels(env.get("REDIS_SENTINELS", "")),
        redis_master_name=env.get("REDIS_MASTER_NAME", "dispatch"),
        redis_password=env.get("REDIS_PASSWORD") or None,
        sentinel_password=env.get("REDIS_SENTINEL_PASSWORD") or None,
        # With Sentinels, a write waits for one replica by default (REDIS_WAIT_REPLICAS=0
        # turns it off); without them there is nobody to wait for.
        replicas_wait=max(0, _int(env, "REDIS_WAIT_REPLICAS",
                                  1 if env.get("REDIS_SENTINELS") else 0)),
        replicas_wait_ms=max(1, _int(env, "REDIS_WAIT_MS", 500)),
        replica_required=env.get("REDIS_REPLICA_REQUIRED", "0").lower() in ("1", "true", "yes"),
        # A key of its own: rotating the token key must not orphan the caller index.
        caller_hash_key=_secret(env, var_dir, "CALLER_HASH_KEY", "caller_hash_key"),
        synthesis=_policy(env),
        synthesis_enabled=env.get("SYNTHESIS", "on").lower() not in ("off", "0", "false", "no"),
        token_max_lifetime=token_max_lifetime(env),
    )


def token_max_lifetime(env: Mapping[str, str] | None = None) -> timedelta:
    """``TOKEN_MAX_LIFETIME_H`` (hours, default 12: one shift), for the API and for
    ``python -m dispatch token``, which refuses to print a token the API would refuse.

    Raises:
        ConfigError: not a positive number.
    """
    env = os.environ if env is None else env
    raw = env.get("TOKEN_MAX_LIFETIME_H") or "12"
    try:
        hours = float(raw)
    except ValueError:
        hours = 0.0
    if not 0 < hours < 24 * 366:
        raise ConfigError(f"TOKEN_MAX_LIFETIME_H={raw!r} must be a positive number of hours")
    return timedelta(hours=hours)


def _policy(env: Mapping[str, str]) -> Policy:
    """The synthesis thresholds (``SYNTHESIS_*``; defaults in :class:`Policy`)."""
    d = Policy()

    def whole(name: str, default: int) -> int:
        value = _int(env, name, default)
        if value < 1:
            raise ConfigError(f"{name}={value} must be at least 1")
        return value

    def metres(name: str, default: float) -> float:
        return _float(env, name, default) or default

    return Policy(
        caller_days=whole("SYNTHESIS_CALLER_DAYS", d.caller_days),
        repeat_calls=whole("SYNTHESIS_REPEAT_CALLS", d.repeat_calls),
        repeat_days=whole("SYNTHESIS_REPEAT_DAYS", d.repeat_days),
        frequent_month=whole("SYNTHESIS_FREQUENT_MONTH", d.frequent_month),
        frequent_quarter=whole("SYNTHESIS_FREQUENT_QUARTER", d.frequent_quarter),
        place_radius_m=metres("SYNTHESIS_PLACE_RADIUS_M", d.place_radius_m),
        hotspot_count=whole("SYNTHESIS_HOTSPOT_COUNT", d.hotspot_count),
        series_radius_m=metres("SYNTHESIS_SERIES_RADIUS_M", d.series_radius_m),
        series_days=whole("SYNTHESIS_SERIES_DAYS", d.series_days),
        series_min=whole("SYNTHESIS_SERIES_MIN", d.series_min),
    )


def _sentinels(raw: str) -> tuple[tuple[str, int], ...]:
    """``host:port,host:port`` → pairs.

    Raises:
        ConfigError: an entry is not ``host:port`` with a port 1–65535.
    """
    out: list[tuple[str, int]] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"REDIS_SENTINELS: {part!r} is not host:port")
        out.append((host, int(port)))
    return tuple(out)
