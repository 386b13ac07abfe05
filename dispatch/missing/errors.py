"""Errors raised by the missing-person core.

Exception tree::

    MissingError
    ├── InvalidPerson            impossible age, height, gender or condition code
    ├── InvalidLastSeen          last-seen time in the future or naive, coordinates off the globe
    ├── InvalidTargetConfig      elapsed-time target table that cannot be used
    ├── InvalidOverride          supervisor override without a reason or to an unknown grade
    ├── InvalidSighting          sighting or found-person record that cannot be scored
    ├── UnknownTarget            a target name the case does not carry
    ├── InvalidEvent             a stored or received event that cannot be decoded
    └── InvalidCaseTransition    an event the case's current status does not allow

The HTTP adapter maps every ``MissingError`` to a 4xx (``InvalidCaseTransition`` to 409,
the others to 422); an unknown case id is the adapter's own 404 because the core never
looks cases up.
"""

from __future__ import annotations


class MissingError(Exception):
    """Base class of every error raised by ``dispatch.missing``."""


class InvalidPerson(MissingError):
    """The description of a person holds an impossible value."""


class InvalidLastSeen(MissingError):
    """The last-seen facts are impossible (future time, naive time, bad coordinates)."""


class InvalidTargetConfig(MissingError):
    """The elapsed-time target table is malformed."""


class InvalidOverride(MissingError):
    """A supervisor risk override is missing its reason or names an unknown grade."""


class InvalidSighting(MissingError):
    """A sighting or found-person record cannot be scored."""


class UnknownTarget(MissingError):
    """The case carries no target of that name."""


class InvalidEvent(MissingError):
    """An event dict does not decode (unknown type, missing or ill-typed field)."""


class InvalidCaseTransition(MissingError):
    """The event is not allowed in the case's current status.

    Attributes:
        status: the case status when the event arrived (``None`` before ``missing.opened``).
        event_type: the event's wire name, e.g. ``"missing.sighting_linked"``.
    """

    def __init__(self, status: str | None, event_type: str, detail: str = "") -> None:
        self.status = status
        self.event_type = event_type
        message = f"{event_type} is not allowed when the case is {status or 'not opened'}"
        super().__init__(f"{message}: {detail}" if detail else message)
