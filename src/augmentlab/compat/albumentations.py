"""Import an Albumentations pipeline from its ``A.to_dict(...)`` / ``A.save(...)`` form.

The mapping works on the serialised dict alone: Albumentations is never imported, so a pipeline
saved where Albumentations runs loads where it is not installed. Files are read with
``json.loads`` or ``yaml.safe_load`` only (no pickle, no Python tags, no code).

Every transform that has an augmentlab counterpart is mapped with all of its arguments, each
passed explicitly (OpenCV interpolation and border codes become our names, Albumentations'
ranges our ranges, ``p`` included). A transform without a counterpart, or an argument whose
effect augmentlab cannot reproduce (a mode it does not have, say), is not approximated: all of
them, across the whole tree, are listed in one `InvalidConfig` naming where each one sits.

Transforms (Albumentations name -> ours where the names differ): the flips, ``Transpose``,
``RandomRotate90``, ``Affine`` (with both shear and rotation: two fused steps, since
Albumentations shears after rotating), ``ShiftScaleRotate`` -> ``Affine(keep_ratio=False)``
(Albumentations 2 scales x and y independently), ``Rotate``, ``Perspective``, the crops
(``pad_if_needed`` -> ``PadIfNeeded`` then the crop), ``RandomResizedCrop``, ``Resize``,
``PadIfNeeded``, ``LongestMaxSize``, ``SmallestMaxSize``, ``RandomScale``,
``ElasticTransform(noise_distribution="uniform")`` -> ``ElasticWarp``, ``GridDistortion``,
``RandomBrightnessContrast`` -> ``BrightnessContrast``, ``HueSaturationValue``, ``RGBShift``
(limits within [-1, 1] are fractions of 255), ``ColorJitter``, ``RandomGamma``, ``ToGray``,
``CLAHE``, ``Normalize``, ``InvertImg`` -> ``Invert``, ``Posterize``, ``Solarize``,
``Equalize``, ``ChannelShuffle``, ``AutoContrast(method="pil")``, ``GaussNoise``, ``ISONoise``,
``MultiplicativeNoise``, ``SaltAndPepper``, ``ImageCompression`` (JPEG, WebP), ``D4``,
``ToSepia``, ``RandomToneCurve``, ``UnsharpMask``, ``ZoomBlur``, ``GlassBlur`` (fast mode),
``AdvancedBlur``,
``Morphological`` (a square element),
``ChannelDropout``, ``PixelDropout``, ``XYMasking``, ``MaskDropout`` (value fills),
``RandomGridShuffle``, ``PiecewiseAffine``, ``ThinPlateSpline``, ``FancyPCA``, ``PlanckianJitter``
(black body; these four as their definitions, see their docstrings), ``RandomSnow`` (bleach),
``Spatter``, ``ChromaticAberration``, ``HistogramMatching`` and ``FDA`` (reference images as file paths),
``BBoxSafeRandomCrop``,
``RandomSizedBBoxSafeCrop``, ``CropNonEmptyMaskIfExists``,
``Downscale``, ``Blur``, ``MedianBlur``, ``GaussianBlur``, ``MotionBlur`` (centred, symmetric
kernels only), ``Defocus``, ``Sharpen``, ``Emboss``, ``CoarseDropout``, ``Erasing`` ->
``RandomErasing``, ``GridDropout``, ``RandomShadow``, ``ToTensorV2``, ``NoOp``.

Containers: ``Compose`` (the root: ``bbox_params``, ``keypoint_params`` and
``additional_targets`` go to our `Compose`), ``Sequential``, ``OneOf`` (Albumentations picks a
child with the children's ``p`` as weights and then always applies it: our `OneOf` gets those
weights and children with ``p=1``), ``SomeOf`` (``replace=False``), ``RandomOrder`` (all
children), ``OneOrOther``, a nested ``Compose``/``ReplayCompose`` (as a `Sequential`).

Known differences that are not refused (they change no argument's meaning):

- Affine-type transforms: Albumentations truncates a translation to whole pixels; we do not.
  After a rotation, a box that crosses the border is the bounding box of its visible part
  (Albumentations: the rotated box's bounding box, then clipped).
- Boxes are filtered once, after the pipeline (``check_each_transform`` is not per step).
- Dropout transforms leave boxes and keypoints as they are (the object is still there, only
  hidden); Albumentations drops, shrinks or rounds the boxes and drops keypoints in a hole.
  ``MaskDropout`` is the exception in both: erased objects lose their boxes' visibility and
  their keypoints.
- Keypoints follow the pixel-centre convention through resizes (Albumentations scales ``x``
  by the factor: up to half a pixel apart); boxes agree.
- ``GaussianBlur`` sizes its kernel to the drawn sigma (three sigmas a side, at most
  ``blur_limit``); Albumentations uses 3.5 sigmas or a separately drawn size.
- Kernels written differently: JPEG encodes the RGB image as RGB (Albumentations hands it to
  OpenCV as if it were BGR); ``Perspective`` draws the corner offsets from the same
  ``|N(0, scale)|`` (clipped at 0.45, Albumentations wraps them at 0.32) and does not rescale
  by the quadrilateral's size; ``RandomScale`` rounds the new size and ``CoarseDropout`` hole
  sizes given as fractions (at least 1 pixel), where Albumentations truncates.
- Random draws use augmentlab's own seeded streams, so a random parameter is drawn from the same
  range, not to the same value.
- ``is_check_shapes``, ``strict``, ``save_key``: augmentlab always checks shapes and always
  records what it did (``out.record``).
"""

from __future__ import annotations

import enum
import inspect
import json
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ..core import Compose, InvalidConfig, OneOf, Sequential, SomeOf, Transform
from ..image import (
    CLAHE,
    D4,
    FDA,
    AdvancedBlur,
    Affine,
    AutoContrast,
    BBoxSafeRandomCrop,
    Blur,
    BrightnessContrast,
    CenterCrop,
    ChannelDropout,
    ChannelShuffle,
    ChromaticAberration,
    CoarseDropout,
    ColorJitter,
    CropNonEmptyMaskIfExists,
    Defocus,
    Downscale,
    ElasticWarp,
    Emboss,
    Equalize,
    FancyPCA,
    GaussianBlur,
    GaussNoise,
    GlassBlur,
    GridDistortion,
    GridDropout,
    HistogramMatching,
    HorizontalFlip,
    HueSaturationValue,
    ImageCompression,
    Invert,
    ISONoise,
    LongestMaxSize,
    MaskDropout,
    MedianBlur,
    Morphological,
    MotionBlur,
    MultiplicativeNoise,
    Normalize,
    PadIfNeeded,
    Perspective,
    PiecewiseAffine,
    PixelDropout,
    PlanckianJitter,
    Posterize,
    RandomCrop,
    RandomErasing,
    RandomGamma,
    RandomGridShuffle,
    RandomResizedCrop,
    RandomRotate90,
    RandomScale,
    RandomShadow,
    RandomSizedBBoxSafeCrop,
    RandomSnow,
    RandomToneCurve,
    Resize,
    RGBShift,
    Rotate,
    SaltAndPepper,
    Sharpen,
    ShiftScaleRotate,
    SmallestMaxSize,
    Solarize,
    Spatter,
    ThinPlateSpline,
    ToGray,
    ToSepia,
    Transpose,
    UnsharpMask,
    VerticalFlip,
    XYMasking,
    ZoomBlur,
)
from ..image.spatial.adapters import ToTensorV2

__all__ = ["from_albumentations"]

# OpenCV's codes, as Albumentations stores them
_INTERPOLATIONS = {0: "nearest", 1: "linear", 2: "cubic", 3: "area", 4: "lanczos"}
_BORDERS = {0: "constant", 1: "replicate", 2: "reflect", 3: "wrap", 4: "reflect_101"}
_TARGET_KINDS = ("image", "mask", "bboxes", "keypoints")
_MISSING_P = 0.5  # what A.from_dict uses for a transform saved without "p" (Compose: 1)

Builder = Callable[[float], Transform]  # builds the mapped transform with a given p


class _Problems:
    """Everything that cannot be imported, across the whole tree."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str]] = []

    def add(self, path: str, name: str, reason: str) -> None:
        self.items.append((path, name, reason))


def _plain(value: Any) -> Any:
    """JSON-like Python values: enums by value, numpy scalars as Python numbers, tuples as lists."""
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _number(value: Any) -> int | float:
    """An integer-valued float as an int (our fills read ``1.0`` as "the maximum", ``1`` as 1)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _accepts(cls: type, name: str) -> bool:
    return name in inspect.signature(cls).parameters


class _Args:
    """One Albumentations transform's arguments, read one by one; leftovers are reported."""

    def __init__(self, raw: Mapping[str, Any], name: str) -> None:
        self.raw = {k: v for k, v in raw.items() if k != "__class_fullname__"}
        self.name = name
        self.used: set[str] = set()
        self.problems: list[str] = []
        p = self.raw.get("p", 1.0 if name == "Compose" else _MISSING_P)
        self.used.add("p")
        if not _is_number(p) or not 0 <= p <= 1:
            self.bad(f"p={p!r} must be a number in [0, 1]")
            p = 1.0
        self.p = float(p)

    def bad(self, reason: str) -> None:
        self.problems.append(reason)

    def get(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        return _plain(self.raw[key]) if key in self.raw else default

    def ignore(self, *keys: str) -> None:
        """Arguments Albumentations stores but that change nothing here (derived or unused)."""
        self.used.update(keys)

    def need(self, key: str, default: Any, allowed: tuple[Any, ...], why: str) -> Any:
        """An argument only some of whose values we can honour."""
        value = self.get(key, default)
        if value not in allowed:
            self.bad(f"{key}={value!r}: {why}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            self.bad(f"{key}={value!r} must be true or false")
            return default
        return value

    def number(self, key: str, default: Any, *, integer: bool = False) -> Any:
        value = self.get(key, default)
        if not _is_number(value) or (integer and not float(value).is_integer()):
            self.bad(f"{key}={value!r} must be {'an integer' if integer else 'a number'}")
            return 0
        return int(value) if integer else value

    def range(self, key: str, default: Any, scalar: str = "pair", low: float = 0.0) -> tuple[float, float]:
        """A ``(min, max)`` argument. A single number reads as Albumentations reads it:
        ``pair`` (v, v), ``sym`` (-v, v), ``low`` (low, v), ``jitter`` (max(0, 1 - v), 1 + v)."""
        value = self.get(key, default)
        if _is_number(value):
            v = float(value)
            lo, hi = {"pair": (v, v), "sym": (-abs(v), abs(v)), "low": (min(low, v), max(low, v)),
                      "jitter": (max(0.0, 1.0 - v), 1.0 + v)}[scalar]
            return float(lo), float(hi)
        if isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value):
            return float(value[0]), float(value[1])
        self.bad(f"{key}={value!r} must be a number or a (min, max) pair")
        return 0.0, 0.0

    def int_range(self, key: str, default: Any, scalar: str = "pair", low: float = 0.0) -> tuple[int, int]:
        lo, hi = self.range(key, default, scalar, low)
        if not (lo.is_integer() and hi.is_integer()):
            self.bad(f"{key}=({lo:g}, {hi:g}) must be whole numbers")
        return int(lo), int(hi)

    def xy(self, key: str, default: Any, missing: float) -> tuple[tuple[float, float], tuple[float, float]]:
        """Affine's per-axis argument: a number, a pair, or ``{"x": ..., "y": ...}``."""
        value = self.get(key, default)

        def one(v: Any) -> tuple[float, float]:
            if _is_number(v):
                return float(v), float(v)
            if isinstance(v, list) and len(v) == 2 and all(_is_number(u) for u in v):
                return float(v[0]), float(v[1])
            self.bad(f"{key}={value!r} must be a number, a (min, max) pair or a mapping of "
                     "them under 'x' and 'y'")
            return 0.0, 0.0

        if isinstance(value, dict):
            return one(value.get("x", missing)), one(value.get("y", missing))
        return one(value), one(value)

    def interpolation(self, key: str = "interpolation", default: int = 1) -> str:
        code = self.get(key, default)
        if code not in _INTERPOLATIONS:
            self.bad(f"{key}={code!r}: only OpenCV's INTER_NEAREST (0), INTER_LINEAR (1), "
                     "INTER_CUBIC (2), INTER_AREA (3) and INTER_LANCZOS4 (4) have counterparts")
            return "linear"
        return _INTERPOLATIONS[code]

    def border(self, key: str = "border_mode", default: int = 0) -> str:
        code = self.get(key, default)
        if code not in _BORDERS:
            self.bad(f"{key}={code!r} is not one of OpenCV's BORDER_CONSTANT (0), "
                     "BORDER_REPLICATE (1), BORDER_REFLECT (2), BORDER_WRAP (3), BORDER_REFLECT_101 (4)")
            return "constant"
        return _BORDERS[code]

    def fill(self, key: str = "fill", default: Any = 0) -> Any:
        value = self.get(key, default)
        if _is_number(value):
            return _number(value)
        if isinstance(value, list) and value and all(_is_number(v) for v in value):
            return [_number(v) for v in value]
        self.bad(f"{key}={value!r} must be a number or a list of numbers (one per channel)")
        return 0

    def fill_mask(self, key: str = "fill_mask", default: Any = 0, optional: bool = False) -> Any:
        value = self.get(key, default)
        if value is None and optional:
            return None
        if isinstance(value, list) and value and all(_is_number(v) for v in value) and \
                len(set(value)) == 1:
            value = value[0]
        if not _is_number(value):
            self.bad(f"{key}={value!r}: augmentlab fills masks with one number")
            return 0
        return _number(value)

    def warp(self, cls: type, *, interpolation: bool = True, border: bool = True) -> dict[str, Any]:
        """The resampling arguments of a warp: interpolation, border, fills, mask interpolation."""
        out: dict[str, Any] = {}
        if interpolation:
            out["interpolation"] = self.interpolation()
        if border:
            out["border_mode"] = self.border()
            out["fill"] = self.fill()
            out["fill_mask"] = self.fill_mask()
        mask_interpolation = self.interpolation("mask_interpolation", 0)
        if _accepts(cls, "mask_interpolation"):
            out["mask_interpolation"] = mask_interpolation
        elif mask_interpolation != "nearest":
            self.bad(f"mask_interpolation={mask_interpolation!r}: augmentlab's {cls.__name__} "
                     "resamples masks with nearest neighbour only")
        return out

    def no_area_for_downscale(self) -> None:
        self.need("area_for_downscale", None, (None,),
                  "augmentlab resizes with the given interpolation in both directions")

    def leftovers(self) -> None:
        unknown = sorted(set(self.raw) - self.used)
        if unknown:
            self.bad(f"argument(s) {', '.join(unknown)} have no augmentlab counterpart")


def _make(cls: type[Transform], **kwargs: Any) -> Builder:
    return lambda p: cls(**kwargs, p=p)


def _odd(v: int) -> int:
    return v if v % 2 else v + 1


# -- geometric ---------------------------------------------------------------------------------

def _affine(a: _Args) -> Builder:
    sx, sy = a.xy("scale", [1.0, 1.0], 1.0)
    if sx != sy:
        a.bad(f"scale: x range {sx} differs from y range {sy}; augmentlab draws both from one range")
    keep_ratio = a.flag("keep_ratio", False)
    if a.flag("balanced_scale", False) and sx != (1.0, 1.0):
        a.bad("balanced_scale=True: augmentlab draws the scale uniformly from its range")
    percent, pixels = a.get("translate_percent"), a.get("translate_px")
    translate = (0.0, 0.0)
    if percent is not None:
        if pixels is not None:
            a.bad("translate_percent and translate_px are both given; Albumentations refuses that too")
        tx, ty = a.xy("translate_percent", percent, 0.0)
        if tx != ty:
            a.bad(f"translate_percent: x range {tx} differs from y range {ty}; augmentlab draws "
                  "both from one range")
        translate = tx
    elif pixels is not None:
        px, py = a.xy("translate_px", pixels, 0.0)
        if px != (0.0, 0.0) or py != (0.0, 0.0):
            a.bad("translate_px: augmentlab's Affine translates by fractions of the size only; "
                  "use translate_percent")
    rotate = a.range("rotate", [0.0, 0.0], "pair")
    hx, hy = a.xy("shear", [0.0, 0.0], 0.0)
    if hx != hy:
        a.bad(f"shear: x range {hx} differs from y range {hy}; augmentlab draws both from one range")
    shear = (-hx[1], -hx[0])  # Albumentations negates the drawn shear
    a.need("fit_output", False, (False,), "augmentlab's Affine keeps the input size")
    a.need("rotate_method", "largest_box", ("largest_box",),
           "augmentlab moves boxes by their corners (the 'largest_box' method)")
    style = a.warp(Affine)
    if shear != (0.0, 0.0) and rotate != (0.0, 0.0):
        # Albumentations shears after rotating, our Affine before: two steps, fused into one warp
        def split(p: float) -> Transform:
            first = Affine(rotate=rotate, scale=sx, translate_percent=(0.0, 0.0), shear=(0.0, 0.0),
                           keep_ratio=keep_ratio, **style, p=1.0)
            second = Affine(rotate=(0.0, 0.0), scale=(1.0, 1.0), translate_percent=translate,
                            shear=shear, keep_ratio=True, **style, p=1.0)
            return Sequential([first, second], random_order=False, p=p)

        return split
    return _make(Affine, rotate=rotate, scale=sx, translate_percent=translate, shear=shear,
                 keep_ratio=keep_ratio, **style)


def _shift_scale_rotate(a: _Args) -> Builder:
    both = a.get("shift_limit", [-0.0625, 0.0625])
    shift_x = a.range("shift_limit_x", both, "sym") if a.raw.get("shift_limit_x") is not None \
        else a.range("shift_limit", both, "sym")
    shift_y = a.range("shift_limit_y", both, "sym") if a.raw.get("shift_limit_y") is not None \
        else a.range("shift_limit", both, "sym")
    if shift_x != shift_y:
        a.bad(f"shift_limit_x {shift_x} differs from shift_limit_y {shift_y}; augmentlab shifts "
              "both axes from one range")
    lo, hi = a.range("scale_limit", [-0.1, 0.1], "sym")
    rotate = a.range("rotate_limit", [-45.0, 45.0], "sym")
    a.need("rotate_method", "largest_box", ("largest_box",),
           "augmentlab moves boxes by their corners (the 'largest_box' method)")
    # Albumentations 2 draws the x and y scale independently (keep_ratio=False)
    if _accepts(ShiftScaleRotate, "keep_ratio"):
        style = a.warp(ShiftScaleRotate)
        return _make(ShiftScaleRotate, shift_limit=shift_x, scale_limit=(lo, hi), rotate_limit=rotate,
                     keep_ratio=False, **style)
    style = a.warp(Affine)
    return _make(Affine, rotate=rotate, scale=(1.0 + lo, 1.0 + hi), translate_percent=shift_x,
                 shear=(0.0, 0.0), keep_ratio=False, **style)


def _rotate(a: _Args) -> Builder:
    limit = a.range("limit", [-90.0, 90.0], "sym")
    a.need("crop_border", False, (False,), "augmentlab's Rotate keeps the input size, uncropped")
    a.need("rotate_method", "largest_box", ("largest_box",),
           "augmentlab moves boxes by their corners (the 'largest_box' method)")
    return _make(Rotate, limit=limit, **a.warp(Rotate))


def _perspective(a: _Args) -> Builder:
    scale = a.range("scale", [0.05, 0.1], "low")
    a.need("keep_size", True, (True,), "augmentlab's Perspective keeps the input size")
    a.need("fit_output", False, (False,), "augmentlab's Perspective keeps the input size")
    return _make(Perspective, scale=scale, **a.warp(Perspective))


def _crop(cls: type[RandomCrop] | type[CenterCrop]) -> Callable[[_Args], Builder]:
    def convert(a: _Args) -> Builder:
        height, width = a.number("height", None, integer=True), a.number("width", None, integer=True)
        if not a.flag("pad_if_needed", False):
            a.ignore("pad_position", "border_mode", "fill", "fill_mask")  # used only to pad
            return _make(cls, height=height, width=width)
        position = a.need("pad_position", "center", ("center", "top_left"),
                          "augmentlab pads centred or at the top-left corner")
        border, fill, fill_mask = a.border(), a.fill(), a.fill_mask()

        def pad_then_crop(p: float) -> Transform:
            pad = PadIfNeeded(min_height=height, min_width=width, position=position,
                              border_mode=border, fill=fill, fill_mask=fill_mask, p=1.0)
            return Sequential([pad, cls(height=height, width=width, p=1.0)], random_order=False, p=p)

        return pad_then_crop

    return convert


def _resize(a: _Args) -> Builder:
    height, width = a.number("height", None, integer=True), a.number("width", None, integer=True)
    a.no_area_for_downscale()
    return _make(Resize, height=height, width=width, **a.warp(Resize, border=False))


def _random_resized_crop(a: _Args) -> Builder:
    size = a.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(_is_number(v) for v in size)):
        a.bad(f"size={size!r} must be (height, width)")
        size = [1, 1]
    scale = a.range("scale", [0.08, 1.0])
    ratio = a.range("ratio", [0.75, 4 / 3])
    a.no_area_for_downscale()
    return _make(RandomResizedCrop, size=(int(size[0]), int(size[1])), scale=scale, ratio=ratio,
                 **a.warp(RandomResizedCrop, border=False))


def _pad_if_needed(a: _Args) -> Builder:
    min_height = a.get("min_height", 1024)
    min_width = a.get("min_width", 1024)
    for key, value in (("min_height", min_height), ("min_width", min_width)):
        if not _is_number(value):
            a.bad(f"{key}={value!r}: augmentlab pads to a minimum size (no divisor mode)")
    for key in ("pad_height_divisor", "pad_width_divisor"):
        a.need(key, None, (None,), "augmentlab pads to a minimum size only")
    a.need("padding", 0, (0, None), "PadIfNeeded pads to min_height x min_width only")
    position = a.need("position", "center", ("center", "top_left"),
                      "augmentlab pads centred or at the top-left corner")
    style = a.warp(PadIfNeeded, interpolation=False)
    return _make(PadIfNeeded, min_height=min_height, min_width=min_width, position=position, **style)


def _max_size(cls: type[LongestMaxSize] | type[SmallestMaxSize]) -> Callable[[_Args], Builder]:
    def convert(a: _Args) -> Builder:
        size = a.get("max_size")
        if isinstance(size, list) and len(size) == 1:
            size = size[0]
        if not _is_number(size):
            a.bad(f"max_size={size!r}: augmentlab takes one size (no random choice among several)")
        a.need("max_size_hw", None, (None,), f"augmentlab's {cls.__name__} takes max_size only")
        a.no_area_for_downscale()
        return _make(cls, max_size=size, **a.warp(cls, border=False))

    return convert


def _random_scale(a: _Args) -> Builder:
    limit = a.range("scale_limit", [-0.1, 0.1], "sym")
    a.no_area_for_downscale()
    return _make(RandomScale, scale_limit=limit, **a.warp(RandomScale, border=False))


def _elastic(a: _Args) -> Builder:
    alpha, sigma = a.number("alpha", 1.0), a.number("sigma", 50.0)
    a.need("approximate", False, (False,), "augmentlab blurs the displacement field exactly")
    a.need("same_dxdy", False, (False,), "augmentlab draws x and y displacements independently")
    a.need("noise_distribution", "gaussian", ("uniform",),
           "augmentlab's field is blurred uniform noise; Albumentations' gaussian noise, "
           "normalised by its largest value, gives a different (size-dependent) strength")
    a.need("keypoint_remapping_method", "mask", ("mask", "direct"), "unknown method")
    return _make(ElasticWarp, alpha=alpha, sigma=sigma, **a.warp(ElasticWarp))


def _piecewise_affine(a: _Args) -> Builder:
    a.need("keypoint_remapping_method", "mask", ("mask", "direct"), "unknown method")
    return _make(PiecewiseAffine, scale=a.range("scale", [0.03, 0.05]),
                 nb_rows=a.int_range("nb_rows", [4, 4]), nb_cols=a.int_range("nb_cols", [4, 4]),
                 absolute_scale=a.flag("absolute_scale", False), **a.warp(PiecewiseAffine))


def _thin_plate_spline(a: _Args) -> Builder:
    a.need("keypoint_remapping_method", "mask", ("mask", "direct"), "unknown method")
    return _make(ThinPlateSpline, scale_range=a.range("scale_range", [0.2, 0.4]),
                 num_control_points=a.number("num_control_points", 4, integer=True),
                 **a.warp(ThinPlateSpline))


def _grid_shuffle(a: _Args) -> Builder:
    grid = a.get("grid", [3, 3])
    if not (isinstance(grid, list) and len(grid) == 2 and all(
            _is_number(v) and float(v).is_integer() and v >= 1 for v in grid)):
        a.bad(f"grid={grid!r} must be two whole numbers >= 1")
        grid = [3, 3]
    return _make(RandomGridShuffle, grid=(int(grid[0]), int(grid[1])))


def _mask_dropout(a: _Args) -> Builder:
    fill = a.get("fill", 0)
    if isinstance(fill, str):
        a.bad(f"fill={fill!r}: augmentlab fills erased objects with a value (no inpainting)")
        fill = 0
    else:
        fill = a.fill("fill", 0)
    return _make(MaskDropout, max_objects=a.int_range("max_objects", [1, 1], "low", 1),
                 fill=fill, fill_mask=a.fill_mask("fill_mask", 0))


def _random_snow(a: _Args) -> Builder:
    a.need("method", "bleach", ("bleach",), "augmentlab snows by bleaching only (no 'texture')")
    return _make(RandomSnow, snow_point_range=a.range("snow_point_range", [0.1, 0.3]),
                 brightness_coeff=a.number("brightness_coeff", 2.5))


def _spatter(a: _Args) -> Builder:
    mode = a.need("mode", "rain", ("rain", "mud"), "unknown mode")
    color = a.get("color", None)
    if color is not None and not (isinstance(color, list) and len(color) == 3 and
                                  all(_is_number(v) for v in color)):
        a.bad(f"color={color!r} must be three values 0..255")
        color = None
    return _make(Spatter, mean=a.range("mean", [0.65, 0.65]), std=a.range("std", [0.3, 0.3]),
                 gauss_sigma=a.range("gauss_sigma", [2.0, 2.0]),
                 cutout_threshold=a.range("cutout_threshold", [0.68, 0.68]),
                 intensity=a.range("intensity", [0.6, 0.6]), mode=mode,
                 color=None if color is None else tuple(int(v) for v in color))


def _chromatic_aberration(a: _Args) -> Builder:
    mode = a.need("mode", "green_purple", ("green_purple", "red_blue", "random"), "unknown mode")
    interpolation = a.interpolation()
    if interpolation == "area":
        a.bad("interpolation=3 (INTER_AREA) has no meaning for a remap; use linear")
    return _make(ChromaticAberration,
                 primary_distortion_limit=a.range("primary_distortion_limit", [-0.02, 0.02], "sym"),
                 secondary_distortion_limit=a.range("secondary_distortion_limit", [-0.05, 0.05],
                                                    "sym"),
                 mode=mode, interpolation=interpolation)


def _planckian_jitter(a: _Args) -> Builder:
    a.need("mode", "blackbody", ("blackbody",), "augmentlab offers the black-body series only "
           "(no CIE daylight 'cied')")
    method = a.need("sampling_method", "uniform", ("uniform", "gaussian"), "unknown method")
    limit = a.get("temperature_limit", None)
    if limit is not None and not (isinstance(limit, list) and len(limit) == 2 and
                                  all(_is_number(v) for v in limit)):
        a.bad(f"temperature_limit={limit!r} must be a (min, max) pair of kelvins")
        limit = None
    return _make(PlanckianJitter, temperature_limit=None if limit is None else tuple(limit),
                 sampling_method=method)


def _referenced(cls: type[Transform], **ranges: tuple[str, list[float]]) -> Callable[[_Args], Builder]:
    def convert(a: _Args) -> Builder:
        refs = a.get("reference_images", None)
        a.ignore("read_fn", "metadata_key")
        if not (isinstance(refs, list) and refs and all(isinstance(r, str) for r in refs)):
            a.bad("reference images come as file paths here (Albumentations 2 passes them with "
                  "each call, under metadata_key); give reference_images=[paths] to augmentlab's "
                  f"{cls.__name__}")
            refs = None
        args = {name: a.range(key, default) for name, (key, default) in ranges.items()}
        if refs is None:
            return _make(Transform)
        return _make(cls, reference_images=refs, **args)

    return convert


def _grid_distortion(a: _Args) -> Builder:
    steps = a.number("num_steps", 5, integer=True)
    limit = a.range("distort_limit", [-0.3, 0.3], "sym")
    a.need("normalized", True, (True,), "augmentlab keeps the grid's ends on the image border")
    a.need("keypoint_remapping_method", "mask", ("mask", "direct"), "unknown method")
    return _make(GridDistortion, num_steps=steps, distort_limit=limit, **a.warp(GridDistortion))


# -- colour, noise, filters ------------------------------------------------------------------------

def _brightness_contrast(a: _Args) -> Builder:
    brightness = a.range("brightness_limit", [-0.2, 0.2], "sym")
    contrast = a.range("contrast_limit", [-0.2, 0.2], "sym")
    a.need("brightness_by_max", True, (True,), "augmentlab's brightness is a fraction of the "
           "maximum value, not of the image mean")
    a.need("ensure_safe_range", False, (False,), "augmentlab does not narrow the ranges per image")
    return _make(BrightnessContrast, brightness_limit=brightness, contrast_limit=contrast)


def _hsv(a: _Args) -> Builder:
    return _make(HueSaturationValue, hue_shift_limit=a.range("hue_shift_limit", [-20, 20], "sym"),
                 sat_shift_limit=a.range("sat_shift_limit", [-30, 30], "sym"),
                 val_shift_limit=a.range("val_shift_limit", [-20, 20], "sym"))


def _rgb_shift(a: _Args) -> Builder:
    limits = {}
    for key in ("r_shift_limit", "g_shift_limit", "b_shift_limit"):
        lo, hi = a.range(key, [-20, 20], "sym")
        if max(abs(lo), abs(hi)) <= 1:  # Albumentations reads limits within [-1, 1] as fractions
            lo, hi = lo * 255.0, hi * 255.0
        limits[key] = (lo, hi)
    a.ignore("approximation", "noise_params", "noise_type", "spatial_mode")  # derived from the limits
    return _make(RGBShift, **limits)


def _color_jitter(a: _Args) -> Builder:
    return _make(ColorJitter, brightness=a.range("brightness", [0.8, 1.2], "jitter"),
                 contrast=a.range("contrast", [0.8, 1.2], "jitter"),
                 saturation=a.range("saturation", [0.8, 1.2], "jitter"),
                 hue=a.range("hue", [-0.5, 0.5], "sym"))


def _to_gray(a: _Args) -> Builder:
    a.need("num_output_channels", 3, (3,), "augmentlab's ToGray keeps the image's 3 channels")
    a.need("method", "weighted_average", ("weighted_average",),
           "augmentlab's ToGray uses the ITU-R 601 weights only")
    return _make(ToGray)


def _clahe(a: _Args) -> Builder:
    clip = a.range("clip_limit", [1.0, 4.0], "low", 1.0)
    grid = a.get("tile_grid_size", [8, 8])
    if not (isinstance(grid, list) and len(grid) == 2 and all(isinstance(v, int) for v in grid)):
        a.bad(f"tile_grid_size={grid!r} must be two integers")
        grid = [8, 8]
    return _make(CLAHE, clip_limit=clip, tile_grid_size=(grid[0], grid[1]))


def _normalize(a: _Args) -> Builder:
    a.need("normalization", "standard", ("standard",),
           "augmentlab normalises with fixed mean and std only")
    mean = a.get("mean", [0.485, 0.456, 0.406])
    std = a.get("std", [0.229, 0.224, 0.225])
    top = a.get("max_pixel_value", 255.0)
    if not _is_number(top):
        a.bad(f"max_pixel_value={top!r} must be a number")
    return _make(Normalize, mean=mean, std=std, max_pixel_value=top)


def _posterize(a: _Args) -> Builder:
    bits = a.get("num_bits", 4)
    if _is_number(bits):
        bits = [bits, bits]
    if not (isinstance(bits, list) and len(bits) == 2 and all(_is_number(v) for v in bits)):
        a.bad(f"num_bits={bits!r}: augmentlab uses one bit count (or range) for every channel")
        bits = [4, 4]
    return _make(Posterize, num_bits=(int(bits[0]), int(bits[1])))


def _equalize(a: _Args) -> Builder:
    a.need("mode", "cv", ("cv",), "augmentlab equalises with OpenCV's equalizeHist")
    a.need("by_channels", True, (True,), "augmentlab equalises each channel")
    a.need("mask", None, (None,), "augmentlab equalises the whole image")
    a.need("mask_params", [], ([], None), "augmentlab equalises the whole image")
    return _make(Equalize)


def _gauss_noise(a: _Args) -> Builder:
    std = a.range("std_range", [0.2, 0.44])
    mean = a.range("mean_range", [0.0, 0.0])
    a.need("noise_scale_factor", 1.0, (1, 1.0), "augmentlab draws noise at full resolution")
    return _make(GaussNoise, std_range=std, mean_range=mean, per_channel=a.flag("per_channel", True))


def _compression(a: _Args) -> Builder:
    kind = a.need("compression_type", "jpeg", ("jpeg", "webp"), "JPEG and WebP have counterparts")
    return _make(ImageCompression, compression_type=kind if kind in ("jpeg", "webp") else "jpeg",
                 quality_range=a.int_range("quality_range", [99, 100]))


def _unsharp_mask(a: _Args) -> Builder:
    lo, hi = a.int_range("blur_limit", [3, 7], "low", 3)
    return _make(UnsharpMask, blur_limit=(_odd(lo), _odd(hi)),
                 sigma_limit=a.range("sigma_limit", 0.0, "low", 0.0),
                 alpha=a.range("alpha", [0.2, 0.5]), threshold=a.number("threshold", 10))


def _sized_bbox_safe_crop(a: _Args) -> Builder:
    return _make(RandomSizedBBoxSafeCrop, height=a.number("height", None, integer=True),
                 width=a.number("width", None, integer=True),
                 erosion_rate=a.number("erosion_rate", 0.0), interpolation=a.interpolation(),
                 mask_interpolation=a.interpolation("mask_interpolation", 0))


def _crop_non_empty(a: _Args) -> Builder:
    lists = {}
    for key in ("ignore_values", "ignore_channels"):
        value = a.get(key, None)
        if value is not None and not (isinstance(value, list) and all(
                _is_number(v) and float(v).is_integer() for v in value)):
            a.bad(f"{key}={value!r} must be a list of integers")
            value = None
        lists[key] = None if value is None else [int(v) for v in value]
    return _make(CropNonEmptyMaskIfExists, height=a.number("height", None, integer=True),
                 width=a.number("width", None, integer=True), **lists)


def _advanced_blur(a: _Args) -> Builder:
    lo, hi = a.int_range("blur_limit", [3, 7], "low", 3)
    return _make(AdvancedBlur, blur_limit=(_odd(lo), _odd(hi)),
                 sigma_x_limit=a.range("sigma_x_limit", [0.2, 1.0], "low", 0.0),
                 sigma_y_limit=a.range("sigma_y_limit", [0.2, 1.0], "low", 0.0),
                 rotate_limit=a.range("rotate_limit", [-90, 90], "sym"),
                 beta_limit=a.range("beta_limit", [0.5, 8.0], "low", 0.0),
                 noise_limit=a.range("noise_limit", [0.9, 1.1], "low", 0.0))


def _zoom_blur(a: _Args) -> Builder:
    lo, hi = a.range("step_factor", [0.01, 0.03], "low", 0.0)
    # Albumentations reads a single step s as (0, s): a step near 0 would make thousands of zoomed
    # copies, so the smallest step is 0.001 here (at most ~300 copies for a factor of 1.31)
    return _make(ZoomBlur, max_factor=a.range("max_factor", [1.0, 1.31], "low", 1.0),
                 step_factor=(max(lo, 0.001), max(hi, 0.001)))


def _glass_blur(a: _Args) -> Builder:
    a.need("mode", "fast", ("fast",), "augmentlab swaps pixels the 'fast' way")
    return _make(GlassBlur, sigma=a.number("sigma", 0.7),
                 max_delta=a.number("max_delta", 4, integer=True),
                 iterations=a.number("iterations", 2, integer=True))


def _morphological(a: _Args) -> Builder:
    scale = a.get("scale", [2, 3])
    if isinstance(scale, list) and len(scale) == 2 and scale[0] == scale[1]:
        scale = scale[0]
    if not (_is_number(scale) and float(scale).is_integer() and scale >= 1):
        a.bad(f"scale={scale!r}: Albumentations uses it as the element's fixed width x height "
              "(a single k means 1 x k); augmentlab's element is square: give scale=(k, k)")
        scale = 3
    op = a.need("operation", "dilation", ("dilation", "erosion"), "dilation and erosion only")
    return _make(Morphological, scale=(int(scale), int(scale)),
                 operation=op if op in ("dilation", "erosion") else "dilation")


def _pixel_dropout(a: _Args) -> Builder:
    drop = a.get("drop_value", 0)
    if drop is not None:
        drop = a.fill("drop_value", 0)
    return _make(PixelDropout, dropout_prob=a.number("dropout_prob", 0.01),
                 per_channel=a.flag("per_channel", False), drop_value=drop,
                 mask_drop_value=a.fill_mask("mask_drop_value", None, optional=True))


def _xy_masking(a: _Args) -> Builder:
    return _make(XYMasking, num_masks_x=a.int_range("num_masks_x", 0),
                 num_masks_y=a.int_range("num_masks_y", 0),
                 mask_x_length=a.int_range("mask_x_length", 0, "low", 0),
                 mask_y_length=a.int_range("mask_y_length", 0, "low", 0),
                 fill=a.fill(), fill_mask=a.fill_mask(optional=True, default=None))


def _downscale(a: _Args) -> Builder:
    pair = a.get("interpolation_pair", {"upscale": 0, "downscale": 0})
    if not isinstance(pair, dict) or set(pair) != {"upscale", "downscale"}:
        a.bad(f"interpolation_pair={pair!r} must map 'downscale' and 'upscale' to OpenCV codes")
        pair = {"upscale": 0, "downscale": 0}
    names = {}
    for key, code in pair.items():
        if code not in _INTERPOLATIONS:
            a.bad(f"interpolation_pair[{key!r}]={code!r} has no counterpart")
        names[key] = _INTERPOLATIONS.get(code, "nearest")
    return _make(Downscale, scale_range=a.range("scale_range", [0.25, 0.25]),
                 down_interpolation=names["downscale"], up_interpolation=names["upscale"])


def _box_blur(cls: type[Blur] | type[MedianBlur]) -> Callable[[_Args], Builder]:
    def convert(a: _Args) -> Builder:
        lo, hi = a.int_range("blur_limit", [3, 7], "low", 3)
        return _make(cls, blur_limit=(_odd(lo), _odd(hi)))

    return convert


def _gaussian_blur(a: _Args) -> Builder:
    lo, hi = a.int_range("blur_limit", [0, 0], "low", 0)
    sigma = a.range("sigma_limit", [0.5, 3.0], "low", 0.0)
    if sigma[0] <= 0:
        a.bad(f"sigma_limit={list(sigma)}: a sigma of 0 is undefined in Albumentations")
    # blur_limit 0: the kernel follows sigma (ours spans three sigmas a side)
    limit = (3, max(3, 2 * math.ceil(3 * sigma[1]) + 1)) if hi <= 0 else (max(3, _odd(lo)), max(3, _odd(hi)))
    return _make(GaussianBlur, blur_limit=limit, sigma_limit=sigma)


def _motion_blur(a: _Args) -> Builder:
    lo, hi = a.int_range("blur_limit", [3, 7], "low", 3)
    a.need("allow_shifted", True, (False,), "augmentlab's motion kernel is centred")
    direction = a.range("direction_range", [-1.0, 1.0], "sym")
    if direction != (0.0, 0.0):
        a.bad(f"direction_range={list(direction)}: augmentlab's motion kernel is symmetric "
              "(direction 0)")
    angle = a.range("angle_range", [0.0, 360.0], "pair")
    span = angle[1] - angle[0]
    if span < 180 or span % 180:
        a.bad(f"angle_range={list(angle)}: augmentlab draws the line's angle uniformly over a "
              "half turn; the span must be a multiple of 180 degrees")
    return _make(MotionBlur, blur_limit=(_odd(lo), _odd(hi)))


def _sharpen(a: _Args) -> Builder:
    a.need("method", "kernel", ("kernel",), "augmentlab sharpens with the 3x3 kernel method")
    a.ignore("kernel_size", "sigma")  # used by method="gaussian" only
    return _make(Sharpen, alpha=a.range("alpha", [0.2, 0.5]), lightness=a.range("lightness", [0.5, 1.0]))


def _auto_contrast(a: _Args) -> Builder:
    a.need("method", "cdf", ("pil",), "augmentlab stretches each channel from its minimum to its "
           "maximum (the 'pil' method)")
    a.need("cutoff", 0, (0, 0.0), "augmentlab stretches from the exact minimum and maximum")
    a.need("ignore", None, (None,), "augmentlab counts every value")
    return _make(AutoContrast)


# -- dropout --------------------------------------------------------------------------------------

def _dropout_fill(a: _Args) -> Any:
    value = a.get("fill", 0)
    if value == "random":
        return "random"
    if isinstance(value, str):
        a.bad(f"fill={value!r}: augmentlab fills holes with a value or per-pixel noise ('random')")
        return 0
    fill = a.fill("fill", value)
    if isinstance(fill, float) and abs(fill) <= 1:
        # a lone float <= 1 reads as a fraction of the maximum on uint8 images here; in a list it
        # is the value itself, as Albumentations reads it (0 on uint8, the value on float32)
        return [fill]
    return fill


def _coarse_dropout(a: _Args) -> Builder:
    holes = a.int_range("num_holes_range", [1, 2])
    raw_h = a.get("hole_height_range", [0.1, 0.2])
    raw_w = a.get("hole_width_range", [0.1, 0.2])
    height, width = a.range("hole_height_range", raw_h), a.range("hole_width_range", raw_w)
    if height[1] >= 1:  # Albumentations' rule: pixels when the height's upper bound is >= 1
        for key, (lo, hi) in (("hole_height_range", height), ("hole_width_range", width)):
            lo, hi = float(int(lo)), float(int(hi))
            if lo < 2:
                a.bad(f"{key}: sizes from {lo:g} pixel(s): augmentlab reads sizes <= 1 as "
                      "fractions of the side, so pixel sizes must start at 2")
            if key == "hole_height_range":
                height = (lo, hi)
            else:
                width = (lo, hi)
    elif width[1] >= 1:
        a.bad(f"hole_width_range={list(width)} holds pixels while hole_height_range "
              f"{list(height)} holds fractions; Albumentations reads both as fractions here")
    fill = _dropout_fill(a)
    fill_mask = a.fill_mask("fill_mask", None, optional=True)
    return _make(CoarseDropout, num_holes_range=holes, hole_height_range=height,
                 hole_width_range=width, fill=fill, fill_mask=fill_mask)


def _erasing(a: _Args) -> Builder:
    return _make(RandomErasing, scale=a.range("scale", [0.02, 0.33]), ratio=a.range("ratio", [0.3, 3.3]),
                 fill=_dropout_fill(a), fill_mask=a.fill_mask("fill_mask", None, optional=True))


def _grid_dropout(a: _Args) -> Builder:
    ratio = a.number("ratio", 0.5)
    size: tuple[float, float] | None = None  # None: a 10 x 10 grid, as in Albumentations
    if a.get("unit_size_range") is not None:
        lo, hi = a.int_range("unit_size_range", None)
        if lo < 2:
            a.bad(f"unit_size_range={[lo, hi]} must be pixels >= 2")
        size = (float(lo), float(hi))
    a.need("holes_number_xy", None, (None,), "augmentlab sizes the grid by unit_size_range only")
    random_offset = a.flag("random_offset", True)
    shift = a.get("shift_xy", [0, 0])
    if not random_offset and shift != [0, 0]:
        a.bad(f"shift_xy={shift!r}: augmentlab's fixed grid starts at the corner")
    a.ignore("shift_xy")
    return _make(GridDropout, ratio=ratio, unit_size_range=size,
                 random_offset=random_offset, fill=_dropout_fill(a),
                 fill_mask=a.fill_mask("fill_mask", None, optional=True))


def _shadow(a: _Args) -> Builder:
    roi = a.get("shadow_roi", [0, 0.5, 1, 1])
    return _make(RandomShadow, shadow_roi=roi,
                 num_shadows_limit=a.int_range("num_shadows_limit", [1, 2]),
                 shadow_dimension=a.number("shadow_dimension", 5, integer=True),
                 shadow_intensity_range=a.range("shadow_intensity_range", [0.5, 0.5]))


def _simple(cls: type[Transform], **ranges: tuple[Any, str]) -> Callable[[_Args], Builder]:
    """A transform whose arguments carry over by name: ``name=(A default, scalar rule)``."""
    def convert(a: _Args) -> Builder:
        kwargs: dict[str, Any] = {}
        for key, (default, rule) in ranges.items():
            if rule == "bool":
                kwargs[key] = a.flag(key, default)
            elif rule.startswith("low"):
                kwargs[key] = a.range(key, default, "low", float(rule[3:]))
            else:
                kwargs[key] = a.range(key, default, rule)
        return _make(cls, **kwargs)

    return convert


def _solarize(a: _Args) -> Builder:
    return _make(Solarize, threshold=a.range("threshold_range", [0.5, 0.5]))


def _defocus(a: _Args) -> Builder:
    return _make(Defocus, radius=a.int_range("radius", [3, 10], "low", 1),
                 alias_blur=a.range("alias_blur", [0.1, 0.5]))


def _to_tensor(a: _Args) -> Builder:
    return _make(ToTensorV2, transpose_mask=a.flag("transpose_mask", False))


def _no_op(a: _Args) -> Builder:
    return lambda p: Sequential([], random_order=False, p=p)


def _unsupported(reason: str) -> Callable[[_Args], Builder]:
    def convert(a: _Args) -> Builder:
        a.bad(reason)
        a.ignore(*a.raw)
        return _make(Transform)

    return convert


_CONVERTERS: dict[str, Callable[[_Args], Builder]] = {
    "HorizontalFlip": lambda a: _make(HorizontalFlip),
    "VerticalFlip": lambda a: _make(VerticalFlip),
    "Transpose": lambda a: _make(Transpose),
    "RandomRotate90": lambda a: _make(RandomRotate90),
    "Affine": _affine,
    "ShiftScaleRotate": _shift_scale_rotate,
    "Rotate": _rotate,
    "Perspective": _perspective,
    "RandomCrop": _crop(RandomCrop),
    "CenterCrop": _crop(CenterCrop),
    "Resize": _resize,
    "RandomResizedCrop": _random_resized_crop,
    "PadIfNeeded": _pad_if_needed,
    "LongestMaxSize": _max_size(LongestMaxSize),
    "SmallestMaxSize": _max_size(SmallestMaxSize),
    "RandomScale": _random_scale,
    "ElasticTransform": _elastic,
    "GridDistortion": _grid_distortion,
    "PiecewiseAffine": _piecewise_affine,
    "ThinPlateSpline": _thin_plate_spline,
    "RandomGridShuffle": _grid_shuffle,
    "RandomBrightnessContrast": _brightness_contrast,
    "HueSaturationValue": _hsv,
    "RGBShift": _rgb_shift,
    "ColorJitter": _color_jitter,
    "RandomGamma": _simple(RandomGamma, gamma_limit=([80, 120], "low1")),
    "ToGray": _to_gray,
    "CLAHE": _clahe,
    "Normalize": _normalize,
    "InvertImg": lambda a: _make(Invert),
    "Posterize": _posterize,
    "Solarize": _solarize,
    "Equalize": _equalize,
    "ChannelShuffle": lambda a: _make(ChannelShuffle),
    "AutoContrast": _auto_contrast,
    "GaussNoise": _gauss_noise,
    "ISONoise": _simple(ISONoise, color_shift=([0.01, 0.05], "pair"), intensity=([0.1, 0.5], "pair")),
    "MultiplicativeNoise": _simple(MultiplicativeNoise, multiplier=([0.9, 1.1], "pair"),
                                   per_channel=(False, "bool"), elementwise=(False, "bool")),
    "SaltAndPepper": _simple(SaltAndPepper, amount=([0.01, 0.06], "pair"),
                             salt_vs_pepper=([0.4, 0.6], "pair")),
    "ImageCompression": _compression,
    "D4": lambda a: _make(D4),
    "ToSepia": lambda a: _make(ToSepia),
    "RandomToneCurve": lambda a: _make(RandomToneCurve, scale=a.number("scale", 0.1),
                                       per_channel=a.flag("per_channel", False)),
    "UnsharpMask": _unsharp_mask,
    "ZoomBlur": _zoom_blur,
    "AdvancedBlur": _advanced_blur,
    "BBoxSafeRandomCrop": lambda a: _make(BBoxSafeRandomCrop,
                                          erosion_rate=a.number("erosion_rate", 0.0)),
    "RandomSizedBBoxSafeCrop": _sized_bbox_safe_crop,
    "CropNonEmptyMaskIfExists": _crop_non_empty,
    "GlassBlur": _glass_blur,
    "Morphological": _morphological,
    "ChannelDropout": lambda a: _make(ChannelDropout,
                                      channel_drop_range=a.int_range("channel_drop_range", [1, 1]),
                                      fill=a.number("fill", 0)),
    "PixelDropout": _pixel_dropout,
    "XYMasking": _xy_masking,
    "MaskDropout": _mask_dropout,
    "RandomSnow": _random_snow,
    "Spatter": _spatter,
    "ChromaticAberration": _chromatic_aberration,
    "FancyPCA": lambda a: _make(FancyPCA, alpha=a.number("alpha", 0.1)),
    "PlanckianJitter": _planckian_jitter,
    "HistogramMatching": _referenced(HistogramMatching, blend_ratio=("blend_ratio", [0.5, 1.0])),
    "FDA": _referenced(FDA, beta_limit=("beta_limit", [0.0, 0.1])),
    "Downscale": _downscale,
    "Blur": _box_blur(Blur),
    "MedianBlur": _box_blur(MedianBlur),
    "GaussianBlur": _gaussian_blur,
    "MotionBlur": _motion_blur,
    "Defocus": _defocus,
    "Sharpen": _sharpen,
    "Emboss": _simple(Emboss, alpha=([0.2, 0.5], "pair"), strength=([0.2, 0.7], "pair")),
    "CoarseDropout": _coarse_dropout,
    "Erasing": _erasing,
    "GridDropout": _grid_dropout,
    "RandomShadow": _shadow,
    "ToTensorV2": _to_tensor,
    "NoOp": _no_op,
    # same name, another model: refused rather than approximated
    "OpticalDistortion": _unsupported("Albumentations' camera/fisheye lens models are "
                                      "normalised differently from augmentlab's radial model"),
    "RandomFog": _unsupported("rendered differently (alpha_coef has no counterpart)"),
    "RandomRain": _unsupported("rendered differently (rain_type and drop_length=None have no "
                               "counterpart)"),
    "RandomSunFlare": _unsupported("rendered differently (method, angle_range and src_color have "
                                   "no counterpart)"),
}

_CONTAINERS = {"Compose", "ReplayCompose", "Sequential", "OneOf", "SomeOf", "RandomOrder", "OneOrOther"}


def _short_name(name: Any) -> str:
    text = str(name)
    return text.rsplit(".", 1)[-1] if text.startswith("albumentations.") else text


class _Converter:
    def __init__(self) -> None:
        self.problems = _Problems()
        self.root_settings: dict[str, Any] = {}

    def node(self, node: Any, path: str, force_p: float | None = None) -> tuple[Transform | None, float]:
        """Our transform for one Albumentations node (None if it cannot be imported) and the
        node's own ``p`` (OneOf uses it as a weight)."""
        if not isinstance(node, Mapping) or "__class_fullname__" not in node:
            self.problems.add(path, "?", f"expected a transform mapping with '__class_fullname__', "
                                         f"got {type(node).__name__}")
            return None, 0.0
        name = _short_name(node["__class_fullname__"])
        a = _Args(node, name)
        p = a.p if force_p is None else force_p
        if name in _CONTAINERS:
            built = self.container(a, path, p)
        elif name in _CONVERTERS:
            built = self.leaf(a, path, p)
        else:
            reason = "custom code (Lambda) cannot be imported" if "__name__" in node else \
                "no augmentlab counterpart"
            self.problems.add(path, name, reason)
            return None, a.p
        return built, a.p

    def finish(self, a: _Args, path: str) -> bool:
        a.leftovers()
        for reason in a.problems:
            self.problems.add(path, a.name, reason)
        return not a.problems

    def leaf(self, a: _Args, path: str, p: float) -> Transform | None:
        builder = _CONVERTERS[a.name](a)
        if not self.finish(a, path):
            return None
        try:
            return builder(p)
        except (InvalidConfig, TypeError, ValueError) as exc:
            self.problems.add(path, a.name, str(exc))
            return None

    def children(self, a: _Args, path: str, force_p: float | None) -> list[tuple[Transform | None, float]]:
        items = a.get("transforms")
        if not isinstance(items, list):
            a.bad("'transforms' must be a list of transforms")
            return []
        prefix = f"{path}." if path else ""
        return [self.node(item, f"{prefix}transforms[{i}]", force_p) for i, item in enumerate(items)]

    def container(self, a: _Args, path: str, p: float) -> Transform | None:
        name = a.name
        if name in ("Compose", "ReplayCompose"):  # nested: a Sequential of its own
            for key in ("bbox_params", "keypoint_params", "additional_targets"):
                value = a.get(key)
                if value not in (None, {}) and value != self.root_settings.get(key):
                    a.bad(f"a nested {name} with its own {key} has no counterpart; declare the "
                          "settings on the outermost Compose")
            a.ignore("is_check_shapes", "strict", "save_key", "save_applied_params", "seed")
            a.need("mask_interpolation", None, (None, 0), "set mask interpolation per transform")
        # Albumentations applies the child OneOf / OneOrOther picks whatever its own p says
        picks_one = name in ("OneOf", "OneOrOther")
        kids = self.children(a, path, 1.0 if picks_one else None)
        n = 0
        if name == "OneOf" and kids and sum(w for _, w in kids) <= 0:
            a.bad("every child has p=0, which Albumentations cannot normalise into weights")
        elif name == "OneOrOther" and len(kids) not in (1, 2):
            a.bad(f"OneOrOther with {len(kids)} transforms: Albumentations runs the first or the "
                  "last only")
        elif name in ("SomeOf", "RandomOrder"):
            n = a.number("n", 1, integer=True)
            if a.flag("replace", False):
                a.bad("replace=True: augmentlab picks distinct transforms")
            n = max(0, min(n, len(kids)))  # Albumentations caps n the same way
            if name == "RandomOrder" and n < len(kids):
                a.bad(f"n={n} of {len(kids)}: augmentlab runs all children in a random order, or "
                      "some of them (SomeOf) in their listed order")
        if not self.finish(a, path) or any(t is None for t, _ in kids):
            return None
        children = [t for t, _ in kids if t is not None]
        try:
            if name == "OneOf":
                return OneOf(children, weights=[w for _, w in kids], p=p)
            if name == "OneOrOther":  # its p picks the first; one of the two always runs
                if len(children) == 1:
                    return Sequential(children, random_order=False, p=1.0)
                return OneOf(children, weights=[a.p, 1.0 - a.p], p=1.0)
            if name == "SomeOf":
                return SomeOf(children, n=n, p=p)
            return Sequential(children, random_order=name == "RandomOrder", p=p)
        except (InvalidConfig, TypeError, ValueError) as exc:
            self.problems.add(path, name, str(exc))
            return None

    def root(self, node: Any) -> Compose | None:
        if not isinstance(node, Mapping) or _short_name(node.get("__class_fullname__")) not in (
                "Compose", "ReplayCompose"):
            only, _ = self.node(node, "transform")
            if only is None:
                return None
            return Compose([only], seed=None, bbox_params=None, keypoint_params=None,
                           extra_fields=None, p=1.0)
        a = _Args(node, _short_name(node["__class_fullname__"]))
        settings = self.settings(a)
        self.root_settings = {k: a.get(k) for k in ("bbox_params", "keypoint_params",
                                                     "additional_targets")}
        kids = self.children(a, "", None)
        if not self.finish(a, "<root>") or self.problems.items:
            return None
        try:
            return Compose([t for t, _ in kids if t is not None], **settings, p=a.p)
        except (InvalidConfig, TypeError, ValueError) as exc:
            self.problems.add("<root>", a.name, str(exc))
            return None

    def settings(self, a: _Args) -> dict[str, Any]:
        """Our Compose's keywords from the root's; problems are reported where they sit."""
        boxes, points = a.get("bbox_params"), a.get("keypoint_params")
        targets = a.get("additional_targets") or {}
        extra: dict[str, str] = {}
        if not isinstance(targets, dict):
            self.problems.add("additional_targets", a.name, f"{targets!r} must map names to kinds")
            targets = {}
        for key, kind in targets.items():
            if kind in _TARGET_KINDS:
                extra[str(key)] = kind
            else:
                self.problems.add(f"additional_targets[{key!r}]", a.name,
                                  f"kind {kind!r} has no counterpart; use one of "
                                  f"{', '.join(_TARGET_KINDS)}")
        for key, value in (("bbox_params", boxes), ("keypoint_params", points)):
            if value is None:
                continue
            try:  # our Compose checks them, by Albumentations' own keys
                Compose([], **{key: value})
            except (InvalidConfig, TypeError, ValueError) as exc:
                self.problems.add(key, a.name, str(exc).removeprefix("Compose: "))
        seed = a.get("seed")
        if seed is not None and not (isinstance(seed, int) and seed >= 0):
            a.bad(f"seed={seed!r} must be a non-negative integer")
            seed = None
        a.need("mask_interpolation", None, (None, 0), "set mask interpolation per transform")
        a.ignore("is_check_shapes", "strict", "save_key", "save_applied_params")
        return {"seed": seed, "bbox_params": boxes, "keypoint_params": points,
                "extra_fields": extra or None}


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: text, not a path
        return False


def _read(source: Any) -> tuple[Any, str]:
    """The parsed document and where it came from (for messages)."""
    if isinstance(source, Mapping):
        return source, "<dict>"
    path: Path | None = None
    if isinstance(source, os.PathLike):
        path = Path(source)
    elif isinstance(source, str):
        text = source.strip()
        if "\n" not in text and (text.lower().endswith((".json", ".yaml", ".yml"))
                                 or (not text.startswith(("{", "[")) and _is_file(text))):
            path = Path(text)
    else:
        raise InvalidConfig(f"from_albumentations: expected the dict of A.to_dict(...), JSON or "
                            f"YAML text, or a .json/.yaml/.yml path; got {type(source).__name__}")
    if path is not None:
        if path.suffix.lower() not in (".json", ".yaml", ".yml"):
            raise InvalidConfig(f"{path}: expected a .json, .yaml or .yml file")
        if not path.is_file():
            raise InvalidConfig(f"{path}: no such file")
        origin, text, as_json = str(path), path.read_text(encoding="utf-8"), path.suffix.lower() == ".json"
    else:
        origin, text = "<text>", str(source)
        as_json = text.lstrip().startswith("{")
    try:
        return (json.loads(text) if as_json else yaml.safe_load(text)), origin
    except json.JSONDecodeError as exc:
        raise InvalidConfig(f"{origin}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}" if mark is not None else origin
        hint = ""
        if "python/" in str(exc):
            hint = (" (Python-specific tags are refused; save with A.save(pipeline, path, "
                    "data_format='yaml'), which writes plain YAML)")
        raise InvalidConfig(f"{where}: not valid plain YAML: {getattr(exc, 'problem', None) or exc}"
                            f"{hint}") from None


def from_albumentations(obj: Mapping[str, Any] | str | os.PathLike[str]) -> Compose:
    """Import an Albumentations pipeline saved with ``A.to_dict(...)`` or ``A.save(...)``.

    Args:
        obj: the dict ``A.to_dict(pipeline)`` returns (or just its ``"transform"`` part), that
            dict as JSON or YAML text, or the path of a ``.json``/``.yaml``/``.yml`` file
            holding it. Files and text are parsed with safe loaders only.

    Returns:
        A `Compose` with each transform mapped to its augmentlab counterpart, every argument
        passed explicitly; the root's ``bbox_params``, ``keypoint_params`` (label fields
        included) and ``additional_targets`` carry over, so it is called like the original:
        ``pipe(image=..., bboxes=..., class_labels=...)``.

    Raises:
        InvalidConfig: unreadable input, or one error listing every transform and argument
            that has no faithful counterpart (with its place in the tree); nothing is
            approximated.

    Example:
        >>> import numpy as np
        >>> from augmentlab.compat import from_albumentations
        >>> saved = {"__version__": "2.0.8", "transform": {
        ...     "__class_fullname__": "Compose", "p": 1.0,
        ...     "bbox_params": {"format": "pascal_voc", "label_fields": ["class_labels"]},
        ...     "transforms": [
        ...         {"__class_fullname__": "HorizontalFlip", "p": 1.0},
        ...         {"__class_fullname__": "RandomBrightnessContrast", "p": 0.2,
        ...          "brightness_limit": [-0.2, 0.2], "contrast_limit": [-0.2, 0.2]}]}}
        >>> pipe = from_albumentations(saved)
        >>> [type(t).__name__ for t in pipe.transforms]
        ['HorizontalFlip', 'BrightnessContrast']
        >>> out = pipe(image=np.zeros((10, 20, 3), np.uint8), bboxes=[[0, 0, 5, 5]],
        ...            class_labels=["cat"], sample_id=0)
        >>> out["bboxes"].tolist(), out["class_labels"]
        ([[15.0, 0.0, 20.0, 5.0]], ['cat'])
    """
    doc, origin = _read(obj)
    doc = _plain(doc) if isinstance(doc, Mapping) else doc
    if isinstance(doc, dict) and "transform" in doc and "__class_fullname__" not in doc:
        unknown = sorted(set(doc) - {"transform", "__version__"})
        if unknown:
            raise InvalidConfig(f"{origin}: unknown top-level key(s) {unknown}; expected "
                                "'__version__' and 'transform' (the output of A.to_dict)")
        doc = doc["transform"]
    if not isinstance(doc, dict) or "__class_fullname__" not in doc:
        raise InvalidConfig(f"{origin}: not an Albumentations pipeline: expected the output of "
                            "A.to_dict(...), a mapping with 'transform' (or '__class_fullname__')")
    converter = _Converter()
    pipe = converter.root(doc)
    items = converter.problems.items
    if items or pipe is None:
        lines = "\n".join(f"  - {path} {name}: {reason}" for path, name, reason in items)
        raise InvalidConfig(f"{origin}: {len(items)} part(s) of the Albumentations pipeline have no "
                            f"faithful augmentlab counterpart; nothing was imported:\n{lines}")
    return pipe
