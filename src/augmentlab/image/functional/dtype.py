"""Moving pixel values between uint8 (0..255), uint16 (0..65535) and float32 (0..1), and back to
the caller's dtype.

Each integer dtype is read on its own range (a uint16 image is never divided by 255). Kernels
that only exist for one dtype (JPEG, histogram equalisation, HLS noise, blending) convert with
these, so every transform returns the dtype it was given; a transform written for uint8 and
float32 takes uint16 through float32 (`augmentlab.image.spatial.bases.ImageOnlyTransform`), whose
24-bit mantissa holds every 16-bit value exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["DEPTHS", "as_float", "as_uint8", "each_channel", "like", "max_value"]

DEPTHS = frozenset({"uint8", "uint16", "float32"})  # the image dtypes augmentlab takes
_TOP = {"B": 255.0, "H": 65535.0}  # dtype.char -> the largest value (float images: 1.0)


def max_value(image: np.ndarray) -> float:
    """The value that means "white" in `image`'s dtype: 255, 65535, or 1.0 for float.

    Example:
        >>> max_value(np.zeros(1, np.uint16)), max_value(np.zeros(1, np.float32))
        (65535.0, 1.0)
    """
    return _TOP.get(image.dtype.char, 1.0)


def as_uint8(image: np.ndarray) -> np.ndarray:
    """uint8 view of `image` (float32 in [0, 1] is scaled and rounded, uint16 divided by 257):
    for kernels that only exist for 8 bits, which therefore refuse uint16 images.

    Example:
        >>> as_uint8(np.array([0.0, 0.5, 1.0], np.float32)).tolist()
        [0, 128, 255]
    """
    if image.dtype == np.uint8:
        return image
    if image.dtype == np.uint16:
        return np.rint(image / 257.0).astype(np.uint8)
    return np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)


def as_float(image: np.ndarray) -> np.ndarray:
    """float32 in [0, 1] (uint8 is divided by 255, uint16 by 65535; float32 returned as is).

    Example:
        >>> as_float(np.array([0, 255], np.uint8)).tolist()
        [0.0, 1.0]
        >>> as_float(np.array([0, 65535], np.uint16)).tolist()
        [0.0, 1.0]
    """
    top = _TOP.get(image.dtype.char)
    if top is not None:
        return image.astype(np.float32) * np.float32(1.0 / top)
    return image


def like(result: np.ndarray, image: np.ndarray) -> np.ndarray:
    """`result` (uint8, or float in [0, 1]) clipped and converted to the dtype of `image`.

    Example:
        >>> like(np.array([1.2, 0.5]), np.zeros(2, np.uint8)).tolist()
        [255, 128]
        >>> like(np.array([1.2, 0.5]), np.zeros(2, np.uint16)).tolist()
        [65535, 32768]
    """
    if image.dtype == np.uint16:
        if result.dtype == np.uint16:
            return result
        if result.dtype == np.uint8:
            raise TypeError("an 8-bit result cannot stand for a 16-bit image (depth was lost)")
        out = np.clip(result, 0, 1) * np.float32(65535)
        return np.rint(out, out=out).astype(np.uint16)
    if image.dtype == np.uint8:
        if result.dtype == np.uint8:
            return result
        return np.clip(np.rint(np.clip(result, 0, 1) * 255), 0, 255).astype(np.uint8)
    if result.dtype == np.uint8:
        return result.astype(np.float32) / np.float32(255)
    return np.clip(result, 0, 1).astype(np.float32)


def each_channel(fn: Callable[[np.ndarray], np.ndarray], image: np.ndarray) -> np.ndarray:
    """`fn` (an OpenCV call that takes one 2-D plane) on an HxW image, or on each channel of an
    HxWxC one, stacked back in order.

    Example:
        >>> import numpy as np
        >>> each_channel(lambda plane: plane.T.T + 1, np.zeros((2, 3, 5), np.uint8)).shape
        (2, 3, 5)
    """
    if image.ndim == 2:
        return fn(image)
    return np.stack([fn(np.ascontiguousarray(image[:, :, c])) for c in range(image.shape[2])],
                    axis=2)
