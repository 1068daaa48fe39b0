"""3-D elastic deformation: a smooth random displacement field from a coarse grid of control
points, upsampled by a cubic B-spline, and ONE resampling of the volume (and, through the same
coordinates, of its masks).

Following TorchIO's RandomElasticDeformation: `control_points` per axis hold displacements drawn
uniformly from ``[-max_displacement, max_displacement]`` (in the spacing's unit, e.g. mm); the
`locked_borders` outermost control points of every axis are set to zero (TorchIO locks only the
first two axes); the control points are the coefficients of a uniform cubic B-spline whose mesh
has ``control_points - 3`` intervals over the volume (what SimpleITK's
``BSplineTransformInitializer(image, n - 3)`` builds). Output voxel ``x`` reads input voxel
``x + displacement(x)``. The B-spline is separable, so the dense field is three small matrix
products (`bspline_weights`), not an interpolation of the whole grid.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_choice, check_number
from ..core.rng import integer, kernel_rng
from ..core.sample import Sample
from .base import IntTriple, ResamplingTransform, Triple, check_fill, check_triple, volume_of
from .resample import FieldMap

__all__ = ["RandomElasticDeformation", "bspline_weights", "displacement_field"]


def _cubic_bspline(t: np.ndarray) -> np.ndarray:
    t = np.abs(t)
    out = np.where(t < 1, (4 - 6 * t**2 + 3 * t**3) / 6, 0.0)
    return np.where((t >= 1) & (t < 2), (2 - t) ** 3 / 6, out)


def bspline_weights(length: int, points: int) -> np.ndarray:
    """``(length, points)`` weights of `points` cubic B-spline coefficients at each of `length`
    voxels: the spline's mesh has ``points - 3`` intervals spanning voxels 0 .. length - 1, and
    coefficient j sits at mesh position ``j - 1``. Each row sums to 1 (a constant field stays
    constant).

    Example:
        >>> w = bspline_weights(9, 5)
        >>> w.shape, bool(np.allclose(w.sum(axis=1), 1.0))
        ((9, 5), True)
    """
    where = np.arange(length, dtype=np.float64) * (points - 3) / max(length - 1, 1)
    return _cubic_bspline(where[:, None] - (np.arange(points, dtype=np.float64)[None, :] - 1))


def displacement_field(coarse: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """The dense ``(3, D, H, W)`` float32 field of a ``(n0, n1, n2, 3)`` grid of B-spline
    coefficients (`bspline_weights` along each axis).

    Example:
        >>> field = displacement_field(np.full((4, 4, 4, 3), 2.0), (5, 6, 7))
        >>> field.shape, bool(np.allclose(field, 2.0))
        ((3, 5, 6, 7), True)
    """
    w0, w1, w2 = (bspline_weights(n, k) for n, k in zip(shape, coarse.shape[:3], strict=True))
    out = np.empty((3, *shape), dtype=np.float32)
    for d in range(3):
        c = coarse[..., d]
        c = np.tensordot(w0, c, axes=(1, 0))  # (D, n1, n2)
        c = np.tensordot(c, w1, axes=(1, 1))  # (D, n2, H)
        out[d] = np.tensordot(c, w2, axes=(1, 1)).transpose(0, 1, 2)  # (D, H, W)
    return out


class RandomElasticDeformation(ResamplingTransform):
    """Deform by a smooth random displacement field (see the module: TorchIO's
    RandomElasticDeformation, one resampling): `control_points` per axis (>= 4), displacements up
    to `max_displacement` (per axis or one number, in the spacing's unit), `locked_borders` outer
    control points held still. Keep `max_displacement` under half the control points' spacing
    (``extent / (control_points - 3) / 2``) to avoid folding. The volume is read with
    `interpolation`, masks with nearest neighbour through the same coordinates; voxels from
    outside take `fill` and 0 in masks.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.random.default_rng(0).random((16, 16, 16)).astype(np.float32)
        >>> t = al.volume.RandomElasticDeformation(max_displacement=2.0)
        >>> out = t(volume=v, volume_mask=(v > 0.5), seed=0)
        >>> out["volume"].shape, out["volume_mask"].dtype, bool((out["volume"] != v).any())
        ((16, 16, 16), dtype('bool'), True)
    """

    name = "volume.RandomElasticDeformation"

    def __init__(self, *, control_points: IntTriple = 7, max_displacement: Triple = 7.5,
                 locked_borders: int = 2,
                 interpolation: str = "linear", fill: float | str = "minimum", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.control_points = check_triple(self.name, "control_points", control_points, low=4, high=64,
                                           integer=True)
        self.max_displacement = check_triple(self.name, "max_displacement", max_displacement, low=0,
                                             high=1e6)
        self.locked_borders = int(check_number(self.name, "locked_borders", locked_borders, low=0,
                                               high=2, integer=True))
        if any(2 * self.locked_borders >= n for n in self.control_points):
            raise InvalidConfig(f"{self.name}: locked_borders={locked_borders} locks every control "
                                f"point of {list(self.control_points)}; use more control points")
        self.interpolation = check_choice(self.name, "interpolation", interpolation, ("linear", "nearest"))
        self.fill = check_fill(self.name, fill)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        volume_of(sample)
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def coarse_field(self, params: dict[str, Any], spacing: tuple[float, float, float]) -> np.ndarray:
        """The ``(n0, n1, n2, 3)`` control-point displacements of this call, in voxels."""
        shape = (*self.control_points, 3)
        coarse = kernel_rng(int(params["seed"])).uniform(-1.0, 1.0, shape)
        coarse *= np.asarray(self.max_displacement, dtype=np.float64) / np.asarray(spacing)
        for i in range(self.locked_borders):
            coarse[[i, -1 - i], :, :] = 0
            coarse[:, [i, -1 - i], :] = 0
            coarse[:, :, [i, -1 - i]] = 0
        return coarse

    def mapping(self, shape: tuple[int, ...], params: dict[str, Any],
                spacing: tuple[float, float, float]) -> FieldMap:
        """The one output-to-input mapping of this call (the volume and its masks share it)."""
        grid = (int(shape[0]), int(shape[1]), int(shape[2]))
        coords = displacement_field(self.coarse_field(params, spacing), grid)
        for d in range(3):
            axis = [1, 1, 1]
            axis[d] = grid[d]
            coords[d] += np.arange(grid[d], dtype=np.float32).reshape(axis)
        return FieldMap(coords)

