"""The documented responses every router shares: success, the error table, a 422 by hand.

One table of error descriptions (401 token, 403 role or precinct, 404, 409, 422 …) that
each router narrows to what its routes can answer, so that the OpenAPI document words
the same error the same way everywhere and a router says only what differs.
"""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel

Responses = dict[int | str, dict[str, Any]]

UNAUTHORIZED = "missing, invalid or expired token"
FORBIDDEN = "the role or precinct may not do this"


def ok(model: type[BaseModel], description: str) -> dict[str, Any]:
    """A documented success response (for ``responses={200: ok(...)}``)."""
    return {"model": model, "description": description}


def errors(*, unauthorized: str = UNAUTHORIZED, forbidden: str | None = FORBIDDEN,
           not_found: str | None = None, conflict: str | None = None,
           invalid: str | None = None, **more: str) -> Responses:
    """The error responses of a router's routes: 401 and 403 always (403 unless None),
    404, 409 and 422 when described, and any other code given as ``e429="…"``."""
    table: Responses = {401: {"description": unauthorized}}
    if forbidden is not None:
        table[403] = {"description": forbidden}
    for code, text in ((404, not_found), (409, conflict), (422, invalid)):
        if text is not None:
            table[code] = {"description": text}
    for key, text in more.items():
        table[int(key.removeprefix("e"))] = {"description": text}
    return table


def invalid(loc: str | tuple[str, ...], message: str) -> RequestValidationError:
    """A 422 raised by hand, shaped as FastAPI's own (``loc`` a body field name, dotted
    for a nested one — ``person.age`` — or the whole location tuple)."""
    where = ("body", *loc.split(".")) if isinstance(loc, str) else loc
    return RequestValidationError([{"loc": where, "msg": message, "type": "value_error"}])
