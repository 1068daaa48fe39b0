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
from .base import Generator, plain

__all__ = ["ADASYN", "SMOTE", "SMOTENC", "SVMSMOTE", "BorderlineSMOTE", "GaussianNoise", "KMeansSMOTE",
           "RandomOverSampler"]


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
            self.rows_[plain(cls)] = rows
            if len(rows) > k:  # classes too small to interpolate are checked when sampled
                nn = _neighbors(k + 1).fit(X[rows])
                self.nn_[plain(cls)] = \
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


class SMOTENC(SMOTE):
    """SMOTE for mixed tables (Chawla et al., 2002, section 6.1): continuous columns are
    interpolated; each categorical column takes the most frequent value among the base row's
    ``k_neighbors`` nearest same-class rows. Distances count a categorical mismatch as the median
    spread of the class's continuous columns, as imbalanced-learn does.

    ``categorical_features`` are column indices; in a pandas frame those columns may hold strings
    (they come back as the same categories).

    Example:
        >>> X = np.array([[0.0, 0], [0.1, 1], [0.2, 1], [0.3, 1], [5, 0], [6, 0], [7, 0], [8, 0]])
        >>> y = np.array([1, 1, 1, 1, 0, 0, 0, 0])
        >>> s = SMOTENC(categorical_features=[1], k_neighbors=2).fit(X, y).sample(4, y=1, seed=0)
        >>> set(s.X[:, 1].tolist()) <= {0.0, 1.0}
        True
    """

    def __init__(self, *, categorical_features: list[int] | tuple[int, ...] = (),
                 k_neighbors: int = 5) -> None:
        super().__init__(k_neighbors=k_neighbors)
        self.categorical_features = tuple(categorical_features)

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        if not self.categorical_features:
            raise InvalidConfig("SMOTENC: give categorical_features (column indices); for tables "
                                "without categorical columns use SMOTE")
        k = _check_k("SMOTENC", "k_neighbors", self.k_neighbors)
        cat = np.zeros(X.shape[1], dtype=bool)
        cat[list(self.categorical_features)] = True
        if cat.all():
            raise InvalidConfig("SMOTENC: every column is categorical; SMOTEN handles that case")
        self.cat_ = cat
        self.rows_ = {}
        self.nn_ = {}
        for cls in np.unique(y):
            key = plain(cls)
            rows = np.flatnonzero(y == cls)
            self.rows_[key] = rows
            if len(rows) <= k:
                continue
            cont = X[rows][:, ~cat]
            median_std = float(np.median(cont.std(axis=0))) if len(rows) > 1 else 0.0
            # one-hot categorical columns scaled so a mismatch costs median_std (imbalanced-learn)
            parts = [cont]
            for j in np.flatnonzero(cat):
                values = np.unique(X[:, j])
                parts.append((X[rows, j][:, None] == values[None, :]) * (median_std / np.sqrt(2)))
            feats = np.hstack(parts)
            self.nn_[key] = rows[_neighbors(k + 1).fit(feats).kneighbors(feats, return_distance=False)[:, 1:]]

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        assert self.X_ is not None
        new, parents, _ = super()._sample(n, cls, rng)
        rows, nn = self._class_nn(cls)
        bases = np.array([p[0] for p in parents if p is not None])
        neighbours = nn[np.searchsorted(rows, bases)]
        for j in np.flatnonzero(self.cat_):
            votes = self.X_[neighbours, j]
            for i in range(n):  # the most frequent category (ties: the smallest code)
                values, counts = np.unique(votes[i], return_counts=True)
                new[i, j] = values[np.argmax(counts)]
        return new, parents, None


class SVMSMOTE(_ClassNeighbours):
    """SMOTE from the class's support vectors of an SVM (Nguyen et al., 2011): support vectors
    with mostly other-class neighbours interpolate towards same-class neighbours; those with
    mostly same-class neighbours extrapolate away from them (by up to ``out_step``), pushing the
    border out. Support vectors with only other-class neighbours are treated as noise.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (60, 2)), rng.normal(2, 1, (15, 2))])
        >>> y = np.repeat([0, 1], [60, 15])
        >>> len(SVMSMOTE(k_neighbors=3).fit(X, y).sample(10, y=1, seed=0))
        10
    """

    def __init__(self, *, k_neighbors: int = 5, m_neighbors: int = 10, out_step: float = 0.5) -> None:
        super().__init__()
        self.k_neighbors = k_neighbors
        self.m_neighbors = m_neighbors
        self.out_step = out_step

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        from sklearn.svm import SVC

        m = _check_k("SVMSMOTE", "m_neighbors", self.m_neighbors)
        super()._fit(X, y)
        self.support_: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        neigh = _neighbors(min(m + 1, len(X))).fit(X)
        for cls, rows in self.rows_.items():
            target = (y == cls).astype(int)
            if target.min() == target.max():
                continue
            svm = SVC(kernel="rbf", random_state=0).fit(X, target)
            sv = np.intersect1d(svm.support_, rows)
            if len(sv) == 0:
                continue
            nb = neigh.kneighbors(X[sv], return_distance=False)[:, 1:]
            other = (y[nb] != cls).sum(axis=1)
            width = nb.shape[1]
            keep = other < width  # all neighbours of another class: noise
            self.support_[cls] = (sv[keep], (other[keep] >= width / 2))

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        rows, nn = self._class_nn(cls)
        sv, in_danger = self.support_.get(cls, (np.zeros(0, int), np.zeros(0, bool)))
        if len(sv) == 0:
            raise InvalidInput(f"SVMSMOTE: the SVM found no usable support vector of class {cls!r}; "
                               "use SMOTE for this class")
        danger, safe = sv[in_danger], sv[~in_danger]
        # both kinds present: a Beta(10, 10) share from the border, as imbalanced-learn does
        share = rng.beta(10, 10) if len(danger) and len(safe) else float(len(danger) > 0)
        n_danger = int(round(share * n))
        pick = np.concatenate([danger[rng.integers(0, max(len(danger), 1), n_danger)],
                               safe[rng.integers(0, max(len(safe), 1), n - n_danger)]])
        local = np.searchsorted(rows, pick)
        towards = nn[local, rng.integers(0, nn.shape[1], n)]
        gap = rng.random(n)
        gap[n_danger:] *= -self.out_step  # safe support vectors: extrapolate away
        new, parents = self._interpolate(pick, towards, gap)
        return new, parents, None


class KMeansSMOTE(_ClassNeighbours):
    """SMOTE inside k-means clusters where the class is well represented (Douzas et al., 2018):
    clusters are chosen where the class makes up at least ``cluster_balance_threshold`` of the
    rows ("auto": its share of the whole data) and has more than ``k_neighbors`` rows; sparser
    clusters get more new rows.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (80, 2)), rng.normal(3, 0.5, (20, 2))])
        >>> y = np.repeat([0, 1], [80, 20])
        >>> len(KMeansSMOTE(k_neighbors=2, n_clusters=4).fit(X, y).sample(10, y=1, seed=0))
        10
    """

    def __init__(self, *, k_neighbors: int = 2, n_clusters: int = 8,
                 cluster_balance_threshold: float | str = "auto") -> None:
        super().__init__()
        self.k_neighbors = k_neighbors
        self.n_clusters = n_clusters
        self.cluster_balance_threshold = cluster_balance_threshold

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        from sklearn.cluster import KMeans

        k = _check_k("KMeansSMOTE", "k_neighbors", self.k_neighbors)
        n_clusters = min(_check_k("KMeansSMOTE", "n_clusters", self.n_clusters), len(X))
        super()._fit(X, y)
        labels = KMeans(n_clusters=n_clusters, n_init=4, random_state=0).fit_predict(X)
        self.clusters_: dict[Any, list[tuple[np.ndarray, np.ndarray, float]]] = {}
        for cls, rows in self.rows_.items():
            threshold = (len(rows) / len(X) if self.cluster_balance_threshold == "auto"
                         else float(self.cluster_balance_threshold))
            chosen = []
            for c in range(n_clusters):
                members = np.flatnonzero(labels == c)
                mine = members[y[members] == cls]
                if len(mine) <= k or len(mine) / len(members) < threshold:
                    continue
                nn = mine[_neighbors(k + 1).fit(X[mine]).kneighbors(X[mine], return_distance=False)[:, 1:]]
                d = np.linalg.norm(X[mine][:, None] - X[mine][None], axis=2)
                mean_dist = d[np.triu_indices(len(mine), 1)].mean()
                # sparsity: mean distance ** dimensions / rows (Douzas et al.)
                chosen.append((mine, nn, float(mean_dist ** X.shape[1] / len(mine))))
            self.clusters_[cls] = chosen

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        clusters = self.clusters_.get(cls, [])
        if not clusters:
            raise InvalidInput(f"KMeansSMOTE: no cluster holds enough rows of class {cls!r} "
                               f"(more than k_neighbors={self.k_neighbors}, at least the "
                               "balance threshold); lower cluster_balance_threshold or n_clusters")
        weights = np.array([c[2] for c in clusters])
        weights = weights / weights.sum() if weights.sum() > 0 else np.full(len(clusters), 1 / len(clusters))
        which = rng.choice(len(clusters), size=n, p=weights)
        base = np.empty(n, dtype=np.int64)
        towards = np.empty(n, dtype=np.int64)
        for c, (mine, nn, _) in enumerate(clusters):
            idx = np.flatnonzero(which == c)
            pick = rng.integers(0, len(mine), len(idx))
            base[idx] = mine[pick]
            towards[idx] = nn[pick, rng.integers(0, nn.shape[1], len(idx))]
        new, parents = self._interpolate(base, towards, rng.random(n))
        return new, parents, None
