"""Duplicate-call scoring: the cases the weights were chosen for."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from dispatch.domain import decisions, duplicates, merging
from dispatch.domain.events import EventType
from dispatch.domain.incident import Status
from tests.unit.dispatch.test_incident import INSIDE, T0, TIMEOUTS, TRIAGE, fold, received

FIRE = {**TRIAGE, "category": "fire_disaster", "priority": "P1", "flags": ["in_progress"]}
HERE = {**INSIDE, "radius_m": 30.0}


def open_fire():
    incident = replace(received("阿尔丁大街万达广场旁边居民楼着火了，冒黑烟"))
    state, _ = fold(incident, decisions.process_report(incident, FIRE, HERE, T0, TIMEOUTS))
    return state


def test_same_spot_same_event_within_minutes_merges_even_in_other_words() -> None:
    parent = open_fire()
    c = duplicates.score("快来人，楼上冒烟了好大的火", "fire_disaster",
                         (INSIDE["lat"] + 0.0005, INSIDE["lon"]), 30, T0 + timedelta(minutes=3),
                         parent)
    assert c is not None and duplicates.should_merge(c, "fire_disaster"), c


def open_incident(text: str, category: str, priority: str = "P3",
                  where: dict | None = None, ident: str = "I-1"):
    incident = replace(received(text), id=ident)
    state, _ = fold(incident, decisions.process_report(
        incident, {**TRIAGE, "category": category, "priority": priority, "flags": []},
        where or HERE, T0, TIMEOUTS))
    return state


def test_a_common_event_at_the_same_spot_twenty_minutes_later_is_only_suggested() -> None:
    parent = open_incident("十字路口一辆白色轿车和一辆电动车撞了，人没事", "traffic")
    c = duplicates.score("路口有车撞了，电动车倒地上了", "traffic", (INSIDE["lat"], INSIDE["lon"]), 30,
                         T0 + timedelta(minutes=20), parent)
    assert c is not None and duplicates.SUGGEST <= c.score < duplicates.AUTO_MERGE, c
    assert not duplicates.should_merge(c, "traffic")


def test_a_fire_at_the_same_building_twenty_minutes_later_is_the_same_fire() -> None:
    parent = open_fire()
    c = duplicates.score("楼上着火了", "fire_disaster", (INSIDE["lat"], INSIDE["lon"]), 30,
                         T0 + timedelta(minutes=20), parent)
    assert c is not None and c.signature == "rare" and duplicates.should_merge(c, "fire_disaster")


def test_different_events_at_one_address_are_never_merged() -> None:
    # The parking fee and the street lamp: same address, same minute, same category.
    parent = open_incident("小区门口的路灯坏了一个多月了，晚上黑乎乎的", "non_police", "P4")
    c = duplicates.score("小区门口乱收停车费，一次收十块", "non_police", (INSIDE["lat"], INSIDE["lon"]),
                         30, T0 + timedelta(minutes=1), parent)
    assert c is not None and c.signature == "different" and not duplicates.should_merge(
        c, "non_police"), c


def test_related_categories_are_suggested_never_merged() -> None:
    parent = open_incident("路口两辆车撞了，有一辆冒烟着火了", "traffic", "P1")
    c = duplicates.score("路口汽车着火了，冒黑烟", "fire_disaster", (INSIDE["lat"], INSIDE["lon"]), 30,
                         T0 + timedelta(minutes=1), parent)
    assert c is not None and c.score >= duplicates.SUGGEST and not c.same_category
    assert not duplicates.should_merge(c, "fire_disaster")


def test_place_time_and_category_without_the_texts_agreeing_are_only_suggested() -> None:
    # Two thefts reported from one landmark a minute apart: two victims, two incidents.
    parent = open_incident("我在商场门口电动车电瓶被偷了", "property_crime")
    c = duplicates.score("刚才在这儿手机被人偷了，黑色苹果手机", "property_crime",
                         (INSIDE["lat"], INSIDE["lon"]), 30, T0 + timedelta(minutes=1), parent)
    assert c is not None and c.score >= duplicates.SUGGEST
    assert not duplicates.should_merge(c, "property_crime"), c
    same = duplicates.score("报警人称：商场门口，其电动车电瓶被偷了。请求出警。", "property_crime",
                            (INSIDE["lat"], INSIDE["lon"]), 30, T0 + timedelta(minutes=2), parent)
    assert same is not None and same.similarity >= duplicates.TEXT_EVIDENCE
    assert duplicates.should_merge(same, "property_crime"), same


def test_a_surge_placed_imprecisely_still_gathers_when_the_event_is_rare() -> None:
    # The first caller named only the estate (1.6 km uncertainty); the next one's phone
    # put it 900 m from that guess.
    vague = {**INSIDE, "radius_m": 1600.0}
    parent = open_incident("青山区铭峰社区这块儿，14楼往外冒烟", "fire_disaster", "P1", vague)
    point = (INSIDE["lat"] + 900 / 111_195, INSIDE["lon"])
    c = duplicates.score("对面楼上火苗子都窜出来了", "fire_disaster", point, 14,
                         T0 + timedelta(minutes=4), parent)
    assert c is not None and duplicates.should_merge(c, "fire_disaster"), c
    crash = open_incident("青山区铭峰社区这块儿，路口两辆车撞了", "traffic", "P3", vague)
    c = duplicates.score("路口一辆面包车把电动车刮了", "traffic", point, 14,
                         T0 + timedelta(minutes=4), crash)
    assert c is None or not duplicates.should_merge(c, "traffic"), c
    assert duplicates.search_radius_m(14) >= duplicates.reach_m(14, 1600, rare=True)


def test_greetings_and_record_formulas_are_not_evidence() -> None:
    from dispatch.domain import signatures

    a = "接警员：您好，110。\n报警人：喂喂，能听见吗？我要报警，快派人！请求出警。"
    b = "接警员：110报警服务台，请讲。\n报警人：喂，你好，我报警，快派人，赶紧的！"
    assert signatures.similarity(a, b) == 0.0
    assert signatures.signatures("小区没有天然气了，都两天了") == {"outage"}
    assert signatures.relation({"fire"}, {"gas"}) == "shared"
    assert signatures.relation({"fire"}, {"fire", "collision"}) == "rare"
    assert signatures.relation({"street_lamp"}, set()) == "unknown"


def test_different_kinds_far_apart_or_old_never_match() -> None:
    parent = open_fire()
    point = (INSIDE["lat"], INSIDE["lon"])
    assert duplicates.score("电动车被偷了", "property_crime", point, 30, T0, parent) is None
    assert duplicates.score("着火了", "fire_disaster", (INSIDE["lat"] + 0.05, INSIDE["lon"]), 30,
                            T0, parent) is None
    assert duplicates.score("着火了", "fire_disaster", point, 30, T0 + timedelta(hours=1),
                            parent) is None


def test_closed_incidents_are_not_candidates() -> None:
    parent = replace(open_fire(), status=Status.CLOSED)
    assert duplicates.score("着火了", "fire_disaster", (INSIDE["lat"], INSIDE["lon"]), 30, T0,
                            parent) is None


def test_missing_persons_are_suggested_never_auto_merged() -> None:
    parent = open_fire()
    c = duplicates.Candidate(parent.id, 0.95, 10, 1, ())
    assert not duplicates.should_merge(c, "missing_person")


def test_merge_counts_callers_and_raises_the_priority() -> None:
    parent = open_fire()
    low = {**FIRE, "priority": "P2"}
    parent, _ = fold(parent, [decisions.retriage(parent, "fire_disaster", "P2", [], "test",
                                                 "call_taker:x", T0, TIMEOUTS)[0]])
    child = replace(received("里面还有人没出来！"), id="I-2")
    child, _ = fold(child, decisions.process_report(child, FIRE, HERE, T0, TIMEOUTS)[:2])
    child_events, parent_events = merging.merge(child, parent, T0, "system", {"score": 0.9})
    merged, _ = fold(child, child_events)
    assert merged.status is Status.MERGED and merged.merged_into == parent.id
    after, _ = fold(parent, parent_events)
    assert after.callers == 2 and after.priority == "P1"
    assert [e.type for e in parent_events] == [EventType.CALLER_ADDED, EventType.RETRIAGED]
    assert parent_events[1].data["by_caller"] == "I-2"
    assert parent_events[1].data["changed"]["priority"] == {"from": "P2", "to": "P1"}
    assert low["priority"] == "P2"


def _child(text: str, triage: dict, where: dict, ident: str = "I-2"):
    child = replace(received(text), id=ident)
    child, _ = fold(child, decisions.process_report(child, triage, where, T0, TIMEOUTS)[:2])
    return child


def test_every_caller_counts_flags_life_risk_and_a_renewed_assignment() -> None:
    parent = open_incident("14楼往外冒烟", "fire_disaster", "P2")
    risk = {"kind": "trapped", "phrase": "里面还有人", "floor": "P1"}
    child = _child("里面还有个老太太没出来！", {**FIRE, "flags": ["in_progress", "elderly"],
                                           "life_risk": [risk]}, HERE)
    _, parent_events = merging.merge(child, parent, T0 + timedelta(minutes=1), "system",
                                     {"score": 0.9}, TIMEOUTS)
    after, effects = fold(parent, parent_events)
    retriaged = next(e for e in parent_events if e.type is EventType.RETRIAGED)
    assert retriaged.data["changed"] == {"priority": {"from": "P2", "to": "P1"},
                                         "flags": ["elderly", "in_progress"],
                                         "life_risk": ["trapped"]}
    assert after.priority == "P1" and {"elderly", "in_progress"} <= set(after.flags)
    assert [r["kind"] for r in after.life_risk] == ["trapped"]
    # The precinct must see the raised priority: a renewed assignment on the P1 clock, and
    # the on-scene clock tightened to P1's.
    assert after.status is Status.ASSIGNED
    assert after.ack_due_at == min(T0 + timedelta(minutes=1, seconds=TIMEOUTS["P1"]),
                                   parent.ack_due_at)  # a raised priority never gives more time
    assert after.arrival_due_at == decisions.arrival_due("P1", None, parent.received_at)
    # A caller who adds nothing changes nothing but the count.
    same = _child("楼上冒烟了", {**FIRE, "priority": "P2", "flags": []}, HERE, "I-3")
    _, events = merging.merge(same, after, T0, "system", {}, TIMEOUTS)
    assert [e.type for e in events] == [EventType.CALLER_ADDED]
    assert effects


def test_a_later_caller_places_an_unplaced_incident_in_its_precinct() -> None:
    unplaced = {"lat": None, "lon": None, "in_jurisdiction": None}
    parent = open_incident("14楼着火了，不知道这是哪儿", "fire_disaster", "P1", unplaced)
    assert parent.precinct == "command"
    child = _child("铭峰社区16号楼着火了", FIRE, {**HERE, "district": "150203"})
    _, parent_events = merging.merge(child, parent, T0, "system", {}, TIMEOUTS)
    after, _ = fold(parent, parent_events)
    assert after.precinct == INSIDE["precinct"] and after.location["lat"] == INSIDE["lat"]
    assert after.arrival_due_at is not None
    moved = [e for e in parent_events if e.type is EventType.ASSIGNED]
    assert len(moved) == 1 and moved[0].data["by_caller"] == "I-2"


def test_a_split_undoes_a_merge_and_routes_the_report_on_its_own() -> None:
    parent = open_fire()
    child = _child("又一个电话：旁边楼也冒烟了", FIRE, HERE)
    child_events, parent_events = merging.merge(child, parent, T0, "system", {"score": 0.8},
                                                TIMEOUTS)
    merged, _ = fold(child, child_events)
    joined, _ = fold(parent, parent_events)
    own, theirs = merging.split(merged, joined, T0 + timedelta(minutes=2), "command:王伟",
                                "两栋楼各自起火", TIMEOUTS)
    back, effects = fold(merged, own)
    left, _ = fold(joined, theirs)
    assert back.status is Status.ASSIGNED and back.merged_into is None
    assert back.precinct == INSIDE["precinct"] and back.ack_due_at is not None
    assert own[0].type is EventType.SPLIT and own[0].data["from"] == parent.id
    assert own[0].actor == "command:王伟" and theirs[0].data["reason"] == "两栋楼各自起火"
    assert left.callers == 1 and left.priority == joined.priority  # never silently lowered
    assert effects
    import pytest

    from dispatch.domain.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        merging.split(parent, None, T0, "command:王伟", "x", TIMEOUTS)


def test_merging_into_itself_or_into_a_closed_incident_is_refused() -> None:
    import pytest

    from dispatch.domain.errors import InvalidTransition

    parent = open_fire()
    with pytest.raises(InvalidTransition):
        merging.merge(parent, parent, T0, "system", {})
    closed = replace(parent, status=Status.CLOSED)
    child = replace(received("又一个电话"), id="I-3")
    with pytest.raises(InvalidTransition):
        merging.merge(child, closed, T0, "system", {})
