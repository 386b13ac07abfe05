"""The EIDO-modelled packet: prologue on every component, references that resolve,
the location as a PIDF-LO circle, persons, notes and the 12345 outcome."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

from dispatch.handoff import packet
from dispatch.handoff.agencies import Agency
from tests.unit.handoff.builders import T0, incident

SENDER = Agency("police.baotou", "包头市公安局110指挥中心")
ZJG = Agency("police.zhangjiagang", "张家港市公安局指挥中心")
HOTLINE = Agency("hotline.baotou12345", "包头市12345", kind="hotline_12345")
NOW = T0 + timedelta(seconds=2)


def components(p: dict[str, Any]) -> list[dict[str, Any]]:
    out = [p["incidentComponent"]]
    for key, value in p.items():
        if key.endswith("Component") and isinstance(value, list):
            out.extend(value)
    return out


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if set(node) == {"$ref"} else []
        return found + [r for v in node.values() for r in refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in refs(v)]
    return []


def test_forum_crisis_packet() -> None:
    inc = incident(forum={"post_id": "p1", "author": "网友", "thread_url": "https://f/1"})
    p = packet.build(inc, "HX-INC-1", "cross_jurisdiction", SENDER, ZJG, NOW, notes=["超出本市管辖"],
                     agent="call_taker:forum-platform")
    agent = "call_taker.forum-platform@baotou.police.cn"
    assert p["updatedByAgentReference"] == {"$ref": agent}
    assert [a["$id"] for a in p["agentComponent"]] == [agent]
    assert p["$id"] == "urn:emergency:uid:incidentid:INC1:baotou.police.cn"
    assert p["eidoVersion"] == "1.0" and p["issuingElementIdentification"] == "baotou.police.cn"
    for c in components(p):
        assert {"$id", "lastUpdateTimeStamp", "updatedByAgencyReference"} <= set(c), c
    ids = {c["$id"] for c in components(p)}
    assert set(refs(p)) - {agent, "baotou.police.cn"} <= ids
    inc_c = p["incidentComponent"]
    assert inc_c["incidentTypeCommonRegistryText"] == "SUICTHRT"  # APCO: suicide threat
    assert inc_c["incidentCommonPriorityNumber"] == 1 and inc_c["documentIdentification"] == ["HX-INC-1"]
    # a forum post is no call; its author is the person at risk
    assert "callComponent" not in p
    assert [x["personIncidentRoleRegistryText"] for x in p["personComponent"]] == [
        ["ReportingParty", "InvolvedPerson"]]
    loc = p["locationComponent"][0]
    root = ET.fromstring(loc["locationByValue"].split("?>", 1)[1])
    ns = {"gml": "http://www.opengis.net/gml", "gs": "http://www.opengis.net/pidflo/1.0",
          "gp": "urn:ietf:params:xml:ns:pidf:geopriv10"}
    assert root.find(".//gml:pos", ns).text == "31.8755000 120.5560000"  # type: ignore[union-attr]
    assert root.find(".//gs:radius", ns).text == "1500.0"  # type: ignore[union-attr]
    assert root.find(".//gp:method", ns).text == "Derived"  # type: ignore[union-attr]
    assert json.loads(loc["locationDescriptionText"])["city"] == "张家港市"
    notes = [n["notesActionComments"] for n in p["notesComponent"]]
    assert "原始内容：心理抑郁,看不到希望" in notes and "超出本市管辖" in notes
    assert any(n.startswith("研判依据") for n in notes)
    assert "研判依据：看不到希望" in notes  # the cue's phrase, not an empty note
    extra = json.loads(p["additionalDataComponent"][0]["additionalDataByValue"])
    assert extra["forum"]["post_id"] == "p1" and extra["extension"] in p["eidoExtensionId"]
    assert root.find(".//gp:usage-rules", ns) is not None  # type: ignore[union-attr]


def test_caller_phone_becomes_a_callback_and_markup_stays_text() -> None:
    inc = incident("property_crime", "P3", channel="call", caller={"phone": "13800000000",
                                                                   "name": "王<b>"})
    p = packet.build(inc, "HX-INC-1", "cross_jurisdiction", SENDER, ZJG, NOW)
    assert p["callbackComponent"][0]["callBackInformationUri"] == ["tel:13800000000"]
    reporter = p["personComponent"][0]
    assert reporter["callBackReference"]["$ref"] == p["callbackComponent"][0]["$id"]
    assert reporter["ncPersonComponent"]["name"][0]["personFullName"][0]["value"] == "王<b>"
    assert len(p["personComponent"]) == 1
    call = p["callComponent"][0]
    assert call["callStateRegistryText"] == "callEnd" and call["callBackReference"] == reporter[
        "callBackReference"]


def test_unplaced_incident_has_no_location_component() -> None:
    inc = incident("non_police", "P4", channel="call", location={"lat": None, "lon": None})
    p = packet.build(inc, "HT-INC-1", "to_12345", SENDER, HOTLINE, NOW)
    assert "locationComponent" not in p and p["incidentComponent"]["locationReference"] == []
    assert p["agencyComponent"][1]["agencyType"] == ["psap"]
    assert p["agencyComponent"][1]["agencyRoleDescriptionRegistryText"] == ["TransferredTo"]
    assert p["incidentComponent"]["incidentTypeCommonRegistryText"] == "NONEMERG"


def test_pidf_escapes_the_entity() -> None:
    doc = packet.pidf_circle('a"<x>', 1.0, 2.0, 3.0, "GPS", NOW)
    assert ET.fromstring(doc.split("?>", 1)[1]).get("entity") == 'a"<x>'


def test_outcome_packet_carries_the_12345_case_number() -> None:
    inc = incident("violent_crime", "P2", channel="transfer_12345", case_number="BT-7")
    p = packet.outcome_packet(inc, SENDER, HOTLINE, NOW, "已办结")
    assert p["incidentComponent"]["documentIdentification"] == ["BT-7"]
    # not closed with a disposition: APCO 18 (settled by contact)
    assert p["incidentComponent"]["dispositionComponent"][0]["dispositionCommonRegistryCode"] == "18"
