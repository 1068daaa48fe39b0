"""Crops, resizes and padding (matrix based, fusable with the other geometric transforms)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_number, to_range
from ..core.rng import integer, integer_pair, uniform
from ..core.types import Fill, Range
from .functional import matrices as mx
from .spatial.bases import GeometricTransform
from .spatial.geometry import ExactPlan
from .spatial.warp import MAX_PIXELS, MAX_SIDE

__all__ = [
    "CenterCrop",
    "LongestMaxSize",
    "PadIfNeeded",
    "RandomCrop",
    "RandomResizedCrop",
    "RandomScale",
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
