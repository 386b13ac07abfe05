"""Duplicate-call scoring: the cases the weights were chosen for."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from dispatch.domain import decisions, duplicates
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


def test_twenty_minutes_later_is_only_suggested() -> None:
    parent = open_fire()
    c = duplicates.score("楼上着火了", "fire_disaster", (INSIDE["lat"], INSIDE["lon"]), 30,
                         T0 + timedelta(minutes=20), parent)
    assert c is not None and duplicates.SUGGEST <= c.score < duplicates.AUTO_MERGE


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
    child_events, parent_events = decisions.merge(child, parent, T0, "system", {"score": 0.9})
    merged, _ = fold(child, child_events)
    assert merged.status is Status.MERGED and merged.merged_into == parent.id
    after, _ = fold(parent, parent_events)
    assert after.callers == 2 and after.priority == "P1"
    assert [e.type for e in parent_events] == [EventType.CALLER_ADDED, EventType.RETRIAGED]
    assert low["priority"] == "P2"


def test_merging_into_itself_or_into_a_closed_incident_is_refused() -> None:
    import pytest

    from dispatch.domain.errors import InvalidTransition

    parent = open_fire()
    with pytest.raises(InvalidTransition):
        decisions.merge(parent, parent, T0, "system", {})
    closed = replace(parent, status=Status.CLOSED)
    child = replace(received("又一个电话"), id="I-3")
    with pytest.raises(InvalidTransition):
        decisions.merge(child, closed, T0, "system", {})
