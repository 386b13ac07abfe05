"""What-if knobs: defaults, merging, validation."""

from __future__ import annotations

import pytest

from dispatch.settings import DEFAULT_ACK_TIMEOUTS
from simulators import load_config
from simulators.whatif.knobs import SimConfig, SimConfigError, load_sim_config


def test_defaults_are_the_service_defaults() -> None:
    cfg = SimConfig()
    assert dict(cfg.ack_timeouts) == dict(DEFAULT_ACK_TIMEOUTS)
    assert cfg.units_per_precinct == 2 and cfg.escalation_step_s == 60
    assert cfg.travel_model().urban_kmh == 35


def test_tables_merge_key_by_key_and_zero_means_no_ack_clock() -> None:
    cfg = load_sim_config({"ack_timeouts": {"P2": 45, "P3": 0}, "travel": {"urban_kmh": 30}})
    assert cfg.ack_timeouts == {"P1": 30.0, "P2": 45.0, "P3": None, "P4": None}
    assert cfg.travel_model().urban_kmh == 30 and cfg.travel_model().rural_kmh == 60


def test_surge_multiplies_every_volume() -> None:
    base = load_config(None)
    surged = load_sim_config({"surge": 1.5, "stream": {"calls_per_day": 1000}}).stream_config()
    assert surged.calls_per_day == 1500
    assert surged.forum_per_day == pytest.approx(base.forum_per_day * 1.5)


@pytest.mark.parametrize("bad", [
    {"nope": 1}, {"surge": -1}, {"surge": "x"}, {"units_per_precinct": 1.5},
    {"ack_timeouts": {"P9": 3}}, {"ack_timeouts": 5}, {"travel": {"warp": 9}},
    {"stream": {"calls_per_day": -5}}, {"stream": {"bogus": 1}}, {"officer_ack_probability": 2},
    {"call_takers": True}, {"command_officers": 1.5}, {"command_officers": -1},
    {"command_think_median_s": -3}, {"command_callback_error_m": "far"},
    {"targets": {"unplaced_wait_s": {"P9": 60}}},
])
def test_bad_knobs_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(SimConfigError):
        load_sim_config(bad)


def test_toml_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "whatif.toml"
    path.write_text('surge = 1.3\nunits_per_precinct = 1\n[stream]\nmix = ["fire-surge@21:15"]\n',
                    encoding="utf-8")
    cfg = load_sim_config(path)
    assert cfg.surge == 1.3 and cfg.units_per_precinct == 1
    assert cfg.stream_config().mix == ("fire-surge@21:15",) or \
        list(cfg.stream_config().mix) == ["fire-surge@21:15"]
    (tmp_path / "bad.toml").write_text("surge = [", encoding="utf-8")
    with pytest.raises(SimConfigError):
        load_sim_config(tmp_path / "bad.toml")


def test_the_command_centres_knobs() -> None:
    cfg = load_sim_config({"command_officers": 3, "command_think_median_s": 20,
                           "targets": {"unplaced_wait_s": {"P1": 90}}})
    assert cfg.command_officers == 3 and cfg.command_think_median_s == 20.0
    assert cfg.targets["unplaced_wait_s"] == {"P1": 90.0}
    assert cfg.targets["triage_s"] == 120.0  # the other targets stay
