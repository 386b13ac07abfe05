"""The analyst's what-if simulations: launch as an RQ job, follow, read the report.

``POST /v1/simulations`` validates every field (bounded hours and seed, known what-if
keys, known scenarios) and queues ``simulators.jobs.run_simulation`` on the ``dispatch``
queue; ``GET /v1/simulations/{id}`` reads the job's status and progress (job meta);
``GET /v1/simulations/{id}/report/{file}`` serves the report's files from
``{DISPATCH_VAR}/simulations/{id}/``. Roles: ``analyst``, ``command`` (and ``admin``).
The page ``/console/analyst`` drives them.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import Field, StringConstraints, field_validator

from dispatch.api.deps import PrincipalDep, SettingsDep
from dispatch.api.reads import SimulationAccepted, SimulationKpis, SimulationRead
from dispatch.api.responses import errors, ok
from dispatch.api.schemas import Strict
from dispatch.rq_queues import SIMULATIONS, named

router = APIRouter(tags=["simulations"])

QUEUE = SIMULATIONS  # its own queue and worker: never ahead of a hand-off webhook
JOB = "simulators.jobs.run_simulation"
MAX_HOURS = 72.0
JOB_TIMEOUT_S = 1800
# Simulations have their own queue and worker (never ahead of a hand-off); still, never
# let more than this many wait, so a burst of what-if runs is refused (429) rather than
# queued for hours.
MAX_WAITING = 4
SimId = Annotated[str, StringConstraints(pattern=r"^sim-[0-9a-f]{32}$")]
REPORT_FILES = re.compile(r"^(index\.html|kpis\.json|[a-z]{2,16}\.png)$")
_MEDIA = {".html": "text/html; charset=utf-8", ".json": "application/json",
          ".png": "image/png"}
_PAGE = Path(__file__).resolve().parent.parent / "static" / "console" / "analyst.html"
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache"}
_ERRORS = errors(forbidden="the role may not do this", not_found="unknown simulation or report file",
                 e429="too many simulations waiting")


class SimulationCreate(Strict):
    """A what-if run: window, seed, the knobs of the base run and of an optional second."""

    hours: float = Field(24.0, gt=0, le=MAX_HOURS)
    seed: int = Field(7, ge=0, le=2**31 - 1)
    config: dict[str, Any] = Field(default_factory=dict)
    compare: dict[str, Any] | None = None
    mix: list[Annotated[str, StringConstraints(max_length=64)]] = Field(default_factory=list,
                                                                       max_length=10)
    scenario: Annotated[str, StringConstraints(max_length=64)] | None = None

    @field_validator("config", "compare")
    @classmethod
    def _knobs(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        from simulators.whatif.knobs import load_sim_config

        if value is not None:
            load_sim_config(value)  # SimConfigError is a ValueError: pydantic makes it a 422
        return value

    @field_validator("mix")
    @classmethod
    def _mix(cls, value: list[str]) -> list[str]:
        from simulators.streams.scenarios import scenarios

        known = scenarios()
        for spec in value:
            name, _, at = spec.partition("@")
            if name not in known or (at and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at)):
                raise ValueError(f"unknown scenario or time {spec!r}")
        return value

    @field_validator("scenario")
    @classmethod
    def _scenario(cls, value: str | None) -> str | None:
        from simulators.streams.scenarios import scenarios

        if value is not None and value not in scenarios():
            raise ValueError(f"unknown scenario {value!r}")
        return value


def _queue(request: Request) -> Any:
    from rq import Queue
    from rq.serializers import JSONSerializer

    from dispatch.adapters.handoff_delivery import raw_client

    state = request.app.state
    if getattr(state, "simulation_queue", None) is None:
        state.simulation_queue = Queue(named(QUEUE, state.settings.namespace),
                                       connection=raw_client(state.store.r),
                                       serializer=JSONSerializer)
    return state.simulation_queue


def _folder(settings: Any, sim_id: str) -> Path:
    return Path(settings.var_dir) / "simulations" / sim_id


def _job(request: Request, sim_id: str) -> Any:
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    queue = _queue(request)
    try:
        return Job.fetch(sim_id, connection=queue.connection, serializer=queue.serializer)
    except NoSuchJobError:
        raise HTTPException(404, f"no simulation {sim_id}") from None


@router.post("/v1/simulations", status_code=202, response_model=None,
             responses={**_ERRORS, 202: ok(SimulationAccepted, "the simulation is queued")},
             summary="Launch a what-if simulation (RQ job)")
def create_simulation(body: SimulationCreate, request: Request, who: PrincipalDep,
                      settings: SettingsDep) -> dict[str, Any]:
    """Queue the simulation; answer with its id at once."""
    queue = _queue(request)
    if sum(1 for job_id in queue.get_job_ids() if job_id.startswith("sim-")) >= MAX_WAITING:
        raise HTTPException(429, f"{MAX_WAITING} simulations are already waiting; try later")
    sim_id = f"sim-{uuid.uuid4().hex}"
    folder = _folder(settings, sim_id)
    queue.enqueue(
        JOB, str(folder), body.hours, body.seed, body.config, body.compare, body.mix,
        body.scenario, job_id=sim_id, job_timeout=JOB_TIMEOUT_S, result_ttl=7 * 86400,
        failure_ttl=7 * 86400, meta={"progress": 0.0, "stage": "queued", "by": who.actor,
                                     "request": body.model_dump()})
    return {"id": sim_id, "status": "queued", "url": f"/v1/simulations/{sim_id}"}


@router.get("/v1/simulations/{sim_id}", response_model=None, summary="A simulation's progress",
            responses={**_ERRORS, 200: ok(SimulationRead, "status and progress")})
def get_simulation(sim_id: SimId, request: Request, who: PrincipalDep) -> dict[str, Any]:
    """Status (``queued``, ``started``, ``finished``, ``failed`` …), progress and, when
    finished, the report's files."""
    job = _job(request, sim_id)
    job.refresh()
    status = job.get_status(refresh=False)
    status = getattr(status, "value", status)
    out: dict[str, Any] = {"id": sim_id, "status": status,
                           "progress": float(job.meta.get("progress", 0.0)),
                           "stage": job.meta.get("stage"), "request": job.meta.get("request")}
    if status == "finished":
        result = job.return_value() or {}
        out["progress"] = 1.0
        out["runs"] = result.get("runs", [])
        out["files"] = [f for f in result.get("files", []) if REPORT_FILES.match(f)]
        out["report_url"] = f"/v1/simulations/{sim_id}/report/index.html"
    elif status == "failed":
        out["error"] = "the simulation failed; see the RQ worker's log"
    return out


@router.get("/v1/simulations/{sim_id}/report/{name}", response_model=None,
            responses={**_ERRORS, 200: {
                "model": SimulationKpis, "description": "the file: kpis.json (below), "
                "index.html or a PNG plot", "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "image/png": {"schema": {"type": "string", "format": "binary"}}}}},
            summary="A file of a finished simulation's report")
def get_report_file(sim_id: SimId, name: str, who: PrincipalDep,
                    settings: SettingsDep) -> FileResponse:
    """``index.html``, ``kpis.json`` or one of the PNG plots."""
    if not REPORT_FILES.match(name):
        raise HTTPException(404, "no such report file")
    path = _folder(settings, sim_id) / name
    if not path.is_file():
        raise HTTPException(404, "no such report file (not finished yet?)")
    return FileResponse(path, media_type=_MEDIA[path.suffix],
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.get("/console/analyst", response_class=HTMLResponse, summary="Analyst console")
def console_analyst() -> HTMLResponse:
    """The analyst console: launch what-if simulations, follow them, read the reports."""
    if not _PAGE.is_file():
        raise HTTPException(404, "console page analyst.html is not installed")
    return HTMLResponse(_PAGE.read_text(encoding="utf-8"), headers=_PAGE_HEADERS)
