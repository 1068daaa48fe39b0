"""Copier and scanner defects: a dirty photocopier's toner, dirty scanner rollers, a scratched
toner drum.

Each multiplies the page by a darkening factor in [0, 1]. uint8, uint16 (natively) and float32
in [0, 1]; grey, RGB or any number of channels.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ...core.params import check_choice, to_range
from ...core.rng import integer, kernel_rng, uniform
from ...core.sample import Sample
from ...core.types import IntRange, Range
from ._common import (
    SIDES,
    FactorEffect,
    draw,
    edge_ramp,
    int_range,
    scale_image,
    seed,
    smooth_field,
    uniform_field,
)

__all__ = ["DirtyDrum", "DirtyRollers", "PhotocopyNoise"]


class PhotocopyNoise(FactorEffect):
    """A dirty photocopier (Augraphy's ``BadPhotoCopy``): toner specks in blotchy clouds,
    densest toward the page edge ``side`` (``"left"``, ``"right"``, ``"top"``, ``"bottom"``,
    ``"all"`` edges, ``"none"`` for evenly spread clouds, or ``"random"``: one of the four sides).
    Up to ``density_range`` of the pixels in a cloud get a speck ``speck_size`` pixels across,
    darkening the page by ``intensity_range``. Only darkens.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import PhotocopyNoise
        >>> page = np.full((64, 64), 255, np.uint8)
        >>> out = PhotocopyNoise(side="left", density_range=(0.5, 0.5))(image=page, seed=0)["image"]
        >>> bool(out[:, :16].mean() < out[:, 48:].mean() <= 255)
        True
    """

    def __init__(self, *, side: str = "random", intensity_range: Range = (0.3, 0.7),
                 density_range: Range = (0.1, 0.4), speck_size: IntRange = (1, 3),
                 blob_scale_range: Range = (0.05, 0.2), p: float = 1.0) -> None:
        super().__init__(p=p)
        self.side = check_choice("PhotocopyNoise", "side", side,
                                 ("random", *SIDES, "all", "none"))
        self.intensity_range = to_range("PhotocopyNoise", "intensity_range", intensity_range,
                                        center=None, low=0, high=1)
        self.density_range = to_range("PhotocopyNoise", "density_range", density_range,
                                      center=None, low=0, high=1)
        self.speck_size = int_range("PhotocopyNoise", "speck_size", speck_size, 1)
        self.blob_scale_range = to_range("PhotocopyNoise", "blob_scale_range", blob_scale_range,
                                         center=None, low=0.001, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"side": draw(rng, SIDES, self.side),
                "intensity": uniform(rng, *self.intensity_range),
                "density": uniform(rng, *self.density_range),
                "speck": integer(rng, self.speck_size[0], self.speck_size[1] + 1),
                "blob_scale": uniform(rng, *self.blob_scale_range), "seed": seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return scale_image(image, 1.0 - toner(image.shape[:2], params))


def toner(size: tuple[int, int], params: dict[str, Any]) -> np.ndarray:
    """`PhotocopyNoise`'s ``(H, W)`` float32 toner darkness in [0, intensity].

    Example:
        >>> t = toner((32, 32), {"side": "none", "intensity": 0.5, "density": 1.0, "speck": 1,
        ...                      "blob_scale": 0.2, "seed": 0})
        >>> 0 < float(t.max()) <= 0.5
        True
    """
    h, w = size
    rng = kernel_rng(params["seed"])
    clouds = smooth_field(rng, size, params["blob_scale"] * max(h, w))
    clouds = np.clip((clouds - np.float32(0.35)) * np.float32(1 / 0.65), 0, 1) ** 2
    density = clouds * edge_ramp(size, params["side"]) ** 2 * np.float32(params["density"])
    specks = (uniform_field(rng, size) < density).view(np.uint8)
    s = int(params["speck"])
    if s > 1:
        specks = cv2.dilate(specks, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (s, s)))
    dark = specks.astype(np.float32)
    # each speck's own toner density, softened at its rim
    dark *= np.float32(0.5) + np.float32(0.5) * uniform_field(rng, size)
    dark = cv2.GaussianBlur(dark, (3, 3), 0.6).reshape(h, w)
    return dark * np.float32(params["intensity"])


class DirtyRollers(FactorEffect):
    """Stripes left by dirty scanner rollers (Augraphy's ``DirtyRollers``): bands
    ``line_width_range`` pixels wide that darken from their edges to their centre (with flat
    centres of 0-5 pixels between some), each by its own amount up to ``intensity_range``, under
    a slower swell. ``direction``: ``"vertical"`` stripes (the page fed top to bottom),
    ``"horizontal"``, or ``"random"``. Only darkens; constant along the stripes.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import DirtyRollers
        >>> out = DirtyRollers(direction="vertical")(image=np.full((20, 60), 255, np.uint8), seed=0)["image"]
        >>> bool((out == out[:1]).all()), bool(out.min() < 250)
        (True, True)
    """

    def __init__(self, *, line_width_range: IntRange = (8, 12), intensity_range: Range = (0.1, 0.3),
                 direction: str = "random", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.line_width_range = int_range("DirtyRollers", "line_width_range", line_width_range, 1)
        self.intensity_range = to_range("DirtyRollers", "intensity_range", intensity_range,
                                        center=None, low=0, high=1)
        self.direction = check_choice("DirtyRollers", "direction", direction,
                                      ("random", "vertical", "horizontal"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"width": integer(rng, self.line_width_range[0], self.line_width_range[1] + 1),
                "direction": draw(rng, ("vertical", "horizontal"), self.direction),
                "intensity": uniform(rng, *self.intensity_range), "seed": seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        vertical = params["direction"] == "vertical"
        profile = roller_profile(w if vertical else h, params["width"], params["intensity"],
                                 params["seed"])
        factor = profile[None, :] if vertical else profile[:, None]
        return scale_image(image, np.ascontiguousarray(np.broadcast_to(factor, (h, w)), np.float32))


def roller_profile(length: int, width: int, intensity: float, noise_seed: int) -> np.ndarray:
    """The brightness across the rollers: `length` float32 values in ``[1 - intensity, 1]``.

    Bands of ``2 * width`` pixels plus a flat centre of 0-5 pixels, one after the other; band
    ``i`` darkens by ``intensity * U(0.4, 1)`` at its centre, times a swell that varies over 10-25
    bands. Built at once with a search over the band ends, not band by band.

    Example:
        >>> p = roller_profile(100, 5, 0.3, 0)
        >>> p.shape, bool(0.7 <= p.min() < p.max() <= 1.0)
        ((100,), True)
    """
    rng = kernel_rng(noise_seed)
    n = length // (2 * width) + 2
    u = uniform_field(rng, (3, n))
    flats = np.floor(u[0] * 6).astype(np.int64)  # 0..5 pixels of flat centre
    lengths = 2 * width + flats
    ends = np.cumsum(lengths)
    t = np.arange(length)
    band = np.searchsorted(ends, t, side="right")
    local = (t - (ends[band] - lengths[band])).astype(np.float32) + np.float32(0.5)
    tent = np.minimum(local, lengths[band] - local) / np.float32(width)
    depth = np.float32(0.4) + np.float32(0.6) * u[1]
    # the slower swell: a smooth curve through knots 10-25 bands apart
    span = float(2 * width * (10 + 15 * u[2, 0]))
    knots = np.arange(0.0, length + span, span)
    swell = np.interp(t, knots, 0.3 + 0.7 * uniform_field(rng, (len(knots),))).astype(np.float32)
    return np.float32(1) - np.float32(intensity) * depth[band] * np.minimum(tent, 1) * swell


class DirtyDrum(FactorEffect):
    """Streaks of a dirty or scratched toner drum (Augraphy's ``DirtyDrum``): thin lines
    ``line_width_range`` pixels wide running the length of the page, covering about
    ``concentration_range`` of its width, each a streaky trail of toner (grain smeared along the
    line) darkening by up to ``intensity_range``. ``direction``: ``"vertical"`` lines,
    ``"horizontal"``, ``"both"`` or ``"random"`` (one of the three). Only darkens.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import DirtyDrum
        >>> t = DirtyDrum(direction="vertical", concentration_range=(0.2, 0.2))
        >>> out = t(image=np.full((50, 60), 255, np.uint8), seed=0)["image"]
        >>> touched = (out < 255).any(axis=0)
        >>> bool(touched.any() and touched.mean() < 0.5)
        True
    """

    def __init__(self, *, line_width_range: IntRange = (1, 4),
                 concentration_range: Range = (0.05, 0.15), direction: str = "random",
                 intensity_range: Range = (0.3, 0.6), p: float = 1.0) -> None:
        super().__init__(p=p)
        self.line_width_range = int_range("DirtyDrum", "line_width_range", line_width_range, 1)
        self.concentration_range = to_range("DirtyDrum", "concentration_range",
                                            concentration_range, center=None, low=0, high=1)
        self.direction = check_choice("DirtyDrum", "direction", direction,
                                      ("random", "vertical", "horizontal", "both"))
        self.intensity_range = to_range("DirtyDrum", "intensity_range", intensity_range,
                                        center=None, low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"direction": draw(rng, ("vertical", "horizontal", "both"), self.direction),
                "concentration": uniform(rng, *self.concentration_range),
                "intensity": uniform(rng, *self.intensity_range), "seed": seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        rng = kernel_rng(params["seed"])
        dark = np.zeros((h, w), np.float32)
        if params["direction"] in ("vertical", "both"):
            dark = np.maximum(dark, drum_streaks((h, w), self.line_width_range,
                                                 params["concentration"], params["intensity"], rng))
        if params["direction"] in ("horizontal", "both"):
            dark = np.maximum(dark, drum_streaks((w, h), self.line_width_range,
                                                 params["concentration"], params["intensity"],
                                                 rng).T)
        return scale_image(image, np.float32(1) - dark)


def drum_streaks(size: tuple[int, int], widths: tuple[int, int], concentration: float,
                 intensity: float, rng: np.random.Generator) -> np.ndarray:
    """``(H, W)`` float32 darkness of vertical drum streaks: columns grouped into lines of random
    width (from `widths`), a `concentration` fraction of them inked, each line's grain smeared
    down the page and scaled by its own share of `intensity`.

    Example:
        >>> d = drum_streaks((40, 30), (1, 2), 0.3, 0.5, np.random.default_rng(0))
        >>> d.shape, bool(0 < d.max() <= 0.5), bool((d.max(axis=0) == 0).any())
        ((40, 30), True, True)
    """
    h, w = size
    lo, hi = widths
    # cut the columns into lines of random widths, then ink a fraction of the lines
    n = w // lo + 1
    u = uniform_field(rng, (3, n))
    sizes = lo + np.floor(u[0] * (hi - lo + 1)).astype(np.int64)
    line = np.searchsorted(np.cumsum(sizes), np.arange(w), side="right")
    inked = u[1] < np.float32(concentration)
    strength = np.where(inked, np.float32(intensity) * (np.float32(0.5) + np.float32(0.5) * u[2]),
                        np.float32(0))[line]
    if not strength.any():
        return np.zeros((h, w), np.float32)
    grain = uniform_field(rng, (h, w))
    streaks = cv2.blur(grain, (1, 9)).reshape(h, w)  # smeared along the line
    streaks = np.clip((streaks - np.float32(0.35)) * np.float32(1 / 0.3), 0, 1)
    return streaks * strength[None, :]


