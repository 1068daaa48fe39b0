"""Verdicts a user can bet on: multiplicity, equivalence, power, test-row uncertainty.

The references here are independent of the code under test: Holm's procedure as sequential
rejection (not adjusted p-values), power from the noncentral t distribution (not the normal
approximation the code uses), the bootstrap variance from the closed form of a mean's variance,
and false-call rates from simulated experiments with no true effect.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.evaluate import Experiment, Results
from augmentlab.evaluate.stats import (
    EQUIVALENCE,
    assess,
    holm,
    min_detectable_effect,
    paired_difference,
    row_bootstrap,
    seeds_needed,
    verdict,
)


def _holm_rejects(p: list[float], alpha: float) -> set[int]:
    """Holm (1979) as written: reject the smallest p while p_(i) <= alpha / (m - i + 1)."""
    order = sorted(range(len(p)), key=lambda i: p[i])
    out: set[int] = set()
    for rank, i in enumerate(order):
        if p[i] > alpha / (len(p) - rank):
            break
        out.add(i)
    return out


def test_holm_adjusted_p_rejects_exactly_what_the_sequential_procedure_rejects() -> None:
    rng = np.random.default_rng(0)
    for trial in range(300):
        m = int(rng.integers(1, 12))
        p = list(rng.beta(0.4, 2.0, size=m))  # many small p-values: rejections happen
        adjusted = holm(p)
        assert all(a >= q for a, q in zip(adjusted, p, strict=True))  # never below the raw p
        for alpha in (0.01, 0.05, 0.1):
            got = {i for i, a in enumerate(adjusted) if a <= alpha}
            assert got == _holm_rejects(p, alpha), (trial, p, alpha)


def test_holm_leaves_untested_comparisons_out_of_the_family() -> None:
    # NaN (one seed: no test) does not count: two real tests, so the smaller p is doubled
    assert holm([0.02, math.nan, 0.03]) == pytest.approx([0.04, math.nan, 0.04], nan_ok=True)
    assert holm([0.3]) == [0.3] and holm([]) == []


def _null_family(rng: np.random.Generator, seeds: int, strategies: int, sizes: int
                 ) -> list[dict[str, object]]:
    """Cells of an experiment where no strategy does anything: each (size, seed) has its own
    subset effect shared by every strategy (what pairing removes), plus run-to-run noise."""
    cells = []
    for size in range(sizes):
        for seed in range(seeds):
            subset = 0.80 + rng.normal(0, 0.03)
            for k in range(strategies + 1):
                name = "baseline" if k == 0 else f"s{k}"
                cells.append({"strategy": name, "train_size": 10 * (size + 1), "seed": seed,
                              "accuracy": subset + rng.normal(0, 0.01)})
    return cells


def test_null_simulation_false_calls_per_comparison_and_per_report() -> None:
    """No strategy has any effect: each comparison alone calls helps/hurts ~5% of the time, a
    report of 6 comparisons would call at least one ~25% of the time, and with the report's
    Holm adjustment at most 5%."""
    rng = np.random.default_rng(2026)
    reports, per_comparison, any_raw, any_adjusted = 3000, [], 0, 0
    for _ in range(reports):
        res = Results(_null_family(rng, seeds=5, strategies=3, sizes=2))
        family = res.comparisons()
        assert len(family) == 6
        raw = [d["p"] < 0.05 for d in family.values()]
        per_comparison += raw
        any_raw += any(raw)
        any_adjusted += any(d["verdict"] in ("helps", "hurts") for d in family.values())
    rate = float(np.mean(per_comparison))
    assert 0.03 <= rate <= 0.07, rate
    assert any_raw / reports > 0.15, any_raw / reports  # why the correction is needed
    assert any_adjusted / reports <= 0.05, any_adjusted / reports


def test_a_verdict_needs_three_seeds() -> None:
    one = paired_difference([0.9], [0.8])
    assert math.isnan(one["p"]) and verdict(one) == "not enough seeds to tell"
    two = paired_difference([0.90, 0.91], [0.80, 0.80])
    assert two["p"] < 0.05 and verdict(two) == "not enough seeds to tell"  # interval, no verdict
    three = paired_difference([0.90, 0.91, 0.92], [0.80, 0.80, 0.81])
    assert verdict(three) == "helps"
    cells = [{"strategy": s, "train_size": 10, "seed": k, "accuracy": a}
             for k, (b, g) in enumerate([(0.80, 0.90), (0.80, 0.91)])
             for s, a in (("baseline", b), ("aug", g))]
    row = Results(cells).summary().iloc[1]
    assert row["verdict"] == "not enough seeds to tell" and "too wide" in row["interval_note"]


@pytest.mark.parametrize("diff", [{"mean": 0.02, "low": 0.01, "n": 5},
                                  {"low": 0.01, "high": 0.03, "n": 5, "p": 0.01}])
def test_a_difference_without_its_interval_is_refused_with_what_is_missing(diff: dict) -> None:
    """Was a bare KeyError ('high') from inside assess."""
    missing = "'high'" if "mean" in diff else "'mean'"
    with pytest.raises(InvalidInput, match=f"lacks {missing}.*paired_difference"):
        verdict(diff)
    with pytest.raises(InvalidInput, match=f"lacks {missing}"):
        assess(diff)


def test_equivalent_only_when_the_whole_interval_is_inside_the_band() -> None:
    tight = paired_difference([0.801, 0.799, 0.802, 0.800, 0.798], [0.800] * 5)
    assert tight["low"] > -EQUIVALENCE and tight["high"] < EQUIVALENCE
    assert verdict(tight) == "equivalent"
    wide = paired_difference([0.81, 0.79, 0.82, 0.80, 0.78], [0.80] * 5)
    assert wide["low"] < -EQUIVALENCE and verdict(wide) == "inconclusive"
    assert verdict(wide, equivalence=0.05) == "equivalent"  # settable
    assert verdict(tight, equivalence=0.001) == "inconclusive"


def test_the_band_is_settable_on_results_and_experiments_and_checked(tmp_path: object) -> None:
    cells = [{"strategy": s, "train_size": 10, "seed": k, "accuracy": a}
             for k, (b, g) in enumerate([(0.80, 0.81), (0.80, 0.79), (0.80, 0.82), (0.80, 0.80),
                                         (0.80, 0.78)])
             for s, a in (("baseline", b), ("aug", g))]
    assert Results(cells).summary().iloc[1]["verdict"] == "inconclusive"
    wide = Results(cells, equivalence=0.05)
    assert wide.summary().iloc[1]["verdict"] == "equivalent"
    assert Results.from_dict(wide.to_dict()).equivalence == 0.05  # kept in results.json
    for bad in (0, -0.01, 1.5, "1", math.nan, True):
        with pytest.raises(InvalidConfig, match="equivalence"):
            Results(cells, equivalence=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidConfig, match="equivalence"):
            Experiment("wine", out=str(tmp_path), equivalence=bad)  # type: ignore[arg-type]


def _exact_power(effect: float, se: float, n: int, alpha: float = 0.05) -> float:
    """Power of the two-sided one-sample t-test from the noncentral t distribution."""
    crit = stats.t.ppf(1 - alpha / 2, n - 1)
    nc = effect / se
    return float(stats.nct.sf(crit, n - 1, nc) + stats.nct.cdf(-crit, n - 1, nc))


@pytest.mark.parametrize("n", [3, 5, 10, 30])
def test_the_minimum_detectable_effect_is_detected_80_percent_of_the_time(n: int) -> None:
    se = 0.014 / math.sqrt(n)
    mde = min_detectable_effect(se, n)
    assert _exact_power(mde, se, n) == pytest.approx(0.80, abs=0.002)
    assert _exact_power(0.6 * mde, se, n) < 0.6  # a smaller effect is often missed


def test_seeds_needed_reach_the_power_or_the_band_and_not_one_seed_earlier() -> None:
    sd = 0.014
    n = seeds_needed(0.01, sd)  # detect +1 point
    assert n is not None and _exact_power(0.01, sd / math.sqrt(n), n) >= 0.80
    assert _exact_power(0.01, sd / math.sqrt(n - 1), n - 1) < 0.80
    m = seeds_needed(0.001, sd)  # +0.1 point: the interval would fit inside +-1 point
    assert m is not None
    half = stats.t.ppf(0.975, m - 1) * sd / math.sqrt(m)
    assert 0.001 + half < EQUIVALENCE
    assert 0.001 + stats.t.ppf(0.975, m - 2) * sd / math.sqrt(m - 1) >= EQUIVALENCE
    # the test split's share does not shrink with seeds: if alone it is too wide, never
    assert seeds_needed(0.001, sd, test_variance=0.006 ** 2) is None


def test_an_inconclusive_verdict_says_what_would_resolve_it() -> None:
    d = paired_difference([0.82, 0.80, 0.83, 0.79, 0.81], [0.80, 0.81, 0.80, 0.80, 0.79])
    a = assess(d)
    assert a["verdict"] == "inconclusive" and a["seeds_needed"] > 5
    assert a["mde"] > abs(d["mean"])  # these seeds could not detect an effect this small
    assert assess(paired_difference([0.9, 0.91, 0.92], [0.8, 0.8, 0.8]))["seeds_needed"] is None


def test_row_bootstrap_variance_matches_the_closed_form() -> None:
    rng = np.random.default_rng(5)
    seeds, rows = 4, 3000
    a = rng.random((seeds, rows)) < 0.8
    b = rng.random((seeds, rows)) < 0.78
    d = a.astype(int) - b.astype(int)
    got = row_bootstrap(d, reps=2000)
    # resampling rows with replacement: the variance of a mean of N draws is var / N, where
    # the draw is a row's difference averaged over the seeds
    expected = d.mean(axis=0).var() / rows
    assert got["variance"] == pytest.approx(expected, rel=0.1)
    assert row_bootstrap(d, reps=2000) == got  # deterministic
    assert row_bootstrap(np.zeros((3, 50), dtype=int))["p_beats"] == 0.5  # always tied
    assert row_bootstrap(np.ones((3, 50), dtype=int))["p_beats"] == 1.0


def test_test_rows_widen_the_interval_and_the_report_uses_them() -> None:
    """Two strategies whose per-seed accuracies differ by the same +2 points on every seed: by
    seeds alone the interval has zero width; on a 300-row test split that difference is 6 rows,
    and a new test split could easily show none. Predictions are stored packed, as cells do."""
    from augmentlab.evaluate.metrics import pack_predictions

    y = np.zeros(300, dtype=np.int64)
    cells, rng = [], np.random.default_rng(1)
    for seed in range(5):
        base = (rng.random(300) < 0.5).astype(np.int64)  # 1 = wrong (class 1 predicted)
        right = np.flatnonzero(base == 1)[:6]
        better = base.copy()
        better[right] = 0
        for name, pred in (("baseline", base), ("aug", better)):
            cells.append({"strategy": name, "train_size": 10, "seed": seed,
                          "accuracy": float(np.mean(pred == y)),
                          "test_predictions": pack_predictions(pred)})
    seeds_only = Results([{k: v for k, v in c.items() if k != "test_predictions"} for c in cells])
    d0 = seeds_only.paired_difference("aug", "baseline", train_size=10)
    assert d0["low"] == pytest.approx(0.02) and d0["high"] == pytest.approx(0.02)
    assert d0["verdict"] == "helps"
    with_rows = Results(cells, {"test_labels": pack_predictions(y)})
    d1 = with_rows.paired_difference("aug", "baseline", train_size=10)
    assert d1["mean"] == pytest.approx(0.02) and d1["test_se"] > 0.004
    assert d1["low"] < 0.01 and d1["high"] > 0.03 and d1["p"] > d0["p"]
    # rows only ever gained, so aug is never behind; a resample may miss all 6 (a tie)
    assert 0.99 < d1["p_beats"] <= 1.0
    assert with_rows.summary().iloc[1]["diff_low"] == pytest.approx(d1["low"])


def test_results_paired_difference_is_the_report_comparison_when_against_the_baseline() -> None:
    rng = np.random.default_rng(3)
    res = Results(_null_family(rng, seeds=5, strategies=3, sizes=2))
    family = res.comparisons()
    for (name, size), d in family.items():
        got = res.paired_difference(name, "baseline", train_size=size)
        assert got["p_adjusted"] == d["p_adjusted"] and got["comparisons"] == 6
    other = res.paired_difference("s1", "s2", train_size=10)  # not in the family: on its own
    assert other["p_adjusted"] == other["p"] and other["comparisons"] == 1
