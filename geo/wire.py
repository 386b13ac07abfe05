"""JSON-lines records of the ``locate`` CLI: decode a request, encode a Location."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from geo.locate import locate
from geo.model import DevicePoint, Location, unplaced

OUTPUT_FIELDS = ("id", "lat", "lon", "crs", "radius_m", "confidence", "district", "precinct",
                 "precinct_name", "in_jurisdiction", "city", "matched")


def _device(raw: Any) -> DevicePoint | str:
    """A DevicePoint from ``{"lat", "lon", "crs"?, "accuracy_m"?}``, or an error text."""
    if not isinstance(raw, dict):
        return "location must be an object with lat and lon"
    if "lat" not in raw or "lon" not in raw:
        return "location needs lat and lon"
    acc = raw.get("accuracy_m", raw.get("accuracy"))
    try:
        lat, lon = float(raw["lat"]), float(raw["lon"])
        accuracy = None if acc is None else float(acc)
    except (TypeError, ValueError):
        return "location lat/lon/accuracy must be numbers"
    return DevicePoint(lat, lon, str(raw.get("crs") or "wgs84"), accuracy)


def locate_record(record: dict[str, Any]) -> tuple[Any, Location]:
    """Locate one request record ``{"id", "text"?, "address"?, "location"?, "region_hint"?}``."""
    rid = record.get("id")
    text = record.get("text")
    address = record.get("address")
    hint = record.get("region_hint")
    device = None
    warnings: tuple[str, ...] = ()
    if record.get("location") is not None:
        parsed = _device(record["location"])
        if isinstance(parsed, str):
            warnings = (f"device location ignored: {parsed}",)
        else:
            device = parsed
    loc = locate(text if isinstance(text, str) else None,
                 address=address if isinstance(address, str) else None,
                 device=device, region_hint=hint if isinstance(hint, str) else None)
    if warnings:
        if loc.lat is None and device is None and not (text or address):
            loc = unplaced(warnings[0].removeprefix("device location ignored: "), warnings=warnings)
        else:
            loc = _with_warnings(loc, warnings)
    return rid, loc


def _with_warnings(loc: Location, extra: tuple[str, ...]) -> Location:
    return replace(loc, warnings=extra + loc.warnings)


def encode(rid: Any, loc: Location) -> str:
    """One output line: the contract fields first, then details (reason, warnings …)."""
    body = loc.to_dict()
    out: dict[str, Any] = {"id": rid}
    out.update({k: body[k] for k in OUTPUT_FIELDS if k != "id"})
    out.update({k: v for k, v in body.items() if k not in out})
    return json.dumps(out, ensure_ascii=False)


def process_line(line: str) -> str | None:
    """Decode, locate and encode one input line; None for a blank line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return encode(None, unplaced(f"invalid JSON line: {exc.msg}"))
    if not isinstance(record, dict):
        return encode(None, unplaced("each line must be a JSON object"))
    rid, loc = locate_record(record)
    return encode(rid, loc)
