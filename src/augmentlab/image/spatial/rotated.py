"""Rotated boxes: the two forms people store them in, and the rectangle a moved box becomes.

Forms (absolute pixels, pixel-edge coordinates like every box):

- ``obb``: ``(cx, cy, w, h, angle)``, the centre, the width and height, and the angle in degrees
  of the width side, measured from the x axis toward the y axis (x right, y down: a positive
  angle turns clockwise on screen, as in OpenCV's ``RotatedRect``); any angle is read, and boxes
  come back with the angle in ``[-90, 90)`` (mmrotate's "le90": a half turn changes nothing);
- ``xyxyxyxy``: the four corners ``x1, y1, ..., x4, y4`` of a quadrilateral, as DOTA and the
  YOLO-OBB label files store them (any convex quadrilateral, not only rectangles).

Inside, a rotated box is its corner polygon plus its own frame: the unit vectors ``u`` (the width
side, corner 1 to corner 2) and ``v`` (corner 1 to corner 4). Warps move the polygon exactly and
the frame as directions; a box cut by the frame or bent by a displacement field comes out as the
smallest rectangle around what is left, with its sides named after the frame, so the width stays
the side that was the width and the corners stay in the order they were given.
"""

from __future__ import annotations

import numpy as np

from ...core.errors import InvalidInput

__all__ = ["ROTATED_FORMATS", "convex_hull", "corners_from", "frame_of", "min_area_rect",
           "rotated_out"]

ROTATED_FORMATS = ("obb", "xyxyxyxy")
COLUMNS = {"obb": 5, "xyxyxyxy": 8}


def corners_from(arr: np.ndarray, fmt: str, key: str) -> np.ndarray:
    """``(N, 4, 2)`` corner polygons of rotated boxes given in `fmt` (checked: positive size,
    a convex quadrilateral).

    Example:
        >>> corners_from(np.array([[5.0, 5.0, 4.0, 2.0, 90.0]]), "obb", "b").round(6).tolist()
        [[[6.0, 3.0], [6.0, 7.0], [4.0, 7.0], [4.0, 3.0]]]
    """
    if fmt == "obb":
        cx, cy, w, h, angle = arr[:, :5].T
        bad = ~((w > 0) & (h > 0))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InvalidInput(f"{key}: rotated box {i} {arr[i, :5].tolist()} (cx, cy, w, h, angle) "
                               "needs a positive width and height")
        a = np.deg2rad(angle)
        u = np.stack([np.cos(a), np.sin(a)], 1) * (w / 2)[:, None]
        v = np.stack([-np.sin(a), np.cos(a)], 1) * (h / 2)[:, None]
        c = np.stack([cx, cy], 1)
        return np.stack([c - u - v, c + u - v, c + u + v, c - u + v], 1)
    quads = arr[:, :8].reshape(-1, 4, 2).copy()
    # a convex quadrilateral: the four turns of its outline all have one sign
    edges = np.roll(quads, -1, axis=1) - quads
    turns = edges[:, :, 0] * np.roll(edges, -1, axis=1)[:, :, 1] - \
        edges[:, :, 1] * np.roll(edges, -1, axis=1)[:, :, 0]
    bad = ~((turns > 0).all(axis=1) | (turns < 0).all(axis=1))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidInput(f"{key}: box {i} {arr[i, :8].tolist()} (x1, y1, ..., x4, y4) is not a "
                           "convex quadrilateral with positive area; give its four corners in "
                           "order around the outline")
    return quads


def frame_of(corners: np.ndarray) -> np.ndarray:
    """``(N, 2, 2)``: each box's unit ``u`` (corner 1 to 2) and ``v`` (corner 1 to 4).

    Example:
        >>> frame_of(np.array([[[0.0, 0], [4, 0], [4, 2], [0, 2]]])).tolist()
        [[[1.0, 0.0], [0.0, 1.0]]]
    """
    u = corners[:, 1] - corners[:, 0]
    v = corners[:, 3] - corners[:, 0]
    return np.stack([_unit(u), _unit(v)], 1)


def _unit(d: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(d, axis=-1, keepdims=True)
    return d / np.where(n > 0, n, 1.0)


def convex_hull(points: np.ndarray) -> np.ndarray:
    """The convex hull of ``(K, 2)`` points, counter-clockwise in x-right/y-up terms (Andrew's
    monotone chain; float64 throughout, unlike OpenCV's float32 ``convexHull``).

    Example:
        >>> convex_hull(np.array([[0.0, 0], [2, 0], [1, 1], [2, 2], [0, 2]])).tolist()
        [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]]
    """
    pts = np.unique(np.asarray(points, np.float64), axis=0)
    if len(pts) < 3:
        return pts

    def half(seq: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1]) -
                                     (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out

    lower, upper = half(pts), half(pts[::-1])
    return np.array(lower[:-1] + upper[:-1])


def min_area_rect(poly: np.ndarray, frame: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """The smallest rectangle around `poly` (one of its sides lies on a hull edge: the rotating
    calipers argument), as ``(centre, axes, w, h)``: ``axes`` holds the rectangle's width and
    height directions chosen nearest the box's frame ``(u, v)``, so the width stays the side that
    was the width.

    Example:
        >>> c, axes, w, h = min_area_rect(np.array([[0.0, 0], [4, 0], [4, 2], [0, 2]]),
        ...                               np.array([[0.0, 1], [-1, 0]]))
        >>> c.tolist(), (axes + 0.0).tolist(), round(w, 9), round(h, 9)
        ([2.0, 1.0], [[0.0, 1.0], [-1.0, 0.0]], 2.0, 4.0)
    """
    hull = convex_hull(poly)
    if len(hull) < 3:  # nothing with area: a point or a segment
        hull = np.asarray(poly, np.float64).reshape(-1, 2)
    edges = _unit(np.roll(hull, -1, axis=0) - hull)
    edges = edges[np.linalg.norm(edges, axis=1) > 0]
    if len(edges) == 0:
        edges = frame[:1].copy()
    normals = np.stack([-edges[:, 1], edges[:, 0]], 1)
    along = hull @ edges.T  # (K, E): every hull point projected on every edge direction
    across = hull @ normals.T
    areas = np.ptp(along, axis=0) * np.ptp(across, axis=0)
    best = int(np.argmin(areas))
    a, b = edges[best], normals[best]
    mid_a = (along[:, best].max() + along[:, best].min()) / 2
    mid_b = (across[:, best].max() + across[:, best].min()) / 2
    centre = a * mid_a + b * mid_b
    extent = {0: float(np.ptp(along[:, best])), 1: float(np.ptp(across[:, best]))}
    u, v = frame
    axes = (a, b)
    first = 0 if abs(a @ u) >= abs(b @ u) else 1  # the rectangle side nearest the width side
    width_axis = axes[first] * (1.0 if axes[first] @ u >= 0 else -1.0)
    height_axis = axes[1 - first] * (1.0 if axes[1 - first] @ v >= 0 else -1.0)
    return centre, np.stack([width_axis, height_axis]), extent[first], extent[1 - first]


def rotated_out(polys: list[np.ndarray], frames: np.ndarray, exact: np.ndarray,
                fmt: str) -> np.ndarray:
    """Rotated boxes in `fmt` from their (moved, clipped) polygons. A box whose polygon is still
    its four moved corners (``exact``) keeps them in the ``xyxyxyxy`` form; every other box is the
    smallest rectangle around its polygon.

    Example:
        >>> sq = np.array([[1.0, 1], [3, 1], [3, 2], [1, 2]])
        >>> rotated_out([sq], frame_of(sq[None]), np.array([True]), "obb").tolist()
        [[2.0, 1.5, 2.0, 1.0, 0.0]]
    """
    out = np.zeros((len(polys), COLUMNS[fmt]))
    for i, (poly, frame) in enumerate(zip(polys, frames, strict=True)):
        if fmt == "xyxyxyxy" and exact[i]:
            out[i] = poly.reshape(-1)
            continue
        centre, (a, b), w, h = min_area_rect(poly, frame)
        if fmt == "obb":
            # a rectangle turned half a turn is itself: the angle comes back in [-90, 90)
            angle = (float(np.degrees(np.arctan2(a[1], a[0]))) + 90.0) % 180.0 - 90.0
            out[i] = [centre[0], centre[1], w, h, angle]
        else:
            ha, hb = a * w / 2, b * h / 2
            out[i] = np.concatenate([centre - ha - hb, centre + ha - hb, centre + ha + hb,
                                     centre - ha + hb])
    return out


def rotated_sizes(polys: list[np.ndarray], frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Width and height of each rotated box's rectangle (for ``min_width``/``min_height``).

    Example:
        >>> sq = np.array([[1.0, 1], [3, 1], [3, 2], [1, 2]])
        >>> [a.tolist() for a in rotated_sizes([sq], frame_of(sq[None]))]
        [[2.0], [1.0]]
    """
    sizes = [min_area_rect(p, f)[2:] for p, f in zip(polys, frames, strict=True)]
    arr = np.array(sizes, np.float64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]
