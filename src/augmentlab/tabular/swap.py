"""Row transforms that replace values: SwapNoise (a value from the column's observed
distribution, as denoising autoencoders on tables do) and FeatureDropout (a value removed or
set to the column's typical value). Both follow the `Schema`: what they write was observed."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_choice, check_prob
from ..core.sample import Sample
from .noise import TabularTransform, _schema
from .schema import Schema, is_missing

__all__ = ["FeatureDropout", "SwapNoise"]


def _chosen(schema: Schema, rate: float, rng: np.random.Generator) -> list[str]:
    """Column names, each picked with probability `rate` (one draw per column, in order)."""
    names = list(schema.columns)
    picked = rng.random(len(names)) < rate
    return [n for n, p in zip(names, picked.tolist(), strict=True) if p]


class SwapNoise(TabularTransform):
    """Replace each value, with probability `rate`, by a draw from its column's observed
    distribution (swap noise: what taking the value of another random row does, without needing
    the other rows); integers stay integers, categories come from the observed ones, missing
    values stay missing.

    Example:
        >>> import pandas as pd, augmentlab as al
        >>> schema = al.tabular.Schema.infer(pd.DataFrame({"age": [20, 30, 40], "city": ["a", "b", "b"]}))
        >>> out = al.tabular.SwapNoise(rate=1.0)(features={"age": 20, "city": "a"}, schema=schema, seed=1)
        >>> out["features"]["age"] in range(20, 41), out["features"]["city"] in ("a", "b")
        (True, True)
    """

    name = "tabular.SwapNoise"

    def __init__(self, *, rate: float = 0.15, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_prob(self.name, "rate", rate)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        schema = _schema(sample, self.name)
        return {"u": {name: float(rng.random()) for name in _chosen(schema, self.rate, rng)}}

    def apply_row(self, row: dict[str, Any], params: dict[str, Any], schema: Schema) -> dict[str, Any]:
        for name, u in params["u"].items():
            if name in row and not is_missing(row[name]):
                drawn = schema.columns[name].draw(u)
                if drawn is not None:
                    row[name] = drawn
        return row


class FeatureDropout(TabularTransform):
    """Drop each value with probability `rate`: it becomes missing (``fill="missing"``, None)
    or the column's typical value (``fill="typical"``: the mean, rounded for integers, or the
    most frequent category).

    Example:
        >>> import pandas as pd, augmentlab as al
        >>> schema = al.tabular.Schema.infer(pd.DataFrame({"age": [20, 30, 41]}))
        >>> al.tabular.FeatureDropout(rate=1.0, fill="typical")(features={"age": 20}, schema=schema,
        ...                                                     seed=0)["features"]
        {'age': 30}
    """

    name = "tabular.FeatureDropout"

    def __init__(self, *, rate: float = 0.1, fill: str = "missing", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_prob(self.name, "rate", rate)
        self.fill = check_choice(self.name, "fill", fill, ("missing", "typical"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"columns": _chosen(_schema(sample, self.name), self.rate, rng)}

    def apply_row(self, row: dict[str, Any], params: dict[str, Any], schema: Schema) -> dict[str, Any]:
        for name in params["columns"]:
            if name in row:
                row[name] = None if self.fill == "missing" else schema.columns[name].typical()
        return row
