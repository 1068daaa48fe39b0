"""Balancing by removing rows (imbalanced-learn's undersamplers), and SMOTE followed by
cleaning (``SMOTETomek``, ``SMOTEENN``). These are not generators: they have ``fit_resample``
only, and say which of the given rows they kept (``kept_``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np

from ..core.optional import require
from ..core.types import ArrayLike
from .base import Generator, check_table
from .oversample import SMOTE

__all__ = ["SMOTEENN", "EditedNearestNeighbours", "RandomUnderSampler", "SMOTETomek", "TomekLinks"]


UnderSampling: TypeAlias = str | float | dict[Any, int] | Callable[[np.ndarray], dict[Any, int]]
"""imbalanced-learn's ``sampling_strategy`` of its under-samplers, passed on as given: a name
(``"auto"``, ``"majority"``, ``"not minority"``, ...), a ratio, ``{class: n}``, or a function of
``y`` giving ``{class: n}``."""


def _imblearn(owner: str) -> Any:
    return require("imblearn.under_sampling", "synth", owner, package="imbalanced-learn")


class _Undersampler:
    """Wraps one of imbalanced-learn's cleaning/undersampling methods; pandas in, pandas out."""

    _cls_name = ""

    def _make(self, seed: int) -> Any:
        raise NotImplementedError

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return dict(self.__dict__)

    def fit_resample(self, X: ArrayLike, y: ArrayLike, *, seed: int = 0) -> tuple[Any, Any]:
        owner = type(self).__name__
        Xa, ya, _ = check_table(X, y, owner)
        sampler = self._make(seed)
        sampler.fit_resample(Xa, ya)
        self.kept_ = np.sort(np.asarray(sampler.sample_indices_))
        # pandas in, pandas out, for X and y each (told apart by duck typing: pandas is optional);
        # a DataFrame may come with numpy labels
        rows: Any = X.iloc[self.kept_].reset_index(drop=True) if hasattr(X, "iloc") else Xa[self.kept_]
        labels: Any = y.iloc[self.kept_].reset_index(drop=True) if hasattr(y, "iloc") else ya[self.kept_]
        return rows, labels


class RandomUnderSampler(_Undersampler):
    """Drop random rows of the larger classes until the classes are balanced.

    Example:
        >>> X = np.arange(12.0).reshape(6, 2); y = np.array([0, 0, 0, 0, 1, 1])
        >>> Xr, yr = RandomUnderSampler().fit_resample(X, y, seed=0)
        >>> np.bincount(yr).tolist()
        [2, 2]
    """

    def __init__(self, *, sampling_strategy: UnderSampling = "auto") -> None:
        self.sampling_strategy = sampling_strategy

    def _make(self, seed: int) -> Any:
        return _imblearn("RandomUnderSampler").RandomUnderSampler(
            sampling_strategy=self.sampling_strategy, random_state=seed)


class TomekLinks(_Undersampler):
    """Drop majority rows that form a Tomek link (mutual nearest neighbours of different
    classes) with a minority row: a cleaner border.

    Example:
        >>> X = np.array([[0.], [1.0], [1.1], [5.0], [5.2], [9.0]]); y = np.array([0, 0, 1, 1, 1, 0])
        >>> _, yr = TomekLinks().fit_resample(X, y)
        >>> len(yr)
        5
    """

    def __init__(self, *, sampling_strategy: UnderSampling = "auto") -> None:
        self.sampling_strategy = sampling_strategy

    def _make(self, seed: int) -> Any:
        return _imblearn("TomekLinks").TomekLinks(sampling_strategy=self.sampling_strategy)


class EditedNearestNeighbours(_Undersampler):
    """Drop rows whose ``n_neighbors`` nearest rows mostly (``kind_sel="mode"``) or at all
    (``"all"``) disagree with their label.

    Example:
        >>> X = np.array([[0.], [0.1], [0.2], [0.15], [3], [3.1], [3.2]]); y = np.array([0, 0, 0, 1, 1, 1, 1])
        >>> _, yr = EditedNearestNeighbours(n_neighbors=2).fit_resample(X, y)
        >>> len(yr) < 7
        True
    """

    def __init__(self, *, n_neighbors: int = 3, kind_sel: str = "all",
                 sampling_strategy: UnderSampling = "auto") -> None:
        self.n_neighbors, self.kind_sel = n_neighbors, kind_sel
        self.sampling_strategy = sampling_strategy

    def _make(self, seed: int) -> Any:
        return _imblearn("EditedNearestNeighbours").EditedNearestNeighbours(
            n_neighbors=self.n_neighbors, kind_sel=self.kind_sel,
            sampling_strategy=self.sampling_strategy)


class _SmoteThenClean:
    def _cleaner(self) -> _Undersampler:
        raise NotImplementedError

    def __init__(self, *, smote: Generator | None = None) -> None:
        self.smote = smote if smote is not None else SMOTE()

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"smote": self.smote}

    def fit_resample(self, X: ArrayLike, y: ArrayLike, *, seed: int = 0) -> tuple[Any, Any]:
        X_bal, y_bal = self.smote.fit_resample(X, y, seed=seed)
        self.synthetic_ = getattr(self.smote, "synthetic_", None)
        cleaner = self._cleaner()
        X_out, y_out = cleaner.fit_resample(X_bal, y_bal, seed=seed)
        self.kept_ = cleaner.kept_  # indices into the real rows followed by the synthetic ones
        return X_out, y_out


class SMOTETomek(_SmoteThenClean):
    """SMOTE to balance, then remove Tomek links (Batista et al., 2003).

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(2, 1, (8, 2))])
        >>> y = np.repeat([0, 1], [30, 8])
        >>> _, yr = SMOTETomek().fit_resample(X, y, seed=0)
        >>> bool(np.bincount(yr)[1] >= 25)
        True
    """

    def _cleaner(self) -> _Undersampler:
        return TomekLinks(sampling_strategy="all")


class SMOTEENN(_SmoteThenClean):
    """SMOTE to balance, then Edited Nearest Neighbours cleaning of both classes.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> X = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(2, 1, (8, 2))])
        >>> y = np.repeat([0, 1], [30, 8])
        >>> Xr, yr = SMOTEENN().fit_resample(X, y, seed=0)
        >>> len(yr) <= 60
        True
    """

    def _cleaner(self) -> _Undersampler:
        return EditedNearestNeighbours(sampling_strategy="all")

