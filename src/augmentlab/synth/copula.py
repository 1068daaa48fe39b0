"""A Gaussian copula per class: each column's own distribution, the columns' rank correlations.

Fitting maps every column to normal scores through its empirical distribution and estimates the
correlation of those scores; sampling draws correlated normal scores and maps each back through
the column's empirical quantiles (interpolated), so values stay within the range seen and keep the
column's shape (skew, several modes, integer steps). Synthetic rows have no parents.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from .base import Generator, plain

__all__ = ["GaussianCopula"]


def _ndtri(p: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    return np.asarray(ndtri(p))


def _ndtr(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return np.asarray(ndtr(x))


class GaussianCopula(Generator):
    """Per-class Gaussian copula with empirical margins.

    Args:
        shrinkage: pulls the correlation matrix towards the identity (0: none, 1: independent
            columns); a little keeps it well conditioned for small classes.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a = rng.normal(size=200); X = np.c_[a, 2 * a + rng.normal(0, 0.1, 200)]
        >>> s = GaussianCopula().fit(X, np.zeros(200, int)).sample(500, y=0, seed=1)
        >>> bool(np.corrcoef(s.X.T)[0, 1] > 0.9), s.parents[0] is None
        (True, True)
    """

    def __init__(self, *, shrinkage: float = 0.01) -> None:
        super().__init__()
        self.shrinkage = shrinkage

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        if not isinstance(self.shrinkage, (int, float)) or not 0 <= self.shrinkage <= 1:
            raise InvalidConfig(f"GaussianCopula: shrinkage={self.shrinkage!r} must be in [0, 1]")
        self.margins_: dict[Any, np.ndarray] = {}
        self.corr_: dict[Any, np.ndarray] = {}
        for cls in np.unique(y):
            key = plain(cls)
            rows = X[y == cls]
            if len(rows) < 2:
                continue  # checked when sampled: one row has no distribution
            n, d = rows.shape
            self.margins_[key] = np.sort(rows, axis=0)
            # normal scores from mid-ranks; constant columns carry no correlation
            ranks = rows.argsort(axis=0).argsort(axis=0)
            scores = _ndtri((ranks + 0.5) / n)
            varying = rows.std(axis=0) > 0
            corr = np.eye(d)
            if varying.sum() > 1:
                corr_v = np.corrcoef(scores[:, varying].T)
                corr[np.ix_(varying, varying)] = np.nan_to_num(corr_v)
            corr = (1 - self.shrinkage) * corr + self.shrinkage * np.eye(d)
            self.corr_[key] = corr

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        if cls not in self.corr_:
            raise InvalidInput(f"GaussianCopula: class {cls!r} has a single row; a copula needs at "
                               "least two (use RandomOverSampler for it)")
        margins, corr = self.margins_[cls], self.corr_[cls]
        m, d = margins.shape
        # eigen-decomposition: robust where a Cholesky factor fails on a near-singular matrix
        vals, vecs = np.linalg.eigh(corr)
        factor = vecs * np.sqrt(np.clip(vals, 0, None))
        z = rng.standard_normal((n, d)) @ factor.T
        u = _ndtr(z)
        # inverse empirical CDF, linear between order statistics at (i + 0.5) / m
        grid = (np.arange(m) + 0.5) / m
        out = np.empty((n, d))
        for j in range(d):
            out[:, j] = np.interp(u[:, j], grid, margins[:, j])
        return out, [None] * n, None
