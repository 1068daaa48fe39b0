"""Type aliases and protocols shared by the public signatures (the API reference shows these
names).

They describe what the constructors and functions accept; the values are still checked at run
time (`core/params.py`), since a config file is not type-checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["AlbumentationsParams", "ArrayLike", "Fill", "IntRange", "Predictor",
           "ProbabilisticClassifier", "Range"]

Range: TypeAlias = float | tuple[float, float]
"""A range to draw from: ``(min, max)``, or one number (a spread around the argument's centre,
``x`` → ``(-x, x)`` for a shift, or the value itself where the documentation says so)."""

IntRange: TypeAlias = int | tuple[int, int]
"""`Range` of whole numbers (sizes, counts, kernel widths)."""

Fill: TypeAlias = float | Sequence[float]
"""The value written where there is no source pixel (or into a hole): one number, or one per
channel."""

ArrayLike: TypeAlias = npt.ArrayLike
"""Anything NumPy turns into an array: an array, nested lists, a pandas DataFrame or Series."""


class AlbumentationsParams(Protocol):
    """An ``A.BboxParams`` or ``A.KeypointParams`` object, read by its attributes (Albumentations
    itself is not needed)."""

    @property
    def format(self) -> str: ...

    @property
    def label_fields(self) -> Sequence[str] | None: ...


# Models are duck-typed as scikit-learn's are; their inputs are whatever the caller's model takes
# (arrays, DataFrames, lists of texts), hence Any for them.
class Predictor(Protocol):
    """A fitted model with ``predict(X)`` (any scikit-learn estimator)."""

    def predict(self, X: Any, /) -> ArrayLike: ...


class ProbabilisticClassifier(Protocol):
    """A fitted classifier with ``predict_proba(X)`` and ``classes_`` (any scikit-learn
    classifier)."""

    @property
    def classes_(self) -> np.ndarray: ...

    def predict_proba(self, X: Any, /) -> ArrayLike: ...
