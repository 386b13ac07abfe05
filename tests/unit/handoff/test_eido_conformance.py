"""Every packet kind the service sends validates against the official NENA EIDO schema.

The validator is ``openapi-schema-validator`` on the vendored ``openapi.yaml`` with its
NIEM component files (see tests/eido.py), plus the registry values and the rules the
standard states in prose. The working group's own sample is the control: if the wiring
broke, it would fail too.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dispatch.domain import incident as inc
from dispatch.domain.closing import DISPOSITIONS
from dispatch.domain.events import Event, EventType
from dispatch.handoff import packet
from dispatch.handoff.agencies import Agency
from tests import eido
from tests.unit.handoff.builders import T0, incident

SENDER = Agency("police.baotou", "包头市公安局110指挥中心", phone="0472-110")
ZJG = Agency("police.zhangjiagang", "张家港市公安局指挥中心", domain="gaj.zjg.gov.cn")
HOTLINE = Agency("hotline.baotou12345", "包头市12345政务服务便民热线", kind="hotline_12345")
NOW = T0 + timedelta(seconds=2)
CALLER = {"phone": "13800000000", "name": "王<b>福贵"}


def _closed(state: inc.Incident, disposition: str | None, status: str = "closed") -> inc.Incident:
    at = NOW
    for s in ("acknowledged", "resolved", status) if status == "closed" else (status,):
        data: dict[str, Any] = {"status": s, "reason": "test"}
        if s == "closed" and disposition:
            data["disposition"] = disposition
        state, _ = inc.apply(state, Event(EventType.STATUS_CHANGED, state.id, at, data=data))
    return state


def packets() -> dict[str, dict[str, Any]]:
    """One packet per kind the service produces, and the variants that change its shape."""
    forum = {"post_id": "p1", "author": "网友", "thread_url": "https://bbs.example/t/1"}
    out = {
        "110 call, cross-jurisdiction": packet.build(
            incident("violent_crime", "P1", channel="call", caller=CALLER), "HX-INC-1",
            "cross_jurisdiction", SENDER, ZJG, NOW, notes=["超出本市管辖"],
            agent="call_taker:zhang.san"),
        "110 call, missing person named by the caller": packet.build(
            incident("missing_person", "P2", channel="call", caller={"phone": "13900000000"}),
            "HX-INC-1", "cross_jurisdiction", SENDER, ZJG, NOW, agent="call_taker:李四"),
        "forum post, crisis": packet.build(
            incident(forum=forum), "HX-INC-1", "cross_jurisdiction", SENDER, ZJG, NOW,
            notes=["位置在张家港市"], agent="call_taker:forum-platform"),
        "forum post, untriaged, unplaced": packet.build(
            incident("", "", location={"lat": None, "lon": None}, forum=forum), "HX-INC-1",
            "cross_jurisdiction", SENDER, ZJG, NOW),
        "12345 transfer of a call": packet.build(
            incident("non_police", "P4", channel="call", caller=CALLER,
                     location={"lat": None, "lon": None}),
            "HT-INC-1", "to_12345", SENDER, HOTLINE, NOW, agent="call_taker:wang"),
        "12345 transfer of a forum post": packet.build(
            incident("non_police", "P3", forum=forum), "HT-INC-1", "to_12345", SENDER,
            HOTLINE, NOW),
        "a 12345 case handed to another city": packet.build(
            incident("property_crime", "P3", channel="transfer_12345", case_number="BT-7"),
            "HX-INC-1", "cross_jurisdiction", SENDER, ZJG, NOW),
    }
    out["STA-024 notification (no receiving agency)"] = packet.build(
        incident("violent_crime", "P1", channel="call", caller=CALLER), None, "notification",
        SENDER, None, NOW, agent="call_taker:zhang.san")
    case = incident("violent_crime", "P2", channel="transfer_12345", case_number="BT-7")
    out["outcome, closed without disposition"] = packet.outcome_packet(
        _closed(case, None), SENDER, HOTLINE, NOW, "110 警情 INC-1 已办结")
    out["outcome, cancelled"] = packet.outcome_packet(
        _closed(case, None, "cancelled"), SENDER, HOTLINE, NOW, "已撤销")
    for code in DISPOSITIONS:
        out[f"outcome, {code}"] = packet.outcome_packet(
            _closed(case, code), SENDER, HOTLINE, NOW, f"已办结：{DISPOSITIONS[code].label}",
            DISPOSITIONS[code].label)
    return out


PACKETS = packets()


def test_the_working_group_sample_passes_the_same_validator() -> None:
    sample = json.loads((eido.SCHEMA_DIR / "sample_call_transfer_eido.json").read_text("utf-8"))
    assert eido.schema_findings(sample) == []
    assert eido.profile_findings(sample, strict_ids=False) == []


def test_the_validator_sees_what_the_issue_found() -> None:
    """The checks are live: the findings of issue 14, planted in a valid packet."""
    bad = json.loads(json.dumps(PACKETS["110 call, cross-jurisdiction"]))
    del bad["callComponent"][0]["callStateRegistryText"]
    bad["agencyComponent"][1]["agencyRoleDescriptionRegistryText"] = ["Receiving"]
    bad["incidentComponent"]["incidentTypeCommonRegistryText"] = "Law Enforcement"
    bad["incidentComponent"]["incidentFlags"] = ["weapon"]
    bad["agencyComponent"][0]["agencyJcard"] = "包头市公安局"
    bad["personComponent"][0]["ncPersonComponent"] = {"PersonName": {"PersonFullName": "王"}}
    bad["updatedByAgentReference"] = {"$ref": "nobody@baotou.police.cn"}
    pidf = bad["locationComponent"][0]["locationByValue"]
    bad["locationComponent"][0]["locationByValue"] = re.sub(
        "<gp:usage-rules>.*</gp:usage-rules>", "", pidf)
    found = "\n".join(eido.findings(bad))
    for expected in ("'callStateRegistryText' is a required property",
                     "'Receiving' is not in the AgencyRole registry",
                     "'Law Enforcement' is not in the IncidentTypeCommon registry",
                     "incidentFlags: not a field of the schema",
                     "not a jCard", "ncPersonComponent/PersonName: not a field",
                     "agent 'nobody@baotou.police.cn' has no agentComponent",
                     "geopriv without usage-rules"):
        assert expected in found, expected


@pytest.mark.parametrize("kind", sorted(PACKETS))
def test_every_packet_kind_validates_with_no_findings(kind: str) -> None:
    assert eido.findings(PACKETS[kind]) == []


def test_registry_values_chosen_from_our_taxonomy() -> None:
    regs = eido.registries()
    assert {code for code, _ in packet.INCIDENT_TYPES.values()} <= regs["IncidentTypeCommon"]
    assert packet.UNTRIAGED_TYPE[0] in regs["IncidentTypeCommon"]
    assert set(packet.STATUSES.values()) <= regs["IncidentStatusCommon"]
    assert set(packet.DISPOSITION_CODES) == set(DISPOSITIONS)
    assert set(packet.DISPOSITION_CODES.values()) <= regs["Disposition"]


def test_schema_files_are_the_upstream_bytes() -> None:
    import hashlib

    for listing, folder in (("files.sha256", eido.SCHEMA_DIR),
                            ("NIEMComponents.sha256", eido.SCHEMA_DIR / "NIEMComponents")):
        for line in (eido.SCHEMA_DIR / listing).read_text().splitlines():
            digest, name = line.split()
            assert hashlib.sha256(Path(folder, name).read_bytes()).hexdigest() == digest, name
