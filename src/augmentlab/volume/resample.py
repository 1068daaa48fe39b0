"""Resampling kernels: one output-to-input mapping per call, applied to the volume (linear or
nearest) and to its mask (nearest) alike, so the mask cannot drift from the volume.

A mapping says, for every output voxel, which (fractional) input voxel it reads: an affine one is
a 3x3 matrix and an offset (``scipy.ndimage.affine_transform``: no coordinate arrays), a dense one
holds the coordinates (``scipy.ndimage.map_coordinates``). Linear interpolation needs no spline
prefilter (``order <= 1``); it runs in float32 (float64 volumes stay float64), integer volumes are
rounded and clipped back to their dtype, and large volumes are cut into slabs along D that run on
threads (scipy releases the GIL; each output voxel depends on nothing else, so the bytes do not
depend on the thread count). Physical space is voxel index times spacing: an affine given in
millimetres becomes ``S^-1 A S`` in voxels (``S = diag(spacing)``), as TorchIO/ITK do it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

__all__ = ["AffineMap", "FieldMap", "euler_matrix", "physical_affine", "shear_matrix"]

_SLAB_VOXELS = 1 << 19  # below this, threads cost more than they save
_POOL: ThreadPoolExecutor | None = None


def _threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=_threads(), thread_name_prefix="augmentlab-volume")
    return _POOL


def _slabs(depth: int, voxels: int) -> list[tuple[int, int]]:
    # twice as many slabs as threads: a core taken by another process delays one short slab
    n = 2 * _threads() if voxels >= _SLAB_VOXELS else 1
    n = max(1, min(n, depth))
    edges = [round(depth * k / n) for k in range(n + 1)]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def _work_dtype(array: np.ndarray, order: int) -> np.dtype[Any]:
    if order == 0:
        return np.dtype(np.uint8) if array.dtype == np.bool_ else array.dtype
    return np.dtype(np.float64) if array.dtype == np.float64 else np.dtype(np.float32)


def _finish(out: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
    if out.dtype == dtype:
        return out
    if dtype == np.bool_:
        return out.astype(bool)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.clip(np.rint(out), info.min, info.max).astype(dtype)
    return out.astype(dtype)


class _Map:
    """An output-to-input mapping; `resample` runs it on one array (per channel)."""

    shape: tuple[int, int, int]

    def _run(self, src: np.ndarray, out: np.ndarray, a: int, b: int, order: int, cval: float,
             mode: str) -> None:
        raise NotImplementedError

    def resample(self, array: np.ndarray, *, order: int, cval: float = 0.0,
                 mode: str = "constant") -> np.ndarray:
        """`array` (``(D, H, W)`` or ``(D, H, W, C)``) read through this mapping; `order` 1 is
        linear, 0 nearest; outside the input reads `cval` (``mode="constant"``) or the nearest
        edge voxel (``mode="nearest"``). The dtype is kept."""
        if array.ndim == 4:
            return np.stack([self.resample(array[..., c], order=order, cval=cval, mode=mode)
                             for c in range(array.shape[3])], axis=-1)
        work = _work_dtype(array, order)
        src = np.ascontiguousarray(array, dtype=work)
        out = np.empty(self.shape, dtype=work)
        slabs = _slabs(self.shape[0], math.prod(self.shape))
        if len(slabs) == 1:
            self._run(src, out, 0, self.shape[0], order, cval, mode)
        else:
            futures = [_pool().submit(self._run, src, out, a, b, order, cval, mode) for a, b in slabs]
            for future in futures:
                future.result()
        return _finish(out, array.dtype)


class AffineMap(_Map):
    """Output voxel ``o`` reads input voxel ``matrix @ o + offset``, on an output grid of
    `shape`.

    Example:
        >>> v = np.arange(27, dtype=np.float32).reshape(3, 3, 3)
        >>> m = AffineMap(np.eye(3), np.zeros(3), (3, 3, 3))
        >>> bool((m.resample(v, order=1) == v).all())
        True
    """

    def __init__(self, matrix: np.ndarray, offset: np.ndarray, shape: Sequence[int]) -> None:
        self.matrix = np.asarray(matrix, dtype=np.float64)
        self.offset = np.asarray(offset, dtype=np.float64)
        self.shape = (int(shape[0]), int(shape[1]), int(shape[2]))

    def _run(self, src: np.ndarray, out: np.ndarray, a: int, b: int, order: int, cval: float,
             mode: str) -> None:
        from scipy import ndimage

        ndimage.affine_transform(src, self.matrix, offset=self.offset + self.matrix[:, 0] * a,
                                 output_shape=(b - a, *self.shape[1:]), output=out[a:b],
                                 order=order, mode=mode, cval=cval, prefilter=False)


class FieldMap(_Map):
    """Output voxel ``o`` reads input voxel ``coords[:, o]`` (``(3, D, H, W)``, as
    ``scipy.ndimage.map_coordinates`` takes them).

    Example:
        >>> v = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
        >>> grid = np.indices((2, 2, 2), dtype=np.float32)
        >>> bool((FieldMap(grid).resample(v, order=0) == v).all())
        True
    """

    def __init__(self, coords: np.ndarray) -> None:
        self.coords = coords
        self.shape = (int(coords.shape[1]), int(coords.shape[2]), int(coords.shape[3]))

    def _run(self, src: np.ndarray, out: np.ndarray, a: int, b: int, order: int, cval: float,
             mode: str) -> None:
        from scipy import ndimage

        ndimage.map_coordinates(src, self.coords[:, a:b], output=out[a:b], order=order, mode=mode,
                                cval=cval, prefilter=False)


def _plane_rotation(axis: int, degrees: float) -> np.ndarray:
    a, b = [k for k in range(3) if k != axis]
    t = math.radians(degrees)
    r = np.eye(3)
    r[a, a], r[a, b], r[b, a], r[b, b] = math.cos(t), -math.sin(t), math.sin(t), math.cos(t)
    return r


def euler_matrix(degrees: Sequence[float]) -> np.ndarray:
    """The rotation ``R0 @ R1 @ R2``, where ``Rk`` turns by ``degrees[k]`` about axis k, i.e. in
    the plane of the two other axes ``(a, b)``, ``a < b``: a positive angle turns axis a towards
    axis b, as ``np.rot90(x, 1, axes=(a, b))`` does at 90 degrees.

    Example:
        >>> np.round(euler_matrix([90, 0, 0]), 6).tolist()
        [[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
    """
    return _plane_rotation(0, degrees[0]) @ _plane_rotation(1, degrees[1]) @ _plane_rotation(2, degrees[2])


def shear_matrix(shear: Sequence[float]) -> np.ndarray:
    """Shear by angles (degrees) in the planes (0, 1), (0, 2), (1, 2): coordinate a gains
    ``tan(angle)`` times coordinate b.

    Example:
        >>> shear_matrix([45, 0, 0]).round(6).tolist()
        [[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    """
    m = np.eye(3)
    for (a, b), angle in zip(((0, 1), (0, 2), (1, 2)), shear, strict=True):
        m[a, b] = math.tan(math.radians(angle))
    return m


def physical_affine(forward: np.ndarray, translation: Sequence[float], shape: Sequence[int],
                    spacing: Sequence[float]) -> AffineMap:
    """The resampling of a volume of `shape` moved by ``x -> forward @ (x - c) + c + translation``
    in physical coordinates (index times `spacing`, `c` the volume's centre, `translation` in the
    spacing's unit): output voxel ``o`` reads ``S^-1 A^-1 S (o - c) + c - S^-1 A^-1 t``.

    Example:
        >>> m = physical_affine(np.eye(3), [2.0, 0, 0], (5, 5, 5), (2.0, 1.0, 1.0))
        >>> m.offset.tolist()  # 2 mm along D with 2 mm voxels: the content moves by one voxel
        [-1.0, 0.0, 0.0]
    """
    s = np.asarray(spacing, dtype=np.float64)
    inverse = np.linalg.inv(np.asarray(forward, dtype=np.float64))
    matrix = (inverse * s[None, :]) / s[:, None]  # S^-1 A^-1 S
    centre = (np.asarray(shape[:3], dtype=np.float64) - 1) / 2
    offset = centre - matrix @ centre - (inverse @ np.asarray(translation, dtype=np.float64)) / s
    return AffineMap(matrix, offset, shape[:3])
