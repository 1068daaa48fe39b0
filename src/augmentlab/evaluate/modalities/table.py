"""Tables: float arrays ``(N, F)``; a row goes to tabular transforms on the ``features`` field as
column -> value, with the `augmentlab.tabular.Schema` of the cell's training rows.

Corruptions: Gaussian feature noise scaled by each feature's training spread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .base import Modality

if TYPE_CHECKING:
    from ...core.compose import Compose
    from ...datasets import Dataset

__all__ = ["TableModality"]


def _columns(X: np.ndarray, extra: Mapping[str, Any]) -> list[str]:
    return list(extra.get("columns") or [f"f{i}" for i in range(X.shape[1])])


def _schema(X: np.ndarray, extra: Mapping[str, Any]) -> Any:
    """The `augmentlab.tabular.Schema` of array rows `X` (named by ``extra["columns"]``)."""
    import pandas as pd

    from ...tabular import Schema

    return Schema.infer(pd.DataFrame(X, columns=_columns(X, extra)))


class TableModality(Modality):
    """Tables (also spelled ``tabular``, or ``features`` after their field).

    Example:
        >>> X = np.array([[1.0, 2.0], [3.0, 4.0]])
        >>> TableModality().corrupt(X, "feature_noise", 0.0, np.random.default_rng(0), None, None)
        array([[1., 2.],
               [3., 4.]])
    """

    name: ClassVar[str] = "table"
    field: ClassVar[str] = "features"
    suite: ClassVar[tuple[tuple[str, float], ...]] = (("feature_noise", 0.1), ("feature_noise", 0.3))
    default_model: ClassVar[str] = "logreg"

    def extra_fields(self, data: Dataset) -> dict[str, Any]:
        names = data.feature_names or tuple(f"f{i}" for i in range(data.X.shape[1]))
        return {"columns": tuple(str(n) for n in names)}

    def corruption_scale(self, data: Dataset) -> np.ndarray:
        return data.X[data.train].std(axis=0) + 1e-12

    def corrupt(self, X: np.ndarray, kind: str, level: float, rng: np.random.Generator,
                scale: np.ndarray | None, sample_rate: int | None) -> np.ndarray:
        spread = np.ones(X.shape[1]) if scale is None else scale
        return X + rng.normal(0.0, 1.0, X.shape) * (level * spread)

    def prepare(self, X: np.ndarray, extra: Mapping[str, Any]) -> dict[str, Any]:
        return {**extra, "schema": _schema(X, extra)}  # one schema for every copy

    def augment(self, pipeline: Compose, X: np.ndarray, rows: np.ndarray, copy: int, seed: int,
                extra: Mapping[str, Any]) -> np.ndarray:
        """Each row as column -> value with the schema of the rows given (``extra["schema"]``,
        else inferred from `X`), back to floats (missing -> NaN)."""
        names = _columns(X, extra)
        schema = extra.get("schema") or _schema(X, extra)
        out = np.empty(X.shape, dtype=np.float64)
        for i, (x, r) in enumerate(zip(X, rows, strict=True)):
            row = pipeline(features=dict(zip(names, x.tolist(), strict=True)), schema=schema,
                           sample_id=int(r), copy=copy, seed=seed)["features"]
            out[i] = [np.nan if row[n] is None else float(row[n]) for n in names]
        return out.astype(X.dtype, copy=False)
