"""Non-affine warps: elastic, grid and optical (barrel / pincushion) distortion, piecewise affine
and thin-plate-spline warps.

Each gives a backward map; keypoints move through the same field and boxes by their outline.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_choice, check_number, shown, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import Fill, IntRange, Range
from .functional.noise import uniform16
from .spatial.bases import DisplacementTransform, ImageOnlyTransform, require_channels
from .spatial.geometry import _identity_map
from .spatial.warp import INTERPOLATIONS

__all__ = ["ChromaticAberration", "ElasticWarp", "GridDistortion", "OpticalDistortion",
           "PiecewiseAffine", "ThinPlateSpline"]

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


def _int_range(owner: str, name: str, value: Any, low: int) -> tuple[int, int]:
    lo, hi = to_range(owner, name, value, center=None, low=low)
    if lo != int(lo) or hi != int(hi):
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be whole numbers >= {low}")
    return int(lo), int(hi)


def piecewise_affine_map(size: Size, nodes: np.ndarray) -> np.ndarray:
    """The backward map of a piecewise affine warp: `nodes` ``(rows, cols, 2)`` holds the source
    ``(x, y)`` of a regular grid of output points spanning the image (pixel centres, corners
    included); each grid cell is split along its diagonal from top-right to bottom-left into
    two triangles, and each triangle maps affinely onto the triangle of its nodes' sources.

    Example:
        >>> nodes = np.array([[[0, 0], [3, 0]], [[0, 3], [3, 3]]], np.float64) * 2
        >>> m = piecewise_affine_map((4, 4), nodes)
        >>> m[1, 2].tolist()  # a 2x scaling: every triangle carries the same affine map
        [4.0, 2.0]
    """
    h, w = size
    rows, cols = nodes.shape[:2]
    fx = np.arange(w, dtype=np.float64) * ((cols - 1) / max(w - 1, 1))
    fy = np.arange(h, dtype=np.float64) * ((rows - 1) / max(h - 1, 1))
    cj = np.minimum(fx.astype(np.intp), cols - 2)
    ri = np.minimum(fy.astype(np.intp), rows - 2)
    # one grid cell at a time, on its block of pixels (u along x, v along y, both in [0, 1])
    xs = np.searchsorted(cj, np.arange(cols), side="left")
    ys = np.searchsorted(ri, np.arange(rows), side="left")
    out = np.empty((h, w, 2), np.float32)
    for r in range(rows - 1):
        y0, y1 = ys[r], ys[r + 1] if r + 2 < rows else h
        if y1 <= y0:
            continue
        v = (fy[y0:y1] - r).astype(np.float32)[:, None]
        for c in range(cols - 1):
            x0, x1 = xs[c], xs[c + 1] if c + 2 < cols else w
            if x1 <= x0:
                continue
            u = (fx[x0:x1] - c).astype(np.float32)[None, :]
            lower = (u + v) <= 1.0
            for k in range(2):
                n00, n10 = np.float32(nodes[r, c, k]), np.float32(nodes[r, c + 1, k])
                n01, n11 = np.float32(nodes[r + 1, c, k]), np.float32(nodes[r + 1, c + 1, k])
                first = n00 + u * (n10 - n00) + v * (n01 - n00)
                second = n11 + (1 - u) * (n01 - n11) + (1 - v) * (n10 - n11)
                out[y0:y1, x0:x1, k] = np.where(lower, first, second)
    return out


class PiecewiseAffine(DisplacementTransform):
    """Move the points of a regular ``nb_rows`` x ``nb_cols`` grid (corners and edges included)
    by Gaussian jitter and warp each triangle of the grid affinely with its corners: local,
    continuous distortions. The jitter's standard deviation is ``scale * min(height, width) / 3``
    pixels (``scale`` drawn from its range; with ``absolute_scale=True``, ``scale / 3`` pixels),
    and moved points stay inside the image: Albumentations' parameters and defaults (``p=0.5``).

    This is the piecewise affine transform of scikit-image and imgaug (one affine map per
    triangle of the control grid). Albumentations 2.0.8's ``PiecewiseAffine`` draws its
    control points the same way but does not warp piecewise affinely: each output pixel takes
    the inverse-squared-distance-weighted mean of *all* the moved points (a smooth global
    blend, computed pixel by pixel), so outputs differ from it; ours is tested against the
    definition (nodes land exactly on their sources, the map is affine inside each triangle).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.PiecewiseAffine(scale=0.05, p=1.0)
        >>> t(image=np.zeros((32, 40), np.uint8), keypoints=[[10, 10]], seed=0)["image"].shape
        (32, 40)
    """

    def __init__(self, *, scale: Range = (0.03, 0.05), nb_rows: IntRange = (4, 4),
                 nb_cols: IntRange = (4, 4), interpolation: str = "linear",
                 mask_interpolation: str = "nearest", absolute_scale: bool = False,
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, mask_interpolation=mask_interpolation, p=p)
        self.scale = to_range("PiecewiseAffine", "scale", scale, center=None, low=0)
        self.nb_rows = _int_range("PiecewiseAffine", "nb_rows", nb_rows, 2)
        self.nb_cols = _int_range("PiecewiseAffine", "nb_cols", nb_cols, 2)
        self.absolute_scale = bool(absolute_scale)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        rows = integer(rng, self.nb_rows[0], self.nb_rows[1] + 1)
        cols = integer(rng, self.nb_cols[0], self.nb_cols[1] + 1)
        scale = uniform(rng, *self.scale)
        sigma = scale / 3 if self.absolute_scale else scale * min(h, w) / 3
        jitter = rng.normal(0.0, 1.0, (rows, cols, 2)) * sigma
        return {"jitter": jitter.round(4).tolist()}

    def nodes(self, params: dict[str, Any], size: Size) -> np.ndarray:
        """The source ``(x, y)`` of each grid point, ``(rows, cols, 2)`` (jittered, in the image)."""
        h, w = size
        jitter = np.asarray(params["jitter"], np.float64)
        if jitter.ndim != 3 or jitter.shape[2] != 2 or min(jitter.shape[:2]) < 2:
            raise InvalidInput(f"PiecewiseAffine: params hold a jitter of shape {jitter.shape}; "
                               "expected (rows, cols, 2) with at least 2 rows and columns")
        rows, cols = jitter.shape[:2]
        grid = np.empty((rows, cols, 2))
        grid[..., 0] = np.linspace(0, w - 1, cols)[None, :]
        grid[..., 1] = np.linspace(0, h - 1, rows)[:, None]
        moved = grid + jitter
        np.clip(moved[..., 0], 0, w - 1, out=moved[..., 0])
        np.clip(moved[..., 1], 0, h - 1, out=moved[..., 1])
        return moved

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return piecewise_affine_map(size, self.nodes(params, size))


def tps_fit(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The thin-plate spline through ``src[i] -> dst[i]`` (Bookstein 1989): kernel weights
    ``(n, 2)`` and affine part ``(3, 2)`` of ``f(p) = a0 + a1 x + a2 y + sum_i w_i U(|p - src_i|)``
    with ``U(r) = r^2 log r``, the bending-energy minimiser that interpolates every point.

    Example:
        >>> src = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.5]])
        >>> w, a = tps_fit(src, src * 2)  # an affine map needs no bending
        >>> bool(np.allclose(w, 0)), (a.round(6) + 0.0).tolist()
        (True, [[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    """
    n = len(src)
    d2 = ((src[:, None, :] - src[None, :, :]) ** 2).sum(axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        kernel = np.where(d2 > 0, 0.5 * d2 * np.log(d2), 0.0)
    system = np.zeros((n + 3, n + 3))
    system[:n, :n] = kernel
    system[:n, n] = system[n, :n] = 1.0
    system[:n, n + 1:] = src
    system[n + 1:, :n] = src.T
    target = np.zeros((n + 3, 2))
    target[:n] = dst
    solved = np.linalg.lstsq(system, target, rcond=None)[0]
    return solved[:n], solved[n:]


def tps_control_points(n: int) -> np.ndarray:
    """Albumentations' control points in [0, 1]^2: an ``n`` x ``n`` grid (x fastest), or for
    ``n=2`` the four corners and the centre."""
    if n == 2:
        return np.array([[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.5]], np.float64)
    x = np.linspace(0, 1, n)
    return np.stack(np.meshgrid(x, x), axis=-1).reshape(-1, 2)


class ThinPlateSpline(DisplacementTransform):
    """A smooth warp through control points: an ``num_control_points`` x ``num_control_points``
    grid over the image (corners and centre for 2), each moved by Gaussian jitter of standard
    deviation ``scale / 10`` of the image's sides (``scale`` drawn from ``scale_range``); the
    thin-plate spline through them (least bending energy, Bookstein 1989) gives the source of
    every output pixel. Albumentations' parameters and defaults (``p=0.5``).

    Albumentations 2.0.8 solves for the spline's weights with the kernel ``r^4 log r^2`` but
    evaluates it with ``r^2 log r^2``, so its warp does not pass through its control points;
    ours uses ``U(r) = r^2 log r`` in both places (the definition), and is tested against
    SciPy's thin-plate-spline interpolator.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.ThinPlateSpline(scale_range=(0.2, 0.4), p=1.0)
        >>> t(image=np.zeros((32, 40, 3), np.uint8), seed=0)["image"].shape
        (32, 40, 3)
    """

    def __init__(self, *, scale_range: Range = (0.2, 0.4), num_control_points: int = 4,
                 interpolation: str = "linear", mask_interpolation: str = "nearest",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, mask_interpolation=mask_interpolation, p=p)
        self.scale_range = to_range("ThinPlateSpline", "scale_range", scale_range, center=None,
                                    low=0, high=1)
        self.num_control_points = int(check_number("ThinPlateSpline", "num_control_points",
                                                   num_control_points, low=2, high=16,
                                                   integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        n = len(tps_control_points(self.num_control_points))
        scale = uniform(rng, *self.scale_range) / 10
        return {"jitter": (rng.normal(0.0, 1.0, (n, 2)) * scale).round(6).tolist()}

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        src = tps_control_points(self.num_control_points)
        jitter = np.asarray(params["jitter"], np.float64)
        if jitter.shape != src.shape:
            raise InvalidInput(f"ThinPlateSpline: params move {jitter.shape[0]} control points, "
                               f"this transform has {len(src)}")
        weights, affine = tps_fit(src, src + jitter)
        # on normalised coordinates (pixel index / side, as Albumentations), then in pixels;
        # float32 (a millipixel on a 4096-pixel side), the kernel part one log per control point
        x = (np.arange(w, dtype=np.float64) / w).astype(np.float32)
        y = (np.arange(h, dtype=np.float64) / h).astype(np.float32)
        out = np.empty((h, w, 2), np.float32)
        d2 = np.empty((h, w), np.float32)
        u = np.empty((h, w), np.float32)
        for axis, side in ((0, w), (1, h)):
            out[..., axis] = ((affine[0, axis] + affine[1, axis] * x) * side)[None, :]
            out[..., axis] += ((affine[2, axis] * y) * side)[:, None]
        for (cx, cy), wt in zip(src, weights, strict=True):
            if not wt.any():
                continue
            np.add(((x - np.float32(cx)) ** 2)[None, :], ((y - np.float32(cy)) ** 2)[:, None], out=d2)
            np.maximum(d2, np.float32(1e-30), out=u)
            np.log(u, out=u)
            u *= d2  # U = r^2 log r = d2 * log(d2) / 2
            out[..., 0] += u * np.float32(wt[0] * w / 2)
            out[..., 1] += u * np.float32(wt[1] * h / 2)
        return out


def lens_map(size: Size, k1: float, k2: float) -> tuple[np.ndarray, np.ndarray]:
    """The backward map (x and y, ``(H, W)`` float32 each) of OpenCV's radial lens model with
    camera matrix ``[[W, 0, W/2], [0, H, H/2]]`` and coefficients ``(k1, k2)``: output pixel
    ``p`` shows ``c + (p - c) (1 + k1 r^2 + k2 r^4)``, ``r`` in units of the width and height
    (``cv2.initUndistortRectifyMap``, as Albumentations builds it).

    Example:
        >>> mx, my = lens_map((4, 6), 0.1, 0.0)
        >>> float(mx[2, 3]), float(my[2, 3])  # the centre stays
        (3.0, 2.0)
    """
    h, w = size
    camera = np.array([[w, 0, w / 2.0], [0, h, h / 2.0], [0, 0, 1]], np.float32)
    coeffs = np.array([k1, k2, 0, 0], np.float32)
    mx, my = cv2.initUndistortRectifyMap(camera, coeffs, None, camera, (w, h), cv2.CV_32FC1)
    return mx, my


def _match(a: float, b: float, same: bool) -> float:
    """`b` with the sign of `a` (same=True) or the opposite sign (same=False)."""
    if a * b < 0 if same else a * b > 0:
        return -b
    return b


class ChromaticAberration(ImageOnlyTransform):
    """Lateral chromatic aberration: the red and the blue channels are magnified slightly
    differently from the green one, by OpenCV's radial lens model (``k1`` drawn from
    ``primary_distortion_limit``, ``k2`` from ``secondary_distortion_limit``, one pair per
    channel; edges replicated). ``mode="green_purple"`` bends red and blue the same way,
    ``"red_blue"`` opposite ways, ``"random"`` independently. As Albumentations'
    ``ChromaticAberration`` (``p=0.5``), computed with the same model; RGB images only.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((32, 32, 3), np.uint8); img[:, 26:] = 255
        >>> t = al.ChromaticAberration(primary_distortion_limit=(0.3, 0.3), p=1.0)
        >>> out = t(image=img, seed=0)["image"]
        >>> bool((out[:, :, 1] == img[:, :, 1]).all() and (out[:, :, 0] != img[:, :, 0]).any())
        True
    """

    native_params = True
    native_dtypes = frozenset({"uint8", "uint16", "float32"})  # remapped as they are

    def __init__(self, *, primary_distortion_limit: Range = (-0.02, 0.02),
                 secondary_distortion_limit: Range = (-0.05, 0.05), mode: str = "green_purple",
                 interpolation: str = "linear", p: float = 0.5) -> None:
        super().__init__(p=p)
        owner = "ChromaticAberration"
        self.primary_distortion_limit = to_range(owner, "primary_distortion_limit",
                                                 primary_distortion_limit, low=-1, high=1)
        self.secondary_distortion_limit = to_range(owner, "secondary_distortion_limit",
                                                   secondary_distortion_limit, low=-1, high=1)
        self.mode = check_choice(owner, "mode", mode, ("green_purple", "red_blue", "random"))
        self.interpolation = check_choice(owner, "interpolation", interpolation,
                                          tuple(n for n in INTERPOLATIONS if n != "area"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        k1r = uniform(rng, *self.primary_distortion_limit)
        k2r = uniform(rng, *self.secondary_distortion_limit)
        k1b = uniform(rng, *self.primary_distortion_limit)
        k2b = uniform(rng, *self.secondary_distortion_limit)
        k2r, k2b = _match(k1r, k2r, True), _match(k1b, k2b, True)
        if self.mode != "random":
            same = self.mode == "green_purple"
            k1b, k2b = _match(k1r, k1b, same), _match(k2r, k2b, same)
        return {"red": [k1r, k2r], "blue": [k1b, k2b]}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        require_channels(image, "ChromaticAberration")
        size = image.shape[:2]
        flag = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR,
                "cubic": cv2.INTER_CUBIC, "lanczos": cv2.INTER_LANCZOS4}[self.interpolation]
        planes = list(cv2.split(image if image.flags.c_contiguous else np.ascontiguousarray(image)))
        for c, key in ((0, "red"), (2, "blue")):
            mx, my = lens_map(size, *params[key])
            planes[c] = cv2.remap(planes[c], mx, my, flag, borderMode=cv2.BORDER_REPLICATE)
        return cv2.merge(planes)
