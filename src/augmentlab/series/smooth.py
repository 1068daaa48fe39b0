"""Transforms that blur or thin out the signal, time left where it is: Convolve, Pool,
Dropout (tsaug's). Missing values (NaN) stay missing; smoothing averages the values present."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_number, check_prob, to_range
from ..core.rng import integer, kernel_rng
from ..core.sample import Sample
from .base import SeriesTransform

__all__ = ["Convolve", "Dropout", "Pool", "masked_convolve"]


def masked_convolve(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """`x` (``(T,)`` or ``(T, C)``) convolved with `kernel` along time ("same" length), each
    output the kernel-weighted mean of the values present under it (so edges and gaps are not
    pulled towards zero); NaN where `x` is NaN.

    Example:
        >>> masked_convolve(np.array([1.0, 1.0, np.nan, 1.0]), np.ones(3)).tolist()
        [1.0, 1.0, nan, 1.0]
    """
    from scipy import ndimage

    present = ~np.isnan(x)
    filled = np.where(present, x, 0.0)
    k = np.asarray(kernel, dtype=np.float64)
    axis = 0
    total = ndimage.convolve1d(filled.astype(np.float64), k, axis=axis, mode="constant")
    weight = ndimage.convolve1d(present.astype(np.float64), k, axis=axis, mode="constant")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total / weight
    return np.where(present, out, np.nan).astype(x.dtype, copy=False)


class Convolve(SeriesTransform):
    """Smooth with a `window` (any ``scipy.signal.get_window`` name: "hann", "flattop",
    "boxcar", ...) whose size is drawn in ``[min_size, max_size]`` steps.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.series.Convolve(window="boxcar", min_size=3, max_size=3)(
        ...     series=np.array([0.0, 3.0, 0.0, 3.0, 0.0]), seed=0)["series"]
        >>> y.tolist()
        [1.5, 1.0, 2.0, 1.0, 1.5]
    """

    name = "series.Convolve"

    def __init__(self, *, window: str = "hann", min_size: int = 5, max_size: int = 9,
                 p: float = 1.0) -> None:
        from scipy import signal

        super().__init__(p=p)
        try:
            signal.get_window(window, 3)
        except (ValueError, TypeError):
            raise InvalidConfig(f"{self.name}: window={window!r} is not a scipy.signal window "
                                "name (e.g. 'hann', 'hamming', 'flattop', 'boxcar')") from None
        self.window = window
        self.size = tuple(int(v) for v in to_range(self.name, "min_size..max_size",
                                                   (min_size, max_size), low=1, high=10**6))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"size": integer(rng, self.size[0], self.size[1] + 1)}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        from scipy import signal

        size = params["size"]
        # a symmetric window (not the periodic one spectral analysis uses): no shift
        kernel = signal.get_window(self.window, size, fftbins=False) if size > 1 else np.ones(1)
        return masked_convolve(x, kernel)


class Pool(SeriesTransform):
    """Lower the time resolution: each run of `size` steps (drawn in ``[min_size, max_size]``)
    replaced by the mean of its values present; the length is kept.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.series.Pool(min_size=2, max_size=2)(series=np.array([1.0, 3.0, 5.0, 7.0, 9.0]),
        ...                                       seed=0)["series"].tolist()
        [2.0, 2.0, 6.0, 6.0, 9.0]
    """

    name = "series.Pool"

    def __init__(self, *, min_size: int = 2, max_size: int = 4, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.size = tuple(int(v) for v in to_range(self.name, "min_size..max_size",
                                                   (min_size, max_size), low=1, high=10**6))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"size": integer(rng, self.size[0], self.size[1] + 1)}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        size, length = params["size"], len(x)
        x2 = x.reshape(length, -1)
        runs = -(-length // size)
        padded = np.full((runs * size, x2.shape[1]), np.nan)
        padded[:length] = x2
        blocks = padded.reshape(runs, size, -1)
        present = ~np.isnan(blocks)
        count = present.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(present, blocks, 0.0).sum(axis=1) / count
        out = np.repeat(means, size, axis=0)[:length]
        return np.where(np.isnan(x2), np.nan, out).reshape(x.shape).astype(x.dtype, copy=False)


class Dropout(SeriesTransform):
    """Lose readings: each time step starts a dropped run with probability `rate`, the run's
    length drawn in ``[1, max_run]`` steps; dropped steps (all channels) become missing (NaN,
    like a sensor that stopped sending), or `fill` when one is given (e.g. 0.0). The drop
    pattern comes from a recorded seed.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.series.Dropout(rate=0.2)(series=np.ones(1000), seed=0)["series"]
        >>> bool(0.15 < np.isnan(y).mean() < 0.25)
        True
    """

    name = "series.Dropout"

    def __init__(self, *, rate: float = 0.05, max_run: int = 1, fill: float | None = None,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_prob(self.name, "rate", rate)
        self.max_run = int(check_number(self.name, "max_run", max_run, low=1, high=10**6,
                                        integer=True))
        # a finite number (np.isfinite raises TypeError on 2**64), or None for missing (NaN)
        self.fill = None if fill is None else check_number(self.name, "fill", fill)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"seed": integer(rng, 0, 2**63 - 1)}

    def apply_series(self, x: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        rng = kernel_rng(params["seed"])
        length = len(x)
        starts = np.flatnonzero(rng.random(length) < self.rate)
        runs = rng.integers(1, self.max_run + 1, len(starts))
        dropped = np.zeros(length + self.max_run, dtype=np.int64)
        np.add.at(dropped, starts, 1)
        np.add.at(dropped, starts + runs, -1)
        mask = np.cumsum(dropped)[:length] > 0
        out = x.copy()
        out[mask] = np.nan if self.fill is None else self.fill
        return out
