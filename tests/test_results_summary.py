"""Results as a reader meets them: the summary table and its printed text, `best`, the report's
comparisons, what is read from the cells' test predictions, and the errors for what a caller
asks for that the results do not hold. Numbers are checked against scipy and Holm's procedure
done by hand; the text against what the command line must print."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats

from augmentlab.errors import InvalidConfig, InvalidInput
from augmentlab.evaluate import stats as al_stats
from augmentlab.evaluate.metrics import pack_predictions
from augmentlab.evaluate.results import Results, check_equivalence

BASE = [0.70, 0.72, 0.69, 0.71]
RUNS = {"baseline": BASE, "aug": [0.75, 0.78, 0.74, 0.77], "small": [0.71, 0.715, 0.70, 0.725],
        "worse": [0.60, 0.61, 0.60, 0.62]}
T3 = stats.t.ppf(0.975, 3)  # 4 seeds


def _cells(runs: dict[str, list[float]], size: int = 10, **extra: Any) -> list[dict[str, Any]]:
    return [{"strategy": s, "train_size": size, "seed": k, "accuracy": v[k], **extra}
            for k in range(len(next(iter(runs.values())))) for s, v in runs.items()]


def _holm(p: dict[str, float]) -> dict[str, float]:
    """Holm's step-down adjustment as the textbook states it."""
    out, running = {}, 0.0
    for k, name in enumerate(sorted(p, key=p.__getitem__)):
        running = max(running, min(1.0, (len(p) - k) * p[name]))
        out[name] = running
    return out


def test_the_summary_matches_scipy_and_holm_done_by_hand() -> None:
    cells = _cells(RUNS)
    for c in cells:
        c["macro_f1"] = c["accuracy"] - 0.1
    frame = Results(cells).summary().set_index("strategy")
    base = np.array(BASE)
    raw_p = {}
    for name in ("aug", "small", "worse"):
        row, a = frame.loc[name], np.array(RUNS[name])
        d = a - base
        assert row["seeds"] == 4 and row["train_size"] == 10 and row["interval_note"] == ""
        assert row["accuracy"] == pytest.approx(a.mean())
        assert row["accuracy_low"] == pytest.approx(a.mean() - T3 * a.std(ddof=1) / 2)
        assert row["accuracy_high"] == pytest.approx(a.mean() + T3 * a.std(ddof=1) / 2)
        assert row["macro_f1"] == pytest.approx(a.mean() - 0.1)  # its own field, not accuracy
        assert row["diff_vs_baseline"] == pytest.approx(d.mean())
        assert row["diff_low"] == pytest.approx(d.mean() - T3 * d.std(ddof=1) / 2)
        assert row["diff_high"] == pytest.approx(d.mean() + T3 * d.std(ddof=1) / 2)
        assert row["diff_p"] == pytest.approx(stats.ttest_rel(a, base).pvalue)
        assert row["p_beats"] == pytest.approx(np.mean(d > 0) + 0.5 * np.mean(d == 0))
        assert row["mde"] == pytest.approx(al_stats.min_detectable_effect(d.std(ddof=1) / 2, 4))
        raw_p[name] = row["diff_p"]
    for name, p in _holm(raw_p).items():
        assert frame.loc[name, "diff_p_adjusted"] == pytest.approx(p)
    assert frame.loc[["aug", "small", "worse"], "verdict"].tolist() == ["helps", "inconclusive", "hurts"]
    assert frame.loc["baseline", ["diff_vs_baseline", "diff_p", "p_beats", "mde"]].isna().all()
    assert frame.loc["small", "seeds_needed"] > 4
    assert frame.loc[["aug", "worse"], "seeds_needed"].isna().all()  # decided: nothing to resolve
    assert list(frame.columns)[-1] == "interval_note"


def test_the_summary_text_is_the_table_the_command_line_prints() -> None:
    assert Results(_cells(RUNS)).summary_text() == "\n".join([
        "strategy  train_size  seeds  accuracy  accuracy_low  accuracy_high  diff_vs_baseline  "
        "diff_low  diff_high  p_adjusted      verdict seeds_needed",
        "baseline          10      4      70.5          68.4           72.6                    "
        "                                                         ",
        "     aug          10      4      76.0          73.1           78.9               5.5    "
        "   4.6        6.4       0.001        helps             ",
        "   small          10      4      71.2          69.6           72.9               0.8    "
        "  -0.6        2.1       0.182 inconclusive           13",
        "   worse          10      4      60.8          59.2           62.3              -9.7    "
        " -11.3       -8.2       0.001        hurts             ",
        "",
        "seeds_needed: about how many seeds would settle an inconclusive row; '-': more seeds "
        "alone would not (the effect is too small to tell on this test split)",
        "p_adjusted: Holm-adjusted over the table's comparisons; helps/hurts below 0.05, "
        "equivalent: the whole interval within +-1 points"])


def test_the_summary_text_marks_rows_on_too_few_seeds_and_leaves_out_columns_it_does_not_need(
        ) -> None:
    two = {"baseline": [0.80, 0.82], "aug": [0.79, 0.84]}
    text = Results(_cells(two), equivalence=0.02).summary_text()
    lines = text.splitlines()
    assert lines[0].split() == ["strategy", "train_size", "seeds", "accuracy", "accuracy_low",
                                "accuracy_high", "diff_vs_baseline", "diff_low", "diff_high",
                                "p_adjusted", "verdict", "note"]  # no inconclusive row: no seeds_needed
    assert lines[1].split() == ["baseline", "10", "2", "81.0", "68.3", "93.7", "*"]
    # the 95% interval of the difference runs past +-100 points: shown clipped to them
    assert lines[2].split() == ["aug", "10", "2", "81.5", "49.7", "100.0", "0.5", "-18.6", "19.6",
                                "0.795", "not", "enough", "seeds", "to", "tell", "*"]
    assert lines[3] == ""
    assert lines[4] == "* " + al_stats.interval_note(2)
    assert lines[5] == ""
    assert lines[6].endswith("equivalent: the whole interval within +-2 points")
    assert len(lines) == 7  # one note for both starred rows, said once

    only_baseline = Results(_cells({"baseline": BASE})).summary_text().splitlines()
    assert only_baseline[0].split() == ["strategy", "train_size", "seeds", "accuracy",
                                        "accuracy_low", "accuracy_high"]
    assert len(only_baseline) == 2  # no comparisons, no notes


def test_an_inconclusive_row_that_more_seeds_cannot_settle_shows_a_dash() -> None:
    """A test split of 20 rows: its own sampling noise is more than the equivalence band allows,
    so no number of seeds settles a small effect."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 20)
    cells = []
    for seed in range(5):
        for name, errors in (("baseline", 6), ("aug", 5)):
            pred = y.copy()
            wrong = rng.choice(20, errors, replace=False)
            pred[wrong] = 1 - pred[wrong]
            cells.append({"strategy": name, "train_size": 10, "seed": seed,
                          "accuracy": float(np.mean(pred == y)),
                          "test_predictions": pack_predictions(pred)})
    results = Results(cells, {"test_labels": pack_predictions(y)})
    d = results.paired_difference("aug", "baseline", train_size=10)
    assert d["test_rows"] and d["verdict"] == "inconclusive" and d["seeds_needed"] is None
    row = results.summary_text().splitlines()[2].split()
    assert row[0] == "aug" and row[-1] == "-"


def test_a_single_seed_gives_no_interval_when_shown() -> None:
    one = Results(_cells({"baseline": [0.8], "aug": [0.9]}))
    shown = one.summary(clip=True)
    for column in ("accuracy_low", "accuracy_high", "diff_low", "diff_high"):
        assert all(math.isnan(float(v)) for v in shown[column]), column
    assert float(shown["accuracy"][1]) == pytest.approx(0.9)


def test_a_shown_difference_is_clipped_to_plus_minus_one_not_to_an_accuracy_range() -> None:
    wide = Results(_cells({"baseline": [0.1, 0.9], "aug": [0.9, 0.2]}))
    raw, shown = wide.summary(), wide.summary(clip=True)
    assert raw["diff_high"][1] > 1 and raw["diff_low"][1] < -1  # 12.7 standard errors each way
    assert shown["diff_high"][1] == 1.0 and shown["diff_low"][1] == -1.0
    assert shown["diff_vs_baseline"][1] == pytest.approx(0.05)


def test_best_is_the_highest_mean_of_the_metric_at_that_size() -> None:
    cells = _cells({"baseline": [0.7, 0.7], "aug": [0.8, 0.8]}, size=10)
    cells += _cells({"baseline": [0.9, 0.9], "aug": [0.6, 0.6]}, size=20)
    for c in cells:
        c["macro_f1"] = 1 - c["accuracy"]
    cells.append({"strategy": "broken", "train_size": 10, "seed": 0, "macro_f1": 0.5})
    results = Results(cells)
    assert results.best(10) == "aug" and results.best(20) == "baseline"
    assert results.best(10, "macro_f1") == "broken"  # 0.5 against 0.3 and 0.2; no accuracy
    assert results.best(20, "macro_f1") == "aug"
    # a strategy with no value at that size is never the best, however the others score
    low = _cells({"baseline": [0.1], "aug": [0.2]}) + [{"strategy": "none", "train_size": 10,
                                                        "seed": 0}]
    assert Results(low).best(10) == "aug"


def test_what_the_results_do_not_hold_is_a_clear_error() -> None:
    results = Results(_cells({"baseline": BASE, "aug": RUNS["aug"]}))
    with pytest.raises(InvalidInput, match=r"^no strategy 'nope'; the results have baseline, aug$"):
        results.paired_difference("nope", "baseline", train_size=10)
    with pytest.raises(InvalidInput, match=r"^no train size 30; the results have \[10\]$"):
        results.paired_difference("aug", "baseline", train_size=30)
    with pytest.raises(InvalidInput, match=r"^no seeds where both 'aug' and 'baseline' report "
                                           r"'macro_f1'$"):
        results.paired_difference("aug", "baseline", train_size=10, metric="macro_f1")


def test_a_comparison_pairs_the_seeds_both_have_on_the_metric_asked_for() -> None:
    cells = _cells({"baseline": BASE, "aug": RUNS["aug"]})
    for c in cells:
        c["macro_f1"] = c["accuracy"] / 2 if c["strategy"] == "aug" else c["accuracy"] - 0.05
    cells.append({"strategy": "aug", "train_size": 10, "seed": 9, "accuracy": 0.1, "macro_f1": 0.1})
    results = Results(cells)
    d = results.paired_difference("aug", "baseline", train_size=10, metric="macro_f1")
    expected = np.array(RUNS["aug"]) / 2 - (np.array(BASE) - 0.05)
    assert d["n"] == 4 and d["mean"] == pytest.approx(expected.mean())  # seed 9: no partner
    # another level: a comparison on its own, with that level's interval
    d80 = results.paired_difference("baseline", "aug", train_size=10, level=0.8)
    diff = np.array(BASE) - np.array(RUNS["aug"])
    half = stats.t.ppf(0.9, 3) * diff.std(ddof=1) / 2
    assert (d80["low"], d80["high"]) == pytest.approx((diff.mean() - half, diff.mean() + half))
    assert d80["p_adjusted"] == d80["p"] and d80["comparisons"] == 1
    assert d80["mde"] == pytest.approx(al_stats.min_detectable_effect(d80["se"], 4, level=0.8))
    assert results.values("aug", 10) == dict(enumerate(RUNS["aug"])) | {9: 0.1}  # accuracy by default


def test_a_strategy_without_the_metric_does_not_hide_the_ones_after_it() -> None:
    cells = _cells({"baseline": BASE, "aug": RUNS["aug"], "small": RUNS["small"]})
    for c in cells:
        if c["strategy"] != "aug":
            c["macro_f1"] = c["accuracy"]
    family = Results(cells).comparisons("macro_f1")
    assert list(family) == [("small", 10)]
    assert family[("small", 10)]["comparisons"] == 1


def test_a_comparison_on_its_own_uses_the_results_equivalence_band() -> None:
    near = {"baseline": BASE, "aug": [v + e for v, e in zip(BASE, [0.012, -0.01, 0.02, -0.015],
                                                            strict=True)]}
    for band, verdict in ((0.05, "equivalent"), (0.01, "inconclusive")):  # the interval: +-2 points
        d = Results(_cells(near), equivalence=band).paired_difference("baseline", "aug",
                                                                      train_size=10, level=0.9)
        assert d["verdict"] == verdict


def _predicted(y: np.ndarray, wrong: list[int]) -> str:
    pred = y.copy()
    pred[wrong] = 1 - pred[wrong]
    return pack_predictions(pred)


def test_the_test_rows_are_the_per_row_differences_of_that_size_and_pair() -> None:
    y = np.array([0, 1, 0, 1, 1, 0, 0, 1, 1, 0])
    wrong = {("baseline", 10): [[0, 1, 2], [3, 4], [5, 6, 7]], ("aug", 10): [[0], [4], [8, 9]],
             ("baseline", 20): [[], [], []], ("aug", 20): [[1, 2, 3, 4], [5, 6], [0, 7, 8]]}
    cells = [{"strategy": s, "train_size": size, "seed": k, "accuracy": 1 - len(w[k]) / 10,
              "test_predictions": _predicted(y, w[k])}
             for size in (10, 20) for s in ("baseline", "aug") for w in [wrong[(s, size)]]
             for k in range(3)]
    results = Results(cells, {"test_labels": pack_predictions(y)})
    for size in (10, 20):
        rows = np.array([[(i not in wa) - (i not in wb) for i in range(10)]
                         for wa, wb in zip(wrong[("aug", size)], wrong[("baseline", size)],
                                           strict=True)])
        accuracy = {s: [1 - len(w) / 10 for w in wrong[(s, size)]] for s in ("aug", "baseline")}
        expected = al_stats.paired_difference(accuracy["aug"], accuracy["baseline"], rows=rows)
        d = results.paired_difference("aug", "baseline", train_size=size)
        assert d["test_rows"] is True
        for key in ("mean", "low", "high", "se", "test_se", "p_beats"):
            assert d[key] == pytest.approx(expected[key]), (size, key)
    # not accuracy: the test rows say nothing about it
    for c in cells:
        c["macro_f1"] = c["accuracy"]
    d = Results(cells, {"test_labels": pack_predictions(y)}).paired_difference(
        "aug", "baseline", train_size=10, metric="macro_f1")
    assert d["test_rows"] is False and "test_se" not in d


@pytest.mark.parametrize("damage", ["missing", "other split"])
def test_cells_without_usable_predictions_fall_back_to_their_seeds(damage: str) -> None:
    y = np.array([0, 1, 0, 1, 1, 0])
    cells = _cells({"baseline": [0.5, 0.5, 0.6], "aug": [0.6, 0.7, 0.6]})
    for c in cells:
        c["test_predictions"] = pack_predictions(y)
    if damage == "missing":
        del cells[-1]["test_predictions"]
    else:
        cells[-1]["test_predictions"] = pack_predictions(np.array([0, 1, 0]))
    d = Results(cells, {"test_labels": pack_predictions(y)}).paired_difference(
        "aug", "baseline", train_size=10)
    assert d["test_rows"] is False and "test_se" not in d
    assert d["mean"] == pytest.approx(0.1)


def test_the_analysis_settings_are_recorded_and_round_trip() -> None:
    results = Results(_cells({"baseline": BASE, "aug": RUNS["aug"]}), {"data": "digits"},
                      equivalence=0.02)
    assert results.meta["analysis"] == {"equivalence": 0.02, "correction": "holm", "level": 0.95,
                                        "power": 0.8}
    again = Results.from_dict(results.to_dict())
    assert again.equivalence == 0.02 and again.cells == results.cells
    assert again.meta["data"] == "digits"
    bare = Results.from_dict({"cells": results.cells})  # results.json without meta
    assert bare.equivalence == 0.01 and bare.cells == results.cells


@pytest.mark.parametrize("band", [True, False, "0.01", 0, 1, 1.5, -0.01, None])
def test_an_equivalence_band_outside_zero_to_one_is_refused(band: object) -> None:
    with pytest.raises(InvalidConfig, match=r"give the band as a fraction between 0 and 1 "
                                            r"\(0\.01 is one point of accuracy either way\)"):
        check_equivalence(band)


def test_numpy_numbers_are_accepted_as_a_band() -> None:
    assert check_equivalence(np.float32(0.5)) == 0.5 and check_equivalence(np.float64(0.02)) == 0.02


def test_only_rows_on_too_few_seeds_are_starred_and_each_reason_is_said_once() -> None:
    cells = (_cells({"baseline": BASE, "aug": RUNS["aug"]}, size=10)
             + _cells({"baseline": [0.8, 0.82], "aug": [0.79, 0.84]}, size=20)
             + _cells({"baseline": [0.9], "aug": [0.91]}, size=30))
    lines = Results(cells).summary_text().splitlines()
    assert lines[0].split()[-1] == "note"
    assert [line.endswith("*") for line in lines[1:7]] == [False, False, True, True, True, True]
    assert "XX" not in "".join(lines)
    notes = [line for line in lines if line.startswith("* ")]
    assert notes == ["* " + al_stats.interval_note(2), "* " + al_stats.interval_note(1)]
    first = lines.index(notes[0])
    assert lines[first - 1] == "" and lines[first + 1] == notes[1]  # a blank line before, not between
