"""Tone: a random tone curve (a pointwise map, fused as a lookup table) and the sepia colour
matrix. Both keep the image's dtype (uint16 on its own range)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..core.params import check_number
from ..core.sample import Sample
from .functional.dtype import DEPTHS
from .spatial.bases import (
    ImageOnlyTransform,
    PointwiseTransform,
    require_channels,
    sample_channels,
)

__all__ = ["RandomToneCurve", "ToSepia"]


def tone_curve(x: np.ndarray, low: Any, high: Any) -> np.ndarray:
    """The cubic Bezier tone curve through (0, 0) and (1, 1) with control heights `low` and
    `high` (at a third and two thirds of the way), evaluated at `x` in [0, 1]: 1/3 and 2/3 give
    the identity, 0.25 and 0.75 a mild S-curve.

    Example:
        >>> tone_curve(np.array([0.0, 0.25, 0.5, 1.0]), 1 / 3, 2 / 3).round(6).tolist()
        [0.0, 0.25, 0.5, 1.0]
        >>> tone_curve(np.array([0.25, 0.5]), 0.25, 0.75).round(4).tolist()
        [0.2266, 0.5]
    """
    rest = 1.0 - x
    return 3 * rest * rest * x * low + 3 * rest * x * x * high + x ** 3


class RandomToneCurve(PointwiseTransform):
    """Bend the tone curve at random: its control heights are drawn around 0.25 and 0.75 (a
    mild S-curve, more contrast) with standard deviation ``scale``, clipped to [0, 1];
    ``per_channel=True`` draws a curve for each channel. As Albumentations' ``RandomToneCurve``
    (same defaults, ``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.RandomToneCurve(scale=0.0, p=1.0)  # no spread: the S-curve itself
        >>> t(image=np.array([[0, 64, 128, 255]], np.uint8))["image"].tolist()
        [[0, 58, 128, 255]]
    """

    native_params = True

    def __init__(self, *, scale: float = 0.1, per_channel: bool = False, p: float = 0.5) -> None:
        super().__init__(p=p)
        self.scale = float(check_number("RandomToneCurve", "scale", scale, low=0, high=1))
        self.per_channel = bool(per_channel)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        n = sample_channels(sample) if self.per_channel else 1
        low = np.clip(rng.normal(0.25, self.scale, n), 0, 1).tolist()
        high = np.clip(rng.normal(0.75, self.scale, n), 0, 1).tolist()
        if not self.per_channel:
            return {"low": low[0], "high": high[0]}
        return {"low": low, "high": high}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return tone_curve(x, *self.channel_values(x, params["low"], params["high"]))


_SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]],
                  np.float32)


class ToSepia(ImageOnlyTransform):
    """The sepia tone of old photographs: a fixed 3x3 colour matrix on RGB, saturating at white
    (grey images come back unchanged; other channel counts are refused). As Albumentations'
    ``ToSepia`` (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.ToSepia(p=1.0)(image=np.full((1, 1, 3), 100, np.uint8))["image"][0, 0].tolist()
        [135, 120, 94]
    """

    random = False
    native_dtypes = DEPTHS  # OpenCV's matrix transform saturates integers itself

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if image.ndim == 2 or image.shape[2] == 1:
            return image.copy()
        require_channels(image, "ToSepia")
        out = cv2.transform(image, _SEPIA)
        return np.clip(out, 0, 1, out=out) if out.dtype.kind == "f" else out
