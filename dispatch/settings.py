"""Service configuration, read once from the environment into a frozen value.

Every variable is documented in the README's configuration table. Casts fail loudly:
a typo in ``ACK_TIMEOUT_S`` stops the service at start-up instead of silently
falling back to a default.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

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


def _secret(env: Mapping[str, str], var_dir: Path) -> Secret:
    raw = env.get("DISPATCH_SECRET")
    if raw:
        return Secret(raw)
    path = var_dir / "secret"
    if path.exists():
        return Secret(path.read_text(encoding="utf-8").strip())
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    path.write_text(value, encoding="utf-8")
    path.chmod(0o600)
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
        secret=_secret(env, var_dir),
        namespace=env.get("REDIS_NAMESPACE", "d"),
        targets={k: _float(env, k, v) or v for k, v in DEFAULT_WORKFLOW_TARGETS.items()},
        agencies_path=Path(env["HANDOFF_AGENCIES_PATH"]) if env.get("HANDOFF_AGENCIES_PATH") else None,
        webhook_retries=max(0, _int(env, "WEBHOOK_RETRIES", 5)),
        missing_targets_path=Path(env["MISSING_TARGETS_PATH"]) if env.get("MISSING_TARGETS_PATH") else None,
        missing_widen_s=_float(env, "MISSING_WIDEN_S", None),
    )
