"""Spatial volume transforms: flips, 90-degree rotations, random crop, pad to a size, resampling
to a spacing and the 3-D affine (rotation, scale, shear, translation as one matrix, one
resampling). The volume's masks move with it (nearest neighbour), the spacing follows the axes."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_choice, check_prob, shown, to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..core.types import Range
from .base import (
    Axes,
    IntTriple,
    Planes,
    ResamplingTransform,
    SpatialTransform,
    Triple,
    check_axes,
    check_fill,
    check_triple,
    fill_value,
    volume_of,
)
from .resample import AffineMap, euler_matrix, physical_affine, shear_matrix

__all__ = ["MAX_VOXELS", "Pad", "RandomAffine", "RandomCrop", "RandomFlip", "RandomRotate90", "Resample",
           "check_output"]

_ALL_PLANES = ((0, 1), (0, 2), (1, 2))
MAX_SIDE = 8192  # voxels along one axis of a crop or pad size
MAX_VOXELS = 1 << 30  # voxels in an output volume (4 GiB of float32): asked for more, refused


def check_output(owner: str, shape: list[int]) -> None:
    """Refuse (`InvalidInput`) an output grid over `MAX_VOXELS` before any memory is taken.

    Example:
        >>> check_output("volume.Resample", [4096, 4096, 4096])
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: volume.Resample: the output would be 4096x4096x4096 voxels, ...
    """
    if math.prod(shape) > MAX_VOXELS:
        raise InvalidInput(f"{owner}: the output would be {'x'.join(map(str, shape))} voxels, over "
                           f"the limit of {MAX_VOXELS} ({MAX_VOXELS * 4 >> 30} GiB as float32); ask "
                           "for a smaller size or a coarser spacing")


class RandomFlip(SpatialTransform):
    """Flip along each of `axes` with probability `flip_probability` each (TorchIO's RandomFlip):
    axis 0 reverses D (``volume[::-1]``), 1 reverses H, 2 reverses W. The spacing is unchanged.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
        >>> out = al.volume.RandomFlip(axes=[0], flip_probability=1.0)(volume=v, seed=0)
        >>> bool((out["volume"] == v[::-1]).all())
        True
    """

    name = "volume.RandomFlip"

    def __init__(self, *, axes: Axes = (0, 1, 2), flip_probability: float = 0.5, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.axes = check_axes(self.name, "axes", axes)
        self.flip_probability = check_prob(self.name, "flip_probability", flip_probability)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        volume_of(sample)
        return {"axes": [a for a in self.axes if rng.random() < self.flip_probability]}

    def transform_array(self, array: np.ndarray, params: dict[str, Any],
                        spacing: tuple[float, float, float], *, label: bool) -> np.ndarray:
        axes = tuple(int(a) for a in params["axes"])
        return np.ascontiguousarray(np.flip(array, axes)) if axes else array


class RandomRotate90(SpatialTransform):
    """Rotate by ``k`` quarter turns (k drawn from 1, 2, 3) in one plane drawn from `planes`:
    ``np.rot90(volume, k, axes=plane)``. An odd k swaps the plane's two axes, and their spacings.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.zeros((2, 3, 4), np.float32)
        >>> out = al.volume.RandomRotate90(planes=[[1, 2]])(volume=v, spacing=(1.0, 0.5, 2.0), seed=0)
        >>> p = out.record.steps[0].params
        >>> out["volume"].shape == np.rot90(v, p["k"], axes=(1, 2)).shape
        True
        >>> out["spacing"] == ((1.0, 2.0, 0.5) if p["k"] % 2 else (1.0, 0.5, 2.0))
        True
    """

    name = "volume.RandomRotate90"

    def __init__(self, *, planes: Planes = _ALL_PLANES, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.planes = check_axes(self.name, "planes", planes, pairs=True)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        volume_of(sample)
        plane = self.planes[integer(rng, 0, len(self.planes))]
        return {"plane": list(plane), "k": integer(rng, 1, 4)}

    def transform_array(self, array: np.ndarray, params: dict[str, Any],
                        spacing: tuple[float, float, float], *, label: bool) -> np.ndarray:
        a, b = params["plane"]
        return np.ascontiguousarray(np.rot90(array, int(params["k"]), axes=(int(a), int(b))))

    def new_spacing(self, spacing: tuple[float, float, float],
                    params: dict[str, Any]) -> tuple[float, float, float]:
        if int(params["k"]) % 2 == 0:
            return spacing
        a, b = params["plane"]
        out = list(spacing)
        out[a], out[b] = out[b], out[a]
        return out[0], out[1], out[2]


class RandomCrop(SpatialTransform):
    """Cut a block of `size` (D, H, W voxels) at a random place. A volume smaller than `size`
    along an axis is refused: put ``volume.Pad(size=...)`` before it.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.random.default_rng(0).random((10, 12, 14)).astype(np.float32)
        >>> out = al.volume.RandomCrop(size=(4, 5, 6))(volume=v, volume_mask=(v > 0.5), seed=1)
        >>> d, h, w = out.record.steps[0].params["start"]
        >>> out["volume"].shape, bool((out["volume"] == v[d:d + 4, h:h + 5, w:w + 6]).all())
        ((4, 5, 6), True)
    """

    name = "volume.RandomCrop"

    def __init__(self, *, size: IntTriple, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.size = check_triple(self.name, "size", size, low=1, high=MAX_SIDE, integer=True)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        key, array = volume_of(sample)
        if any(n < s for n, s in zip(array.shape[:3], self.size, strict=True)):
            raise InvalidInput(f"{key}: {self.name} cuts {list(self.size)} voxels from a volume of "
                               f"{list(array.shape[:3])}; pad it first (volume.Pad(size="
                               f"{list(self.size)}) before the crop)")
        return {"start": [integer(rng, 0, n - s + 1) for n, s in zip(array.shape[:3], self.size,
                                                                     strict=True)]}

    def transform_array(self, array: np.ndarray, params: dict[str, Any],
                        spacing: tuple[float, float, float], *, label: bool) -> np.ndarray:
        region = tuple(slice(int(a), int(a) + s) for a, s in zip(params["start"], self.size, strict=True))
        return np.ascontiguousarray(array[region])


class Pad(SpatialTransform):
    """Pad every axis shorter than `size` up to it (longer axes are left as they are): the volume
    with `fill` (a number or ``"minimum"``), masks with 0. ``position="center"`` splits the padding
    evenly (the extra voxel after), ``"random"`` draws where the volume sits.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.ones((2, 3, 4), np.float32)
        >>> out = al.volume.Pad(size=(4, 3, 2))(volume=v, seed=0)
        >>> out["volume"].shape, out["volume"][:, 0, 0].tolist()
        ((4, 3, 4), [0.0, 1.0, 1.0, 0.0])
    """

    name = "volume.Pad"

    def __init__(self, *, size: IntTriple, fill: float | str = 0.0, position: str = "center",
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.size = check_triple(self.name, "size", size, low=1, high=MAX_SIDE, integer=True)
        self.fill = check_fill(self.name, fill)
        self.position = check_choice(self.name, "position", position, ("center", "random"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        _, array = volume_of(sample)
        missing = [max(0, s - n) for n, s in zip(array.shape[:3], self.size, strict=True)]
        check_output(self.name, [n + m for n, m in zip(array.shape[:3], missing, strict=True)])
        if self.position == "center":
            return {"before": [m // 2 for m in missing]}
        return {"before": [integer(rng, 0, m + 1) for m in missing]}

    def transform_array(self, array: np.ndarray, params: dict[str, Any],
                        spacing: tuple[float, float, float], *, label: bool) -> np.ndarray:
        widths = [(int(b), max(0, s - n - int(b)))
                  for b, n, s in zip(params["before"], array.shape[:3], self.size, strict=True)]
        if not any(a or b for a, b in widths):
            return array
        widths += [(0, 0)] * (array.ndim - 3)
        value = fill_value(self.fill, array, label)
        return np.pad(array, widths, mode="constant", constant_values=np.asarray(value).astype(array.dtype))


class Resample(ResamplingTransform):
    """Resample onto voxels of `spacing` (D, H, W, in the sample's spacing unit): the output has
    ``round(n * old / new)`` voxels along each axis, the first voxel's centre stays where it was
    (ITK's convention, as TorchIO's Resample), the spacing becomes `spacing`. Linear for the
    volume (``interpolation``), nearest for masks; outside the input reads the nearest edge voxel.
    A sample without a ``spacing`` field is read as 1 x 1 x 1.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.arange(4, dtype=np.float32)[:, None, None] * np.ones((4, 2, 2), np.float32)
        >>> out = al.volume.Resample(spacing=(0.5, 1, 1))(volume=v, spacing=(1.0, 1.0, 1.0))
        >>> out["volume"][:, 0, 0].tolist(), out["spacing"]
        ([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.0], (0.5, 1.0, 1.0))
    """

    name = "volume.Resample"
    random = False
    mode = "nearest"

    def __init__(self, *, spacing: Triple = (1.0, 1.0, 1.0), interpolation: str = "linear",
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        lo, hi = 1e-6, 1e6
        self.spacing = tuple(float(v) for v in check_triple(self.name, "spacing", spacing, low=lo, high=hi))
        self.interpolation = check_choice(self.name, "interpolation", interpolation, ("linear", "nearest"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {}

    def mapping(self, shape: tuple[int, ...], params: dict[str, Any],
                spacing: tuple[float, float, float]) -> AffineMap:
        out = [max(1, round(n * s / t)) for n, s, t in zip(shape[:3], spacing, self.spacing, strict=True)]
        check_output(self.name, out)
        return AffineMap(np.diag([t / s for s, t in zip(spacing, self.spacing, strict=True)]),
                         np.zeros(3), out)

    def new_spacing(self, spacing: tuple[float, float, float],
                    params: dict[str, Any]) -> tuple[float, float, float]:
        return (self.spacing[0], self.spacing[1], self.spacing[2])


def _range(owner: str, name: str, value: Any, *, center: float | None, low: float | None = None,
           high: float | None = None) -> list[float]:
    lo, hi = to_range(owner, name, value, center=center, low=low, high=high)
    return [lo, hi]


class RandomAffine(ResamplingTransform):
    """A random 3-D affine as ONE matrix and ONE resampling (TorchIO's RandomAffine): rotation by
    angles drawn from `degrees` about each axis (`euler_matrix`), scale factors drawn from `scale`
    (one for all axes with ``isotropic``), shear angles drawn from `shear` (degrees, planes
    (0, 1), (0, 2), (1, 2)) and a translation drawn from `translation` (in the spacing's unit,
    e.g. mm), all about the volume's centre in physical space (index times spacing, so a rotation
    of an anisotropic volume is a true rotation). ``forward = R @ Shear @ Scale``. The volume is
    read with `interpolation` (``"linear"`` or ``"nearest"``) through scipy's
    ``affine_transform``, masks with nearest neighbour through the same matrix; voxels from
    outside take `fill` (``"minimum"``: the volume's minimum) and 0 in masks.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.random.default_rng(0).random((8, 8, 8)).astype(np.float32)
        >>> same = al.volume.RandomAffine(degrees=0, scale=1, translation=0)(volume=v, seed=0)
        >>> bool(np.allclose(same["volume"], v))
        True
    """

    name = "volume.RandomAffine"

    def __init__(self, *, degrees: Range = 10.0, scale: Range = (0.9, 1.1), translation: Range = 0.0,
                 shear: Range = 0.0, isotropic: bool = False, interpolation: str = "linear",
                 fill: float | str = "minimum", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.degrees = _range(self.name, "degrees", degrees, center=0.0, low=-360, high=360)
        self.scale = _range(self.name, "scale", scale, center=None, low=1e-3, high=1e3)
        self.translation = _range(self.name, "translation", translation, center=0.0)
        self.shear = _range(self.name, "shear", shear, center=0.0, low=-80, high=80)
        if not isinstance(isotropic, bool):
            raise InvalidConfig(f"{self.name}: isotropic={shown(isotropic)} must be true or false")
        self.isotropic = isotropic
        self.interpolation = check_choice(self.name, "interpolation", interpolation, ("linear", "nearest"))
        self.fill = check_fill(self.name, fill)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        volume_of(sample)

        def draw(r: list[float], n: int = 3) -> list[float]:
            return [uniform(rng, r[0], r[1]) for _ in range(n)]

        scales = draw(self.scale, 1) * 3 if self.isotropic else draw(self.scale)
        return {"degrees": draw(self.degrees), "scale": scales, "shear": draw(self.shear),
                "translation": draw(self.translation)}

    def mapping(self, shape: tuple[int, ...], params: dict[str, Any],
                spacing: tuple[float, float, float]) -> AffineMap:
        """The one output-to-input mapping of this call (the volume and its masks share it)."""
        forward = (euler_matrix(params["degrees"]) @ shear_matrix(params["shear"])
                   @ np.diag(np.asarray(params["scale"], dtype=np.float64)))
        return physical_affine(forward, params["translation"], shape, spacing)

