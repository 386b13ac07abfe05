"""The documentation map renders."""

from __future__ import annotations

from pathlib import Path

from geo.mapplot import render_map


def test_render_map_writes_png(tmp_path: Path) -> None:
    out = render_map(tmp_path / "map.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
