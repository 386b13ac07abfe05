"""JSON views of missing-person cases for the HTTP API and the command console."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from dispatch.domain.events import iso
from dispatch.missing import Case, CaseStatus, GradeKpi, target_views
from dispatch.missing.codec import encode
from dispatch.missing.person import describe_person


def _s(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds(), 3)


def _t(value: datetime | None) -> str | None:
    return None if value is None else iso(value)


def elapsed(case: Case, now: datetime) -> timedelta:
    """Time since the case opened, frozen when it closed."""
    return (case.closed_at or now) - case.opened_at


def targets(case: Case, now: datetime) -> list[dict[str, Any]]:
    """Every target with due time, time allowed, elapsed/taken, remaining and state."""
    raw = {t.key: t for t in case.targets}
    out = []
    for v in target_views(case.targets, case.opened_at, now):
        t = raw[v.key]
        out.append({
            "key": v.key, "name": v.name, "state": v.state.value, "due_at": iso(v.due_at),
            "met_at": _t(v.met_at), "breached_at": _t(t.breached_at),
            "cancelled_at": _t(t.cancelled_at), "allowed_s": _s(v.allowed),
            "took_s": _s(v.took), "remaining_s": _s(v.remaining),
            "elapsed_s": _s(elapsed(case, now) if v.took is None else v.took),
        })
    return out


def _risk(case: Case) -> dict[str, Any] | None:
    risk = case.risk
    if risk is None:
        return None
    return {"grade": risk.grade.value, "criminal_case": risk.criminal_case,
            "reasons": [{"code": r.code, "grade": r.grade.value, "text": r.text}
                        for r in risk.reasons],
            "overridden_by": risk.overridden_by, "override_reason": risk.override_reason}


def _last_seen(case: Case) -> dict[str, Any]:
    ls = case.last_seen
    return {"at": iso(ls.at), "address": ls.address, "lat": ls.lat, "lon": ls.lon,
            "precinct": ls.precinct}


def list_item(case: Case, now: datetime) -> dict[str, Any]:
    """One row of ``GET /v1/missing``: enough for the command console's panel."""
    return {
        "id": case.id, "status": case.status.value, "opened_at": iso(case.opened_at),
        "elapsed_s": _s(elapsed(case, now)), "risk": _risk(case),
        "person": encode(case.person), "description": describe_person(case.person),
        "last_seen": _last_seen(case), "profile": case.profile.value,
        "area": {"radius_m": round(case.area_radius_m), "precincts": len(case.notified)},
        "targets": targets(case, now),
        "next_deadline_at": next((t["due_at"] for t in targets(case, now)
                                  if t["state"] == "pending"), None),
        "sightings": len([s for s in case.sightings if not s.dismissed]),
        "located_at": _t(case.located_at), "closed_at": _t(case.closed_at),
        "outcome": case.outcome.value if case.outcome else None,
    }


def case_view(case: Case, now: datetime, timeline: Sequence[Mapping[str, Any]],
              found_candidates: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """``GET /v1/missing/{id}``: the case, risk and reasons, targets, reports, sightings."""
    verified = {str(e["data"].get("incident_id")): e for e in timeline
                if e["type"] == "missing.found_registered" and e["data"].get("incident_id")}
    sightings = []
    for s in case.sightings:
        state = "dismissed" if s.dismissed else "confirmed" if s.incident_id in verified \
            else "verifying"
        sightings.append({"incident_id": s.incident_id, "at": iso(s.at),
                          "score": round(s.score, 3), "reasons": list(s.reasons),
                          "precinct": s.precinct, "auto": s.auto, "state": state})
    reports: list[dict[str, Any]] = (
        [{"incident_id": case.report_id, "role": "report"}] if case.report_id else [])
    reports += [{"incident_id": s.incident_id, "role": "sighting"} for s in case.sightings]
    reports += [{"incident_id": r.incident_id, "role": "same_person", "at": iso(r.at),
                 "score": round(r.score, 3), "reasons": list(r.reasons)}
                for r in case.linked_reports]
    ttf = case.time_to_found
    return {
        **list_item(case, now),
        "owner": case.owner,
        "reporter": encode(case.reporter), "circumstances": encode(case.circumstances),
        "report_id": case.report_id, "reports": reports,
        "area": {"radius_m": round(case.area_radius_m), "precincts": sorted(case.notified),
                 "handed_off": case.handed_off},
        "sightings": sightings, "found_candidates": list(found_candidates),
        "time_to_found_s": _s(ttf), "version": case.version,
        "timeline": list(timeline),
    }


def kpi_view(kpis: Mapping[Any, GradeKpi], cases: Sequence[Case]) -> dict[str, Any]:
    """``GET /v1/missing/kpis``: per grade, cases, found, median time to found, share met."""
    grades = []
    for grade, k in kpis.items():
        share = k.share_targets_met
        grades.append({"grade": grade.value, "cases": k.cases, "closed": k.closed,
                       "found": k.found,
                       "median_time_to_found_s": _s(k.median_time_to_found),
                       "targets_met": k.targets_met, "targets_decided": k.targets_decided,
                       "share_targets_met": None if share is None else round(share, 4)})
    return {"grades": grades, "cases": len(cases),
            "open": sum(1 for c in cases if c.status is not CaseStatus.CLOSED)}
