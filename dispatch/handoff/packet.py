"""The hand-off packet: a NENA/APCO Emergency Incident Data Object (EIDO).

NENA-STA-021.1b, JSON form; the schema and its NIEM components are vendored in
``dispatch/handoff/schema/`` and every packet kind validates against them
(``tests/unit/handoff/test_eido_conformance.py``). What the standard fixes:

* every component carries the prologue (``$id``, ``lastUpdateTimeStamp``,
  ``updatedByAgencyReference``, and ``updatedByAgentReference`` when an agent made it),
  and references (``{"$ref": <$id>}``) point at components of the same document;
* agencies are identified by domain names (:attr:`Agency.eido_id`), agents by
  ``name@agency-domain`` with an ``agentComponent`` of their own;
* component ids follow STA-010's ``urn:emergency:uid:<kind>:<string>:<domain>``;
* ``…RegistryText`` values come from the STA-021 registries (APCO incident types, agency
  roles, incident statuses, APCO ANS 1.111.2 common dispositions, person roles, location
  types); our own codes travel in the ``…Internal…`` fields;
* contact details are jCard (RFC 7095), the location a PIDF-LO (RFC 4119/5491) circle with
  usage rules;
* what EIDO has no field for (flags, channel, forum post, 12345 case number) travels in
  one ``additionalDataComponent`` whose JSON names the declared extension
  :data:`EXTENSION_ID` (listed in ``eidoExtensionId``).

The mapping is documented field by field in docs/handoff.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from dispatch.domain.events import iso
from dispatch.domain.incident import Incident, Status
from dispatch.handoff.agencies import HOTLINE_12345, Agency

EIDO_VERSION = "1.0"
# Our extension: the JSON of the additional-data component (see docs/handoff.md).
EXTENSION_ID = "urn:cn:110:eido:dispatch-ext:1"
# How long a receiver may keep the location (RFC 4119 retention-expiry).
LOCATION_RETENTION = timedelta(days=30)

# Our category → (APCO incident type code of the STA-021 registry, Chinese internal text).
INCIDENT_TYPES: Mapping[str, tuple[str, str]] = {
    "violent_crime": ("ASSAULT", "暴力犯罪"), "property_crime": ("LARCENY", "侵财犯罪"),
    "fraud": ("FRAUD", "诈骗"), "public_order": ("DISORD", "治安"),
    "traffic": ("MVA", "交通"), "fire_disaster": ("FOTHER", "火灾及灾害"),
    "dispute": ("CIVIL", "纠纷"), "missing_person": ("PERMISS", "走失/失联"),
    "self_harm": ("SUICTHRT", "自杀/心理危机"), "assistance": ("CITASST", "求助"),
    "consultation": ("INFO", "咨询"), "non_police": ("NONEMERG", "非警务"),
}
UNTRIAGED_TYPE = ("INVEST", "未分类")
# Our status → the STA-021 incident status registry.
STATUSES: Mapping[Status, str] = {
    Status.RECEIVED: "Active", Status.TRIAGED: "Active", Status.ASSIGNED: "Active",
    Status.ACKNOWLEDGED: "ResourcesAssigned", Status.EN_ROUTE: "ResourcesEnroute",
    Status.ON_SCENE: "ResourcesOnscene", Status.RESOLVED: "Closed", Status.CLOSED: "Closed",
    Status.MERGED: "Closed", Status.TRANSFERRED: "Active", Status.HANDED_OFF: "Active",
    Status.CANCELLED: "Cancelled", Status.FAILED: "Active",
}
# Our closing dispositions (dispatch.domain.closing) → APCO ANS 1.111.2 common codes.
DISPOSITION_CODES: Mapping[str, str] = {
    "report_taken": "01", "arrest": "03", "citation": "04", "mediated": "18",
    "advised": "18", "assisted": "18", "transported": "16", "referred": "15",
    "answered": "05", "gone_on_arrival": "14", "unfounded": "02", "false_report": "02",
    "duplicate": "22", "cancelled_by_caller": "10",
}
CLOSED_CODE, CANCELLED_CODE = "18", "10"  # no disposition recorded: settled / cancelled
# Location source → PIDF-LO method token (RFC 4119 / IANA method tokens); the fine
# source travels in locationDescriptionText.
METHODS: Mapping[str, str] = {"device": "GPS", "combined": "Derived", "address": "Manual",
                              "text": "Manual", "activity": "Derived",
                              "region_hint": "Derived", "none": "Derived"}
AT_RISK_CATEGORIES = frozenset({"self_harm", "missing_person"})
AGENT_ROLE = "Call Taking"  # STA-010 Agent Roles registry (as in the STA-021 sample)


def _local(*parts: str) -> str:
    """The ``<string>`` of an urn:emergency:uid: letters and digits only (STA-010)."""
    return "".join(re.sub(r"[^A-Za-z0-9]", "", p) for p in parts)[:64]


def urn(kind: str, domain: str, *parts: str) -> str:
    """``urn:emergency:uid:<kind>:<string>:<domain>``."""
    return f"urn:emergency:uid:{kind}:{_local(*parts)}:{domain}"


def agent_id(actor: str, domain: str) -> str:
    """``name@agency-domain`` for an intake actor such as ``call_taker:张三``."""
    name = re.sub(r"[^A-Za-z0-9._-]+", ".", actor).strip(".")
    if not name or name != actor.replace(":", "."):
        name = (name + "." if name else "") + hashlib.sha256(actor.encode()).hexdigest()[:8]
    return f"{name.lower()}@{domain}"


def jcard(name: str, phone: str | None = None, kind: str = "org") -> str:
    """A jCard (RFC 7095) as the JSON text EIDO's ``…Jcard`` fields hold."""
    props: list[list[Any]] = [["version", {}, "text", "4.0"], ["fn", {}, "text", name],
                              ["kind", {}, "text", kind]]
    if kind == "org":
        props.append(["org", {}, "text", name])
    if phone:
        props.append(["tel", {"type": ["work", "voice"]}, "uri", f"tel:{phone}"])
    return json.dumps(["vcard", props], ensure_ascii=False)


def _prologue(cid: str, now: datetime, sender: Agency, agent: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"$id": cid, "lastUpdateTimeStamp": iso(now),
                           "updatedByAgencyReference": {"$ref": sender.eido_id}}
    if agent:
        out["updatedByAgentReference"] = {"$ref": agent}
    return out


def _priority_number(priority: str | None) -> int:
    """P1 → 1 … P4 → 4; 9 when the incident is not triaged."""
    return int(priority[1]) if priority and len(priority) == 2 and priority[1].isdigit() else 9


def pidf_circle(entity: str, lat: float, lon: float, radius_m: float, method: str,
                retain_until: datetime, retransmit: bool = True) -> str:
    """A PIDF-LO document with one GML circle (RFC 5491) and its usage rules (RFC 4119).

    ``retransmit``: the receiving agency may pass the location on (to its own units).
    """
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gbp="urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy" '
        'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" '
        'xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0" '
        f'entity={quoteattr(entity)}><dm:device id="reporter"><gp:geopriv><gp:location-info>'
        '<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326">'
        f'<gml:pos>{lat:.7f} {lon:.7f}</gml:pos>'
        f'<gs:radius uom="urn:ogc:def:uom:EPSG::9001">{radius_m:.1f}</gs:radius>'
        '</gs:Circle></gp:location-info><gp:usage-rules>'
        f'<gbp:retransmission-allowed>{"true" if retransmit else "false"}'
        '</gbp:retransmission-allowed>'
        f'<gbp:retention-expiry>{iso(retain_until)}</gbp:retention-expiry></gp:usage-rules>'
        f'<gp:method>{escape(method)}</gp:method></gp:geopriv></dm:device></presence>')


def _agency(agency: Agency, roles: list[str], owning: bool, now: datetime,
            sender: Agency) -> dict[str, Any]:
    # IANA urn:emergency:service:responder values: 12345 answers the public (a PSAP of
    # non-emergency matters); the sender is a police force with a 110 PSAP.
    kinds = ["psap"] if agency.kind == HOTLINE_12345 else (
        ["psap", "police"] if agency is sender else ["police"])
    return {**_prologue(agency.eido_id, now, sender), "agencyRoleDescriptionRegistryText": roles,
            "agencyType": kinds, "incidentOwningAgencyIndicator": owning,
            "agencyJcard": jcard(agency.name, agency.phone)}


def build(incident: Incident, handoff_id: str | None, kind: str, sender: Agency,
          receiver: Agency | None, now: datetime, notes: Sequence[str] = (),
          agent: str | None = None) -> dict[str, Any]:
    """The EIDO for handing ``incident`` to ``receiver``.

    Args:
        incident: the incident as it stands.
        handoff_id: the hand-off's id (also the packet's document identification);
            None for a notification that hands nothing over (STA-024 subscriptions).
        kind: ``cross_jurisdiction``, ``to_12345`` or ``notification``.
        sender: this centre.
        receiver: the agency taking it over (None: nobody, a notification).
        now: the packet's timestamp.
        notes: further notes for the receiver (the hand-off reason, cues …).
        agent: who took the report (``call_taker:<name>``), when known.
    """
    d = sender.eido_id
    inc_id = urn("incidentid", d, incident.id)
    call_id = urn("callid", d, incident.id)
    loc_id = urn("locationid", d, incident.id, "caller")
    reporter_id = urn("personid", d, incident.id, "reporter")
    at_risk_id = urn("personid", d, incident.id, "atrisk")
    agent_ref = agent_id(agent, d) if agent else None

    def p(cid: str) -> dict[str, Any]:
        return _prologue(cid, now, sender, agent_ref)

    loc = incident.location or {}
    placed = loc.get("lat") is not None and loc.get("lon") is not None
    loc_refs = [{"$ref": loc_id}] if placed else []
    common, internal = INCIDENT_TYPES.get(incident.category or "", UNTRIAGED_TYPE)
    packet: dict[str, Any] = {
        **p(inc_id), "eidoVersion": EIDO_VERSION, "eidoExtensionId": [EXTENSION_ID],
        "issuingElementIdentification": d,
        "agencyComponent": [_agency(sender, ["CallReceiving", "Dispatching"], True, now, sender),
                            *([_agency(receiver, ["TransferredTo"], False, now, sender)]
                              if receiver is not None else [])],
    }
    if agent and agent_ref:
        packet["agentComponent"] = [{
            **p(agent_ref), "agentRoleRegistryText": [AGENT_ROLE],
            "agencyReference": {"$ref": d},
            "agentJcard": jcard(agent.split(":", 1)[-1], kind="individual")}]
    caller = incident.caller or {}
    is_call = incident.channel == "call"
    reporter: dict[str, Any] = {
        **p(reporter_id),
        "personIncidentRoleRegistryText": ["Caller" if is_call else "ReportingParty"]}
    if is_call:
        reporter["callIdentifier"] = [call_id]
    cb_ref: dict[str, str] | None = None
    if caller.get("phone"):
        cb_id = urn("callbackid", d, incident.id)
        packet["callbackComponent"] = [{**p(cb_id),
                                        "callBackInformationUri": [f"tel:{caller['phone']}"]}]
        cb_ref = {"$ref": cb_id}
        reporter["callBackReference"] = cb_ref
    if caller.get("name"):
        reporter["ncPersonComponent"] = {"name": [{"personFullName": [
            {"value": str(caller["name"])}]}]}
    if placed:
        reporter["locationReference"] = loc_refs
    if is_call:
        call: dict[str, Any] = {
            **p(call_id), "callStateRegistryText": "callEnd",
            "standardPrimaryCallType": "emergency", "direction": "incoming",
            "queueIdentifier": f"110@{d}", "callStartTimestamp": iso(incident.received_at),
            "locationReference": loc_refs, "personReference": [{"$ref": reporter_id}]}
        if cb_ref:
            call["callBackReference"] = cb_ref
        if agent_ref:
            call["agentReference"] = [{"$ref": agent_ref}]
        packet["callComponent"] = [call]
    persons = [reporter]
    notes_out: list[dict[str, Any]] = []
    if incident.category in AT_RISK_CATEGORIES:
        first_person = incident.channel == "forum" or incident.category == "self_harm"
        note_id = urn("noteid", d, incident.id, "atrisk")
        notes_out.append({**p(note_id), "notesActionComments":
                          "报告人本人处于危险之中（第一人称报告）" if first_person
                          else "报告中提到的处于危险之中的人"})
        if first_person:  # the reporter is the person at risk: one person, both roles
            reporter["personIncidentRoleRegistryText"].append("InvolvedPerson")
            reporter["notesReference"] = [{"$ref": note_id}]
        else:
            persons.append({**p(at_risk_id), "personIncidentRoleRegistryText": ["InvolvedPerson"],
                            "notesReference": [{"$ref": note_id}],
                            **({"locationReference": loc_refs} if placed else {})})
    packet["personComponent"] = persons
    if placed:
        packet["locationComponent"] = [{
            **p(loc_id), "locationTypeDescriptionRegistryText": "Caller",
            "locationByValue": pidf_circle(
                f"pres:{_local(incident.id)}@{d}", float(loc["lat"]), float(loc["lon"]),
                float(loc.get("radius_m") or 0.0), METHODS.get(str(loc.get("source")), "Derived"),
                now + LOCATION_RETENTION),
            "locationDescriptionText": json.dumps(
                {"source": loc.get("source"), "radius_m": loc.get("radius_m"),
                 "confidence": loc.get("confidence"), "city": loc.get("city"),
                 "province": loc.get("province"), "address": incident.address,
                 "signals": loc.get("signals")}, ensure_ascii=False)}]
    texts = [f"原始内容：{incident.text}", *notes]
    cues = [str(c.get("phrase") or c.get("text") or c.get("cue") or "")
            for c in incident.cues if isinstance(c, Mapping)]
    if any(cues):
        texts.append("研判依据：" + "、".join(c for c in cues if c))
    note_refs = []
    for i, text in enumerate(texts):
        nid = urn("noteid", d, incident.id, f"n{i}")
        note_refs.append({"$ref": nid})
        notes_out.append({**p(nid), "notesActionComments": escape(text)})
    packet["notesComponent"] = notes_out
    ad_id = urn("additionaldataid", d, incident.id)
    packet["additionalDataComponent"] = [{
        **p(ad_id), "additionalDataByValue": json.dumps(
            _extension(incident, handoff_id, kind), ensure_ascii=False)}]
    packet["incidentComponent"] = {
        **p(inc_id), "incidentTypeCommonRegistryText": common,
        "incidentTypeInternalCode": incident.category or "unknown",
        "incidentTypeInternalText": internal,
        "incidentStatusInternalText": [incident.status.value],
        "incidentStatusCommonRegistryText": [STATUSES.get(incident.status, "Active")],
        "internalIncidentId": incident.id,
        "documentIdentification": [handoff_id] if handoff_id else [],
        "incidentPriorityInternalText": incident.priority or "unknown",
        "incidentCommonPriorityNumber": _priority_number(incident.priority),
        "locationReference": loc_refs,
        "personReference": [{"$ref": x["$id"]} for x in persons],
        "notesReference": note_refs,
        **({"agentReference": [{"$ref": agent_ref}]} if agent_ref else {}),
    }
    return packet


def _extension(incident: Incident, handoff_id: str | None, kind: str) -> dict[str, Any]:
    """The declared extension: what EIDO has no field for."""
    forum = incident.extra.get("forum") if isinstance(incident.extra.get("forum"), Mapping) else {}
    out: dict[str, Any] = {"extension": EXTENSION_ID, "handoff_id": handoff_id,
                           "handoff_kind": kind, "channel": incident.channel,
                           "flags": list(incident.flags)}
    if forum:
        out["forum"] = {k: forum.get(k) for k in ("post_id", "author", "posted_at",
                                                  "thread_url", "region_hint")}
    if incident.extra.get("case_number"):
        out["case_number_12345"] = incident.extra["case_number"]
    return out


def disposition_code(incident: Incident) -> str:
    """The APCO common disposition code for how ``incident`` ended."""
    if incident.disposition in DISPOSITION_CODES:
        return DISPOSITION_CODES[str(incident.disposition)]
    return CANCELLED_CODE if incident.status is Status.CANCELLED else CLOSED_CODE


def outcome_packet(incident: Incident, sender: Agency, receiver: Agency, now: datetime,
                   note: str, disposition_text: str | None = None) -> dict[str, Any]:
    """The result of a 12345 case sent back to 12345 when the incident closes.

    An EIDO whose incident component has a ``dispositionComponent`` (the APCO common
    code, our disposition as the internal code and text) and 12345's own case number in
    ``documentIdentification``.
    """
    d = sender.eido_id
    inc_id = urn("incidentid", d, incident.id)
    case = incident.extra.get("case_number")
    common, internal = INCIDENT_TYPES.get(incident.category or "", UNTRIAGED_TYPE)
    ad_id = urn("additionaldataid", d, incident.id, "outcome")
    ext = {"extension": EXTENSION_ID, "channel": incident.channel,
           "case_number_12345": case, "disposition": incident.disposition}
    return {
        **_prologue(inc_id, now, sender), "eidoVersion": EIDO_VERSION,
        "eidoExtensionId": [EXTENSION_ID], "issuingElementIdentification": d,
        "agencyComponent": [_agency(sender, ["Dispatching"], True, now, sender),
                            _agency(receiver, ["CallReceiving"], False, now, sender)],
        "additionalDataComponent": [{**_prologue(ad_id, now, sender),
                                     "additionalDataByValue": json.dumps(ext, ensure_ascii=False)}],
        "incidentComponent": {
            **_prologue(inc_id, now, sender), "incidentTypeCommonRegistryText": common,
            "incidentTypeInternalCode": incident.category or "unknown",
            "incidentTypeInternalText": internal, "internalIncidentId": incident.id,
            "documentIdentification": [str(case)] if case else [],
            "incidentStatusInternalText": [incident.status.value],
            "incidentStatusCommonRegistryText": [STATUSES.get(incident.status, "Closed")],
            "dispositionComponent": [{
                **_prologue(urn("dispositionid", d, incident.id), now, sender),
                "dispositionCommonRegistryCode": disposition_code(incident),
                "dispositionPrimaryIndicator": True,
                "dispositionCategoryText": disposition_text or incident.status.value,
                "dispositionDescriptionText": escape(note)}],
        },
    }
