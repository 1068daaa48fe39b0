"""The page itself and what lies on it: paper texture and tint, ink of the other side showing
through, a shadow cast across the page.

Each multiplies the page by a factor in [0, 1] (tinted per channel for paper colour), so paper
changes and ink stays dark: text keeps its contrast. uint8, uint16 (natively) and float32 in
[0, 1]; grey, RGB or any number of channels.
"""

from __future__ import annotations

import colorsys
import math
from typing import Any

import cv2
import numpy as np

from ...core.params import check_choice, to_range
from ...core.rng import integer, kernel_rng, uniform
from ...core.sample import Sample
from ...core.types import IntRange, Range
from ..functional.noise import normal16
from ._common import (
    SIDES,
    FactorEffect,
    draw,
    int_range,
    lightness,
    scale_image,
    seed,
    uniform_field,
)

__all__ = ["BleedThrough", "PaperTexture", "ShadowCast"]


class PaperTexture(FactorEffect):
    """Paper instead of a flat white background (Augraphy's ``NoiseTexturize``, ``SubtleNoise``
    and ``ColorPaper`` in one pass): a fibrous texture of noise at several scales (darkening by
    up to ``roughness_range``), a fine per-pixel grain (up to ``grain_range``) and, on RGB
    pages, a paper tint of hue ``hue_range`` (degrees; 30-60 is cream to yellow) and saturation
    ``tint_range``. The page is multiplied by the paper, so ink stays dark and text readable.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import PaperTexture
        >>> page = np.full((64, 64, 3), 255, np.uint8); page[30:34, 8:56] = 0
        >>> out = PaperTexture(tint_range=(0.1, 0.1))(image=page, seed=0)["image"]
        >>> bool(out[:20].std() > 0), int(out[30:34, 8:56].max()), bool(out[..., 2].mean() < out[..., 0].mean())
        (True, 0, True)
    """

    def __init__(self, *, roughness_range: Range = (0.03, 0.1), grain_range: Range = (0.0, 0.04),
                 tint_range: Range = (0.0, 0.12), hue_range: Range = (30, 60),
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.roughness_range = to_range("PaperTexture", "roughness_range", roughness_range,
                                        center=None, low=0, high=1)
        self.grain_range = to_range("PaperTexture", "grain_range", grain_range, center=None,
                                    low=0, high=1)
        self.tint_range = to_range("PaperTexture", "tint_range", tint_range, center=None, low=0,
                                   high=1)
        self.hue_range = to_range("PaperTexture", "hue_range", hue_range, center=None, low=0,
                                  high=360)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"roughness": uniform(rng, *self.roughness_range),
                "grain": uniform(rng, *self.grain_range),
                "tint": uniform(rng, *self.tint_range), "hue": uniform(rng, *self.hue_range),
                "seed": seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        paper = paper_field((h, w), params["roughness"], params["grain"], params["seed"])
        if image.ndim == 3 and image.shape[2] == 3 and params["tint"] > 0:
            rgb = colorsys.hsv_to_rgb(params["hue"] / 360.0, params["tint"], 1.0)
            paper = paper[:, :, None] * np.asarray(rgb, np.float32)
        return scale_image(image, paper)


def paper_field(size: tuple[int, int], roughness: float, grain: float, noise_seed: int) -> np.ndarray:
    """The ``(H, W)`` float32 brightness of paper in ``[1 - roughness - grain, 1]``: noise summed
    over octaves (cells of a quarter of the page down to 2 pixels, each a third of the last, with
    weights falling by half; normalised to [0, 1]) plus per-pixel grain.

    The octaves are summed as a pyramid: each level's sum is enlarged to the next, finer grid
    and that level's noise added there, so only the last step touches every pixel.

    Example:
        >>> f = paper_field((40, 50), 0.1, 0.0, 0)
        >>> round(float(f.min()), 3), round(float(f.max()), 3)
        (0.9, 1.0)
    """
    h, w = size
    rng = kernel_rng(noise_seed)
    field: np.ndarray | None = None
    cell, weight = max(h, w) / 4.0, 1.0
    while True:
        gh, gw = max(2, int(math.ceil(h / cell)) + 1), max(2, int(math.ceil(w / cell)) + 1)
        level = normal16(rng, (gh, gw)) * np.float32(weight)
        if field is not None:
            level += cv2.resize(field, (gw, gh), interpolation=cv2.INTER_LINEAR).reshape(gh, gw)
        field = level
        if cell <= 2.0:
            break
        cell, weight = max(2.0, cell / 3.0), weight * 0.5
    field = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w)
    lo, hi = float(field.min()), float(field.max())
    field -= np.float32(lo)
    field *= np.float32(roughness / (hi - lo) if hi > lo else 0.0)
    if grain > 0:
        field += uniform_field(rng, (h, w)) * np.float32(grain)
    return np.float32(1.0) - field


class BleedThrough(FactorEffect):
    """Ink of the other side of the sheet showing through (Augraphy's ``BleedThrough``): the
    page's own ink, mirrored left to right as the back of the sheet is, shifted by up to
    ``offset_range`` (fraction of the page, each way), blurred by ``blur_range`` (pixels, the
    paper diffusing it) and darkening the page by ``intensity_range`` where it is solid. Only
    darkens; ink stays ink.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import BleedThrough
        >>> page = np.full((40, 60), 255, np.uint8); page[10:20, 5:15] = 0
        >>> t = BleedThrough(intensity_range=(0.3, 0.3), offset_range=0, blur_range=(1, 1))
        >>> out = t(image=page, seed=0)["image"]
        >>> int(out[15, 50]) < 255 == int(out[15, 30])  # the mirror of the block, not beside it
        True
    """

    def __init__(self, *, intensity_range: Range = (0.1, 0.3), blur_range: Range = (1.0, 3.0),
                 offset_range: Range = 0.02, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.intensity_range = to_range("BleedThrough", "intensity_range", intensity_range,
                                        center=None, low=0, high=1)
        self.blur_range = to_range("BleedThrough", "blur_range", blur_range, center=None, low=0,
                                   high=50)
        self.offset_range = to_range("BleedThrough", "offset_range", offset_range, low=-0.5,
                                     high=0.5)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"intensity": uniform(rng, *self.intensity_range),
                "blur": uniform(rng, *self.blur_range),
                "dx": uniform(rng, *self.offset_range), "dy": uniform(rng, *self.offset_range)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        top = np.float32(255 if image.dtype == np.uint8 else 65535 if image.dtype == np.uint16 else 1)
        ink = np.clip(np.float32(1) - lightness(image) * (np.float32(1) / top), 0, 1)
        # the back of the sheet: mirrored, and a little out of register
        shift = np.array([[-1, 0, w - 1 + params["dx"] * w], [0, 1, params["dy"] * h]], np.float32)
        back = cv2.warpAffine(ink, shift, (w, h), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=0).reshape(h, w)
        if params["blur"] > 0.3:
            back = cv2.GaussianBlur(back, (0, 0), params["blur"]).reshape(h, w)
        return scale_image(image, np.float32(1) - back * np.float32(params["intensity"]))


class ShadowCast(FactorEffect):
    """A soft shadow cast across the page from one edge (Augraphy's ``ShadowCast``): a shape
    along a stretch ``width_range`` (fraction of that edge) reaching ``depth_range`` (fraction of
    the page) in, with ``vertices_range`` random points on its far outline, blurred by
    ``softness_range`` (fraction of the page) and darkening by ``opacity_range``. ``side``:
    ``"left"``, ``"right"``, ``"top"``, ``"bottom"`` or ``"random"``. Only darkens.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import ShadowCast
        >>> t = ShadowCast(side="top", width_range=(1, 1))
        >>> out = t(image=np.full((60, 40), 255, np.uint8), seed=0)["image"]
        >>> bool(out[:5].mean() < out[-5:].mean() == 255)
        True
    """

    def __init__(self, *, side: str = "random", opacity_range: Range = (0.3, 0.7),
                 width_range: Range = (0.3, 0.8), depth_range: Range = (0.2, 0.5),
                 vertices_range: IntRange = (1, 6), softness_range: Range = (0.03, 0.08),
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.side = check_choice("ShadowCast", "side", side, ("random", *SIDES))
        self.opacity_range = to_range("ShadowCast", "opacity_range", opacity_range, center=None,
                                      low=0, high=1)
        self.width_range = to_range("ShadowCast", "width_range", width_range, center=None,
                                    low=0.01, high=1)
        self.depth_range = to_range("ShadowCast", "depth_range", depth_range, center=None,
                                    low=0.01, high=1)
        self.vertices_range = int_range("ShadowCast", "vertices_range", vertices_range, 1)
        self.softness_range = to_range("ShadowCast", "softness_range", softness_range,
                                       center=None, low=0, high=0.5)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        width = uniform(rng, *self.width_range)
        depth = uniform(rng, *self.depth_range)
        k = integer(rng, self.vertices_range[0], self.vertices_range[1] + 1)
        return {"side": draw(rng, SIDES, self.side), "opacity": uniform(rng, *self.opacity_range),
                "start": uniform(rng, 0.0, 1.0 - width), "width": width,
                "reach": [depth * uniform(rng, 0.4, 1.0) for _ in range(k)],
                "softness": uniform(rng, *self.softness_range)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return scale_image(image, 1.0 - shadow_mask(image.shape[:2], params) * np.float32(params["opacity"]))


_SHADOW_GRID = 160  # the shadow is drawn and blurred on a grid this size, then enlarged


def shadow_mask(size: tuple[int, int], params: dict[str, Any]) -> np.ndarray:
    """`ShadowCast`'s ``(H, W)`` float32 shadow in [0, 1], drawn at low resolution in the frame
    where the shadow's edge is the top, blurred there, turned to its side and enlarged.

    Example:
        >>> m = shadow_mask((50, 80), {"side": "left", "start": 0.0, "width": 1.0, "reach": [0.5],
        ...                            "softness": 0.0})
        >>> float(m[:, 0].min()), float(m[:, -1].max())
        (1.0, 0.0)
    """
    h, w = size
    side = params["side"]
    along, across = (w, h) if side in ("top", "bottom") else (h, w)
    scale = min(1.0, _SHADOW_GRID / max(h, w))
    ga, gc = max(2, int(round(along * scale))), max(2, int(round(across * scale)))
    start, width = params["start"] * ga, params["width"] * ga
    reach = np.asarray(params["reach"], np.float64) * gc
    xs = np.linspace(start, start + width, len(reach) + 2)
    outline = [(xs[0], 0.0), *zip(xs[1:-1], reach, strict=True), (xs[-1], 0.0)]
    # the shape's far outline: a smooth curve through the drawn points
    dense = np.linspace(start, start + width, max(8, int(width) * 2))
    ys = np.interp(dense, [p[0] for p in outline], [p[1] for p in outline])
    poly = np.concatenate([[[start, -1.0]], np.stack([dense, ys], 1), [[start + width, -1.0]]])
    canvas = np.zeros((gc, ga), np.float32)
    cv2.fillPoly(canvas, [np.round(poly * 16).astype(np.int32)], 1.0, lineType=cv2.LINE_AA, shift=4)
    sigma = params["softness"] * max(ga, gc)
    if sigma > 0.3:
        canvas = cv2.GaussianBlur(canvas, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)
    if side == "bottom":
        canvas = canvas[::-1]
    elif side == "left":
        canvas = canvas.T
    elif side == "right":
        canvas = canvas.T[:, ::-1]
    out = cv2.resize(np.ascontiguousarray(canvas), (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(out.reshape(h, w), 0.0, 1.0)
