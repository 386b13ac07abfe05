"""The missing-person adapters' pure parts: target settings, deadline keys, JSON views."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dispatch import settings as settings_mod
from dispatch.adapters.missing_store import core_key, new_id, scheduler_key
from dispatch.missing import (
    DEFAULT_POLICY,
    Case,
    InvalidTargetConfig,
    LastSeen,
    RiskGrade,
    apply,
    deadline_key,
    fold,
    meet_target,
    open_case,
    person_from_request,
)
from dispatch.workflows.missing.service import target_policy
from dispatch.workflows.missing.views import case_view, list_item

NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # 10:00 in Baotou


def settings(tmp_path: Path, toml: str | None = None, **env: str) -> settings_mod.Settings:
    if toml is not None:
        path = tmp_path / "targets.toml"
        path.write_text(toml, encoding="utf-8")
        env["MISSING_TARGETS_PATH"] = str(path)
    return settings_mod.load({"DISPATCH_VAR": str(tmp_path), "DISPATCH_SECRET": "x" * 32, **env})


def test_defaults_apply_without_a_targets_file(tmp_path: Path) -> None:
    cfg = settings(tmp_path)
    assert cfg.missing_targets_path is None and cfg.missing_widen_s is None
    assert target_policy(cfg) == DEFAULT_POLICY


def test_a_targets_file_replaces_only_its_own_entries(tmp_path: Path) -> None:
    policy = target_policy(settings(tmp_path, "[low]\nprecinct_dispatched = 0.05\n",
                                    MISSING_WIDEN_S="2"))
    low = {s.name: s for s in policy[RiskGrade.LOW]}
    assert low["precinct_dispatched"].within == timedelta(seconds=3)
    assert low["located"].within == timedelta(hours=48)  # the default stays
    assert policy[RiskGrade.HIGH] == DEFAULT_POLICY[RiskGrade.HIGH]


@pytest.mark.parametrize("toml", ["[low]\nlocated = -1\n", "[urgent]\nlocated = 5\n",
                                  "low = 5\n"])
def test_an_unusable_targets_file_is_refused(tmp_path: Path, toml: str) -> None:
    with pytest.raises(InvalidTargetConfig):
        target_policy(settings(tmp_path, toml))


def test_a_non_positive_widening_interval_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(settings_mod.ConfigError):
        settings(tmp_path, MISSING_WIDEN_S="0")


def test_deadline_keys_map_between_the_core_and_the_scheduler() -> None:
    key = deadline_key("MP-20261126-7K3QXF", "risk_review#2")
    assert scheduler_key(key) == "missing|MP-20261126-7K3QXF:risk_review#2"
    kind, _, subject = scheduler_key(key).partition("|")
    assert kind == "missing" and core_key(subject) == key
    with pytest.raises(ValueError):
        scheduler_key("ack|20261126-ABCDEFGH")


def test_case_ids_are_readable() -> None:
    case_id = new_id("MP", NOW)
    assert case_id.startswith("MP-20261126-") and len(case_id) == 18


def _case() -> Case:
    person = person_from_request({"gender": "male", "age": 78, "height_cm": 170,
                                  "clothing": ["灰色夹克"], "conditions": ["dementia"]})
    events = open_case(case_id="MP-20261126-AAAAAA", person=person,
                       last_seen=LastSeen(at=NOW - timedelta(minutes=40), lat=40.6575,
                                          lon=109.8403, precinct="150203003"),
                       owner="call_taker:王芳", now=NOW, lookup=lambda *_: ("150203003",))
    return fold(events)


def test_the_list_item_carries_what_the_command_panel_reads() -> None:
    case = _case()
    item = list_item(case, NOW + timedelta(minutes=7))
    assert item["id"] == case.id and item["risk"]["grade"] == "high"
    assert item["person"]["age"] == {"min": 78, "max": 78}
    assert item["last_seen"]["precinct"] == "150203003"
    states = {t["name"]: t["state"] for t in item["targets"]}
    assert states["precinct_dispatched"] == "breached"  # 5 minutes allowed, 7 elapsed
    overdue = next(t for t in item["targets"] if t["name"] == "precinct_dispatched")
    assert overdue["elapsed_s"] == 420.0 and overdue["remaining_s"] == -120.0
    assert states["registered_broadcast"] == "met"  # the first broadcast is the register entry
    assert item["next_deadline_at"] is not None and item["elapsed_s"] == 420.0


def test_the_case_view_measures_a_met_target_from_the_report() -> None:
    case = _case()
    met = meet_target(case, "precinct_dispatched", now=NOW + timedelta(minutes=3))
    case, _ = apply(case, met)
    view = case_view(case, NOW + timedelta(minutes=9), [], [])
    target = next(t for t in view["targets"] if t["name"] == "precinct_dispatched")
    assert target["state"] == "met" and target["took_s"] == 180.0 and target["allowed_s"] == 300.0
    assert view["area"]["precincts"] == ["150203003"] and view["reports"] == []
