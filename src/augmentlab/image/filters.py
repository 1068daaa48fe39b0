"""Blur and sharpening filters (convolutions; pixel values only)."""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .functional.dtype import each_channel
from .spatial.bases import ImageOnlyTransform

__all__ = ["Blur", "Defocus", "Emboss", "GaussianBlur", "MedianBlur", "MotionBlur", "Sharpen"]


def _odd_range(owner: str, name: str, value: Any, low: int = 3) -> tuple[int, int]:
    lo, hi = to_range(owner, name, value, center=None, low=low)
    if lo != int(lo) or hi != int(hi) or int(lo) % 2 == 0 or int(hi) % 2 == 0:
        raise InvalidConfig(f"{owner}: {name}={value!r} must be odd whole numbers >= {low}")
    return int(lo), int(hi)


def _odd(rng: np.random.Generator, lo: int, hi: int) -> int:
    return int(rng.choice(np.arange(lo, hi + 1, 2)))


def _filter(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    out = cv2.filter2D(image, -1, kernel.astype(np.float32), borderType=cv2.BORDER_REFLECT_101)
    if image.ndim == 3 and out.ndim == 2:
        out = out[:, :, None]
    return out if image.dtype == np.uint8 else np.clip(out, 0, 1)


def _blend_with_identity(kernel: np.ndarray, alpha: float) -> np.ndarray:
    """A 3x3 kernel giving ``(1 - alpha) * image + alpha * (image filtered by kernel)``.

    Example:
        >>> _blend_with_identity(np.ones((3, 3), np.float32), 0.5)[1].tolist()
        [0.5, 1.0, 0.5]
    """
    identity = np.zeros((3, 3), np.float32)
    identity[1, 1] = 1
    return (1 - alpha) * identity + alpha * kernel


class _OddKernel(ImageOnlyTransform):
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


class GaussianBlur(ImageOnlyTransform):
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
    """Median filter with a random odd aperture (float32 images: 3 or 5 only, an OpenCV limit).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.MedianBlur(blur_limit=3)(image=np.zeros((8, 8), np.uint8))["image"].shape
        (8, 8)
    """

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = params["ksize"]
        if image.dtype != np.uint8 and k > 5:
            k = 5  # OpenCV's median on float32 supports apertures 3 and 5 only
        if image.ndim == 3 and image.shape[2] > 4:
            return each_channel(lambda plane: cv2.medianBlur(plane, k), image)
        out = cv2.medianBlur(np.ascontiguousarray(image), k)
        return out[:, :, None] if image.ndim == 3 and out.ndim == 2 else out


class MotionBlur(ImageOnlyTransform):
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


class Defocus(ImageOnlyTransform):
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


class Sharpen(ImageOnlyTransform):
    """Blend the image with a sharpened copy: ``alpha`` is the blend, ``lightness`` the centre
    weight.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Sharpen()(image=np.zeros((8, 8, 3), np.uint8), seed=0)["image"].shape
        (8, 8, 3)
    """

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
        return _filter(image, _blend_with_identity(sharp, a))


class Emboss(ImageOnlyTransform):
    """Blend the image with an embossed copy (``alpha`` blend, ``strength`` relief).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Emboss()(image=np.zeros((8, 8), np.uint8), seed=0)["image"].shape
        (8, 8)
    """

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
        return _filter(image, _blend_with_identity(emboss, a))
