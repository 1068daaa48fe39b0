"""Colour transforms. Pointwise ones define a curve on [0, 1] and fuse as lookup tables."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_choice, check_number, to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .functional.dtype import DEPTHS, as_uint8, each_channel, like, max_value
from .spatial.bases import (
    ImageOnlyTransform,
    PointwiseTransform,
    require_channels,
    sample_channels,
)
from .spatial.lut import apply_lut

__all__ = [
    "CLAHE",
    "AutoContrast",
    "BrightnessContrast",
    "ChannelShuffle",
    "ColorJitter",
    "Equalize",
    "FancyPCA",
    "HueSaturationValue",
    "Invert",
    "Normalize",
    "PlanckianJitter",
    "Posterize",
    "RGBShift",
    "RandomGamma",
    "Solarize",
    "ToGray",
]

_GRAY_WEIGHTS = np.array([0.299, 0.587, 0.114], np.float32)


def _channels(image: np.ndarray) -> int:
    return 1 if image.ndim == 2 else image.shape[2]




class BrightnessContrast(PointwiseTransform):
    """``x * (1 + c) + b`` with ``c ~ U(contrast_limit)`` and ``b ~ U(brightness_limit)`` (as a
    fraction of the maximum value: 255, 65535, or 1 for float images). ``per_channel=True``
    draws ``c`` and ``b`` for each channel apart (the bands of a satellite image, say).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.BrightnessContrast(brightness_limit=(0.2, 0.2), contrast_limit=(0, 0))
        >>> int(t(image=np.full((1, 1), 100, np.uint8))["image"][0, 0])
        151
        >>> t = al.BrightnessContrast(brightness_limit=(-0.2, 0.2), per_channel=True)
        >>> len(set(t(image=np.full((8, 8, 5), 100, np.uint8), seed=0)["image"][0, 0].tolist()))
        5
    """

    def __init__(self, *, brightness_limit: Range = 0.2, contrast_limit: Range = 0.2,
                 per_channel: bool = False, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.brightness_limit = to_range("BrightnessContrast", "brightness_limit", brightness_limit)
        self.contrast_limit = to_range("BrightnessContrast", "contrast_limit", contrast_limit,
                                       low=-1)
        self.per_channel = bool(per_channel)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if not self.per_channel:
            return {"alpha": 1.0 + uniform(rng, *self.contrast_limit),
                    "beta": uniform(rng, *self.brightness_limit)}
        n = sample_channels(sample)
        return {"alpha": (1.0 + rng.uniform(*self.contrast_limit, size=n)).tolist(),
                "beta": rng.uniform(*self.brightness_limit, size=n).tolist()}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        alpha, beta = self.channel_values(x, params["alpha"], params["beta"])
        return x * alpha + beta


class RandomGamma(PointwiseTransform):
    """``x ** gamma`` with ``gamma = U(gamma_limit) / 100``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.RandomGamma(gamma_limit=(200, 200), p=1.0)
        >>> int(t(image=np.full((1, 1), 128, np.uint8))["image"][0, 0])
        64
    """

    def __init__(self, *, gamma_limit: Range = (80, 120), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.gamma_limit = to_range("RandomGamma", "gamma_limit", gamma_limit, center=None,
                                    low=1e-3)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"gamma": uniform(rng, *self.gamma_limit) / 100.0}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return np.power(x, params["gamma"])


class RGBShift(PointwiseTransform):
    """Add a random shift to each of R, G, B (limits in 0..255 units). Needs 3 channels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.RGBShift(r_shift_limit=(10, 10), g_shift_limit=(0, 0), b_shift_limit=(-10, -10),
        ...                 p=1.0)
        >>> t(image=np.full((1, 1, 3), 100, np.uint8))["image"][0, 0].tolist()
        [110, 100, 90]
    """

    per_channel = True

    def __init__(self, *, r_shift_limit: Range = (-20, 20), g_shift_limit: Range = (-20, 20),
                 b_shift_limit: Range = (-20, 20), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.limits = [to_range("RGBShift", n, v) for n, v in (
            ("r_shift_limit", r_shift_limit), ("g_shift_limit", g_shift_limit),
            ("b_shift_limit", b_shift_limit))]

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"shift": [uniform(rng, *lim) for lim in self.limits]}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if x.shape[-1] != 3:
            raise InvalidInput(f"RGBShift: needs a 3-channel image, got {x.shape[-1]} channel(s)")
        return x + np.asarray(params["shift"]) / 255.0


class Invert(PointwiseTransform):
    """``1 - x`` (``255 - x`` for uint8).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> int(al.Invert()(image=np.full((1, 1), 5, np.uint8))["image"][0, 0])
        250
    """

    random = False

    def __init__(self, *, p: float = 1.0) -> None:
        super().__init__(p=p)

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return 1.0 - x


class Posterize(PointwiseTransform):
    """Keep the top ``num_bits`` bits of each 8-bit value (random in a range if given one).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> int(al.Posterize(num_bits=2, p=1.0)(image=np.full((1, 1), 200, np.uint8))["image"][0, 0])
        192
    """

    discrete_params = True  # at most 8 distinct tables

    def __init__(self, *, num_bits: IntRange = 4, p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("Posterize", "num_bits", num_bits, center=None, low=1, high=8)
        if lo != int(lo) or hi != int(hi):
            raise InvalidConfig(f"Posterize: num_bits={num_bits!r} must be whole numbers")
        self.num_bits = (int(lo), int(hi))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"bits": integer(rng, self.num_bits[0], self.num_bits[1] + 1)}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        mask = (0xFF << (8 - params["bits"])) & 0xFF
        q = np.clip(np.rint(x * 255.0), 0, 255).astype(np.int32)
        return (q & mask) / 255.0


class Solarize(PointwiseTransform):
    """Invert values at or above a threshold (a fraction of the maximum, random in a range).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.Solarize(threshold=(0.5, 0.5), p=1.0)
        >>> t(image=np.array([[10, 200]], np.uint8))["image"].tolist()
        [[10, 55]]
    """

    def __init__(self, *, threshold: Range = (0.5, 0.5), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.threshold = to_range("Solarize", "threshold", threshold, center=None, low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"threshold": uniform(rng, *self.threshold)}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return np.where(x >= params["threshold"], 1.0 - x, x)


class HueSaturationValue(ImageOnlyTransform):
    """Shift hue (degrees/2 as in OpenCV's 0..179 scale), saturation and value (0..255 units) of
    an RGB image. On a grey (1-channel) image only the value shift applies, as in
    Albumentations; other channel counts are refused (shifting an alpha or infrared channel by a
    "value" would be silent garbage).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.HueSaturationValue(hue_shift_limit=0, sat_shift_limit=0, val_shift_limit=(20, 20),
        ...                           p=1.0)
        >>> int(t(image=np.full((1, 1), 100, np.uint8))["image"][0, 0])
        120
    """

    def __init__(self, *, hue_shift_limit: Range = (-20, 20), sat_shift_limit: Range = (-30, 30),
                 val_shift_limit: Range = (-20, 20), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.hue = to_range("HueSaturationValue", "hue_shift_limit", hue_shift_limit)
        self.sat = to_range("HueSaturationValue", "sat_shift_limit", sat_shift_limit)
        self.val = to_range("HueSaturationValue", "val_shift_limit", val_shift_limit)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"hue": uniform(rng, *self.hue), "sat": uniform(rng, *self.sat),
                "val": uniform(rng, *self.val)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, s, v = params["hue"], params["sat"], params["val"]
        if _channels(image) == 1:
            if image.dtype == np.uint8:
                table = np.clip(np.arange(256) + v, 0, 255).astype(np.uint8)[:, None]
                return apply_lut(image, table)
            return np.clip(image + np.float32(v / 255.0), 0, 1).astype(np.float32)
        require_channels(image, "HueSaturationValue")
        if image.dtype == np.uint8:
            hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
            x = np.arange(256)
            lut_h = np.mod(x + h, 180).astype(np.uint8)
            lut_s = np.clip(x + s, 0, 255).astype(np.uint8)
            lut_v = np.clip(x + v, 0, 255).astype(np.uint8)
            table = np.stack([lut_h, lut_s, lut_v], axis=1)
            return cv2.cvtColor(apply_lut(hsv, table), cv2.COLOR_HSV2RGB)
        hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)  # float: H in [0, 360), S, V in [0, 1]
        hsv[..., 0] = np.mod(hsv[..., 0] + 2 * h, 360)
        hsv[..., 1] = np.clip(hsv[..., 1] + s / 255.0, 0, 1)
        hsv[..., 2] = np.clip(hsv[..., 2] + v / 255.0, 0, 1)
        return np.clip(cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB), 0, 1)


def _scale_offset(image: np.ndarray, scale: float, offset: float) -> np.ndarray:
    """``image * scale + offset`` (offset in the image's value units), rounded and clipped."""
    if image.dtype == np.uint8:
        table = np.clip(np.rint(np.arange(256) * scale + offset), 0, 255).astype(np.uint8)
        return apply_lut(image, table[:, None])
    return np.clip(image * np.float32(scale) + np.float32(offset), 0, 1).astype(np.float32)


def _gray_of(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if _channels(image) == 3 else image


class ColorJitter(ImageOnlyTransform):
    """torchvision's ColorJitter: brightness, contrast, saturation and hue factors, in a random
    order. Factors are ``(min, max)`` or spreads around 1 (hue: around 0, at most 0.5 of a turn).
    The defaults are Albumentations': factors in 0.8..1.2, any hue (-0.5..0.5 of a turn), ``p=0.5``
    (torchvision's ColorJitter changes nothing unless told to).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.ColorJitter()(image=np.full((4, 4, 3), 90, np.uint8), seed=0)
        >>> out["image"].dtype
        dtype('uint8')
    """

    def __init__(self, *, brightness: Range = (0.8, 1.2), contrast: Range = (0.8, 1.2),
                 saturation: Range = (0.8, 1.2), hue: Range = (-0.5, 0.5), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.brightness = to_range("ColorJitter", "brightness", brightness, center=1.0, low=0)
        self.contrast = to_range("ColorJitter", "contrast", contrast, center=1.0, low=0)
        self.saturation = to_range("ColorJitter", "saturation", saturation, center=1.0, low=0)
        self.hue = to_range("ColorJitter", "hue", hue, low=-0.5, high=0.5)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"order": [int(i) for i in rng.permutation(4)],
                "brightness": uniform(rng, *self.brightness),
                "contrast": uniform(rng, *self.contrast),
                "saturation": uniform(rng, *self.saturation),
                "hue": uniform(rng, *self.hue)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = image
        color = _channels(image) == 3
        for op in params["order"]:
            if op == 0:
                out = _scale_offset(out, params["brightness"], 0.0)
            elif op == 1:
                c = params["contrast"]
                # the mean grey level; cv2.mean takes at most 4 channels, and a 2- or 5-channel
                # image has no grey conversion: the mean over every channel then
                mean = float(cv2.mean(_gray_of(out))[0]) if _channels(out) in (1, 3) else \
                    float(out.mean(dtype=np.float64))
                out = _scale_offset(out, c, mean * (1.0 - c))
            elif op == 2 and color:
                s = params["saturation"]
                gray = cv2.cvtColor(_gray_of(out), cv2.COLOR_GRAY2RGB)
                out = cv2.addWeighted(out, s, gray, 1.0 - s, 0.0)
                if out.dtype != np.uint8:
                    out = np.clip(out, 0, 1)
            elif op == 3 and color and params["hue"] != 0:
                out = _shift_hue(out, params["hue"])
        return out


def _shift_hue(image: np.ndarray, turns: float) -> np.ndarray:
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    if image.dtype == np.uint8:
        ramp = np.arange(256)
        hue = np.mod(ramp + int(round(turns * 180)), 180)
        hsv = apply_lut(hsv, np.stack([hue, ramp, ramp], axis=1).astype(np.uint8))
    else:
        hsv[..., 0] = np.mod(hsv[..., 0] + turns * 360, 360)
    out = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    return out if image.dtype == np.uint8 else np.clip(out, 0, 1)


class ToGray(ImageOnlyTransform):
    """Replace colour by luma (ITU-R 601 weights), keeping the number of channels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.ToGray(p=1.0)(image=np.full((1, 1, 3), [255, 0, 0], np.uint8))["image"][0, 0].tolist()
        [76, 76, 76]
    """

    random = False
    native_dtypes = DEPTHS  # OpenCV's grey conversion rounds 16-bit values itself

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if _channels(image) == 1:
            return image.copy()
        require_channels(image, "ToGray")
        return cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)


_PERMUTATIONS = {order: np.eye(3, dtype=np.float32)[list(order)]
                 for order in itertools.permutations(range(3))}


class ChannelShuffle(ImageOnlyTransform):
    """Permute the channels at random (any number of channels, any dtype and range).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.ChannelShuffle()(image=np.array([[[1, 2, 3]]], np.uint8), seed=4)
        >>> sorted(out["image"][0, 0].tolist())
        [1, 2, 3]
    """

    native_dtypes = DEPTHS
    unit_float_images = False  # values are moved, never read

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"order": [int(i) for i in rng.permutation(sample_channels(sample))]}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if _channels(image) == 1:
            return image.copy()
        order = params["order"]
        if len(order) != _channels(image):
            raise InvalidInput(f"ChannelShuffle: params are for {len(order)} channels, the image "
                               f"has {_channels(image)}")
        if order == sorted(order):
            return image.copy()
        if image.dtype == np.uint8 and len(order) == 3:
            if order == [2, 1, 0]:
                return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)  # a SIMD swap of two channels
            # a 0/1 colour matrix is exact on uint8 and faster than mixChannels
            return cv2.transform(image, _PERMUTATIONS[tuple(order)])
        out = np.empty_like(image)
        # mixChannels copies plane by plane; numpy fancy indexing on the last axis is ~5x slower
        cv2.mixChannels([image], [out], [v for dst, src in enumerate(order) for v in (src, dst)])
        return out


class Equalize(ImageOnlyTransform):
    """Histogram equalisation per channel (uint16 images on their 65,536 levels; float images
    on 256).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.array([[10, 20], [30, 40]], np.uint8)
        >>> int(al.Equalize(p=1.0)(image=img)["image"].max())
        255
    """

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    native_dtypes = DEPTHS

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if image.dtype == np.uint16:
            return each_channel(_equalize16, image)
        return like(each_channel(cv2.equalizeHist, as_uint8(image)), image)


def _equalize16(plane: np.ndarray) -> np.ndarray:
    """OpenCV's equalizeHist on a 16-bit plane (which it does not take): each level maps to its
    share of the pixels below it, the darkest present level to 0.

    Example:
        >>> _equalize16(np.array([[10, 20], [30, 40]], np.uint16)).tolist()
        [[0, 21845], [43690, 65535]]
    """
    hist = np.bincount(plane.ravel(), minlength=65536)
    cdf = np.cumsum(hist)
    low = cdf[np.flatnonzero(hist)[0]]
    if cdf[-1] == low:  # one level: nothing to spread
        return plane.copy()
    table = np.rint((cdf - low) * (65535.0 / (cdf[-1] - low)))
    return np.clip(table, 0, 65535).astype(np.uint16)[plane]


class CLAHE(ImageOnlyTransform):
    """Contrast-limited adaptive histogram equalisation (on L of Lab for RGB images). uint16
    images are refused: OpenCV's 16-bit CLAHE clips 65,536-bin tile histograms, which behaves
    unlike the 8-bit one its clip limits are tuned for.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.CLAHE(clip_limit=2)(image=np.zeros((16, 16, 3), np.uint8), seed=0)["image"].shape
        (16, 16, 3)
    """

    def __init__(self, *, clip_limit: Range = (1, 4), tile_grid_size: tuple[int, int] = (8, 8),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.clip_limit = to_range("CLAHE", "clip_limit", clip_limit, center=None, low=0)
        if (not isinstance(tile_grid_size, (list, tuple)) or len(tile_grid_size) != 2
                or any(not isinstance(v, int) or v < 1 for v in tile_grid_size)):
            raise InvalidConfig(f"CLAHE: tile_grid_size={tile_grid_size!r} must be two positive "
                                "integers")
        self.tile_grid_size = (int(tile_grid_size[0]), int(tile_grid_size[1]))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"clip_limit": uniform(rng, *self.clip_limit)}

    image_dtypes = frozenset({"uint8", "float32"})
    uint16_refusal = ("its clip limit is tuned for 8-bit tile histograms; Equalize works on 16 "
                      "bits")

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        clahe = cv2.createCLAHE(clipLimit=params["clip_limit"], tileGridSize=self.tile_grid_size)
        u8 = as_uint8(image)
        if _channels(u8) == 3:
            lab = cv2.cvtColor(u8, cv2.COLOR_RGB2LAB)
            lab[:, :, 0] = clahe.apply(np.ascontiguousarray(lab[:, :, 0]))
            out = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
        else:
            out = each_channel(clahe.apply, u8)
        return like(out, image)


class AutoContrast(ImageOnlyTransform):
    """Stretch each channel so its darkest value maps to 0 and its brightest to the maximum.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.AutoContrast(p=1.0)(image=np.array([[50, 100]], np.uint8))["image"].tolist()
        [[0, 255]]
    """

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        x = image if image.ndim == 3 else image[:, :, None]
        lo, hi = _channel_ranges(x)
        top = 255.0 if image.dtype == np.uint8 else 1.0
        scale = np.where(hi > lo, top / np.where(hi > lo, hi - lo, 1), 1.0)
        offset = np.where(hi > lo, lo, 0.0)
        if image.dtype == np.uint8:
            table = np.clip(np.rint((np.arange(256)[:, None] - offset) * scale), 0, 255)
            out = apply_lut(x, table.astype(np.uint8))
        else:
            out = np.clip((x - offset.astype(np.float32)) * scale.astype(np.float32), 0, 1)
            out = out.astype(np.float32)
        return out if image.ndim == 3 else out[:, :, 0]


def _channel_ranges(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel (min, max) of an HxWxC image. numpy's reduction over the first two axes of an
    interleaved image is ~25x slower than a histogram (uint8) or OpenCV's minMaxLoc (float)."""
    lo, hi = np.zeros(x.shape[2]), np.zeros(x.shape[2])
    for c in range(x.shape[2]):
        if x.dtype == np.uint8:
            hist = cv2.calcHist([x], [c], None, [256], [0, 256]).ravel()
            nz = np.flatnonzero(hist)
            lo[c], hi[c] = nz[0], nz[-1]
        else:
            lo[c], hi[c] = cv2.minMaxLoc(np.ascontiguousarray(x[:, :, c]))[:2]
    return lo, hi


_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _per_channel(name: str, value: Any, *, low: float) -> np.ndarray:
    """Normalize's mean or std: one number, or one per channel, each finite and within float32
    (np.asarray would take "0.5" as a number and 1e39 as inf)."""
    values = value.tolist() if isinstance(value, np.ndarray) else value
    values = list(values) if isinstance(values, (list, tuple)) else [values]
    if not values:
        raise InvalidConfig(f"Normalize: {name}=[] needs one number, or one per channel")
    for v in values:
        check_number("Normalize", name, v, low=low, high=_FLOAT32_MAX)
    return np.asarray(values, np.float32)


class Normalize(ImageOnlyTransform):
    """``(x / max_pixel_value - mean) / std`` per channel; returns float32 (the one transform
    whose point is to change the dtype).

    ``max_pixel_value`` defaults to 255, as in Albumentations. float32 images hold 0..1 in
    augmentlab, so on them give ``max_pixel_value=1.0`` or ``None`` (the dtype's maximum: 255 for
    uint8, 65535 for uint16, 1 for float32); 255 on a float32 image raises `InvalidInput` instead
    of dividing by 255 twice, and so does 255 on a uint16 image (give ``None``, 65535, or the
    sensor's own maximum, e.g. 4095 for 12 bits).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.Normalize(mean=0.5, std=0.5)
        >>> t(image=np.array([[0, 255]], np.uint8))["image"].tolist()
        [[-1.0, 1.0]]
        >>> t = al.Normalize(mean=0.5, std=0.5, max_pixel_value=None)
        >>> t(image=np.array([[0.0, 1.0]], np.float32))["image"].tolist()
        [[-1.0, 1.0]]
    """

    random = False

    changes_dtype = True
    unit_float_images = False  # max_pixel_value says how it reads values (and is checked)
    native_dtypes = DEPTHS

    def __init__(self, *, mean: float | Sequence[float] | np.ndarray = _IMAGENET_MEAN,
                 std: float | Sequence[float] | np.ndarray = _IMAGENET_STD,
                 max_pixel_value: float | None = 255.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.mean = _per_channel("mean", mean, low=-_FLOAT32_MAX)
        self.std = _per_channel("std", std, low=1e-12)
        if max_pixel_value is not None:
            check_number("Normalize", "max_pixel_value", max_pixel_value, low=1e-12)
        self.max_pixel_value = max_pixel_value

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        c = _channels(image)
        for name, arr in (("mean", self.mean), ("std", self.std)):
            if len(arr) not in (1, c):
                raise InvalidInput(f"Normalize: {name} has {len(arr)} values but the image has "
                                   f"{c} channel(s)")
        if image.dtype.kind == "f" and self.max_pixel_value is not None and self.max_pixel_value > 1:
            raise InvalidInput(f"Normalize: max_pixel_value={self.max_pixel_value:g} on a float32 "
                               "image, whose values are 0..1 in augmentlab; pass "
                               "max_pixel_value=1.0 or None (the dtype's maximum)")
        if image.dtype == np.uint16 and self.max_pixel_value is not None and \
                self.max_pixel_value <= 255:
            raise InvalidInput(f"Normalize: max_pixel_value={self.max_pixel_value:g} on a uint16 "
                               "image, whose values run to 65535; pass max_pixel_value=None (the "
                               "dtype's maximum), 65535, or the sensor's own maximum (4095 for 12 "
                               "bits)")
        top = self.max_pixel_value or max_value(image)
        scale = np.broadcast_to(1.0 / (top * self.std.astype(np.float64)), (c,))
        offset = np.broadcast_to(-self.mean.astype(np.float64) / self.std, (c,))
        if image.dtype == np.uint8:  # 256 values per channel: a float32 lookup table
            table = (np.arange(256)[:, None] * scale[None, :] + offset[None, :]).astype(np.float32)
            return cv2.LUT(image, table.reshape(256, 1, c)).reshape(image.shape)
        if c <= 4:  # one fused multiply, one add, in OpenCV (per-channel scalars)
            pad = [0.0] * (4 - c)
            out = cv2.multiply(image, tuple(scale.tolist() + pad), dtype=cv2.CV_32F)
            out = cv2.add(out, tuple(offset.tolist() + pad))
            return out.reshape(image.shape)
        out = np.multiply(image, scale.astype(np.float32), dtype=np.float32)
        out += offset.astype(np.float32)
        return out


def principal_components(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (largest first) and eigenvectors (columns) of the covariance of an image's
    pixel values on [0, 1] (uint8 / uint16 divided by their maximum), one row per pixel.

    Example:
        >>> img = np.zeros((2, 2, 3), np.uint8); img[0, :, :] = 255  # grey, half white
        >>> values, vectors = principal_components(img)
        >>> round(float(values[0]), 4), np.abs(vectors[:, 0]).round(4).tolist()
        (1.0, [0.5774, 0.5774, 0.5774])
    """
    c = 1 if image.ndim == 2 else image.shape[2]
    x = image.reshape(-1, c).astype(np.float64)
    if image.dtype.kind == "u":
        x /= float(max_value(image))
    cov = np.atleast_2d(np.cov(x, rowvar=False))
    values, vectors = np.linalg.eigh(cov)
    order = np.argsort(values)[::-1]
    return np.clip(values[order], 0.0, None), vectors[:, order]


class FancyPCA(ImageOnlyTransform):
    """AlexNet's "fancy PCA" colour augmentation (Krizhevsky et al. 2012, section 4.1): every
    pixel gets the same shift ``[p1 ... pC] [a1 l1 ... aC lC]^T`` along the principal
    components ``p_i`` of the image's pixel values (on [0, 1]; ``l_i`` their variances), with
    ``a_i ~ N(0, alpha)`` drawn per call; values are clipped to the dtype's range. Any number of
    channels (a grey image shifts its brightness by ``a1 * variance``). As Albumentations'
    ``FancyPCA`` in its arguments and defaults (``alpha=0.1``, ``p=0.5``).

    Albumentations 2.0.8 does not shift: it adds ``P diag(a l) (x - mean)`` to each pixel (a
    change of contrast along the components, zero at the mean colour); ours follows the paper,
    and is tested against it (a constant shift equal to the formula).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
        >>> out = al.FancyPCA(alpha=1.0, p=1.0)(image=img, seed=0)["image"].astype(int)
        >>> delta = out - img  # the same colour shift at every unclipped pixel
        >>> bool((delta == delta[0, 0]).all(axis=2).mean() > 0.8)
        True
    """

    native_params = True

    def __init__(self, *, alpha: float = 0.1, p: float = 0.5) -> None:
        super().__init__(p=p)
        self.alpha = float(check_number("FancyPCA", "alpha", alpha, low=0))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        channels = sample_channels(sample)
        return {"alpha": [float(v) for v in rng.normal(0.0, self.alpha, channels)]}

    def shift(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        """The per-channel shift on [0, 1] that these params give this image."""
        c = 1 if image.ndim == 2 else image.shape[2]
        alpha = np.asarray(params["alpha"], np.float64)
        if alpha.shape != (c,):
            raise InvalidInput(f"FancyPCA: params are for {alpha.size} channels, the image has {c}")
        values, vectors = principal_components(image)
        return vectors @ (alpha * values)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        shift = self.shift(image, params)
        if image.dtype == np.uint8:  # a table per channel: value + shift, rounded and saturated
            ramp = np.arange(256, dtype=np.float64)[:, None] + shift[None, :] * 255.0
            table = np.clip(np.rint(ramp), 0, 255).astype(np.uint8)
            if image.ndim == 2:
                return apply_lut(image, table[:, :1])
            return apply_lut(image, table)
        out = image + shift.astype(np.float32) if image.ndim == 3 else image + np.float32(shift[0])
        return np.clip(out, 0.0, 1.0).astype(np.float32)


# -- black-body colour -------------------------------------------------------------------------
# Planck's law integrated against the CIE 1931 2-degree colour matching functions, as the
# multi-lobe Gaussian fit of Wyman, Sloan and Shirley ("Simple Analytic Approximations to the CIE
# XYZ Color Matching Functions", JCGT 2(2), 2013, table 1; within ~1% of the tabulated
# functions), then XYZ to linear sRGB (IEC 61966-2-1). Computed here, not copied from a table.
_NM = np.arange(360.0, 831.0, 1.0)


def _lobe(mu: float, low: float, high: float) -> np.ndarray:
    s = np.where(mu > _NM, low, high)
    return np.exp(-0.5 * ((_NM - mu) / s) ** 2)


_CMF = np.stack([
    1.056 * _lobe(599.8, 37.9, 31.0) + 0.362 * _lobe(442.0, 16.0, 26.7)
    - 0.065 * _lobe(501.1, 20.4, 26.2),
    0.821 * _lobe(568.8, 46.9, 40.5) + 0.286 * _lobe(530.9, 16.3, 31.1),
    1.217 * _lobe(437.0, 11.8, 36.0) + 0.681 * _lobe(459.0, 26.0, 13.8),
])
_XYZ_TO_SRGB = np.array([[3.2404542, -1.5371385, -0.4985314],
                         [-0.9692660, 1.8760108, 0.0415560],
                         [0.0556434, -0.2040259, 1.0572252]])
_C2 = 6.62607015e-34 * 2.99792458e8 / 1.380649e-23  # h c / k, metre kelvins


@functools.lru_cache(maxsize=1024)
def blackbody_gains(temperature: float) -> tuple[float, float, float]:
    """The linear-sRGB colour of a black body at `temperature` kelvins, relative to green.

    Example:
        >>> [round(g, 2) for g in blackbody_gains(6500)]  # near D65: near white
        [1.06, 1.0, 1.05]
        >>> r, _, b = blackbody_gains(3000); r > 2 and b < 0.4  # candlelight-warm
        True
    """
    wavelength = _NM * 1e-9
    radiance = 1.0 / (wavelength ** 5 * np.expm1(_C2 / (wavelength * float(temperature))))
    rgb = _XYZ_TO_SRGB @ (_CMF @ radiance)
    return float(rgb[0] / rgb[1]), 1.0, float(rgb[2] / rgb[1])


def _srgb_decode(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)


def _srgb_encode(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * x ** (1 / 2.4) - 0.055)


_WHITE_K = 6000  # Albumentations' split between warm and cool draws
_LINEAR_LEVELS = _srgb_decode(np.arange(256, dtype=np.float64) / 255.0)
# linear light at the midpoint between consecutive encoded levels: rint(encode(y) * 255) = k
# exactly where _LINEAR_MIDPOINTS[k - 1] <= y < _LINEAR_MIDPOINTS[k]
_LINEAR_MIDPOINTS = _srgb_decode((np.arange(255, dtype=np.float64) + 0.5) / 255.0)
_TEMPERATURES = (1000, 40000)


class PlanckianJitter(PointwiseTransform):
    """Relight the image by a black body of a random colour temperature (Zini et al., "Planckian
    Jitter", ICLR 2023): the sRGB values are decoded to linear light, red and blue are scaled by
    the black body's colour relative to green (from Planck's law and the CIE 1931 observer,
    computed here: see `blackbody_gains`), and encoded again. Low temperatures warm the image,
    high ones cool it.

    The temperature is drawn as Albumentations draws it: below 6000 K with probability 0.4 and
    above otherwise, uniformly (``sampling_method="uniform"``) or as a half-normal spread from
    6000 K reaching the limit at three sigmas (``"gaussian"``); ``temperature_limit`` defaults to
    (3000, 15000) and must include 6000. Arguments and defaults as Albumentations'
    ``PlanckianJitter`` (``p=0.5``) with ``mode="blackbody"`` (the CIE daylight series, ``"cied"``,
    is not offered). Albumentations scales the encoded values by gains from a table of its own;
    ours scales linear light (a physical illuminant change), so equal temperatures give a
    milder cast on the encoded values. RGB only; a colour map, so uint8 runs through per-channel
    tables (fused with its neighbours).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.PlanckianJitter(temperature_limit=(3000, 6000), p=1.0)
        >>> out = t(image=np.full((2, 2, 3), 128, np.uint8), seed=0)["image"][0, 0]
        >>> bool(out[0] > 128 > out[2])  # warmer: more red, less blue
        True
    """

    native_params = True
    per_channel = True

    def __init__(self, *, mode: str = "blackbody", temperature_limit: tuple[int, int] | None = None,
                 sampling_method: str = "uniform", p: float = 0.5) -> None:
        super().__init__(p=p)
        owner = "PlanckianJitter"
        if mode != "blackbody":
            raise InvalidConfig(f"{owner}: mode={mode!r}: only 'blackbody' is offered (the CIE "
                                "daylight series is not)")
        self.mode = mode
        self.sampling_method = check_choice(owner, "sampling_method", sampling_method,
                                            ("uniform", "gaussian"))
        limit = (3000, 15000) if temperature_limit is None else temperature_limit
        lo, hi = to_range(owner, "temperature_limit", limit, center=None, low=_TEMPERATURES[0],
                          high=_TEMPERATURES[1])
        if not lo <= _WHITE_K <= hi:
            raise InvalidConfig(f"{owner}: temperature_limit={limit!r} must include {_WHITE_K} K "
                                "(draws split there between warm and cool)")
        self.temperature_limit = (float(lo), float(hi))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        lo, hi = self.temperature_limit
        warm = rng.random() < 0.4
        if self.sampling_method == "uniform":
            t = uniform(rng, lo, _WHITE_K) if warm else uniform(rng, _WHITE_K, hi)
        else:
            spread = (_WHITE_K - lo if warm else hi - _WHITE_K) / 3
            shift = abs(float(rng.normal(0.0, spread))) if spread > 0 else 0.0
            t = _WHITE_K - shift if warm else _WHITE_K + shift
        return {"temperature": int(min(max(t, lo), hi))}

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if x.shape[-1] != 3:
            raise InvalidInput(f"PlanckianJitter: needs a 3-channel image, got {x.shape[-1]} "
                               "channel(s); convert the image or drop this transform for it")
        gains = np.asarray(blackbody_gains(params["temperature"]))
        return _srgb_encode(_srgb_decode(x) * gains)

    def _table(self, params: dict[str, Any], channels: int) -> np.ndarray:
        if channels != 3:
            return super()._table(params, channels)  # refused by `curve`
        # the level whose encoded value rounds to each relit one: the curve's own rounding,
        # found among the linear-light midpoints between levels (monotone, so exact)
        lit = _LINEAR_LEVELS[:, None] * np.asarray(blackbody_gains(params["temperature"]))
        table = np.searchsorted(_LINEAR_MIDPOINTS, lit, side="right").astype(np.uint8)
        table.flags.writeable = False
        return table
