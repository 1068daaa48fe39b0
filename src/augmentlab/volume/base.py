"""What every volume transform shares: finding the volume and its spacing in a sample, argument
checks for triples and axes, and the two bases. A `SpatialTransform` moves the voxels: each call
builds ONE mapping (`transform_array` gets the same params for the volume and its mask) and the
mask goes through it with nearest-neighbour interpolation. An `IntensityTransform` changes the
volume's values only: masks and spacing pass through untouched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeAlias

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.kinds import field_of
from ..core.params import check_choice, check_number, plain, shown
from ..core.sample import Sample
from ..core.transform import Transform
from .fields import check_spacing

# what the constructors take: one number for all three axes or one per axis (D, H, W); axes
# among 0, 1, 2; planes as pairs of axes
Triple: TypeAlias = float | Sequence[float]
IntTriple: TypeAlias = int | Sequence[int]
Axes: TypeAlias = int | Sequence[int]
Planes: TypeAlias = Sequence[Sequence[int]]

__all__ = ["Axes", "IntTriple", "IntensityTransform", "Planes", "ResamplingTransform",
           "SpatialTransform", "Triple", "check_axes", "check_fill", "check_triple", "fill_value",
           "spacing_of", "volume_of"]


def volume_of(sample: Any) -> tuple[str, np.ndarray]:
    """``(key, array)`` of the sample's first volume field.

    Example:
        >>> import augmentlab as al
        >>> s = al.Sample(volume=np.zeros((2, 2, 2))); s.kinds = {"volume": "volume"}
        >>> volume_of(s)[0]
        'volume'
    """
    return field_of(sample, "volume", "a volume: pass volume=... ((D, H, W) or (D, H, W, C) "
                    "voxels, channels last)")


def spacing_of(sample: Any) -> tuple[float, float, float]:
    """The sample's voxel spacing (its ``spacing`` field), ``(1, 1, 1)`` without one.

    Example:
        >>> import augmentlab as al
        >>> s = al.Sample(spacing=[1, 2, 3]); s.kinds = {"spacing": "spacing"}
        >>> spacing_of(s)
        (1.0, 2.0, 3.0)
    """
    key = sample.first_of("spacing")
    return (1.0, 1.0, 1.0) if key is None else check_spacing(key, sample[key])


def check_triple(owner: str, name: str, value: Any, *, low: float | None = None,
                 high: float | None = None, integer: bool = False) -> tuple[Any, Any, Any]:
    """A number or three numbers (one per axis D, H, W), each checked; a single number is used
    for all three.

    Example:
        >>> check_triple("volume.RandomCrop", "size", 32, low=1, integer=True)
        (32, 32, 32)
        >>> check_triple("volume.RandomCrop", "size", [1, 2])
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: volume.RandomCrop: size=[1, 2] must be a number or three ...
    """
    value = plain(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value] * 3
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)) or len(value) != 3:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a number or three numbers "
                            "(D, H, W)")
    a, b, c = (check_number(owner, name, v, low=low, high=high, integer=integer) for v in value)
    return a, b, c


def check_axes(owner: str, name: str, value: Any, *, pairs: bool = False) -> list[Any]:
    """Distinct axes among 0, 1, 2 (or, with `pairs`, distinct planes ``[a, b]``, ``a < b``).

    Example:
        >>> check_axes("volume.RandomFlip", "axes", (0, 2))
        [0, 2]
        >>> check_axes("volume.RandomRotate90", "planes", [[1, 2], [0, 1]], pairs=True)
        [[1, 2], [0, 1]]
    """
    what = "planes such as [[0, 1], [1, 2]]" if pairs else "axes among 0, 1, 2 such as [0, 1, 2]"
    value = plain(value)
    if not pairs and isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)) or not value:
        raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a non-empty list of {what}")
    out: list[Any] = []
    for item in value:
        if pairs:
            ok = (isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and len(item) == 2
                  and all(type(plain(v)) is int and 0 <= plain(v) <= 2 for v in item)
                  and plain(item[0]) < plain(item[1]))
            entry: Any = [int(plain(item[0])), int(plain(item[1]))] if ok else None
        else:
            ok = type(plain(item)) is int and 0 <= plain(item) <= 2
            entry = int(plain(item)) if ok else None
        if not ok or entry in out:
            raise InvalidConfig(f"{owner}: {name}={shown(value)} must be a list of distinct {what}")
        out.append(entry)
    return out


class SpatialTransform(Transform):
    """A transform that moves voxels: every volume with linear (or the chosen) interpolation,
    every mask with nearest-neighbour through the same params, spacing updated by
    `new_spacing`. Subclasses give `transform_array` (and `new_spacing` where the grid changes).
    """

    _abstract = True
    fields: ClassVar[frozenset[str]] = frozenset({"volume", "volume_mask", "spacing"})

    def transform_array(self, array: np.ndarray, params: dict[str, Any],
                        spacing: tuple[float, float, float], *, label: bool) -> np.ndarray:
        """`array` moved by `params`; `label` is true for a mask (nearest neighbour, fill 0)."""
        raise NotImplementedError

    def new_spacing(self, spacing: tuple[float, float, float],
                    params: dict[str, Any]) -> tuple[float, float, float]:
        """The spacing after the move (unchanged unless the grid's axes or size change)."""
        return spacing

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        spacing = spacing_of(sample)
        changes: dict[str, Any] = {}
        for key in sample.keys_of("volume"):
            changes[key] = self.transform_array(sample[key], params, spacing, label=False)
        for key in sample.keys_of("volume_mask"):
            changes[key] = self.transform_array(sample[key], params, spacing, label=True)
        after = self.new_spacing(spacing, params)
        if after != spacing:
            for key in sample.keys_of("spacing"):
                changes[key] = after
        return sample.derive(**changes)


def check_fill(owner: str, value: object) -> float | str:
    """A fill for voxels from outside the volume: a number (within +-1e30) or ``"minimum"`` (the
    volume's own minimum, TorchIO's default: background stays background).

    Example:
        >>> check_fill("volume.RandomAffine", "minimum"), check_fill("volume.RandomAffine", 0)
        ('minimum', 0.0)
    """
    if isinstance(value, str):
        return check_choice(owner, "fill", value, ("minimum",))
    return float(check_number(owner, "fill", value, low=-1e30, high=1e30))


def fill_value(fill: float | str, array: np.ndarray, label: bool) -> float:
    """The number a fill stands for on `array` (a mask is always filled with 0, background);
    `InvalidInput` when it does not fit the volume's dtype.

    Example:
        >>> fill_value("minimum", np.array([3.0, 5.0]), False), fill_value(7.0, np.zeros(2), True)
        (3.0, 0.0)
    """
    if label:
        return 0.0
    if fill == "minimum":
        return float(array.min())
    value = float(fill)
    if array.dtype.kind in "iu" and not np.iinfo(array.dtype).min <= value <= np.iinfo(array.dtype).max:
        raise InvalidInput(f"fill={value:g} does not fit {array.dtype} voxels; give a fill within "
                           f"[{np.iinfo(array.dtype).min}, {np.iinfo(array.dtype).max}] or 'minimum'")
    return value


class ResamplingTransform(SpatialTransform):
    """A spatial transform that resamples: `mapping` gives the call's ONE output-to-input mapping
    (`resample.AffineMap` or `resample.FieldMap`), built once and applied to every volume (with
    ``interpolation``, voxels from outside taking ``fill``) and every mask (nearest neighbour,
    0 outside). Subclasses set ``interpolation`` and ``fill`` and give `mapping`.
    """

    _abstract = True
    interpolation: str = "linear"
    fill: float | str = 0.0
    mode: ClassVar[str] = "constant"  # what voxels from outside read: cval, or the nearest edge

    def mapping(self, shape: tuple[int, ...], params: dict[str, Any],
                spacing: tuple[float, float, float]) -> Any:
        raise NotImplementedError

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        spacing = spacing_of(sample)
        _, volume = volume_of(sample)
        mapping = self.mapping(volume.shape, params, spacing)
        order = 0 if self.interpolation == "nearest" else 1
        changes: dict[str, Any] = {}
        for key in sample.keys_of("volume"):
            changes[key] = mapping.resample(sample[key], order=order, mode=self.mode,
                                            cval=fill_value(self.fill, sample[key], False))
        for key in sample.keys_of("volume_mask"):
            changes[key] = mapping.resample(sample[key], order=0, mode=self.mode, cval=0.0)
        after = self.new_spacing(spacing, params)
        if after != spacing:
            for key in sample.keys_of("spacing"):
                changes[key] = after
        return sample.derive(**changes)


class IntensityTransform(Transform):
    """A transform of the volume's values: masks and spacing are never touched. Takes float32
    or float64 volumes (integer voxels are refused with the conversion to make); subclasses give
    `apply_volume`.
    """

    _abstract = True
    fields: ClassVar[frozenset[str]] = frozenset({"volume"})

    def check_float(self, key: str, array: np.ndarray) -> np.ndarray:
        """`array`, refused unless float (what an intensity transform computes on)."""
        if array.dtype.kind != "f":
            raise InvalidInput(f"{key}: {self.name} changes intensities and needs float voxels, got "
                               f"{array.dtype}; convert first (volume.astype(np.float32)), "
                               "rescaling if you need a range")
        return array

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        spacing = spacing_of(sample)
        changes = {key: self.apply_volume(self.check_float(key, sample[key]), params, spacing)
                   for key in sample.keys_of("volume")}
        return sample.derive(**changes)

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        raise NotImplementedError
