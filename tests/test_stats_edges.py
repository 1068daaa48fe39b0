"""Edge cases of `augmentlab.evaluate.stats`: empty and single inputs, exact ties, boundaries of
the verdicts, the options `assess` passes on, and the bootstrap's degenerate settings.

Expected values come from scipy (Student's t, the noncentral t), numpy or hand computation,
never from the module itself.
"""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest
from scipy import optimize, stats

from augmentlab.core.errors import InvalidInput
from augmentlab.evaluate.stats import (
    TOO_FEW,
    _power,
    assess,
    clip_interval,
    holm,
    interval_note,
    mean_interval,
    min_detectable_effect,
    paired_difference,
    row_bootstrap,
    seeds_needed,
    verdict,
)


# -- independent references ------------------------------------------------------------------------
def ref_power(nc: float, n: int, level: float = 0.95) -> float:
    """Power of the two-sided t-test on `n` pairs at noncentrality `nc`, from scipy's noncentral t."""
    dof = n - 1
    crit = float(stats.t.ppf(0.5 + level / 2, dof))
    lower = float(stats.nct.cdf(-crit, dof, nc))
    return float(stats.nct.sf(crit, dof, nc)) + (0.0 if math.isnan(lower) else lower)


def ref_mde_factor(n: int, level: float = 0.95, power: float = 0.8) -> float:
    return float(optimize.brentq(lambda k: ref_power(k, n, level) - power, 0.0, 500.0, xtol=1e-12))


def ref_seeds_needed(mean: float, sd: float, *, test_variance: float = 0.0, equivalence: float = 0.01,
                     level: float = 0.95, power: float = 0.8, limit: int = 200) -> int | None:
    """The first n >= 3 whose interval fits in the band or whose power at |mean| reaches `power`."""
    for n in range(3, limit + 1):
        se = math.sqrt(sd * sd / n + test_variance)
        if abs(mean) + float(stats.t.ppf(0.5 + level / 2, n - 1)) * se < equivalence:
            return n
        if mean != 0 and ref_power(abs(mean) / se, n, level) >= power:
            return n
    return None


# -- mean_interval ---------------------------------------------------------------------------------
def test_mean_interval_of_nothing_is_nan_with_the_usual_keys() -> None:
    r = mean_interval([])
    assert set(r) == {"mean", "low", "high", "n"}
    assert r["n"] == 0
    assert all(math.isnan(r[k]) for k in ("mean", "low", "high"))


def test_mean_interval_of_one_value_is_that_value() -> None:
    assert mean_interval([0.8125]) == {"mean": 0.8125, "low": 0.8125, "high": 0.8125, "n": 1}


def test_mean_interval_of_half_precision_input_is_computed_in_double_precision() -> None:
    x16 = np.array([0.8, 0.83, 0.86, 0.9], dtype=np.float16)
    x = x16.astype(np.float64)
    half = float(stats.t.ppf(0.975, 3)) * float(np.std(x, ddof=1)) / 2.0
    r = mean_interval(x16)
    assert r["mean"] == pytest.approx(float(np.mean(x)), rel=1e-12, abs=0)
    assert r["low"] == pytest.approx(float(np.mean(x)) - half, rel=1e-12, abs=0)
    assert r["high"] == pytest.approx(float(np.mean(x)) + half, rel=1e-12, abs=0)


# -- paired_difference -----------------------------------------------------------------------------
def test_paired_difference_of_no_pairs_is_all_nan_and_silent() -> None:
    d = paired_difference([], [])  # warnings are errors in this suite: no "mean of empty slice"
    assert d["n"] == 0
    for key in ("mean", "low", "high", "sd", "p_beats", "se", "p"):
        assert math.isnan(d[key]), key


def test_paired_difference_of_one_pair_has_no_spread_no_se_and_no_p() -> None:
    d = paired_difference([0.9], [0.85])
    assert d["n"] == 1
    assert d["mean"] == pytest.approx(0.05) and d["low"] == d["high"] == d["mean"]
    assert math.isnan(d["sd"]) and math.isnan(d["se"]) and math.isnan(d["p"])
    assert d["p_beats"] == 1.0


def test_p_beats_counts_ties_as_half() -> None:
    # differences: +0.5, 0, -0.25, +0.25 -> 2 wins, 1 tie, 1 loss of 4
    d = paired_difference([1.0, 0.5, 0.25, 0.75], [0.5, 0.5, 0.5, 0.5])
    assert d["p_beats"] == pytest.approx((2 + 0.5) / 4)
    d = paired_difference([1.0, 1.0, 1.0], [1.0, 1.0, 0.0])  # differences 0, 0, 1
    assert d["p_beats"] == pytest.approx((1 + 0.5 * 2) / 3)


def test_constant_nonzero_differences_give_p_zero_and_a_collapsed_interval() -> None:
    for shift in (1.0, 0.5):
        d = paired_difference([1.0 + shift, 2.0 + shift, 3.0 + shift], [1.0, 2.0, 3.0])
        assert d["sd"] == 0.0 and d["se"] == 0.0
        assert d["mean"] == d["low"] == d["high"] == shift
        assert d["p"] == 0.0


def test_identical_strategies_give_p_one() -> None:
    d = paired_difference([0.7, 0.8, 0.9], [0.7, 0.8, 0.9])
    assert d["mean"] == d["low"] == d["high"] == 0.0
    assert d["se"] == 0.0 and d["p"] == 1.0
    assert d["p_beats"] == 0.5


def test_paired_difference_accepts_decimal_values() -> None:
    a = [Decimal("0.90"), Decimal("0.87"), Decimal("0.88"), Decimal("0.91")]
    b = [Decimal("0.85"), Decimal("0.83"), Decimal("0.86"), Decimal("0.84")]
    fa, fb = [float(v) for v in a], [float(v) for v in b]
    ref = stats.ttest_rel(fa, fb)
    for x, y in ((a, b), (a, fb), (fa, b)):
        d = paired_difference(x, y)
        assert d["mean"] == pytest.approx(float(np.mean(np.subtract(fa, fb))))
        assert d["p"] == pytest.approx(float(ref.pvalue), rel=1e-9)


def test_paired_difference_rows_of_the_wrong_seed_count_say_both_counts() -> None:
    rows = np.zeros((2, 10))
    with pytest.raises(InvalidInput, match=r"rows has 2 seeds, the values 3"):
        paired_difference([0.9, 0.8, 0.85], [0.8, 0.8, 0.8], rows=rows)


def test_with_test_rows_p_beats_comes_from_the_bootstrap() -> None:
    # every seed's mean difference is positive (seed-level p_beats would be 1), but the rows are
    # mostly negative: the bootstrap p_beats is far below 1
    rows = np.array([[1, -1, -1, -1, 0, 0, 0, 0, 0, 1]] * 3, dtype=float)
    d = paired_difference([0.9, 0.91, 0.92], [0.8, 0.8, 0.8], rows=rows)
    boot = row_bootstrap(rows)
    assert d["p_beats"] == boot["p_beats"]
    assert d["p_beats"] < 0.5
    assert d["test_se"] == pytest.approx(math.sqrt(boot["variance"]))


# -- row_bootstrap ---------------------------------------------------------------------------------
def test_row_bootstrap_defaults_are_1000_reps_and_seed_0() -> None:
    rows = np.random.default_rng(5).integers(-1, 2, size=(3, 40)).astype(float)
    assert row_bootstrap(rows) == row_bootstrap(rows, reps=1000, seed=0)


def test_row_bootstrap_with_one_test_row_has_no_test_variance() -> None:
    # one row: every resample is that row, so each seed's mean is its value
    out = row_bootstrap(np.array([[1.0], [0.0], [-1.0]]), reps=50)
    assert out["variance"] == 0.0
    assert out["p_beats"] == pytest.approx((1 + 0.5) / 3)


def test_row_bootstrap_rejects_a_vector_and_an_empty_test_split() -> None:
    with pytest.raises(InvalidInput, match="at least one test row"):
        row_bootstrap(np.array([1.0, 0.0, -1.0]))
    with pytest.raises(InvalidInput, match=r"at least one test row.*\(3, 0\)"):
        row_bootstrap(np.zeros((3, 0)))


@pytest.mark.parametrize("reps", [0, 1, -5, 2.5, True, "100"])
def test_row_bootstrap_needs_two_or_more_whole_resamples(reps: object) -> None:
    """Fewer than two resamples have no variance (zero of them: a mean of nothing)."""
    with pytest.raises(InvalidInput, match=r"reps=.*at least 2"):
        row_bootstrap(np.array([[1.0, 0.0, -1.0, 1.0]]), reps=reps)  # type: ignore[arg-type]


def test_row_bootstrap_with_two_reps_has_the_two_sample_variance() -> None:
    rows = np.arange(50, dtype=float)[None, :]
    out = row_bootstrap(rows, reps=2)
    # two resample means m1, m2 in [0, 49]: variance (m1 - m2)**2 / 2, positive (they differ)
    assert math.isfinite(out["variance"])
    assert 0.0 < out["variance"] <= 49.0**2 / 2


def test_row_bootstrap_does_not_depend_on_the_input_dtype() -> None:
    rows = np.random.default_rng(1).integers(-1, 2, size=(4, 301))
    ref = row_bootstrap(rows.astype(np.float64), reps=200)
    assert row_bootstrap(rows.astype(np.float16), reps=200) == ref


# -- holm ------------------------------------------------------------------------------------------
def test_holm_caps_adjusted_p_at_one() -> None:
    assert holm([0.6, 0.7]) == [1.0, 1.0]
    assert holm([0.3, 0.9, 0.02]) == pytest.approx([0.6, 0.9, 0.06])


def test_holm_treats_none_as_no_test() -> None:
    out = holm([0.01, None, 0.04])  # type: ignore[list-item]
    assert out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.04)
    assert math.isnan(out[1])


# -- interval_note ---------------------------------------------------------------------------------
def test_interval_note_is_empty_for_no_seeds() -> None:
    assert interval_note(0) == ""
    assert interval_note(-1) == ""


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_interval_note_for_two_seeds_gives_level_width_and_one_degree_of_freedom(level: float) -> None:
    q = float(stats.t.ppf(0.5 + level / 2, 1))
    note = interval_note(2, level)
    assert f"the {round(100 * level)}% interval is {q:.1f} standard errors wide" in note
    assert "(Student's t with 1 degree of freedom)" in note


# -- min_detectable_effect and the power ---------------------------------------------------------
def test_min_detectable_effect_needs_two_seeds_and_a_finite_se() -> None:
    assert math.isnan(min_detectable_effect(0.01, 1))
    assert math.isnan(min_detectable_effect(math.inf, 5))
    assert math.isnan(min_detectable_effect(math.nan, 5))


def test_min_detectable_effect_at_two_seeds_matches_the_noncentral_t() -> None:
    assert min_detectable_effect(0.01, 2) == pytest.approx(ref_mde_factor(2) * 0.01, rel=1e-6)
    assert ref_power(min_detectable_effect(1.0, 2), 2) == pytest.approx(0.8, abs=1e-6)


def test_power_against_no_effect_is_the_false_positive_rate() -> None:
    for n in (3, 5, 10):
        assert float(_power(0.0, 1.0, n, 0.95)) == pytest.approx(0.05, abs=1e-9)
        assert float(_power(0.0, 0.02, n, 0.9)) == pytest.approx(0.10, abs=1e-9)


def test_power_uses_effect_over_standard_error() -> None:
    assert float(_power(0.02, 0.01, 5, 0.95)) == pytest.approx(ref_power(2.0, 5), rel=1e-9)
    assert float(_power(-0.03, 0.01, 8, 0.95)) == pytest.approx(ref_power(3.0, 8), rel=1e-9)


def test_power_never_exceeds_one_for_a_huge_effect() -> None:
    for nc in (10.0, 40.0, 1e3):
        p = float(_power(nc, 1.0, 5, 0.95))
        assert 0.99 < p <= 1.0


# -- seeds_needed ----------------------------------------------------------------------------------
def test_seeds_needed_default_limit_is_1000() -> None:
    # mean 0: only the band can resolve it; pick sd so that exactly n = 1001 first fits in +-1 point
    def width(n: int) -> float:
        return float(stats.t.ppf(0.975, n - 1)) / math.sqrt(n)

    sd = 0.01 / math.sqrt(width(1000) * width(1001))
    assert width(1000) * sd >= 0.01 > width(1001) * sd
    assert seeds_needed(0.0, sd) is None
    assert seeds_needed(0.0, sd, limit=1001) == 1001


def test_seeds_needed_is_none_for_an_infinite_or_nan_input() -> None:
    assert seeds_needed(math.inf, 0.01) is None
    assert seeds_needed(0.01, math.nan) is None
    assert seeds_needed(math.nan, 0.01) is None


def test_seeds_needed_for_a_large_difference_uses_the_power() -> None:
    # |mean| = 1 is far outside the band: only power can resolve it
    expected = ref_seeds_needed(1.0, 2.0)
    assert expected is not None
    assert seeds_needed(1.0, 2.0) == expected


def test_seeds_needed_passes_the_power_on() -> None:
    expected = ref_seeds_needed(0.02, 0.03, power=0.95)
    assert expected is not None and expected != ref_seeds_needed(0.02, 0.03)
    assert seeds_needed(0.02, 0.03, power=0.95) == expected


# -- assess ----------------------------------------------------------------------------------------
def _diff(mean: float, low: float, high: float, p: float, sd: float, n: int = 5) -> dict[str, float]:
    return {"n": n, "mean": mean, "low": low, "high": high, "p": p, "sd": sd, "se": sd / math.sqrt(n)}


def test_assess_of_an_empty_mapping_is_too_few() -> None:
    out = assess({})
    assert out["verdict"] == TOO_FEW and math.isnan(out["mde"]) and out["seeds_needed"] is None


def test_assess_with_no_test_is_too_few_even_inside_the_band() -> None:
    d = _diff(0.0, -0.001, 0.001, math.nan, 0.001)
    assert assess(d)["verdict"] == TOO_FEW
    assert assess(_diff(0.0, -0.001, 0.001, 0.5, 0.001), p_adjusted=math.nan)["verdict"] == TOO_FEW


def test_p_exactly_alpha_is_not_significant() -> None:
    d = _diff(0.02, -0.001, 0.041, 0.05, 0.02)
    assert assess(d)["verdict"] == "inconclusive"
    assert assess(d, p_adjusted=0.05)["verdict"] == "inconclusive"
    assert assess(d, p_adjusted=0.0499)["verdict"] == "helps"


def test_a_significant_difference_of_exactly_one_helps() -> None:
    assert assess(_diff(1.0, 0.9, 1.1, 0.001, 0.05))["verdict"] == "helps"
    assert assess(_diff(-1.0, -1.1, -0.9, 0.001, 0.05))["verdict"] == "hurts"


def test_an_interval_touching_the_band_edge_is_not_equivalent() -> None:
    assert assess(_diff(0.0, -0.01, 0.005, 0.5, 0.005))["verdict"] == "inconclusive"
    assert assess(_diff(0.0, -0.005, 0.01, 0.5, 0.005))["verdict"] == "inconclusive"
    assert assess(_diff(0.0, -0.0099, 0.0099, 0.5, 0.005))["verdict"] == "equivalent"


def test_assess_quotes_the_mde_at_the_requested_power() -> None:
    d = _diff(0.01, -0.02, 0.04, 0.4, 0.02)
    se = 0.02 / math.sqrt(5)
    assert assess(d, power=0.9)["mde"] == pytest.approx(ref_mde_factor(5, power=0.9) * se, rel=1e-6)
    assert assess(d)["mde"] == pytest.approx(ref_mde_factor(5) * se, rel=1e-6)


def test_assess_passes_power_level_and_band_to_seeds_needed() -> None:
    d = _diff(0.02, -0.01, 0.05, 0.2, 0.03)
    expected = ref_seeds_needed(0.02, 0.03, power=0.95)
    assert expected != ref_seeds_needed(0.02, 0.03)
    assert assess(d, power=0.95)["seeds_needed"] == expected

    expected = ref_seeds_needed(0.02, 0.03, level=0.8)
    assert expected != ref_seeds_needed(0.02, 0.03)
    d_level = _diff(0.02, -0.01, 0.05, 0.3, 0.03)
    assert assess(d_level, level=0.8)["verdict"] == "inconclusive"
    assert assess(d_level, level=0.8)["seeds_needed"] == expected

    # a small difference with a wide interval: a wider band is reached with far fewer seeds
    d_band = _diff(0.002, -0.06, 0.064, 0.9, 0.05)
    expected = ref_seeds_needed(0.002, 0.05, equivalence=0.05)
    assert expected is not None and expected != ref_seeds_needed(0.002, 0.05)
    assert assess(d_band, equivalence=0.05)["seeds_needed"] == expected


def test_assess_keeps_the_test_split_variance_when_counting_seeds() -> None:
    # se(n) >= test_se = 0.02 for every n: the interval is at least +-0.039 (never inside +-0.01)
    # and the power against 0.01 is that of a noncentrality below 0.5 (far below 80%)
    d = {**_diff(0.01, -0.03, 0.05, 0.5, 0.02), "test_se": 0.02}
    assert assess(d)["verdict"] == "inconclusive"
    assert assess(d)["seeds_needed"] is None
    d_no_rows = _diff(0.01, -0.03, 0.05, 0.5, 0.02)
    assert assess(d_no_rows)["seeds_needed"] == ref_seeds_needed(0.01, 0.02)


# -- verdict ---------------------------------------------------------------------------------------
def test_verdict_uses_p_over_the_interval() -> None:
    # the interval excludes zero, but the p-value given says it is not significant
    d = {"mean": 0.02, "low": 0.001, "high": 0.039, "n": 5, "p": 0.3, "sd": 0.02, "se": 0.009}
    assert verdict(d) == "inconclusive"


def test_verdict_uses_p_adjusted_over_p() -> None:
    d = {"mean": 0.02, "low": 0.001, "high": 0.039, "n": 5, "p": 0.001, "p_adjusted": 0.2,
         "sd": 0.02, "se": 0.009}
    assert verdict(d) == "inconclusive"
    d = {"mean": 0.02, "low": -0.001, "high": 0.041, "n": 5, "p": 0.3, "p_adjusted": 0.01,
         "sd": 0.02, "se": 0.009}
    assert verdict(d) == "helps"


def test_verdict_without_an_interval_or_p_is_too_few() -> None:
    assert verdict({"mean": 0.02, "n": 5}) == TOO_FEW
    assert verdict({"mean": math.nan, "low": math.nan, "high": math.nan, "n": 5}) == TOO_FEW


def test_an_interval_ending_at_zero_is_not_significant() -> None:
    assert verdict({"mean": 0.02, "low": 0.0, "high": 0.04, "n": 5, "sd": 0.02}) == "inconclusive"
    assert verdict({"mean": -0.02, "low": -0.04, "high": 0.0, "n": 5, "sd": 0.02}) == "inconclusive"


# -- clip_interval ---------------------------------------------------------------------------------
def test_clip_interval_to_a_single_point() -> None:
    out = clip_interval({"mean": 0.4, "low": 0.1, "high": 0.9}, (0.5, 0.5))
    assert out == {"mean": 0.4, "low": 0.5, "high": 0.5}


def test_clip_interval_leaves_a_missing_end_alone() -> None:
    out = clip_interval({"mean": 0.9, "low": None, "high": 1.3}, (0.0, 1.0))
    assert out == {"mean": 0.9, "low": None, "high": 1.0}


def test_clip_interval_says_how_to_give_reversed_bounds() -> None:
    with pytest.raises(InvalidInput, match=r"low bound above the high one; give them as \(low, high\)"):
        clip_interval({"mean": 0.5, "low": 0.1, "high": 0.9}, (1.0, 0.0))
