"""``auto``: chosen from the training subset alone, deterministic, its evidence recorded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from augmentlab.datasets import load
from augmentlab.errors import DataError, InvalidConfig
from augmentlab.evaluate import (
    AutoStrategy,
    Experiment,
    Protocol,
    choose_strategy,
    recommended_strategy,
    write_report,
)
from augmentlab.evaluate.auto import _score, candidates, choose_by_one_se, inner_folds
from augmentlab.evaluate.cells import CellSpec, run_cell
from augmentlab.evaluate.models import make_model

DIGITS = load("digits")


def _scrambled(data):
    y = data.y.copy()
    y[data.test] = np.random.default_rng(3).permutation(y[data.test])
    return dataclasses.replace(data, y=y)


def _auto_cell(data, model="logreg", steps=30, unlabeled=None, **kwargs):
    protocol = Protocol(model=model, steps=steps, robustness_rows=50, invariance_rows=20,
                        unlabeled=unlabeled, unlabeled_size=200 if unlabeled else None)
    return run_cell(data, protocol, CellSpec(AutoStrategy("auto", **kwargs), 5, 0))


@pytest.mark.parametrize("model, steps, unlabeled", [("logreg", 30, "rest"), ("small-cnn", 30, None)])
def test_auto_never_reads_the_test_split(model: str, steps: int, unlabeled: str | None) -> None:
    """Scrambled test labels: the same choice, the same evidence, the same predictions."""
    a = _auto_cell(DIGITS, model, steps, unlabeled, folds=2)
    b = _auto_cell(_scrambled(DIGITS), model, steps, unlabeled, folds=2)
    assert a["auto"] == b["auto"]
    assert a["test_predictions"] == b["test_predictions"]
    assert a["accuracy"] != b["accuracy"]
    assert set(a["auto"]["cv_score"]) >= {"baseline", "recommended", "trivialaugment"}


def test_auto_picks_the_best_cross_validated_candidate_and_records_why() -> None:
    cell = _auto_cell(DIGITS, folds=3, unlabeled="rest")
    choice = cell["auto"]
    means = choice["cv_score"]
    evidence = choice["versus_baseline"]
    leads = [n for n in means if n == "baseline" or evidence[n]["mean"] > evidence[n]["se"]]
    assert choice["chosen"] == max(leads, key=lambda n: (means[n], -list(means).index(n)))
    assert set(evidence) == set(means) - {"baseline"}
    for d in choice["versus_baseline"].values():
        assert d["p"] <= d["p_adjusted"] <= 1
    # every candidate x fold and the final fit are counted in the compute; self-training (3
    # rounds) is 4 fits each time
    assert "self-training" in means
    fits = {name: 4 if name == "self-training" else 1 for name in means}
    assert cell["fits"] == 3 * sum(fits.values()) + fits[choice["chosen"]]


def test_flips_are_offered_only_where_mirrored_rows_keep_their_class() -> None:
    """Digits: a mirrored digit is another digit. Symmetric images (each row mirrored with itself
    made into the same class) keep theirs."""
    cell = _auto_cell(DIGITS, model="logreg", folds=3)
    assert cell["auto"]["flips_offered"] is False
    sym = DIGITS.X.copy()
    sym[:, :, 4:] = sym[:, :, :4][:, :, ::-1]  # left-right symmetric: mirroring changes nothing
    symmetric = dataclasses.replace(DIGITS, X=sym)
    cell = _auto_cell(symmetric, model="logreg", folds=3)
    assert cell["auto"]["flips_offered"] is True
    assert "recommended + flip" in cell["auto"]["cv_score"]


def test_candidates_follow_the_data_and_the_model() -> None:
    cnn, logreg = make_model("small-cnn", "image"), make_model("logreg", "table")
    assert "recommended + cutmix" in candidates(DIGITS, cnn, pool=False, flips=False)
    assert "recommended + cutmix" not in candidates(DIGITS, make_model("logreg", "image"),
                                                    pool=False, flips=False)
    assert list(candidates(load("wine"), logreg, pool=False, flips=True)) == ["baseline"]
    assert "fixmatch" in candidates(DIGITS, cnn, pool=True, flips=False, include=("fixmatch",))
    assert "fixmatch" not in candidates(DIGITS, cnn, pool=True, flips=False)


def test_inner_folds_are_stratified_and_seeded() -> None:
    y = np.repeat(np.arange(3), 5)
    fold = inner_folds(y, 5, 1, 0)
    for k in range(5):
        assert sorted(y[fold == k].tolist()) == [0, 1, 2]
    assert np.array_equal(fold, inner_folds(y, 5, 1, 0))
    assert not np.array_equal(fold, inner_folds(y, 5, 1, 1))


def test_a_lead_within_its_own_noise_does_not_win() -> None:
    """The one-standard-error rule: the highest cross-validated score loses to the baseline when
    its paired lead is below one standard error, and wins when above; a tie keeps the baseline."""
    scores = {"baseline": 0.70, "noisy": 0.74, "steady": 0.72}
    noisy, steady = {"mean": 0.04, "se": 0.05}, {"mean": 0.02, "se": 0.005}
    assert choose_by_one_se(scores, {"noisy": noisy, "steady": steady}) == "steady"
    assert choose_by_one_se(scores, {"noisy": noisy, "steady": {**steady, "se": 0.03}}) == "baseline"
    tie = {"baseline": 0.7, "same": 0.7}
    assert choose_by_one_se(tie, {"same": {"mean": 0.0, "se": 0.0}}) == "baseline"
    assert choose_by_one_se(tie, {"same": {"mean": 0.0, "se": float("nan")}}) == "baseline"
    # one fold of five ahead, the rest tied: the lead equals its standard error in theory, and
    # rounding made it win in 22 of 240 such patterns before the tolerance
    from augmentlab.evaluate.stats import paired_difference

    wins = 0
    for a in range(1, 21):
        for k in range(5):
            for b in range(0, 21, 2):
                folds = np.full(5, b / 20)
                ahead = folds.copy()
                ahead[k] += a / 20
                d = paired_difference(ahead, folds)
                wins += choose_by_one_se({"baseline": 0.0, "x": 1.0}, {"x": d}) == "x"
    assert wins == 0


def test_balanced_accuracy_choice_weighs_every_class_equally() -> None:
    """The choice's score by balanced accuracy is the mean of the per-class hit rates, not the
    share of hits: 3 of 4 majority rows and 0 of 1 minority rows is 0.375, not 0.6."""
    correct, y = np.array([[1, 1, 1, 0, 0]], dtype=bool), np.array([0, 0, 0, 0, 1])
    assert _score(correct, y, "accuracy") == pytest.approx(0.6)
    assert _score(correct, y, "balanced_accuracy") == pytest.approx(0.375)
    cell = _auto_cell(load("keel:ecoli4"), folds=2, unlabeled="rest", metric="balanced_accuracy")
    assert cell["auto"]["metric"] == "balanced_accuracy"
    assert cell["strategy_key"] != _auto_cell(load("keel:ecoli4"), folds=2, unlabeled="rest")["strategy_key"]


def test_choose_strategy_outside_an_experiment_never_reads_the_test_split() -> None:
    """The same choice with scrambled test labels; the draw of train_size per class is the
    experiment's (the cell's labelled rows); test rows given as `rows` are refused."""
    kwargs = {"model": "logreg", "train_size": 5, "folds": 2, "unlabeled": "rest",
              "unlabeled_size": 200}
    a = choose_strategy(DIGITS, **kwargs)
    b = choose_strategy(_scrambled(DIGITS), **kwargs)
    assert a.record() == b.record()
    assert a.name in a.cv_score and a.cost["fits"] == 2 * (len(a.cv_score) + 3)  # self-training: 4 fits
    cell = _auto_cell(DIGITS, folds=2, unlabeled="rest")
    assert cell["auto"]["chosen"] == a.name and cell["auto"]["cv_score"] == a.cv_score
    with pytest.raises(InvalidConfig, match="training-split rows"):
        choose_strategy(DIGITS, rows=DIGITS.test[:20])
    with pytest.raises(InvalidConfig, match="Dataset"):
        choose_strategy(DIGITS.X)  # type: ignore[arg-type]


WINE = load("wine")


@pytest.mark.parametrize("kwargs, error, match", [
    ({"rows": WINE.test - len(WINE.X)}, InvalidConfig, "training-split rows"),  # negative: test rows
    ({"rows": np.array([len(WINE.X) + 5])}, InvalidConfig, "out of range"),
    ({"rows": np.concatenate([WINE.train[::4], WINE.train[::4]])}, InvalidConfig, "more than once"),
    ({"rows": WINE.train[WINE.y[WINE.train] != 1]}, DataError, "'class_1' has 0"),
    ({"rows": np.array([WINE.train[WINE.y[WINE.train] == c][0] for c in range(3)])}, DataError,
     "at least 2 of every class"),
    ({"train_size": 0.0}, InvalidConfig, r"in \(0, 1\]"),
    ({"train_size": float("nan")}, InvalidConfig, r"in \(0, 1\]"),
    ({"train_size": -0.5}, InvalidConfig, r"in \(0, 1\]"),
    ({"train_size": 1.5}, InvalidConfig, r"in \(0, 1\]"),
    ({"train_size": "10"}, InvalidConfig, "rows per class"),
    ({"seed": "1"}, InvalidConfig, "seed='1'"),
    ({"seed": -1}, InvalidConfig, "seed=-1"),
    ({"rows": WINE.train[::3], "train_size": 5}, InvalidConfig, "not both"),
    ({"unlabeled_size": 5}, InvalidConfig, "unlabeled='rest'"),
    ({"unlabeled": "rest"}, InvalidConfig, "nothing unlabelled"),
    ({"folds": 2.9}, InvalidConfig, "whole number"),
])
def test_choose_strategy_refuses_what_would_be_silently_wrong(kwargs: dict, error: type,
                                                             match: str) -> None:
    """Each was found by a probe: test rows by negative index, duplicated rows inflating every
    score (1.0 instead of 0.94), fractions outside (0, 1] quietly rounded up to 2 per class, a
    missing class, crashes deep in scikit-learn."""
    with pytest.raises(error, match=match):
        choose_strategy(WINE, **{"model": "logreg", "folds": 3, **kwargs})


def test_excluded_candidates_are_not_tried() -> None:
    cell = _auto_cell(DIGITS, folds=2, unlabeled="rest", exclude=("self-training", "trivialaugment"))
    assert "self-training" not in cell["auto"]["cv_score"]
    assert "trivialaugment" not in cell["auto"]["cv_score"] and "recommended" in cell["auto"]["cv_score"]
    with pytest.raises(InvalidConfig, match="can be left out"):
        AutoStrategy("a", exclude=("baseline",))
    assert AutoStrategy("a").key != AutoStrategy("a", exclude="self-training").key


def test_auto_takes_include_as_one_name_and_refuses_its_own_steps() -> None:
    assert AutoStrategy("a", include="fixmatch").include == ("fixmatch",)
    with pytest.raises(InvalidConfig, match="Experiment\\(steps"):
        AutoStrategy("a", steps=5)
    with pytest.raises(InvalidConfig, match="spelled 'auto'"):
        Experiment("wine", model="logreg", strategies={"a": "Auto"})


def test_the_report_names_each_rows_metric() -> None:
    """Two auto strategies scored by different metrics: each row says its own (the section's
    text once took the first cell's for all)."""
    from augmentlab.evaluate import Results
    from augmentlab.evaluate.report import _auto_section

    def cell(name: str, metric: str) -> dict:
        record = {"chosen": "baseline", "cv_score": {"baseline": 0.75}, "metric": metric,
                  "flips_offered": False, "folds": 3, "repeats": 1, "versus_baseline": {}}
        return {"strategy": name, "train_size": 0.5, "seed": 0, "accuracy": 0.8, "auto": record,
                "fits": 3, "examples_seen": 30}

    html = _auto_section(Results([{"strategy": "baseline", "train_size": 0.5, "seed": 0,
                                   "accuracy": 0.8}, cell("acc", "accuracy"),
                                  cell("bal", "balanced_accuracy")]))
    acc_row = html[html.index("<td class='l'>acc</td>"):]
    bal_row = html[html.index("<td class='l'>bal</td>"):]
    assert "<td class='l'>accuracy</td>" in acc_row.split("</tr>")[0]
    assert "<td class='l'>balanced accuracy</td>" in bal_row.split("</tr>")[0]
    assert "one-standard-error rule" in html


def test_recommended_strategy_auto_returns_the_choices_pipeline() -> None:
    choice = choose_strategy(DIGITS, model="logreg", train_size=5, folds=2)
    pipe = recommended_strategy(DIGITS, auto=True, model="logreg", train_size=5)
    # folds differ (5 vs 2) so compare with the same folds through the pipeline's config
    same = choose_strategy(DIGITS, model="logreg", train_size=5)
    assert (pipe is None) == (same.pipeline is None)
    if pipe is not None:
        assert pipe.get_config() == same.pipeline.get_config()
    assert choice.pipeline is None or choice.name != "baseline"
    with pytest.raises(InvalidConfig, match="auto=True"):
        recommended_strategy(DIGITS, model="logreg")


@pytest.mark.parametrize("kwargs, match", [({"folds": 1}, "folds"), ({"include": ("uda",)}, "only"),
                                           ({"class_weight": "balanced"}, "class_weight"),
                                           ({"metric": "f1"}, "metric")])
def test_bad_auto_options_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidConfig, match=match):
        AutoStrategy("auto", **kwargs)


def test_the_report_shows_each_seeds_choice_and_its_evidence(tmp_path: Path) -> None:
    """Read as a user reads it (headless Chromium): one row per seed, the chosen candidate and
    every candidate's cross-validated score."""
    from test_report_verdicts import _rendered_text

    exp = Experiment("wine", model="logreg", strategies={"auto": "auto"}, train_sizes=[8], seeds=2,
                     unlabeled="rest", out=tmp_path / "run", quiet=True)
    res = exp.run()
    printed = res.summary_text()
    chosen = [c["auto"]["chosen"] for c in res.cells if c["strategy"] == "auto"]
    assert f"auto at 8: chose {chosen[0]} in {chosen.count(chosen[0])} of 2 seeds" in printed
    text = _rendered_text(write_report(tmp_path / "report.html", res), tmp_path / "shot.png")
    assert "What auto chose" in text and "cross-validation on the cell's labelled rows" in text
    for cell in (c for c in res.cells if c["strategy"] == "auto"):
        row = next(line for line in text.splitlines()
                   if line.startswith(f"auto\t8 per class\t{cell['seed']}\t"))
        assert cell["auto"]["chosen"] in row
        for score in cell["auto"]["cv_score"].values():
            assert f"{100 * score:.1f}" in row
