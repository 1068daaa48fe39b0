"""Intervals across seeds and paired comparisons between strategies.

Seeds are few (3-10), so intervals use Student's t, not a normal approximation; comparisons are
paired (the same training subset and seed for both strategies), which removes the subset-to-subset
variation that dominates small-data results.

Bounded metrics (accuracy and the like lie in [0, 1]) can still get an interval past their range:
the t interval is symmetric about the mean, and with 2 seeds it is 12.7 standard errors wide on
each side. The intervals are computed and stored as they are; `clip_interval` clips them to the
metric's range (`metric_range`) where they are shown, and `interval_note` says plainly when fewer
than `MIN_SEEDS` seeds make an interval too wide to use.

A report makes many comparisons against one baseline (every strategy at every size, on several
metrics); at 95% each, some would come out "helps" by chance alone. `holm` adjusts the p-values
of one family (one metric's comparisons in one report) so that the chance of any false call in
the family stays at 5% (Holm's step-down method: uniformly more powerful than Bonferroni, valid
under any dependence between the comparisons). `assess` turns a difference and its adjusted
p-value into one of four verdicts:

- ``helps`` / ``hurts``: the adjusted p-value is below 0.05;
- ``equivalent``: the whole interval lies inside the equivalence band (default
  ``EQUIVALENCE`` = 1 point either way): no effect larger than that;
- ``inconclusive``: neither. It comes with the minimum detectable effect at 80% power for the
  observed spread (`min_detectable_effect`) and the seeds that would resolve it (`seeds_needed`).

With fewer than `MIN_SEEDS` seeds the verdict is ``not enough seeds to tell``.

The seeds are not the only source of chance: the test split is a sample too. When the
per-row results of each seed are known (`row_bootstrap`), the test rows are bootstrapped
(paired: the same resampled rows for both strategies, shared by every seed, as in Bouthillier et
al. 2021, "Accounting for variance in machine learning benchmarks") and that variance is added
to the seed variance of the mean difference; the same bootstrap gives P(beats): the chance that
one run of the strategy scores above one run of the baseline with the same seed, on a test split
drawn like this one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from ..core.errors import InvalidInput

__all__ = ["EQUIVALENCE", "METRIC_RANGES", "MIN_SEEDS", "POWER", "VERDICTS", "assess",
           "clip_interval", "holm", "interval_note", "mean_interval", "metric_range",
           "min_detectable_effect", "paired_difference", "row_bootstrap", "seeds_needed",
           "verdict"]

# Fewer seeds than this give intervals too wide to use (Student's t: 12.7 standard errors each side
# with 2 seeds, 4.3 with 3).
MIN_SEEDS = 3

# "No effect larger than this" is claimed only when the whole interval lies inside +- this band
# (a fraction: 0.01 is one point of accuracy).
EQUIVALENCE = 0.01
# The power at which `min_detectable_effect` is quoted.
POWER = 0.8
# Every verdict, best first; "not enough seeds to tell" below MIN_SEEDS seeds.
VERDICTS = ("helps", "equivalent", "inconclusive", "hurts", "not enough seeds to tell")
TOO_FEW = VERDICTS[-1]

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


def row_bootstrap(rows: np.ndarray, *, reps: int = 1000, seed: int = 0
                    ) -> dict[str, float]:
    """What resampling the test rows does to a paired difference: `rows` holds, per seed (one
    row each), the per-test-row difference of the two strategies (e.g. ``correct_a -
    correct_b``: -1, 0 or 1). The rows are bootstrapped `reps` times, the same resampled rows for
    both strategies and every seed (the test split is one sample, shared by all seeds).

    Returns ``variance``: the bootstrap variance of the mean over seeds of the difference (the
    test split's share of the uncertainty, to add to the seeds' share), and ``p_beats``: the
    share of (resample, seed) pairs where the strategy scores higher (ties count half): the
    chance that one run of it beats one run of the other with the same seed on a test split
    drawn like this one. Deterministic for a `seed`.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a = rng.random((5, 2000)) < 0.80; b = rng.random((5, 2000)) < 0.78
        >>> out = row_bootstrap(a.astype(int) - b.astype(int))
        >>> 0.005 < out["variance"] ** 0.5 < 0.02, 0.8 < out["p_beats"] <= 1.0
        (True, True)
    """
    d = np.asarray(rows, dtype=np.float64)
    if d.ndim != 2 or d.shape[1] == 0:
        raise InvalidInput(f"row_bootstrap: rows must be (seeds, test rows) with at least one "
                           f"test row, got shape {d.shape}")
    if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 2:
        raise InvalidInput(f"row_bootstrap: reps={reps!r}; give a whole number of resamples, "
                           "at least 2 (a variance needs two)")
    n_rows = d.shape[1]
    rng = np.random.default_rng([int(seed), 31337])
    means = np.empty((d.shape[0], reps))
    chunk = max(1, min(reps, 2_000_000 // max(1, n_rows)))
    for start in range(0, reps, chunk):
        stop = min(reps, start + chunk)
        idx = rng.integers(0, n_rows, size=(stop - start, n_rows))
        means[:, start:stop] = d[:, idx].mean(axis=2)
    over_seeds = means.mean(axis=0)
    p_beats = float(np.mean(means > 0) + 0.5 * np.mean(means == 0))
    return {"variance": float(over_seeds.var(ddof=1)), "p_beats": p_beats}


def paired_difference(a: Sequence[float], b: Sequence[float], level: float = 0.95, *,
                      rows: np.ndarray | None = None) -> dict[str, float]:
    """Mean of ``a - b`` over pairs (seeds), its t interval and the two-sided paired t-test
    p-value, with ``sd`` (the spread of the differences), ``se`` (the standard error used) and
    ``p_beats`` (the share of pairs where ``a`` is higher, ties counting half).

    `rows` (one row per pair: the per-test-row differences, see `row_bootstrap`) adds the test
    split's variance to the seeds': ``se = sqrt(sd**2 / n + test variance)``, the interval and
    p-value use it (Student's t with ``n - 1`` degrees of freedom), ``test_se`` says how much
    came from the test rows and ``p_beats`` comes from the bootstrap.

    With all differences equal and no test rows the spread is zero: the interval collapses to
    the mean and ``p`` is 0 (a non-zero difference every time) or 1 (no difference ever). One
    pair has no interval and ``p`` is NaN.

    Example:
        >>> d = paired_difference([0.90, 0.87, 0.88], [0.85, 0.83, 0.84])
        >>> round(d["mean"], 3), d["low"] > 0, d["p"] < 0.05, d["p_beats"]
        (0.043, True, True, 1.0)
    """
    x = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    out: dict[str, float] = dict(mean_interval(x, level))
    n = int(out["n"])
    out["sd"] = float(x.std(ddof=1)) if n >= 2 else math.nan
    out["p_beats"] = float(np.mean(x > 0) + 0.5 * np.mean(x == 0)) if n else math.nan
    test_var = 0.0
    if rows is not None and n:
        rows = np.asarray(rows)
        if rows.shape[0] != n:
            raise InvalidInput(f"paired_difference: rows has {rows.shape[0]} seeds, the values "
                               f"{n}; give one row of per-test-row differences per pair")
        spread = row_bootstrap(rows)
        test_var, out["p_beats"] = spread["variance"], spread["p_beats"]
        out["test_se"] = math.sqrt(test_var)
    if n < 2:
        out["se"] = math.nan
        out["p"] = math.nan
        return out
    se = math.sqrt(out["sd"] ** 2 / n + test_var)
    out["se"] = se
    if se == 0.0:
        out["p"] = 1.0 if out["mean"] == 0.0 else 0.0
        return out
    from scipy import stats

    half = _t_quantile(level, n - 1) * se
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    out["p"] = float(2 * stats.t.sf(abs(out["mean"] / se), n - 1))
    return out


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values of one family of comparisons, in the given order: the
    i-th smallest p is multiplied by (m - i + 1), made non-decreasing and capped at 1. Calling
    each adjusted p below 0.05 significant keeps the chance of any false call in the family at
    5% whatever the dependence between the comparisons. NaN (no test) stays NaN and does not
    count in the family.

    Example:
        >>> holm([0.01, 0.04, 0.03])
        [0.03, 0.06, 0.06]
        >>> holm([0.2, float("nan")])
        [0.2, nan]
    """
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, math.nan)
    tested = np.flatnonzero(~np.isnan(p))
    m = len(tested)
    order = tested[np.argsort(p[tested], kind="stable")]
    running = 0.0
    for i, j in enumerate(order):
        running = max(running, min(1.0, (m - i) * float(p[j])))
        out[j] = running
    return [float(v) for v in out]


def _power(effect: float | np.ndarray, se: float | np.ndarray, n: int | np.ndarray,
           level: float) -> np.ndarray:
    """Power of the two-sided paired t-test on `n` pairs against a true `effect` with standard
    error `se` (the noncentral t distribution, exact for normal differences)."""
    from scipy import stats

    dof = np.asarray(n) - 1
    crit = stats.t.ppf(0.5 + level / 2, dof)
    nc = np.abs(effect) / np.asarray(se)
    # the far tail (a significant result of the wrong sign) is negligible where scipy's
    # noncentral t gives NaN for it (large nc)
    return np.asarray(stats.nct.sf(crit, dof, nc)
                      + np.nan_to_num(stats.nct.cdf(-crit, dof, nc), nan=0.0))


@lru_cache(maxsize=4096)
def _mde_factor(n: int, level: float, power: float) -> float:
    """The minimum detectable effect in standard errors: it depends on `n` alone (the test
    statistic is the effect over its standard error), so it is solved once per `n`."""
    from scipy import optimize, stats

    guess = float(_t_quantile(level, n - 1) + stats.t.ppf(power, n - 1))
    return float(optimize.brentq(lambda k: float(_power(k, 1.0, n, level)) - power,
                                 0.0, 2 * guess + 1, xtol=1e-12))


def min_detectable_effect(se: float, n: int, level: float = 0.95, power: float = POWER) -> float:
    """The smallest true difference a two-sided paired t-test on `n` seeds detects with
    probability `power`, for a standard error `se` of the mean difference. Solved exactly on the
    noncentral t distribution; close to the textbook ``(t[1 - alpha/2, n-1] + t[power, n-1]) *
    se``, which is a few percent short at 3 seeds (77% power instead of 80%).

    Example:
        >>> round(min_detectable_effect(0.014 / 5 ** 0.5, 5), 4)  # sd 1.4 points, 5 seeds
        0.0235
    """
    if n < 2 or not math.isfinite(se):
        return math.nan
    return _mde_factor(int(n), float(level), float(power)) * float(se)


def _first(ok: Callable[[int], bool], low: int, high: int) -> int | None:
    """The smallest n in [low, high] with ok(n), for an `ok` that stays true once true."""
    if not ok(high):
        return None
    while low < high:
        mid = (low + high) // 2
        if ok(mid):
            high = mid
        else:
            low = mid + 1
    return low


def seeds_needed(mean: float, sd: float, *, test_variance: float = 0.0,
                 equivalence: float = EQUIVALENCE, level: float = 0.95, power: float = POWER,
                 limit: int = 1000) -> int | None:
    """The seeds that would likely resolve an inconclusive difference: enough to detect an
    effect as large as `mean` with probability `power`, or (when ``|mean|`` is inside the band)
    enough for the interval around it to fit inside ``+-equivalence``; whichever is fewer.
    `sd` is the spread of the per-seed differences; `test_variance` (the test split's share,
    which more seeds do not shrink) is kept as it is. None when no count up to `limit` would
    do (too small an effect, or a test split too small to tell).

    Example:
        >>> seeds_needed(0.01, 0.014)  # +1 point, per-seed sd 1.4 points
        18
        >>> seeds_needed(0.002, 0.014)  # +0.2 points: shown equivalent to 0 with more seeds
        15
    """
    if not (math.isfinite(mean) and math.isfinite(sd)):
        return None

    def se(n: int) -> float:
        return math.sqrt(sd * sd / n + test_variance)

    found = [_first(lambda n: abs(mean) + _t_quantile(level, n - 1) * se(n) < equivalence,
                    MIN_SEEDS, limit)]
    if mean != 0:
        found.append(_first(lambda n: min_detectable_effect(se(n), n, level, power) <= abs(mean),
                            MIN_SEEDS, limit))
    hits = [n for n in found if n is not None]
    return min(hits) if hits else None


def _require_interval(diff: Mapping[str, Any]) -> None:
    missing = [k for k in ("mean", "low", "high") if k not in diff]
    if missing:
        raise InvalidInput(f"the difference lacks {', '.join(map(repr, missing))}; give its mean "
                           "and interval (low, high) and n, as paired_difference returns them")


def assess(diff: Mapping[str, Any], *, p_adjusted: float | None = None,
           equivalence: float = EQUIVALENCE, level: float = 0.95, power: float = POWER,
           alpha: float = 0.05) -> dict[str, Any]:
    """The verdict on a paired difference (from `paired_difference`) and what would settle it:
    ``verdict`` (see `VERDICTS`), ``mde`` (minimum detectable effect at `power`) and, when
    inconclusive, ``seeds_needed`` (None: more seeds would not do it). `p_adjusted` is the
    difference's p-value after the family's correction (`holm`); without it, ``diff["p"]``.

    Example:
        >>> d = paired_difference([0.81, 0.80, 0.83, 0.79, 0.82], [0.80, 0.81, 0.81, 0.80, 0.80])
        >>> a = assess(d)
        >>> a["verdict"], round(a["mde"], 3), a["seeds_needed"]
        ('inconclusive', 0.026, 53)
        >>> assess(d, equivalence=0.05)["verdict"]
        'equivalent'
    """
    if ("low" in diff) != ("high" in diff):  # half an interval is a malformed difference
        _require_interval(diff)
    n = int(diff.get("n", 0))
    p = diff.get("p", math.nan) if p_adjusted is None else p_adjusted
    se = diff.get("se", math.nan)
    mde = min_detectable_effect(se, n, level, power)
    out: dict[str, Any] = {"verdict": TOO_FEW, "mde": mde, "seeds_needed": None}
    if n < MIN_SEEDS or p is None or math.isnan(p):
        return out  # nothing to judge (an empty mapping, no test): too few to tell
    _require_interval(diff)
    low, high, mean = diff["low"], diff["high"], diff["mean"]
    if p < alpha and mean != 0:
        out["verdict"] = "helps" if mean > 0 else "hurts"
    elif -equivalence < low and high < equivalence:
        out["verdict"] = "equivalent"
    else:
        out["verdict"] = "inconclusive"
        test_se = diff.get("test_se", 0.0)
        out["seeds_needed"] = seeds_needed(mean, diff.get("sd", math.nan),
                                           test_variance=test_se * test_se,
                                           equivalence=equivalence, level=level, power=power)
    return out


def verdict(diff: Mapping[str, Any], *, equivalence: float = EQUIVALENCE) -> str:
    """What a paired difference says in words (see `assess`, which also says what would settle
    an inconclusive one): ``helps``, ``hurts``, ``equivalent`` (the whole interval inside
    ``+-equivalence``) or ``inconclusive``; ``not enough seeds to tell`` with fewer than 3 pairs.
    Uses ``diff["p_adjusted"]`` when present, else ``diff["p"]``, else the interval.

    Example:
        >>> verdict({"mean": 0.02, "low": -0.01, "high": 0.05, "n": 5})
        'inconclusive'
        >>> verdict({"mean": -0.03, "low": -0.05, "high": -0.01, "n": 5})
        'hurts'
        >>> verdict({"mean": 0.001, "low": -0.004, "high": 0.006, "n": 5})
        'equivalent'
        >>> verdict({"mean": 0.04, "low": 0.01, "high": 0.07, "n": 2})
        'not enough seeds to tell'
    """
    if ("low" in diff) != ("high" in diff):  # half an interval is a malformed difference
        _require_interval(diff)
    p = diff.get("p_adjusted", diff.get("p"))
    if p is None:  # an interval alone: significant at its level when it excludes zero
        low, high = diff.get("low", math.nan), diff.get("high", math.nan)
        p = math.nan if math.isnan(low) else 0.0 if low > 0 or high < 0 else 1.0
    return str(assess(diff, p_adjusted=p, equivalence=equivalence)["verdict"])


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
