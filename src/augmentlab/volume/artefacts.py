"""MRI acquisition artefacts made in k-space (the volume's centred 3-D Fourier transform), as
TorchIO's RandomGhosting and RandomMotion make them. Float volumes only; masks and spacing are
never touched (the anatomy did not move: the acquisition did)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_number, shown, to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .base import Axes, IntensityTransform, check_axes, fill_value, volume_of
from .resample import euler_matrix, physical_affine

__all__ = ["RandomGhosting", "RandomMotion", "from_kspace", "hermitian_weights", "kspace"]

_AXES = (0, 1, 2)


def kspace(array: np.ndarray) -> np.ndarray:
    """The centred 3-D spectrum of `array` (axes D, H, W; channels apart): ``fftshift(fftn(x))``.

    Example:
        >>> k = kspace(np.ones((4, 4, 4), np.float32))
        >>> k.dtype, float(abs(k[2, 2, 2])), float(abs(k).sum())  # all at the centre (zero frequency)
        (dtype('complex64'), 64.0, 64.0)
    """
    from scipy import fft

    return fft.fftshift(fft.fftn(array, axes=_AXES), axes=_AXES)


def from_kspace(spectrum: np.ndarray, dtype: np.dtype[Any]) -> np.ndarray:
    """The real part of the inverse of `kspace`, as `dtype`.

    Example:
        >>> v = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
        >>> bool(np.allclose(from_kspace(kspace(v), v.dtype), v, atol=1e-5))
        True
    """
    from scipy import fft

    return fft.ifftn(fft.ifftshift(spectrum, axes=_AXES), axes=_AXES).real.astype(dtype)


def hermitian_weights(factors: np.ndarray) -> np.ndarray:
    """Per-plane factors of a centred spectrum axis (index i holds frequency ``i - n // 2``), as
    the real part of the inverse transform applies them: ``(m(f) + m(-f)) / 2`` (a real
    volume's spectrum is Hermitian, so keeping the real part averages each plane with its
    mirror), in the unshifted order of ``numpy.fft`` frequencies.

    Example:
        >>> hermitian_weights(np.array([0.0, 1.0, 1.0, 1.0])).tolist()  # f = -2 (= +2) scaled
        [1.0, 1.0, 0.0, 1.0]
        >>> hermitian_weights(np.array([1.0, 1.0, 1.0, 0.5])).tolist()  # f = +1, mirror -1
        [1.0, 0.75, 1.0, 0.75]
    """
    n = len(factors)
    index = np.arange(n)
    mirror = (2 * (n // 2) - index) % n
    return np.fft.ifftshift((factors + factors[mirror]) / 2)


def _rfft(array: np.ndarray) -> np.ndarray:
    from scipy import fft

    return fft.rfftn(array, axes=_AXES, workers=_workers())


def _irfft(spectrum: np.ndarray, shape: tuple[int, ...], dtype: np.dtype[Any]) -> np.ndarray:
    from scipy import fft

    return fft.irfftn(spectrum, s=shape[:3], axes=_AXES, workers=_workers()).astype(dtype, copy=False)


def _workers() -> int:
    # pocketfft runs the independent 1-D transforms of an axis on these threads: the same bytes
    return max(1, min(4, os.cpu_count() or 1))


class RandomGhosting(IntensityTransform):
    """Ghosts of the anatomy along one axis, as TorchIO's RandomGhosting (periodic motion during
    the acquisition): along an axis drawn from `axes`, every n-th plane of k-space (n drawn from
    `num_ghosts`) is scaled by ``1 - intensity`` (intensity drawn from `intensity`), then the
    central `restore` fraction of planes is put back (at least the central plane) so the image
    keeps its contrast. In image space this subtracts copies of the volume shifted by multiples of
    ``size / n``: n ghosts. The result is the real part of the inverse transform (as in TorchIO):
    the spectrum ends up multiplied by ``(m(k) + m(-k)) / 2``, m the factor of each plane.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.zeros((16, 16, 16), np.float32); v[7:9, 6:10, 6:10] = 1
        >>> out = al.volume.RandomGhosting(num_ghosts=(4, 4), axes=[0])(volume=v, seed=0)["volume"]
        >>> bool(np.abs(out[:6] - v[:6]).max() > 0.01)  # a ghost where there was nothing
        True
    """

    name = "volume.RandomGhosting"

    def __init__(self, *, num_ghosts: IntRange = (4, 10), axes: Axes = (0, 1, 2),
                 intensity: Range = (0.5, 1.0),
                 restore: float = 0.02, p: float = 1.0) -> None:
        super().__init__(p=p)
        lo, hi = to_range(self.name, "num_ghosts", num_ghosts, center=None, low=1, high=10**6)
        if lo != int(lo) or hi != int(hi):
            raise InvalidConfig(f"{self.name}: num_ghosts={shown(num_ghosts)} must be whole numbers")
        self.num_ghosts = [int(lo), int(hi)]
        self.axes = check_axes(self.name, "axes", axes)
        self.intensity = list(to_range(self.name, "intensity", intensity, center=None, low=0, high=1))
        self.restore = float(check_number(self.name, "restore", restore, low=0, high=1))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        self.check_float(*volume_of(sample))
        return {"num_ghosts": integer(rng, self.num_ghosts[0], self.num_ghosts[1] + 1),
                "axis": self.axes[integer(rng, 0, len(self.axes))],
                "intensity": uniform(rng, *self.intensity)}

    def restored(self, n: int) -> slice:
        """The planes of an axis of `n` that are put back (TorchIO's ``_get_slices_to_restore``,
        at least the central plane)."""
        mid, size = n // 2, int(np.round(self.restore * n))
        return slice(mid, mid + 1) if size // 2 == 0 else slice(mid - size // 2, mid + size // 2)

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        axis, step = int(params["axis"]), int(params["num_ghosts"])
        n = array.shape[axis]
        factors = np.where(np.arange(n) % step == 0, 1.0 - float(params["intensity"]), 1.0)
        factors[self.restored(n)] = 1.0
        # TorchIO's real part of the inverse of the scaled spectrum, computed exactly on the
        # half spectrum of a real FFT (`hermitian_weights`): the same result, half the work
        weights = hermitian_weights(factors)
        if axis == 2:
            weights = weights[: n // 2 + 1]
        shape = [1] * array.ndim
        shape[axis] = len(weights)
        spectrum = _rfft(array)
        spectrum *= weights.reshape(shape).astype(spectrum.real.dtype)
        return _irfft(spectrum, array.shape, array.dtype)


class RandomMotion(IntensityTransform):
    """Motion during the acquisition, as TorchIO's RandomMotion (Shaw et al. 2019): the volume is
    moved by `num_transforms` rigid motions (rotations drawn from `degrees` about each axis,
    translations from `translation`, in the spacing's unit, about the centre, linear
    resampling, each channel filled with its own minimum), each moved copy is taken to k-space, and k-space is
    assembled from consecutive segments along the last axis (W), one per copy, cut at times
    ``k / (n + 1)`` jittered by 30% of a step; the segment holding the k-space centre comes from
    the unmoved volume. The inverse transform's real part is the result (as in TorchIO), which
    averages each k-space plane with its mirror: only planes whose mirror lies in the centre
    segment too keep the unmoved volume's values exactly.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.zeros((16, 16, 16), np.float32); v[4:12, 4:12, 4:12] = 1
        >>> out = al.volume.RandomMotion(degrees=5, translation=3)(volume=v, seed=0)["volume"]
        >>> out.shape, bool(np.abs(out - v).max() > 0.01)
        ((16, 16, 16), True)
    """

    name = "volume.RandomMotion"

    def __init__(self, *, degrees: Range = 10.0, translation: Range = 10.0, num_transforms: int = 2,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.degrees = list(to_range(self.name, "degrees", degrees, center=0.0, low=-360, high=360))
        self.translation = list(to_range(self.name, "translation", translation, center=0.0))
        self.num_transforms = int(check_number(self.name, "num_transforms", num_transforms, low=1,
                                               high=32, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        self.check_float(*volume_of(sample))
        n = self.num_transforms
        step = 1 / (n + 1)
        return {"degrees": [[uniform(rng, *self.degrees) for _ in range(3)] for _ in range(n)],
                "translation": [[uniform(rng, *self.translation) for _ in range(3)] for _ in range(n)],
                "times": [(k + 1) * step + uniform(rng, -0.3 * step, 0.3 * step) for k in range(n)]}

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        if array.ndim == 4:  # channel by channel, each filled with its own minimum (as TorchIO)
            return np.stack([self.apply_volume(np.ascontiguousarray(array[..., c]), params, spacing)
                             for c in range(array.shape[3])], axis=-1)
        cval = fill_value("minimum", array, False)
        copies: list[np.ndarray | None] = [None]  # None: the unmoved volume
        for degrees, shift in zip(params["degrees"], params["translation"], strict=True):
            copies.append(physical_affine(euler_matrix(degrees), shift, array.shape, spacing)
                          .resample(array, order=1, cval=cval))
        times = np.asarray(params["times"], dtype=np.float64)
        # the unmoved volume fills the segment that holds the centre (TorchIO's sort_spectra)
        later = np.flatnonzero(times > 0.5)
        centre = int(later.min()) if later.size else len(copies) - 1
        copies[0], copies[centre] = copies[centre], copies[0]
        # segment j covers the centred W-planes [cuts[j-1], cuts[j]) (TorchIO's indices); the real
        # part of the inverse averages each plane with its mirror (`hermitian_weights`), so on a
        # real FFT's half spectrum each copy enters with weight (in its segment + mirror in it) / 2
        last = array.shape[2]
        edges = [0] + [int(t * last) for t in times] + [last]
        result: np.ndarray | None = None
        for j, copy in enumerate(copies):
            inside = np.zeros(last)
            inside[edges[j]:edges[j + 1]] = 1.0
            weights = hermitian_weights(inside)[: last // 2 + 1]
            if not weights.any():
                continue
            spectrum = _rfft(array if copy is None else copy)
            spectrum *= weights.astype(spectrum.real.dtype)
            result = spectrum if result is None else result + spectrum
        assert result is not None
        return _irfft(result, array.shape, array.dtype)
