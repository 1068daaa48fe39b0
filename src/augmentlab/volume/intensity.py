"""Intensity transforms of a volume, as TorchIO defines them: gamma, Gaussian noise, Gaussian blur
(in the spacing's unit) and the MRI bias field. Float volumes only; masks and spacing are never
touched; the dtype is kept."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import Range
from .base import IntensityTransform, volume_of

__all__ = ["RandomBiasField", "RandomBlur", "RandomGamma", "RandomNoise", "bias_field", "monomials"]


class RandomGamma(IntensityTransform):
    """Raise intensities to a power ``gamma = exp(beta)``, beta drawn from `log_gamma`, as
    TorchIO's RandomGamma: ``sign(x) * |x| ** gamma`` (so negative values, e.g. after
    standardisation, keep their sign).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.array([-4.0, 0.0, 0.25, 4.0], np.float32).reshape(1, 1, 4)
        >>> out = al.volume.RandomGamma(log_gamma=(np.log(0.5), np.log(0.5)))(volume=v, seed=0)
        >>> out["volume"].ravel().tolist()
        [-2.0, 0.0, 0.5, 2.0]
    """

    name = "volume.RandomGamma"

    def __init__(self, *, log_gamma: Range = (-0.3, 0.3), p: float = 1.0) -> None:
        super().__init__(p=p)
        self.log_gamma = list(to_range(self.name, "log_gamma", log_gamma, center=0.0, low=-5, high=5))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        self.check_float(*volume_of(sample))
        return {"gamma": float(np.exp(uniform(rng, self.log_gamma[0], self.log_gamma[1])))}

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        gamma = array.dtype.type(params["gamma"])
        return (np.sign(array) * np.abs(array) ** gamma).astype(array.dtype, copy=False)


class RandomNoise(IntensityTransform):
    """Add Gaussian noise: mean drawn from `mean`, standard deviation from `std` (in the
    volume's units), as TorchIO's RandomNoise; the noise comes from a recorded seed.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.volume.RandomNoise(std=(0.1, 0.1))(volume=np.zeros((20, 20, 20), np.float32), seed=0)
        >>> bool(0.09 < out["volume"].std() < 0.11), out["volume"].dtype
        (True, dtype('float32'))
    """

    name = "volume.RandomNoise"

    def __init__(self, *, mean: Range = 0.0, std: Range = (0.0, 0.25), p: float = 1.0) -> None:
        super().__init__(p=p)
        self.mean = list(to_range(self.name, "mean", mean, center=None, low=-1e30, high=1e30))
        self.std = list(to_range(self.name, "std", std, center=None, low=0, high=1e30))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        self.check_float(*volume_of(sample))
        return {"mean": uniform(rng, *self.mean), "std": uniform(rng, *self.std),
                "seed": integer(rng, 0, 2**63 - 1)}

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        noise = kernel_rng(int(params["seed"])).standard_normal(array.shape, dtype=array.dtype)
        noise *= array.dtype.type(params["std"])
        noise += array.dtype.type(params["mean"])
        return array + noise


class RandomBlur(IntensityTransform):
    """Blur with a Gaussian whose standard deviation along each axis is drawn from `std` in the
    spacing's unit (e.g. mm) and divided by the spacing (TorchIO's RandomBlur: 2 mm on 0.5 mm
    voxels is 4 voxels); ``scipy.ndimage.gaussian_filter``, reflecting at the edges, channels
    apart.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.zeros((9, 9, 9), np.float32); v[4, 4, 4] = 1
        >>> out = al.volume.RandomBlur(std=(1, 1))(volume=v, seed=0)["volume"]
        >>> round(float(out.sum()), 4), bool(out[4, 4, 4] < 0.1)
        (1.0, True)
    """

    name = "volume.RandomBlur"

    def __init__(self, *, std: Range = (0.0, 2.0), p: float = 1.0) -> None:
        super().__init__(p=p)
        self.std = list(to_range(self.name, "std", std, center=None, low=0, high=1e4))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        self.check_float(*volume_of(sample))
        return {"std": [uniform(rng, *self.std) for _ in range(3)]}

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        from scipy import ndimage

        sigma = [s / d for s, d in zip(params["std"], spacing, strict=True)] + [0.0] * (array.ndim - 3)
        return ndimage.gaussian_filter(array, sigma, mode="reflect")


def monomials(order: int) -> list[tuple[int, int, int]]:
    """The exponents ``(i, j, k)``, ``i + j + k <= order``, of the bias field's polynomial, in
    TorchIO's order.

    Example:
        >>> len(monomials(3)), monomials(1)
        (20, [(0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 0)])
    """
    return [(i, j, k) for i in range(order + 1) for j in range(order + 1 - i)
            for k in range(order + 1 - i - j)]


def bias_field(shape: tuple[int, int, int], order: int, coefficients: list[float]) -> np.ndarray:
    """``exp(sum_c c * x^i y^j z^k)`` on a ``(D, H, W)`` grid, x, y, z running from -1 to 1 across
    the volume (voxel centres): TorchIO's BiasField.generate_bias_field (with ``ij`` indexing
    instead of its transposed ``xy`` mesh). Separable: one small tensor product.

    Example:
        >>> f = bias_field((4, 5, 6), 1, [0.0, 0.0, 0.0, np.log(2)])  # exp(log 2 * x) along D
        >>> f[:, 0, 0].round(4).tolist()
        [0.5, 0.7937, 1.2599, 2.0]
    """
    axes = []
    for n in shape:
        half = (n - 1) / 2
        x = (np.arange(n) - half) / half if half > 0 else np.zeros(n)
        axes.append(np.stack([x**p for p in range(order + 1)], axis=1))  # (n, order + 1)
    c = np.zeros((order + 1,) * 3)
    for (i, j, k), value in zip(monomials(order), coefficients, strict=True):
        c[i, j, k] = value
    exponent = np.einsum("ai,bj,ck,ijk->abc", axes[0], axes[1], axes[2], c, optimize=True)
    return np.exp(exponent)


class RandomBiasField(IntensityTransform):
    """Multiply by a smooth MRI bias field, as TorchIO's RandomBiasField: the exponential of a
    polynomial of degree `order` in the normalised coordinates (`bias_field`), its coefficients
    drawn uniformly from ``[-coefficients, coefficients]`` (or the range given).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> v = np.random.default_rng(0).random((8, 8, 8)).astype(np.float32)
        >>> field = al.volume.RandomBiasField()(volume=np.ones_like(v), seed=0)["volume"]
        >>> out = al.volume.RandomBiasField()(volume=v, seed=0)["volume"]
        >>> bool((field > 0).all()), bool(np.allclose(out, v * field))  # one positive field, times v
        (True, True)
    """

    name = "volume.RandomBiasField"

    def __init__(self, *, coefficients: Range = 0.5, order: int = 3, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.coefficients = list(to_range(self.name, "coefficients", coefficients, center=0.0, low=-10,
                                          high=10))
        self.order = int(check_number(self.name, "order", order, low=0, high=10, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        self.check_float(*volume_of(sample))
        lo, hi = self.coefficients
        return {"coefficients": [uniform(rng, lo, hi) for _ in monomials(self.order)]}

    def apply_volume(self, array: np.ndarray, params: dict[str, Any],
                     spacing: tuple[float, float, float]) -> np.ndarray:
        field = bias_field(array.shape[:3], self.order, list(params["coefficients"])).astype(array.dtype)
        return array * (field[..., None] if array.ndim == 4 else field)
