"""Moving pixel values between uint8 (0..255) and float32 (0..1), and back to the caller's dtype.

Kernels that only exist for one dtype (JPEG, histogram equalisation, HLS noise, blending) convert
with these, so every transform returns the dtype it was given.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["as_float", "as_uint8", "each_channel", "like"]


def as_uint8(image: np.ndarray) -> np.ndarray:
    """uint8 view of `image` (float32 in [0, 1] is scaled and rounded).

    Example:
        >>> as_uint8(np.array([0.0, 0.5, 1.0], np.float32)).tolist()
        [0, 128, 255]
    """
    if image.dtype == np.uint8:
        return image
    return np.clip(np.rint(image * 255), 0, 255).astype(np.uint8)


def as_float(image: np.ndarray) -> np.ndarray:
    """float32 in [0, 1] (uint8 is divided by 255; float32 returned as is).

    Example:
        >>> as_float(np.array([0, 255], np.uint8)).tolist()
        [0.0, 1.0]
    """
    if image.dtype == np.uint8:
        return image.astype(np.float32) / np.float32(255)
    return image


def like(result: np.ndarray, image: np.ndarray) -> np.ndarray:
    """`result` (uint8, or float in [0, 1]) clipped and converted to the dtype of `image`.

    Example:
        >>> like(np.array([1.2, 0.5]), np.zeros(2, np.uint8)).tolist()
        [255, 128]
    """
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
