"""Move every field of a sample through one geometric map (matrix or displacement field).

Images are interpolated, masks sampled nearest, boxes and polygons mapped by their corners
(matrices) or their outline (displacement fields), keypoints mapped exactly. After each warp,
boxes and polygons are clipped to the new image and a box's visible fraction is tracked; boxes,
polygons and keypoints that leave the image go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...core.sample import Sample
from .fields import BoxSet, PointSet
from .geometry import (
    ExactPlan,
    apply_exact,
    box_outline,
    clip_polygon,
    edge_matrix,
    exact_plan,
    forward_map_points,
    polygon_area,
    rectangle,
    remap_array,
    transform_points,
    warp_general,
)
from .polygons import PolygonSet
from .rotated import convex_hull

__all__ = ["BORDER_MODES", "INTERPOLATIONS", "MAX_PIXELS", "MAX_SIDE", "WarpStyle", "check_output_size",
           "fill_value", "remap_sample", "warp_sample"]

# The largest image augmentlab reads or makes: Pillow's decompression-bomb threshold (~0.25 GiB
# as RGBA), and OpenCV's warp limit on a side (its remap and warpAffine need sides < SHRT_MAX).
INTERPOLATIONS = ("nearest", "linear", "cubic", "area", "lanczos")
BORDER_MODES = ("constant", "replicate", "reflect", "reflect_101", "wrap")
MAX_PIXELS = 89_478_485
MAX_SIDE = 32_766


def check_output_size(owner: str, out_hw: tuple[int, int]) -> None:
    """Refuse an output frame larger than `MAX_PIXELS` or with a side over `MAX_SIDE`, before any
    memory is taken (OpenCV would fail deep inside, or the machine would swap).

    Example:
        >>> check_output_size("Resize", (100_000, 100_000))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: Resize: the output would be 100000x100000 = 10000000000 pixels; ...
    """
    from ...core.errors import InvalidInput

    h, w = int(out_hw[0]), int(out_hw[1])
    if h * w > MAX_PIXELS or max(h, w) > MAX_SIDE:
        raise InvalidInput(f"{owner}: the output would be {w}x{h} = {h * w} pixels; the limit is "
                           f"{MAX_PIXELS} pixels and {MAX_SIDE} on a side: ask for a smaller size")


@dataclass(frozen=True)
class WarpStyle:
    """How pixels are resampled. Consecutive transforms fuse only when their styles are equal."""

    interpolation: str = "linear"
    border: str = "constant"
    fill: float | tuple[float, ...] = 0
    fill_mask: float = 0
    mask_interpolation: str = "nearest"


def _clip_to_frame(boxes: BoxSet, moved: list[np.ndarray], out_hw: tuple[int, int],
                   frames: np.ndarray | None = None, bent: bool = False) -> BoxSet:
    """Clip each box's moved polygon to the new frame; the box is the clipped polygon's bounding
    box and its visibility shrinks by the fraction of area left. Boxes with nothing left go.
    Rotated boxes take their moved `frames`; `bent`: the polygons came from a displacement field,
    so none is its four corners moved exactly any more."""
    h, w = out_hw
    n = len(moved)
    xyxy, frac, clipped_polys = np.zeros((n, 4)), np.ones(n), list(moved)
    exact = None if boxes.exact is None else boxes.exact & (not bent)
    for i, poly in enumerate(moved):
        (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
        if x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h:  # inside the frame: nothing to clip
            xyxy[i] = (x0, y0, x1, y1)
            continue
        clipped = clip_polygon(poly, w, h)
        area = polygon_area(poly)
        if len(clipped) >= 3 and area > 0:
            xyxy[i] = [*clipped.min(axis=0), *clipped.max(axis=0)]
            frac[i] = polygon_area(clipped) / area
        else:
            frac[i] = 0.0
        clipped_polys[i] = clipped
        if exact is not None:
            exact[i] = False
    keep = (frac > 0) & (xyxy[:, 2] > xyxy[:, 0]) & (xyxy[:, 3] > xyxy[:, 1])
    return boxes.with_boxes(xyxy, boxes.visibility * frac, clipped_polys, frames,
                            exact).subset(keep)


def _move_polygons(boxes: BoxSet, m: np.ndarray) -> tuple[list[np.ndarray], np.ndarray | None]:
    """All box polygons through the (edge-coordinate) matrix in one call, and rotated boxes'
    frames moved as directions at each box's centre (exact for affine maps, the local direction
    under a perspective)."""
    polys = _polygons(boxes)
    if not polys:
        return [], boxes.frames
    em = edge_matrix(m)
    sizes = [len(p) for p in polys]
    moved = transform_points(np.concatenate(polys), em)
    frames = None
    if boxes.frames is not None:
        centres = np.array([p.mean(axis=0) for p in polys])
        frames = np.stack([_direction(centres, boxes.frames[:, k], lambda q: transform_points(q, em))
                           for k in (0, 1)], 1)
    return np.split(moved, np.cumsum(sizes)[:-1]), frames


def _direction(centres: np.ndarray, d: np.ndarray, move: Any) -> np.ndarray:
    """Unit directions `d` at `centres` after the point map `move` (a one-pixel step)."""
    step = move(centres + d) - move(centres)
    norm = np.linalg.norm(step, axis=1, keepdims=True)
    return step / np.where(norm > 0, norm, 1.0)


def _densify(poly: np.ndarray, spacing: float = 1.0) -> np.ndarray:
    """A closed polygon's outline with extra vertices at most `spacing` apart (so a curved map
    moves its edges, not only its corners)."""
    nxt = np.roll(poly, -1, axis=0)
    counts = np.maximum(1, np.ceil(np.linalg.norm(nxt - poly, axis=1) / spacing).astype(int))
    parts = [p + (q - p) * (np.arange(k)[:, None] / k) for p, q, k in zip(poly, nxt, counts,
                                                                        strict=True)]
    return np.concatenate(parts) if parts else poly


def _polygons(boxes: BoxSet) -> list[np.ndarray]:
    return boxes.polys or [rectangle(b) for b in boxes.xyxy]


def _keep_points(points: PointSet, xy: np.ndarray, out_hw: tuple[int, int],
                 remove_invisible: bool) -> PointSet:
    moved = points.with_points(xy)
    if not remove_invisible:
        return moved
    h, w = out_hw
    inside = (xy[:, 0] >= 0) & (xy[:, 0] < w) & (xy[:, 1] >= 0) & (xy[:, 1] < h)
    return moved.subset(inside)


def _fields(sample: Sample, image_fn, mask_fn, box_fn, point_fn, polygon_fn) -> Sample:  # noqa: ANN001
    changes = {}
    for key, kind in sample.kinds.items():
        if kind == "image":
            changes[key] = image_fn(sample[key])
        elif kind == "mask":
            changes[key] = mask_fn(sample[key])
        elif kind == "bboxes":
            changes[key] = box_fn(sample[key])
        elif kind == "keypoints":
            changes[key] = point_fn(sample[key])
        elif kind == "polygons":
            changes[key] = polygon_fn(sample[key])
    return sample.derive(**changes)


_PLAN_IT = ExactPlan(False, None, 0, 0)  # a marker: no plan given, work it out


def warp_sample(sample: Sample, m: np.ndarray | None, out_hw: tuple[int, int], style: WarpStyle,
                in_hw: tuple[int, int] | None = None, plan: ExactPlan | None = _PLAN_IT) -> Sample:
    """Warp all fields of `sample` by the 3x3 matrix `m` into an ``out_hw`` frame. Callers that
    know the input size `in_hw` or already hold ``exact_plan(m, in_hw)`` pass them along; one
    holding the plan of a window inside the input may pass ``m=None`` for a sample without
    boxes and keypoints."""
    check_output_size("warp", out_hw)
    if plan is _PLAN_IT:  # worked out once for every image and mask
        assert m is not None
        plan = exact_plan(m, in_hw or sample.size)
    changes: dict[str, Any] = {}
    for key, kind in sample.kinds.items():
        if kind == "image" or kind == "mask":
            interpolation, fill = ((style.interpolation, style.fill) if kind == "image"
                                   else (style.mask_interpolation, style.fill_mask))
            arr = sample[key]
            if arr.size == 0:  # an instance mask of no instances (an image with no objects)
                changes[key] = np.zeros((*out_hw, *arr.shape[2:]), arr.dtype)
                continue
            out = None if plan is None else apply_exact(arr, plan, out_hw, style.border, fill)
            if out is None:
                if m is None:
                    raise ValueError("warp_sample: m=None needs a plan inside the input")
                out = warp_general(arr, m, out_hw, interpolation=interpolation,
                                   border=style.border, fill=fill)
            changes[key] = out
        elif kind == "polygons":
            if m is None:
                raise ValueError(f"warp_sample: {key} (polygons) needs the matrix, got m=None")
            polys: PolygonSet = sample[key]
            em = edge_matrix(m)
            changes[key] = polys.moved([transform_points(p, em) for p in polys.polys], out_hw)
        elif kind == "bboxes" or kind == "keypoints":
            if m is None:
                raise ValueError(f"warp_sample: {key} ({kind}) needs the matrix, got m=None")
            if kind == "bboxes":
                moved, frames = _move_polygons(sample[key], m)
                changes[key] = _clip_to_frame(sample[key], moved, out_hw, frames)
                continue
            points = sample[key]
            changes[key] = _keep_points(points, transform_points(points.xy, m), out_hw,
                                        sample.meta.get("remove_invisible", True))
    return sample.derive(**changes)


def remap_sample(
    sample: Sample, xy_map: np.ndarray, style: WarpStyle
) -> Sample:
    """Warp all fields of `sample` by a backward map: output pixel p shows source ``map(p)``."""
    out_hw = xy_map.shape[:2]
    remove = bool(sample.meta.get("remove_invisible", True))

    def move(q: np.ndarray) -> np.ndarray:  # edge coordinates through the field
        return forward_map_points(q - 0.5, xy_map) + 0.5

    def boxes(b: BoxSet) -> BoxSet:
        if b.rotated:  # the bent outline's convex hull; its rectangle is made on the way out
            assert b.polys is not None and b.frames is not None
            hulls = [convex_hull(move(_densify(p))) for p in b.polys]
            centres = np.array([p.mean(axis=0) for p in b.polys]).reshape(-1, 2)
            frames = np.stack([_direction(centres, b.frames[:, k], move) for k in (0, 1)], 1)
            return _clip_to_frame(b, hulls, out_hw, frames.reshape(-1, 2, 2), bent=True)
        # a non-affine map bends edges: move the outline densely and keep its bounding rectangle
        pts, owner = box_outline(b.xyxy)
        moved = forward_map_points(pts, xy_map) + 0.5  # centre -> edge coordinates
        rects = [rectangle(np.concatenate([moved[owner == i].min(axis=0), moved[owner == i].max(axis=0)]))
                 for i in range(len(b.xyxy))]
        return _clip_to_frame(b, rects, out_hw)

    return _fields(
        sample,
        lambda a: remap_array(a, xy_map, interpolation=style.interpolation,
                              border=style.border, fill=style.fill),
        lambda a: np.zeros((*out_hw, *a.shape[2:]), a.dtype) if a.size == 0 else  # no instances
        remap_array(a, xy_map, interpolation=style.mask_interpolation, border=style.border,
                    fill=style.fill_mask),
        boxes,
        lambda p: _keep_points(p, forward_map_points(p.xy, xy_map), out_hw, remove),
        lambda ps: ps.moved([move(_densify(p)) for p in ps.polys], out_hw),
    )


def fill_value(fill: float | Sequence[float]) -> float | tuple[float, ...]:
    """Normalise a fill argument for hashing into a `WarpStyle`."""
    return float(fill) if isinstance(fill, (int, float)) else tuple(float(v) for v in fill)
