"""Non-affine warps: elastic, grid and optical (barrel / pincushion) distortion.

Each gives a backward map; keypoints move through the same field and boxes by their outline.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ..core.params import check_number, to_range
from ..core.transform import DisplacementTransform

__all__ = ["ElasticTransform", "GridDistortion", "OpticalDistortion"]

Size = tuple[int, int]
_WHITE_NOISE_BLUR_STD = math.sqrt(1.0 / 3.0) / (2.0 * math.sqrt(math.pi))


def _grid(size: Size) -> tuple[np.ndarray, np.ndarray]:
    h, w = size
    xs = np.arange(w, dtype=np.float32)[None, :].repeat(h, 0)
    ys = np.arange(h, dtype=np.float32)[:, None].repeat(w, 1)
    return xs, ys


class ElasticTransform(DisplacementTransform):
    """Simard-style elastic deformation: a smooth random displacement field of correlation
    length ``sigma`` pixels and strength ``alpha`` (the same meaning as blurring uniform noise
    with a Gaussian of ``sigma`` and scaling by ``alpha``).

    Speed: a field that is smooth over ``sigma`` pixels carries no detail finer than that, so we
    draw it on a grid with one node every ``sigma / 2`` pixels and upsample bicubically, instead
    of blurring a full-resolution noise image; the displacement's standard deviation is matched
    to the blurred-noise recipe (``alpha * 0.163 / sigma`` pixels).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.ElasticTransform(alpha=40, sigma=5)
        >>> t(image=np.zeros((32, 32), np.uint8), keypoints=[[16, 16]], seed=0)["keypoints"].shape
        (1, 2)
    """

    def __init__(self, *, alpha: float = 40.0, sigma: float = 5.0, interpolation: str = "linear",
                 border_mode: str = "constant", fill: Any = 0, fill_mask: float = 0,
                 p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.alpha = float(check_number("ElasticTransform", "alpha", alpha, low=0))
        self.sigma = float(check_number("ElasticTransform", "sigma", sigma, low=0.5))

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"seed": int(rng.integers(0, 2**63 - 1))}

    def maps(self, params: dict[str, Any], size: Size) -> tuple[np.ndarray, np.ndarray]:
        h, w = size
        step = max(1.0, self.sigma / 2.0)
        gh, gw = int(math.ceil(h / step)) + 1, int(math.ceil(w / step)) + 1
        rng = np.random.default_rng(params["seed"])
        coarse = rng.standard_normal((2, gh, gw), dtype=np.float32)
        # smooth the coarse nodes a little so the field is Gaussian-like rather than bicubic-spiky
        coarse = np.stack([cv2.GaussianBlur(c, (0, 0), 1.0) for c in coarse])
        coarse /= coarse.reshape(2, -1).std(axis=1).reshape(2, 1, 1) + 1e-12
        target_std = np.float32(self.alpha * _WHITE_NOISE_BLUR_STD / self.sigma)
        up_w, up_h = int(round((gw - 1) * step)) + 1, int(round((gh - 1) * step)) + 1
        dx = cv2.resize(coarse[0], (up_w, up_h), interpolation=cv2.INTER_CUBIC)[:h, :w]
        dy = cv2.resize(coarse[1], (up_w, up_h), interpolation=cv2.INTER_CUBIC)[:h, :w]
        xs, ys = _grid(size)
        return xs + dx * target_std, ys + dy * target_std


class GridDistortion(DisplacementTransform):
    """Stretch or squeeze the cells of a ``num_steps`` x ``num_steps`` grid by up to
    ``distort_limit`` (separable along x and y).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.GridDistortion()(image=np.zeros((20, 30, 3), np.uint8), seed=0)["image"].shape
        (20, 30, 3)
    """

    def __init__(self, *, num_steps: int = 5, distort_limit: Any = 0.3,
                 interpolation: str = "linear", border_mode: str = "constant", fill: Any = 0,
                 fill_mask: float = 0, p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.num_steps = int(check_number("GridDistortion", "num_steps", num_steps, low=1,
                                          integer=True))
        self.distort_limit = to_range("GridDistortion", "distort_limit", distort_limit, low=-0.99,
                                      high=1.0)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
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

    def maps(self, params: dict[str, Any], size: Size) -> tuple[np.ndarray, np.ndarray]:
        h, w = size
        mx = self._axis_map(w, params["xsteps"])
        my = self._axis_map(h, params["ysteps"])
        return np.broadcast_to(mx[None, :], (h, w)).copy(), np.broadcast_to(my[:, None], (h, w)).copy()


class OpticalDistortion(DisplacementTransform):
    """Radial lens distortion ``r_src = r * (1 + k r^2)`` with ``k ~ U(distort_limit)``
    (negative: barrel, positive: pincushion); ``r`` is normalised by the half diagonal.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.OpticalDistortion(distort_limit=0.1)(image=np.zeros((20, 30), np.uint8), seed=0)["image"].shape
        (20, 30)
    """

    def __init__(self, *, distort_limit: Any = 0.05, interpolation: str = "linear",
                 border_mode: str = "constant", fill: Any = 0, fill_mask: float = 0,
                 p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.distort_limit = to_range("OpticalDistortion", "distort_limit", distort_limit,
                                      low=-0.5, high=0.5)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"k": float(rng.uniform(*self.distort_limit))}

    def maps(self, params: dict[str, Any], size: Size) -> tuple[np.ndarray, np.ndarray]:
        h, w = size
        xs, ys = _grid(size)
        cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
        norm = math.hypot(cx, cy) or 1.0
        dx, dy = (xs - cx) / norm, (ys - cy) / norm
        factor = 1.0 + np.float32(params["k"]) * (dx * dx + dy * dy)
        return (cx + dx * factor * norm).astype(np.float32), (cy + dy * factor * norm).astype(np.float32)
