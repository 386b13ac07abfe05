"""Errors raised by the dispatch core.

::

    DispatchError
     ├── UnknownIncident          no incident has that id (HTTP 404)
     ├── UnknownUnit              no unit has that id (HTTP 404)
     ├── InvalidTransition        the status machine forbids the move (HTTP 409)
     ├── NotAssigned              an ack for an incident that is not assigned to the actor
     ├── Forbidden                the actor's role may not do this (HTTP 403)
     ├── AlreadyAssigned          a reassignment to the precinct that has it (HTTP 409)
     ├── UnknownDisposition       结案 without a disposition of the registry (HTTP 422)
     ├── Conflict                 a concurrent writer won; reload and retry
     └── SourceReused             an idempotency key already names a different report (409)
"""

from __future__ import annotations

from collections.abc import Iterable


class DispatchError(Exception):
    """Root of the dispatch core's exceptions."""


class UnknownIncident(DispatchError):
    """No incident has the given id."""

    def __init__(self, incident_id: str) -> None:
        super().__init__(f"unknown incident {incident_id!r}")
        self.incident_id = incident_id


class UnknownUnit(DispatchError):
    """No unit has the given id."""

    def __init__(self, unit_id: str) -> None:
        super().__init__(f"unknown unit {unit_id!r}")


class InvalidTransition(DispatchError):
    """The requested status change is not allowed from the current status."""

    def __init__(self, current: str, wanted: str, allowed: Iterable[str]) -> None:
        self.current = current
        self.wanted = wanted
        self.allowed = sorted(allowed)
        super().__init__(
            f"cannot go from {current!r} to {wanted!r}; allowed: {', '.join(self.allowed) or 'none'}"
        )


class NotAssigned(DispatchError):
    """The actor tried to act on an incident that is not assigned to it."""


class Forbidden(DispatchError):
    """The actor's role does not allow the action."""


class AlreadyAssigned(DispatchError):
    """A reassignment names the precinct the incident is already assigned to."""

    def __init__(self, incident_id: str, precinct: str) -> None:
        super().__init__(f"incident {incident_id} is already assigned to precinct {precinct}")


class UnknownDisposition(DispatchError):
    """Closing without a disposition, or with one outside the registry."""

    def __init__(self, code: str | None, known: Iterable[str]) -> None:
        self.codes = sorted(known)
        said = "a disposition is required to close" if code is None \
            else f"unknown disposition {code[:40]!r}"
        super().__init__(f"disposition: {said}; one of {', '.join(self.codes)}")


class Conflict(DispatchError):
    """Another writer changed the incident first; the caller reloads and retries."""


class SourceReused(DispatchError):
    """A ``source_id`` already accepted with a different report: nothing was written."""

    def __init__(self, source_id: str, incident_id: str) -> None:
        super().__init__(f"source_id {source_id!r} was already used for a different report "
                         f"(incident {incident_id}); use a new source_id for a new report")
        self.incident_id = incident_id
