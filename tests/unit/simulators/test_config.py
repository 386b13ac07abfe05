"""Configuration loading: defaults, TOML/JSON overrides, validation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulators import Config, ConfigError, load_config
from simulators.streams.config import CATEGORIES, CHANNELS


def test_defaults_are_documented_numbers() -> None:
    cfg = load_config()
    assert cfg.calls_per_day == 1700
    assert round(cfg.forum_per_day * 365) == 17642
    assert set(cfg.call_mix) == set(CATEGORIES)
    for channel in CHANNELS:
        assert abs(sum(cfg.channel_mix(channel).values()) - 1) < 1e-9
        assert len(cfg.hour_profile(channel)) == 24
    assert len(cfg.weekday_factor) == 7
    assert sum(cfg.district_population.values()) == 2709378  # 7th census total


def test_toml_overrides_merge_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "whatif.toml"
    path.write_text('calls_per_day = 2500\nmix = ["fire-surge"]\n[call_mix]\nfraud = 0.2\n'
                    '[location_modes.call]\nvague = 0.5\n', encoding="utf-8")
    cfg = load_config(path)
    assert cfg.calls_per_day == 2500
    assert cfg.call_mix["fraud"] == 0.2
    assert cfg.call_mix["traffic"] == Config().call_mix["traffic"]
    assert cfg.location_modes["call"]["vague"] == 0.5
    assert cfg.location_modes["forum"] == Config().location_modes["forum"]
    assert cfg.mix == ("fire-surge",)
    assert cfg.channel_mix("call")["fraud"] > Config().channel_mix("call")["fraud"]


def test_json_overrides(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"forum_per_day": 10, "weekday_factor": [1] * 7}), encoding="utf-8")
    cfg = load_config(path)
    assert cfg.forum_per_day == 10 and cfg.weekday_factor == (1.0,) * 7


@pytest.mark.parametrize("overrides", [
    {"calls_per_day": -1},
    {"calls_per_day": "many"},
    {"no_such_key": 1},
    {"call_mix": {"burglary": 0.1}},
    {"hour_profile_call": [1, 2, 3]},
    {"location_modes": {"fax": {"both": 1}}},
    {"typo_rate": 1.5},
    {"call_mix": {c: 0 for c in CATEGORIES}},
    {"mix": "fire-surge"},
])
def test_invalid_overrides_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        load_config(overrides)


def test_unreadable_or_malformed_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("calls_per_day = = 3", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(bad)


def test_the_documented_example_config_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "simulators.md").read_text("utf-8")
    block = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "whatif.toml"
    path.write_text(block, encoding="utf-8")
    cfg = load_config(path)
    assert cfg.calls_per_day == 2200 and cfg.mix == ("snowstorm-pileup", "fire-surge@21:15")
