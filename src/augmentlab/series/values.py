"""Transforms of the values, time left where it is: Jitter, Scaling, MagnitudeWarp, Drift,
Quantize (Um et al. 2017, "Data augmentation of wearable sensor data"; tsaug's Drift and
Quantize). Missing values (NaN) stay missing."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.rng import integer, kernel_rng
from ..core.sample import Sample
from .base import SeriesTransform

__all__ = ["Drift", "Jitter", "MagnitudeWarp", "Quantize", "Scaling", "channel_range", "check_curve",
           "curve_knots", "smooth_curve"]


def _channels(x: np.ndarray) -> int:
    return 1 if x.ndim == 1 else x.shape[1]


def _per_channel(x: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """`factors` ``(T, C)`` shaped like `x` (a 1-D series takes the single column)."""
    return factors[:, 0] if x.ndim == 1 else factors


def channel_range(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per channel ``(min, max)`` over the values present (NaN skipped; an all-missing channel
    gets ``(0, 0)``), without numpy's all-NaN warnings.

    Example:
        >>> [v.tolist() for v in channel_range(np.array([[1.0, np.nan], [3.0, np.nan]]))]
        [[1.0, 0.0], [3.0, 0.0]]
    """
    x2 = x.reshape(len(x), -1)
    present = ~np.isnan(x2)
    lo = np.where(present, x2, np.inf).min(axis=0)
    hi = np.where(present, x2, -np.inf).max(axis=0)
    empty = ~present.any(axis=0)
    lo[empty] = hi[empty] = 0.0
    return lo, hi


def smooth_curve(knots: list[list[float]], length: int) -> np.ndarray:
    """``(length, C)`` curve through the knot values (``(K, C)``, K >= 2, spread evenly over the
    series, ends included) by a natural cubic spline: a smooth random curve.

    Example:
        >>> smooth_curve([[1.0], [1.0], [1.0]], 5)[:, 0].tolist()
        [1.0, 1.0, 1.0, 1.0, 1.0]
    """
    from scipy.interpolate import CubicSpline

    values = np.asarray(knots, dtype=np.float64)
    where = np.linspace(0, max(length - 1, 1), len(values))
    return CubicSpline(where, values, axis=0, bc_type="natural")(np.arange(length))


def check_curve(owner: str, sigma: float, knots: int) -> tuple[float, int]:
    """`sigma` and `knots` of a random `smooth_curve` (`curve_knots`), checked: ``(sigma, knots)``.

    Example:
        >>> check_curve("series.MagnitudeWarp", 0.2, 4)
        (0.2, 4)
    """
    return (check_number(owner, "sigma", sigma, low=0),
            int(check_number(owner, "knots", knots, low=0, high=1000, integer=True)))


def curve_knots(rng: np.random.Generator, sigma: float, knots: int, channels: int | None = None) -> list[Any]:
    """The knot values of a random `smooth_curve`: `knots` + 2 values drawn from ``N(1, sigma)``
    (a row of `channels` values each, or single values without `channels`).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> len(curve_knots(rng, 0.2, 4)), len(curve_knots(rng, 0.2, 4, channels=3)[0])
        (6, 3)
    """
    return rng.normal(1.0, sigma, knots + 2 if channels is None else (knots + 2, channels)).tolist()


class Jitter(SeriesTransform):
    """Add Gaussian noise of standard deviation `sigma` (in the series' units) to every value;
    the noise comes from a recorded seed.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.zeros((1000, 2))
        >>> y = al.series.Jitter(sigma=0.1)(series=x, seed=0)["series"]
        >>> y.shape, bool(0.09 < y.std() < 0.11)
        ((1000, 2), True)
    """

    name = "series.Jitter"

    def __init__(self, *, sigma: float = 0.03, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.sigma = check_number(self.name, "sigma", sigma, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        noise = kernel_rng(params["seed"]).standard_normal(x.shape)
        return (x + self.sigma * noise).astype(x.dtype, copy=False)


class Scaling(SeriesTransform):
    """Multiply each channel by a factor drawn from ``N(1, sigma)``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.series.Scaling(sigma=0.2)(series=np.ones((4, 2)), seed=0)
        >>> out["series"][:, 0].tolist() == [out.record.steps[0].params["factors"][0]] * 4
        True
    """

    name = "series.Scaling"

    def __init__(self, *, sigma: float = 0.1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.sigma = check_number(self.name, "sigma", sigma, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        x = sample[sample.keys_of("series")[0]]
        return {"factors": rng.normal(1.0, self.sigma, _channels(x)).tolist()}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        factors = np.asarray(params["factors"])
        return (x * (factors[0] if x.ndim == 1 else factors)).astype(x.dtype, copy=False)


class MagnitudeWarp(SeriesTransform):
    """Multiply each channel by a smooth random curve: a cubic spline through `knots` + 2 values
    drawn from ``N(1, sigma)``, spread evenly over the series.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.series.MagnitudeWarp(sigma=0.2)(series=np.ones(100), seed=0)["series"]
        >>> bool(np.all(np.abs(np.diff(y)) < 0.05)), y.shape  # smooth
        (True, (100,))
    """

    name = "series.MagnitudeWarp"

    def __init__(self, *, sigma: float = 0.2, knots: int = 4, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.sigma, self.knots = check_curve(self.name, sigma, knots)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        x = sample[sample.keys_of("series")[0]]
        return {"knots": curve_knots(rng, self.sigma, self.knots, _channels(x))}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        curve = smooth_curve(params["knots"], len(x))
        return (x * _per_channel(x, curve)).astype(x.dtype, copy=False)


class Drift(SeriesTransform):
    """Add a slow random drift to each channel: a random walk through `points` + 1 steps (each
    step uniform in ``[-1, 1]``), scaled so its largest excursion is `max_drift` times the
    channel's range, linearly interpolated over the series (tsaug's Drift).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.tile(np.array([0.0, 1.0]), 50)  # range 1
        >>> d = al.series.Drift(max_drift=0.5)(series=x, seed=0)["series"] - x
        >>> bool(np.abs(d).max() <= 0.5 + 1e-12), float(d[0])
        (True, 0.0)
    """

    name = "series.Drift"

    def __init__(self, *, max_drift: float = 0.5, points: int = 4, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_drift = check_number(self.name, "max_drift", max_drift, low=0)
        self.points = int(check_number(self.name, "points", points, low=1, high=1000, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        x = sample[sample.keys_of("series")[0]]
        return {"steps": rng.uniform(-1.0, 1.0, (self.points, _channels(x))).tolist()}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        steps = np.asarray(params["steps"])
        walk = np.vstack([np.zeros((1, steps.shape[1])), np.cumsum(steps, axis=0)])
        peak = np.abs(walk).max(axis=0)
        walk = walk / np.where(peak > 0, peak, 1.0)
        lo, hi = channel_range(x)
        where = np.linspace(0, len(x) - 1, len(walk))
        drift = np.stack([np.interp(np.arange(len(x)), where, walk[:, c]) for c in range(walk.shape[1])],
                         axis=1) * (self.max_drift * (hi - lo))
        return (x + _per_channel(x, drift)).astype(x.dtype, copy=False)


class Quantize(SeriesTransform):
    """Round each channel to `levels` evenly spaced values between its minimum and maximum
    (a coarser sensor). Deterministic.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.series.Quantize(levels=3)(series=np.array([0.0, 0.2, 0.6, 1.0]))["series"].tolist()
        [0.0, 0.0, 0.5, 1.0]
    """

    name = "series.Quantize"
    random = False
    native_params = True

    def __init__(self, *, levels: int = 10, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.levels = int(check_number(self.name, "levels", levels, low=2, high=2**24, integer=True))

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        lo, hi = channel_range(x)
        step = (hi - lo) / (self.levels - 1)
        safe = np.where(step > 0, step, 1.0)  # a constant channel stays as it is
        x2 = x.reshape(len(x), -1)
        out = lo + np.rint((x2 - lo) / safe) * np.where(step > 0, step, 0.0)
        return out.reshape(x.shape).astype(x.dtype, copy=False)
