"""Exceptions raised by the geo package.

The tree::

    ValueError
     └── GeoError                 every error this package raises on purpose
          ├── InvalidCoordinates  NaN, infinite, out-of-range lat/lon, unknown CRS
          ├── UnknownPrecinct     a precinct id that no loaded layer holds
          └── LayerError          a configured layer file is missing or malformed

`locate()` never raises for odd input: it turns these into a `Location` with
``lat=None`` and a ``reason``. The other public functions raise them so that the
caller (an HTTP handler, an RQ job) maps them in exactly one place.
"""

from __future__ import annotations


class GeoError(ValueError):
    """Base class of every error raised on purpose by ``geo``."""


class InvalidCoordinates(GeoError):
    """A coordinate is NaN, infinite, out of range, or its CRS is unknown."""


class UnknownPrecinct(GeoError):
    """No precinct with this id exists in the loaded layer."""


class LayerError(GeoError):
    """A layer file (built or configured through the environment) cannot be used."""
