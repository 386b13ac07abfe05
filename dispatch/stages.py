"""The default pipeline stages: the ``triage`` and ``geo`` packages behind the ports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geo
import triage
from dispatch.domain.incident import Incident
from dispatch.forum import whereabouts


def classify(text: str, channel: str,
             answers: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Triage a report's text, with any answers to key questions (see :func:`triage.classify`)."""
    result = triage.classify(text, channel, answers).to_dict()
    return {k: result[k] for k in ("category", "priority", "flags", "confidence", "cues",
                                   "extracted", "needs_review", "candidates", "questions",
                                   "answered", "life_risk")}


def report_of(incident: Incident) -> dict[str, Any]:
    """The report fields the stages read, rebuilt from the incident."""
    report: dict[str, Any] = {"channel": incident.channel, "text": incident.text,
                              "address": incident.address, "location": incident.reported_location,
                              "caller": incident.caller}
    report.update(incident.extra)
    return report


def locate(report: Mapping[str, Any], extracted: Mapping[str, Any]) -> dict[str, Any]:
    """Place a report from its device location, address, text and the places triage found."""
    device = None
    forum = report.get("forum") or {}
    loc = report.get("location") or forum.get("location")  # the author's consented location
    if loc:
        device = geo.DevicePoint(lat=loc["lat"], lon=loc["lon"], crs=loc.get("crs", "wgs84"),
                                 accuracy_m=loc.get("accuracy_m"))
    places = [p for p in extracted.get("places", []) if isinstance(p, str)]
    text = report.get("text", "")
    address = report.get("address") or (places[0] if places else None)
    if forum and device is None:  # a post without coordinates: weigh the weak signals
        return whereabouts.locate_post(text, address, forum)
    result = geo.locate(text, address=address, device=device,
                        region_hint=forum.get("region_hint"))
    return result.to_dict()


def warm_up() -> None:
    """Load what the stages read lazily (the triage model and net, the national gazetteer)
    before the first report, so that the first real one is not the slow one."""
    triage.classify("地下车库进水了，有人没上来", "call")
    geo.locate("湖北省武汉市青山区红钢城街道")
