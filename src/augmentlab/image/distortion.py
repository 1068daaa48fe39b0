"""Non-affine warps: elastic, grid and optical (barrel / pincushion) distortion.

Each gives a backward map; keypoints move through the same field and boxes by their outline.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ..core.params import check_number, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import Fill, Range
from .functional.noise import uniform16
from .spatial.bases import DisplacementTransform
from .spatial.geometry import _identity_map

__all__ = ["ElasticWarp", "GridDistortion", "OpticalDistortion"]

Size = tuple[int, int]


class ElasticWarp(DisplacementTransform):
    """Simard-style elastic deformation: a smooth random displacement field of correlation
    length ``sigma`` pixels and strength ``alpha`` (the same meaning as blurring uniform noise
    with a Gaussian of ``sigma`` and scaling by ``alpha``).

    Not named ``ElasticTransform``: Albumentations' ElasticTransform blurs *Gaussian* noise
    normalised by its largest value (a strength that depends on the image size) and defaults to
    ``alpha=1, sigma=50`` -- under a millipixel of displacement here. This class keeps its own
    recipe and defaults (``alpha=40, sigma=5``, ``p=1``). The recipe is Albumentations'
    ``ElasticTransform(..., noise_distribution="uniform")``, with the same ``alpha`` and ``sigma``.

    Speed: a field that is smooth over ``sigma`` pixels carries no detail finer than that, so we
    draw uniform white noise on a grid with one node every ``sigma / 2`` pixels, blur it there by
    ``sigma`` and interpolate linearly, instead of blurring a full-resolution noise image. Nodes
    ``sigma / 2`` apart on a field correlated over ``~1.4 sigma`` differ by a few percent, so
    linear interpolation is within ~2% of the smooth field. The displacement's standard deviation
    is scaled to that of the full-resolution recipe (``alpha * 0.163 / sigma`` pixels).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.ElasticWarp(alpha=40, sigma=5)
        >>> t(image=np.zeros((32, 32), np.uint8), keypoints=[[16, 16]], seed=0)["keypoints"].shape
        (1, 2)
    """

    def __init__(self, *, alpha: float = 40.0, sigma: float = 5.0, interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.alpha = float(check_number("ElasticWarp", "alpha", alpha, low=0))
        self.sigma = float(check_number("ElasticWarp", "sigma", sigma, low=0.5))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        gh, gw = max(2, int(math.ceil(2 * h / self.sigma))), max(2, int(math.ceil(2 * w / self.sigma)))
        rng = kernel_rng(params["seed"])
        # uniform white noise in [-1, 1) on the coarse grid, both displacement components at once
        coarse = uniform16(rng, (gh, gw, 2)).astype(np.float32)
        coarse *= np.float32(2 / 65536)
        coarse -= np.float32(1 - 1 / 65536)  # bin centres: symmetric in (-1, 1)
        # blur by sigma in node units: the covariance of Gaussian-blurred white noise
        kx, ky = _kernel(self.sigma * gw / w), _kernel(self.sigma * gh / h)
        coarse = cv2.sepFilter2D(coarse, -1, kx, ky, borderType=cv2.BORDER_REFLECT_101)
        # scale to the recipe's displacement std exactly: a blurred node has variance
        # (1/3) * sum(kx^2) * sum(ky^2); the full-resolution recipe has (1/3) * sum(k^2)^2
        full = float((_kernel(self.sigma) ** 2).sum())
        scale = self.alpha * math.sqrt(full * full / (float((kx**2).sum()) * float((ky**2).sum())))
        disp = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)
        return cv2.scaleAdd(disp, scale, _identity_map(h, w), dst=disp)  # in place: one allocation


def _kernel(sigma: float) -> np.ndarray:
    return cv2.getGaussianKernel(2 * int(math.ceil(3 * sigma)) + 1, sigma)


class GridDistortion(DisplacementTransform):
    """Stretch or squeeze the cells of a ``num_steps`` x ``num_steps`` grid by up to
    ``distort_limit`` (separable along x and y).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.GridDistortion()(image=np.zeros((20, 30, 3), np.uint8), seed=0)["image"].shape
        (20, 30, 3)
    """

    def __init__(self, *, num_steps: int = 5, distort_limit: Range = (-0.3, 0.3),
                 interpolation: str = "linear", border_mode: str = "constant", fill: Fill = 0,
                 fill_mask: float = 0, p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.num_steps = int(check_number("GridDistortion", "num_steps", num_steps, low=1,
                                          integer=True))
        self.distort_limit = to_range("GridDistortion", "distort_limit", distort_limit, low=-0.99,
                                      high=1.0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        n = self.num_steps + 1
        return {"xsteps": (1 + rng.uniform(*self.distort_limit, n)).tolist(),
                "ysteps": (1 + rng.uniform(*self.distort_limit, n)).tolist()}

    @staticmethod
    def _axis_map(length: int, steps: list[float]) -> np.ndarray:
        n = len(steps) - 1
        knots = np.linspace(0, length - 1, n + 1)
        widths = np.diff(knots) * np.asarray(steps[:n])
        src = np.concatenate([[0.0], np.cumsum(widths)])
        src = src * (length - 1) / src[-1] if src[-1] > 0 else knots  # keep the ends fixed
        return np.interp(np.arange(length), knots, src).astype(np.float32)

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        out = np.empty((h, w, 2), np.float32)
        out[..., 0] = self._axis_map(w, params["xsteps"])[None, :]
        out[..., 1] = self._axis_map(h, params["ysteps"])[:, None]
        return out


class OpticalDistortion(DisplacementTransform):
    """Radial lens distortion ``r_src = r * (1 + k r^2)`` with ``k ~ U(distort_limit)``
    (negative: barrel, positive: pincushion); ``r`` is normalised by the half diagonal.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.OpticalDistortion(distort_limit=0.1)(image=np.zeros((20, 30), np.uint8), seed=0)["image"].shape
        (20, 30)
    """

    def __init__(self, *, distort_limit: Range = (-0.05, 0.05), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.distort_limit = to_range("OpticalDistortion", "distort_limit", distort_limit,
                                      low=-0.5, high=0.5)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"k": uniform(rng, *self.distort_limit)}

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
        norm = math.hypot(cx, cy) or 1.0
        # separable pieces on 1-D axes; only the radius term needs a full 2-D pass
        dx = ((np.arange(w) - cx) / norm).astype(np.float32)[None, :]
        dy = ((np.arange(h) - cy) / norm).astype(np.float32)[:, None]
        factor = (dx * dx + dy * dy) * np.float32(params["k"] * norm) + np.float32(norm)
        return cv2.merge([np.float32(cx) + dx * factor, np.float32(cy) + dy * factor])
