"""`Results`: every cell of an experiment, with the summaries and comparisons built from them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.optional import require
from .stats import (
    MIN_SEEDS,
    clip_interval,
    interval_note,
    mean_interval,
    metric_range,
    paired_difference,
    verdict,
)

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

    def summary(self, *, clip: bool = False) -> Any:
        """A pandas DataFrame: one row per (strategy, train size) with mean and 95% interval of
        each metric, the paired difference in accuracy vs the baseline with its verdict, and
        ``interval_note``: why the row's intervals are too wide to use (fewer than 3 seeds), or
        ``""``.

        ``clip=True`` gives the intervals as they are shown: each end clipped to what its metric
        can be (accuracy in [0, 1], an accuracy difference in [-1, 1]; see `metric_range`), and
        none from a single seed. The default keeps the intervals as computed: ``summary.csv``
        holds those, because a clipped end no longer says how wide the interval was, and it is
        the width that tells a reader the seeds were too few; the note says so in words.

        Example:
            >>> cells = [{"strategy": "baseline", "train_size": 10, "seed": k, "accuracy": a}
            ...          for k, a in enumerate([0.80, 0.91])]
            >>> raw, shown = Results(cells).summary(), Results(cells).summary(clip=True)
            >>> round(float(raw["accuracy_high"][0]), 3), float(shown["accuracy_high"][0])
            (1.554, 1.0)
            >>> raw["interval_note"][0][:23]
            '2 seeds: too few for th'
        """
        pd = require("pandas", "measure", "Results.summary")

        def shown(stats: dict[str, Any], bounds: tuple[float, float] | None) -> dict[str, Any]:
            if not clip:
                return stats
            out = clip_interval(stats, bounds)
            if out["n"] < 2:  # one value: a zero-width "interval" at the mean would mislead
                out["low"] = out["high"] = math.nan
            return out

        rows = []
        for size in self.train_sizes:
            for strategy in self.strategies:
                row: dict[str, Any] = {"strategy": strategy, "train_size": size}
                seeds = MIN_SEEDS
                for column, field in SUMMARY_METRICS:
                    vals = list(self.values(strategy, size, field).values())
                    if not vals:
                        continue
                    stats = shown(mean_interval(vals), metric_range(field))
                    row["seeds"] = stats["n"]
                    seeds = min(seeds, stats["n"])
                    row[column] = stats["mean"]
                    row[f"{column}_low"], row[f"{column}_high"] = stats["low"], stats["high"]
                if strategy != self.baseline:
                    d = self.paired_difference(strategy, self.baseline, train_size=size)
                    d = shown(d, metric_range("accuracy", difference=True))
                    row.update(diff_vs_baseline=d["mean"], diff_low=d["low"], diff_high=d["high"],
                               diff_p=d["p"], verdict=d["verdict"])
                    seeds = min(seeds, d["n"])
                row["interval_note"] = interval_note(seeds)
                rows.append(row)
        frame = pd.DataFrame(rows)
        if "interval_note" in frame:  # the last column (baseline rows have no diff_* columns)
            frame = frame[[c for c in frame.columns if c != "interval_note"] + ["interval_note"]]
        return frame

    def summary_text(self) -> str:
        """The summary as the command line prints it: accuracy and the difference vs the baseline
        in percent and points with their 95% intervals, clipped to what they can be (0-100%,
        -100 to +100 points); rows whose intervals rest on fewer than 3 seeds are marked ``*``
        and a line below the table says why they are too wide to use.

        Example:
            >>> cells = [{"strategy": "baseline", "train_size": 10, "seed": k, "accuracy": a}
            ...          for k, a in enumerate([0.80, 0.91])]
            >>> print(Results(cells).summary_text())  # doctest: +ELLIPSIS
            strategy  train_size  seeds  accuracy  accuracy_low  accuracy_high note
            baseline          10      2      85.5          15.6          100.0    *
            <BLANKLINE>
            * 2 seeds: too few for the interval to be usable. ...
        """
        frame = self.summary(clip=True)
        cols = ["strategy", "train_size", "seeds", "accuracy", "accuracy_low", "accuracy_high"]
        if "diff_vs_baseline" in frame:
            cols += ["diff_vs_baseline", "diff_low", "diff_high", "diff_p", "verdict"]
        shown = frame[cols].copy()
        for c in cols:
            if c.startswith(("accuracy", "diff_")) and c != "diff_p":
                shown[c] = (shown[c] * 100).round(1)
        notes = [str(n) for n in frame["interval_note"]] if "interval_note" in frame else []
        if any(notes):
            shown["note"] = ["*" if n else "" for n in notes]
        text = shown.to_string(index=False, na_rep="")
        below = list(dict.fromkeys(n for n in notes if n))
        return text + "".join(f"\n\n* {n}" if k == 0 else f"\n* {n}" for k, n in enumerate(below))

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
