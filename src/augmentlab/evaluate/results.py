"""`Results`: every cell of an experiment, with the summaries and comparisons built from them.

The comparisons of one report (every strategy against the baseline, at every train size) form
one family per metric: their p-values are Holm-adjusted together (`stats.holm`) and the verdicts
use the adjusted ones, so that the chance of any false "helps" or "hurts" in a report stays at
5% (per metric). Accuracy differences also carry the test split's own uncertainty when the cells
hold their test predictions (`stats.row_bootstrap`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.optional import require
from .stats import (
    EQUIVALENCE,
    MIN_SEEDS,
    assess,
    clip_interval,
    holm,
    interval_note,
    mean_interval,
    metric_range,
    paired_difference,
)

__all__ = ["SUMMARY_METRICS", "Results", "check_equivalence"]

# (column, cell field): what the summary reports per (strategy, train size)
SUMMARY_METRICS = [
    ("accuracy", "accuracy"), ("macro_f1", "macro_f1"),
    ("balanced_accuracy", "balanced_accuracy"), ("minority_recall", "minority_recall"),
    ("minority_precision", "minority_precision"), ("pr_auc", "pr_auc"),
    ("train_accuracy", "train_accuracy"), ("generalization_gap", "generalization_gap"),
    ("ece", "ece"), ("robust_accuracy", "robust_accuracy"), ("invariance", "invariance"),
]
# what each strategy spent per cell (means over seeds): optimizer steps, the rows the model was
# run or fitted on (augmented views and self-training rounds included), training wall time
COMPUTE = ("steps", "examples_seen", "fit_seconds")


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

    def __init__(self, cells: list[dict[str, Any]], meta: dict[str, Any] | None = None, *,
                 equivalence: float | None = None) -> None:
        self.cells = cells
        self.meta = meta or {}
        analysis = self.meta.get("analysis") or {}
        band = analysis.get("equivalence", EQUIVALENCE) if equivalence is None else equivalence
        self.equivalence = check_equivalence(band)
        self.meta["analysis"] = {**analysis, "equivalence": self.equivalence,
                                 "correction": "holm", "level": 0.95, "power": 0.8}
        self._families: dict[str, dict[tuple[str, int | float], dict[str, Any]]] = {}

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

    def _check(self, names: tuple[str, ...], train_size: int | float) -> None:
        for name in names:
            if name not in self.strategies:
                raise InvalidInput(f"no strategy {name!r}; the results have "
                                   f"{', '.join(self.strategies)}")
        if train_size not in self.train_sizes:
            raise InvalidInput(f"no train size {train_size}; the results have {self.train_sizes}")

    def _test_rows(self, a: str, b: str, train_size: int | float, seeds: list[int]
                   ) -> np.ndarray | None:
        """Per seed, ``correct_a - correct_b`` on every test row; None unless every cell holds
        its test predictions and the results their test labels."""
        labels = self.meta.get("test_labels")
        if not labels:
            return None
        from .metrics import unpack_predictions

        y = unpack_predictions(labels)
        preds: dict[tuple[str, int], str] = {
            (c["strategy"], int(c["seed"])): c["test_predictions"] for c in self.cells
            if c["train_size"] == train_size and c["strategy"] in (a, b)
            and c.get("test_predictions")}
        if any((name, s) not in preds for name in (a, b) for s in seeds):
            return None
        out = np.empty((len(seeds), len(y)), dtype=np.int8)  # pragma: no mutate
        for k, s in enumerate(seeds):
            pa, pb = unpack_predictions(preds[(a, s)]), unpack_predictions(preds[(b, s)])
            if len(pa) != len(y) or len(pb) != len(y):
                return None  # cells of another test split: compare their seeds only
            out[k] = (pa == y).astype(np.int8) - (pb == y).astype(np.int8)
        return out

    def _single(self, a: str, b: str, train_size: int | float, metric: str, level: float
                ) -> dict[str, Any]:
        va, vb = self.values(a, train_size, metric), self.values(b, train_size, metric)
        seeds = sorted(set(va) & set(vb))
        if not seeds:
            raise InvalidInput(f"no seeds where both {a!r} and {b!r} report {metric!r}")
        rows = self._test_rows(a, b, train_size, seeds) if metric == "accuracy" else None
        d: dict[str, Any] = paired_difference([va[s] for s in seeds], [vb[s] for s in seeds],
                                              level, rows=rows)
        d["test_rows"] = rows is not None
        return d

    def comparisons(self, metric: str = "accuracy") -> dict[tuple[str, int | float], dict[str, Any]]:
        """Every strategy against the baseline at every train size on `metric`: (strategy,
        size) -> the paired difference (see `paired_difference`) with ``p_adjusted`` (Holm over
        this family), ``comparisons`` (its size), ``verdict``, ``mde`` and ``seeds_needed``.

        Example:
            >>> runs = [(0.70, 0.74, 0.71), (0.72, 0.73, 0.75), (0.71, 0.73, 0.74),
            ...         (0.69, 0.70, 0.70)]  # per seed: baseline, one, two
            >>> cells = [{"strategy": s, "train_size": 10, "seed": k, "accuracy": a}
            ...          for k, run in enumerate(runs)
            ...          for s, a in zip(("baseline", "one", "two"), run)]
            >>> fam = Results(cells).comparisons()
            >>> [(name, round(d["p"], 3), round(d["p_adjusted"], 3), d["verdict"])
            ...  for (name, size), d in fam.items()]  # "two" alone would be p < 0.05
            [('one', 0.066, 0.081, 'inconclusive'), ('two', 0.041, 0.081, 'inconclusive')]
        """
        if metric in self._families:
            return self._families[metric]
        family: dict[tuple[str, int | float], dict[str, Any]] = {}
        for size in self.train_sizes:
            for strategy in self.strategies[1:]:
                try:
                    family[(strategy, size)] = self._single(strategy, self.baseline, size,
                                                            metric, 0.95)
                except InvalidInput:
                    continue  # a metric this size's cells do not report
        adjusted = holm([d["p"] for d in family.values()])
        tested = sum(not math.isnan(p) for p in adjusted)
        for d, p in zip(family.values(), adjusted, strict=True):  # pragma: no mutate
            d["p_adjusted"], d["comparisons"] = p, tested
            d.update(assess(d, p_adjusted=p, equivalence=self.equivalence))
        self._families[metric] = family
        return family

    def paired_difference(self, a: str, b: str, *, train_size: int | float, metric: str = "accuracy",
                          level: float = 0.95) -> dict[str, Any]:
        """``a - b`` on `metric`, paired by seed: ``mean``, ``low``, ``high`` (the interval),
        ``p`` (paired t-test), ``p_adjusted``, ``p_beats``, ``n``, ``verdict``, ``mde`` and
        ``seeds_needed`` (see `stats.assess`).

        When ``b`` is the baseline, this is the report's comparison: its p-value is adjusted
        for every comparison of the report on this metric (`comparisons`) and the verdict uses
        the adjusted one. Any other pair is a comparison on its own (``p_adjusted == p``): fine
        for one comparison decided on before looking; after looking at many, adjust for them.
        """
        self._check((a, b), train_size)
        if b == self.baseline and a != b and level == 0.95:
            family = self.comparisons(metric)
            if (a, train_size) in family:
                return dict(family[(a, train_size)])
        d = self._single(a, b, train_size, metric, level)
        d["p_adjusted"], d["comparisons"] = d["p"], 1
        d.update(assess(d, equivalence=self.equivalence, level=level))
        return d

    def summary(self, *, clip: bool = False) -> Any:
        """A pandas DataFrame: one row per (strategy, train size) with mean and 95% interval of
        each metric; for every strategy but the baseline, the paired difference in accuracy vs
        the baseline (``diff_vs_baseline``, ``diff_low``, ``diff_high``, ``diff_p``), its
        Holm-adjusted p-value over the report's accuracy comparisons (``diff_p_adjusted``),
        ``p_beats`` (the chance one run beats one baseline run), the ``verdict`` (helps, hurts,
        equivalent, inconclusive; see `stats.assess`), ``mde`` (the minimum detectable effect at
        80% power) and ``seeds_needed`` (to resolve an inconclusive one); and ``interval_note``:
        why the row's intervals are too wide to use (fewer than 3 seeds), or ``""``.

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
        pd = require("pandas", "measure", "Results.summary")  # pragma: no mutate

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
                               diff_p=d["p"], diff_p_adjusted=d["p_adjusted"],
                               p_beats=d["p_beats"], verdict=d["verdict"], mde=d["mde"],
                               seeds_needed=d["seeds_needed"])
                    seeds = min(seeds, d["n"])
                row.update(self.compute(strategy, size))
                row["interval_note"] = interval_note(seeds)
                rows.append(row)
        frame = pd.DataFrame(rows)
        if "interval_note" in frame:  # the last column (baseline rows have no diff_* columns)
            frame = frame[[c for c in frame.columns if c != "interval_note"] + ["interval_note"]]
        return frame

    def compute(self, strategy: str, train_size: int | float) -> dict[str, float]:
        """What `strategy` spent per cell at `train_size`, averaged over seeds: ``steps``,
        ``examples_seen`` and ``fit_seconds`` (those its cells recorded; older caches lack some).

        Example:
            >>> cells = [{"strategy": "a", "train_size": 10, "seed": k, "accuracy": 0.5,
            ...           "steps": 500, "examples_seen": 16000, "seconds": {"fit": 2.0 + k}}
            ...          for k in range(2)]
            >>> Results(cells).compute("a", 10)
            {'steps': 500.0, 'examples_seen': 16000.0, 'fit_seconds': 2.5}
        """
        cells = [c for c in self.cells
                 if c["strategy"] == strategy and c["train_size"] == train_size]
        values: dict[str, list[float]] = {k: [] for k in COMPUTE}
        for c in cells:
            seconds = (c.get("seconds") or {}).get("fit")
            for key, v in (("steps", c.get("steps")), ("examples_seen", c.get("examples_seen")),
                           ("fit_seconds", seconds)):
                if isinstance(v, (int, float)):
                    values[key].append(float(v))
        return {k: float(np.mean(v)) for k, v in values.items() if v}

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
        below: list[str] = []
        cols = ["strategy", "train_size", "seeds", "accuracy", "accuracy_low", "accuracy_high"]
        if "diff_vs_baseline" in frame:
            cols += ["diff_vs_baseline", "diff_low", "diff_high", "diff_p_adjusted", "verdict"]
            if (frame["verdict"] == "inconclusive").any():
                cols.append("seeds_needed")
        cols += [c for c in ("examples_seen", "fit_seconds") if c in frame]
        shown = frame[cols].copy()
        if "examples_seen" in shown:  # the compute each strategy spent, per seed
            shown["examples_seen"] = [_count(v) for v in shown["examples_seen"]]
            below.append("examples_seen: rows the model was run on per seed (views and "
                         "self-training rounds included); fit_seconds: training wall time per seed")
        if "fit_seconds" in shown:
            shown["fit_seconds"] = shown["fit_seconds"].round(1)
        for c in cols:
            if c.startswith(("accuracy", "diff_")) and c != "diff_p_adjusted":
                shown[c] = (shown[c] * 100).round(1)
        if "diff_p_adjusted" in shown:
            shown["diff_p_adjusted"] = shown["diff_p_adjusted"].round(3)
            shown = shown.rename(columns={"diff_p_adjusted": "p_adjusted"})
        if "seeds_needed" in shown:
            inconclusive = frame["verdict"] == "inconclusive"
            shown["seeds_needed"] = [
                "" if not flag else "-" if n is None or (isinstance(n, float) and math.isnan(n))
                else str(int(n)) for flag, n in zip(inconclusive, frame["seeds_needed"], strict=True)]
            below.append("seeds_needed: about how many seeds would settle an inconclusive row; "
                         "'-': more seeds alone would not (the effect is too small to tell on "
                         "this test split)")
        below += self._auto_lines()
        if "p_adjusted" in shown:
            below.append("p_adjusted: Holm-adjusted over the table's comparisons; helps/hurts "
                         "below 0.05, equivalent: the whole interval within "
                         f"+-{100 * self.equivalence:g} points")
        notes = [str(n) for n in frame["interval_note"]] if "interval_note" in frame else []
        if any(notes):
            shown["note"] = ["*" if n else "" for n in notes]
        text = shown.to_string(index=False, na_rep="")
        stars = list(dict.fromkeys(n for n in notes if n))
        text += "".join(f"\n\n* {n}" if k == 0 else f"\n* {n}" for k, n in enumerate(stars))
        return text + "".join(f"\n\n{n}" if k == 0 else f"\n{n}" for k, n in enumerate(below))

    def _auto_lines(self) -> list[str]:
        """What each ``auto`` strategy chose, per training size, over the seeds."""
        chosen: dict[tuple[str, Any], list[str]] = {}
        for c in self.cells:
            if c.get("auto"):
                chosen.setdefault((c["strategy"], c["train_size"]), []).append(c["auto"]["chosen"])
        return [f"{name} at {size}: chose " + ", ".join(
                    f"{n} in {names.count(n)} of {len(names)} seeds" for n in dict.fromkeys(names))
                + " (cross-validated on each cell's labelled rows; the report shows the evidence)"
                for (name, size), names in sorted(chosen.items(), key=str)]

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


def _count(v: float) -> str:
    """A count in a few characters: 950, 16k, 1.2M.

    Example:
        >>> _count(950.0), _count(16000.0), _count(1234567.0)
        ('950', '16k', '1.2M')
    """
    if not np.isfinite(v):
        return ""
    if v >= 1e6:
        return f"{v / 1e6:.1f}M"
    return f"{v / 1e3:.0f}k" if v >= 1e4 else f"{v:.0f}"


def check_equivalence(band: Any) -> float:
    """The equivalence band as a fraction in (0, 1) (0.01: one point), or InvalidConfig."""
    if isinstance(band, bool) or not isinstance(band, (int, float, np.integer, np.floating)) \
            or not 0 < float(band) < 1:
        raise InvalidConfig(f"equivalence={band!r}: give the band as a fraction between 0 and 1 "
                            "(0.01 is one point of accuracy either way)")
    return float(band)
