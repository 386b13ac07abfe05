"""Roles and signed, expiring tokens (PyJWT, HS256).

A token names a role and, for the ``precinct`` role, the one precinct it speaks for,
which must be a precinct of the registry. It carries an id (``jti``) so that it can be
revoked, and lives at most one shift: a token whose ``exp - iat`` exceeds the deployment's
maximum (``TOKEN_MAX_LIFETIME_H``, default 12 h) is refused however it was signed. Who may
do what is ``dispatch.access``; this module only says who is asking.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

import jwt

ALGORITHM = "HS256"
ISSUER = "dispatch110"
SHIFT = timedelta(hours=12)  # the default maximum lifetime of a token


class Role(str, Enum):
    """Who is acting."""

    call_taker = "call_taker"
    precinct = "precinct"
    command = "command"
    analyst = "analyst"
    admin = "admin"


class AuthError(Exception):
    """Root of the auth errors: ``Unauthenticated`` (401) and ``PermissionDenied`` (403)."""


class Unauthenticated(AuthError):
    """No token, or a token that is malformed, badly signed or expired."""


class PermissionDenied(AuthError):
    """A valid token whose role or precinct may not do this."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated actor."""

    role: Role
    name: str
    precinct: str | None = None
    expires_at: datetime | None = None
    token_id: str | None = None
    issued_at: datetime | None = None

    @property
    def actor(self) -> str:
        """How events record this actor: ``call_taker:王芳``, ``command:王伟``,
        ``precinct:150203001:张磊`` (the precinct and its officer), or ``precinct:150203001``
        for a precinct token that names nobody. The audit trail and the consoles' timelines
        show who acted from this string."""
        if self.role is Role.precinct:
            named = self.name and self.name != Role.precinct.value
            return f"precinct:{self.precinct}:{self.name}" if named else f"precinct:{self.precinct}"
        return f"{self.role.value}:{self.name}"

    @property
    def officer(self) -> str | None:
        """The name on the token, when it names a person (not just the role)."""
        return self.name if self.name and self.name != self.role.value else None

    @property
    def is_command(self) -> bool:
        return self.role in (Role.command, Role.admin)


def issue(secret: str, role: Role, *, name: str | None = None, precinct: str | None = None,
          ttl: timedelta = SHIFT, now: datetime | None = None) -> str:
    """Sign a token with a fresh id (``jti``).

    Raises:
        ValueError: a precinct token without a precinct, or a precinct on another role.
    """
    if (role is Role.precinct) != (precinct is not None):
        raise ValueError("a precinct token needs --precinct, and only a precinct token has one")
    at = now or datetime.now(UTC)
    claims: dict[str, object] = {
        "iss": ISSUER, "sub": name or role.value, "role": role.value,
        "iat": int(at.timestamp()), "exp": int((at + ttl).timestamp()),
        "jti": uuid.uuid4().hex}
    if precinct:
        claims["precinct"] = precinct
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(secret: str, token: str | None, *, max_lifetime: timedelta | None = None,
           precincts: Collection[str] | None = None) -> Principal:
    """Check a token and return who it speaks for (revocation is checked by the caller,
    which holds the store: ``dispatch.api.gate.authenticate``).

    Args:
        secret: the signing key.
        token: the token as sent.
        max_lifetime: refuse a token whose ``exp - iat`` is longer (None: no bound).
        precincts: the registry's precinct ids; a precinct token must name one of them
            (None: not checked).

    Raises:
        Unauthenticated: missing, malformed, badly signed, expired, incomplete, longer
            lived than allowed, or naming a precinct that does not exist.
    """
    if not token:
        raise Unauthenticated("a token is required: send Authorization: Bearer <token>")
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "role", "sub", "jti"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("the token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(f"the token is invalid: {exc}") from exc
    try:
        role = Role(claims["role"])
    except ValueError as exc:
        raise Unauthenticated(f"the token names an unknown role {claims['role']!r}") from exc
    issued, expires = int(claims["iat"]), int(claims["exp"])
    if max_lifetime is not None and expires - issued > max_lifetime.total_seconds():
        raise Unauthenticated(f"the token lives {(expires - issued) / 3600:g} h; at most "
                              f"{max_lifetime.total_seconds() / 3600:g} h (one shift) is "
                              "accepted: ask for a new one")
    precinct = claims.get("precinct")
    if role is Role.precinct and not isinstance(precinct, str):
        raise Unauthenticated("a precinct token must name its precinct")
    if role is not Role.precinct and precinct is not None:
        raise Unauthenticated(f"only a precinct token names a precinct (this is {role.value!r})")
    if precincts is not None and precinct is not None and precinct not in precincts:
        raise Unauthenticated(f"the token names precinct {str(precinct)[:64]!r}, which does "
                              "not exist (see GET /v1/precincts)")
    return Principal(role=role, name=str(claims["sub"]), precinct=precinct,
                     expires_at=datetime.fromtimestamp(expires, UTC),
                     token_id=str(claims["jti"]), issued_at=datetime.fromtimestamp(issued, UTC))


def token_id(token: str) -> str | None:
    """The id (``jti``) of a token, read without checking it (for printing only)."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return None
    value = claims.get("jti")
    return str(value) if value is not None else None
