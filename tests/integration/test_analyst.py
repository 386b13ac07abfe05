"""The analyst console's API: a what-if simulation runs as an RQ job on a real worker
process, reports progress, and its report is served from the var folder."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.test_openapi import conforms
from tests.support import RedisServer, Service, wait_until


@pytest.fixture(scope="module")
def analyst_service() -> Iterator[Service]:
    """API and an RQ worker on a Redis of their own (the RQ queue is not namespaced)."""
    server = RedisServer().start()
    svc = Service(server.url, namespace=f"an{uuid.uuid4().hex[:6]}")
    svc.start_api()
    svc.spawn("rq", [sys.executable, "-m", "dispatch", "rq-worker", "--queues", "simulations"])
    yield svc
    svc.stop()
    server.cleanup()


def test_a_simulation_runs_as_a_job_and_its_report_is_served(analyst_service: Service) -> None:
    svc = analyst_service
    r = svc.post("/v1/simulations", {"hours": 1, "seed": 4, "scenario": "elderly-wanderer",
                                     "config": {"units_per_precinct": 1},
                                     "compare": {"ack_timeouts": {"P2": 45}}}, role="analyst")
    assert r.status_code == 202, r.text
    created = r.json()
    sim_id = created["id"]
    assert created["status"] == "queued" and created["url"] == f"/v1/simulations/{sim_id}"
    progress: list[float] = []

    def finished() -> dict[str, Any] | None:
        state = svc.get(f"/v1/simulations/{sim_id}", role="analyst").json()
        progress.append(state["progress"])
        assert state["status"] != "failed", svc.log("rq")
        return state if state["status"] == "finished" else None

    state = wait_until(finished, timeout=90, interval=0.2, what="the simulation job")
    assert state["progress"] == 1.0 and progress == sorted(progress)
    assert state["report_url"] == f"/v1/simulations/{sim_id}/report/index.html"
    assert {"index.html", "kpis.json", "map.png", "durations.png"} <= set(state["files"])
    assert [run["label"] for run in state["runs"]] == ["base", "compare"]
    page = svc.get(state["report_url"], role="analyst")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    answer = svc.get(f"/v1/simulations/{sim_id}/report/kpis.json", role="command")
    kpis = answer.json()
    spec = httpx.get(f"{svc.base}/openapi.json").json()  # finished: the documented shapes
    assert conforms(spec, "get", "/v1/simulations/{sim_id}/report/{name}", answer) == []
    assert conforms(spec, "get", "/v1/simulations/{sim_id}", svc.get(
        f"/v1/simulations/{sim_id}", role="analyst")) == []
    base, other = kpis["runs"]
    assert base["config"]["units_per_precinct"] == 1 and other["config"]["ack_timeouts"]["P2"] == 45
    assert base["kpis"]["missing_persons"]["cases"][0]["sighting_report"] is not None
    # A scenario alone starts from an empty index: the section is there, with nothing loaded.
    synthesis = base["kpis"]["synthesis"]
    assert synthesis["enabled"] and synthesis["prelude"] == {"reports": 0, "premise_notes": 0}
    assert synthesis["incidents"] == base["kpis"]["reports"]["incidents"]
    assert set(synthesis["by_kind"]) == {"caller_history", "dv_risk", "place_history",
                                         "premise_note", "watch_list", "missing_person",
                                         "series"}
    png = svc.get(f"/v1/simulations/{sim_id}/report/map.png", role="analyst")
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"


@pytest.mark.parametrize("body", [
    {"hours": 0}, {"hours": 1000}, {"hours": "many"}, {"seed": -1}, {"seed": 2**40},
    {"config": {"warp": 9}}, {"config": {"surge": -2}}, {"compare": {"stream": {"bogus": 1}}},
    {"mix": ["no-such-story"]}, {"mix": ["fire-surge@25:00"]}, {"scenario": "nope"},
    {"colour": "red"},
])
def test_every_field_is_validated(analyst_service: Service, body: dict[str, Any]) -> None:
    r = analyst_service.post("/v1/simulations", body, role="analyst")
    assert r.status_code == 422, (body, r.text)


def test_roles_ids_and_file_names(analyst_service: Service) -> None:
    svc = analyst_service
    assert svc.post("/v1/simulations", {"hours": 1}, role="call_taker").status_code == 403
    assert httpx.post(f"{svc.base}/v1/simulations", json={"hours": 1}).status_code == 401
    missing = f"sim-{uuid.uuid4().hex}"
    assert svc.get(f"/v1/simulations/{missing}", role="analyst").status_code == 404
    assert svc.get("/v1/simulations/../../etc", role="analyst").status_code in (404, 422)
    assert svc.get(f"/v1/simulations/{missing}/report/..%2Fsecret",
                   role="analyst").status_code == 404
    assert svc.get(f"/v1/simulations/{missing}/report/index.html",
                   role="analyst").status_code == 404
    page = httpx.get(f"{svc.base}/console/analyst")
    assert page.status_code == 200 and "analyst.js" in page.text
    assert "blob:" in page.headers["content-security-policy"]
    for name in ("analyst.js", "analyst_report.js"):
        script = httpx.get(f"{svc.base}/console/static/console/{name}")
        assert script.status_code == 200 and "innerHTML" not in script.text, name


def test_a_burst_of_simulations_is_held_back() -> None:
    """With no worker to take them, at most ``MAX_WAITING`` simulations wait; then 429."""
    from dispatch.api.analyst import MAX_WAITING

    server = RedisServer().start()
    svc = Service(server.url, namespace=f"aq{uuid.uuid4().hex[:6]}")
    try:
        svc.start_api()
        codes = [svc.post("/v1/simulations", {"hours": 1, "seed": n}, role="analyst").status_code
                 for n in range(MAX_WAITING + 1)]
    finally:
        svc.stop()
        server.cleanup()
    assert codes == [202] * MAX_WAITING + [429]
