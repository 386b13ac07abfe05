"""Drive a blind sighting-matching set end to end through the API and score it.

    python -m tests.blind.missing_e2e CASES.jsonl SIGHTINGS.jsonl [--json OUT]

Starts a real Redis and the whole service (API, worker, scheduler, reactors) on free
loopback ports, opens every case with ``POST /v1/missing`` and posts every report with
``POST /v1/reports`` in time order, then reads what the service did with each report:
linked to a case (``missing.sighting_linked``), offered to the call-taker
(``sighting_candidates``), kept as a found-person record, proposed as a new case, or
never compared at all (the report did not pass the gate).

All the set's times are shifted together so that the latest lies a few minutes before
now (the set keeps its own gaps between last-seen and sighting).

Figures (the issue's): auto-link recall over the reports that belong to a case, precision
over all automatic links, the expected case ranked first (linked or first candidate),
wrong links by look-alike kind, and how many reports never reached the matcher.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.support import RedisServer, Service, wait_until

BELONGS = ("true_sighting", "found_person", "duplicate_report")


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _shifted(iso: str, offset: timedelta) -> str:
    return (datetime.fromisoformat(iso) + offset).astimezone(UTC).isoformat()


def _stages(svc: Service, incident_id: str) -> list[dict[str, Any]]:
    timeline = svc.incident(incident_id)["timeline"]
    return [e["payload"] for e in timeline if e["type"] == "incident.missing"]


def run(cases: list[dict[str, Any]], sightings: list[dict[str, Any]]) -> dict[str, Any]:
    times = [datetime.fromisoformat(c["last_seen"]["at"]) for c in cases] + \
        [datetime.fromisoformat(s["occurred_at"]) for s in sightings if s.get("occurred_at")]
    offset = datetime.now(UTC) - max(times) - timedelta(minutes=3)
    server = RedisServer()
    server.start()
    svc = Service(server.url, namespace="blind").start_all()
    r = server.client()
    wait_until(lambda: any(g["name"] == "reactor:missing"
                           for g in r.xinfo_groups("blind:events")), 30,
               what="the missing-person reactor")
    try:
        case_ids: dict[str, str] = {}
        refused: dict[str, str] = {}
        for c in sorted(cases, key=lambda c: c["last_seen"]["at"]):
            body = {"person": c["person"],
                    "last_seen": {**c["last_seen"],
                                  "at": _shifted(c["last_seen"]["at"], offset)},
                    **({"reporter": c["reporter"]} if c.get("reporter") else {})}
            try:
                resp = svc.post("/v1/missing", body, role="call_taker")
            except Exception as exc:  # noqa: BLE001 - recorded: the API failed this case
                refused[c["id"]] = f"transport error {exc!r}; api log: {svc.log('api')[-800:]}"
                continue
            if resp.status_code == 201:
                case_ids[c["id"]] = resp.json()["id"]
            else:
                refused[c["id"]] = f"{resp.status_code} {resp.text[:200]}"
        posted: dict[str, str] = {}
        for s in sorted(sightings, key=lambda s: s.get("occurred_at") or ""):
            body = {"channel": s["channel"], "text": s["text"]}
            if s.get("address"):
                body["address"] = s["address"]
            if s.get("occurred_at"):
                body["occurred_at"] = _shifted(s["occurred_at"], offset)
            resp = svc.post_report(body)
            resp.raise_for_status()
            posted[s["id"]] = resp.json()["id"]
        for incident_id in posted.values():
            wait_until(lambda i=incident_id: svc.incident(i)["status"] != "received", 30,
                       what=f"{incident_id} to be triaged")
        # The reactors' turn: wait until no report's missing-person stages change for 3 s
        # (a loaded machine can take a while), at most a minute.
        last: list[object] = []
        quiet_since = time.monotonic()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now_seen = [[st.get("stage") for st in _stages(svc, i)] for i in posted.values()]
            if now_seen != last:
                last, quiet_since = now_seen, time.monotonic()
            elif time.monotonic() - quiet_since >= 3.0:
                break
            time.sleep(0.5)
        linked: dict[str, str] = {}  # incident id -> case id
        role: dict[str, str] = {}  # incident id -> "sighting" or "same_person"
        for local, cid in case_ids.items():
            view = svc.get(f"/v1/missing/{cid}").json()
            for sight in view.get("sightings", []):
                linked[sight["incident_id"]] = local
                role[sight["incident_id"]] = "sighting"
            for rep in view.get("reports", []):
                if rep.get("role") == "same_person":
                    linked[rep["incident_id"]] = local
                    role[rep["incident_id"]] = "same_person"
        back = {v: k for k, v in case_ids.items()}
        rows = []
        for s in sightings:
            incident_id = posted[s["id"]]
            incident = svc.incident(incident_id)
            stages = _stages(svc, incident_id)
            offered = [back.get(c.get("id")) for st in stages
                       if st.get("stage") == "sighting_candidates" for c in st.get("cases", [])]
            rows.append({
                "id": s["id"], "kind": s["kind"], "expected": s.get("expected_case"),
                "category": incident.get("category"), "linked": linked.get(incident_id),
                "role": role.get(incident_id),
                "offered": offered, "stages": [st.get("stage") for st in stages],
            })
    finally:
        log = svc.log("reactors")
        if "Traceback" in log:
            print(log[-3000:], file=sys.stderr)
        svc.stop()
        server.cleanup()
    return score(rows, refused)


def score(rows: list[dict[str, Any]], refused: dict[str, str]) -> dict[str, Any]:
    belongs = [r for r in rows if r["expected"] and r["kind"] in BELONGS]
    links = [r for r in rows if r["linked"]]
    right = [r for r in links if r["linked"] == r["expected"]]
    first = [r for r in belongs if r["linked"] == r["expected"]
             or (not r["linked"] and r["offered"][:1] == [r["expected"]])]
    wrong = Counter(r["kind"] for r in links if r["linked"] != r["expected"])
    never = [r for r in belongs if not r["stages"]]
    return {
        "cases_refused": refused,
        "reports": len(rows),
        "belong_to_a_case": len(belongs),
        "recall": round(sum(r["linked"] == r["expected"] for r in belongs) / max(1, len(belongs)), 3),
        "precision": round(len(right) / max(1, len(links)), 3),
        "ranked_first": round(len(first) / max(1, len(belongs)), 3),
        "links": len(links),
        "wrong_links_by_kind": dict(wrong),
        "never_compared": len(never),
        "never_compared_categories": dict(Counter(r["category"] for r in never)),
        "offered_not_linked": sum(1 for r in belongs if not r["linked"] and r["expected"]
                                  in r["offered"]),
        # a sighting linked as a sighting (a precinct verifies), a relative's report as the
        # same person's report
        "right_role": round(sum(
            r["role"] == ("same_person" if r["kind"] == "duplicate_report" else "sighting")
            for r in belongs if r["linked"] == r["expected"]) / max(1, len(right)), 3),
        "rows": rows,
    }


def matcher_alone(cases: list[dict[str, Any]],
                  sightings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every report scored against every case in process (no gate, no service): the
    matcher's own ranking, for the issue's "matcher alone" column and for thresholds."""
    import geo
    from dispatch.missing import AnchorIndex, choose_profile, person_from_request
    from dispatch.missing.intake import sighting_from_report
    from dispatch.missing.matcher import sighting_observation
    from dispatch.missing.matching import score as score_pair
    from dispatch.missing.person import LastSeen
    from dispatch.missing.risk import Circumstances
    from triage import classify

    anchors = []
    for c in cases:
        placed = geo.locate(c["last_seen"].get("address") or "").to_dict()
        person = person_from_request(c["person"])
        last = LastSeen(at=datetime.fromisoformat(c["last_seen"]["at"]), lat=placed.get("lat"),
                        lon=placed.get("lon"), precinct=placed.get("precinct"))
        from dispatch.missing.matching import Anchor, CandidateKind
        anchors.append(Anchor(CandidateKind.CASE, c["id"], person, last.lat, last.lon, last.at,
                              choose_profile(person, Circumstances())))
    index = AnchorIndex(anchors)
    rows = []
    for s in sightings:
        t = classify(s["text"], s["channel"]).to_dict()
        placed = geo.locate(s.get("address") or s["text"]).to_dict()
        sight = sighting_from_report(
            incident_id=s["id"], at=datetime.fromisoformat(s["occurred_at"]),
            extracted=t["extracted"], lat=placed.get("lat"), lon=placed.get("lon"),
            text=s["text"], radius_m=placed.get("radius_m"))
        obs = sighting_observation(sight)
        best = index.best(obs, k=3, floor=0.0)
        expected = next((a for a in anchors if a.id == s.get("expected_case")), None)
        exp = score_pair(expected, obs) if expected else None
        rows.append({"id": s["id"], "kind": s["kind"], "expected": s.get("expected_case"),
                     "top": [(b.id, round(b.score, 3)) for b in best],
                     "expected_score": round(exp.score, 3) if exp else None,
                     "expected_reasons": list(exp.reasons) if exp else [],
                     "top_reasons": list(best[0].reasons) if best else []})
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("cases", type=Path)
    p.add_argument("sightings", type=Path)
    p.add_argument("--json", type=Path, help="write the per-report rows here")
    p.add_argument("--matcher-alone", action="store_true",
                   help="score every report against every case in process, no service")
    args = p.parse_args(argv)
    if args.matcher_alone:
        rows = matcher_alone(_load(args.cases), _load(args.sightings))
        if args.json:
            args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
        belongs = [r for r in rows if r["expected"] and r["kind"] in BELONGS]
        first = sum(1 for r in belongs if r["top"] and r["top"][0][0] == r["expected"])
        print(json.dumps({"belong": len(belongs), "ranked_first": round(first / max(1, len(belongs)), 3)}))
        return 0
    result = run(_load(args.cases), _load(args.sightings))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    summary = {k: v for k, v in result.items() if k != "rows"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
