"""Blur and sharpening filters (convolutions; pixel values only).

Every filter takes uint8, uint16 and float32 images with any number of channels, in their own
dtype (OpenCV convolves and rounds 16-bit images itself). The blurs average, so their output stays
within the input's range: they read float images of any range (not only [0, 1]); Sharpen and
Emboss overshoot and clip, so they read float images as [0, 1].
"""

from __future__ import annotations

import functools
import math
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_choice, check_number, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .functional.dtype import DEPTHS, as_float, each_channel, like
from .spatial.bases import ImageOnlyTransform

__all__ = ["AdvancedBlur", "Blur", "Defocus", "Emboss", "GaussianBlur", "GlassBlur", "MedianBlur",
           "Morphological", "MotionBlur", "Sharpen", "UnsharpMask", "ZoomBlur"]


def _odd_range(owner: str, name: str, value: Any, low: int = 3) -> tuple[int, int]:
    lo, hi = to_range(owner, name, value, center=None, low=low)
    if lo != int(lo) or hi != int(hi) or int(lo) % 2 == 0 or int(hi) % 2 == 0:
        raise InvalidConfig(f"{owner}: {name}={value!r} must be odd whole numbers >= {low}")
    return int(lo), int(hi)


def _odd(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.choice(np.arange(lo, hi + 1, 2)))


def _filter(image: np.ndarray, kernel: np.ndarray, *, clip: bool = False) -> np.ndarray:
    """`image` convolved with `kernel` in its own dtype (integers saturate); float results are
    clipped to [0, 1] only for kernels that overshoot (`clip`)."""
    out = cv2.filter2D(image, -1, kernel.astype(np.float32), borderType=cv2.BORDER_REFLECT_101)
    if image.ndim == 3 and out.ndim == 2:
        out = out[:, :, None]
    return np.clip(out, 0, 1) if clip and image.dtype.kind == "f" else out


class _Filter(ImageOnlyTransform):
    """A convolution in the image's own dtype; an averaging one reads floats of any range."""

    _abstract = True
    native_dtypes = DEPTHS
    unit_float_images = False  # averaging: the output stays within the input's range


def _blend_with_identity(kernel: np.ndarray, alpha: float) -> np.ndarray:
    """A 3x3 kernel giving ``(1 - alpha) * image + alpha * (image filtered by kernel)``.

    Example:
        >>> _blend_with_identity(np.ones((3, 3), np.float32), 0.5)[1].tolist()
        [0.5, 1.0, 0.5]
    """
    identity = np.zeros((3, 3), np.float32)
    identity[1, 1] = 1
    return (1 - alpha) * identity + alpha * kernel


class _OddKernel(_Filter):
    """A filter with a random odd kernel size drawn from ``blur_limit``."""

    _abstract = True

    def __init__(self, *, blur_limit: IntRange = (3, 7), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.blur_limit = _odd_range(type(self).__name__, "blur_limit", blur_limit)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"ksize": _odd(rng, *self.blur_limit)}


class Blur(_OddKernel):
    """Box blur with a random odd kernel size in ``blur_limit``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Blur(blur_limit=3)(image=np.zeros((8, 8), np.uint8))["image"].shape
        (8, 8)
    """

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = params["ksize"]
        return _filter(image, np.full((k, k), 1.0 / (k * k)))


class GaussianBlur(_Filter):
    """Gaussian blur. ``sigma_limit`` in pixels (0 derives sigma from the kernel size);
    ``blur_limit`` the odd kernel sizes, or 0 (the default, as in Albumentations) to size the
    kernel to each drawn sigma (``2 * ceil(3 * sigma) + 1``). Defaults: sigma 0.5..3, ``p=0.5``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.GaussianBlur(sigma_limit=(1, 1))(image=np.zeros((8, 8, 3), np.uint8))["image"].shape
        (8, 8, 3)
        >>> al.GaussianBlur(sigma_limit=(1, 1)).sample_params(None, np.random.default_rng(0))
        {'ksize': 7, 'sigma': 1.0}
    """

    def __init__(self, *, blur_limit: IntRange = 0, sigma_limit: Range = (0.5, 3.0),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.sigma_limit = to_range("GaussianBlur", "sigma_limit", sigma_limit, center=None, low=0)
        if blur_limit == 0 or (isinstance(blur_limit, (list, tuple)) and list(blur_limit) == [0, 0]):
            if self.sigma_limit[0] <= 0:
                raise InvalidConfig("GaussianBlur: blur_limit=0 sizes the kernel to sigma, so "
                                    "sigma_limit must be > 0; give both, e.g. sigma_limit=(0.5, 3)")
            self.blur_limit = (0, 0)
        else:
            self.blur_limit = _odd_range("GaussianBlur", "blur_limit", blur_limit)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        sigma = uniform(rng, *self.sigma_limit)
        if self.blur_limit[1] == 0:  # the kernel follows sigma, no upper bound
            return {"ksize": max(3, int(2 * math.ceil(3 * sigma) + 1)), "sigma": sigma}
        ksize = _odd(rng, *self.blur_limit)
        if sigma > 0:  # size the kernel to the drawn sigma, at most the largest allowed size
            ksize = min(self.blur_limit[1], max(3, int(2 * math.ceil(3 * sigma) + 1)))
        return {"ksize": ksize, "sigma": sigma}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = params["ksize"]
        out = cv2.GaussianBlur(image, (k, k), params["sigma"], borderType=cv2.BORDER_REFLECT_101)
        return out[:, :, None] if image.ndim == 3 and out.ndim == 2 else out


class MedianBlur(_OddKernel):
    """Median filter with a random odd aperture (uint16 and float32 images: 3 or 5 only, an
    OpenCV limit).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.MedianBlur(blur_limit=3)(image=np.zeros((8, 8), np.uint8))["image"].shape
        (8, 8)
    """

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = params["ksize"]
        if image.dtype != np.uint8 and k > 5:
            k = 5  # OpenCV's median on uint16 and float32 supports apertures 3 and 5 only
        if image.ndim == 3 and image.shape[2] > 4:
            return each_channel(lambda plane: cv2.medianBlur(plane, k), image)
        out = cv2.medianBlur(np.ascontiguousarray(image), k)
        return out[:, :, None] if image.ndim == 3 and out.ndim == 2 else out


class MotionBlur(_Filter):
    """Blur along a random line (length from ``blur_limit``, any angle) through the centre.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.MotionBlur()(image=np.zeros((8, 8, 3), np.uint8), seed=0)["image"].shape
        (8, 8, 3)
    """

    def __init__(self, *, blur_limit: IntRange = (3, 7), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.blur_limit = _odd_range("MotionBlur", "blur_limit", blur_limit)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"ksize": _odd(rng, *self.blur_limit), "angle": uniform(rng, 0, 180)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = params["ksize"]
        kernel = np.zeros((k, k), np.float32)
        c = (k - 1) / 2
        a = math.radians(params["angle"])
        dx, dy = math.cos(a) * c, math.sin(a) * c
        cv2.line(kernel, (int(round(c - dx)), int(round(c - dy))),
                 (int(round(c + dx)), int(round(c + dy))), 1.0, 1)
        return _filter(image, kernel / kernel.sum())


class Defocus(_Filter):
    """Lens defocus: a disc kernel of random ``radius`` softened by ``alias_blur``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Defocus(radius=(3, 3))(image=np.zeros((16, 16), np.uint8))["image"].shape
        (16, 16)
    """

    def __init__(self, *, radius: IntRange = (3, 10), alias_blur: Range = (0.1, 0.5),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("Defocus", "radius", radius, center=None, low=1)
        self.radius = (int(lo), int(hi))
        self.alias_blur = to_range("Defocus", "alias_blur", alias_blur, center=None, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"radius": integer(rng, self.radius[0], self.radius[1] + 1),
                "alias_blur": uniform(rng, *self.alias_blur)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        r = params["radius"]
        yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
        disc = (xx**2 + yy**2 <= r * r).astype(np.float32)
        if params["alias_blur"] > 0:
            disc = cv2.GaussianBlur(disc, (3, 3), params["alias_blur"])
        return _filter(image, disc / disc.sum())


class Sharpen(_Filter):
    """Blend the image with a sharpened copy: ``alpha`` is the blend, ``lightness`` the centre
    weight.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Sharpen()(image=np.zeros((8, 8, 3), np.uint8), seed=0)["image"].shape
        (8, 8, 3)
    """

    unit_float_images = True  # it overshoots: float results are clipped to [0, 1]

    def __init__(self, *, alpha: Range = (0.2, 0.5), lightness: Range = (0.5, 1.0),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.alpha = to_range("Sharpen", "alpha", alpha, center=None, low=0, high=1)
        self.lightness = to_range("Sharpen", "lightness", lightness, center=None, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"alpha": uniform(rng, *self.alpha),
                "lightness": uniform(rng, *self.lightness)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        a, lightness = params["alpha"], params["lightness"]
        sharp = np.array([[-1, -1, -1], [-1, 8 + lightness, -1], [-1, -1, -1]], np.float32)
        return _filter(image, _blend_with_identity(sharp, a), clip=True)


class Emboss(_Filter):
    """Blend the image with an embossed copy (``alpha`` blend, ``strength`` relief).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Emboss()(image=np.zeros((8, 8), np.uint8), seed=0)["image"].shape
        (8, 8)
    """

    unit_float_images = True  # it overshoots: float results are clipped to [0, 1]

    def __init__(self, *, alpha: Range = (0.2, 0.5), strength: Range = (0.2, 0.7),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.alpha = to_range("Emboss", "alpha", alpha, center=None, low=0, high=1)
        self.strength = to_range("Emboss", "strength", strength, center=None, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"alpha": uniform(rng, *self.alpha),
                "strength": uniform(rng, *self.strength)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        a, s = params["alpha"], params["strength"]
        emboss = np.array([[-1 - s, -s, 0], [-s, 1, s], [0, s, 1 + s]], np.float32)
        return _filter(image, _blend_with_identity(emboss, a), clip=True)


class UnsharpMask(ImageOnlyTransform):
    """Unsharp masking: add ``alpha`` times the detail (the image minus its Gaussian blur) where
    that detail exceeds ``threshold`` (in 0..255 units, so flat noise is not sharpened), with a
    soft edge. As Albumentations' ``UnsharpMask`` (same defaults, ``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((9, 9), np.uint8); img[:, 4:] = 200
        >>> out = al.UnsharpMask(alpha=(1, 1), p=1.0)(image=img, seed=0)["image"]
        >>> int(out[4, 3]) < 0 + 1 and int(out[4, 4]) > 200  # the edge overshoots on the bright side
        True
    """

    native_params = True

    def __init__(self, *, blur_limit: IntRange = (3, 7), sigma_limit: Range = 0.0,
                 alpha: Range = (0.2, 0.5), threshold: float = 10, p: float = 0.5) -> None:
        super().__init__(p=p)
        self.blur_limit = _odd_range("UnsharpMask", "blur_limit", blur_limit)
        self.sigma_limit = to_range("UnsharpMask", "sigma_limit", sigma_limit, center=None, low=0)
        self.alpha = to_range("UnsharpMask", "alpha", alpha, center=None, low=0, high=1)
        self.threshold = float(check_number("UnsharpMask", "threshold", threshold, low=0,
                                            high=255))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"ksize": _odd(rng, *self.blur_limit), "sigma": uniform(rng, *self.sigma_limit),
                "alpha": uniform(rng, *self.alpha)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k, sigma = params["ksize"], params["sigma"]
        x = as_float(image)

        def blur(a: np.ndarray) -> np.ndarray:
            return cv2.GaussianBlur(a, (k, k), sigma, borderType=cv2.BORDER_REFLECT_101).reshape(a.shape)

        detail = x - blur(x)
        soft = blur((np.abs(detail) * 255 > self.threshold).astype(np.float32))
        sharp = np.clip(x + np.float32(params["alpha"]) * detail, 0, 1)
        return like(x + soft * (sharp - x), image)


_MORPH = ("dilation", "erosion")


class Morphological(_Filter):
    """Grow (``"dilation"``, the default) or shrink (``"erosion"``) bright regions with an
    elliptical element of a random size in ``scale`` pixels: thicker or thinner strokes on
    scanned text. Boxes and keypoints stay. Any dtype, any range, any channels.

    Albumentations' ``Morphological`` takes ``scale`` as the element's fixed width and height;
    here it is the range one square size is drawn from.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((7, 7), np.uint8); img[3, 3] = 255
        >>> out = al.Morphological(scale=3, p=1.0)(image=img, seed=0)["image"]
        >>> (out[2:5, 2:5] > 0).astype(int).tolist()  # a 3x3 ellipse is a plus sign
        [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
    """

    native_params = True

    def __init__(self, *, scale: IntRange = (2, 3), operation: str = "dilation",
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("Morphological", "scale", scale, center=None, low=1)
        if lo != int(lo) or hi != int(hi):
            raise InvalidConfig(f"Morphological: scale={scale!r} must be whole numbers of pixels")
        self.scale = (int(lo), int(hi))
        self.operation = check_choice("Morphological", "operation", operation, _MORPH)
        if lo == hi:  # one size: nothing to draw, so the runner makes no generator (~7 us a call)
            self.__dict__["random"] = False

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if self.scale[0] == self.scale[1]:
            return {"size": self.scale[0]}
        return {"size": integer(rng, self.scale[0], self.scale[1] + 1)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        element = _ellipse(int(params["size"]))
        op = cv2.dilate if self.operation == "dilation" else cv2.erode
        return op(image, element).reshape(image.shape)


@functools.lru_cache(maxsize=64)
def _ellipse(size: int) -> np.ndarray:
    """OpenCV's elliptical structuring element of `size` x `size` (read-only, built once)."""
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    element.flags.writeable = False
    return element


class ZoomBlur(ImageOnlyTransform):
    """Radial blur of a zooming camera: the average of the image and copies of it enlarged
    about the centre by 1, 1 + step, 1 + 2 step, ... below a drawn ``max_factor``, the step drawn
    from ``step_factor``. As Albumentations' ``ZoomBlur`` (same defaults, ``p=0.5``): each copy is
    the centre cut to whole pixels and enlarged.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((32, 32), np.uint8); img[15:17, 15:17] = 255
        >>> out = al.ZoomBlur(max_factor=(1.3, 1.3), step_factor=(0.05, 0.05), p=1.0)(image=img)
        >>> int(out["image"][16, 16]) == 255, int(out["image"][0, 0]) == 0
        (True, True)
    """

    native_params = True

    def __init__(self, *, max_factor: Range = (1.0, 1.31), step_factor: Range = (0.01, 0.03),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.max_factor = to_range("ZoomBlur", "max_factor", max_factor, center=None, low=1,
                                   high=10)
        self.step_factor = to_range("ZoomBlur", "step_factor", step_factor, center=None,
                                    low=1e-3, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        step = uniform(rng, *self.step_factor)
        return {"step": step, "max_factor": max(1.0 + step, uniform(rng, *self.max_factor))}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        factors = np.arange(1.0, params["max_factor"], params["step"])
        h, w = image.shape[:2]
        total = image.astype(np.float32)
        for f in factors:  # the image itself once, then each zoomed copy
            # the centre cut to whole pixels and enlarged, as Albumentations does: a resize is
            # ~4x faster than a warp of the whole image
            ch, cw = math.ceil(h / f), math.ceil(w / f)
            top, left = (h - ch) // 2, (w - cw) // 2
            big = cv2.resize(image[top:top + ch, left:left + cw],
                             (max(w, int(cw * f)), max(h, int(ch * f))),
                             interpolation=cv2.INTER_LINEAR)
            top, left = (big.shape[0] - h) // 2, (big.shape[1] - w) // 2
            cv2.accumulate(big[top:top + h, left:left + w], total)  # in place, no temporary
        total *= np.float32(1.0 / (len(factors) + 1))
        if image.dtype == np.uint8:
            return np.clip(np.rint(total), 0, 255).astype(np.uint8)
        return np.clip(total, 0, 1)


class GlassBlur(ImageOnlyTransform):
    """Frosted glass: blur (``sigma``), swap every pixel with a random neighbour at most
    ``max_delta`` away, ``iterations`` times, and blur again. As Albumentations' ``GlassBlur``
    in its ``"fast"`` mode (same defaults, ``p=0.5``); the swaps are drawn from the step's seed.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((16, 16), np.uint8); img[:, 8:] = 255
        >>> out = al.GlassBlur(p=1.0)(image=img, seed=0)["image"]
        >>> out.shape, 0 < int(out[8, 8]) < 255
        ((16, 16), True)
    """

    native_params = True

    def __init__(self, *, sigma: float = 0.7, max_delta: int = 4, iterations: int = 2,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.sigma = float(check_number("GlassBlur", "sigma", sigma, low=0.01, high=100))
        self.max_delta = int(check_number("GlassBlur", "max_delta", max_delta, low=1, high=64,
                                          integer=True))
        self.iterations = int(check_number("GlassBlur", "iterations", iterations, low=1,
                                           high=32, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        d = self.max_delta
        x = cv2.GaussianBlur(image, (0, 0), self.sigma).reshape(image.shape)
        hs = np.arange(image.shape[0] - d, d, -1)
        ws = np.arange(image.shape[1] - d, d, -1)
        if len(hs) and len(ws):
            rows, cols = np.tile(hs, len(ws)), np.repeat(ws, len(hs))
            dxy = kernel_rng(params["seed"]).integers(-d, d, (len(rows), self.iterations, 2))
            for i in range(self.iterations):
                r2, c2 = rows + dxy[:, i, 0], cols + dxy[:, i, 1]
                x[rows, cols], x[r2, c2] = x[r2, c2], x[rows, cols]
        return cv2.GaussianBlur(x, (0, 0), self.sigma).reshape(image.shape)


def generalized_gaussian(ksize: int, sigma_x: float, sigma_y: float, angle: float, beta: float,
                         noise: np.ndarray | None = None) -> np.ndarray:
    """A ``ksize`` x ``ksize`` kernel ``exp(-0.5 (p^T S^-1 p)^beta)``, ``S`` the covariance with
    standard deviations `sigma_x`, `sigma_y` turned by `angle` degrees; times `noise` (a
    ``ksize`` x ``ksize`` array) when given; normalised to sum 1. ``beta=1`` is a Gaussian, below 1
    heavier tails, above 1 a flatter plateau (Liu et al. 2021, Real-ESRGAN's blur kernels).

    Example:
        >>> k = generalized_gaussian(5, 1.0, 1.0, 0.0, 1.0)
        >>> round(float(k.sum()), 6), bool(np.allclose(k, k.T))
        (1.0, True)
    """
    a = math.radians(angle)
    u = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    inverse = np.linalg.inv(u @ np.diag([sigma_x ** 2, sigma_y ** 2]) @ u.T)
    ax = np.arange(-ksize // 2 + 1.0, ksize // 2 + 1.0)
    grid = np.stack(np.meshgrid(ax, ax), axis=-1)  # (k, k, 2): (x, y) of each tap
    kernel = np.exp(-0.5 * np.power(np.sum((grid @ inverse) * grid, axis=2), beta))
    if noise is not None:
        kernel = kernel * noise
    return (kernel / kernel.sum()).astype(np.float32)


class AdvancedBlur(_Filter):
    """Blur with a random anisotropic generalized-Gaussian kernel: odd size from ``blur_limit``,
    standard deviations from ``sigma_x_limit`` and ``sigma_y_limit``, turned by ``rotate_limit``
    degrees, shape ``beta`` from ``beta_limit`` (half of the draws below 1, half above),
    each tap times ``U(noise_limit)``. As Albumentations' ``AdvancedBlur`` (same defaults,
    ``p=0.5``); see `generalized_gaussian`.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.zeros((9, 9), np.uint8); img[4, 4] = 255
        >>> t = al.AdvancedBlur(blur_limit=7, sigma_x_limit=3, sigma_y_limit=0.3, rotate_limit=0,
        ...                     beta_limit=(1, 1), noise_limit=(1, 1), p=1.0)
        >>> out = t(image=img, seed=0)["image"]  # a horizontal streak: wide in x, thin in y
        >>> int((out[4] > 0).sum()), int((out[:, 4] > 0).sum())
        (7, 1)
    """

    native_params = True

    def __init__(self, *, blur_limit: IntRange = (3, 7), sigma_x_limit: Range = (0.2, 1.0),
                 sigma_y_limit: Range = (0.2, 1.0), rotate_limit: Range = (-90, 90),
                 beta_limit: Range = (0.5, 8.0), noise_limit: Range = (0.9, 1.1),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        owner = "AdvancedBlur"
        self.blur_limit = _odd_range(owner, "blur_limit", blur_limit)
        self.sigma_x_limit = to_range(owner, "sigma_x_limit", sigma_x_limit, center=None, low=0)
        self.sigma_y_limit = to_range(owner, "sigma_y_limit", sigma_y_limit, center=None, low=0)
        if self.sigma_x_limit[0] == 0 and self.sigma_y_limit[0] == 0:
            raise InvalidConfig(f"{owner}: sigma_x_limit and sigma_y_limit cannot both start at "
                                "0 (a zero-width kernel); e.g. sigma_x_limit=(0.2, 1.0)")
        self.rotate_limit = to_range(owner, "rotate_limit", rotate_limit)
        self.beta_limit = to_range(owner, "beta_limit", beta_limit, center=None, low=1e-3)
        if not self.beta_limit[0] <= 1 <= self.beta_limit[1]:
            raise InvalidConfig(f"{owner}: beta_limit={beta_limit!r} must hold 1 (half of the "
                                "draws fall below it, half above), e.g. (0.5, 8.0)")
        self.noise_limit = to_range(owner, "noise_limit", noise_limit, center=None, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        ksize = _odd(rng, *self.blur_limit)
        sx, sy = uniform(rng, *self.sigma_x_limit), uniform(rng, *self.sigma_y_limit)
        angle = uniform(rng, *self.rotate_limit)
        # half of the draws below 1, half above: narrow kernels (beta > 1) not too often
        beta = uniform(rng, self.beta_limit[0], 1.0) if rng.random() < 0.5 else \
            uniform(rng, 1.0, self.beta_limit[1])
        return {"ksize": ksize, "sigma_x": max(sx, 1e-6), "sigma_y": max(sy, 1e-6),
                "angle": angle, "beta": beta, "seed": integer(rng, 0, 2**63 - 1)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = params["ksize"]
        noise = kernel_rng(params["seed"]).uniform(*self.noise_limit, size=(k, k))
        kernel = generalized_gaussian(k, params["sigma_x"], params["sigma_y"], params["angle"],
                                      params["beta"], noise)
        return _filter(image, kernel)
