"""The forum channel on a real Redis and a real server: posts as reports, reply and
completion targets, the moderators' endpoints, escalations and the annual figures."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from dispatch.adapters.redis_keys import Keys
from dispatch.adapters.redis_store import RedisStore
from dispatch.clock import VirtualClock
from dispatch.domain.events import parse_iso
from dispatch.workflows.forum.reactor import ForumDeadlines
from tests.integration.conftest import Console
from tests.integration.webhook import ENV, shared_world
from tests.support import Service, wait_until

CONSULT = "请问身份证丢了怎么补办，需要带什么材料"
CRISIS = "心理抑郁,看不到希望，不想活了"
FRAUD = "有人在网上骗了我两千块钱，刚刚转的账"


@pytest.fixture(scope="module")
def svc(request: pytest.FixtureRequest) -> Service:
    return shared_world(request).service


def new_post(svc: Service, text: str, **forum: Any) -> tuple[str, str]:
    """Post a forum report; returns (post_id, incident_id) once the post is open."""
    post_id = forum.pop("post_id", f"t-{uuid.uuid4().hex[:12]}")
    r = svc.post_report({"channel": "forum", "text": text,
                         "forum": {"post_id": post_id, "author": "网友甲", **forum}})
    assert r.status_code == 202, r.text
    wait_until(lambda: svc.get(f"/v1/forum/posts/{post_id}").status_code == 200, 10,
               what=f"forum post {post_id} to open")
    return post_id, str(r.json()["id"])


def reply(svc: Service, post_id: str, text: str = "您好，已收到，正在核实处理。",
          role: str = "call_taker", **kw: Any) -> Any:
    return svc.post(f"/v1/forum/posts/{post_id}/replies", {"text": text}, role=role, **kw)


def test_a_post_is_a_report_and_reposting_it_changes_nothing(svc: Service) -> None:
    post_id = f"dup-{uuid.uuid4().hex[:8]}"
    post = {"channel": "forum", "text": CONSULT, "forum": {"post_id": post_id, "author": "网友乙"}}
    first = svc.post_report(post)
    again = svc.post_report(post)
    assert first.status_code == 202 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    # The platform sending another text under the same post id is refused, not swallowed.
    edited = svc.post_report({**post, "text": CONSULT + "（重发）"})
    assert edited.status_code == 409 and edited.json()["incident_id"] == first.json()["id"]
    wait_until(lambda: svc.get(f"/v1/forum/posts/{post_id}").status_code == 200, 10,
               what="the post to open")
    incident = svc.incident(first.json()["id"])
    assert incident["channel"] == "forum" and incident["text"] == CONSULT
    assert [e["payload"]["stage"] for e in incident["timeline"]
            if e["type"] == "incident.forum"] == ["opened"]


@pytest.mark.parametrize("body", [
    {"channel": "call", "text": CONSULT, "forum": {"post_id": "p1"}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "bad id with spaces"}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "p2", "thread_url": "javascript:alert(1)"}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "p3", "activity": [
        {"lat": 95, "lon": 120.5, "at": "2026-11-26T10:00:00+08:00"}]}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "p4", "activity": [
        {"lat": 31.8, "lon": 120.5, "at": "2026-11-26T10:00:00"}]}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "p5", "activity": [
        {"lat": 31.8, "lon": 120.5, "at": "2026-11-26T10:00:00Z"}] * 201}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "p6", "location": {
        "lat": 40.6, "lon": 190}}},
    {"channel": "forum", "text": CONSULT, "forum": {"post_id": "p7", "activity": [
        {"lat": 31.8, "lon": 120.5, "at": "2026-11-26T10:00:00Z", "speed": 3}]}},
])
def test_bad_forum_fields_are_refused(svc: Service, body: dict[str, Any]) -> None:
    r = svc.post_report(body)
    assert r.status_code == 422, r.text
    assert r.json()["message"]


def test_reply_complete_rate_and_bad_requests(svc: Service) -> None:
    post_id, incident_id = new_post(svc, CONSULT)
    assert reply(svc, "no-such-post").status_code == 404
    assert reply(svc, post_id, "字" * 2001).status_code == 422
    assert reply(svc, post_id, "   ").status_code == 422
    assert reply(svc, post_id, role="precinct", precinct="150203001").status_code == 403
    assert svc.post(f"/v1/forum/posts/{post_id}/complete", {}).status_code == 409
    rate = {"satisfaction": "satisfied"}
    assert svc.post(f"/v1/forum/posts/{post_id}/rating", rate, role="call_taker").status_code == 409
    answered = reply(svc, post_id, "字" * 2000)
    assert answered.status_code == 201, answered.text
    body = answered.json()
    assert body["status"] == "replied" and len(body["replies"]) == 1
    assert body["replies"][0]["by"] == "call_taker:test-call_taker"
    assert body["incident"]["id"] == incident_id and body["incident"]["category"] == "consultation"
    done = svc.post(f"/v1/forum/posts/{post_id}/complete", {"summary": "已告知补办流程"},
                    role="call_taker")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    late = reply(svc, post_id)
    assert late.status_code == 409 and "completed" in late.json()["message"]
    assert svc.post(f"/v1/forum/posts/{post_id}/complete", {}).status_code == 409
    assert svc.post(f"/v1/forum/posts/{post_id}/rating", {"satisfaction": "meh"},
                    role="call_taker").status_code == 422
    rated = svc.post(f"/v1/forum/posts/{post_id}/rating", {**rate, "comment": "很及时"},
                     role="call_taker")
    assert rated.status_code == 200 and rated.json()["rating"] == "satisfied"
    assert svc.post(f"/v1/forum/posts/{post_id}/rating", rate,
                    role="call_taker").status_code == 409
    stages = [e["payload"]["stage"] for e in svc.incident(incident_id)["timeline"]
              if e["type"] == "incident.forum"]
    assert stages[0] == "opened" and stages[-3:] == ["replied", "completed", "rated"]
    assert post_id not in [p["post_id"] for p in svc.get("/v1/forum/posts").json()["items"]]


def test_targets_follow_triage_and_the_list_is_ordered_by_due(svc: Service) -> None:
    crisis, crisis_incident = new_post(svc, CRISIS)
    fraud, _ = new_post(svc, FRAUD)
    consult, _ = new_post(svc, CONSULT)
    posts = {p["post_id"]: p for p in svc.get("/v1/forum/posts", params={"limit": 500}).json()["items"]}
    for post_id, target_s in ((crisis, 300), (fraud, 1800), (consult, float(ENV["FORUM_REPLY_S"]))):
        p = posts[post_id]
        due = parse_iso(p["reply_due_at"]) - parse_iso(p["received_at"])
        assert due.total_seconds() == target_s, (post_id, p["priority"])
        assert (parse_iso(p["complete_due_at"]) - parse_iso(p["received_at"])) == timedelta(days=3)
    assert posts[crisis]["category"] == "self_harm" and posts[crisis]["priority"] == "P1"
    assert posts[crisis]["incident"]["cues"], "the cues that decided the triage are listed"
    dues = [p["next_due_at"] for p in svc.get("/v1/forum/posts", params={"limit": 500}).json()["items"]]
    assert dues == sorted(dues)
    opened = next(e["payload"] for e in svc.incident(crisis_incident)["timeline"]
                  if e["type"] == "incident.forum")
    assert opened["urgency"] == "p1" and opened["reply_target_s"] == 300
    assert svc.get("/v1/forum/posts", role="precinct", precinct="150203001").status_code == 403
    assert svc.get("/v1/forum/posts", params={"status": "nonsense"}).status_code == 422


async def test_missed_reply_target_escalates_on_the_command_feed(svc: Service) -> None:
    console = await Console.open(svc.ws_url("command"))
    await console.next()
    post_id, incident_id = new_post(svc, CONSULT)
    message = await console.wait_for(lambda m: m.get("incident_id") == incident_id
                                     and m["type"] == "incident.forum"
                                     and m["payload"]["stage"] == "reply_overdue", timeout=6)
    await console.close()
    assert message["payload"]["escalated_to"] == "command" and message["payload"]["post_id"] == post_id
    late = reply(svc, post_id)
    assert late.status_code == 201
    assert late.json()["escalations"] == ["reply"]
    replied = [e["payload"] for e in svc.incident(incident_id)["timeline"]
               if e["type"] == "incident.forum" and e["payload"]["stage"] == "replied"]
    assert replied[0]["on_time"] is False


def test_completion_target_escalates_once_under_a_virtual_clock(svc: Service) -> None:
    post_id, incident_id = new_post(svc, CRISIS)
    assert reply(svc, post_id).status_code == 201
    post = svc.get(f"/v1/forum/posts/{post_id}").json()
    client = redis.Redis.from_url(svc.env["REDIS_URL"], decode_responses=True)
    store = RedisStore(client, Keys(svc.env["REDIS_NAMESPACE"]))
    key = f"forum_complete|{post_id}"
    three_days = VirtualClock(parse_iso(post["complete_due_at"]) + timedelta(seconds=30))
    for _ in range(2):  # two schedulers racing: one escalation
        ForumDeadlines(store, three_days).complete(key, post_id)
    client.close()
    overdue = [e["payload"] for e in svc.incident(incident_id)["timeline"]
               if e["type"] == "incident.forum" and e["payload"]["stage"] == "complete_overdue"]
    assert len(overdue) == 1 and overdue[0]["overdue_s"] == pytest.approx(30, abs=0.01)
    assert svc.get(f"/v1/forum/posts/{post_id}").json()["escalations"] == ["complete"]


def test_stats_state_the_annual_report_figures(svc: Service) -> None:
    start = datetime.now(UTC) - timedelta(milliseconds=1)
    posts = [new_post(svc, CONSULT)[0] for _ in range(3)]
    for post_id, verdict in zip(posts[:2], ("satisfied", "dissatisfied"), strict=True):
        assert reply(svc, post_id).status_code == 201
        assert svc.post(f"/v1/forum/posts/{post_id}/complete", {}).status_code == 200
        assert svc.post(f"/v1/forum/posts/{post_id}/rating", {"satisfaction": verdict},
                        role="call_taker").status_code == 200
    end = datetime.now(UTC) + timedelta(seconds=1)
    r = svc.get("/v1/forum/stats", params={"from": start.isoformat(), "to": end.isoformat()},
                role="analyst")
    assert r.status_code == 200, r.text
    figures = r.json()
    records = [svc.get(f"/v1/forum/posts/{p}").json() for p in posts]
    on_time = sum(1 for p in records if p["first_reply_at"] and p["first_reply_at"] <= p["reply_due_at"])
    assert figures["posts"] == 3 and figures["replied"] == 2
    assert figures["reply_rate"] == round(2 / 3, 4) and figures["completion_rate"] == round(2 / 3, 4)
    assert figures["on_time_reply_rate"] == round(on_time / 3, 4)
    assert figures["rated"] == 2 and figures["satisfaction"] == 0.5
    assert figures["median_first_reply_s"] > 0
    empty = svc.get("/v1/forum/stats", params={"from": (start - timedelta(days=400)).isoformat(),
                                               "to": (start - timedelta(days=399)).isoformat()})
    assert empty.json()["posts"] == 0 and empty.json()["reply_rate"] is None
    assert svc.get("/v1/forum/stats", params={"from": end.isoformat(),
                                              "to": start.isoformat()}).status_code == 422
    assert svc.get("/v1/forum/stats", params={"from": "2026-11-26T10:00:00"}).status_code == 422
    assert svc.get("/v1/forum/stats", role="precinct", precinct="150203001").status_code == 403


def test_moderator_console_page_is_served(svc: Service) -> None:
    page = svc.http.get(f"{svc.base}/console/forum")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'lang="zh-CN"' in page.text and "/console/static/console/forum.js" in page.text
    script = svc.http.get(f"{svc.base}/console/static/console/forum.js")
    assert script.status_code == 200 and "innerHTML" not in script.text
