"""How an incident ends: the fixed registry of dispositions asked for at 结案, and the
on-the-spot answer (当场答复) that closes a matter needing no patrol.

The registry follows the common dispositions CAD systems exchange in an EIDO's
``dispositionComponent`` (report taken, arrest, citation, advised, assisted, transported,
referred, gone on arrival, unfounded, false alarm, duplicate, cancelled), narrowed to what a
Chinese 110 centre records, with the Chinese label the consoles show and the EIDO-style
registry text a partner agency (12345) receives. The codes are the wire values; nothing
outside the table is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from dispatch.domain.errors import InvalidTransition, UnknownDisposition
from dispatch.domain.events import Event, EventType
from dispatch.domain.incident import TRANSITIONS, Incident, Status

# A matter the call-taker or the precinct may answer at once: a consultation (咨询), or any
# P4 matter, as long as no unit has set out.
ANSWERABLE_STATUSES = frozenset({Status.TRIAGED, Status.ASSIGNED, Status.ACKNOWLEDGED})
ANSWERABLE_CATEGORIES = frozenset({"consultation"})
ANSWERABLE_PRIORITIES = frozenset({"P4"})
ANSWERED = "answered"


@dataclass(frozen=True, slots=True)
class Disposition:
    """One entry of the registry: wire code, Chinese label, EIDO-style registry text."""

    code: str
    label: str
    eido: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "label": self.label, "eido": self.eido}


DISPOSITIONS: Mapping[str, Disposition] = {d.code: d for d in (
    Disposition("report_taken", "已受案立案", "Report Taken"),
    Disposition("arrest", "已抓获/带离审查", "Arrest"),
    Disposition("citation", "已查处（治安处罚/警告）", "Citation"),
    Disposition("mediated", "已调解", "Mediated"),
    Disposition("advised", "已劝解/教育", "Advised"),
    Disposition("assisted", "已救助/帮扶", "Assisted"),
    Disposition("transported", "已送医/护送", "Transported"),
    Disposition("referred", "已移交相关部门", "Referred"),
    Disposition(ANSWERED, "已当场答复", "Advised"),
    Disposition("gone_on_arrival", "到场未见当事人", "Gone On Arrival"),
    Disposition("unfounded", "经核实无警情", "Unfounded"),
    Disposition("false_report", "谎报/误报", "False Alarm"),
    Disposition("duplicate", "重复报警", "Duplicate"),
    Disposition("cancelled_by_caller", "报警人撤警", "Cancelled"),
)}


def disposition(code: str | None) -> Disposition:
    """The registry entry for ``code``.

    Raises:
        UnknownDisposition: no code given, or not one of the registry (HTTP 422, naming the
            codes to choose from).
    """
    if code is None or code not in DISPOSITIONS:
        raise UnknownDisposition(code, DISPOSITIONS)
    return DISPOSITIONS[code]


def close(incident: Incident, code: str | None, reason: str | None, actor: str,
          officer: str, now: datetime) -> list[Event]:
    """结案: the resolved incident closes with a disposition from the registry.

    Raises:
        InvalidTransition: the incident is not resolved (checked first: closing an open
            incident is a 409 whatever the disposition).
        UnknownDisposition: no disposition, or one outside the registry.
    """
    if incident.status is not Status.RESOLVED:  # the moves allowed from here, as the fold says
        raise InvalidTransition(incident.status.value, Status.CLOSED.value,
                                (s.value for s in TRANSITIONS[incident.status]))
    chosen = disposition(code)
    return [Event(EventType.STATUS_CHANGED, incident.id, now, actor=actor, data={
        "status": Status.CLOSED.value, "reason": reason, "previous": incident.status.value,
        "disposition": chosen.code, "disposition_label": chosen.label, "officer": officer})]


def is_answerable(incident: Incident) -> bool:
    """May this matter be answered on the spot (当场答复)?"""
    return incident.status in ANSWERABLE_STATUSES and (
        incident.category in ANSWERABLE_CATEGORIES or incident.priority in ANSWERABLE_PRIORITIES)


def answer_on_spot(incident: Incident, answer: str, actor: str, officer: str,
                   now: datetime) -> list[Event]:
    """当场答复: the caller's question answered at once; the incident closes.

    Returns:
        ``incident.answered_on_spot`` (the answer, who gave it, disposition ``answered``);
        its fold closes the incident and its deadlines.

    Raises:
        InvalidTransition: not a consultation or a P4 matter, a unit has set out, or it is
            finished already.
    """
    if not is_answerable(incident):
        raise InvalidTransition(
            f"{incident.status.value} {incident.priority or ''} {incident.category or ''}".strip(),
            "answered_on_spot",
            [f"consultation or P4 in {', '.join(sorted(s.value for s in ANSWERABLE_STATUSES))}"])
    chosen = DISPOSITIONS[ANSWERED]
    return [Event(EventType.ANSWERED_ON_SPOT, incident.id, now, actor=actor, data={
        "answer": answer, "disposition": chosen.code, "disposition_label": chosen.label,
        "officer": officer, "previous": incident.status.value})]
