"""Events to and from JSON-ready dicts, for Redis Stream entries and the HTTP edge.

``event_to_dict`` renders any case event as plain JSON types (ISO-8601 times, enum
values, lists); ``event_from_dict`` rebuilds the identical event, re-running every
domain check on the way in. The mapping is derived from the dataclasses' type hints,
so a new field needs no codec change::

    event_from_dict(json.loads(json.dumps(event_to_dict(e)))) == e
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from dispatch.missing.errors import InvalidEvent
from dispatch.missing.events import EVENT_TYPES, CaseEvent

JSON = None | bool | int | float | str | list["JSON"] | dict[str, "JSON"]


def encode(value: object) -> JSON:
    """Render a domain value (dataclass, enum, datetime, tuple, frozenset …) as JSON types."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Enum):
        encoded: JSON = value.value
        return encoded
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (frozenset, set)):
        return sorted((encode(v) for v in value), key=str)
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    raise InvalidEvent(f"cannot encode {type(value).__name__}")


def decode(tp: Any, data: object) -> Any:
    """Rebuild a value of type ``tp`` from ``encode``'s output.

    Raises:
        InvalidEvent: the data does not fit the type.
        MissingError: a rebuilt domain value fails its own checks (e.g. ``InvalidPerson``).
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if data is None:
            return None
        if len(options) != 1:
            raise InvalidEvent(f"ambiguous union {tp}")
        return decode(options[0], data)
    if origin is tuple:
        args = typing.get_args(tp)
        items = _list(data, tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], d) for d in items)
        return tuple(decode(a, d) for a, d in zip(args, items, strict=True))
    if origin is frozenset:
        return frozenset(decode(typing.get_args(tp)[0], d) for d in _list(data, tp))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass(tp, data)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(data)
        except ValueError:
            raise InvalidEvent(f"{data!r} is not a {tp.__name__}") from None
    if tp is datetime:
        if not isinstance(data, str):
            raise InvalidEvent(f"expected an ISO-8601 time, got {data!r}")
        return datetime.fromisoformat(data)
    if tp is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    if tp in (int, str, bool) and type(data) is tp:
        return data
    raise InvalidEvent(f"expected {tp}, got {data!r}")


def _list(data: object, tp: object) -> list[object]:
    if not isinstance(data, list):
        raise InvalidEvent(f"expected a list for {tp}, got {data!r}")
    return data


def _dataclass(cls: type[Any], data: object) -> Any:
    if not isinstance(data, Mapping):
        raise InvalidEvent(f"expected an object for {cls.__name__}, got {data!r}")
    hints = typing.get_type_hints(cls)
    kwargs = {
        f.name: decode(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise InvalidEvent(f"{cls.__name__}: {exc}") from None


def event_to_dict(event: CaseEvent) -> dict[str, JSON]:
    """The event as a JSON-ready dict with its wire ``type`` first."""
    body = encode(event)
    assert isinstance(body, dict)
    return {"type": event.type, **body}


def event_from_dict(data: Mapping[str, object]) -> CaseEvent:
    """Rebuild an event from ``event_to_dict``'s output.

    Raises:
        InvalidEvent: unknown ``type`` or data that does not fit the event.
    """
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise InvalidEvent(f"unknown event type {data.get('type')!r}")
    event: CaseEvent = _dataclass(cls, {k: v for k, v in data.items() if k != "type"})
    return event
