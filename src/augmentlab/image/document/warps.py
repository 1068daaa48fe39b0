"""Page geometry: fold creases and a curled, bowed page. Both are displacement warps, so masks,
boxes and keypoints follow the text (boxes by their moved outline, keypoints through the
inverted field), and both shade the image where the paper bends away from the light.

Each field's displacement changes by less than 0.7 pixels per pixel (the folds' depth and the
curl are capped to keep it so): the map stays one-to-one, with no paper folded over itself, and
the inversion that moves boxes and keypoints converges.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...core.params import check_choice, to_range
from ...core.rng import integer, uniform
from ...core.sample import Sample
from ...core.types import Fill, IntRange, Range
from ..spatial.bases import DisplacementTransform
from ..spatial.geometry import identity_map
from ._common import int_range, scale_image

__all__ = ["Folding", "PageWarp"]

Size = tuple[int, int]
Window = tuple[slice, slice]  # rows, columns
_SLOPE = 0.7  # the largest change of displacement per pixel any field here may have


class _ShadedWarp(DisplacementTransform):
    """A displacement warp whose images are then multiplied by shading (in the output frame)."""

    _abstract = True

    def shading(self, params: dict[str, Any], size: Size) -> list[tuple[Window, np.ndarray]]:
        """Windows of the warped image and the float32 factors in [0, 1] to multiply them by
        (one after the other); pixels outside every window keep their values."""
        return []

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        out = super().apply(sample, params)
        keys = out.keys_of("image")
        shades = self.shading(params, out.size) if keys else []
        if not shades:
            return out
        changes = {}
        for key in keys:
            image = out[key].copy()
            for window, factor in shades:
                image[window] = _multiply(image[window], factor)
            changes[key] = image
        return out.derive(**changes)


def _multiply(image: np.ndarray, shade: np.ndarray) -> np.ndarray:
    # floats of any range: a product needs no clipping
    return scale_image(image, np.ascontiguousarray(shade, np.float32))


def _band(size: Size, nx: float, ny: float, cx: float, cy: float, reach: float) -> Window:
    """The window holding every pixel within `reach` of the line through (cx, cy) with normal
    (nx, ny): the whole page along the line, a band across it."""
    h, w = size
    if abs(nx) >= abs(ny):  # steep: bound x at the top and bottom rows
        xs = [cx + (r - (y - cy) * ny) / nx for r in (-reach, reach) for y in (0, h - 1)]
        lo, hi = max(0, int(math.floor(min(xs)))), min(w, int(math.ceil(max(xs))) + 1)
        return slice(0, h), slice(lo, max(lo, hi))
    ys = [cy + (r - (x - cx) * nx) / ny for r in (-reach, reach) for x in (0, w - 1)]
    lo, hi = max(0, int(math.floor(min(ys)))), min(h, int(math.ceil(max(ys))) + 1)
    return slice(lo, max(lo, hi)), slice(0, w)


class Folding(_ShadedWarp):
    """Creases of a page that was folded and flattened again (Augraphy's ``Folding``): along each
    of ``fold_count`` crease lines the paper is displaced along the crease, most at the crease
    and falling linearly to nothing ``width_range`` (fraction of the page across the crease) to
    either side, by ``depth_range`` (fraction of the page along it); the crease is shaded with a
    dark line and a soft shadow on one side (``shade_range``, the darkening at the crease).

    ``orientation``: ``"vertical"`` creases, ``"horizontal"`` (a letter folded in three), or
    ``"random"`` per crease; each tilted by ``angle_range`` degrees. Masks, boxes and keypoints
    move with the paper. ``border_mode="replicate"`` by default: the page margin (and a mask
    touching the frame) extends where the paper moved away from the frame; ``"constant"`` fills
    there with ``fill`` and ``fill_mask`` instead.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import Folding
        >>> page = np.full((60, 80), 255, np.uint8)
        >>> out = Folding(orientation="vertical", fold_count=1)(image=page, keypoints=[[40, 30]], seed=0)
        >>> out["image"].shape, bool(out["image"].min() < 255), out["keypoints"].shape
        ((60, 80), True, (1, 2))
    """

    def __init__(self, *, fold_count: IntRange = (1, 2), orientation: str = "random",
                 angle_range: Range = (-5, 5), width_range: Range = (0.05, 0.1),
                 depth_range: Range = (0.005, 0.015), shade_range: Range = (0.1, 0.3),
                 interpolation: str = "linear", border_mode: str = "replicate", fill: Fill = 0,
                 fill_mask: float = 0, p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.fold_count = int_range("Folding", "fold_count", fold_count, 0)
        self.orientation = check_choice("Folding", "orientation", orientation,
                                        ("random", "vertical", "horizontal"))
        self.angle_range = to_range("Folding", "angle_range", angle_range, low=-45, high=45)
        self.width_range = to_range("Folding", "width_range", width_range, center=None,
                                    low=0.001, high=0.5)
        self.depth_range = to_range("Folding", "depth_range", depth_range, center=None, low=0,
                                    high=0.2)
        self.shade_range = to_range("Folding", "shade_range", shade_range, center=None, low=0,
                                    high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        folds = []
        for _ in range(integer(rng, self.fold_count[0], self.fold_count[1] + 1)):
            vertical = (self.orientation == "vertical" or
                        (self.orientation == "random" and integer(rng, 0, 2) == 0))
            angle = (0.0 if vertical else 90.0) + uniform(rng, *self.angle_range)
            folds.append([angle, uniform(rng, 0.2, 0.8), uniform(rng, *self.width_range),
                          uniform(rng, *self.depth_range), uniform(rng, *self.shade_range),
                          1 if integer(rng, 0, 2) else -1])
        return {"folds": folds}

    def _creases(self, params: dict[str, Any], size: Size, shading: bool = False) -> list[tuple[Any, ...]]:
        """Per crease: its window (the band it reaches), the signed distance to it at each
        pixel of the window, the tangent (x, y), half-width and depth in pixels (the depth
        capped to keep the field one-to-one), shade, side."""
        h, w = size
        out = []
        folds = params["folds"]
        line = self._line(size)
        for angle, pos, width, depth, shade, sign in folds:
            a = math.radians(angle)
            nx, ny = math.cos(a), math.sin(a)  # the normal: x for a vertical crease
            extent = abs(w * nx) + abs(h * ny)  # the page across the crease
            along = abs(w * ny) + abs(h * nx)  # the page along it
            cx = (w - 1) / 2 + (pos - 0.5) * extent * nx
            cy = (h - 1) / 2 + (pos - 0.5) * extent * ny
            half = max(1.0, width * extent)
            window = _band(size, nx, ny, cx, cy, max(half, 4 * line) if shading else half)
            rows, cols = window
            xs = np.arange(cols.start, cols.stop, dtype=np.float32) - np.float32(cx)
            ys = np.arange(rows.start, rows.stop, dtype=np.float32) - np.float32(cy)
            dist = xs[None, :] * np.float32(nx) + ys[:, None] * np.float32(ny)
            px = min(depth * along, _SLOPE * half / max(1, len(folds)))
            out.append((window, dist, -ny, nx, half, px, shade, int(sign)))
        return out

    @staticmethod
    def _line(size: Size) -> float:
        return max(1.0, 0.004 * max(size))  # the dark crease line's width (Gaussian sigma)

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        xy = identity_map(size)
        for window, dist, tx, ty, half, depth, _, sign in self._creases(params, size):
            tent = np.maximum(np.float32(0), np.float32(1) - np.abs(dist) * np.float32(1 / half))
            tent *= np.float32(sign * depth)
            part = xy[window]
            part[..., 0] += tent * np.float32(tx)
            part[..., 1] += tent * np.float32(ty)
        return xy

    def shading(self, params: dict[str, Any], size: Size) -> list[tuple[Window, np.ndarray]]:
        # the crease's distance is along its normal, which the fold's shift leaves unchanged:
        # it is the same in the output frame as in the source
        shades = []
        line = self._line(size)
        for window, dist, _, _, half, _, shade, sign in self._creases(params, size, True):
            if shade <= 0 or dist.size == 0:
                continue
            ridge = np.exp(-(dist * np.float32(1 / line)) ** 2)
            slope = np.maximum(np.float32(0), np.float32(1) - np.abs(dist) * np.float32(1 / half))
            slope *= (dist * np.float32(sign)) > 0  # the side turned away from the light
            shades.append((window, np.float32(1) - np.float32(shade) * (
                np.float32(0.7) * ridge + np.float32(0.3) * slope)))
        return shades


class PageWarp(_ShadedWarp):
    """A page that does not lie flat, as a phone photographs it: text lines bow up or down
    (``curve_range``: the bow at the page's top and at its bottom, fractions of the page height,
    interpolated in between; 0 at the left and right edges), and one edge curls away
    (``curl_side``: ``"left"``, ``"right"``, ``"none"`` or ``"random"``), squeezing the last
    ``curl_width_range`` of the page (fraction of its width) by up to ``curl_range`` of the width
    and shading it (a darkening up to ``4 * curl``, at most 0.4, at the very edge).

    Boxes, masks and keypoints follow the text. The bow is capped at
    ``min(0.1, 0.07 * width / height)`` and the curl at ``0.3 * curl_width`` so the warp stays
    one-to-one. ``border_mode="replicate"``
    by default: the page margin (and a mask touching the frame) fills what the curl and the bow
    uncover; ``"constant"`` fills there with ``fill`` and ``fill_mask`` instead.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> from augmentlab.image.document import PageWarp
        >>> t = PageWarp(curve_range=(0.05, 0.05), curl_side="none")
        >>> out = t(image=np.zeros((60, 80), np.uint8), bboxes=[[30, 20, 50, 30]], seed=0)
        >>> box = out["bboxes"][0]; bool(box[1] < 20 and box[3] < 30)
        True
    """

    def __init__(self, *, curve_range: Range = (-0.03, 0.03), curl_range: Range = (0.0, 0.05),
                 curl_width_range: Range = (0.15, 0.35), curl_side: str = "random",
                 interpolation: str = "linear", border_mode: str = "replicate", fill: Fill = 0,
                 fill_mask: float = 0, p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.curve_range = to_range("PageWarp", "curve_range", curve_range, low=-0.2, high=0.2)
        self.curl_range = to_range("PageWarp", "curl_range", curl_range, center=None, low=0,
                                   high=0.2)
        self.curl_width_range = to_range("PageWarp", "curl_width_range", curl_width_range,
                                         center=None, low=0.02, high=1)
        self.curl_side = check_choice("PageWarp", "curl_side", curl_side,
                                      ("random", "left", "right", "none"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        side = self.curl_side
        if side == "random":
            side = "left" if integer(rng, 0, 2) == 0 else "right"
        return {"top": uniform(rng, *self.curve_range), "bottom": uniform(rng, *self.curve_range),
                "curl": uniform(rng, *self.curl_range),
                "curl_width": uniform(rng, *self.curl_width_range), "side": side}

    @staticmethod
    def _curl(params: dict[str, Any], w: int) -> tuple[np.ndarray, float]:
        """Per column: how far into the curl (0 outside, 1 at the edge), and the curl in pixels."""
        u = np.linspace(0.0, 1.0, w, dtype=np.float32) if w > 1 else np.zeros(1, np.float32)
        e = float(params["curl_width"])
        if params["side"] == "none" or e <= 0:
            return np.zeros(w, np.float32), 0.0
        into = (u - np.float32(1 - e)) if params["side"] == "right" else (np.float32(e) - u)
        r = np.clip(into * np.float32(1 / e), 0, 1)
        curl = min(float(params["curl"]), 0.3 * e) * w
        return r, curl if params["side"] == "right" else -curl

    def source_map(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        xy = identity_map(size)
        u = np.linspace(0.0, 1.0, w, dtype=np.float32) if w > 1 else np.zeros(1, np.float32)
        v = np.linspace(0.0, 1.0, h, dtype=np.float32) if h > 1 else np.zeros(1, np.float32)
        # the bow's slope across (4 * bow * h / w) stays under 0.28 and down the page (the
        # difference of top and bottom) under 0.2, so with the curl's 0.6 the field's slope
        # stays under 0.7
        cap = min(0.1, 0.07 * w / max(h, 1))
        top, bottom = (float(np.clip(params[k], -cap, cap)) for k in ("top", "bottom"))
        bow = (np.float32(top) + np.float32(bottom - top) * v)[:, None] * np.float32(h)
        xy[..., 1] += bow * (np.float32(4) * u * (np.float32(1) - u))[None, :]
        r, curl = self._curl(params, w)
        if curl:
            xy[..., 0] += (np.float32(curl) * r * r)[None, :]
        return xy

    def shading(self, params: dict[str, Any], size: Size) -> list[tuple[Window, np.ndarray]]:
        r, curl = self._curl(params, size[1])
        cols = np.nonzero(r > 0)[0]
        if not curl or not len(cols):
            return []
        dark = min(0.4, 4.0 * abs(curl) / max(size[1], 1))
        window = (slice(0, size[0]), slice(int(cols[0]), int(cols[-1]) + 1))
        column = np.float32(1) - np.float32(dark) * r[window[1]] ** 2
        return [(window, np.ascontiguousarray(np.broadcast_to(column[None, :],
                                                               (size[0], len(column)))))]
