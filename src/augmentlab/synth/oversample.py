"""Oversamplers for tables and feature vectors: new minority rows near real ones.

The mathematics is SMOTE's family as imbalanced-learn implements it (the same neighbour
definitions and interpolation), re-done here for what it lacks: ``sample(n, y=...)`` after a
single fit, streams from the seed tree, and ``parents`` for every synthetic row (the real row it
starts from and the neighbour it moves towards).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from .base import Generator

__all__ = ["ADASYN", "SMOTE", "BorderlineSMOTE", "GaussianNoise", "RandomOverSampler"]


def _neighbors(k: int) -> Any:
    from sklearn.neighbors import NearestNeighbors

    return NearestNeighbors(n_neighbors=k)


def _check_k(owner: str, name: str, k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise InvalidConfig(f"{owner}: {name}={k!r} must be a positive integer")
    return int(k)


class _ClassNeighbours(Generator):
    """Shared fitting: per class, the row indices and each row's k nearest same-class rows."""

    k_neighbors: int

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        k = _check_k(type(self).__name__, "k_neighbors", self.k_neighbors)
        self.rows_: dict[Any, np.ndarray] = {}
        self.nn_: dict[Any, np.ndarray] = {}
        for cls in np.unique(y):
            rows = np.flatnonzero(y == cls)
            self.rows_[cls.item() if hasattr(cls, "item") else cls] = rows
            if len(rows) > k:  # classes too small to interpolate are checked when sampled
                nn = _neighbors(k + 1).fit(X[rows])
                self.nn_[cls.item() if hasattr(cls, "item") else cls] = \
                    rows[nn.kneighbors(X[rows], return_distance=False)[:, 1:]]

    def _class_nn(self, cls: Any) -> tuple[np.ndarray, np.ndarray]:
        rows = self.rows_[cls]
        if cls not in self.nn_:
            raise InvalidInput(
                f"{type(self).__name__}: class {cls!r} has {len(rows)} row(s), but k_neighbors="
                f"{self.k_neighbors} needs at least {self.k_neighbors + 1}; lower k_neighbors to "
                f"{max(1, len(rows) - 1)} or use RandomOverSampler for this class")
        return rows, self.nn_[cls]

    def _interpolate(self, base: np.ndarray, towards: np.ndarray, gap: np.ndarray
                     ) -> tuple[np.ndarray, list[list[int] | None]]:
        assert self.X_ is not None
        X = self.X_
        new = X[base] + gap[:, None] * (X[towards] - X[base])
        parents: list[list[int] | None] = [[int(a), int(b)] for a, b in zip(base, towards, strict=True)]
        return new, parents


class SMOTE(_ClassNeighbours):
    """Synthetic Minority Over-sampling: a new row on the segment between a real row and one of
    its ``k_neighbors`` nearest same-class rows (Chawla et al., 2002).

    Example:
        >>> X = np.array([[0., 0], [1, 0], [0, 1], [1, 1], [5, 5], [6, 5], [5, 6], [9, 9]])
        >>> y = np.array([0, 0, 0, 0, 1, 1, 1, 0])
        >>> s = SMOTE(k_neighbors=2).fit(X, y).sample(3, y=1, seed=0)
        >>> s.X.shape, all(set(p) <= {4, 5, 6} for p in s.parents)
        ((3, 2), True)
    """

    def __init__(self, *, k_neighbors: int = 5) -> None:
        super().__init__()
        self.k_neighbors = k_neighbors

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        rows, nn = self._class_nn(cls)
        pick = rng.integers(0, len(rows), n)
        which = rng.integers(0, nn.shape[1], n)
        new, parents = self._interpolate(rows[pick], nn[pick, which], rng.random(n))
        return new, parents, None


class RandomOverSampler(Generator):
    """Copies of real rows drawn at random (with ``shrinkage``, a smoothed bootstrap: each copy
    jittered by Gaussian noise of ``shrinkage`` x the class's feature spread, as in
    imbalanced-learn).

    Example:
        >>> X = np.arange(10.0).reshape(5, 2); y = np.array([0, 0, 0, 1, 1])
        >>> s = RandomOverSampler().fit(X, y).sample(2, y=1, seed=1)
        >>> all(p[0] in (3, 4) for p in s.parents)
        True
    """

    def __init__(self, *, shrinkage: float | None = None) -> None:
        super().__init__()
        self.shrinkage = shrinkage

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        if self.shrinkage is not None and not (isinstance(self.shrinkage, (int, float))
                                               and self.shrinkage >= 0):
            raise InvalidConfig(f"RandomOverSampler: shrinkage={self.shrinkage!r} must be >= 0")

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        assert self.X_ is not None and self.y_ is not None
        rows = np.flatnonzero(self.y_ == cls)
        pick = rows[rng.integers(0, len(rows), n)]
        new = self.X_[pick].copy()
        if self.shrinkage:
            spread = self.X_[rows].std(axis=0) * (4 / ((self.X_.shape[1] + 2) * len(rows))) ** (
                1 / (self.X_.shape[1] + 4))
            new += rng.standard_normal(new.shape) * (self.shrinkage * spread)
        return new, [[int(i)] for i in pick], None


class GaussianNoise(Generator):
    """Jittered copies of real rows: Gaussian noise of ``scale`` x each feature's spread within
    the class.

    Example:
        >>> X = np.random.default_rng(0).normal(size=(20, 3)); y = np.repeat([0, 1], 10)
        >>> s = GaussianNoise(scale=0.05).fit(X, y).sample(4, y=0, seed=0)
        >>> float(np.abs(s.X - X[[p[0] for p in s.parents]]).max()) < 0.5
        True
    """

    def __init__(self, *, scale: float = 0.1) -> None:
        super().__init__()
        self.scale = scale

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        if not isinstance(self.scale, (int, float)) or self.scale < 0:
            raise InvalidConfig(f"GaussianNoise: scale={self.scale!r} must be >= 0")

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        assert self.X_ is not None and self.y_ is not None
        rows = np.flatnonzero(self.y_ == cls)
        spread = self.X_[rows].std(axis=0) if len(rows) > 1 else self.X_.std(axis=0)
        pick = rows[rng.integers(0, len(rows), n)]
        new = self.X_[pick] + rng.standard_normal((n, self.X_.shape[1])) * (self.scale * spread)
        return new, [[int(i)] for i in pick], None


class BorderlineSMOTE(_ClassNeighbours):
    """SMOTE from the rows near the class border only (Han et al., 2005): a row is "in danger"
    when at least half, but not all, of its ``m_neighbors`` nearest rows (any class) are of
    another class. ``kind="borderline-2"`` also moves part of the way towards other-class
    neighbours (at most half way).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(1.5, 1, (10, 2))])
        >>> y = np.repeat([0, 1], [40, 10])
        >>> len(BorderlineSMOTE(k_neighbors=3).fit(X, y).sample(5, y=1, seed=0))
        5
    """

    def __init__(self, *, k_neighbors: int = 5, m_neighbors: int = 10,
                 kind: str = "borderline-1") -> None:
        super().__init__()
        self.k_neighbors = k_neighbors
        self.m_neighbors = m_neighbors
        self.kind = kind

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        if self.kind not in ("borderline-1", "borderline-2"):
            raise InvalidConfig(f"BorderlineSMOTE: kind={self.kind!r} must be 'borderline-1' or "
                                "'borderline-2'")
        m = _check_k("BorderlineSMOTE", "m_neighbors", self.m_neighbors)
        super()._fit(X, y)
        nn = _neighbors(min(m + 1, len(X))).fit(X)
        neigh = nn.kneighbors(X, return_distance=False)[:, 1:]
        other = (y[neigh] != y[:, None]).sum(axis=1)
        width = neigh.shape[1]
        self.danger_ = (other >= width / 2) & (other < width)

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        assert self.X_ is not None and self.y_ is not None
        rows, nn = self._class_nn(cls)
        in_danger = np.flatnonzero(self.danger_[rows])
        if len(in_danger) == 0:
            raise InvalidInput(f"BorderlineSMOTE: no row of class {cls!r} lies near the class "
                               "border (all their neighbours agree, or all disagree: noise); "
                               "use SMOTE for this class")
        pick = in_danger[rng.integers(0, len(in_danger), n)]
        if self.kind == "borderline-1":
            which = rng.integers(0, nn.shape[1], n)
            new, parents = self._interpolate(rows[pick], nn[pick, which], rng.random(n))
            return new, parents, None
        # borderline-2: a Beta(10, 10) share moves towards same-class neighbours, the rest at
        # most half way towards the nearest other-class rows (as imbalanced-learn does)
        same = int(round(rng.beta(10, 10) * n))
        towards = np.empty(n, dtype=np.int64)
        gap = rng.random(n)
        towards[:same] = nn[pick[:same], rng.integers(0, nn.shape[1], same)]
        others = np.flatnonzero(self.y_ != cls)
        k = min(self.k_neighbors, len(others))
        other_nn = others[_neighbors(k).fit(self.X_[others]).kneighbors(
            self.X_[rows[pick[same:]]], return_distance=False)] if n > same else np.zeros((0, k), int)
        towards[same:] = other_nn[np.arange(n - same), rng.integers(0, k, n - same)]
        gap[same:] *= 0.5
        new, parents = self._interpolate(rows[pick], towards, gap)
        return new, parents, None


class ADASYN(_ClassNeighbours):
    """Adaptive synthetic sampling (He et al., 2008): rows whose ``n_neighbors`` nearest rows
    (any class) are mostly of other classes are used more often as bases, so the new rows
    concentrate where the class is hard to learn.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (40, 2)), rng.normal(1.5, 1, (10, 2))])
        >>> y = np.repeat([0, 1], [40, 10])
        >>> len(ADASYN(n_neighbors=3).fit(X, y).sample(6, y=1, seed=0))
        6
    """

    def __init__(self, *, n_neighbors: int = 5) -> None:
        super().__init__()
        self.n_neighbors = n_neighbors

    @property
    def k_neighbors(self) -> int:  # type: ignore[override]
        return self.n_neighbors

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        k = _check_k("ADASYN", "n_neighbors", self.n_neighbors)
        super()._fit(X, y)
        nn = _neighbors(min(k + 1, len(X))).fit(X)
        neigh = nn.kneighbors(X, return_distance=False)[:, 1:]
        self.hardness_ = (y[neigh] != y[:, None]).mean(axis=1)

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        rows, nn = self._class_nn(cls)
        weight = self.hardness_[rows]
        if weight.sum() == 0:
            raise InvalidInput(f"ADASYN: no row of class {cls!r} has a neighbour of another "
                               "class, so there is nothing to adapt to; use SMOTE")
        pick = rng.choice(len(rows), size=n, p=weight / weight.sum())
        which = rng.integers(0, nn.shape[1], n)
        new, parents = self._interpolate(rows[pick], nn[pick, which], rng.random(n))
        return new, parents, None
