"""Errors of the hand-off workflow.

::

    DispatchError
     ├── UnknownIncident
     │    └── UnknownHandoff       no hand-off has that id (HTTP 404)
     ├── Conflict
     │    └── HandoffClosed        an outcome for a hand-off that has one already (HTTP 409)
     └── RegistryError            the agency registry file cannot be used (start-up fails)
    DeliveryError                  a webhook call failed (RQ retries the job)

Signature failures are ``dispatch.auth.Unauthenticated`` (401) and an agency acting on
another agency's hand-off is ``dispatch.auth.PermissionDenied`` (403), so the API maps
them like every other credential problem.
"""

from __future__ import annotations

from dispatch.domain.errors import Conflict, DispatchError, UnknownIncident


class UnknownHandoff(UnknownIncident):
    """No hand-off has the given id."""

    def __init__(self, handoff_id: str) -> None:
        DispatchError.__init__(self, f"unknown hand-off {handoff_id!r}")
        self.incident_id = handoff_id
        self.handoff_id = handoff_id


class HandoffClosed(Conflict):
    """The hand-off has its outcome already."""


class RegistryError(DispatchError):
    """The agency registry is malformed."""


class DeliveryError(Exception):
    """The receiving agency's webhook did not accept the packet."""
