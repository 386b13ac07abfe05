"""A coarse lookup grid in front of the STRtree for bulk point-in-polygon queries.

Each ~1 km cell (0.01°) that lies wholly inside one polygon stores that polygon's
index; cells wholly outside every polygon store "none". Only points in cells that
cross a boundary go to the exact, vectorised STRtree query. The grid is built once per
layer on the first bulk query (one vectorised STRtree pass over the cell boxes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

_MIXED = -1  # the cell crosses a boundary: ask the exact query
_NONE = -2  # the cell touches no polygon


@dataclass(frozen=True, slots=True)
class Grid:
    """Cell classification of one layer."""

    x0: float
    y0: float
    step: float
    nx: int
    ny: int
    cells: np.ndarray  # int32, nx * ny: polygon index, _MIXED or _NONE

    def lookup(self, lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Polygon index per point (-1 for none) and the mask of points still undecided."""
        ix = np.floor((lons - self.x0) / self.step).astype(np.int64)
        iy = np.floor((lats - self.y0) / self.step).astype(np.int64)
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        code = np.full(len(lons), _NONE, dtype=np.int64)
        code[inside] = self.cells[ix[inside] * self.ny + iy[inside]]
        undecided = code == _MIXED
        return np.where(code >= 0, code, -1), undecided


def build_grid(tree: STRtree, geoms: list[shapely.Geometry], step: float = 0.01) -> Grid:
    """Classify the cells covering ``geoms`` (see the module docstring)."""
    minx, miny, maxx, maxy = shapely.total_bounds(np.array(geoms, dtype=object))
    nx = max(1, math.ceil((maxx - minx) / step))
    ny = max(1, math.ceil((maxy - miny) / step))
    gx, gy = np.meshgrid(minx + step * np.arange(nx), miny + step * np.arange(ny), indexing="ij")
    boxes = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + step, gy.ravel() + step)
    cells = np.full(nx * ny, _NONE, dtype=np.int32)
    touched = tree.query(boxes, predicate="intersects")
    cells[touched[0]] = _MIXED
    whole = tree.query(boxes, predicate="within")
    counts = np.bincount(whole[0], minlength=nx * ny)
    single = counts[whole[0]] == 1  # a box inside exactly one polygon
    cells[whole[0][single]] = whole[1][single]
    return Grid(float(minx), float(miny), step, nx, ny, cells)
