"""The hand-off monitor's actions on the real stack: retry a failed delivery, record a
hand-over by phone (who, when), and the agency's contact in the list."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.test_handoff import handoff_of
from tests.integration.webhook import Agencies, shared_world
from tests.support import Service, wait_until


@pytest.fixture(scope="module")
def world(request: pytest.FixtureRequest) -> tuple[Service, Agencies]:
    shared = shared_world(request)
    return shared.service, shared.agencies


def test_a_failed_delivery_is_retried_then_handed_over_by_phone(
        world: tuple[Service, Agencies]) -> None:
    svc, agents = world
    agents.failures["/police.wuhai"] = 3  # every attempt of the first delivery fails
    r = svc.post_report({"channel": "call", "text": "乌海市海勃湾区我的电动车被偷了",
                         "source_id": uuid.uuid4().hex})
    incident_id = r.json()["id"]
    failed = handoff_of(svc, incident_id, "failed", timeout=30)
    assert failed["agency_contact"]["id"] == "police.wuhai"
    assert "webhook" in failed["agency_contact"] and "secret" not in failed["agency_contact"]
    path = f"/v1/handoffs/{failed['id']}/retry"
    assert svc.post(path, role="call_taker").status_code == 403
    assert svc.post(path, role="precinct", precinct="150203003").status_code == 403
    assert svc.post("/v1/handoffs/HX-nothing-here/retry").status_code == 404
    assert svc.post("/v1/handoffs/bad id/retry").status_code in (404, 422)
    r = svc.post(path)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending"
    sent = handoff_of(svc, incident_id, "sent", timeout=30)
    assert sent["attempts"] == 1
    assert [s["stage"] for s in sent["steps"]][-3:] == ["delivery_failed", "retry_requested",
                                                        "sent"]
    assert svc.post(path).status_code == 409  # nothing to retry any more
    # The agency confirms by phone: who took it and when, kept on the step.
    r = svc.post(f"/v1/handoffs/{failed['id']}/ack",
                 {"reference": "乌海市局指挥中心 赵警官", "note": "电话移交 14:05"})
    assert r.status_code == 200, r.text
    step = [s for s in svc.incident(incident_id)["timeline"]
            if s["type"] == "incident.handoff" and s["payload"]["stage"] == "acknowledged"][-1]
    assert step["payload"]["via"] == "phone" and step["payload"]["note"] == "电话移交 14:05"
    assert step["payload"]["reference"] == "乌海市局指挥中心 赵警官"
    wait_until(lambda: svc.incident(incident_id)["status"] == "handed_off", 5)
