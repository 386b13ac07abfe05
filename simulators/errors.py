"""Exceptions raised by the simulators package.

The tree::

    ValueError
     └── SimulatorError        every error this package raises on purpose
          ├── ConfigError      a configuration file or value cannot be used
          ├── UnknownScenario  a scenario name that :func:`simulators.scenarios` does not list
          └── MissingFont      the report's Chinese font is not installed

The CLI maps them to exit code 2 with a one-line message; nothing else catches them.
"""

from __future__ import annotations


class SimulatorError(ValueError):
    """Base class of every error raised on purpose by ``simulators``."""


class ConfigError(SimulatorError):
    """A generator configuration (file, key or value) is invalid."""


class UnknownScenario(SimulatorError):
    """The requested scenario name is not registered."""


class MissingFont(SimulatorError):
    """No CJK font for the report's plots (install Debian's ``fonts-wqy-microhei``, as
    ``make browser`` does; nothing is downloaded at run time)."""
