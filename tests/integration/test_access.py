"""Need to know, on a running service: every cell of the access table (``dispatch.access``,
printed in docs/api.md) is tried, with the field table on a real incident and case, the
audit trail of personal-data reads, and tokens (one shift at most, a precinct that
exists, revocation over HTTP and on the feed).

The walk is generated from ``access.RULES``, the same data docs/api.md prints, so a
row added to the table is walked without touching this file; a route of the app that
is missing from the table fails :func:`test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

import geo
from dispatch import access
from dispatch import settings as settings_mod
from dispatch.access import Access, Field, Relation, Shown, Subject
from dispatch.adapters import replies
from dispatch.app import create_app
from dispatch.auth import ALGORITHM, ISSUER, Principal, Role, issue
from tests.support import RedisServer, Service, fresh_point, seconds, wait_until

NS = "access"
PHONE, NAME = "13912348765", "张三丰"
REPORTER_PHONE, REPORTER_NAME = "13612345678", "李秀英"
LAST_SEEN = (40.6575, 109.8403)  # 昆都仑区 沼潭街道 (as tests/integration/test_missing_story.py)
SIGHTING = (LAST_SEEN[0] + 1200 / 111_320, LAST_SEEN[1])  # 1.2 km north: the next precinct
PASSER_BY = "阿尔丁大街上有个老大爷在马路中间走来走去，穿灰色夹克，七十多岁，看着糊里糊涂的，好像迷路了"


@pytest.fixture(scope="module")
def svc(redis_server: RedisServer) -> Iterator[Service]:
    service = Service(redis_server.url, namespace=NS).start_all()
    r = redis_server.client()
    wait_until(lambda: any(g["name"] == "reactor:missing" for g in r.xinfo_groups(f"{NS}:events")),
               20, what="the missing-person reactor to join the events stream")
    yield service
    service.stop()


def precinct_at(lat: float, lon: float) -> str:
    placed = geo.locate("", device=geo.DevicePoint(lat=lat, lon=lon, crs="wgs84", accuracy_m=20))
    assert placed.precinct
    return placed.precinct


def token(svc: Service, role: Role, precinct: str | None = None, name: str | None = None,
          ttl: timedelta = timedelta(hours=1)) -> str:
    return issue(svc.env["DISPATCH_SECRET"], role, precinct=precinct,
                 name=name or f"access-{role.value}", ttl=ttl)


def call(svc: Service, method: str, path: str, tok: str | None, body: Any = None,
         params: dict[str, str] | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {tok}"} if tok else {}
    return svc.http.request(method, f"{svc.base}{path}", headers=headers, params=params,
                            json=body if method in ("POST", "PATCH") else None)


def unit_of(svc: Service, precinct: str, available: bool = True) -> dict[str, Any]:
    items = svc.get("/v1/units", params={"precinct": precinct}).json()["items"]
    return next(u for u in items if (u["status"] == "available") == available)


def audit(redis_server: RedisServer, count: int = 2000) -> list[dict[str, Any]]:
    client = redis_server.client()
    return [{**f, "data": json.loads(f.get("data") or "{}")}
            for _, f in replies.entries(client.xrevrange(f"{NS}:audit", count=count))]


@dataclass
class World:
    """The subjects of the walk and the precincts that stand in each relation to them."""

    incident: dict[str, Any]  # assigned to own; a unit of asked was sent by command
    own: str
    asked: str
    other: str
    own_unit: dict[str, Any]
    asked_unit: dict[str, Any]  # dispatched to the incident
    other_unit: dict[str, Any]
    case: dict[str, Any]
    case_own: str  # last seen there
    case_verifier: str  # sent to verify the sighting: works the case too
    case_asked: str  # alerted by the circle only
    case_other: str
    sighting: str  # the sighting report's incident id
    note: dict[str, Any]


@pytest.fixture(scope="module")
def world(svc: Service) -> World:
    # An earlier call from the same number: the incident gets a caller-history finding.
    earlier = svc.post_report({"channel": "call", "text": "楼下有人吵架，声音很大",
                               "caller": {"phone": PHONE}, "location": fresh_point()})
    assert earlier.status_code == 202, earlier.text
    svc.wait_status(earlier.json()["id"], "assigned", "triaged")
    r = svc.post_report({"channel": "call", "text": "有人在街上打架，有人受伤流血了",
                         "caller": {"phone": PHONE, "name": NAME}, "location": fresh_point()})
    assert r.status_code == 202, r.text
    incident = svc.wait_status(r.json()["id"], "assigned")
    own = incident["precinct"]
    assert any(e["type"] == "incident.synthesized" and any(
        f.get("private") for f in e["payload"].get("findings", [])) for e in incident["timeline"])
    others = [p.id for p in geo.precincts() if p.id != own]
    asked, other = others[0], others[-1]
    asked_unit = unit_of(svc, asked)
    sent = svc.post(f"/v1/incidents/{incident['id']}/units", {"unit_id": asked_unit["id"]})
    assert sent.status_code == 200, sent.text

    at = (datetime.now(UTC) - timedelta(minutes=40)).isoformat()
    opened = svc.post("/v1/missing", {
        "person": {"gender": "male", "age": 78, "height_cm": 170, "clothing": ["灰色夹克"],
                   "conditions": ["dementia"]},
        "last_seen": {"at": at, "location": {"lat": LAST_SEEN[0], "lon": LAST_SEEN[1]}},
        "reporter": {"name": REPORTER_NAME, "phone": REPORTER_PHONE, "relation": "女儿"}},
        role="call_taker")
    assert opened.status_code == 201, opened.text
    case = opened.json()
    case_own = precinct_at(*LAST_SEEN)
    seen = svc.post_report({"channel": "call", "text": PASSER_BY, "location": {
        "lat": SIGHTING[0], "lon": SIGHTING[1], "accuracy_m": 15}})
    assert seen.status_code == 202, seen.text
    linked = wait_until(lambda: svc.get(f"/v1/missing/{case['id']}").json()["sightings"], 10,
                        what="the sighting to be linked")
    verifier = linked[0]["precinct"]
    assert verifier and verifier != case_own
    notified = set(svc.get(f"/v1/missing/{case['id']}").json()["area"]["precincts"])
    case_asked = min(notified - {case_own, verifier})
    case_other = next(p.id for p in geo.precincts()
                      if p.id not in notified | {case_own, verifier})

    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    point = incident["location"]
    note = svc.post("/v1/synthesis/notes", {"lat": point["lat"], "lon": point["lon"],
                                            "kind": "dog", "text": "院内有恶犬",
                                            "expires_at": expires, "precinct": own})
    assert note.status_code == 201, note.text
    return World(incident=incident, own=own, asked=asked, other=other,
                 own_unit=unit_of(svc, own), asked_unit=asked_unit,
                 other_unit=unit_of(svc, other), case=case, case_own=case_own,
                 case_verifier=verifier, case_asked=case_asked, case_other=case_other, sighting=linked[0]["incident_id"],
                 note=note.json())


# -- the requests of the walk ------------------------------------------------------------

def precinct_for(w: World, rule: access.Rule, relation: Relation | None) -> str | None:
    """The precinct a precinct token needs to stand in ``relation`` to the rule's subject."""
    if relation is None:
        return w.own
    if rule.subject is Subject.case:
        return {Relation.own: w.case_own, Relation.asked: w.case_asked,
                Relation.other: w.case_other}[relation]
    if rule.subject is Subject.sighting:
        return {Relation.own: w.case_verifier, Relation.other: w.case_other}[relation]
    return {Relation.own: w.own, Relation.asked: w.asked, Relation.other: w.other}[relation]


def request_for(w: World, rule: access.Rule, who: Principal) -> tuple[str, dict[str, Any] | None,
                                                                     dict[str, str] | None]:
    """(path, body, params) of one cell. Bodies are schema-valid where a precinct's
    relation is decided inside the handler, and harmless (a 4xx on the merits) where a
    role may do it: the walk must not move the subjects out of their relations."""
    inc, case, note = w.incident["id"], w.case["id"], w.note["id"]
    point = w.incident["location"]
    later = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    paths = {"{incident_id}": w.sighting if rule.subject is Subject.sighting else inc,
             "{unit_id}": w.own_unit["id"],
             "{case_id}": case, "{note_id}": note, "{name}": "no_such_target",
             "{post_id}": "no-such-post", "{handoff_id}": "HX-no-such", "{sim_id}": "sim-" + "0" * 32}
    path = rule.path
    for key, value in paths.items():
        path = path.replace(key, value)
    if rule.path == "/v1/simulations/{sim_id}/report/{name}":
        path = f"/v1/simulations/sim-{'0' * 32}/report/index.html"
    bodies: dict[tuple[str, str], Any] = {
        ("POST", "/v1/reports"): {"channel": "call"},
        ("POST", "/v1/incidents/{incident_id}/status"): {"status": "received"},
        ("POST", "/v1/incidents/{incident_id}/answer-on-spot"): {"answer": "已答复"},
        ("POST", "/v1/incidents/{incident_id}/triage"): {"category": "nope", "priority": "P2",
                                                        "flags": [], "reason": "x"},
        ("POST", "/v1/incidents/{incident_id}/answers"): {"answers": {"no_such_question": "yes"}},
        ("POST", "/v1/incidents/{incident_id}/merge"): {"into": "20000101-NOPE0000", "reason": "x"},
        ("POST", "/v1/incidents/{incident_id}/callback"): {"satisfaction": "satisfied",
                                                           "comment": "回访"},
        ("POST", "/v1/incidents/{incident_id}/reassign"): {"precinct": "nope", "reason": "x"},
        ("POST", "/v1/incidents/{incident_id}/location"): {"candidate": "nope"},
        ("POST", "/v1/triage/preview"): {"text": "有人吵架", "channel": "call"},
        ("POST", "/v1/units/{unit_id}/position"): {"lat": 40.6, "lon": 109.8},
        ("POST", "/v1/units/{unit_id}/status"): {"status": "nope"},
        ("POST", "/v1/missing"): {},
        ("POST", "/v1/missing/{case_id}/risk"): {"grade": "nope", "reason": "x"},
        ("POST", "/v1/missing/{case_id}/close"): {"outcome": "returned"},
        ("POST", "/v1/missing/{case_id}/sightings/{incident_id}/confirm"): {"note": "核实"},
        ("POST", "/v1/missing/{case_id}/sightings/{incident_id}/dismiss"): {"note": "核实"},
        ("POST", "/v1/synthesis/preview"): {"text": ""},
        ("POST", "/v1/synthesis/notes"): {"lat": point["lat"], "lon": point["lon"],
                                          "kind": "dog", "text": "院内有恶犬", "expires_at": later},
        ("PATCH", "/v1/synthesis/notes/{note_id}"): {"text": "院内有两条恶犬"},
        ("POST", "/v1/synthesis/watchlist"): {"entries": []},
        ("POST", "/v1/forum/posts/{post_id}/replies"): {"text": "您好"},
        ("POST", "/v1/forum/posts/{post_id}/rating"): {"satisfaction": "satisfied"},
        ("POST", "/v1/handoffs/{handoff_id}/phoned"): {"contact": "值班员"},
        ("POST", "/v1/simulations"): {"hours": -1},
        ("POST", "/v1/tokens/revoke"): {},
    }
    body = bodies.get((rule.method, rule.path), {} if rule.method in ("POST", "PATCH") else None)
    if rule.key[:2] == ("POST", "/v1/incidents/{incident_id}/units"):
        # own precinct: its own unit; the variant: the other precinct's unit (already
        # on its way here, so the command centre's allowed cell is a 409, not a move).
        body = {"unit_id": w.asked_unit["id"] if rule.variant else w.own_unit["id"]}
    params = None
    if rule.path == "/v1/incidents/search":
        params = {"q": inc}
    return path, body, params


def listed(w: World, rule: access.Rule, answer: httpx.Response) -> set[str]:
    items = answer.json()["items"]
    return {str(i.get("id")) for i in items}


def subject_id(w: World, rule: access.Rule) -> str:
    return {Subject.incident: str(w.incident["id"]), Subject.case: str(w.case["id"]),
            Subject.precinct: str(w.note["id"]), Subject.unit: ""}[rule.subject]


def walk_cells() -> list[tuple[access.Rule, Role, Relation | None, Access]]:
    out = []
    for rule in access.RULES:
        if rule.public or rule.method == "WS":
            continue
        cells = access.cells(rule)
        # Precincts first (other, asked, own), then the roles that may change the subject.
        order = [c for c in cells if c[0] is Role.precinct][::-1] + \
            [c for c in cells if c[0] is not Role.precinct]
        out += [(rule, role, rel, answer) for role, rel, answer in order if answer is not None]
    return out


def test_every_cell_of_the_http_table(svc: Service, world: World) -> None:
    tried = refused = 0
    for rule, role, relation, expected in walk_cells():
        precinct = precinct_for(world, rule, relation) if role is Role.precinct else None
        who = Principal(role, f"access-{role.value}", precinct)
        path, body, params = request_for(world, rule, who)
        r = call(svc, rule.method, path, token(svc, role, precinct), body, params)
        where = f"{rule.method} {rule.path} {rule.variant} as {role.value} {relation}: " \
                f"{r.status_code} {r.text[:200]}"
        tried += 1
        assert r.status_code != 401, where
        assert r.status_code < 500, where
        if expected is Access.no:
            refused += 1
            assert r.status_code == 403, where
            assert r.json()["detail"] and r.json()["message"], where
        else:
            assert r.status_code != 403, where
        if expected is Access.omitted:
            assert r.status_code == 200, where
            if rule.subject is Subject.unit:
                assert {u["precinct"] for u in r.json()["items"]} == {precinct}, where
            else:
                assert subject_id(world, rule) not in listed(world, rule, r), where
        elif expected is Access.yes and rule.method == "GET" and rule.subject in (
                Subject.incident, Subject.case) and "{" not in rule.path:
            assert r.status_code == 200, where
            assert subject_id(world, rule) in listed(world, rule, r), where
    assert tried > 350 and refused > 150, (tried, refused)  # 396 and 181 today


@pytest.mark.parametrize("path", ["/v1/incidents", "/v1/incidents/search", "/v1/units",
                                  "/v1/synthesis/notes", "/v1/synthesis/series"])
def test_naming_another_precinct_in_a_list_filter_is_403(svc: Service, world: World,
                                                         path: str) -> None:
    params = {"precinct": world.own, **({"q": "打架"} if "search" in path else {})}
    r = call(svc, "GET", path, token(svc, Role.precinct, world.other), params=params)
    assert r.status_code == 403, r.text
    assert r.json()["detail"] and r.json()["message"]
    mine = call(svc, "GET", path, token(svc, Role.precinct, world.own), params=params)
    assert mine.status_code == 200, mine.text


def test_the_public_endpoints_take_no_token(svc: Service) -> None:
    for rule in access.RULES:
        if rule.public:
            path = rule.path.replace("{relative:path}", "console/console.css")
            r = svc.http.get(f"{svc.base}{path}", follow_redirects=False)
            assert r.status_code not in (401, 403) and r.status_code < 500 or \
                r.status_code == 503 and path in ("/docs", "/redoc"), (path, r.status_code)


def test_every_route_is_in_the_table(tmp_path: Any) -> None:
    cfg = settings_mod.load({"DISPATCH_VAR": str(tmp_path), "DISPATCH_SECRET": "x" * 32})
    seen = set()

    def walk(routes: Any) -> None:
        for route in routes:
            if hasattr(route, "original_router"):
                walk(route.original_router.routes)
            elif hasattr(route, "path"):
                for method in getattr(route, "methods", None) or {"WS"}:
                    if method != "HEAD":
                        seen.add((method, route.path))

    walk(create_app(cfg).routes)
    table = {(r.method, r.path) for r in access.RULES}
    assert seen - table == set(), "routes missing from the access table"
    assert table - seen == set(), "rules for routes that do not exist"


# -- the feeds ---------------------------------------------------------------------------

async def feed_answer(url: str) -> int | str:
    """``hello`` if the feed opens, else the close code."""
    async with connect(url, open_timeout=seconds(10)) as ws:
        try:
            first = json.loads(await asyncio.wait_for(ws.recv(), seconds(5)))
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else 1006
        return str(first["type"])


async def test_every_cell_of_the_feed_rows(svc: Service, world: World) -> None:
    feed = access.rule_for("WS", "/v1/consoles/{feed}/ws")
    assert feed is not None
    for role, relation, expected in access.cells(feed):
        if expected is None:
            continue
        precinct = (world.own if relation is Relation.own else world.other) \
            if role is Role.precinct else None
        url = f"{svc.ws_base}/v1/consoles/{world.own}/ws?token={token(svc, role, precinct)}"
        got = await feed_answer(url)
        assert got == ("hello" if expected is Access.yes else 4403), (role, relation, got)
    # The command feed is the command centre's: any precinct token gets 4403.
    precinct_tok = token(svc, Role.precinct, world.own)
    assert await feed_answer(f"{svc.ws_base}/v1/consoles/command/ws?token={precinct_tok}") == 4403
    sta = access.rule_for("WS", "/v1/sta024/ws")
    assert sta is not None
    for role, _relation, expected in access.cells(sta):
        precinct = world.own if role is Role.precinct else None
        url = f"{svc.ws_base}/v1/sta024/ws?token={token(svc, role, precinct)}"
        answer: int | str
        async with connect(url, open_timeout=seconds(10)) as ws:
            try:
                await ws.send(json.dumps({"ping": {"requestId": "r1"}}))
                answer = next(iter(json.loads(await asyncio.wait_for(ws.recv(), seconds(5)))))
            except ConnectionClosed as closed:
                answer = closed.rcvd.code if closed.rcvd else 1006
        assert answer == ("response" if expected is Access.yes else 4403), (role, answer)


# -- the fields --------------------------------------------------------------------------

def field_readers(world: World, subject: Subject) -> list[tuple[Role, Relation | None, str | None]]:
    out: list[tuple[Role, Relation | None, str | None]] = []
    for role, relation in access.COLUMNS:
        if role is not Role.precinct or relation is None:
            out.append((role, None, None))
        elif subject is Subject.incident:
            out.append((role, relation, {Relation.own: world.own, Relation.asked: world.asked,
                                         Relation.other: world.other}[relation]))
        else:
            out.append((role, relation, {Relation.own: world.case_own,
                                         Relation.asked: world.case_asked,
                                         Relation.other: world.case_other}[relation]))
    return out


def test_every_cell_of_the_field_table_on_an_incident(svc: Service, world: World,
                                                      redis_server: RedisServer) -> None:
    inc = world.incident["id"]
    for role, relation, precinct in field_readers(world, Subject.incident):
        who = Principal(role, f"access-{role.value}", precinct)
        name = f"fields-{role.value}-{relation.value if relation else 'any'}"
        r = call(svc, "GET", f"/v1/incidents/{inc}", token(svc, role, precinct, name=name))
        if relation is Relation.other:
            assert r.status_code == 403, r.text  # no read at all: nothing to show
            continue
        assert r.status_code == 200, (role, relation, r.text)
        body = r.json()
        phones = access.shown(who, Field.phones, relation)
        names = access.shown(who, Field.names, relation)
        history = access.shown(who, Field.caller_history, relation)
        assert body["caller"]["phone"] == (PHONE if phones is Shown.yes else "139****8765"), role
        assert body.get("caller_phone_hidden", False) is (phones is not Shown.yes)
        assert PHONE not in json.dumps(body) or phones is Shown.yes
        assert body["caller"]["name"] == (NAME if names is Shown.yes else "张**"), role
        [synth] = [e for e in body["timeline"] if e["type"] == "incident.synthesized"]
        private = [f for f in synth["payload"]["findings"] if f.get("private")]
        assert private and all(f.get("redacted", False) is (history is Shown.redacted)
                               for f in private), (role, relation)
        trail = [a for a in audit(redis_server) if a["subject"] == f"incident:{inc}"
                 and a["actor"].endswith(name)]
        actions = {a["action"] for a in trail}
        assert ("personal_data.read" in actions) is (phones is Shown.yes), (role, relation, actions)
        assert ("caller_history.read" in actions) is (history is Shown.yes), (role, relation)
        if phones is Shown.yes:
            entry = next(a for a in trail if a["action"] == "personal_data.read")
            assert entry["data"]["fields"] == ["phones", "names"]
            assert entry["data"]["route"] == "GET /v1/incidents/{incident_id}"


def test_every_cell_of_the_field_table_on_a_case(svc: Service, world: World,
                                                 redis_server: RedisServer) -> None:
    case = world.case["id"]
    for role, relation, precinct in field_readers(world, Subject.case):
        who = Principal(role, f"access-{role.value}", precinct)
        name = f"casefields-{role.value}-{relation.value if relation else 'any'}"
        r = call(svc, "GET", f"/v1/missing/{case}", token(svc, role, precinct, name=name))
        if relation is Relation.other:
            assert r.status_code == 403, r.text
            continue
        assert r.status_code == 200, (role, relation, r.text)
        reporter = r.json()["reporter"]
        shown = access.shown(who, Field.phones, relation) is Shown.yes
        assert reporter["phone"] == (REPORTER_PHONE if shown else "136****5678"), (role, relation)
        named = access.shown(who, Field.names, relation) is Shown.yes
        assert reporter["name"] == (REPORTER_NAME if named else "李**"), (role, relation)
        trail = [a for a in audit(redis_server) if a["subject"] == f"case:{case}"
                 and a["actor"].endswith(name)]
        assert bool(trail) is shown, (role, relation, trail)
    # The precinct sent to verify a sighting works the case: it calls the family.
    r = call(svc, "GET", f"/v1/missing/{case}", token(svc, Role.precinct, world.case_verifier))
    assert r.status_code == 200 and r.json()["reporter"]["phone"] == REPORTER_PHONE, r.text


def test_lists_and_search_mask_and_audit_as_the_detail_does(svc: Service, world: World,
                                                           redis_server: RedisServer) -> None:
    inc = world.incident["id"]
    asked = token(svc, Role.precinct, world.asked, name="list-asked")
    items = call(svc, "GET", "/v1/incidents", asked).json()["items"]
    mine = next(i for i in items if i["id"] == inc)
    assert mine["caller"]["phone"] == "139****8765" and mine["caller_phone_hidden"] is True
    assert all(i["precinct"] == world.asked or i["id"] == inc for i in items)
    own = token(svc, Role.precinct, world.own, name="list-own")
    found = call(svc, "GET", "/v1/incidents/search", own, params={"q": PHONE[-4:]}).json()
    assert inc in {i["id"] for i in found["items"]}
    # The asked precinct does not see the number, so it cannot find the incident by it.
    assert inc not in {i["id"] for i in call(svc, "GET", "/v1/incidents/search", asked,
                                             params={"q": PHONE[-4:]}).json()["items"]}
    trail = [a for a in audit(redis_server) if a["subject"] == f"incident:{inc}"]
    assert any(a["actor"].endswith("list-own") and a["data"]["route"] ==
               "GET /v1/incidents/search" for a in trail)
    assert not any(a["actor"].endswith("list-asked") and a["action"] == "personal_data.read"
                   for a in trail)


def test_a_precinct_is_offered_only_its_own_units(svc: Service, world: World) -> None:
    r = call(svc, "GET", f"/v1/incidents/{world.incident['id']}/recommendations",
             token(svc, Role.precinct, world.own))
    assert r.status_code == 200, r.text
    assert {u["precinct"] for u in r.json()["items"]} <= {world.own}
    everyone = svc.get(f"/v1/incidents/{world.incident['id']}/recommendations").json()["items"]
    assert len({u["precinct"] for u in everyone}) > 1  # the command centre sees neighbours


# -- tokens ------------------------------------------------------------------------------

def forged(svc: Service, **claims: Any) -> str:
    now = int(datetime.now(UTC).timestamp())
    base = {"iss": ISSUER, "sub": "forged", "role": "precinct", "iat": now, "exp": now + 3600,
            "jti": "f" * 32}
    return jwt.encode({**base, **claims}, svc.env["DISPATCH_SECRET"], algorithm=ALGORITHM)


def test_a_token_lives_one_shift_at_most(svc: Service) -> None:
    shift = token(svc, Role.command, ttl=timedelta(hours=12))
    assert call(svc, "GET", "/v1/precincts", shift).status_code == 200
    for ttl in (timedelta(hours=12, minutes=1), timedelta(days=36500)):
        r = call(svc, "GET", "/v1/precincts", token(svc, Role.command, ttl=ttl))
        assert r.status_code == 401, r.text
        assert "one shift" in r.json()["message"] and r.json()["detail"]


async def test_a_precinct_claim_must_name_an_existing_precinct(svc: Service, world: World) -> None:
    for name in ("command", "999999999"):
        tok = forged(svc, precinct=name)
        r = call(svc, "GET", "/v1/incidents", tok)
        assert r.status_code == 401 and "does not exist" in r.json()["message"], r.text
        got = await feed_answer(f"{svc.ws_base}/v1/consoles/{name if name == 'command' else world.own}"
                                f"/ws?token={tok}")
        assert got == 4401
    assert call(svc, "GET", "/v1/incidents", forged(svc, role="command", precinct=world.own)
                ).status_code == 401
    assert call(svc, "GET", "/v1/incidents", forged(svc, precinct=world.own)).status_code == 200


async def test_a_revoked_token_is_refused_over_http_and_on_the_feed(svc: Service,
                                                                   world: World,
                                                                   redis_server: RedisServer) -> None:
    victim = token(svc, Role.precinct, world.own, name="lost-device")
    spare = token(svc, Role.precinct, world.own, name="colleague")
    jti = jwt.decode(victim, options={"verify_signature": False})["jti"]
    assert call(svc, "GET", "/v1/incidents", victim).status_code == 200
    feed = f"{svc.ws_base}/v1/consoles/{world.own}/ws?token="
    assert await feed_answer(feed + victim) == "hello"
    for role in (Role.call_taker, Role.analyst):
        assert call(svc, "POST", "/v1/tokens/revoke", token(svc, role), {"jti": jti}
                    ).status_code == 403
    r = call(svc, "POST", "/v1/tokens/revoke", victim, {"jti": jti})
    assert r.status_code == 403  # a precinct cannot revoke, not even its own token
    r = svc.post("/v1/tokens/revoke", {"jti": jti, "reason": "设备丢失"})
    assert r.status_code == 200 and r.json()["revoked"] == "token", r.text
    refused = call(svc, "GET", "/v1/incidents", victim)
    assert refused.status_code == 401 and "revoked" in refused.json()["message"]
    assert await feed_answer(feed + victim) == 4401
    assert call(svc, "GET", "/v1/incidents", spare).status_code == 200
    entry = next(a for a in audit(redis_server) if a["action"] == "token.revoked")
    assert entry["subject"] == f"token:{jti}" and entry["data"]["reason"] == "设备丢失"
    assert entry["actor"] == "command:test-command"
    for bad in ({}, {"jti": jti, "sub": "x"}):
        assert svc.post("/v1/tokens/revoke", bad).status_code == 422


async def test_revoking_a_subject_refuses_its_tokens_issued_until_then(svc: Service,
                                                                      world: World) -> None:
    first = token(svc, Role.call_taker, name="夜班-王芳")
    second = token(svc, Role.call_taker, name="夜班-王芳")
    other = token(svc, Role.call_taker, name="夜班-李娜")
    r = svc.post("/v1/tokens/revoke", {"sub": "夜班-王芳"})
    assert r.status_code == 200 and r.json()["revoked"] == "subject", r.text
    for tok in (first, second):
        assert call(svc, "GET", "/v1/incidents", tok).status_code == 401
    assert call(svc, "GET", "/v1/incidents", other).status_code == 200
    # A token issued after the revocation (in a later second) is accepted.
    def accepted() -> str | None:
        new = token(svc, Role.call_taker, name="夜班-王芳")
        return new if call(svc, "GET", "/v1/incidents", new).status_code == 200 else None

    assert wait_until(accepted, 3, interval=0.2, what="a new token of the subject to be accepted")
    assert await feed_answer(f"{svc.ws_base}/v1/consoles/command/ws?token={first}") == 4401


async def test_a_console_open_when_its_token_is_revoked_is_closed(svc: Service,
                                                                 world: World) -> None:
    # A lost device's console that is already connected stops receiving within the
    # periodic check (REVOKED_CHECK_S): it is told, then closed with 4401.
    from dispatch.api.ws import REVOKED_CHECK_S

    lost = token(svc, Role.precinct, world.own, name="lost-tablet")
    jti = jwt.decode(lost, options={"verify_signature": False})["jti"]
    async with connect(f"{svc.ws_base}/v1/consoles/{world.own}/ws?token={lost}") as ws:
        assert json.loads(await ws.recv())["type"] == "hello"
        r = svc.post("/v1/tokens/revoke", {"jti": jti, "reason": "平板丢失"})
        assert r.status_code == 200, r.text
        seen: list[str] = []
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(REVOKED_CHECK_S + 5):
                while True:
                    seen.append(json.loads(await ws.recv())["type"])
        assert "revoked" in seen
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
