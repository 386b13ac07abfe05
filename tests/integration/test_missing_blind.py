"""The blind matching set, end to end through the API: every case opened with
``POST /v1/missing``, every report posted with ``POST /v1/reports`` on a real stack
(redis-server, API, worker, scheduler, reactors), and what the service did with each read
back from the incident. The targets are the issue's; the figures are in docs/missing.md.
"""

from __future__ import annotations

import pytest

from dispatch.missing.calibration import evaluate
from dispatch.missing.matcher import LINK_MARGIN
from dispatch.missing.matching import AUTO_LINK
from tests.integration import missing_blind as blind
from tests.support import RedisServer

IMPOSSIBLE = {"wrong_gender", "wrong_age", "too_far_too_soon", "before_last_seen"}


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_blind_set_meets_the_targets_end_to_end(redis_server: RedisServer) -> None:
    cases = blind.read_jsonl(blind.DATA / "cases.jsonl")
    sightings = blind.read_jsonl(blind.DATA / "sightings.jsonl")
    assert len(cases) >= 40 and len(sightings) >= 100
    svc = blind.start(redis_server.url, ns="blindtest")
    try:
        outcomes = blind.run(svc, redis_server.client(), "blindtest", cases, sightings,
                             quiet=True)
        labelled = blind.trials(redis_server.client(), "blindtest", outcomes, blind.GOLD_OF)
    finally:
        svc.stop()
    assert not blind.REFUSED, blind.REFUSED
    figures = blind.figures(outcomes)
    print("\n", figures)
    assert figures["errors"] == 0
    assert figures["recall"] >= 0.85
    assert figures["precision"] >= 0.97
    assert figures["ranked_first_share"] >= 0.95
    wrong = [o for o in outcomes if o.linked and o.linked != o.gold]
    assert not [o.id for o in wrong if o.why_not in IMPOSSIBLE]
    # the matcher's decisions replayed on the same scores are the service's decisions
    replay = evaluate(labelled, AUTO_LINK, LINK_MARGIN)
    assert (replay.linked_correctly, replay.links) == (figures["linked_correctly"],
                                                       figures["links"])
