"""Whole-table helpers: schema-aware MixUp of rows, the physics "planing" weights that flatten
a variable within each class, and a stratified sample."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.optional import require
from ..core.types import ArrayLike
from .schema import Schema, is_missing

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["mixup_rows", "planing_weights", "stratified_sample"]


def _frame(frame: Any, owner: str) -> Any:
    pd = require("pandas", "measure", owner)
    if not isinstance(frame, pd.DataFrame):
        raise InvalidInput(f"{owner}: expected a pandas DataFrame, got {type(frame).__name__}")
    return frame


def mixup_rows(frame: DataFrame, labels: ArrayLike, schema: Schema, *, n: int, alpha: float = 0.4,
               seed: int = 0) -> tuple[DataFrame, np.ndarray]:
    """`n` MixUp rows (Zhang et al. 2018) of a table: each a mix ``lam * a + (1 - lam) * b`` of two
    random rows with ``lam ~ Beta(alpha, alpha)``; numeric columns mixed and clipped to the
    schema's bounds (integers rounded), categorical ones and missing values taken from the row
    with the larger share. Returns ``(rows, soft_labels)``: soft labels ``(n, classes)`` in the
    order of ``np.unique(labels)``, each row summing to 1.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"h": [1.0, 3.0], "c": ["x", "y"]})
        >>> rows, soft = mixup_rows(t, [0, 1], Schema.infer(t), n=4, seed=0)
        >>> len(rows), soft.shape, bool(np.allclose(soft.sum(axis=1), 1))
        (4, (4, 2), True)
    """
    import pandas as pd

    frame = _frame(frame, "mixup_rows")
    y = np.asarray(labels)
    if len(y) != len(frame) or len(frame) == 0:
        raise InvalidInput(f"mixup_rows: {len(frame)} rows and {len(y)} labels; give one label "
                           "per row of a non-empty table")
    if alpha <= 0 or n < 0:
        raise InvalidInput(f"mixup_rows: needs alpha > 0 and n >= 0, got {alpha}, {n}")
    rng = np.random.default_rng(seed)
    classes, codes = np.unique(y, return_inverse=True)
    a, b = rng.integers(0, len(frame), n), rng.integers(0, len(frame), n)
    lam = rng.beta(alpha, alpha, n)
    records = frame.to_dict("records")
    out = []
    for i, j, w in zip(a.tolist(), b.tolist(), lam.tolist(), strict=True):
        major, minor = (records[i], records[j]) if w >= 0.5 else (records[j], records[i])
        row = dict(major)
        for name, rule in schema.columns.items():
            va, vb = records[i].get(name), records[j].get(name)
            if rule.kind == "categorical" or is_missing(va) or is_missing(vb):
                continue
            value = w * float(va) + (1 - w) * float(vb)
            value = min(max(value, rule.low if rule.low is not None else value),
                        rule.high if rule.high is not None else value)
            row[name] = int(round(value)) if rule.kind == "integer" else value
        out.append(row)
    soft = np.zeros((n, len(classes)))
    soft[np.arange(n), codes[a]] += lam
    soft[np.arange(n), codes[b]] += 1 - lam
    return pd.DataFrame(out, columns=frame.columns), soft


def planing_weights(x: ArrayLike, y: ArrayLike, bins: int | np.ndarray = 20) -> np.ndarray:
    """Per-row weights that flatten the distribution of `x` within each class of `y` (the
    physics "planing" used to decorrelate a classifier from, e.g., a jet's mass): each row
    weighs ``1 / (rows of its class in its bin of x)``, rescaled so every class keeps its total
    weight (its row count). `bins`: a count (shared edges over the range of `x`) or the edges.

    Example:
        >>> x = np.array([0.1, 0.1, 0.1, 0.9, 0.1, 0.9])
        >>> planing_weights(x, np.array([0, 0, 0, 0, 1, 1]), bins=2).tolist()
        [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0, 1.0, 1.0]
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y)
    if x.ndim != 1 or len(x) != len(y) or len(x) == 0:
        raise InvalidInput(f"planing_weights: expected one x per label, got {x.shape} and {y.shape}")
    if not np.isfinite(x).all():
        raise InvalidInput("planing_weights: x has NaN or inf values; drop or impute them first")
    edges = np.histogram_bin_edges(x, bins=bins)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(edges) - 2)
    weights = np.empty(len(x))
    for cls in np.unique(y):
        rows = np.flatnonzero(y == cls)
        counts = np.bincount(which[rows], minlength=len(edges) - 1)
        w = 1.0 / counts[which[rows]]
        weights[rows] = w * (len(rows) / w.sum())
    return weights


def stratified_sample(frame: DataFrame, labels: ArrayLike, per_class: int | dict[Any, int], *,
                      seed: int = 0) -> np.ndarray:
    """Row positions of a sample with `per_class` rows of every class (a number, or class ->
    number), drawn without replacement; sorted. A class with fewer rows is refused by name.

    Example:
        >>> import pandas as pd
        >>> stratified_sample(pd.DataFrame({"v": range(6)}), [0, 0, 0, 1, 1, 1], 2).shape
        (4,)
    """
    frame = _frame(frame, "stratified_sample")
    y = np.asarray(labels)
    if len(y) != len(frame):
        raise InvalidInput(f"stratified_sample: {len(frame)} rows and {len(y)} labels")
    rng = np.random.default_rng(seed)
    chosen = []
    for cls in np.unique(y):
        rows = np.flatnonzero(y == cls)
        name = cls.item() if hasattr(cls, "item") else cls
        want = per_class.get(name, 0) if isinstance(per_class, dict) else int(per_class)
        if want > len(rows):
            raise InvalidInput(f"stratified_sample: class {name!r} has {len(rows)} rows, "
                               f"{want} asked for")
        chosen.append(rng.choice(rows, want, replace=False))
    return np.sort(np.concatenate(chosen)) if chosen else np.zeros(0, dtype=np.int64)
