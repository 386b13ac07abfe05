"""The hand-off packet: JSON modelled on the NENA/APCO Emergency Incident Data Object.

NENA-STA-021.1 (EIDO, JSON form). Every component carries the EIDO prologue (``$id``,
``lastUpdateTimeStamp``, ``updatedByAgencyReference``) and components refer to each
other by ``{"$ref": <$id>}``; identifiers follow ``urn:emergency:uid:<kind>:<id>:<agency>``.
The location travels as a PIDF-LO circle (WGS-84, EPSG:4326) with its method and radius.
The mapping from our incident to each field is documented in docs/handoff.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from dispatch.domain.events import iso
from dispatch.domain.incident import Incident
from dispatch.handoff.agencies import HOTLINE_12345, Agency

EIDO_VERSION = "1.0"

# Our category → (EIDO common incident type text, Chinese internal text).
INCIDENT_TYPES: Mapping[str, tuple[str, str]] = {
    "violent_crime": ("Law Enforcement", "暴力犯罪"), "property_crime": ("Law Enforcement", "侵财犯罪"),
    "fraud": ("Law Enforcement", "诈骗"), "public_order": ("Law Enforcement", "治安"),
    "traffic": ("Traffic", "交通"), "fire_disaster": ("Fire", "火灾及灾害"),
    "dispute": ("Law Enforcement", "纠纷"), "missing_person": ("Missing Person", "走失/失联"),
    "self_harm": ("Behavioral Health", "自杀/心理危机"), "assistance": ("Public Assist", "求助"),
    "consultation": ("Information", "咨询"), "non_police": ("Public Service", "非警务"),
}
# Location source → PIDF-LO method token.
METHODS: Mapping[str, str] = {"device": "GPS", "combined": "Hybrid", "address": "Manual",
                              "text": "Manual", "activity": "Derived",
                              "region_hint": "IP", "none": "Unknown"}
AT_RISK_CATEGORIES = frozenset({"self_harm", "missing_person"})


def _urn(kind: str, local: str, agency: str) -> str:
    return f"urn:emergency:uid:{kind}:{local}:{agency}"


def _prologue(cid: str, now: datetime, sender: Agency) -> dict[str, Any]:
    return {"$id": cid, "lastUpdateTimeStamp": iso(now),
            "updatedByAgencyReference": {"$ref": sender.id}}


def _priority_number(priority: str | None) -> int:
    """P1 → 1 … P4 → 4; 9 when the incident is not triaged."""
    return int(priority[1]) if priority and len(priority) == 2 and priority[1].isdigit() else 9


def pidf_circle(entity: str, lat: float, lon: float, radius_m: float, method: str) -> str:
    """A PIDF-LO document with one GML circle (RFC 5491), values escaped."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
        'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" '
        f'entity={quoteattr(entity)}><dm:device id="reporter"><gp:geopriv><gp:location-info>'
        '<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">'
        f'<gml:pos>{lat:.7f} {lon:.7f}</gml:pos>'
        f'<gs:radius uom="urn:ogc:def:uom:EPSG::9001">{radius_m:.1f}</gs:radius>'
        f'</gs:Circle></gp:location-info><gp:method>{escape(method)}</gp:method>'
        '</gp:geopriv></dm:device></presence>')


def build(incident: Incident, handoff_id: str, kind: str, sender: Agency, receiver: Agency,
          now: datetime, notes: Sequence[str] = (), agent: str | None = None) -> dict[str, Any]:
    """The EIDO-modelled packet for handing ``incident`` to ``receiver``.

    Args:
        incident: the incident as it stands.
        handoff_id: the hand-off's id (also the packet's document identification).
        kind: ``cross_jurisdiction`` or ``to_12345``.
        sender: this centre.
        receiver: the agency taking it over.
        now: the packet's timestamp.
        notes: further notes for the receiver (the hand-off reason, cues …).
        agent: who took the report (``call_taker:<name>``), when known.
    """
    s = sender.id
    inc_id = _urn("incidentid", incident.id, s)
    call_id = _urn("callid", incident.id, s)
    loc_id = _urn("locationid", incident.id, s)
    reporter_id = _urn("personid", f"{incident.id}-reporter", s)
    at_risk_id = _urn("personid", f"{incident.id}-at-risk", s)

    def p(cid: str) -> dict[str, Any]:
        return _prologue(cid, now, sender)

    loc = incident.location or {}
    common, internal = INCIDENT_TYPES.get(incident.category or "", ("Law Enforcement", "未分类"))
    packet: dict[str, Any] = {
        **_prologue(inc_id, now, sender),
        "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": s,
        "agencyComponent": [
            {**p(s), "agencyRoleDescriptionRegistryText": ["CallReceiving", "Transferring"],
             "agencyType": ["police"], "incidentOwningAgencyIndicator": True,
             "agencyJcard": sender.name},
            {**p(receiver.id), "agencyRoleDescriptionRegistryText": ["Receiving"],
             "agencyType": ["police"] if receiver.kind != HOTLINE_12345 else ["public_service"],
             "incidentOwningAgencyIndicator": False, "agencyJcard": receiver.name},
        ],
        "callComponent": [{
            **p(call_id), "standardPrimaryCallType": "emergency" if incident.priority in (
                "P1", "P2") else "non-emergency",
            "direction": "incoming", "queueIdentifier": incident.channel,
            "callStartTimestamp": iso(incident.received_at),
            "locationReference": [{"$ref": loc_id}] if loc.get("lat") is not None else [],
            "personReference": [{"$ref": reporter_id}],
        }],
        "personComponent": [],
        "locationComponent": [],
        "notesComponent": [],
        "additionalDataComponent": [],
    }
    # Persons: the reporter, and the person at risk (the author themself in a crisis post).
    reporter: dict[str, Any] = {**p(reporter_id), "personIncidentRoleRegistryText": ["Caller"],
                                "callIdentifier": [call_id]}
    caller = incident.caller or {}
    forum = incident.extra.get("forum") if isinstance(incident.extra.get("forum"), Mapping) else {}
    if caller.get("phone"):
        cb_id = _urn("callbackid", incident.id, s)
        packet["callbackComponent"] = [{**p(cb_id),
                                        "callBackInformationUri": [f"tel:{caller['phone']}"]}]
        reporter["callBackReference"] = {"$ref": cb_id}
    if caller.get("name"):
        reporter["ncPersonComponent"] = {"PersonName": {"PersonFullName": caller["name"]}}
    persons = [reporter]
    if incident.category in AT_RISK_CATEGORIES:
        first_person = incident.channel == "forum" or incident.category == "self_harm"
        persons.append({**p(at_risk_id), "personIncidentRoleRegistryText": ["AtRisk"],
                        "locationReference": [{"$ref": loc_id}] if loc.get("lat") is not None else [],
                        "notesReference": [{"$ref": _urn("noteid", f"{incident.id}-at-risk", s)}]})
        packet["notesComponent"].append({
            **p(_urn("noteid", f"{incident.id}-at-risk", s)),
            "notesActionComments": "the reporter themself (first-person report)" if first_person
            else "a person named in the report"})
    packet["personComponent"] = persons
    if loc.get("lat") is not None and loc.get("lon") is not None:
        method = METHODS.get(str(loc.get("source")), "Unknown")
        radius = float(loc.get("radius_m") or 0.0)
        packet["locationComponent"].append({
            **p(loc_id), "locationTypeDescriptionRegistryText": "Caller",
            "locationByValue": pidf_circle(f"pres:{incident.id}@{s}", float(loc["lat"]),
                                           float(loc["lon"]), radius, method),
            "locationDescriptionText": json.dumps(
                {"source": loc.get("source"), "radius_m": loc.get("radius_m"),
                 "confidence": loc.get("confidence"), "city": loc.get("city"),
                 "province": loc.get("province"), "address": incident.address,
                 "signals": loc.get("signals")}, ensure_ascii=False)})
    notes = [f"原始内容：{incident.text}", *notes]
    if incident.cues:
        notes.append("研判依据：" + "、".join(str(c.get("text") or c.get("cue") or "")
                                          for c in incident.cues if isinstance(c, Mapping)))
    note_ids = []
    for i, text in enumerate(notes):
        nid = _urn("noteid", f"{incident.id}-{i}", s)
        note_ids.append({"$ref": nid})
        packet["notesComponent"].append({**p(nid), "notesActionComments": text})
    extra: dict[str, Any] = {"channel": incident.channel}
    if forum:
        extra["forum"] = {k: forum.get(k) for k in ("post_id", "author", "posted_at",
                                                    "thread_url", "region_hint")}
    if incident.extra.get("case_number"):
        extra["case_number_12345"] = incident.extra["case_number"]
    ad_id = _urn("additionaldataid", incident.id, s)
    packet["additionalDataComponent"].append(
        {**p(ad_id), "additionalDataByValue": json.dumps(extra, ensure_ascii=False)})
    packet["incidentComponent"] = {
        **p(inc_id), "incidentTypeCommonRegistryText": common,
        "incidentTypeInternalCode": incident.category or "unknown",
        "incidentTypeInternalText": internal,
        "incidentStatusInternalText": [incident.status.value],
        "incidentStatusCommonRegistryText": ["Transferred" if kind == "to_12345" else "Handoff"],
        "internalIncidentId": incident.id, "documentIdentification": [handoff_id],
        "incidentPriorityInternalText": incident.priority or "unknown",
        "incidentCommonPriorityNumber": _priority_number(incident.priority),
        "locationReference": [{"$ref": loc_id}] if packet["locationComponent"] else [],
        "personReference": [{"$ref": x["$id"]} for x in persons],
        "notesReference": note_ids,
        "incidentFlags": list(incident.flags),
    }
    if agent:
        packet["updatedByAgentReference"] = {"$ref": f"{agent}@{s}"}
    return packet


def outcome_packet(incident: Incident, sender: Agency, receiver: Agency, now: datetime,
                   disposition: str, note: str) -> dict[str, Any]:
    """The result of a 12345 case sent back to 12345 when the incident closes.

    An EIDO with the incident component's ``dispositionComponent`` and 12345's own case
    number in ``documentIdentification``.
    """
    s = sender.id
    inc_id = _urn("incidentid", incident.id, s)
    case = incident.extra.get("case_number")
    return {
        **_prologue(inc_id, now, sender), "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": s,
        "agencyComponent": [
            {**_prologue(s, now, sender), "agencyRoleDescriptionRegistryText": ["Responding"],
             "agencyType": ["police"], "incidentOwningAgencyIndicator": True,
             "agencyJcard": sender.name},
            {**_prologue(receiver.id, now, sender),
             "agencyRoleDescriptionRegistryText": ["Originating"],
             "agencyType": ["public_service"], "agencyJcard": receiver.name}],
        "incidentComponent": {
            **_prologue(inc_id, now, sender),
            "incidentTypeCommonRegistryText": INCIDENT_TYPES.get(
                incident.category or "", ("Law Enforcement", ""))[0],
            "incidentTypeInternalCode": incident.category or "unknown",
            "internalIncidentId": incident.id,
            "documentIdentification": [case] if case else [],
            "incidentStatusInternalText": [incident.status.value],
            "incidentStatusCommonRegistryText": ["Closed"],
            "dispositionComponent": [{
                **_prologue(_urn("dispositionid", incident.id, s), now, sender),
                "dispositionCommonRegistryCode": disposition,
                "dispositionPrimaryIndicator": True, "dispositionDescriptionText": note}],
        },
    }
