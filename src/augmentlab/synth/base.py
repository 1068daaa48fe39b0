"""The generator contract: ``fit(X, y)`` once, then ``sample(n, y=..., seed=...)`` as often as
needed, and ``fit_resample(X, y)`` for balancing in one call (imbalanced-learn's verb).

Input validation is a template method (as imbalanced-learn's ``fit_resample``): `Generator.fit`
checks and converts the input once, remembers the column names and dtypes of a pandas frame,
and every output goes back to the same form: pandas in, pandas out.

Randomness follows the project's seed tree: one stream per (seed, class, purpose), derived, never
re-seeded per call; the same seed gives the same samples whatever was sampled before.
"""

from __future__ import annotations

import inspect
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np

from ..core.errors import DataError, InvalidConfig, InvalidInput
from ..core.rng import derive_rng, path_key
from ..core.types import ArrayLike

if TYPE_CHECKING:
    from pandas import DataFrame, Series

__all__ = ["Generator", "SamplingStrategy", "Synthetic", "TableInfo", "check_table", "plain",
           "sampling_targets"]

SamplingStrategy: TypeAlias = Literal["auto", "not majority", "all", "minority"] | float | dict[Any, int]
"""How many rows to add per class (imbalanced-learn's ``sampling_strategy``): every class up to
the majority (``"auto"``, ``"not majority"``, ``"all"``), only the smallest class
(``"minority"``), a minority / majority ratio for two classes (a float), or the total wanted per
class (``{class: n}``)."""


@dataclass
class Synthetic:
    """Generated rows and where they came from.

    ``parents[i]`` lists the indices (into the ``X`` given to ``fit``) of the real rows synthetic
    row ``i`` was made from, or is None when it has none (a row decoded from noise); ``scores``
    holds per-row quality scores where the generator has them (e.g. a critic's).

    Example:
        >>> s = Synthetic(np.zeros((2, 3)), np.array([1, 1]), [[0, 4], [2, 3]])
        >>> len(s), s.parents[1]
        (2, [2, 3])
    """

    X: np.ndarray | DataFrame
    y: np.ndarray | Series
    parents: list[list[int] | None]
    scores: np.ndarray | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.y)


@dataclass(frozen=True)
class TableInfo:
    """What `check_table` learnt about the input, to give outputs the same form."""

    columns: tuple[str, ...] | None  # pandas column names, None for arrays
    dtypes: tuple[Any, ...] | None
    label_name: str | None
    label_dtype: Any
    n_features: int
    categories: dict[int, list[Any]] = field(default_factory=dict)  # column -> categories (pandas)


def check_table(X: ArrayLike, y: ArrayLike, owner: str, *, categorical: Sequence[int] = ()
                ) -> tuple[np.ndarray, np.ndarray, TableInfo]:
    """Validate ``(X, y)`` and return float features, labels and the form to restore.

    Raises `DataError` naming the column for NaN/infinite values and for non-numeric columns that
    were not declared categorical.

    Example:
        >>> X, y, info = check_table([[1, 2], [3, 4]], [0, 1], "SMOTE")
        >>> X.dtype, info.columns
        (dtype('float64'), None)
    """
    columns = dtypes = None
    label_name = None
    if hasattr(X, "columns") and hasattr(X, "dtypes"):  # a pandas DataFrame
        frame: Any = X  # told apart by duck typing: pandas is optional
        columns = tuple(str(c) for c in frame.columns)
        dtypes = tuple(frame.dtypes)
        strings = [c for i, (c, d) in enumerate(zip(columns, dtypes, strict=True))
                   if d.kind not in "biuf" and i not in categorical]
        if strings:
            raise DataError(f"{owner}: columns {', '.join(strings)} are not numeric; declare them "
                            "categorical (e.g. SMOTENC(categorical_features=[...])) or encode them")
        categories: dict[int, list[Any]] = {}
        if categorical:
            frame = frame.copy()
            for i in categorical:  # categories become integer codes, restored on output
                col = frame.iloc[:, i].astype("category")
                categories[int(i)] = list(col.cat.categories)
                frame[frame.columns[i]] = col.cat.codes.astype(np.float64)
        Xa = frame.to_numpy(dtype=np.float64)
    else:
        categories = {}
        try:
            Xa = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"{owner}: X must be numeric (for text or categories, encode them or "
                            "declare categorical features)") from None
    if hasattr(y, "name") and hasattr(y, "to_numpy"):  # a pandas Series
        series: Any = y
        label_name = series.name
        y = series.to_numpy()
    ya = np.asarray(y)
    if Xa.ndim != 2:
        raise InvalidInput(f"{owner}: X must be 2-D (rows x features), got shape {Xa.shape}")
    if len(Xa) != len(ya):
        raise InvalidInput(f"{owner}: X has {len(Xa)} rows but y has {len(ya)} labels")
    if len(Xa) == 0:
        raise InvalidInput(f"{owner}: X is empty")
    bad = ~np.isfinite(Xa)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        name = columns[c] if columns else f"column {c}"
        raise DataError(f"{owner}: {name} has a missing or infinite value (row {r}); fill or drop "
                        "such rows first")
    if len(Xa) > 1 and np.all(Xa[0] == Xa):
        raise DataError(f"{owner}: every column is constant: there is nothing to learn a "
                        "distribution from")
    if len(categorical) and any(not 0 <= int(i) < Xa.shape[1] for i in categorical):
        raise InvalidConfig(f"{owner}: categorical_features={list(categorical)} must be column "
                            f"indices in [0, {Xa.shape[1]})")
    info = TableInfo(columns, dtypes, label_name, ya.dtype, Xa.shape[1], categories)
    return Xa, ya, info


def plain(value: Any) -> Any:
    """A numpy scalar as the plain Python value (class keys of dicts and messages).

    Example:
        >>> plain(np.int64(3)), plain("a")
        (3, 'a')
    """
    return value.item() if isinstance(value, np.generic) else value


def sampling_targets(y: np.ndarray, strategy: SamplingStrategy, owner: str) -> dict[Any, int]:
    """How many rows to generate per class for balancing (imbalanced-learn's
    ``sampling_strategy``): ``"auto"``/``"not majority"`` (every class up to the majority),
    ``"minority"``, a number (minority / majority ratio, two classes), or ``{class: n_total}``.

    Example:
        >>> sampling_targets(np.array([0, 0, 0, 0, 1]), "auto", "SMOTE")
        {1: 3}
        >>> sampling_targets(np.array([0, 0, 0, 0, 1]), 1, "SMOTE")  # an int ratio too
        {1: 3}
    """
    classes, counts = np.unique(y, return_counts=True)
    majority = int(counts.max())
    if isinstance(strategy, dict):
        out = {}
        for c, total in strategy.items():
            if c not in classes:
                raise InvalidConfig(f"{owner}: sampling_strategy names class {c!r}, not in y")
            have = int(counts[list(classes).index(c)])
            if total < have:
                raise InvalidConfig(f"{owner}: sampling_strategy asks {total} rows of class {c!r}, "
                                    f"which already has {have}; oversampling only adds rows")
            out[c] = int(total) - have
        return out
    if isinstance(strategy, int | float) and not isinstance(strategy, bool):  # 1 is the ratio 1.0
        if len(classes) != 2 or not 0 < strategy <= 1:
            raise InvalidConfig(f"{owner}: a float sampling_strategy is for two classes, in (0, 1]")
        minority = classes[int(np.argmin(counts))]
        want = int(strategy * majority)
        have = int(counts.min())
        return {plain(minority): max(0, want - have)}
    if strategy in ("auto", "not majority", "all"):
        return {plain(c): majority - int(n)
                for c, n in zip(classes, counts, strict=True) if n < majority or strategy == "all"}
    if strategy == "minority":
        i = int(np.argmin(counts))
        return {plain(classes[i]): majority - int(counts[i])}
    raise InvalidConfig(f"{owner}: sampling_strategy={strategy!r} must be 'auto', 'minority', "
                        "'not majority', a float or a {class: count} dict")


class Generator:
    """Base of every generator. Subclasses implement ``_fit(X, y)`` and ``_sample(n, cls, rng)``
    returning ``(rows, parents, scores)``; the base class validates, seeds and restores the form.
    """

    def __init__(self) -> None:
        self._info: TableInfo | None = None
        self.X_: np.ndarray | None = None
        self.y_: np.ndarray | None = None
        self.classes_: np.ndarray | None = None

    # -- scikit-learn style parameters ------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
        return {n: getattr(self, n) for n in names}

    def set_params(self, **params: Any) -> Generator:
        valid = self.get_params()
        for k, v in params.items():
            if k not in valid:
                raise InvalidConfig(f"{type(self).__name__}: unknown parameter {k!r}; it has "
                                    f"{', '.join(sorted(valid))}")
            setattr(self, k, v)
        return self

    def get_config(self) -> dict[str, Any]:
        """JSON-friendly parameters plus ``name`` (the cache key and manifest entry)."""
        return {"name": type(self).__name__, **{k: v if isinstance(v, (int, float, str, bool, type(None)))
                                                 else repr(v) for k, v in self.get_params().items()}}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- the template --------------------------------------------------------------------------------
    categorical_features: Sequence[int] = ()

    def fit(self, X: ArrayLike, y: ArrayLike) -> Generator:
        """Learn from real rows ``X`` with labels ``y`` (arrays or pandas)."""
        Xa, ya, info = check_table(X, y, type(self).__name__,
                                   categorical=tuple(self.categorical_features or ()))
        self._info, self.X_, self.y_ = info, Xa, ya
        self.classes_ = np.unique(ya)
        self._fit(Xa, ya)
        return self

    def _check_fitted(self) -> None:
        if self.X_ is None:
            raise InvalidInput(f"{type(self).__name__}: call fit(X, y) before sampling")

    def sample(self, n: int | dict[Any, int], y: Hashable | None = None, *, seed: int = 0) -> Synthetic:
        """``n`` synthetic rows of class ``y`` (or ``{class: n}`` for several classes).

        Rows of class c come from the stream (seed, c): asking for class 1 gives the same rows
        whether or not class 0 was asked for too.
        """
        self._check_fitted()
        assert self.y_ is not None and self.classes_ is not None
        if isinstance(n, dict):
            wanted = dict(n)
        else:
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
                raise InvalidInput(f"{type(self).__name__}: n={n!r} must be a non-negative integer")
            if y is None:
                if len(self.classes_) != 1:
                    raise InvalidInput(f"{type(self).__name__}: say which class to sample "
                                       f"(y=...), one of {self.classes_.tolist()}")
                y = self.classes_[0]
            wanted = {y: int(n)}
        rows, labels, parents, scores = [], [], [], []
        for cls, count in wanted.items():
            if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
                raise InvalidInput(f"{type(self).__name__}: n={count!r} for class {cls!r} must be a "
                                   "non-negative integer")
            if cls not in set(self.classes_.tolist()):
                raise InvalidInput(f"{type(self).__name__}: class {cls!r} was not in the data given "
                                   f"to fit; it had {self.classes_.tolist()}")
            if count == 0:
                continue
            rng = derive_rng(seed, path_key(str(cls), 0), 0, (path_key(type(self).__name__, 0),))
            X_new, par, sc = self._sample(int(count), cls, rng)
            rows.append(X_new)
            labels.append(np.full(len(X_new), cls, dtype=self.y_.dtype))
            parents.extend(par)
            if sc is not None:
                scores.append(sc)
        width = self._info.n_features if self._info else 0
        X_all = np.concatenate(rows) if rows else np.zeros((0, width))
        y_all = np.concatenate(labels) if labels else np.zeros(0, dtype=self.y_.dtype)
        sc_all = np.concatenate(scores) if scores and len(scores) == len(rows) else None
        X_out, y_out = self._restore(X_all, y_all)
        return Synthetic(X_out, y_out, parents, sc_all)

    def fit_resample(self, X: ArrayLike, y: ArrayLike, *, seed: int = 0,
                     sampling_strategy: SamplingStrategy = "auto") -> tuple[Any, Any]:
        """Fit, then return the real rows followed by enough synthetic ones to balance the
        classes (``sampling_strategy`` as in imbalanced-learn)."""
        self.fit(X, y)
        assert self.X_ is not None and self.y_ is not None
        targets = sampling_targets(self.y_, sampling_strategy, type(self).__name__)
        synthetic = self.sample(targets, seed=seed) if targets else None
        X_real, y_real = self._restore(self.X_, self.y_)
        if synthetic is None or len(synthetic) == 0:
            self.synthetic_ = synthetic
            return X_real, y_real
        self.synthetic_ = synthetic
        return _concat(X_real, synthetic.X), _concat(y_real, synthetic.y)

    # -- subclasses ------------------------------------------------------------------------------
    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        raise NotImplementedError

    def _sample(self, n: int, cls: Any, rng: np.random.Generator
                ) -> tuple[np.ndarray, list[list[int] | None], np.ndarray | None]:
        raise NotImplementedError

    # -- output form -------------------------------------------------------------------------------
    def _restore(self, X: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        info = self._info
        if info is None or info.columns is None:
            return X, y
        import pandas as pd

        frame = pd.DataFrame(X, columns=list(info.columns))
        for i, (name, dtype) in enumerate(zip(info.columns, info.dtypes or (), strict=False)):
            if i in info.categories:  # codes back to the categories they stand for
                cats = info.categories[i]
                codes = np.clip(np.rint(frame[name].to_numpy()), 0, len(cats) - 1).astype(int)
                frame[name] = pd.Series(np.asarray(cats, dtype=object)[codes]).astype(dtype)
            elif dtype.kind in "biu":  # integer columns stay integers (rounded)
                frame[name] = np.rint(frame[name].to_numpy()).astype(dtype)
            elif dtype.kind == "f":
                frame[name] = frame[name].astype(dtype)
        return frame, pd.Series(y, name=info.label_name)


def _concat(a: Any, b: Any) -> Any:
    if hasattr(a, "iloc"):
        import pandas as pd

        return pd.concat([a, b], ignore_index=True)
    return np.concatenate([a, b])
