"""A job for bench/jobqueue.py: what the pipeline does per report, minus triage and geo."""

from __future__ import annotations

import redis


def touch(url: str, key: str) -> None:
    """One Redis write, the stand-in for committing a processed report."""
    redis.Redis.from_url(url).hset("bench:done", key, 1)
