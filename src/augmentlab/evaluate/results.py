"""`Results`: every cell of an experiment, with the summaries and comparisons built from them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidInput, MissingDependency
from .stats import mean_interval, paired_difference, verdict

__all__ = ["SUMMARY_METRICS", "Results"]

# (column, cell field): what the summary reports per (strategy, train size)
SUMMARY_METRICS = [
    ("accuracy", "accuracy"), ("macro_f1", "macro_f1"),
    ("balanced_accuracy", "balanced_accuracy"), ("minority_recall", "minority_recall"),
    ("minority_precision", "minority_precision"), ("pr_auc", "pr_auc"),
    ("train_accuracy", "train_accuracy"), ("generalization_gap", "generalization_gap"),
    ("ece", "ece"), ("robust_accuracy", "robust_accuracy"), ("invariance", "invariance"),
]


class Results:
    """The cells of one experiment (one dict per strategy x size x seed) and what they say.

    Example:
        >>> cells = [{"strategy": s, "train_size": 10, "seed": k, "accuracy": a}
        ...          for k, (b, a2) in enumerate([(0.70, 0.75), (0.72, 0.78), (0.69, 0.74)])
        ...          for s, a in (("baseline", b), ("aug", a2))]
        >>> d = Results(cells).paired_difference("aug", "baseline", train_size=10)
        >>> round(d["mean"], 3), d["low"] > 0
        (0.053, True)
    """

    def __init__(self, cells: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> None:
        self.cells = cells
        self.meta = meta or {}

    @property
    def strategies(self) -> list[str]:
        return list(dict.fromkeys(c["strategy"] for c in self.cells))

    @property
    def train_sizes(self) -> list[int | float]:
        return sorted({c["train_size"] for c in self.cells})

    @property
    def baseline(self) -> str:
        """The strategy every other one is compared with (the one the experiment lists first)."""
        return self.strategies[0]

    def values(self, strategy: str, train_size: int | float, metric: str = "accuracy") -> dict[int, float]:
        """seed -> metric value."""
        out = {}
        for c in self.cells:
            if c["strategy"] == strategy and c["train_size"] == train_size:
                v = c.get(metric)
                if v is not None:
                    out[int(c["seed"])] = float(v)
        return out

    def paired_difference(self, a: str, b: str, *, train_size: int | float, metric: str = "accuracy",
                          level: float = 0.95) -> dict[str, Any]:
        """``a - b`` on `metric`, paired by seed: ``mean``, ``low``, ``high`` (the interval),
        ``p`` (paired t-test), ``n`` and ``verdict``."""
        for name in (a, b):
            if name not in self.strategies:
                raise InvalidInput(f"no strategy {name!r}; the results have "
                                   f"{', '.join(self.strategies)}")
        if train_size not in self.train_sizes:
            raise InvalidInput(f"no train size {train_size}; the results have {self.train_sizes}")
        va, vb = self.values(a, train_size, metric), self.values(b, train_size, metric)
        seeds = sorted(set(va) & set(vb))
        if not seeds:
            raise InvalidInput(f"no seeds where both {a!r} and {b!r} report {metric!r}")
        d: dict[str, Any] = paired_difference([va[s] for s in seeds], [vb[s] for s in seeds], level)
        d["verdict"] = verdict(d)
        return d

    def summary(self) -> Any:
        """A pandas DataFrame: one row per (strategy, train size) with mean and 95% interval of
        each metric, and the paired difference in accuracy vs the baseline with its verdict."""
        try:
            import pandas as pd
        except ImportError:
            raise MissingDependency("pandas", "measure", "Results.summary") from None
        rows = []
        for size in self.train_sizes:
            for strategy in self.strategies:
                row: dict[str, Any] = {"strategy": strategy, "train_size": size}
                for column, field in SUMMARY_METRICS:
                    vals = list(self.values(strategy, size, field).values())
                    if not vals:
                        continue
                    stats = mean_interval(vals)
                    row["seeds"] = stats["n"]
                    row[column] = stats["mean"]
                    row[f"{column}_low"], row[f"{column}_high"] = stats["low"], stats["high"]
                if strategy != self.baseline:
                    d = self.paired_difference(strategy, self.baseline, train_size=size)
                    row.update(diff_vs_baseline=d["mean"], diff_low=d["low"], diff_high=d["high"],
                               diff_p=d["p"], verdict=d["verdict"])
                rows.append(row)
        return pd.DataFrame(rows)

    def best(self, train_size: int | float, metric: str = "accuracy") -> str:
        """The strategy with the highest mean `metric` at `train_size`."""
        means = {s: np.mean(list(self.values(s, train_size, metric).values()) or [-math.inf])
                 for s in self.strategies}
        return max(means, key=lambda s: means[s])

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "cells": self.cells}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Results:
        return cls(list(d["cells"]), dict(d.get("meta", {})))
