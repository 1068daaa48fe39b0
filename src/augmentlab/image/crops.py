"""Crops, resizes and padding (matrix based, fusable with the other geometric transforms)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_number, to_range
from ..core.rng import integer, integer_pair, uniform
from ..core.sample import Sample
from ..core.types import Fill, Range
from .functional import matrices as mx
from .spatial.bases import GeometricTransform
from .spatial.geometry import ExactPlan
from .spatial.warp import MAX_PIXELS, MAX_SIDE

__all__ = [
    "BBoxSafeRandomCrop",
    "CenterCrop",
    "CropNonEmptyMaskIfExists",
    "LongestMaxSize",
    "PadIfNeeded",
    "RandomCrop",
    "RandomResizedCrop",
    "RandomScale",
    "RandomSizedBBoxSafeCrop",
    "Resize",
    "SmallestMaxSize",
]

Size = tuple[int, int]


def _size_arg(owner: str, name: str, value: Any) -> int:
    return int(check_number(owner, name, value, low=1, high=MAX_SIDE, integer=True))


def _area_arg(owner: str, height: int, width: int) -> None:
    """An output size asked for at construction: refused there, not when the first image comes."""
    if height * width > MAX_PIXELS:
        raise InvalidConfig(f"{owner}: {width}x{height} = {height * width} pixels is over the limit of "
                            f"{MAX_PIXELS} pixels an image may have; ask for a smaller size")


def _check_fits(owner: str, crop: Size, size: Size) -> None:
    if crop[0] > size[0] or crop[1] > size[1]:
        raise InvalidInput(f"{owner}: crop {crop[1]}x{crop[0]} is larger than the "
                           f"{size[1]}x{size[0]} image; add PadIfNeeded before it or crop smaller")


class _Crop(GeometricTransform):
    _abstract = True
    native_params = True  # {"x": int, "y": int}
    cuts_frame = True  # a later step never shows what it cut (see the fuser)
    height: int
    width: int

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.crop(params["x"], params["y"])

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (self.height, self.width)

    def window(self, params: dict[str, Any], size: Size) -> ExactPlan:
        # the matrix is crop(x, y); tuple.__new__ skips the NamedTuple's Python-level __new__
        return tuple.__new__(ExactPlan, (False, None, params["y"], params["x"]))


class RandomCrop(_Crop):
    """Crop a ``height`` x ``width`` window at a random position (the sizes may be given by
    position, as in Albumentations: ``RandomCrop(4, 6)``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.RandomCrop(4, 6)(image=np.zeros((10, 10), np.uint8))["image"].shape
        (4, 6)
    """

    def __init__(self, height: int, width: int, *, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.height = _size_arg("RandomCrop", "height", height)
        self.width = _size_arg("RandomCrop", "width", width)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        h, w = size
        if self.height > h or self.width > w:
            _check_fits("RandomCrop", (self.height, self.width), size)
        x, y = integer_pair(rng, w - self.width + 1, h - self.height + 1)
        return {"x": x, "y": y}


class CenterCrop(_Crop):
    """Crop the central ``height`` x ``width`` window (``CenterCrop(height, width)``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.arange(25, dtype=np.uint8).reshape(5, 5)
        >>> al.CenterCrop(1, 1)(image=img)["image"].tolist()
        [[12]]
    """

    random = False

    def __init__(self, height: int, width: int, *, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.height = _size_arg("CenterCrop", "height", height)
        self.width = _size_arg("CenterCrop", "width", width)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        _check_fits("CenterCrop", (self.height, self.width), size)
        return {"x": (size[1] - self.width) // 2, "y": (size[0] - self.height) // 2}


class Resize(GeometricTransform):
    """Resize to ``height`` x ``width`` (``Resize(224, 224)``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Resize(3, 7)(image=np.zeros((10, 10), np.uint8))["image"].shape
        (3, 7)
    """

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    random = False

    def __init__(self, height: int, width: int, *, interpolation: str = "linear",
                 p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, p=p)
        self.height = _size_arg("Resize", "height", height)
        self.width = _size_arg("Resize", "width", width)
        _area_arg("Resize", self.height, self.width)

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (self.height, self.width)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.resize(size, self.output_size(params, size))


class _ScaleTo(GeometricTransform):
    """Resize by a factor computed from the input size; output size is in the params."""

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    _abstract = True

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (params["height"], params["width"])

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.resize(size, self.output_size(params, size))


def _max_size(owner: str, max_size: Any) -> int:
    if max_size is None:
        raise InvalidConfig(f"{owner}: give max_size, the target side in pixels, e.g. "
                            f"{owner}(512)")
    return _size_arg(owner, "max_size", max_size)


def _scaled(size: Size, factor: float) -> dict[str, Any]:
    return {"height": max(1, int(round(size[0] * factor))),
            "width": max(1, int(round(size[1] * factor)))}


class _SideTo(_ScaleTo):
    """Scale so one side (the longer or the shorter) equals ``max_size``."""

    _abstract = True
    random = False
    longer: ClassVar[bool]  # True: the longer side, False: the shorter

    def __init__(self, max_size: int | None = None, *, interpolation: str = "linear",
                 p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, p=p)
        self.max_size = _max_size(type(self).__name__, max_size)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return _scaled(size, self.max_size / (max(size) if self.longer else min(size)))


class LongestMaxSize(_SideTo):
    """Scale so the longer side equals ``max_size`` (aspect ratio kept). ``max_size`` is
    required (None, the default, is Albumentations' way of saying so) and may be given by
    position: ``LongestMaxSize(512)``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.LongestMaxSize(50)(image=np.zeros((100, 200), np.uint8))["image"].shape
        (25, 50)
    """

    longer = True


class SmallestMaxSize(_SideTo):
    """Scale so the shorter side equals ``max_size`` (aspect ratio kept). ``max_size`` is
    required (None, the default, is Albumentations' way of saying so) and may be given by
    position: ``SmallestMaxSize(512)``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.SmallestMaxSize(50)(image=np.zeros((100, 200), np.uint8))["image"].shape
        (50, 100)
    """

    longer = False


class RandomScale(_ScaleTo):
    """Scale by ``1 + U(scale_limit)`` (the output size changes).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.RandomScale(scale_limit=(1, 1), p=1.0)(image=np.zeros((10, 10), np.uint8))["image"].shape
        (20, 20)
    """

    def __init__(self, *, scale_limit: Range = (-0.1, 0.1), interpolation: str = "linear",
                 p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, p=p)
        self.scale_limit = to_range("RandomScale", "scale_limit", scale_limit, low=-0.99)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return _scaled(size, 1.0 + uniform(rng, *self.scale_limit))


class RandomResizedCrop(GeometricTransform):
    """Crop a random area fraction ``scale`` with aspect ratio in ``ratio``, resize to ``size``
    (the torchvision / Inception recipe; falls back to a centre crop after 10 tries). ``size`` is
    ``(height, width)`` and may be given by position: ``RandomResizedCrop((224, 224))``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.RandomResizedCrop((8, 8))
        >>> t(image=np.zeros((40, 30, 3), np.uint8), seed=3)["image"].shape
        (8, 8, 3)
    """

    cuts_frame = True  # a later step never shows what it cut (see the fuser)

    def __init__(self, size: int | tuple[int, int], *, scale: Range = (0.08, 1.0), ratio: Range = (0.75, 4 / 3),
                 interpolation: str = "linear", p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, p=p)
        if isinstance(size, int):
            size = (size, size)
        if not isinstance(size, (list, tuple)) or len(size) != 2:
            raise InvalidConfig(f"RandomResizedCrop: size={size!r} must be (height, width)")
        self.size = (_size_arg("RandomResizedCrop", "size", size[0]),
                     _size_arg("RandomResizedCrop", "size", size[1]))
        _area_arg("RandomResizedCrop", *self.size)
        self.scale = to_range("RandomResizedCrop", "scale", scale, center=None, low=0, high=1)
        self.ratio = to_range("RandomResizedCrop", "ratio", ratio, center=None, low=1e-3)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        h, w = size
        area = h * w
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target = area * uniform(rng, *self.scale)
            aspect = math.exp(uniform(rng, *log_ratio))
            cw = int(round(math.sqrt(target * aspect)))
            ch = int(round(math.sqrt(target / aspect)))
            if 0 < cw <= w and 0 < ch <= h:
                return {"x": integer(rng, 0, w - cw + 1), "y": integer(rng, 0, h - ch + 1),
                        "width": cw, "height": ch}
        in_ratio = w / h
        if in_ratio < self.ratio[0]:
            cw, ch = w, int(round(w / self.ratio[0]))
        elif in_ratio > self.ratio[1]:
            ch, cw = h, int(round(h * self.ratio[1]))
        else:
            cw, ch = w, h
        return {"x": (w - cw) // 2, "y": (h - ch) // 2, "width": cw, "height": ch}

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return self.size

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        crop_size = (params["height"], params["width"])
        return mx.resize(crop_size, self.size) @ mx.crop(params["x"], params["y"])


class PadIfNeeded(GeometricTransform):
    """Pad to at least ``min_height`` x ``min_width``, centred (``position="center"``) or at the
    top-left corner; the sizes may be given by position: ``PadIfNeeded(1024, 1024)``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.PadIfNeeded(6, 6)(image=np.ones((2, 4), np.uint8))["image"].shape
        (6, 6)
    """

    random = False

    def __init__(self, min_height: int = 1024, min_width: int = 1024, *, position: str = "center",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 1.0) -> None:
        super().__init__(border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p)
        self.min_height = _size_arg("PadIfNeeded", "min_height", min_height)
        self.min_width = _size_arg("PadIfNeeded", "min_width", min_width)
        _area_arg("PadIfNeeded", self.min_height, self.min_width)
        if position not in ("center", "top_left"):
            raise InvalidConfig(f"PadIfNeeded: position={position!r} must be 'center' or "
                                "'top_left'")
        self.position = position

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        h, w = size
        ph, pw = max(0, self.min_height - h), max(0, self.min_width - w)
        if self.position == "center":
            return {"top": ph // 2, "left": pw // 2, "height": h + ph, "width": w + pw}
        return {"top": 0, "left": 0, "height": h + ph, "width": w + pw}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.translate(params["left"], params["top"])

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (params["height"], params["width"])


def _visible_boxes(sample: Sample) -> np.ndarray:
    """Every box of the sample's box fields still (partly) in the frame, ``(N, 4)`` pixels."""
    boxes = [b.xyxy[(b.visibility > 0) & (b.xyxy[:, 2] > b.xyxy[:, 0]) &
                    (b.xyxy[:, 3] > b.xyxy[:, 1])] for b in map(sample.__getitem__,
                                                                sample.keys_of("bboxes"))]
    return np.concatenate(boxes) if boxes else np.zeros((0, 4))


class BBoxSafeRandomCrop(GeometricTransform):
    """Crop a random window that holds every box whole: its edges are drawn between the image's
    edges and the union of the boxes (shrunk by ``erosion_rate``, a fraction of its width and
    height, when some cutting is allowed). Without boxes, a random window of the image's aspect,
    at least ``1 - erosion_rate`` of its height. As Albumentations' ``BBoxSafeRandomCrop``
    (``p=1``); here the window's edges round outwards, so no box loses a fraction of a pixel.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.BBoxSafeRandomCrop()], bbox_format="pascal_voc")
        >>> out = pipe(image=np.zeros((100, 100), np.uint8), bboxes=[[20, 30, 60, 70]], seed=0)
        >>> b = out["bboxes"][0]; h, w = out["image"].shape
        >>> bool(b[2] - b[0] == 40 and b[3] - b[1] == 40 and w >= 40 and h >= 40)
        True
    """

    cuts_frame = True  # a later step never shows what it cut (see the fuser)

    reads_sample = True
    native_params = True

    def __init__(self, *, erosion_rate: float = 0.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.erosion_rate = float(check_number(type(self).__name__, "erosion_rate", erosion_rate,
                                               low=0, high=1))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        boxes = _visible_boxes(sample)
        if not len(boxes):  # no box to keep: a random window of the image's aspect
            low = int(h * (1.0 - self.erosion_rate))
            ch = h if low >= h else integer(rng, max(1, low), h + 1)
            cw = max(1, min(w, int(ch * w / h)))
            return {"x": integer(rng, 0, w - cw + 1), "y": integer(rng, 0, h - ch + 1),
                    "width": cw, "height": ch}
        x0, y0 = np.clip(boxes[:, :2].min(axis=0), 0, None)
        x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
        x1, y1 = min(max(x1, x0), w), min(max(y1, y0), h)
        ex, ey = (x1 - x0) * self.erosion_rate / 2, (y1 - y0) * self.erosion_rate / 2
        x0, y0, x1, y1 = x0 + ex, y0 + ey, x1 - ex, y1 - ey
        left = int(math.floor(x0 * rng.random()))
        top = int(math.floor(y0 * rng.random()))
        right = int(math.ceil(x1 + (w - x1) * rng.random()))
        bottom = int(math.ceil(y1 + (h - y1) * rng.random()))
        right, bottom = min(w, max(right, left + 1)), min(h, max(bottom, top + 1))
        return {"x": left, "y": top, "width": right - left, "height": bottom - top}

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (params["height"], params["width"])

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.crop(params["x"], params["y"])

    def window(self, params: dict[str, Any], size: Size) -> ExactPlan | None:
        return tuple.__new__(ExactPlan, (False, None, params["y"], params["x"]))


class RandomSizedBBoxSafeCrop(BBoxSafeRandomCrop):
    """`BBoxSafeRandomCrop`, then a resize to ``height`` x ``width`` (one warp): every box stays
    whole and the output has a fixed size. As Albumentations' ``RandomSizedBBoxSafeCrop``
    (``RandomSizedBBoxSafeCrop(height, width)``, ``p=1``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> pipe = al.Compose([al.RandomSizedBBoxSafeCrop(64, 64)], bbox_format="pascal_voc")
        >>> out = pipe(image=np.zeros((100, 150), np.uint8), bboxes=[[20, 30, 60, 70]], seed=0)
        >>> out["image"].shape, len(out["bboxes"])
        ((64, 64), 1)
    """

    def __init__(self, height: int, width: int, *, erosion_rate: float = 0.0,
                 interpolation: str = "linear", mask_interpolation: str = "nearest",
                 p: float = 1.0) -> None:
        GeometricTransform.__init__(self, interpolation=interpolation,
                                    mask_interpolation=mask_interpolation, p=p)
        self.erosion_rate = float(check_number("RandomSizedBBoxSafeCrop", "erosion_rate",
                                               erosion_rate, low=0, high=1))
        self.height = _size_arg("RandomSizedBBoxSafeCrop", "height", height)
        self.width = _size_arg("RandomSizedBBoxSafeCrop", "width", width)
        _area_arg("RandomSizedBBoxSafeCrop", self.height, self.width)

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (self.height, self.width)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        crop = (params["height"], params["width"])
        return mx.resize(crop, (self.height, self.width)) @ mx.crop(params["x"], params["y"])

    def window(self, params: dict[str, Any], size: Size) -> ExactPlan | None:
        return None  # a crop and a resize: planned from the matrix


class CropNonEmptyMaskIfExists(_Crop):
    """Crop a ``height`` x ``width`` window around a random pixel of the mask's objects (its
    non-zero values, less ``ignore_values``; of a multi-channel mask, less ``ignore_channels``),
    or anywhere when the mask is empty: crops that miss every object are what this avoids. As
    Albumentations' ``CropNonEmptyMaskIfExists`` (``p=1``); the call needs a mask.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> mask = np.zeros((100, 100), np.uint8); mask[90:95, 5:10] = 1
        >>> out = al.CropNonEmptyMaskIfExists(20, 20)(image=np.zeros((100, 100), np.uint8),
        ...                                           mask=mask, seed=0)
        >>> out["image"].shape, int(out["mask"].sum()) > 0
        ((20, 20), True)
    """

    reads_sample = True

    def __init__(self, height: int, width: int, *, ignore_values: list[int] | None = None,
                 ignore_channels: list[int] | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        owner = "CropNonEmptyMaskIfExists"
        self.height = _size_arg(owner, "height", height)
        self.width = _size_arg(owner, "width", width)
        for name, values in (("ignore_values", ignore_values), ("ignore_channels", ignore_channels)):
            if values is not None and (not isinstance(values, (list, tuple)) or not all(
                    isinstance(v, int) and not isinstance(v, bool) for v in values)):
                raise InvalidConfig(f"{owner}: {name}={values!r} must be a list of integers")
        self.ignore_values = None if ignore_values is None else [int(v) for v in ignore_values]
        self.ignore_channels = None if ignore_channels is None else [int(v) for v in ignore_channels]

    def _objects(self, sample: Sample) -> np.ndarray:
        """Where the masks hold an object: ``(H, W)`` bool."""
        keys = sample.keys_of("mask")
        if not keys:
            raise InvalidInput("CropNonEmptyMaskIfExists: the call has no mask to find objects "
                               "in; pass mask=... (or use RandomCrop)")
        found = np.zeros(sample.size, bool)
        for key in keys:
            mask = np.asarray(sample[key])
            if mask.ndim == 3:
                keep = [c for c in range(mask.shape[2]) if c not in (self.ignore_channels or [])]
                mask = mask[:, :, keep]
            hit = mask != 0
            for value in self.ignore_values or []:
                hit &= mask != value
            found |= hit.any(axis=2) if hit.ndim == 3 else hit
        return found

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        _check_fits("CropNonEmptyMaskIfExists", (self.height, self.width), (h, w))
        ys, xs = np.nonzero(self._objects(sample))
        if not len(ys):  # nothing to keep: anywhere
            x, y = integer_pair(rng, w - self.width + 1, h - self.height + 1)
            return {"x": x, "y": y}
        i = integer(rng, 0, len(ys))
        x = int(xs[i]) - integer(rng, 0, self.width)  # the pixel anywhere in the window
        y = int(ys[i]) - integer(rng, 0, self.height)
        return {"x": min(max(x, 0), w - self.width), "y": min(max(y, 0), h - self.height)}
