"""The rules a table's columns follow, inferred from the data or given: numeric columns with
bounds and a spread, integer columns, categorical columns with their domain and frequencies.
Tabular transforms read it from the sample's ``schema`` field and never break it."""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.errors import InvalidInput

if TYPE_CHECKING:
    from pandas import DataFrame

__all__ = ["Column", "Schema", "is_missing"]


def is_missing(value: Any) -> bool:
    """None or NaN (missing values are kept missing by every tabular transform).

    Example:
        >>> is_missing(float("nan")), is_missing(0)
        (True, False)
    """
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Column:
    """One column's rules. ``kind``: ``"numeric"``, ``"integer"`` or ``"categorical"``;
    numeric columns keep their bounds, spread, mean and 101 quantiles (the observed
    distribution, for swap noise), categorical ones their values and frequencies."""

    kind: str
    low: float | None = None
    high: float | None = None
    std: float = 0.0
    values: tuple[Any, ...] = ()
    weights: tuple[float, ...] = ()
    mean: float | None = None
    quantiles: tuple[float, ...] = ()

    def typical(self) -> Any:
        """The column's typical value: the mean (rounded for integers), or the most frequent
        category; None when nothing was observed."""
        if self.kind == "categorical":
            return self.values[max(range(len(self.values)), key=self.weights.__getitem__)] \
                if self.values else None
        if self.mean is None:
            return None
        return int(round(self.mean)) if self.kind == "integer" else self.mean

    def draw(self, u: float) -> Any:
        """The observed value at quantile `u` in [0, 1] (inverse CDF, linear between the stored
        quantiles; integers rounded; categories by frequency); None when nothing was observed."""
        if self.kind == "categorical":
            if not self.values:
                return None
            cdf = list(itertools.accumulate(self.weights))
            index = bisect.bisect_right(cdf, u * cdf[-1])
            return self.values[min(index, len(self.values) - 1)]
        if not self.quantiles:
            return None
        q = self.quantiles
        pos = u * (len(q) - 1)
        i = min(int(pos), len(q) - 2) if len(q) > 1 else 0
        value = q[i] + (q[i + 1] - q[i]) * (pos - i) if len(q) > 1 else q[0]
        return int(round(value)) if self.kind == "integer" else float(value)


@dataclass(frozen=True)
class Schema:
    """Column name -> `Column`.

    Example:
        >>> import pandas as pd
        >>> s = Schema.infer(pd.DataFrame({"age": [20, 30, 40], "city": ["a", "b", "a"]}))
        >>> s.columns["age"].kind, s.columns["age"].low, s.columns["city"].values
        ('integer', 20.0, ('a', 'b'))
    """

    columns: dict[str, Column] = field(default_factory=dict)

    @classmethod
    def infer(cls, frame: DataFrame, *, exclude: tuple[str, ...] = ()) -> Schema:
        """Rules from a pandas DataFrame: numeric dtypes become numeric (integer when every
        value is whole) with the observed bounds and standard deviation; anything else is
        categorical with its observed values and frequencies. `exclude`: columns left alone
        (the label)."""
        columns = {}
        for name in frame.columns:
            if name in exclude:
                continue
            col = frame[name]
            present = col.dropna()
            if col.dtype.kind in "iuf" and col.dtype.kind != "b":
                values = present.astype(float)
                whole = bool(len(values)) and bool((values == values.round()).all())
                columns[str(name)] = Column(
                    "integer" if whole else "numeric",
                    float(values.min()) if len(values) else None,
                    float(values.max()) if len(values) else None,
                    float(values.std(ddof=0)) if len(values) else 0.0,
                    mean=float(values.mean()) if len(values) else None,
                    quantiles=tuple(float(v) for v in values.quantile(
                        [i / 100 for i in range(101)])) if len(values) else ())
            else:
                counts = present.map(_native).value_counts(sort=False)
                order = sorted(counts.index, key=lambda v: (type(v).__name__, v))
                total = float(counts.sum()) or 1.0
                # plain values: a nullable boolean column's index yields numpy bools, which a
                # manifest (JSON) cannot hold
                columns[str(name)] = Column("categorical", values=tuple(_native(v) for v in order),
                                            weights=tuple(float(counts[v]) / total for v in order))
        return cls(columns)

    def check_row(self, row: dict[str, Any]) -> None:
        """Raise `InvalidInput` if a row breaks a rule (used by tests and by the writer)."""
        for name, rule in self.columns.items():
            value = row.get(name)
            if is_missing(value):
                continue
            if rule.kind == "categorical":
                if value not in rule.values:
                    raise InvalidInput(f"column {name!r}: {value!r} is not one of the observed values")
                continue
            v = float(value)  # type: ignore[arg-type]
            if (rule.low is not None and v < rule.low) or (rule.high is not None and v > rule.high):
                raise InvalidInput(f"column {name!r}: {v:g} is outside [{rule.low:g}, {rule.high:g}]")
            if rule.kind == "integer" and v != round(v):
                raise InvalidInput(f"column {name!r}: {v:g} is not a whole number")

    def to_dict(self) -> dict[str, Any]:
        return {name: {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(c).items()}
                for name, c in self.columns.items()}


def _native(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value
