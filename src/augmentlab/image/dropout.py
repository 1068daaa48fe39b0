"""Erasing: CoarseDropout (Cutout), GridDropout, RandomErasing, XYMasking, PixelDropout,
ChannelDropout and MaskDropout.

Holes change pixels (and, with ``fill_mask`` set, the mask); boxes and keypoints are left as
they are: the object is still there, only hidden. MaskDropout is the exception: it erases whole
objects, so their boxes lose the erased share of their visibility and their keypoints go.
Every one takes any dtype and any number of channels; fills are in pixel units of the image's
dtype (a float fill <= 1 on an integer image is a fraction of white), saturated rather than
wrapped.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import cv2
import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_number, shown, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.transform import Transform
from ..core.types import Fill, IntRange, Range
from .functional.dtype import DEPTHS, max_value
from .spatial.bases import sample_channels
from .spatial.fields import BoxSet, PointSet

__all__ = ["ChannelDropout", "CoarseDropout", "GridDropout", "MaskDropout", "PixelDropout",
           "RandomErasing", "XYMasking"]


def _check_fill(owner: str, fill: Any) -> Any:
    if isinstance(fill, str) and fill == "random":
        return fill
    if isinstance(fill, (int, float)) and not isinstance(fill, bool):
        return check_number(owner, "fill", fill)  # finite, and within float's range
    if isinstance(fill, (list, tuple)) and fill and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in fill):
        return [check_number(owner, "fill", v) for v in fill]
    raise InvalidConfig(f"{owner}: fill={shown(fill)} must be a number, a list (one per channel) or "
                        "'random'")


def _check_fill_mask(owner: str, fill_mask: Any) -> float | None:
    return None if fill_mask is None else check_number(owner, "fill_mask", fill_mask)


def fill_value(fill: Any, image: np.ndarray) -> np.ndarray:
    """A number (or one per channel) as `image` holds it: a float <= 1 on an integer image is a
    fraction of white; integer images saturate rather than wrap around.

    Example:
        >>> fill_value(0.5, np.zeros(1, np.uint16)).tolist(), fill_value(300, np.zeros(1, np.uint8)).tolist()
        (32768.0, 255.0)
    """
    if isinstance(fill, (int, float)):  # the common case, without array calls (~1 us)
        v = float(fill)
        if image.dtype.kind == "u":
            top = max_value(image)
            if isinstance(fill, float) and v <= 1:
                v *= top  # a fraction of white, in the dtype's range
            v = min(max(float(np.rint(v)), 0.0), top)
        return np.array(v)
    value = np.asarray(fill, dtype=np.float64)
    if image.dtype.kind == "u":
        top = max_value(image)
        if isinstance(fill, float) and value.max() <= 1:
            value = value * top
        value = np.clip(np.rint(value), 0, top)
    return value


class _Holes(Transform):
    """Shared apply: params hold ``holes`` as [x0, y0, x1, y1] pixel rectangles."""

    _abstract = True
    image_dtypes = DEPTHS
    fill: Any
    fill_mask: float | None

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({"image", "mask"}) if self.fill_mask is not None else frozenset({"image"})

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = image.copy()
        rng = kernel_rng(params["seed"]) if self.fill == "random" else None
        top = max_value(image)
        if rng is None:
            value = fill_value(self.fill, image)
            value = value if value.ndim == 0 or image.ndim == 3 else value.ravel()[0]
        for x0, y0, x1, y1 in params["holes"]:
            region = out[y0:y1, x0:x1]
            if rng is not None:
                if image.dtype.kind == "u":  # every value of the dtype's own range
                    region[...] = rng.integers(0, int(top) + 1, region.shape, dtype=image.dtype)
                else:
                    region[...] = rng.random(region.shape, dtype=np.float32)
            else:
                region[...] = value
        return out

    def apply_mask(self, mask: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = mask.copy()
        for x0, y0, x1, y1 in params["holes"]:
            out[y0:y1, x0:x1] = self.fill_mask
        return out


def _extent(owner: str, name: str, value: Any) -> tuple[float, float]:
    lo, hi = to_range(owner, name, value, center=None, low=0)
    if (lo <= 1 < hi) or (hi <= 1 and lo != hi and lo > 1):
        raise InvalidConfig(f"{owner}: {name}={value!r} mixes fractions and pixels; give both "
                            "as fractions (<= 1) or both as pixels (> 1)")
    return lo, hi


def _draw(rng: np.random.Generator, rng_: tuple[float, float], full: int) -> int:
    lo, hi = rng_
    if hi <= 1:  # fractions of the side
        return max(1, int(round(uniform(rng, lo, hi) * full)))
    return integer(rng, int(lo), int(hi) + 1)


class CoarseDropout(_Holes):
    """Cutout: blank ``num_holes_range`` rectangles whose sides are fractions of the image
    (values <= 1) or pixels (> 1).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
        ...                      hole_width_range=(0.5, 0.5), p=1.0)
        >>> int((t(image=np.full((8, 8), 9, np.uint8), seed=0)["image"] == 0).sum())
        16
    """

    def __init__(self, *, num_holes_range: IntRange = (1, 2), hole_height_range: Range = (0.1, 0.2),
                 hole_width_range: Range = (0.1, 0.2), fill: Fill | Literal["random"] = 0,
                 fill_mask: float | None = None,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("CoarseDropout", "num_holes_range", num_holes_range, center=None, low=1)
        self.num_holes = (int(lo), int(hi))
        self.hole_height = _extent("CoarseDropout", "hole_height_range", hole_height_range)
        self.hole_width = _extent("CoarseDropout", "hole_width_range", hole_width_range)
        self.fill = _check_fill("CoarseDropout", fill)
        if fill_mask is not None:
            check_number("CoarseDropout", "fill_mask", fill_mask)
        self.fill_mask = fill_mask

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        holes = []
        for _ in range(integer(rng, self.num_holes[0], self.num_holes[1] + 1)):
            hh = min(h, _draw(rng, self.hole_height, h))
            hw = min(w, _draw(rng, self.hole_width, w))
            y0, x0 = integer(rng, 0, h - hh + 1), integer(rng, 0, w - hw + 1)
            holes.append([x0, y0, x0 + hw, y0 + hh])
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}


class GridDropout(_Holes):
    """Blank a regular grid of rectangles: ``ratio`` of each grid unit's side is dropped.

    ``unit_size_range`` is the side of a square unit, as fractions of the shorter image side
    (values <= 1) or pixels (> 1); None (the default, as in Albumentations) makes units a tenth
    of each side (at least 2 pixels), a 10 x 10 grid.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.GridDropout(ratio=0.5, unit_size_range=(4, 4), random_offset=False, p=1.0)
        >>> int((t(image=np.ones((8, 8), np.uint8))["image"] == 0).sum())
        16
    """

    def __init__(self, *, ratio: float = 0.5, unit_size_range: Range | None = None,
                 random_offset: bool = True, fill: Fill | Literal["random"] = 0,
                 fill_mask: float | None = None,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.ratio = float(check_number("GridDropout", "ratio", ratio, low=0, high=1))
        self.unit_size = (None if unit_size_range is None
                          else _extent("GridDropout", "unit_size_range", unit_size_range))
        self.random_offset = bool(random_offset)
        self.fill = _check_fill("GridDropout", fill)
        self.fill_mask = _check_fill_mask("GridDropout", fill_mask)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        if self.unit_size is None:  # a tenth of each side: a 10 x 10 grid
            uh, uw = max(2, h // 10), max(2, w // 10)
        else:
            uh = uw = max(2, min(_draw(rng, self.unit_size, min(h, w)), min(h, w)))
        hh = max(1, int(round(uh * self.ratio))) if self.ratio > 0 else 0
        hw = max(1, int(round(uw * self.ratio))) if self.ratio > 0 else 0
        ox = integer(rng, 0, uw) if self.random_offset else 0
        oy = integer(rng, 0, uh) if self.random_offset else 0
        holes = []
        if hh > 0 and hw > 0:
            for y in range(oy - uh, h, uh):
                for x in range(ox - uw, w, uw):
                    x0, y0 = max(x, 0), max(y, 0)
                    x1, y1 = min(x + hw, w), min(y + hh, h)
                    if x1 > x0 and y1 > y0:
                        holes.append([x0, y0, x1, y1])
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}


class RandomErasing(_Holes):
    """torchvision's RandomErasing: one rectangle with area fraction ``scale`` and aspect
    ``ratio``, filled with ``fill`` (or ``"random"`` noise).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomErasing()(image=np.full((16, 16, 3), 7, np.uint8), seed=0)
        >>> int((out["image"] == 0).any())
        1
    """

    def __init__(self, *, scale: Range = (0.02, 0.33), ratio: Range = (0.3, 3.3),
                 fill: Fill | Literal["random"] = 0,
                 fill_mask: float | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.scale = to_range("RandomErasing", "scale", scale, center=None, low=0, high=1)
        self.ratio = to_range("RandomErasing", "ratio", ratio, center=None, low=1e-3)
        self.fill = _check_fill("RandomErasing", fill)
        self.fill_mask = _check_fill_mask("RandomErasing", fill_mask)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        holes: list[list[int]] = []
        for _ in range(10):
            area = h * w * uniform(rng, *self.scale)
            aspect = math.exp(uniform(rng, *log_ratio))
            eh, ew = int(round(math.sqrt(area * aspect))), int(round(math.sqrt(area / aspect)))
            if 0 < eh < h and 0 < ew < w:
                y0, x0 = integer(rng, 0, h - eh + 1), integer(rng, 0, w - ew + 1)
                holes = [[x0, y0, x0 + ew, y0 + eh]]
                break
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}


class XYMasking(_Holes):
    """SpecAugment-style stripes: ``num_masks_x`` vertical stripes of ``mask_x_length`` pixels
    (full height) and ``num_masks_y`` horizontal ones of ``mask_y_length`` (full width), filled
    with ``fill`` (``fill_mask`` on masks when given). As Albumentations' ``XYMasking``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.XYMasking(num_masks_x=1, mask_x_length=3, p=1.0)
        >>> int((t(image=np.ones((4, 10), np.uint8), seed=0)["image"] == 0).sum())
        12
    """

    native_params = True

    def __init__(self, *, num_masks_x: IntRange = 0, num_masks_y: IntRange = 0,
                 mask_x_length: IntRange = 0, mask_y_length: IntRange = 0,
                 fill: Fill | Literal["random"] = 0, fill_mask: float | None = None,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        ranges = {}
        for name, value in (("num_masks_x", num_masks_x), ("num_masks_y", num_masks_y),
                            ("mask_x_length", mask_x_length), ("mask_y_length", mask_y_length)):
            lo, hi = to_range("XYMasking", name, value, center=None, low=0)
            if lo != int(lo) or hi != int(hi):
                raise InvalidConfig(f"XYMasking: {name}={shown(value)} must be whole numbers")
            ranges[name] = (int(lo), int(hi))
        self.num_masks_x, self.num_masks_y = ranges["num_masks_x"], ranges["num_masks_y"]
        self.mask_x_length, self.mask_y_length = ranges["mask_x_length"], ranges["mask_y_length"]
        if not ((self.num_masks_x[1] and self.mask_x_length[1]) or
                (self.num_masks_y[1] and self.mask_y_length[1])):
            raise InvalidConfig("XYMasking: nothing to mask; give num_masks_x with mask_x_length "
                                "(vertical stripes) and/or num_masks_y with mask_y_length "
                                "(horizontal ones), e.g. num_masks_x=(1, 3), mask_x_length=(5, 20)")
        self.fill = _check_fill("XYMasking", fill)
        self.fill_mask = _check_fill_mask("XYMasking", fill_mask)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        holes = []
        for vertical, count, length in ((True, self.num_masks_x, self.mask_x_length),
                                        (False, self.num_masks_y, self.mask_y_length)):
            if not (count[1] and length[1]):
                continue
            side = w if vertical else h
            for _ in range(integer(rng, count[0], count[1] + 1)):
                size = min(side, integer(rng, length[0], length[1] + 1))
                start = integer(rng, 0, side - size + 1)
                holes.append([start, 0, start + size, h] if vertical else [0, start, w, start + size])
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}


class PixelDropout(Transform):
    """Set each pixel to ``drop_value`` with probability ``dropout_prob`` (each channel apart
    with ``per_channel=True``; ``drop_value=None``: random values of the dtype's range). With
    ``mask_drop_value`` set, the mask's dropped pixels take it too. As Albumentations'
    ``PixelDropout`` (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.PixelDropout(dropout_prob=0.5, p=1.0)(image=np.ones((32, 32), np.uint8), seed=0)
        >>> 0.4 < float((out["image"] == 0).mean()) < 0.6
        True
    """

    image_dtypes = DEPTHS
    native_params = True

    def __init__(self, *, dropout_prob: float = 0.01, per_channel: bool = False,
                 drop_value: Fill | None = 0, mask_drop_value: float | None = None,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.dropout_prob = float(check_number("PixelDropout", "dropout_prob", dropout_prob,
                                               low=0, high=1))
        self.per_channel = bool(per_channel)
        self.drop_value = None if drop_value is None else _check_fill("PixelDropout", drop_value)
        self.mask_drop_value = _check_fill_mask("PixelDropout", mask_drop_value)

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({"image", "mask"}) if self.mask_drop_value is not None \
            else frozenset({"image"})

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        channels = sample_channels(sample) if self.per_channel else 1
        return {"channels": channels, "seed": integer(rng, 0, 2**63 - 1)}

    def _dropped(self, size: tuple[int, int], params: dict[str, Any]) -> tuple[np.ndarray, Any]:
        """The drop pattern ``(H, W[, C])`` and the generator that draws random values next."""
        rng = kernel_rng(params["seed"])
        channels = params["channels"]
        shape = size if channels == 1 and not self.per_channel else (*size, channels)
        return rng.random(shape, dtype=np.float32) < self.dropout_prob, rng

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        drop, rng = self._dropped(image.shape[:2], params)
        if drop.ndim == 3 and (image.ndim == 2 or drop.shape[2] != image.shape[2]):
            raise InvalidInput(f"PixelDropout: params are for {drop.shape[2]} channels, the image "
                               f"has {1 if image.ndim == 2 else image.shape[2]}")
        out = image.copy()
        if drop.ndim == 2 and image.ndim == 3:
            drop = np.repeat(drop[:, :, None], image.shape[2], axis=2)
        if self.drop_value is None:
            n = int(drop.sum())
            if image.dtype.kind == "u":
                out[drop] = rng.integers(0, int(max_value(image)) + 1, n, dtype=image.dtype)
            else:
                out[drop] = rng.random(n, dtype=np.float32)
        else:
            value = fill_value(self.drop_value, image)
            if value.ndim == 0:
                out[drop] = value
            else:
                full = np.broadcast_to(value, out.shape)
                out[drop] = full[drop]
        return out

    def apply_mask(self, mask: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        drop, _ = self._dropped(mask.shape[:2], params)
        if drop.ndim == 3:
            drop = np.any(drop, axis=2)
        out = mask.copy()
        out[drop] = self.mask_drop_value
        return out


class ChannelDropout(Transform):
    """Fill a random ``channel_drop_range`` of channels with ``fill`` (at least one channel is
    kept). As Albumentations' ``ChannelDropout`` (``p=0.5``); needs 2 or more channels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.ChannelDropout(p=1.0)(image=np.full((2, 2, 3), 9, np.uint8), seed=0)
        >>> sorted(int(out["image"][0, 0, c]) for c in range(3))
        [0, 9, 9]
    """

    fields = frozenset({"image"})
    image_dtypes = DEPTHS
    native_params = True

    def __init__(self, *, channel_drop_range: IntRange = (1, 1), fill: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("ChannelDropout", "channel_drop_range", channel_drop_range, center=None,
                          low=1)
        if lo != int(lo) or hi != int(hi):
            raise InvalidConfig(f"ChannelDropout: channel_drop_range={shown(channel_drop_range)} "
                                "must be whole numbers >= 1")
        self.channel_drop_range = (int(lo), int(hi))
        self.fill = check_number("ChannelDropout", "fill", fill)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        channels = sample_channels(sample)
        if channels <= self.channel_drop_range[1]:
            raise InvalidInput(f"ChannelDropout: the image has {channels} channel(s) and up to "
                               f"{self.channel_drop_range[1]} would be dropped; at least one must "
                               "stay (lower channel_drop_range, or leave it out for grey images)")
        n = integer(rng, self.channel_drop_range[0], self.channel_drop_range[1] + 1)
        pool = list(range(channels))
        for i in range(n):  # a partial shuffle: n draws (Generator.choice costs ~10 us)
            j = integer(rng, i, channels)
            pool[i], pool[j] = pool[j], pool[i]
        return {"channels": sorted(pool[:n])}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        channels = 1 if image.ndim == 2 else image.shape[2]
        if any(c >= channels for c in params["channels"]):
            raise InvalidInput(f"ChannelDropout: params name channels {params['channels']}, the "
                               f"image has {channels}")
        value = fill_value(self.fill, image)
        dropped = set(params["channels"])
        if image.dtype.kind == "u" and channels <= 4:
            # one pass of OpenCV's bitwise ops with per-channel scalars: ~3x faster than a copy
            # and a strided write (and OR-ing the fill into zeroed channels is exact)
            top, v = int(max_value(image)), int(value)
            keep = [0 if c in dropped else top for c in range(channels)] + [0] * (4 - channels)
            out = cv2.bitwise_and(image, tuple(keep))
            if v:
                fill = [v if c in dropped else 0 for c in range(channels)] + [0] * (4 - channels)
                cv2.bitwise_or(out, tuple(fill), dst=out)
            return out.reshape(image.shape)
        out = image.copy()
        for c in dropped:  # a basic slice per channel: fancy indexing is ~3x slower
            out[:, :, c] = value
        return out


def label_objects(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """The objects of a label mask: each 8-connected region of one non-zero value gets its own
    number (1, 2, ... in the order of the values, then of OpenCV's component scan), as
    Albumentations' ``MaskDropout`` numbers them. Returns ``(labels int32 (H, W), count)``.

    Example:
        >>> m = np.array([[1, 0, 1], [0, 0, 0], [2, 2, 0]], np.uint8)
        >>> labels, n = label_objects(m)
        >>> n, labels.tolist()
        (3, [[1, 0, 2], [0, 0, 0], [3, 3, 0]])
    """
    labels = np.zeros(mask.shape[:2], np.int32)
    count = 0
    for value in np.unique(mask[mask != 0]):
        n, parts = cv2.connectedComponents((mask == value).astype(np.uint8), connectivity=8)
        if n > 1:
            hit = parts > 0
            labels[hit] = parts[hit] + count
            count += n - 1
    return labels, count


def _covered(erased: np.ndarray, xyxy: np.ndarray) -> np.ndarray:
    """The area of each box (pixel-edge pascal_voc) lying on erased pixels, exactly: pixel
    ``(i, j)`` is the square ``[j, j + 1) x [i, i + 1)``, partly covered boxes count the overlap."""
    h, w = erased.shape
    out = np.zeros(len(xyxy))
    grid = erased.astype(np.float64)
    for k, (x0, y0, x1, y1) in enumerate(xyxy):
        c0, c1 = max(0, int(math.floor(x0))), min(w, int(math.ceil(x1)))
        r0, r1 = max(0, int(math.floor(y0))), min(h, int(math.ceil(y1)))
        if c1 <= c0 or r1 <= r0:
            continue
        cols = np.arange(c0, c1, dtype=np.float64)
        rows = np.arange(r0, r1, dtype=np.float64)
        wx = np.clip(np.minimum(cols + 1, x1) - np.maximum(cols, x0), 0, None)
        wy = np.clip(np.minimum(rows + 1, y1) - np.maximum(rows, y0), 0, None)
        out[k] = float(wy @ grid[r0:r1, c0:c1] @ wx)
    return out


def _polygon_covered(erased: np.ndarray, polys: list[np.ndarray]) -> np.ndarray:
    """The share of each polygon (a rotated box) on erased pixels: of the pixels whose centres
    it holds, how many are erased (a raster estimate; 0 for a polygon holding no pixel centre)."""
    h, w = erased.shape
    out = np.zeros(len(polys))
    for k, poly in enumerate(polys):
        if poly is None or len(poly) < 3:  # nothing left in the frame
            continue
        x0, y0 = np.floor(poly.min(axis=0)).astype(int)
        x1, y1 = np.ceil(poly.max(axis=0)).astype(int)
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
        if x1 <= x0 or y1 <= y0:
            continue
        inside = np.zeros((y1 - y0, x1 - x0), np.uint8)
        # pixel (i, j) has its centre at (j + 0.5, i + 0.5) in edge coordinates
        pts = np.round((poly - [x0 + 0.5, y0 + 0.5]) * 16).astype(np.int32)
        cv2.fillPoly(inside, [pts], 1, shift=4)
        n = int(inside.sum())
        if n:
            out[k] = float(erased[y0:y1, x0:x1][inside > 0].sum()) / n
    return out


class MaskDropout(Transform):
    """Erase whole objects of a label or instance mask: ``max_objects`` of its objects (each
    8-connected region of one non-zero value) are drawn and their pixels filled with ``fill`` in
    the images and ``fill_mask`` in the masks. As Albumentations' ``MaskDropout`` (``p=0.5``).

    Unlike the other erasing transforms, the erased objects are gone: each box loses the share
    of its area that lies on erased pixels from its visibility (so ``Compose(min_visibility=...)``
    drops the boxes of erased objects, and their per-box labels with them), and keypoints on
    erased pixels are removed. Objects are read from the call's first mask (an ``(H, W)`` or
    ``(H, W, 1)`` array); a call without a mask has no objects and is left as it is. Boxes are
    measured exactly on the pixel grid; a rotated box (or one a rotation turned, whose region
    is a polygon) by the pixel centres its polygon holds.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> mask = np.zeros((8, 8), np.uint8); mask[:4, :4] = 1
        >>> pipe = al.Compose([al.MaskDropout(p=1.0)], min_visibility=0.5)
        >>> out = pipe(image=np.full((8, 8), 9, np.uint8), mask=mask, bboxes=[[0, 0, 4, 4]], seed=0)
        >>> int(out["image"][0, 0]), int(out["mask"].max()), len(out["bboxes"])
        (0, 0, 0)
    """

    fields = frozenset({"image", "mask", "bboxes", "keypoints"})
    image_dtypes = DEPTHS
    native_params = True

    def __init__(self, *, max_objects: IntRange = (1, 1), fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("MaskDropout", "max_objects", max_objects, center=None, low=1)
        if lo != int(lo) or hi != int(hi):
            raise InvalidConfig(f"MaskDropout: max_objects={shown(max_objects)} must be whole "
                                "numbers >= 1, e.g. 2 or (1, 3)")
        self.max_objects = (int(lo), int(hi))
        if isinstance(fill, str):
            raise InvalidConfig(f"MaskDropout: fill={shown(fill)} must be a number or a list (one "
                                "per channel); inpainting fills are not supported")
        self.fill = _check_fill("MaskDropout", fill)
        self.fill_mask = check_number("MaskDropout", "fill_mask", fill_mask)

    @staticmethod
    def _objects(sample: Sample) -> tuple[np.ndarray, int] | None:
        keys = sample.keys_of("mask")
        if not keys:
            return None
        mask = np.asarray(sample[keys[0]])
        if mask.ndim == 3:
            if mask.shape[2] != 1:
                raise InvalidInput(f"MaskDropout: {keys[0]} has {mask.shape[2]} channels; objects "
                                   "are read from one (H, W) label mask (give the instance mask "
                                   "first, or merge the channels into one label mask)")
            mask = mask[:, :, 0]
        return label_objects(mask)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        found = self._objects(sample)
        count = 0 if found is None else found[1]
        if count == 0:
            return {"objects": []}
        n = min(count, integer(rng, self.max_objects[0], self.max_objects[1] + 1))
        pool = list(range(1, count + 1))
        for i in range(n):  # a partial shuffle: n draws
            j = integer(rng, i, count)
            pool[i], pool[j] = pool[j], pool[i]
        return {"objects": sorted(pool[:n])}

    def erased(self, sample: Sample, params: dict[str, Any]) -> np.ndarray | None:
        """The pixels these params erase from `sample`, ``(H, W)`` bool (None: none)."""
        if not params["objects"]:
            return None
        found = self._objects(sample)
        if found is None or max(params["objects"]) > found[1]:
            raise InvalidInput(f"MaskDropout: params erase objects {params['objects']}, the mask "
                               f"has {0 if found is None else found[1]}")
        lut = np.zeros(found[1] + 1, bool)
        lut[params["objects"]] = True
        return lut[found[0]]

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        erased = self.erased(sample, params)
        if erased is None:
            return sample
        changes: dict[str, Any] = {}
        for key, kind in sample.kinds.items():
            value = sample[key]
            if kind == "image":
                out = value.copy()
                fill = fill_value(self.fill, value)
                out[erased] = fill if fill.ndim == 0 or value.ndim == 3 else fill.ravel()[0]
                changes[key] = out
            elif kind == "mask":
                out = value.copy()
                out[erased] = self.fill_mask
                changes[key] = out
            elif kind == "bboxes" and isinstance(value, BoxSet) and len(value.xyxy):
                xyxy = value.xyxy
                if value.polys is not None:  # rotated boxes, or boxes turned by a warp
                    left = 1.0 - _polygon_covered(erased, value.polys)
                else:
                    area = (xyxy[:, 2] - xyxy[:, 0]) * (xyxy[:, 3] - xyxy[:, 1])
                    left = 1.0 - _covered(erased, xyxy) / np.maximum(area, 1e-12)
                changes[key] = value.with_boxes(xyxy, value.visibility * np.clip(left, 0.0, 1.0),
                                                value.polys)
            elif kind == "keypoints" and isinstance(value, PointSet) and len(value.xy):
                h, w = erased.shape
                col = np.clip(np.floor(value.xy[:, 0] + 0.5), 0, w - 1).astype(np.intp)
                row = np.clip(np.floor(value.xy[:, 1] + 0.5), 0, h - 1).astype(np.intp)
                changes[key] = value.subset(~erased[row, col])
        return sample.derive(**changes)
