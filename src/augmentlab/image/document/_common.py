"""Shared pieces of the document effects: argument checks, noise fields drawn from a recorded
seed, and per-plane OpenCV calls that take any number of channels."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from ...core.errors import InvalidConfig
from ...core.params import shown, to_range
from ...core.rng import integer
from ..functional.dtype import DEPTHS, each_channel
from ..functional.noise import uniform16
from ..spatial.bases import ImageOnlyTransform

__all__ = ["SIDES", "FactorEffect", "draw", "edge_ramp", "expand", "int_range", "lightness",
           "masked_copy", "odd_range", "per_plane", "scale_image", "seed", "smooth_field", "spread",
           "uniform_field"]

SIDES = ("left", "right", "top", "bottom")


def seed(rng: np.random.Generator) -> int:
    """A kernel seed (a recorded param; `kernel_rng` turns it into the kernel's generator)."""
    return integer(rng, 0, 2**63 - 1)


def draw(rng: np.random.Generator, choices: tuple[str, ...], value: str) -> str:
    """`value`, or one of `choices` drawn uniformly when `value` is ``"random"``."""
    return choices[integer(rng, 0, len(choices))] if value == "random" else value


def int_range(owner: str, name: str, value: Any, low: int) -> tuple[int, int]:
    """A ``(min, max)`` range of whole numbers >= `low` (one number means ``(n, n)``).

    Example:
        >>> int_range("LowInkLines", "count_range", 3, 1)
        (3, 3)
    """
    lo, hi = to_range(owner, name, value, center=None, low=low)
    if lo != int(lo) or hi != int(hi):
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be whole numbers, e.g. "
                            f"({int(lo)}, {int(math.ceil(hi))})")
    return int(lo), int(hi)


def odd_range(owner: str, name: str, value: Any) -> tuple[int, int]:
    """A range of odd kernel sizes >= 1 (sizes drawn from it are odd).

    Example:
        >>> odd_range("InkBleed", "kernel_size", (3, 5))
        (3, 5)
    """
    lo, hi = int_range(owner, name, value, 1)
    if lo % 2 == 0 or hi % 2 == 0:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be odd sizes (a kernel has a "
                            f"centre pixel), e.g. ({lo | 1}, {hi | 1})")
    return lo, hi


def expand(a: np.ndarray, image: np.ndarray) -> np.ndarray:
    """An ``(H, W)`` map shaped to multiply `image` (``(H, W, 1)`` for a channelled image)."""
    return a[:, :, None] if image.ndim == 3 else a


def lightness(x: np.ndarray) -> np.ndarray:
    """The ``(H, W)`` float32 grey of an image, on the image's own scale (0..255 for uint8):
    the image itself if grey, the luma (ITU-R BT.601, as ``ToGray``) of RGB, the mean over
    channels otherwise.

    Example:
        >>> lightness(np.ones((2, 2, 5), np.float32)).tolist()
        [[1.0, 1.0], [1.0, 1.0]]
        >>> lightness(np.full((1, 1, 3), 200, np.uint8)).tolist()
        [[200.0]]
    """
    if x.ndim == 2:
        return x.astype(np.float32, copy=False)
    if x.shape[2] == 3:
        if x.dtype == np.uint8:  # OpenCV's own 8-bit luma (rounded): no float copy of the image
            return cv2.cvtColor(np.ascontiguousarray(x), cv2.COLOR_RGB2GRAY).astype(np.float32)
        return cv2.cvtColor(np.ascontiguousarray(x, dtype=np.float32), cv2.COLOR_RGB2GRAY)
    total = x[:, :, 0].astype(np.float32)  # a sum of planes: cheaper than a reduce along axis 2
    for c in range(1, x.shape[2]):
        total += x[:, :, c]
    total *= np.float32(1 / x.shape[2])
    return total


def scale_image(image: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """`image` (any dtype, any channels) times float32 `factor` (``(H, W)`` for every channel,
    or ``(H, W, C)``), in `image`'s dtype: integers rounded and saturated by OpenCV in one pass
    (several times cheaper than through float), floats multiplied as they are.

    Example:
        >>> scale_image(np.full((1, 2, 3), 200, np.uint8), np.array([[0.5, 1.0]], np.float32))[0, :, 0].tolist()
        [100, 200]
    """
    if image.dtype.kind == "f":
        return (image * (expand(factor, image) if factor.ndim == 2 else factor)).astype(np.float32)
    f = spread(factor, image) if factor.ndim == 2 else np.ascontiguousarray(factor, np.float32)
    depth = cv2.CV_8U if image.dtype == np.uint8 else cv2.CV_16U
    return cv2.multiply(np.ascontiguousarray(image), f, dtype=depth).reshape(image.shape)


def spread(plane: np.ndarray, image: np.ndarray) -> np.ndarray:
    """An ``(H, W)`` plane copied into every channel of `image`'s shape.

    Example:
        >>> spread(np.zeros((2, 3), np.uint8), np.zeros((2, 3, 5), np.uint8)).shape
        (2, 3, 5)
    """
    if image.ndim == 2:
        return plane
    c = image.shape[2]
    if c <= 4:
        return cv2.merge([plane] * c).reshape(image.shape)
    return np.repeat(plane[:, :, None], c, axis=2)


def masked_copy(dst: np.ndarray, src: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of `dst` holding `src` where the ``(H, W)`` bool `mask` is set, in every channel
    (OpenCV's masked copy: many times cheaper than ``np.copyto(..., where=...)``).

    Example:
        >>> masked_copy(np.zeros((1, 2, 5), np.uint8), np.ones((1, 2, 5), np.uint8),
        ...             np.array([[True, False]]))[0, :, 0].tolist()
        [1, 0]
    """
    out = cv2.copyTo(np.ascontiguousarray(src), mask.view(np.uint8), dst.copy())
    return np.asarray(out).reshape(dst.shape)


def per_plane(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """An OpenCV filter on `x` in its own shape: whole for up to 4 channels, else per channel."""
    if x.ndim == 3 and x.shape[2] > 4:
        return each_channel(fn, x)
    return fn(np.ascontiguousarray(x)).reshape(x.shape)


def uniform_field(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """float32 uniforms in (0, 1) from 16-bit integers (bin centres; fast and plenty for pixels).

    Example:
        >>> u = uniform_field(np.random.default_rng(0), (100, 100))
        >>> 0 < float(u.min()) and float(u.max()) < 1
        True
    """
    u = uniform16(rng, shape).astype(np.float32)
    u += np.float32(0.5)
    u *= np.float32(1 / 65536)
    return u


def smooth_field(rng: np.random.Generator, size: tuple[int, int], cell: float) -> np.ndarray:
    """A smooth random ``(H, W)`` float32 field in [0, 1]: uniform noise on a grid of nodes
    `cell` pixels apart, interpolated bicubically.

    Example:
        >>> smooth_field(np.random.default_rng(0), (30, 40), 8.0).shape
        (30, 40)
    """
    h, w = size
    cell = max(float(cell), 1.0)
    gh, gw = max(2, int(math.ceil(h / cell)) + 1), max(2, int(math.ceil(w / cell)) + 1)
    coarse = uniform_field(rng, (gh, gw))
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC).reshape(h, w)
    return np.clip(field, 0.0, 1.0, out=field)


def edge_ramp(size: tuple[int, int], side: str) -> np.ndarray:
    """``(H, W)`` float32: 1 at the page edge `side` falling linearly to 0 at the opposite edge;
    ``"all"``: 1 at every edge, 0 at the centre; ``"none"``: 1 everywhere.

    Example:
        >>> edge_ramp((2, 3), "left").tolist()
        [[1.0, 0.5, 0.0], [1.0, 0.5, 0.0]]
    """
    h, w = size
    u = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :] if w > 1 else np.zeros((1, 1), np.float32)
    v = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None] if h > 1 else np.zeros((1, 1), np.float32)
    if side == "none":
        ramp = np.ones((h, w), np.float32)
    elif side == "left":
        ramp = 1 - u
    elif side == "right":
        ramp = u
    elif side == "top":
        ramp = 1 - v
    elif side == "bottom":
        ramp = v
    else:  # all: the distance to the nearest edge, 1 at an edge and 0 at the centre
        ramp = np.maximum(np.abs(2 * u - 1), np.abs(2 * v - 1))
    return np.ascontiguousarray(np.broadcast_to(ramp, (h, w)), dtype=np.float32)


class FactorEffect(ImageOnlyTransform):
    """An effect that multiplies the page by a factor in [0, 1] (`scale_image`): exact in every
    dtype, so uint16 is taken natively."""

    _abstract = True
    native_dtypes = DEPTHS
