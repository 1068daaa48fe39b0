"""The image transform bases: pixel-only, pointwise colour maps (LUT-fused), geometric warps
given by a matrix (matrix-fused) and displacement warps. Compose fuses consecutive geometric and
consecutive pointwise steps through the image pass (`augmentlab.image.spatial.fusion`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from ...core.errors import InvalidConfig, InvalidInput
from ...core.params import check_choice, check_number, shown
from ...core.sample import Sample
from ...core.transform import Transform
from ...core.types import Fill
from ..functional.dtype import DEPTHS, as_float, like
from .geometry import ExactPlan
from .lut import apply_lut
from .warp import (
    BORDER_MODES,
    INTERPOLATIONS,
    WarpStyle,
    check_output_size,
    fill_value,
    remap_sample,
    warp_sample,
)

__all__ = [
    "DisplacementTransform",
    "sample_channels",
    "GeometricTransform",
    "ImageOnlyTransform",
    "PointwiseTransform",
    "require_channels",
]


_Kernel = Callable[[Any, np.ndarray, dict[str, Any]], np.ndarray]


def _through_float(apply_image: _Kernel) -> _Kernel:
    """`apply_image` written for uint8 and float32, taking uint16 images through float32 in
    [0, 1] and back (exact: float32 holds every 16-bit value)."""

    @functools.wraps(apply_image)
    def wrapped(self: Any, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if image.dtype.char == "H":
            return like(apply_image(self, as_float(image), params), image)
        return apply_image(self, image, params)

    wrapped.through_float = True  # type: ignore[attr-defined]
    return wrapped


class ImageOnlyTransform(Transform):
    """Changes pixel values only; masks, boxes and keypoints are unaffected by definition. Float
    images are read as values in [0, 1] (a pipeline holding one refuses others).

    uint16 images are read on their own range (0..65535): a subclass whose ``apply_image``
    handles them itself lists ``"uint16"`` in ``native_dtypes``; otherwise they go through
    float32 and back. One that cannot keep 16 bits (an 8-bit codec) leaves ``"uint16"`` out of
    ``image_dtypes`` and says why in ``uint16_refusal``.
    """

    _abstract = True
    fields = frozenset({"image"})
    unit_float_images = True
    image_dtypes = DEPTHS
    native_dtypes: ClassVar[frozenset[str]] = frozenset({"uint8", "float32"})
    uint16_refusal: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kernel = cls.__dict__.get("apply_image")
        if kernel is not None and "uint16" in cls.image_dtypes and "uint16" not in cls.native_dtypes:
            setattr(cls, "apply_image", _through_float(kernel))  # noqa: B010 (a class attribute)


class PointwiseTransform(ImageOnlyTransform):
    """A colour map applied per channel and per pixel, independent of pixel position and value
    statistics. Defined once by ``curve`` on values in [0, 1]; uint8 runs through a lookup table,
    and consecutive pointwise transforms fuse into one table pass.
    """

    _abstract = True
    fusion = "lut"
    per_channel: bool = False  # True: the curve differs between channels (class or instance)
    # True when params take few distinct values (e.g. Posterize's bits): tables are then kept
    discrete_params: ClassVar[bool] = False

    def curve(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        """Map values in [0, 1] (shape ``(..., C)``) to new values (clipped to [0, 1] after)."""
        raise NotImplementedError

    def channel_values(self, x: np.ndarray, *values: Any) -> tuple[Any, ...]:
        """Params drawn per channel (lists) as arrays along `x`'s last axis, once checked to be
        for as many channels as `x` has; numbers as they are."""
        if not isinstance(values[0], list):
            return values
        if len(values[0]) != x.shape[-1]:
            raise InvalidInput(f"{self.name}: params are for {len(values[0])} channels, the "
                               f"image has {x.shape[-1]}")
        return tuple(np.asarray(v) for v in values)

    def lut(self, params: dict[str, Any], channels: int) -> np.ndarray:
        """The uint8 table of `curve`: ``(256, channels)``, or ``(256, 1)`` when the curve is the
        same for every channel (applied to all of them)."""
        columns = channels if self.per_channel else 1
        if self.random and not self.discrete_params:
            return self._table(params, columns)
        # a fixed curve, or one of a few: build each table once (tables are read-only)
        cache = self.__dict__.get("_lut_cache")
        if cache is None:
            cache = self.__dict__["_lut_cache"] = {}
        key = (columns, *params.values()) if params else columns
        table = cache.get(key)
        if table is None:
            table = cache[key] = self._table(params, columns)
        return table

    def _table(self, params: dict[str, Any], channels: int) -> np.ndarray:
        x = _UNIT_RAMP if channels == 1 else np.repeat(_UNIT_RAMP, channels, axis=1)
        y = self.curve(x, params) * 255.0  # a new float64 array, safe to work on in place
        if y.shape != x.shape:
            y = np.broadcast_to(y, x.shape).copy()
        # raw ufuncs with out=: np.clip's Python wrapper costs more than the 256 values
        np.rint(y, out=y)
        np.minimum(np.maximum(y, 0.0, out=y), 255.0, out=y)
        table = y.astype(np.uint8)
        table.flags.writeable = False
        return table

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        channels = 1 if image.ndim == 2 else image.shape[2]
        if image.dtype == np.uint8:
            return apply_lut(image, self.lut(params, channels))
        x = image if image.ndim == 3 else image[:, :, None]
        y = np.clip(self.curve(x, params), 0.0, 1.0).astype(np.float32)
        return y if image.ndim == 3 else y[:, :, 0]


_UNIT_RAMP = (np.arange(256, dtype=np.float64) / 255.0)[:, None]
_UNIT_RAMP.flags.writeable = False


class _WarpBase(Transform):
    """Shared arguments of transforms that resample pixels (any image dtype, any channels)."""

    _abstract = True
    fields = frozenset({"image", "mask", "bboxes", "keypoints", "polygons"})
    image_dtypes = DEPTHS

    def __init__(self, *, interpolation: str = "linear", border_mode: str = "constant",
                 fill: Fill = 0, fill_mask: float = 0, mask_interpolation: str = "nearest",
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        owner = type(self).__name__
        check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
        check_choice(owner, "mask_interpolation", mask_interpolation, INTERPOLATIONS)
        check_choice(owner, "border_mode", border_mode, BORDER_MODES)
        if not isinstance(fill, (int, float, list, tuple)) or (
                isinstance(fill, (list, tuple)) and not fill):
            raise InvalidConfig(f"{owner}: fill={shown(fill)} must be a number or a list of "
                                "numbers (one per channel)")
        for v in fill if isinstance(fill, (list, tuple)) else [fill]:  # finite: 1e400 and nan too
            check_number(owner, "fill", v)
        check_number(owner, "fill_mask", fill_mask)
        self.style = WarpStyle(interpolation, border_mode, fill_value(fill), float(fill_mask),
                               mask_interpolation)


class GeometricTransform(_WarpBase):
    """A transform given by a 3x3 matrix and an output size. Consecutive ones fuse: Compose
    multiplies their matrices and warps once (one interpolation, exact boxes and keypoints).

    ``sample_geometry`` may look only at the input size, which lets Compose plan a whole chain
    before touching a pixel.
    """

    _abstract = True
    fusion = "geometry"
    # True where the params depend on the boxes or masks as they are at this step (box-safe
    # crops): the fuser applies the geometry pending before it, then calls `sample_params`
    reads_sample: ClassVar[bool] = False
    # True where the output frame is always the input frame moved whole (flips, quarter turns,
    # resizes): such a step never shows area outside its input, so the fuser need not check
    frame_to_frame: ClassVar[bool] = False
    # True for the crops: what they cut away is gone, so a later step of a fused group must not
    # show it (a pad after a crop shows fill, as step by step). Turns and shears are not crops:
    # fused, a turn after a turn keeps the corners the first one would have lost, and the
    # Albumentations importer relies on it (it splits A.Affine's shear into a second step)
    cuts_frame: ClassVar[bool] = False

    def sample_geometry(self, size: tuple[int, int], rng: np.random.Generator) -> dict[str, Any]:
        """Draw params from the (height, width) of the input alone."""
        return {}

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return self.sample_geometry(sample.size, rng)

    def matrix(self, params: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
        """3x3 map from input pixel centres to output pixel centres."""
        raise NotImplementedError

    def output_size(self, params: dict[str, Any], size: tuple[int, int]) -> tuple[int, int]:
        """(height, width) of the output; the input size unless overridden."""
        return size

    def window(self, params: dict[str, Any], size: tuple[int, int]) -> ExactPlan | None:
        """The `ExactPlan` of a transform that only cuts a window lying inside the input, given
        directly so a lone step skips building and analysing its matrix; None (the default)
        means "work it out from the matrix"."""
        return None

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        size = sample.size
        out_hw = self.output_size(params, size)
        check_output_size(type(self).__name__, out_hw)
        return warp_sample(sample, self.matrix(params, size), out_hw, self.style)


class DisplacementTransform(_WarpBase):
    """A non-affine warp given by a backward map (elastic, grid, optical distortion). Keypoints
    move through the same field (inverted numerically) and boxes by their transformed outline.
    """

    _abstract = True

    def source_map(self, params: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
        """``(H, W, 2)`` float32 array: the source ``(x, y)`` shown at each output pixel."""
        raise NotImplementedError

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        return remap_sample(sample, self.source_map(params, sample.size), self.style)


def sample_channels(sample: Sample) -> int:
    """The channel count of the sample's first image (1 for a grey ``(H, W)`` one or none).

    Example:
        >>> from augmentlab.core.sample import Sample
        >>> s = Sample.of({"image": np.zeros((2, 2, 5), np.uint8)}); s.kinds = {"image": "image"}
        >>> sample_channels(s)
        5
    """
    keys = sample.keys_of("image")
    image = sample[keys[0]] if keys else None
    return 1 if image is None or image.ndim == 2 else int(image.shape[2])


def require_channels(image: np.ndarray, owner: str, channels: int = 3) -> None:
    """Raise `InvalidInput` unless `image` has exactly `channels` channels."""
    got = 1 if image.ndim == 2 else image.shape[2]
    if got != channels:
        raise InvalidInput(f"{owner}: needs a {channels}-channel image, got {got} channel(s); "
                           "convert the image or drop this transform for it")
