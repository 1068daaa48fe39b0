"""Intervals across seeds and paired comparisons between strategies.

Seeds are few (3-10), so intervals use Student's t, not a normal approximation; comparisons are
paired (the same training subset and seed for both strategies), which removes the subset-to-subset
variation that dominates small-data results.

Bounded metrics (accuracy and the like lie in [0, 1]) can still get an interval past their range:
the t interval is symmetric about the mean, and with 2 seeds it is 12.7 standard errors wide on
each side. The intervals are computed and stored as they are; `clip_interval` clips them to the
metric's range (`metric_range`) where they are shown, and `interval_note` says plainly when fewer
than `MIN_SEEDS` seeds make an interval too wide to use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..core.errors import InvalidInput

__all__ = ["METRIC_RANGES", "MIN_SEEDS", "clip_interval", "interval_note", "mean_interval",
           "metric_range", "paired_difference", "verdict"]

# Fewer seeds than this give intervals too wide to use (Student's t: 12.7 standard errors each side
# with 2 seeds, 4.3 with 3).
MIN_SEEDS = 3

# The values each bounded metric of a cell can take, in the units cells store (fractions; shown
# x100 as percent or points). Metrics not listed (seconds, Frechet distance, ...) are unbounded.
METRIC_RANGES: dict[str, tuple[float, float]] = {
    **{name: (0.0, 1.0) for name in (
        "accuracy", "macro_f1", "balanced_accuracy", "minority_recall", "minority_precision",
        "pr_auc", "train_accuracy", "ece", "robust_accuracy", "invariance")},
    "generalization_gap": (-1.0, 1.0),  # train accuracy - test accuracy
}


def _t_quantile(level: float, dof: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + level / 2, dof))


def mean_interval(values: Sequence[float] | np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Mean with a Student-t interval; ``low == high == mean`` for a single value.

    Example:
        >>> r = mean_interval([0.80, 0.82, 0.84])
        >>> round(r["mean"], 3), round(r["low"], 3), round(r["high"], 3), r["n"]
        (0.82, 0.77, 0.87, 3)
    """
    x = np.asarray(values, dtype=np.float64)
    n = int(x.size)
    if n == 0:
        return {"mean": math.nan, "low": math.nan, "high": math.nan, "n": 0}
    mean = float(x.mean())
    if n == 1:
        return {"mean": mean, "low": mean, "high": mean, "n": 1}
    half = _t_quantile(level, n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return {"mean": mean, "low": mean - half, "high": mean + half, "n": n}


def paired_difference(a: Sequence[float], b: Sequence[float], level: float = 0.95
                      ) -> dict[str, float]:
    """Mean of ``a - b`` over pairs, its t interval and the two-sided paired t-test p-value.

    With all differences equal the spread is zero: the interval collapses to the mean and ``p``
    is 0 (a non-zero difference every time) or 1 (no difference ever).

    Example:
        >>> d = paired_difference([0.90, 0.87, 0.88], [0.85, 0.83, 0.84])
        >>> round(d["mean"], 3), d["low"] > 0, d["p"] < 0.05
        (0.043, True, True)
    """
    x = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    out = mean_interval(x, level)
    n = out["n"]
    if n < 2:
        out["p"] = math.nan
        return out
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        out["p"] = 1.0 if out["mean"] == 0.0 else 0.0
        return out
    from scipy import stats

    t = out["mean"] / (sd / math.sqrt(n))
    out["p"] = float(2 * stats.t.sf(abs(t), n - 1))
    return out


def verdict(diff: dict[str, float]) -> str:
    """What a paired difference says in words: ``helps``, ``hurts`` or ``no detectable effect``
    (``not enough seeds to tell`` with one pair: a single difference has no interval).

    Example:
        >>> verdict({"mean": 0.02, "low": -0.01, "high": 0.05})
        'no detectable effect'
        >>> verdict({"mean": -0.03, "low": -0.05, "high": -0.01})
        'hurts'
        >>> verdict({"mean": 0.04, "low": 0.04, "high": 0.04, "n": 1})
        'not enough seeds to tell'
    """
    if not math.isfinite(diff.get("low", math.nan)) or diff.get("n", MIN_SEEDS) < 2:
        return "not enough seeds to tell"  # one seed: its zero-width "interval" says nothing
    if diff["low"] > 0:
        return "helps"
    if diff["high"] < 0:
        return "hurts"
    return "no detectable effect"


def metric_range(metric: str, *, difference: bool = False) -> tuple[float, float] | None:
    """The range `metric` can take (None: unbounded), or with ``difference=True`` the range of
    the difference of two of its values (``[low - high, high - low]``).

    Example:
        >>> metric_range("accuracy"), metric_range("accuracy", difference=True)
        ((0.0, 1.0), (-1.0, 1.0))
        >>> metric_range("seconds") is None
        True
    """
    bounds = METRIC_RANGES.get(metric)
    if bounds is None or not difference:
        return bounds
    return bounds[0] - bounds[1], bounds[1] - bounds[0]


def clip_interval(interval: Mapping[str, Any], bounds: tuple[float, float] | None
                  ) -> dict[str, Any]:
    """A copy of `interval` (``mean``, ``low``, ``high``, ...) with ``low`` and ``high`` clipped
    to `bounds` (None: unchanged), for showing it. The mean and the other keys are kept as they
    are, and so is `interval` itself: the clipped ends say what the metric can be, no longer how
    wide the t interval was (compute with the raw one).

    Example:
        >>> r = mean_interval([0.80, 0.91])  # 2 seeds: the interval reaches past 100%
        >>> round(r["high"], 3), clip_interval(r, metric_range("accuracy"))["high"]
        (1.554, 1.0)
    """
    out = dict(interval)
    if bounds is None:
        return out
    low, high = float(bounds[0]), float(bounds[1])
    if not low <= high:
        raise InvalidInput(f"clip_interval: bounds {bounds} have the low bound above the high "
                           "one; give them as (low, high)")
    for key in ("low", "high"):
        value = out.get(key)
        if value is not None and not math.isnan(value):
            out[key] = min(max(float(value), low), high)
    return out


def interval_note(n: int, level: float = 0.95) -> str:
    """A plain sentence when `n` seeds are too few for a usable interval (fewer than
    `MIN_SEEDS`), else ``""``.

    Example:
        >>> interval_note(5)
        ''
        >>> interval_note(2)[:60]
        '2 seeds: too few for the interval to be usable. With fewer t'
    """
    n = int(n)
    if n >= MIN_SEEDS or n <= 0:
        return ""
    more = f"run {MIN_SEEDS} or more seeds"
    if n == 1:
        return f"1 seed: no interval (a spread needs at least 2 seeds); {more}."
    q = _t_quantile(level, n - 1)
    return (f"{n} seeds: too few for the interval to be usable. With fewer than {MIN_SEEDS} seeds "
            f"the {100 * level:g}% interval is {q:.1f} standard errors wide on each side (Student's "
            f"t with {n - 1} degree{'s' if n > 2 else ''} of freedom), too wide to use and often "
            f"past the metric's range (shown clipped to it); {more}.")
