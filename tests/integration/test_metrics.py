"""The operator metrics as Prometheus sees them: ``promtool check metrics`` clean, the
families an operator needs present, and per-process counters that add up across two API
processes (``sum()`` is right) while the shared state is exported once."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import ROOT, RedisServer, Service, free_port, fresh_point, wait_until

PROCESS_FAMILIES = {"dispatch_http_requests", "dispatch_http_request_duration_seconds",
                    "dispatch_ws_connections", "dispatch_ws_sessions", "dispatch_ws_closes",
                    "process_cpu_seconds", "process_resident_memory_bytes", "python_info",
                    "python_gc_collections"}
CLUSTER_FAMILIES = {"dispatch_reports_received", "dispatch_intake_to_assigned_seconds",
                    "dispatch_stage_seconds", "dispatch_ack_seconds", "dispatch_triaged",
                    "dispatch_handoff_steps", "dispatch_open_incidents", "dispatch_stream_pending",
                    "dispatch_stream_lag", "dispatch_stream_consumers", "dispatch_rq_queued_jobs",
                    "dispatch_rq_started_jobs", "dispatch_rq_failed_jobs",
                    "dispatch_heartbeats_alive", "dispatch_heartbeat_oldest_age_seconds",
                    "dispatch_deadlines_overdue", "dispatch_escalations", "dispatch_job_failures",
                    "dispatch_open_deadlines", "dispatch_triage_confidence_ratio",
                    "dispatch_forum_breaches", "dispatch_target_breaches"}
# What an operator of a 110 centre asks (issue 14), and the families that answer it.
OPERATOR_QUESTIONS = {
    "per-stage latency": {"dispatch_stage_seconds"},
    "ack time by priority": {"dispatch_ack_seconds"},
    "pipeline pending and consumer lag": {"dispatch_stream_pending", "dispatch_stream_lag"},
    "RQ queue length and failures": {"dispatch_rq_queued_jobs", "dispatch_rq_failed_jobs"},
    "hand-offs sent, failed, overdue": {"dispatch_handoff_steps"},
    "forum breaches": {"dispatch_forum_breaches"},
    "websocket drops and slow-client closes": {"dispatch_ws_closes", "dispatch_ws_connections"},
    "open incidents by status and priority": {"dispatch_open_incidents"},
    "triage confidence and needs_review share": {"dispatch_triage_confidence_ratio",
                                                 "dispatch_triaged"},
    "HTTP latency and errors": {"dispatch_http_request_duration_seconds",
                                "dispatch_http_requests"},
    "heartbeats": {"dispatch_heartbeats_alive", "dispatch_heartbeat_oldest_age_seconds"},
    "process metrics": {"process_cpu_seconds", "process_resident_memory_bytes"},
}


@pytest.fixture(scope="module")
def stack() -> Iterator[tuple[Service, str]]:
    server = RedisServer().start()
    # FORUM_REPLY_S: a P3/P4 forum post misses its reply target within a second or two
    svc = Service(server.url, namespace="m", ACK_TIMEOUT_S="600", FORUM_REPLY_S="1").start_all()
    second = free_port()
    svc.start_api("api-2", port=second)
    try:
        yield svc, f"http://127.0.0.1:{second}"
    finally:
        svc.stop()
        server.cleanup()


def families(text: str) -> dict[str, list[tuple[str, dict[str, str], float]]]:
    out: dict[str, list[tuple[str, dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        out[family.name] = [(s.name, s.labels, s.value) for s in family.samples]
    return out


def promtool(text: str) -> str:
    """``promtool check metrics`` findings ('' when clean); the parser alone if absent."""
    binary = shutil.which("promtool")
    if binary is None:
        families(text)  # at least parse (prometheus_client's own text parser)
        return ""
    done = subprocess.run([binary, "check", "metrics"], input=text.encode(), capture_output=True,
                          timeout=30, check=False)
    return (done.stdout + done.stderr).decode().strip()


def value(fams: dict[str, list[tuple[str, dict[str, str], float]]], sample: str,
          **labels: str) -> float:
    family = next(k for k in fams if sample.startswith(k))
    return sum(v for name, lab, v in fams[family]
               if name == sample and all(lab.get(k) == x for k, x in labels.items()))


def test_metrics_pass_promtool_and_carry_what_an_operator_needs(
        stack: tuple[Service, str]) -> None:
    svc, _ = stack
    r = svc.post_report({"channel": "call", "text": "有人拿刀抢劫，快来",
                         "location": {**fresh_point(), "crs": "wgs84"}})
    incident_id = r.json()["id"]
    incident = svc.wait_status(incident_id, "assigned")
    precinct = incident["precinct"]
    assert svc.post(f"/v1/incidents/{incident_id}/ack", role="precinct",
                    precinct=precinct).status_code == 200
    svc.post_report({"channel": "forum", "text": "小区门口的路灯坏了好几天了",
                     "forum": {"post_id": "metrics-1"}})  # answered at once: 转12345
    svc.post_report({"channel": "forum", "text": "我的电动车昨天晚上在小区楼下被人偷了，怎么办",
                     "forum": {"post_id": "metrics-2"}})  # nobody replies: a breach
    cluster = httpx.get(f"{svc.base}/metrics/cluster").text
    own = httpx.get(f"{svc.base}/metrics").text
    assert promtool(cluster) == ""
    assert promtool(own) == ""
    assert CLUSTER_FAMILIES <= set(families(cluster))
    assert PROCESS_FAMILIES <= set(families(own))
    assert not set(families(own)) & CLUSTER_FAMILIES  # shared totals only once

    def settled() -> dict[str, list[tuple[str, dict[str, str], float]]] | None:
        fams = families(httpx.get(f"{svc.base}/metrics/cluster").text)
        return fams if value(fams, "dispatch_ack_seconds_count", priority=incident[
            "priority"]) >= 1 and value(fams, "dispatch_triaged_total") >= 3 \
            and value(fams, "dispatch_forum_breaches_total", target="reply") >= 1 else None

    fams = wait_until(settled, 15, what="the ack, both triages and the forum breach counted")
    assert fams is not None
    assert value(fams, "dispatch_reports_received_total", channel="call") >= 1
    assert value(fams, "dispatch_stage_seconds_count", stage="triage") >= 2
    assert value(fams, "dispatch_stage_seconds_count", stage="dispatch") >= 1
    assert value(fams, "dispatch_heartbeats_alive", role="worker") >= 1
    assert value(fams, "dispatch_stream_consumers", stream="reports", group="pipeline") >= 1
    assert value(fams, "dispatch_open_incidents", status="acknowledged",
                 priority=incident["priority"]) >= 1
    assert value(fams, "dispatch_rq_failed_jobs") == 0
    assert value(fams, "dispatch_triage_confidence_ratio_count", channel="call") >= 1
    assert value(fams, "dispatch_triage_confidence_ratio_count", channel="forum") >= 1
    assert 0 < value(fams, "dispatch_triage_confidence_ratio_sum") <= 3
    assert value(fams, "dispatch_forum_breaches_total", target="reply", priority="P3") == 1
    assert value(fams, "dispatch_triage_confidence_ratio_bucket", le="+Inf") == value(
        fams, "dispatch_triage_confidence_ratio_count")
    both = set(families(own)) | set(families(cluster))
    unanswered = {q: names - both for q, names in OPERATOR_QUESTIONS.items() if names - both}
    assert not unanswered, unanswered

    # every series the Grafana dashboard asks for exists
    board = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text(encoding="utf-8"))
    wanted = {m for p in board["panels"] for t in p["targets"]
              for m in re.findall(r"\b((?:dispatch|process)_[a-z_]+)", t["expr"])}
    known = {name for text in (cluster, own) for fam in families(text).values()
             for name, _, _ in fam} | {f for text in (cluster, own) for f in families(text)}
    missing = {m for m in wanted
               if m not in known and re.sub(r"_(total|bucket|count|sum)$", "", m) not in known}
    assert not missing, missing


def test_per_process_counters_add_up_across_processes(stack: tuple[Service, str]) -> None:
    svc, second = stack
    with httpx.Client(headers=svc.headers()) as client:
        for base, n in ((svc.base, 3), (second, 5)):
            for _ in range(n):
                assert client.get(f"{base}/v1/precincts").status_code == 200
        a, b = (families(client.get(f"{base}/metrics").text) for base in (svc.base, second))
    route = {"route": "/v1/precincts", "method": "GET", "status": "200"}
    first, other = (value(f, "dispatch_http_requests_total", **route) for f in (a, b))
    assert (first, other) == (3, 5)  # each process counts its own: sum() = 8
    assert value(a, "dispatch_http_request_duration_seconds_count", route="/v1/precincts") == 3
    # a path with an id is counted by its template, not one series per id
    httpx.get(f"{svc.base}/v1/incidents/20990101-NOPE0000", headers=svc.headers())
    fams = families(httpx.get(f"{svc.base}/metrics").text)
    assert value(fams, "dispatch_http_requests_total", route="/v1/incidents/{incident_id}",
                 status="404") == 1
