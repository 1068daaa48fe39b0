"""Intervals across seeds and paired comparisons between strategies.

Seeds are few (3-10), so intervals use Student's t, not a normal approximation; comparisons are
paired (the same training subset and seed for both strategies), which removes the subset-to-subset
variation that dominates small-data results.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["mean_interval", "paired_difference", "verdict"]


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
    """What a paired difference says in words: ``helps``, ``hurts`` or ``no detectable effect``.

    Example:
        >>> verdict({"mean": 0.02, "low": -0.01, "high": 0.05})
        'no detectable effect'
        >>> verdict({"mean": -0.03, "low": -0.05, "high": -0.01})
        'hurts'
    """
    if not math.isfinite(diff.get("low", math.nan)):
        return "not enough seeds to tell"
    if diff["low"] > 0:
        return "helps"
    if diff["high"] < 0:
        return "hurts"
    return "no detectable effect"
