"""Synthetic 110 report streams for replay and what-if simulation.

Public API::

    from simulators import generate, scenarios, load_config

    for line in generate(hours=24, seed=7):          # deterministic for a seed
        body = {k: v for k, v in line.items() if k not in ("at", "truth")}
        ...                                          # POST body, send time, ground truth

``generate`` yields one dict per report in send order; ``scenarios()`` lists the named
scenarios (``{name: one-line description}``); ``load_config`` builds a
:class:`Config` from defaults plus a TOML/JSON file or a mapping of overrides.
"""

from simulators.errors import ConfigError, SimulatorError, UnknownScenario
from simulators.streams.config import Config, load_config
from simulators.streams.generator import DEFAULT_START, generate
from simulators.streams.scenarios import scenarios

__all__ = [
    "DEFAULT_START",
    "Config",
    "ConfigError",
    "SimulatorError",
    "UnknownScenario",
    "generate",
    "load_config",
    "scenarios",
]
