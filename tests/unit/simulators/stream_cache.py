"""One generated day shared by the stream tests (generation takes about a second)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from simulators import generate

SEED = 7
HOURS = 24.0


def day(seed: int = SEED, mix: tuple[str, ...] = ()) -> tuple[dict[str, Any], ...]:
    """The default 24 h stream for ``seed`` (cached; callers must not mutate it)."""
    return _day(seed, mix)


@lru_cache(maxsize=4)
def _day(seed: int, mix: tuple[str, ...]) -> tuple[dict[str, Any], ...]:
    return tuple(generate(HOURS, seed, mix=mix))


def dumps(lines: tuple[dict[str, Any], ...] | list[dict[str, Any]]) -> bytes:
    """Serialise a stream exactly as the CLI does."""
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for line in lines).encode("utf-8")
