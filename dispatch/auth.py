"""Roles and signed, expiring tokens (PyJWT, HS256).

A token names a role and, for the ``precinct`` role, the one precinct it speaks for.
Authorisation rules are plain functions over a :class:`Principal`, so the HTTP and
websocket adapters ask the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

import jwt

ALGORITHM = "HS256"
ISSUER = "dispatch110"


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
          ttl: timedelta = timedelta(hours=12), now: datetime | None = None) -> str:
    """Sign a token.

    Raises:
        ValueError: a precinct token without a precinct, or a precinct on another role.
    """
    if (role is Role.precinct) != (precinct is not None):
        raise ValueError("a precinct token needs --precinct, and only a precinct token has one")
    at = now or datetime.now(UTC)
    claims = {"iss": ISSUER, "sub": name or role.value, "role": role.value,
              "iat": int(at.timestamp()), "exp": int((at + ttl).timestamp())}
    if precinct:
        claims["precinct"] = precinct
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify(secret: str, token: str | None) -> Principal:
    """Check a token and return who it speaks for.

    Raises:
        Unauthenticated: missing, malformed, badly signed, expired or incomplete.
    """
    if not token:
        raise Unauthenticated("a token is required: send Authorization: Bearer <token>")
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "role", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("the token has expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthenticated(f"the token is invalid: {exc}") from exc
    try:
        role = Role(claims["role"])
    except ValueError as exc:
        raise Unauthenticated(f"the token names an unknown role {claims['role']!r}") from exc
    precinct = claims.get("precinct")
    if role is Role.precinct and not isinstance(precinct, str):
        raise Unauthenticated("a precinct token must name its precinct")
    return Principal(role=role, name=str(claims["sub"]), precinct=precinct,
                     expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC))


def require(principal: Principal, *roles: Role) -> None:
    """Raise PermissionDenied unless the principal has one of ``roles`` (admin always may)."""
    if principal.role is Role.admin or principal.role in roles:
        return
    raise PermissionDenied(f"role {principal.role.value!r} may not do this "
                           f"(needs {', '.join(r.value for r in roles)})")


def require_feed(principal: Principal, feed: str) -> None:
    """May the principal open this console feed?"""
    if principal.is_command:
        return
    if principal.role is Role.precinct and principal.precinct == feed:
        return
    raise PermissionDenied(f"{principal.actor} may not open the {feed!r} feed")


def require_precinct_of(principal: Principal, incident_precinct: str | None) -> None:
    """A precinct acts only on incidents assigned to it; other roles are checked by role."""
    if principal.role is Role.precinct and principal.precinct != incident_precinct:
        raise PermissionDenied(f"{principal.actor} may act only on incidents assigned to "
                               f"precinct {principal.precinct}")


def may_read_caller_history(principal: Principal, incident_precinct: str | None) -> bool:
    """Caller history (接警即合成) is for call-takers, command and the precinct the incident
    is assigned to: a caller's earlier reports are personal data (docs/synthesis.md)."""
    if principal.is_command or principal.role is Role.call_taker:
        return True
    return principal.role is Role.precinct and principal.precinct == incident_precinct


def require_caller_history(principal: Principal, incident_precinct: str | None) -> None:
    """Raise PermissionDenied unless :func:`may_read_caller_history`."""
    if not may_read_caller_history(principal, incident_precinct):
        raise PermissionDenied(f"{principal.actor} may not read this incident's caller history "
                               "(call-takers, command and the assigned precinct only)")
