"""Row transforms that follow the table's `Schema`: numeric noise and categorical resampling."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.params import check_number
from ..core.sample import Sample
from ..core.transform import Transform
from .schema import Schema, is_missing

__all__ = ["CategoricalResample", "GaussianNoise"]


def _schema(sample: Any, owner: str) -> Schema:
    keys = sample.keys_of("schema")
    if not keys or not isinstance(sample[keys[0]], Schema):
        raise InvalidInput(f"{owner}: needs schema=augmentlab.tabular.Schema.infer(table) in the "
                           "call, to know each column's spread and bounds")
    return sample[keys[0]]


class TabularTransform(Transform):
    """Changes a ``features`` row; reads the ``schema`` field."""

    _abstract = True
    fields = frozenset({"features"})

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        schema = _schema(sample, self.name)
        return sample.derive(**{k: self.apply_row(dict(sample[k]), params, schema)
                                for k in sample.keys_of("features")})

    def apply_row(self, row: dict[str, Any], params: dict[str, Any], schema: Schema) -> dict[str, Any]:
        raise NotImplementedError


class GaussianNoise(TabularTransform):
    """Add ``scale`` x (the column's standard deviation) x N(0, 1) to every numeric column,
    then clip to the column's observed bounds; integer columns are rounded and stay integer;
    missing values stay missing; categorical columns are untouched. ``scale`` may be one number
    or a mapping column -> scale (columns not in it get ``default_scale``; 0 leaves a column be).

    Example:
        >>> import pandas as pd, augmentlab as al
        >>> table = pd.DataFrame({"age": [20, 30, 40, 50]})
        >>> schema = al.tabular.Schema.infer(table)
        >>> out = al.tabular.GaussianNoise(scale=0.5)(features={"age": 20}, schema=schema, seed=0)
        >>> isinstance(out["features"]["age"], int) and 20 <= out["features"]["age"] <= 50
        True
        >>> table2 = pd.DataFrame({"age": [20, 30], "ratio": [1.5, 2.5]})
        >>> t = al.tabular.GaussianNoise(scale={"age": 0.5}, default_scale=0.0)
        >>> schema2 = al.tabular.Schema.infer(table2)
        >>> t(features={"age": 20, "ratio": 1.5}, schema=schema2, seed=0)["features"]["ratio"]
        1.5
    """

    name = "tabular.GaussianNoise"

    def __init__(self, *, scale: float | dict[str, float] = 0.1, default_scale: float = 0.1,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.default_scale = check_number(self.name, "default_scale", default_scale, low=0)
        if isinstance(scale, dict):
            self.scales = {str(k): check_number(self.name, f"scale[{k!r}]", v, low=0)
                           for k, v in scale.items()}
            self.scale = None
        else:
            self.scales = {}
            self.scale = check_number(self.name, "scale", scale, low=0)

    def scale_of(self, column: str) -> float:
        """The noise scale of one column (in units of its standard deviation)."""
        if self.scale is not None:
            return self.scale
        return self.scales.get(column, self.default_scale)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        schema = _schema(sample, self.name)
        names = [n for n, c in schema.columns.items() if c.kind != "categorical"]
        return {"z": dict(zip(names, rng.standard_normal(len(names)).tolist(), strict=True))}

    def apply_row(self, row: dict[str, Any], params: dict[str, Any], schema: Schema) -> dict[str, Any]:
        for name, z in params["z"].items():
            rule, scale = schema.columns[name], self.scale_of(name)
            # scale 0 leaves the value itself, not its float round trip (an id above 2**53)
            if scale == 0 or name not in row or is_missing(row[name]):
                continue
            value = float(row[name]) + scale * rule.std * z
            value = min(max(value, rule.low if rule.low is not None else value),
                        rule.high if rule.high is not None else value)
            row[name] = int(round(value)) if rule.kind == "integer" else value
        return row


class CategoricalResample(TabularTransform):
    """Replace each categorical value, with probability ``rate``, by a value drawn with the
    column's observed frequencies (missing values stay missing).

    Example:
        >>> import pandas as pd, augmentlab as al
        >>> schema = al.tabular.Schema.infer(pd.DataFrame({"city": ["a", "b", "b"]}))
        >>> al.tabular.CategoricalResample(rate=1.0)(features={"city": "a"}, schema=schema,
        ...                                         seed=0)["features"]["city"] in ("a", "b")
        True
    """

    name = "tabular.CategoricalResample"

    def __init__(self, *, rate: float = 0.1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_number("tabular.CategoricalResample", "rate", rate, low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        schema = _schema(sample, self.name)
        chosen = {}
        for name, rule in schema.columns.items():
            if rule.kind == "categorical" and rule.values and rng.random() < self.rate:
                cdf = np.cumsum(rule.weights)
                index = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")),
                            len(rule.values) - 1)
                chosen[name] = index
        return {"index": chosen}

    def apply_row(self, row: dict[str, Any], params: dict[str, Any], schema: Schema) -> dict[str, Any]:
        for name, index in params["index"].items():
            if name in row and not is_missing(row[name]):
                row[name] = schema.columns[name].values[int(index)]
        return row
