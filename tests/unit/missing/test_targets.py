from __future__ import annotations

from datetime import timedelta

import pytest

from dispatch.missing.errors import InvalidTargetConfig
from dispatch.missing.risk import RiskGrade
from dispatch.missing.targets import (
    DEFAULT_POLICY,
    DEFAULT_TARGETS,
    Target,
    TargetState,
    initial_targets,
    load_target_policy,
    next_recurrence,
    regrade_targets,
    target_views,
)
from tests.unit.missing.builders import SUMMER, minutes

T0 = SUMMER


def _minutes(value: object) -> int:
    return int(value["minutes"]) if isinstance(value, dict) else int(value)  # type: ignore[call-overload]


CASES = [
    (grade, name, _minutes(value))
    for grade, table in DEFAULT_TARGETS.items()
    for name, value in table.items()
]


@pytest.mark.parametrize(("grade", "name", "within"), CASES)
def test_each_default_target_falls_due_at_its_configured_minute(
    grade: str, name: str, within: int
) -> None:
    targets = {t.name: t for t in initial_targets(DEFAULT_POLICY, RiskGrade(grade), T0)}
    target = targets[name]
    assert target.due_at == T0 + minutes(within)
    assert target.state(T0 + minutes(within)) is TargetState.PENDING
    assert target.state(T0 + minutes(within) + timedelta(seconds=1)) is TargetState.BREACHED


def test_high_grade_matches_the_issue_numbers() -> None:
    due = {t.key: t.due_at - T0 for t in initial_targets(DEFAULT_POLICY, RiskGrade.HIGH, T0)}
    assert due == {
        "precinct_dispatched": minutes(5),
        "search_centre_activated": minutes(10),
        "registered_broadcast": minutes(15),
        "risk_review#1": minutes(30),
        "located": minutes(120),
    }


def test_grades_get_looser() -> None:
    def located(grade: RiskGrade) -> timedelta:
        return next(
            t.due_at - T0 for t in initial_targets(DEFAULT_POLICY, grade, T0) if t.name == "located"
        )

    assert located(RiskGrade.HIGH) < located(RiskGrade.MEDIUM) < located(RiskGrade.LOW)


def test_states() -> None:
    t = Target("located", "located", T0 + minutes(10))
    assert t.state(T0) is TargetState.PENDING
    assert t.state(T0 + minutes(11)) is TargetState.BREACHED
    assert (
        Target("x", "x", t.due_at, met_at=T0 + minutes(3)).state(T0 + minutes(60))
        is TargetState.MET
    )
    assert Target("x", "x", t.due_at, met_at=T0 + minutes(12)).state(T0) is TargetState.BREACHED
    assert (
        Target("x", "x", t.due_at, breached_at=T0 + minutes(10)).state(T0) is TargetState.BREACHED
    )
    cancelled = Target("x", "x", t.due_at, cancelled_at=T0 + minutes(5))
    assert cancelled.state(T0 + minutes(99)) is TargetState.CANCELLED
    late_cancel = Target("x", "x", t.due_at, cancelled_at=T0 + minutes(15))
    assert late_cancel.state(T0 + minutes(99)) is TargetState.BREACHED


def test_load_policy_from_toml_shaped_table() -> None:
    policy = load_target_policy(
        {"high": {"located": 60, "risk_review": {"minutes": 20, "recurring": True}}}
    )
    specs = {s.name: s for s in policy[RiskGrade.HIGH]}
    assert specs["located"].within == minutes(60) and not specs["located"].recurring
    assert specs["risk_review"].recurring
    assert policy[RiskGrade.LOW] == ()


@pytest.mark.parametrize(
    "config",
    [
        {"urgent": {"located": 5}},
        {"high": {"located": 0}},
        {"high": {"located": -3}},
        {"high": {"located": True}},
        {"high": {"located": "5"}},
        {"high": {"located": {"recurring": True}}},
    ],
)
def test_bad_policy_raises(config: dict[str, dict[str, object]]) -> None:
    with pytest.raises(InvalidTargetConfig):
        load_target_policy(config)


def test_recurring_review_next_instance() -> None:
    targets = initial_targets(DEFAULT_POLICY, RiskGrade.HIGH, T0)
    review = next(t for t in targets if t.name == "risk_review")
    met = Target(review.key, review.name, review.due_at, met_at=T0 + minutes(25))
    nxt = next_recurrence(DEFAULT_POLICY, RiskGrade.HIGH, targets, met)
    assert nxt is not None
    assert (nxt.key, nxt.due_at) == ("risk_review#2", T0 + minutes(55))
    located = next(t for t in targets if t.name == "located")
    assert next_recurrence(DEFAULT_POLICY, RiskGrade.HIGH, targets, located) is None


def test_regrade_keeps_met_targets_and_re_derives_open_ones() -> None:
    targets = initial_targets(DEFAULT_POLICY, RiskGrade.MEDIUM, T0)
    targets = tuple(
        Target(t.key, t.name, t.due_at, met_at=T0 + minutes(4))
        if t.name == "precinct_dispatched"
        else t
        for t in targets
    )
    now = T0 + minutes(20)
    out = {t.key: t for t in regrade_targets(targets, DEFAULT_POLICY, RiskGrade.HIGH, T0, now)}
    assert out["precinct_dispatched"].met_at == T0 + minutes(4)
    assert out["located"].due_at == T0 + minutes(120)
    assert out["search_centre_activated"].due_at == T0 + minutes(10)  # now overdue: breached
    assert out["risk_review#1"].due_at == now + minutes(30)
    down = {t.key for t in regrade_targets(targets, DEFAULT_POLICY, RiskGrade.ABSENT, T0, now)}
    assert "located" not in down and "precinct_dispatched" in down


def test_views_show_allowed_took_and_remaining() -> None:
    targets = initial_targets(DEFAULT_POLICY, RiskGrade.HIGH, T0)
    targets = tuple(
        Target(t.key, t.name, t.due_at, met_at=T0 + minutes(3))
        if t.name == "precinct_dispatched"
        else t
        for t in targets
    )
    views = {v.key: v for v in target_views(targets, T0, T0 + minutes(12))}
    assert views["precinct_dispatched"].took == minutes(3)
    assert views["precinct_dispatched"].state is TargetState.MET
    assert views["search_centre_activated"].state is TargetState.BREACHED
    assert views["search_centre_activated"].remaining == minutes(-2)
    assert views["located"].allowed == minutes(120)
    assert [v.due_at for v in views.values()] == sorted(v.due_at for v in views.values())
