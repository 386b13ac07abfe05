"""The virtual clock fires the same deadlines as the live path.

One short story (a missing old man with his sighting, and a night brawl with several
callers) is posted to a real service — worker, scheduler, API — with a 2 s ack clock, a
1 s escalation step and nobody acknowledging; the same stream, at the same pace, runs
through the engine under a ``VirtualClock`` with the same settings. Both must escalate
the same incidents (by ``source_id``) to the same level, merge the same callers, and give
every incident the same priority and synthesis marks (the virtual run's synthesis stage
over its in-memory index, the live worker's over Redis).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from dispatch.domain.events import iso, parse_iso
from simulators import generate
from simulators.whatif.engine import Engine
from simulators.whatif.knobs import load_sim_config
from tests.support import RedisServer, Service, wait_until

ACK_S, STEP_S, SPAN_S = 2.0, 1.0, 2.0


def _compressed(story: list[dict[str, Any]], offset: float, prefix: str) -> list[dict[str, Any]]:
    """The story squeezed into ``SPAN_S`` seconds, starting ``offset`` s after time 0."""
    first = parse_iso(story[0]["at"])
    last = parse_iso(story[-1]["at"])
    span = max(1.0, (last - first).total_seconds())
    out = []
    for line in story:
        t = offset + (parse_iso(line["at"]) - first).total_seconds() / span * SPAN_S
        out.append({**line, "at": t, "source_id": f"{prefix}-{line['source_id']}"})
    return out


@pytest.fixture
def strict_service(redis_server: RedisServer) -> Iterator[Service]:
    svc = Service(redis_server.url, namespace=f"vl{uuid.uuid4().hex[:6]}",
                  ACK_TIMEOUT_S=str(ACK_S), ESCALATION_STEP_S=str(STEP_S)).start_all()
    yield svc
    svc.stop()


def test_one_story_escalates_the_same_incidents_live_and_in_virtual_time(
        strict_service: Service) -> None:
    prefix = uuid.uuid4().hex[:8]
    lines = (_compressed(list(generate(24, 3, scenario="elderly-wanderer")), 0.0, prefix)
             + _compressed(list(generate(24, 3, scenario="night-brawl")), SPAN_S + 0.5, prefix))
    # A victim calling three times from home within two seconds: duplicates, merged alike.
    home = {"lat": 40.6467, "lon": 109.8246, "crs": "wgs84", "accuracy_m": 12}
    lines += [{"at": 2 * SPAN_S + 1.0 + 0.6 * i, "channel": "call",
               "source_id": f"{prefix}-dv-{i}", "text": "我对象打我，这不是第一次了，他现在出去了",
               "caller": {"phone": "13904721234"}, "location": home, "truth": {}}
              for i in range(3)]
    lines.sort(key=lambda line: line["at"])
    # live: post at the compressed times, never acknowledge
    started = time.monotonic()
    posted: dict[str, str] = {}
    for line in lines:
        delay = started + line["at"] - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        body = {k: v for k, v in line.items() if k not in ("at", "truth")}
        r = strict_service.post_report(body)
        assert r.status_code == 202, r.text
        posted[line["source_id"]] = r.json()["id"]
    # virtual: the same stream at the same pace, same clocks, nobody acknowledging
    t0 = parse_iso("2026-01-12T00:00:00Z")
    virtual_lines = [{**line, "at": iso(t0 + timedelta(seconds=line["at"]))} for line in lines]
    cfg = load_sim_config({"ack_timeouts": {"P1": ACK_S, "P2": ACK_S, "P3": ACK_S},
                           "escalation_step_s": STEP_S, "officer_ack_probability": 0,
                           "command_ack_s": 0, "call_handling_median_s": 0, "pipeline_s": 0,
                           # the live posts carry no key-question answers either, and
                           # nobody merges a suggested duplicate by hand
                           "key_questions": 0, "merge_confirm_probability": 0,
                           "merge_mistake_probability": 0})
    engine = Engine(cfg, t0, 3).run(virtual_lines, 1.0)
    # The simulated call-taker opens the old man's case as soon as the family's report is
    # triaged, so the passer-by's sighting meets it (missing_hit); the live run has nobody
    # to confirm the proposed case (POST /v1/missing), so its register stays empty. Every
    # other mark must agree.
    hits = [r for r in engine.records.values()
            if "missing_hit" in engine.incidents[r.incident_id].marks]
    assert hits and all(r.truth.get("scenario") == "elderly-wanderer" for r in hits)
    virtual = {r.source_id: ("merged" if r.merged_into else r.escalation,
                             engine.incidents[r.incident_id].priority,
                             sorted(m for m in engine.incidents[r.incident_id].marks
                                    if m != "missing_hit"))
               for r in engine.records.values()}
    assert set(virtual) == set(posted)
    assert any(v[0] == 2 for v in virtual.values())
    assert any(v[0] == "merged" for v in virtual.values())

    def live() -> dict[str, Any]:
        out = {}
        for source_id, incident_id in posted.items():
            state = strict_service.incident(incident_id)
            out[source_id] = ("merged" if state["status"] == "merged"
                              else state["escalation_level"], state["priority"],
                              sorted(state.get("marks") or ()))
        return out

    seen: list[dict[str, Any]] = []
    try:
        wait_until(lambda: seen.append(live()) or seen[-1] == virtual, timeout=20,
                   interval=0.3, what="live escalations to match the virtual run")
    except AssertionError:
        assert seen[-1] == virtual  # show the difference
