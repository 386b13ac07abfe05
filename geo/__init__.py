"""Geo: from a Chinese address, a landmark or device coordinates to a point, a
precinct and "in our jurisdiction or not" (WGS-84 throughout).

Layers load lazily on first use; importing this package does no I/O.
"""

from geo.api import (
    districts_geojson,
    neighbours,
    precinct,
    precincts,
    precincts_geojson,
    precincts_intersecting_circle,
)
from geo.crs import distance_m, from_wgs84, to_wgs84
from geo.errors import GeoError, InvalidCoordinates, LayerError, UnknownPrecinct
from geo.locate import locate
from geo.model import DevicePoint, Location, Precinct

__all__ = [
    "DevicePoint", "GeoError", "InvalidCoordinates", "LayerError", "Location", "Precinct",
    "UnknownPrecinct", "distance_m", "districts_geojson", "from_wgs84", "locate", "neighbours",
    "precinct", "precincts", "precincts_geojson", "precincts_intersecting_circle", "to_wgs84",
]
