"""Polygons as a field: instance outlines moved as polygons (never rasterised and traced back).

A polygon is ``(K, 2)`` vertices ``(x, y)`` in pixel-edge coordinates, like boxes and COCO's
``segmentation`` lists (the pixel ``(row i, column j)`` is the square ``[j, j+1] x [i, i+1]``).
Matrix warps move the vertices exactly (straight edges stay straight under affine and perspective
maps); displacement fields move an outline densified to one vertex per pixel, so a bent edge
bends. After each warp a polygon is cut to the frame (any simple polygon, concave included: the
frame is convex); a polygon with no area left goes, with its label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...core.errors import InvalidInput

__all__ = ["PolygonSet", "Polygons", "clip_pieces"]


@dataclass
class Polygons:
    """Polygons (instance outlines) that follow every geometric transform, with one label each.

    Each polygon is ``(K, 2)`` vertices or a flat COCO list ``[x1, y1, x2, y2, ...]``, in pixel
    coordinates of the image (edges: ``[0, 0, 4, 0, 4, 2, 0, 2]`` covers the top-left 4x2
    pixels). An object in several parts is several polygons with the same label.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> poly = al.Polygons([[0, 0, 4, 0, 4, 2]], labels=["roof"])
        >>> out = al.Compose([al.HorizontalFlip(p=1.0)])(image=np.zeros((10, 10), np.uint8), polygons=poly)
        >>> out["polygons"].polygons[0].tolist(), out["polygons"].labels
        ([[10.0, 0.0], [6.0, 0.0], [6.0, 2.0]], ['roof'])
    """

    polygons: list[np.ndarray]
    labels: Sequence[Any] | None = None

    def __init__(self, polygons: Sequence[Any], labels: Sequence[Any] | None = None) -> None:
        self.polygons = [as_polygon(p, "polygons", i) for i, p in enumerate(polygons)]
        self.labels = labels

    def __len__(self) -> int:
        return len(self.polygons)


def as_polygon(value: Any, key: str, i: int) -> np.ndarray:
    """One polygon as a ``(K, 2)`` float64 array (from vertices or a flat COCO list).

    Example:
        >>> as_polygon([1, 2, 3, 4, 5, 7], "p", 0).tolist()
        [[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]]
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInput(f"{key}: polygon {i} is not a list of numbers") from None
    if arr.ndim == 1 and arr.size % 2 == 0:
        arr = arr.reshape(-1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) < 3:
        raise InvalidInput(f"{key}: polygon {i} must have at least 3 vertices, as (K, 2) points or "
                           f"a flat list [x1, y1, x2, y2, ...]; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise InvalidInput(f"{key}: polygon {i} has a NaN or infinite coordinate")
    return arr


@dataclass
class PolygonSet:
    """Internal polygons: edge-coordinate vertices, labels, each one's place in the input."""

    polys: list[np.ndarray]
    labels: list[Any] | None
    as_object: bool
    index: np.ndarray

    @classmethod
    def from_input(cls, value: Any, key: str, size: tuple[int, int]) -> PolygonSet:
        from .geometry import polygon_area

        as_object = isinstance(value, Polygons)
        labels = value.labels if as_object else None
        if as_object:
            polys = value.polygons
        elif isinstance(value, (list, tuple)):
            polys = [as_polygon(p, key, i) for i, p in enumerate(value)]
        else:
            raise InvalidInput(f"{key}: expected al.Polygons or a list of polygons, got "
                               f"{type(value).__name__}")
        if labels is not None and len(labels) != len(polys):
            raise InvalidInput(f"{key}: {len(polys)} polygons but {len(labels)} labels; give one "
                               "label per polygon")
        h, w = size
        tol = 1e-6 * max(h, w)
        for i, p in enumerate(polys):
            if p.min() < -tol or p[:, 0].max() > w + tol or p[:, 1].max() > h + tol:
                raise InvalidInput(f"{key}: polygon {i} reaches outside the {w}x{h} image (x from "
                                   f"{p[:, 0].min():g} to {p[:, 0].max():g}, y from "
                                   f"{p[:, 1].min():g} to {p[:, 1].max():g}); clip it to the image")
            if polygon_area(p) <= 0:
                raise InvalidInput(f"{key}: polygon {i} has no area (its vertices are on one line, "
                                   "or its outline crosses itself so that its parts cancel); give "
                                   "a simple outline, one polygon per part")
        return cls([p.copy() for p in polys], None if labels is None else list(labels), as_object,
                   np.arange(len(polys)))

    def moved(self, polys: list[np.ndarray], out_hw: tuple[int, int]) -> PolygonSet:
        """These polygons at new places, cut to an ``out_hw`` frame: a polygon the frame cuts
        into several pieces becomes several polygons with its label; those with no area left go."""
        h, w = out_hw
        kept: list[np.ndarray] = []
        owner: list[int] = []
        for i, p in enumerate(polys):
            pieces = [p] if p.min() >= 0 and p[:, 0].max() <= w and p[:, 1].max() <= h \
                else clip_pieces(p, w, h)
            kept += pieces
            owner += [i] * len(pieces)
        idx = np.array(owner, int)
        labels = None if self.labels is None else [self.labels[i] for i in idx]
        return PolygonSet(kept, labels, self.as_object, self.index[idx])

    def to_output(self) -> Any:
        polys = [p.copy() for p in self.polys]
        return Polygons(polys, labels=self.labels) if self.as_object else polys


def clip_pieces(poly: np.ndarray, width: float, height: float) -> list[np.ndarray]:
    """A simple polygon (concave too) cut to ``[0, width] x [0, height]``, as its separate pieces
    with area (Sutherland-Hodgman would join the pieces by edges along the frame).

    Example:
        >>> u = np.array([[0, 0], [1, 0], [1, 2], [2, 2], [2, 0], [3, 0], [3, 3], [0, 3]], float)
        >>> sorted(np.concatenate([p.min(axis=0), p.max(axis=0)]).tolist()
        ...        for p in clip_pieces(u, 3, 1))  # the U's two legs
        [[0.0, 0.0, 1.0, 1.0], [2.0, 0.0, 3.0, 1.0]]
    """
    from .geometry import polygon_area

    pieces = [np.asarray(poly, np.float64)]
    for axis, bound, below in ((0, 0.0, False), (0, width, True), (1, 0.0, False),
                               (1, height, True)):
        pieces = [q for p in pieces for q in _half_plane(p, axis, bound, below)]
    return [p for p in pieces if len(p) >= 3 and polygon_area(p) > 0]


def _half_plane(poly: np.ndarray, axis: int, bound: float, below: bool) -> list[np.ndarray]:
    """The pieces of `poly` on one side of the line ``x[axis] == bound``. Walking the outline,
    each exit across the line continues along it to the crossing that closes the same stretch
    of the line inside the polygon (crossings sorted along the line pair up: even-odd), which is
    an entry; each closed walk is one piece."""
    # strictly inside: an edge lying on the line is dropped, not kept as a bridge of no width
    inside = poly[:, axis] < bound if below else poly[:, axis] > bound
    if inside.all():
        return [poly]
    if not inside.any():
        return []
    n = len(poly)
    points: list[np.ndarray] = []
    kinds: list[int] = []  # 0: a vertex inside, 1: an exit, 2: an entry
    for i in range(n):
        j = (i + 1) % n
        if inside[i]:
            points.append(poly[i])
            kinds.append(0)
        if inside[i] != inside[j]:
            a, b = poly[i], poly[j]
            point = a + (bound - a[axis]) / (b[axis] - a[axis]) * (b - a)
            point[axis] = bound
            points.append(point)
            kinds.append(1 if inside[i] else 2)
    crossings = sorted((k for k, kind in enumerate(kinds) if kind),
                       key=lambda k: points[k][1 - axis])
    partner = {}
    for a, b in zip(crossings[0::2], crossings[1::2], strict=True):
        partner[a], partner[b] = b, a
    used: set[int] = set()
    pieces = []
    for start in (k for k, kind in enumerate(kinds) if kind == 2):
        if start in used:
            continue
        piece, k = [], start
        while k not in used:
            used.add(k)
            piece.append(points[k])
            k = partner[k] if kinds[k] == 1 else (k + 1) % len(points)
        pieces.append(np.array(piece))
    return pieces
