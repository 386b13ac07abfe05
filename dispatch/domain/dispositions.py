"""How an incident ended: the fixed registry of dispositions asked for at 结案.

The codes follow the common dispositions of NENA/APCO EIDO (``dispositionCode``
registry: report taken, arrest, citation, advised, assistance rendered, gone on arrival,
unfounded, referred, transported, no report, cancelled, duplicate …), narrowed to what a
Chinese 110 centre records, with the Chinese label the consoles show. The codes are the
wire values; nothing outside this table is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Disposition:
    """One entry of the registry."""

    code: str
    label: str
    answer: bool = False  # may close a matter answered at once (当场答复)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "answer": self.answer}


DISPOSITIONS: Mapping[str, Disposition] = {d.code: d for d in (
    Disposition("report_taken", "已受案（立案/受理）"),
    Disposition("arrest", "已抓获/刑事拘留"),
    Disposition("citation", "已查处（治安处罚）"),
    Disposition("mediated", "已调解"),
    Disposition("advised", "已劝解/教育", answer=True),
    Disposition("assistance_rendered", "已救助/帮扶"),
    Disposition("transported", "已送医/护送"),
    Disposition("referred", "已移交其他部门", answer=True),
    Disposition("answered", "已当场答复", answer=True),
    Disposition("gone_on_arrival", "到场未见（已离开）"),
    Disposition("unfounded", "经核实无警情"),
    Disposition("false_report", "谎报/恶意报警"),
    Disposition("duplicate", "重复报警"),
    Disposition("cancelled_by_caller", "报警人撤警", answer=True),
)}


def disposition(code: str) -> Disposition:
    """The registry entry for ``code``.

    Raises:
        KeyError: not a code of the registry (the HTTP edge answers 422 naming the codes).
    """
    return DISPOSITIONS[code]
