"""Typed views of redis-py replies (a client built with ``decode_responses=True``).

redis-py types its replies as broad unions; these helpers state, in one place, what a
decoded reply of each command is, so the adapters stay readable and type-checked.
"""

from __future__ import annotations

from typing import cast

Entry = tuple[str, dict[str, str]]
StreamReply = list[tuple[str, list[Entry]]]


def entries(reply: object) -> list[Entry]:
    """An XRANGE / XREVRANGE / XCLAIM reply."""
    return cast(list[Entry], reply or [])


def streams(reply: object) -> StreamReply:
    """An XREAD / XREADGROUP reply (None when BLOCK timed out)."""
    return cast(StreamReply, reply or [])


def strings(reply: object) -> list[str]:
    """A list-of-members reply (ZRANGE, SMEMBERS, GEOSEARCH …)."""
    return cast(list[str], list(cast(list[str], reply or [])))


def autoclaim(reply: object) -> tuple[str, list[Entry]]:
    """An XAUTOCLAIM reply: the next start id and the claimed entries."""
    parts = cast(list[object], reply)
    return cast(str, parts[0]), entries(parts[1])
