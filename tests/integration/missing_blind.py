"""The blind matching set, end to end through the API on a real stack.

Every case of ``tests/data/missing_blind/cases.jsonl`` is opened with ``POST /v1/missing``
(the body as written, less the set's own ``case`` and ``travel`` labels); every report of
``sightings.jsonl`` is then posted with ``POST /v1/reports`` in the order it was received,
and the harness reads, from the incident's timeline, what the service did with it: linked
to a case, offered candidates, registered a found person, proposed a new case, or nothing.

The set's clock is moved forward by whole days (so the hour of day, and with it night and
cold, is kept) until its latest time lies in the past; each report carries its own time
as ``occurred_at``. Reports are posted one at a time and the harness waits until the
missing-person reactor has caught up, so each report sees the links made before it.

Usage: ``python -m tests.integration.missing_blind [--json results.json]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from tests.support import ROOT, RedisServer, Service, wait_until

DATA = ROOT / "tests" / "data" / "missing_blind"
REFUSED: dict[str, str] = {}  # the set's case id -> why POST /v1/missing refused it
GOLD_OF: dict[str, str] = {}  # service case id -> the set's case id, of the last run
MATCH_STAGES = ("sighting_matched", "sighting_candidates", "found_registered",
                "case_duplicate", "sighting_unusable")
CHANNELS = {"call": "call", "forum": "forum", "12345": "transfer_12345",
            "transfer_12345": "transfer_12345"}


@dataclass
class Outcome:
    """What the service did with one report of the set."""

    id: str
    gold: str | None
    lookalike_of: str | None
    why_not: str | None
    incident_id: str = ""
    category: str | None = None
    flags: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    linked: str | None = None  # the set's case id the report was linked to
    offered: list[tuple[str, float]] = field(default_factory=list)  # set ids, best first
    score: float | None = None
    reasons: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def reached_matcher(self) -> bool:
        return any(s in MATCH_STAGES for s in self.stages)

    @property
    def kind(self) -> str:
        """linked, offered, found_registered, case_proposed, or none (never matched)."""
        if self.linked:
            return "linked"
        if self.offered:
            return "offered"
        for stage in ("found_registered", "case_proposed", "sighting_unusable"):
            if stage in self.stages:
                return stage
        return "none"

    @property
    def top(self) -> str | None:
        """The case the service put first: the linked one, else the best offered."""
        if self.linked:
            return self.linked
        return self.offered[0][0] if self.offered else None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _parse(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"naive time {text!r} in the set")
    return value


def day_shift(times: Iterable[datetime], now: datetime) -> timedelta:
    """Whole days to add so that the latest time is at least a minute before ``now``."""
    latest = max(times)
    days = (now - timedelta(minutes=1) - latest) // timedelta(days=1)
    return timedelta(days=days)


def case_body(case: Mapping[str, Any], shift: timedelta) -> dict[str, Any]:
    """The POST body of a case: as written, without the set's labels, its time shifted."""
    body = {k: v for k, v in case.items() if k not in ("case", "travel")}
    last_seen = dict(body["last_seen"])
    last_seen["at"] = (_parse(last_seen["at"]) + shift).isoformat()
    body["last_seen"] = last_seen
    return body


def report_body(sighting: Mapping[str, Any], shift: timedelta) -> dict[str, Any]:
    """The POST body of a report: channel, text, location or address, its time shifted."""
    at = (_parse(sighting["received_at"]) + shift).isoformat()
    body: dict[str, Any] = {"channel": CHANNELS.get(sighting.get("channel") or "call", "call"),
                            "text": sighting["text"], "occurred_at": at}
    loc = sighting.get("location")
    if loc:
        body["location"] = {k: loc[k] for k in ("lat", "lon", "crs", "accuracy_m") if k in loc}
    if sighting.get("address"):
        body["address"] = sighting["address"]
    if body["channel"] == "forum":
        body["forum"] = {"post_id": str(sighting["id"]), "posted_at": at}
    return body


def _triaged(svc: Service, incident_id: str) -> bool:
    return bool(svc.incident(incident_id).get("category"))


def _caught_up(svc: Service, r: Any, ns: str) -> bool:
    last = r.xinfo_stream(f"{ns}:events")["last-generated-id"]
    group = next(g for g in r.xinfo_groups(f"{ns}:events") if g["name"] == "reactor:missing")
    return bool(group["pending"] == 0 and _id(group["last-delivered-id"]) >= _id(last))


def _id(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def read_outcome(svc: Service, outcome: Outcome, gold_of: Mapping[str, str]) -> None:
    """Fill ``outcome`` from the incident: category, stages, the link and the offers."""
    incident = svc.incident(outcome.incident_id)
    outcome.category = incident.get("category")
    outcome.flags = list(incident.get("flags") or [])
    for event in incident["timeline"]:
        if event["type"] != "incident.missing":
            continue
        payload = event["payload"]
        stage = payload.get("stage")
        outcome.stages.append(stage)
        if stage in ("sighting_matched", "case_duplicate") and payload.get("case_id"):
            outcome.linked = gold_of.get(payload["case_id"], payload["case_id"])
            outcome.score = payload.get("score")
            outcome.reasons = list(payload.get("reasons") or [])
        offered = payload.get("cases") or payload.get("open_case_candidates")
        if offered and not outcome.offered:
            outcome.offered = [(gold_of.get(c["id"], c["id"]), c["score"]) for c in offered]
            if not outcome.linked:
                outcome.reasons = list(offered[0].get("reasons") or [])


def run(svc: Service, r: Any, ns: str, cases: Sequence[Mapping[str, Any]],
        sightings: Sequence[Mapping[str, Any]], *, quiet: bool = False) -> list[Outcome]:
    """Open every case, post every report, and read what became of each."""
    now = datetime.now(UTC)
    times = [_parse(c["last_seen"]["at"]) for c in cases]
    times += [_parse(s["received_at"]) for s in sightings]
    shift = day_shift(times, now)
    gold_of = GOLD_OF
    gold_of.clear()
    REFUSED.clear()
    for case in cases:
        reply = svc.post("/v1/missing", case_body(case, shift), role="call_taker")
        if reply.status_code != 201:
            REFUSED[str(case["case"])] = f"{reply.status_code} {reply.text[:300]}"
            continue
        gold_of[reply.json()["id"]] = str(case["case"])
    outcomes = []
    for sighting in sorted(sightings, key=lambda s: _parse(s["received_at"])):
        outcome = Outcome(str(sighting["id"]), sighting.get("gold_case"),
                          sighting.get("lookalike_of"), sighting.get("why_not"))
        reply = svc.post_report(report_body(sighting, shift))
        if reply.status_code != 202:
            outcome.error = f"{reply.status_code} {reply.text[:200]}"
            outcomes.append(outcome)
            continue
        outcome.incident_id = str(reply.json()["id"])
        wait_until(partial(_triaged, svc, outcome.incident_id), 20,
                   what=f"report {outcome.id} to be triaged")
        wait_until(lambda: _caught_up(svc, r, ns), 20, interval=0.01,
                   what="the missing-person reactor to catch up")
        read_outcome(svc, outcome, gold_of)
        outcomes.append(outcome)
        if not quiet:
            print(f"{outcome.id}: {outcome.category} {outcome.stages} -> {outcome.linked}",
                  file=sys.stderr)
    return outcomes


def figures(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Recall, precision, ranked-first and the wrong links by look-alike kind."""
    true = [o for o in outcomes if o.gold]
    links = [o for o in outcomes if o.linked]
    correct = [o for o in links if o.linked == o.gold]
    wrong = [o for o in links if o.linked != o.gold]
    first = [o for o in true if o.top == o.gold]
    offered = [o for o in true if o.linked != o.gold and o.gold in dict(o.offered)]
    return {
        "reports": len(outcomes),
        "true_sightings": len(true),
        "lookalikes": sum(1 for o in outcomes if o.lookalike_of),
        "true_reached_matcher": sum(1 for o in true if o.reached_matcher),
        "ranked_first": len(first),
        "ranked_first_share": round(len(first) / len(true), 3) if true else None,
        "linked_correctly": len(correct),
        "recall": round(len(correct) / len(true), 3) if true else None,
        "links": len(links),
        "wrong_links": len(wrong),
        "precision": round(len(correct) / len(links), 3) if links else None,
        "true_only_offered": len(offered),
        "wrong_links_by_kind": dict(Counter(o.why_not or "true sighting, other case"
                                            for o in wrong)),
        "errors": sum(1 for o in outcomes if o.error),
        "categories_of_true": dict(Counter(o.category or "-" for o in true)),
        "outcomes_of_true": dict(Counter(o.kind for o in true)),
    }


def trials(r: Any, ns: str, outcomes: Sequence[Outcome], gold_of: Mapping[str, str],
           *, floor: float = 0.3) -> list[Any]:
    """Every report as the matcher sees it (the reactor's reading of the triaged report,
    scored against the open cases), labelled with the set's answer, for calibration."""
    from dispatch.adapters.missing_store import CaseStore, load_incident
    from dispatch.adapters.redis_keys import Keys
    from dispatch.adapters.redis_store import RedisStore
    from dispatch.missing import MissingError, build_case_index
    from dispatch.missing.calibration import Trial
    from dispatch.missing.intake import read_report, report_sighting
    from dispatch.missing.matcher import sighting_observation

    store = RedisStore(r, Keys(ns))
    index = build_case_index(CaseStore(store).open_cases())
    out = []
    for o in outcomes:
        incident = load_incident(store, o.incident_id) if o.incident_id else None
        ranked: tuple[tuple[str, float], ...] = ()
        may_link = False
        if incident is not None:
            loc = incident.location or {}
            reading = read_report(incident.category or "", incident.flags, incident.extracted)
            may_link = reading.describes_person and (reading.may_auto_link
                                                     or reading.family_report)
            try:
                sighting = report_sighting(
                    incident_id=incident.id, received_at=incident.received_at,
                    occurred_at=incident.occurred_at, extracted=incident.extracted,
                    lat=loc.get("lat"), lon=loc.get("lon"), radius_m=loc.get("radius_m"),
                    address=incident.address)
                ranked = tuple((gold_of.get(c.id, c.id), c.score) for c in
                               index.best(sighting_observation(sighting), k=5, floor=floor))
            except MissingError:
                pass
        out.append(Trial(o.gold, ranked, may_link, o.why_not))
    return out


def calibration(labelled: Sequence[Any]) -> dict[str, Any]:
    """The matcher alone, the decisions replayed at today's thresholds, the cost-chosen
    threshold and margin, and the same choice made on one half of the cases and measured
    on the other."""
    from dispatch.missing.calibration import choose, evaluate
    from dispatch.missing.matcher import LINK_MARGIN
    from dispatch.missing.matching import AUTO_LINK

    def row(res: Any) -> dict[str, Any]:
        return {"threshold": res.threshold, "margin": res.margin,
                "linked_correctly": res.linked_correctly, "links": res.links,
                "wrong_links": res.wrong_links, "ranked_first": res.ranked_first,
                "recall": round(res.recall, 3), "precision": round(res.precision, 3),
                "cost": res.cost}

    thresholds = [round(0.60 + 0.01 * i, 2) for i in range(37)]
    margins = [0.0, 0.025, 0.05, 0.075, 0.10]
    cases = sorted({t.gold for t in labelled if t.gold} | {t.kind or "" for t in labelled})
    golds = sorted({t.gold or "" for t in labelled} | {""})
    halves = []
    for part in (0, 1):
        def side(t: Any, part: int = part) -> bool:
            key = t.gold or (t.ranked[0][0] if t.ranked else "")
            return (golds.index(key) if key in golds else hash(key)) % 2 == part
        train = [t for t in labelled if side(t)]
        test = [t for t in labelled if not side(t)]
        chosen = choose(train, thresholds, margins)
        halves.append({"chosen_on_half": row(chosen),
                       "measured_on_other_half": row(evaluate(test, chosen.threshold,
                                                              chosen.margin))})
    del cases
    return {
        "matcher_alone": row(evaluate(labelled, AUTO_LINK, LINK_MARGIN, gate=False)),
        "replayed_now": row(evaluate(labelled, AUTO_LINK, LINK_MARGIN)),
        "chosen": row(choose(labelled, thresholds, margins)),
        "split_halves": halves,
    }


def start(redis_url: str, ns: str = "blind") -> Service:
    """The whole stack (API, worker, scheduler, reactors) on ``redis_url``."""
    svc = Service(redis_url, namespace=ns).start_all()
    r = __import__("redis").Redis.from_url(redis_url, decode_responses=True)
    wait_until(lambda: any(g["name"] == "reactor:missing" for g in r.xinfo_groups(f"{ns}:events")),
               30, what="the missing-person reactor to join the events stream")
    return svc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--json", type=Path, help="write every report's outcome here")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    cases = read_jsonl(args.data / "cases.jsonl")
    sightings = read_jsonl(args.data / "sightings.jsonl")
    server = RedisServer().start()
    svc = start(server.url)
    try:
        started = time.monotonic()
        outcomes = run(svc, server.client(), "blind", cases, sightings, quiet=args.quiet)
        result = figures(outcomes)
        result["seconds"] = round(time.monotonic() - started, 1)
        result["cases_refused"] = dict(REFUSED)
        labelled = trials(server.client(), "blind", outcomes, GOLD_OF)
        result["calibration"] = calibration(labelled)
    finally:
        svc.stop()
        server.cleanup()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"figures": result, "outcomes": [asdict(o) for o in outcomes]},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
