"""Errors of the synthesis core.

::

    SynthesisError (ValueError)     bad input at the boundary (HTTP 422)
     ├── InvalidPhone               not a Chinese mobile or landline number
     ├── InvalidPlate               not a Chinese vehicle plate
     ├── InvalidNote                a premise note that cannot be kept (place, expiry)
     └── UnknownNote                no premise note has that id (HTTP 404)
"""

from __future__ import annotations


class SynthesisError(ValueError):
    """Root of the synthesis core's exceptions; the HTTP boundary answers 422."""


class InvalidPhone(SynthesisError):
    """The text is not a phone number the centre can look up."""


class InvalidPlate(SynthesisError):
    """The text is not a vehicle plate (e.g. ``蒙B12345``)."""


class InvalidNote(SynthesisError):
    """A premise note with an impossible radius, expiry or text."""


class UnknownNote(SynthesisError):
    """No premise note has the given id."""

    def __init__(self, note_id: str) -> None:
        super().__init__(f"unknown premise note {note_id[:40]!r}")
