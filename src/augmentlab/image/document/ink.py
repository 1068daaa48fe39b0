"""Ink effects: ink bleeding into the paper, printer streaks short of ink, a fax's binarisation.

Each takes grey, RGB or any number of channels. `InkBleed` and `Faxify` work on uint8 and
float32 (in [0, 1]) as they are and take uint16 through float32 (its 16 bits kept; `Faxify`'s
output is black and white by design); `LowInkLines`, a per-row maximum, works in every dtype.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ...core.params import check_choice, check_prob, to_range
from ...core.rng import integer, kernel_rng, uniform
from ...core.sample import Sample
from ...core.types import IntRange, Range
from ..functional.dtype import DEPTHS, like, max_value
from ..spatial.bases import ImageOnlyTransform
from ._common import (
    expand,
    int_range,
    lightness,
    masked_copy,
    odd_range,
    per_plane,
    seed,
    spread,
    uniform_field,
)

__all__ = ["Faxify", "InkBleed", "LowInkLines"]

# a pixel is "near ink" where the darkest pixel of its neighbourhood is this much darker (paper
# texture and grain stay well under it)
_NEAR_INK = np.float32(0.2)


class InkBleed(ImageOnlyTransform):
    """Ink soaking into the paper around strokes (Augraphy's ``InkBleed``): near ink, a random
    fraction ``severity`` of pixels take the darkest value of their ``kernel_size`` neighbourhood,
    then a light blur blends them in with weight ``intensity``. The paper far from any ink is left
    exactly as it was (also a textured one): only pixels within ``kernel_size // 2 + 1`` of a
    darker stroke change, the nearer ones more often.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import InkBleed
        >>> page = np.full((40, 40), 255, np.uint8); page[18:22, 5:35] = 0
        >>> out = InkBleed(kernel_size=5, severity_range=(0.5, 0.5))(image=page, seed=0)["image"]
        >>> int(out[:10].min()), int(out[15:25].mean()) < int(page[15:25].mean())
        (255, True)
    """

    def __init__(self, *, intensity_range: Range = (0.4, 0.7), kernel_size: IntRange = (3, 5),
                 severity_range: Range = (0.3, 0.5), p: float = 1.0) -> None:
        super().__init__(p=p)
        self.intensity_range = to_range("InkBleed", "intensity_range", intensity_range,
                                        center=None, low=0, high=1)
        self.kernel_size = odd_range("InkBleed", "kernel_size", kernel_size)
        self.severity_range = to_range("InkBleed", "severity_range", severity_range, center=None,
                                       low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        lo, hi = self.kernel_size
        return {"intensity": uniform(rng, *self.intensity_range),
                "severity": uniform(rng, *self.severity_range),
                "ksize": lo + 2 * integer(rng, 0, (hi - lo) // 2 + 1), "seed": seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return ink_bleed(image, params["ksize"], params["severity"], params["intensity"],
                         params["seed"])


def ink_bleed(x: np.ndarray, ksize: int, severity: float, intensity: float, noise_seed: int) -> np.ndarray:
    """The kernel of `InkBleed` on a uint8 or float32 (in [0, 1]) image, in its dtype (a new
    array). OpenCV passes throughout; pixels away from ink are copied, not recomputed.

    Example:
        >>> page = np.ones((9, 9), np.float32); page[4, 4] = 0
        >>> out = ink_bleed(page, 3, 1.0, 1.0, 0)
        >>> float(out[0, 0]), float(out[4, 3]) < 1
        (1.0, True)
    """
    top = np.float32(255 if x.dtype == np.uint8 else 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ksize, ksize))
    darkest = per_plane(lambda plane: cv2.erode(plane, kernel, borderType=cv2.BORDER_REPLICATE), x)
    grey = lightness(x)
    near = (grey - lightness(darkest)) > _NEAR_INK * top
    # ink soaks in less the further it has to go: the chance falls with the ink nearby
    closeness = cv2.GaussianBlur(top - grey, (ksize, ksize), ksize / 4.0,
                                 borderType=cv2.BORDER_REPLICATE)
    chance = np.minimum(closeness * np.float32(2 * severity / top), np.float32(severity))
    take = near & (uniform_field(kernel_rng(noise_seed), near.shape) < chance)
    bled = masked_copy(x, darkest, take)
    blurred = per_plane(lambda plane: cv2.GaussianBlur(plane, (3, 3), 0,
                                                       borderType=cv2.BORDER_REPLICATE), bled)
    blended = cv2.addWeighted(blurred, intensity, x, 1.0 - intensity, 0.0).reshape(x.shape)
    # the blend reaches one pixel past the ring, so the blur's own edge stays inside it
    ring = cv2.dilate(near.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool)
    return masked_copy(x, blended, ring)


class LowInkLines(ImageOnlyTransform):
    """Streaks of a printer running short of ink (Augraphy's ``LowInkRandomLines`` and
    ``LowInkPeriodicLines``): along a few pixel rows, every pixel darker than the line's
    lightness (a fraction of white, drawn from ``lightness_range``) is lifted to it, so ink
    fades along the line and paper is untouched; the rows just above and below fade at a random
    ``noise_probability`` of their pixels, for a ragged edge.

    ``mode="random"``: ``count_range`` lines at random rows. ``mode="periodic"``: a line every
    ``period_range`` rows (one period per call) from a random offset, as a clogged print head
    leaves them (``count_range`` is then unused). Rows only: use ``Transpose`` around it for
    vertical streaks.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import LowInkLines
        >>> page = np.zeros((30, 10), np.uint8)  # all ink
        >>> t = LowInkLines(count_range=2, lightness_range=(0.5, 0.5), noise_probability=0)
        >>> sorted(set(t(image=page, seed=0)["image"].max(axis=1).tolist()))
        [0, 128]
    """

    native_dtypes = DEPTHS  # a per-row maximum: exact in every dtype

    def __init__(self, *, count_range: IntRange = (5, 10), mode: str = "random",
                 period_range: IntRange = (10, 30), lightness_range: Range = (0.25, 0.9),
                 noise_probability: float = 0.1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.count_range = int_range("LowInkLines", "count_range", count_range, 0)
        self.mode = check_choice("LowInkLines", "mode", mode, ("random", "periodic"))
        self.period_range = int_range("LowInkLines", "period_range", period_range, 2)
        self.lightness_range = to_range("LowInkLines", "lightness_range", lightness_range,
                                        center=None, low=0, high=1)
        self.noise_probability = check_prob("LowInkLines", "noise_probability", noise_probability)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h = sample.size[0]
        if self.mode == "periodic":
            period = integer(rng, self.period_range[0], self.period_range[1] + 1)
            rows = list(range(integer(rng, 0, period), h, period))
        else:
            n = integer(rng, self.count_range[0], self.count_range[1] + 1)
            rows = sorted({integer(rng, 0, h) for _ in range(n)})
        lo, hi = self.lightness_range
        return {"rows": rows, "lightness": [uniform(rng, lo, hi) for _ in rows], "seed": seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        rows = np.asarray(params["rows"], np.int64)
        light = np.asarray(params["lightness"], np.float32)
        keep = (rows >= 0) & (rows < h)  # replayed on a shorter page: lines past its end go
        rows, light = rows[keep], light[keep]
        out = image.copy()
        if not len(rows):
            return out
        # only the rows of the lines and their neighbours change: build their floor alone
        touched = np.unique(np.clip(np.concatenate([rows - 1, rows, rows + 1]), 0, h - 1))
        floor = np.zeros((len(touched), w), np.float32)
        np.maximum.at(floor, np.searchsorted(touched, rows), light[:, None])
        if self.noise_probability > 0:
            u = uniform_field(kernel_rng(params["seed"]), (2, len(rows), w))
            for side, d in enumerate((-1, 1)):  # ragged rows above and below each line
                ys = rows + d
                ok = (ys >= 0) & (ys < h)
                vals = np.where(u[side] < np.float32(self.noise_probability), light[:, None],
                                np.float32(0))
                np.maximum.at(floor, np.searchsorted(touched, ys[ok]), vals[ok])
        if image.dtype.kind == "f":
            level = floor.astype(image.dtype)
        else:  # the lightness on the dtype's own range (uint8 0..255, uint16 0..65535)
            level = np.rint(floor * np.float32(max_value(image))).astype(image.dtype)
        out[touched] = np.maximum(out[touched], expand(level, out[touched]))
        return out


class Faxify(ImageOnlyTransform):
    """A page sent by fax (Augraphy's ``Faxify``): the resolution drops by a factor drawn from
    ``scale_range`` (shrunk and enlarged back), then the grey page is binarised, every channel
    alike, to black (0) and white (the dtype's maximum).

    ``method``: ``"otsu"`` (a global threshold from the page's histogram), ``"adaptive"`` (each
    pixel against its neighbourhood's Gaussian mean, robust to shading) or ``"fixed"`` (a
    threshold drawn from ``threshold_range``, a fraction of white). ``halftone=True`` renders
    greys as a clustered-dot screen instead (period ``halftone_period_range`` pixels, angle
    ``halftone_angle_range`` degrees), as a fax sends photographs: levels below 0.25 stay solid
    black and above 0.85 clean white, the greys between become dots.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import Faxify
        >>> page = np.full((32, 32, 3), 230, np.uint8); page[10:20, 4:28] = 40
        >>> out = Faxify(scale_range=1.0)(image=page, seed=0)["image"]
        >>> sorted(np.unique(out).tolist()), bool((out[10:20, 4:28] == 0).all())
        ([0, 255], True)
    """

    def __init__(self, *, scale_range: Range = (1.0, 1.5), method: str = "otsu",
                 threshold_range: Range = (0.5, 0.7), halftone: bool = False,
                 halftone_period_range: Range = (3.0, 5.0), halftone_angle_range: Range = (0, 90),
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.scale_range = to_range("Faxify", "scale_range", scale_range, center=None, low=1,
                                    high=8)
        self.method = check_choice("Faxify", "method", method, ("otsu", "adaptive", "fixed"))
        self.threshold_range = to_range("Faxify", "threshold_range", threshold_range,
                                        center=None, low=0, high=1)
        self.halftone = bool(halftone)
        self.halftone_period_range = to_range("Faxify", "halftone_period_range",
                                              halftone_period_range, center=None, low=2, high=64)
        self.halftone_angle_range = to_range("Faxify", "halftone_angle_range",
                                             halftone_angle_range, center=None)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"scale": uniform(rng, *self.scale_range),
                "threshold": uniform(rng, *self.threshold_range),
                "period": uniform(rng, *self.halftone_period_range),
                "angle": uniform(rng, *self.halftone_angle_range)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        grey = lightness(image)
        if image.dtype == np.uint8:
            grey *= np.float32(1 / 255)
        h, w = grey.shape
        scale = float(params["scale"])
        if scale > 1.0:  # a coarser scan: area-shrink, then linear back up
            small = (max(1, int(round(w / scale))), max(1, int(round(h / scale))))
            grey = cv2.resize(cv2.resize(grey, small, interpolation=cv2.INTER_AREA), (w, h),
                              interpolation=cv2.INTER_LINEAR).reshape(h, w)
        if self.halftone:  # levels first: dark ink solid black, light paper clean white
            grey = np.clip((grey - np.float32(0.25)) * np.float32(1 / 0.6), 0, 1)
            white = grey > halftone_screen((h, w), params["period"], params["angle"])
        else:
            white = binarise(grey, self.method, params["threshold"])
        plane = like(white.astype(np.float32), image[:, :, 0] if image.ndim == 3 else image)
        return spread(plane, image)


def binarise(grey: np.ndarray, method: str, threshold: float) -> np.ndarray:
    """True where a float ``(H, W)`` page in [0, 1] is paper (white) under `method`
    (``"otsu"``, ``"adaptive"``, ``"fixed"`` at `threshold`). Thresholds are taken on 8-bit
    levels, so uint8, uint16 and float32 pages of one picture binarise alike.

    Example:
        >>> binarise(np.array([[0.1, 0.9]], np.float32), "fixed", 0.5).tolist()
        [[False, True]]
    """
    g8 = np.clip(np.rint(grey * np.float32(255)), 0, 255).astype(np.uint8)
    if method == "otsu":
        level, _ = cv2.threshold(g8, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        return g8 > level
    if method == "adaptive":
        h, w = g8.shape
        block = max(3, int(round(min(h, w) / 12)) | 1)
        out = cv2.adaptiveThreshold(g8, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY,
                                    block, 12)
        return out > 0
    return g8 > np.uint8(min(254, int(round(threshold * 255))))


def halftone_screen(size: tuple[int, int], period: float, angle: float) -> np.ndarray:
    """A clustered-dot threshold screen: ``(H, W)`` float32 thresholds in [0.02, 0.98] with dots
    `period` pixels apart along axes turned by `angle` degrees. A grey level g comes out as
    about a fraction g of white pixels.

    Example:
        >>> s = halftone_screen((64, 64), 4.0, 45.0)
        >>> 0.45 < float((s < 0.5).mean()) < 0.55
        True
    """
    h, w = size
    a = math.radians(angle)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    k = np.float32(2 * math.pi / period)
    u = (xs * np.float32(math.cos(a)) + ys * np.float32(math.sin(a))) * k
    v = (ys * np.float32(math.cos(a)) - xs * np.float32(math.sin(a))) * k
    return np.float32(0.5) + np.float32(0.48) * np.cos(u) * np.cos(v)

