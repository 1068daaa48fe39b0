"""The image operations of the automatic policies, driven by one number: a magnitude.

Each op takes ``magnitude`` as a fixed value or a ``[low, high]`` range; with ``bins`` the range is
cut into that many evenly spaced levels and one level is drawn (TrivialAugment's scheme), without it
a value is drawn uniformly. ``signed`` ops flip the value's sign with probability 1/2, as the
published policies do (posterize and solarize never: their magnitude has no sign). What a value
means per op (the conventions of the AutoAugment paper's reference code, as torchvision
implements it):

- ``shear_x`` / ``shear_y``: shear factor (``x += value * y``) about the top-left corner;
- ``translate_x`` / ``translate_y``: a fraction of the width / height, rounded to whole pixels;
- ``rotate``: degrees counter-clockwise about the centre;
- ``brightness``, ``color``, ``contrast``, ``sharpness``: PIL's enhance factor ``1 + value``;
- ``posterize``: bits dropped (``round(value)``; 8 minus that are kept);
- ``solarize``: fraction of the range; values at or above ``1 - value`` are inverted;
- ``autocontrast``, ``equalize``, ``invert``, ``identity``: no magnitude.
"""

from __future__ import annotations

from typing import Any, ClassVar

import cv2
import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_choice, check_number, shown
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..core.types import Fill, Range
from ..image.color import AutoContrast, Equalize, Invert, Posterize, Solarize
from ..image.functional import matrices as mx
from ..image.functional.dtype import DEPTHS, max_value
from ..image.spatial.bases import GeometricTransform, ImageOnlyTransform

__all__ = ["COLOR_OPS", "GEOMETRIC_OPS", "ColorOp", "GeometricOp"]

GEOMETRIC_OPS = ("shear_x", "shear_y", "translate_x", "translate_y", "rotate")
COLOR_OPS = ("brightness", "color", "contrast", "sharpness", "posterize", "solarize",
             "autocontrast", "equalize", "invert", "identity")
_NO_MAGNITUDE = frozenset({"autocontrast", "equalize", "invert", "identity"})
# a negative posterize or solarize value would be a no-op: their magnitude has no sign
_UNSIGNED = _NO_MAGNITUDE | {"posterize", "solarize"}


class _MagnitudeOp:
    """The magnitude arguments and draw shared by `GeometricOp` and `ColorOp`."""

    ops: ClassVar[tuple[str, ...]]
    op: str
    magnitude: tuple[float, float]
    bins: int
    signed: bool

    def _set_magnitude(self, op: str, magnitude: Any, bins: int, signed: bool) -> None:
        owner = type(self).__name__
        self.op = check_choice(owner, "op", op, self.ops)
        if isinstance(magnitude, (int, float)) and not isinstance(magnitude, bool):
            pair = (magnitude, magnitude)
        elif (isinstance(magnitude, (list, tuple)) and len(magnitude) == 2
              and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in magnitude)):
            pair = (magnitude[0], magnitude[1])
        else:
            raise InvalidConfig(f"{owner}: magnitude={shown(magnitude)} must be a number or "
                                "[low, high]")
        lo, hi = (float(check_number(owner, "magnitude", v)) for v in pair)  # finite, not 1e400
        if lo > hi:
            raise InvalidConfig(f"{owner}: magnitude={magnitude!r} must be finite with "
                                "low <= high")
        self.magnitude = (lo, hi)
        self.bins = int(check_number(owner, "bins", bins, low=0, integer=True))
        if self.bins == 1:
            raise InvalidConfig(f"{owner}: bins=1 leaves one level; give 0 (continuous) or >= 2")
        self.signed = bool(signed) and op not in _UNSIGNED

    def draw_value(self, rng: np.random.Generator) -> float:
        """One magnitude value, sign included."""
        lo, hi = self.magnitude
        if lo == hi:
            value = lo
        elif self.bins:
            value = lo + (hi - lo) * integer(rng, 0, self.bins) / (self.bins - 1)
        else:
            value = uniform(rng, lo, hi)
        if self.signed and rng.random() < 0.5:
            value = -value
        return value


def geometric_matrix(op: str, value: float, size: tuple[int, int]) -> np.ndarray:
    """The 3x3 pixel-centre matrix of a geometric policy op.

    Example:
        >>> geometric_matrix("translate_x", 0.25, (10, 8)) @ [1, 1, 1]
        array([3., 1., 1.])
    """
    h, w = size
    if op == "shear_x":
        return np.array([[1.0, value, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    if op == "shear_y":
        return np.array([[1.0, 0.0, 0.0], [value, 1.0, 0.0], [0.0, 0.0, 1.0]])
    if op == "translate_x":
        return mx.translate(float(round(value * w)), 0.0)
    if op == "translate_y":
        return mx.translate(0.0, float(round(value * h)))
    return mx.affine(size, angle=value)


class GeometricOp(_MagnitudeOp, GeometricTransform):
    """Shear, translate or rotate by a magnitude (see the module docstring); fusable, and masks,
    boxes and keypoints follow.

    Example:
        >>> import numpy as np
        >>> t = GeometricOp(op="rotate", magnitude=30, signed=False)
        >>> t(image=np.zeros((8, 8), np.uint8), seed=0).record.steps[0].params
        {'value': 30.0}
    """

    name = "GeometricOp"
    ops = GEOMETRIC_OPS
    native_params = True

    def __init__(self, *, op: str, magnitude: Range = 0.0, bins: int = 0, signed: bool = True,
                 interpolation: str = "nearest", border_mode: str = "constant", fill: Fill = 0,
                 fill_mask: float = 0, p: float = 1.0) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self._set_magnitude(op, magnitude, bins, signed)

    def sample_geometry(self, size: tuple[int, int], rng: np.random.Generator) -> dict[str, Any]:
        return {"value": self.draw_value(rng)}

    def matrix(self, params: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
        return geometric_matrix(self.op, params["value"], size)


_GRAY = np.array([0.299, 0.587, 0.114], np.float32)
_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], np.float32) / 13.0  # PIL's SMOOTH filter


def _blend(image: np.ndarray, degenerate: np.ndarray | float, factor: float) -> np.ndarray:
    """``factor * image + (1 - factor) * degenerate`` in the image's own range and dtype."""
    x = image.astype(np.float32)
    out = degenerate + factor * (x - degenerate)
    np.clip(out, 0.0, max_value(image), out=out)
    return np.rint(out).astype(image.dtype) if image.dtype.kind == "u" else out.astype(image.dtype)


def _gray(x: np.ndarray) -> np.ndarray:
    """The grey image PIL's ops blend towards (the channel mean where the image is not RGB)."""
    if x.ndim == 2:
        return x
    if x.shape[2] != 3:
        return x.astype(np.float32).mean(axis=2)
    return x.astype(np.float32) @ _GRAY


def color_kernel(op: str, image: np.ndarray, value: float) -> np.ndarray:
    """Apply a colour policy op with magnitude `value` (see the module docstring).

    Example:
        >>> import numpy as np
        >>> color_kernel("brightness", np.full((1, 2), 100, np.uint8), -0.5).tolist()
        [[50, 50]]
    """
    if op == "identity":
        return image
    if op == "brightness":
        return _blend(image, 0.0, 1.0 + value)
    if op == "color":
        if image.ndim == 2 or image.shape[2] != 3:
            return image  # saturation of a one-channel image: nothing to change
        return _blend(image, _gray(image)[:, :, None], 1.0 + value)
    if op == "contrast":
        mean = float(_gray(image).mean())
        if image.dtype == np.uint8:
            mean = float(np.floor(mean + 0.5))  # PIL takes the rounded mean of the grey image
        return _blend(image, mean, 1.0 + value)
    if op == "sharpness":
        x = image.astype(np.float32)
        # OpenCV drops a channel axis of length 1
        smooth = cv2.filter2D(x, -1, _SMOOTH, borderType=cv2.BORDER_REPLICATE).reshape(x.shape)
        if image.dtype.kind == "u":
            smooth = np.rint(smooth)
        smooth[0, :], smooth[-1, :], smooth[:, 0], smooth[:, -1] = x[0, :], x[-1, :], x[:, 0], x[:, -1]
        return _blend(image, smooth, 1.0 + value)
    if op == "posterize":  # the image module's own kernels from here on
        return _POSTERIZE.apply_image(image, {"bits": 8 - int(np.clip(np.rint(value), 0, 8))})
    if op == "solarize":
        return _SOLARIZE.apply_image(image, {"threshold": 1.0 - value})
    if op == "invert":
        return _INVERT.apply_image(image, {})
    if op == "autocontrast":
        return _AUTOCONTRAST.apply_image(image, {})
    return _EQUALIZE.apply_image(image, {})


_AUTOCONTRAST, _EQUALIZE, _INVERT = AutoContrast(), Equalize(), Invert()
_POSTERIZE, _SOLARIZE = Posterize(), Solarize()


class ColorOp(_MagnitudeOp, ImageOnlyTransform):
    """Brightness, colour, contrast, sharpness, posterize, solarize, auto-contrast, equalize,
    invert or identity by a magnitude (see the module docstring).

    Example:
        >>> import numpy as np
        >>> t = ColorOp(op="posterize", magnitude=4)
        >>> t(image=np.full((1, 1), 200, np.uint8), seed=0)["image"].tolist()
        [[192]]
    """

    name = "ColorOp"
    ops = COLOR_OPS
    native_params = True

    native_dtypes = DEPTHS  # the ops blend in the image's own range and dtype

    def __init__(self, *, op: str, magnitude: Range = 0.0, bins: int = 0, signed: bool = True,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self._set_magnitude(op, magnitude, bins, signed)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if self.op in _NO_MAGNITUDE:
            return {}
        return {"value": self.draw_value(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return color_kernel(self.op, image, params.get("value", 0.0))
