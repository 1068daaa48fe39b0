"""Time series: float arrays ``(N, T, C)`` of equal-length multivariate series on the ``series``
field.

Corruptions: Gaussian noise of 0.1 and 0.3 of each channel's training spread, a gain of 0.7 and
1.4, a delay of 10% and 25% of the length (the first step repeated in front).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .base import Modality, stacked

if TYPE_CHECKING:
    from ...core.compose import Compose
    from ...datasets import Dataset

__all__ = ["SeriesModality"]


def _delay(X: np.ndarray, fraction: float) -> np.ndarray:
    k = min(int(round(fraction * X.shape[1])), X.shape[1])
    return np.concatenate([np.repeat(X[:, :1], k, axis=1), X[:, : X.shape[1] - k]], axis=1)


class SeriesModality(Modality):
    """Multivariate series: an augmented series comes back at the dataset's length.

    Example:
        >>> X = np.ones((2, 5, 3))
        >>> SeriesModality().corrupt(X, "gain", 0.5, np.random.default_rng(0), None, None)[0, 0]
        array([0.5, 0.5, 0.5])
    """

    name: ClassVar[str] = "series"
    field: ClassVar[str] = "series"
    suite: ClassVar[tuple[tuple[str, float], ...]] = (
        ("noise", 0.1), ("noise", 0.3), ("gain", 0.7), ("gain", 1.4), ("delay", 0.1),
        ("delay", 0.25))
    default_model: ClassVar[str] = "series-logreg"

    def corruption_scale(self, data: Dataset) -> np.ndarray:
        train = data.X[data.train]  # each channel's spread over every training step
        return np.nanstd(train.reshape(-1, train.shape[2]), axis=0) + 1e-12

    def corrupt(self, X: np.ndarray, kind: str, level: float, rng: np.random.Generator,
                scale: np.ndarray | None, sample_rate: int | None) -> np.ndarray:
        if kind == "noise":
            spread = np.ones(X.shape[2]) if scale is None else scale
            return (X + rng.normal(0.0, 1.0, X.shape) * (level * spread)).astype(X.dtype)
        if kind == "gain":
            return (X * level).astype(X.dtype)
        return _delay(X, level)

    def recommended(self, data: Dataset, seed: int) -> Compose:
        from ...core.compose import Compose
        from ...series import MagnitudeWarp, Scaling, TimeWarp

        return Compose([TimeWarp(sigma=0.2, p=0.5), MagnitudeWarp(sigma=0.2, p=0.5),
                        Scaling(sigma=0.1)], seed=seed)

    def augment(self, pipeline: Compose, X: np.ndarray, rows: np.ndarray, copy: int, seed: int,
                extra: Mapping[str, Any]) -> np.ndarray:
        out = [pipeline(series=x, sample_id=int(r), copy=copy, seed=seed)["series"]
               for x, r in zip(X, rows, strict=True)]
        n = X.shape[1]  # back to the dataset's length: cut, or repeat the last step
        out = [s[:n] if len(s) >= n else np.pad(s, [(0, n - len(s))] + [(0, 0)] * (s.ndim - 1),
                                                mode="edge") for s in out]
        return stacked(out, X)
