"""Fixtures for the triage unit tests."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest


def _rows(name: str) -> list[dict[str, Any]]:
    text = resources.files("triage.data").joinpath(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def dev_rows() -> list[dict[str, Any]]:
    """The committed dev set (gold category, priority, flags)."""
    return _rows("dev.jsonl")


@pytest.fixture(scope="session")
def holdout_rows() -> list[dict[str, Any]]:
    """The committed holdout set, written after the dev set."""
    return _rows("holdout.jsonl")
