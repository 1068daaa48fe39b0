"""Fusion of consecutive image steps, for one pipeline call (the image pass's `Fuser`).

Consecutive geometric transforms are planned from sizes alone and warped once (matrix fusion:
one interpolation, exact boxes and keypoints), except where a step would show area a crop of
the group cut away (a pad or a turn after a crop): there the group is warped first, as step by
step. Consecutive pointwise colour maps on uint8 images become one table pass (LUT fusion). At
most one group is pending at a time: a step of the other kind, or one applied on its own,
flushes it first, so the order of effects is the pipeline's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core.sample import Sample, to_jsonable
from .bases import GeometricTransform, PointwiseTransform
from .geometry import exact_plan
from .lut import apply_lut, compose_luts
from .warp import check_output_size, warp_sample

__all__ = ["GEOMETRY", "LUT", "ImageFuser"]

GEOMETRY, LUT = "geometry", "lut"  # the `fusion` kinds of GeometricTransform, PointwiseTransform


def _moved_corners(m: np.ndarray, hw: tuple[int, int]) -> list[tuple[float, float]]:
    """The corners of an ``hw`` frame (pixel edges) through the pixel-centre matrix `m`: plain
    floats, since this runs for every step added to a group (numpy costs more on 4 points)."""
    (a, b, c), (d, e, f), (g, k, n) = m.tolist()
    out = []
    for x, y in ((-0.5, -0.5), (hw[1] - 0.5, -0.5), (hw[1] - 0.5, hw[0] - 0.5), (-0.5, hw[0] - 0.5)):
        w = g * x + k * y + n
        out.append(((a * x + b * y + c) / w + 0.5, (d * x + e * y + f) / w + 0.5))
    return out


def _outside(points: list[tuple[float, float]], hw: tuple[int, int]) -> bool:
    tol = 1e-6 * max(hw)
    return any(x < -tol or y < -tol or x > hw[1] + tol or y > hw[0] + tol for x, y in points)


def _reveals(m: np.ndarray, in_hw: tuple[int, int], out_hw: tuple[int, int]) -> bool:
    """The step's output frame reaches outside its input frame (a pad, a turn, a shift)."""
    return _outside(_moved_corners(np.linalg.inv(m), out_hw), in_hw)


class ImageFuser:
    """Deferred geometric or pointwise steps of one call (see `augmentlab.core.passes.Fuser`).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.HorizontalFlip(p=1.0), al.VerticalFlip(p=1.0), al.Invert()])
        >>> img = np.arange(6, dtype=np.uint8).reshape(2, 3)
        >>> (pipe(image=img)["image"] == 255 - img[::-1, ::-1]).all()  # one warp, one table
        np.True_
    """

    __slots__ = ("geo", "geo_size", "has_size", "image_keys", "images_uint8", "luts", "matrices",
                 "moves_points", "pending", "size")

    def __init__(self, size: tuple[int, int], images_uint8: bool, image_keys: tuple[str, ...],
                 has_size: bool, moves_points: bool) -> None:
        self.geo: list[tuple[GeometricTransform, dict[str, Any], tuple[int, int]]] = []
        self.matrices: dict[int, np.ndarray] = {}  # by place in `geo`: worked out for the check
        self.geo_size: tuple[int, int] | None = None
        self.luts: list[tuple[PointwiseTransform, dict[str, Any]]] = []
        self.pending = False
        self.image_keys = image_keys
        self.has_size = has_size
        self.moves_points = moves_points
        self.size = size  # of the sample as it is now; (0, 0) without images and masks
        self.images_uint8 = images_uint8

    def defer(self, run: Any, t: Any, params: dict[str, Any] | None,
              rng: np.random.Generator) -> dict[str, Any] | None:
        if t.fusion == GEOMETRY:
            if not self.has_size:
                return None
            if self.luts:
                self.flush_luts(run)
            if self.geo and (self.geo[0][0].style != t.style or
                             (params is None and t.reads_sample)):
                self.flush_geometry(run)  # a box-safe crop draws from the boxes as they are now
            size = self.geo_size or self.size
            if params is None:
                params = t.sample_params(run.sample, rng) if t.reads_sample else \
                    t.sample_geometry(size, rng)
                if params and not t.native_params:  # a flip's {} needs no conversion
                    params = to_jsonable(params)
            if self.geo and self._would_show_what_was_cut(t, params, size):
                # one warp would bring back pixels an earlier step of the group cut away (a pad
                # after a crop, a turn after a turn): that earlier frame must clip, as step by step
                self.flush_geometry(run)
            self.geo.append((t, params, size))
            self.geo_size = t.output_size(params, size)
            check_output_size(type(t).__name__, self.geo_size)
        else:
            if not self.images_uint8:
                return None
            if self.geo:
                self.flush_geometry(run)
            if params is None:
                params = t.sample_params(run.sample, rng)
                if params and not t.native_params:
                    params = to_jsonable(params)
            self.luts.append((t, params))
        self.pending = True
        return params

    def _would_show_what_was_cut(self, t: GeometricTransform, params: dict[str, Any],
                                 size: tuple[int, int]) -> bool:
        """Whether step `t` shows area outside its input frame while a crop of the group cut
        part of the image away: fused, that area would show the cut pixels instead of fill."""
        if t.frame_to_frame or not any(g.cuts_frame for g, _, _ in self.geo):
            return False
        m = self.matrices[len(self.geo)] = t.matrix(params, size)  # kept for the warp
        return _reveals(m, size, t.output_size(params, size))

    def _matrix(self, i: int) -> np.ndarray:
        m = self.matrices.get(i)
        if m is None:
            t, params, size = self.geo[i]
            m = self.matrices[i] = t.matrix(params, size)
        return m

    def flush(self, run: Any) -> None:
        if self.geo:
            self.flush_geometry(run)
        if self.luts:
            self.flush_luts(run)

    def applied(self, run: Any) -> None:
        sample: Sample = run.sample
        self.images_uint8 = all(sample[k].dtype.char == "B" for k in self.image_keys)
        if self.has_size:
            self.size = sample.size

    def flush_geometry(self, run: Any) -> None:
        first, params, size = self.geo[0]
        assert self.geo_size is not None
        if len(self.geo) == 1 and not first.random:
            # a fixed warp (a flip, a centre crop, a pad) depends on the size alone: its matrix
            # and exact plan are worked out once per size
            cache = first.__dict__.get("_warp_cache")
            if cache is None:
                cache = first.__dict__["_warp_cache"] = {}
            hit = cache.get(size)
            if hit is None:
                if len(cache) > 64:
                    cache.clear()
                m = first.matrix(params, size)
                hit = cache[size] = (m, exact_plan(m, size))
            run.sample = warp_sample(run.sample, hit[0], self.geo_size, first.style, size, hit[1])
        elif len(self.geo) == 1 and (plan := first.window(params, size)) is not None:
            # a lone random window (a crop): the plan comes straight from the params; the matrix
            # is only needed to move boxes and keypoints
            moved = first.matrix(params, size) if self.moves_points else None
            run.sample = warp_sample(run.sample, moved, self.geo_size, first.style, size, plan)
        else:
            m = self._matrix(0)
            for i in range(1, len(self.geo)):
                m = self._matrix(i) @ m
            run.sample = warp_sample(run.sample, m, self.geo_size, first.style, self.size)
        self.size = self.geo_size
        self.geo, self.geo_size = [], None
        self.matrices = {}
        self.pending = bool(self.luts)

    def flush_luts(self, run: Any) -> None:
        changes = {}
        luts = self.luts
        first, first_params = luts[0]
        sample = run.sample
        for key in self.image_keys:
            img = sample[key]
            channels = 1 if img.ndim == 2 else img.shape[2]
            table = first.lut(first_params, channels)
            if len(luts) > 1:
                for t, params in luts[1:]:
                    table = compose_luts(table, t.lut(params, channels))
            changes[key] = apply_lut(img, table)
        run.sample = sample.derive(**changes)
        self.luts = []
        self.pending = bool(self.geo)
