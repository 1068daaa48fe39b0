"""Flips, quarter turns, rotation, affine and perspective transforms (matrix based, fusable)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import to_range
from ..core.rng import integer, uniform
from ..core.types import Fill, Range
from .functional import matrices as mx
from .spatial.bases import GeometricTransform

__all__ = [
    "D4",
    "Affine",
    "HorizontalFlip",
    "Perspective",
    "RandomRotate90",
    "Rotate",
    "ShiftScaleRotate",
    "Transpose",
    "VerticalFlip",
]

Size = tuple[int, int]


class HorizontalFlip(GeometricTransform):
    """Mirror left-right, half of the time by default (``p=0.5``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.HorizontalFlip(p=1.0)(image=np.array([[1, 2, 3]], np.uint8))["image"].tolist()
        [[3, 2, 1]]
    """

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.hflip(size[1])


class VerticalFlip(GeometricTransform):
    """Mirror top-bottom, half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.VerticalFlip(p=1.0)(image=np.array([[1], [2]], np.uint8))["image"].tolist()
        [[2], [1]]
    """

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.vflip(size[0])


class Transpose(GeometricTransform):
    """Swap rows and columns, half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Transpose(p=1.0)(image=np.zeros((2, 5), np.uint8))["image"].shape
        (5, 2)
    """

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.transpose()

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (size[1], size[0])


class RandomRotate90(GeometricTransform):
    """Rotate by 0, 90, 180 or 270 degrees counter-clockwise (uniformly).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomRotate90()(image=np.zeros((2, 5), np.uint8), seed=0)
        >>> out["image"].shape in [(2, 5), (5, 2)]
        True
    """

    def __init__(self, *, p: float = 1.0) -> None:
        super().__init__(p=p)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return {"k": integer(rng, 0, 4)}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.rot90(params["k"], size)

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return size if params["k"] % 2 == 0 else (size[1], size[0])


# the 8 symmetries of a square, named as in Albumentations: identity, quarter turns counter-
# clockwise, flips, and the transposes about the main ("t") and anti-diagonal ("hvt")
D4_ELEMENTS = ("e", "r90", "r180", "r270", "v", "hvt", "h", "t")
_SWAPS_SIDES = frozenset({"r90", "r270", "t", "hvt"})


class D4(GeometricTransform):
    """One of the 8 symmetries of a square (the dihedral group D4), uniformly: the identity,
    quarter turns, flips and both transposes. For data with no preferred orientation (aerial and
    microscope images). Moves masks, boxes and keypoints exactly; applied every time by default
    (``p=1``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.array([[1, 2, 3], [4, 5, 6]], np.uint8)
        >>> al.D4().matrix({"element": "t"}, (2, 3)).tolist()
        [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
        >>> al.D4()(image=img, seed=0)["image"].shape in [(2, 3), (3, 2)]
        True
    """

    native_params = True

    def __init__(self, *, p: float = 1.0) -> None:
        super().__init__(p=p)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return {"element": D4_ELEMENTS[integer(rng, 0, 8)]}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        element = params["element"]
        if element not in D4_ELEMENTS:
            raise InvalidConfig(f"D4: element {element!r} is not one of {', '.join(D4_ELEMENTS)}")
        if element == "e":
            return np.eye(3)
        if element in ("r90", "r180", "r270"):
            return mx.rot90({"r90": 1, "r180": 2, "r270": 3}[element], size)
        if element == "v":
            return mx.vflip(h)
        if element == "h":
            return mx.hflip(w)
        if element == "t":
            return mx.transpose()
        return mx.rot90(2, (w, h)) @ mx.transpose()  # hvt: transpose, then a half turn

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (size[1], size[0]) if params["element"] in _SWAPS_SIDES else size


class Affine(GeometricTransform):
    """Rotate, scale, translate and shear about the image centre in one matrix.

    Args:
        rotate: degrees, a spread ``a`` (means ``(-a, a)``) or ``(min, max)``.
        scale: factor range, e.g. ``(0.9, 1.1)``; ``keep_ratio=True`` uses one factor for x and
            y (the default, as in Albumentations, draws them independently).
        translate_percent: fraction of width/height, spread or ``(min, max)``; None (the
            default): no shift.
        shear: degrees, spread or ``(min, max)``, drawn for x and y independently.

    Applied half of the time by default (``p=0.5``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, p=1.0)
        >>> t(image=np.zeros((32, 32, 3), np.uint8), seed=1)["image"].shape
        (32, 32, 3)
    """

    def __init__(
        self,
        *,
        rotate: Range = 0.0,
        scale: Range = (1.0, 1.0),
        translate_percent: Range | None = None,
        shear: Range = (0.0, 0.0),
        keep_ratio: bool = False,
        interpolation: str = "linear",
        border_mode: str = "constant",
        fill: Fill = 0,
        fill_mask: float = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        owner = type(self).__name__
        self.rotate = to_range(owner, "rotate", rotate)
        self.scale = to_range(owner, "scale", scale, center=None)
        if self.scale[0] <= 0:
            raise InvalidConfig(f"{owner}: scale={scale!r} must be > 0")
        self.translate = to_range(owner, "translate_percent",
                                  0.0 if translate_percent is None else translate_percent)
        self.shear = to_range(owner, "shear", shear, low=-89, high=89)
        self.keep_ratio = bool(keep_ratio)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        sx = uniform(rng, *self.scale)
        sy = sx if self.keep_ratio else uniform(rng, *self.scale)
        return {
            "angle": uniform(rng, *self.rotate),
            "scale": [sx, sy],
            "translate": [uniform(rng, *self.translate), uniform(rng, *self.translate)],
            "shear": [uniform(rng, *self.shear), uniform(rng, *self.shear)],
        }

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        tx, ty = params["translate"]
        return mx.affine(size, angle=params["angle"], scale=tuple(params["scale"]),
                         translate_px=(tx * w, ty * h), shear=tuple(params["shear"]))


class Rotate(Affine):
    """Rotate by a random angle about the centre (degrees, counter-clockwise as displayed),
    half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Rotate(limit=(90, 90), p=1.0)(image=np.zeros((8, 8), np.uint8), keypoints=[[7, 0]])
        >>> out["keypoints"].round(6).tolist()
        [[0.0, 0.0]]
    """

    def __init__(self, *, limit: Range = (-90, 90), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(rotate=limit, keep_ratio=True, interpolation=interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return {"angle": uniform(rng, *self.rotate), "scale": [1.0, 1.0],
                "translate": [0.0, 0.0], "shear": [0.0, 0.0]}


class ShiftScaleRotate(Affine):
    """Albumentations' ShiftScaleRotate, expressed as an `Affine`.

    ``shift_limit`` is a fraction of the size, ``scale_limit`` a spread around 1, ``rotate_limit``
    degrees; applied half of the time by default (``p=0.5``).

    Example:
        >>> import augmentlab as al
        >>> al.ShiftScaleRotate(shift_limit=0.1, scale_limit=0.2, rotate_limit=30).scale
        (0.8, 1.2)
    """

    def __init__(self, *, shift_limit: Range = (-0.0625, 0.0625), scale_limit: Range = (-0.1, 0.1),
                 rotate_limit: Range = (-45, 45), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        lo, hi = to_range("ShiftScaleRotate", "scale_limit", scale_limit)
        super().__init__(rotate=rotate_limit, scale=(1 + lo, 1 + hi),
                         translate_percent=shift_limit, shear=0.0, keep_ratio=True,
                         interpolation=interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p)


class Perspective(GeometricTransform):
    """Random four-point perspective: each corner moves by a fraction ``scale`` of the size;
    applied half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Perspective(scale=(0.05, 0.1), p=1.0)(image=np.zeros((16, 16), np.uint8), seed=2)["image"].shape
        (16, 16)
    """

    def __init__(self, *, scale: Range = (0.05, 0.1), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.scale = to_range("Perspective", "scale", scale, center=None, low=0, high=0.45)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        sigma = uniform(rng, *self.scale)
        # corner offsets towards the inside, as fractions of the size: |N(0, sigma)|
        offsets = np.abs(rng.normal(0.0, sigma, size=(4, 2)))
        return {"offsets": np.clip(offsets, 0, 0.45).round(12).tolist()}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        rect = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64)
        sign = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], np.float64)
        quad = rect + sign * np.asarray(params["offsets"]) * np.array([w - 1, h - 1])
        return cv2.getPerspectiveTransform(quad.astype(np.float32),
                                           rect.astype(np.float32)).astype(np.float64)

