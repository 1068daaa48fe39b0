"""The experiment harness: protocol, statistics, cache/resume, determinism, report."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

import augmentlab as al
from augmentlab.datasets import load
from augmentlab.errors import DataError, InvalidConfig, InvalidInput
from augmentlab.evaluate import (
    Experiment,
    Results,
    Strategy,
    calibration,
    classification_metrics,
    mean_interval,
    mild_geometric,
    paired_difference,
    recommended_strategy,
    training_rows,
)


# -- statistics and metrics against independent references -------------------------------------
def test_mean_interval_matches_scipy() -> None:
    x = [0.71, 0.74, 0.69, 0.77, 0.72]
    low, high = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    got = mean_interval(x)
    assert got["low"] == pytest.approx(low) and got["high"] == pytest.approx(high)


def test_paired_difference_matches_scipy_ttest_rel() -> None:
    a, b = [0.80, 0.83, 0.79, 0.85, 0.81], [0.78, 0.80, 0.80, 0.81, 0.77]
    got = paired_difference(a, b)
    assert got["p"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
    assert got["mean"] == pytest.approx(np.mean(np.subtract(a, b)))
    same = paired_difference(a, a)
    assert (same["mean"], same["p"]) == (0.0, 1.0)


def test_results_pair_the_two_strategies_by_seed() -> None:
    """A strategy that is exactly the baseline + 1/64 on every seed, while the baseline itself
    swings by up to 0.625 between seeds: paired by seed the difference is 1/64 every time (a
    zero-width interval); paired with any other seed's baseline it would spread widely. 1/64 and
    the baselines are binary fractions, so every difference is exact (no rounding)."""
    step = 1 / 64
    baselines = {2: 0.5, 5: 0.875, 9: 0.25, 11: 0.625, 14: 0.375}  # seeds out of step with 0..4
    cells = [{"strategy": "baseline", "train_size": 10, "seed": s, "accuracy": a, "macro_f1": a / 2}
             for s, a in baselines.items()]
    cells += [{"strategy": "aug", "train_size": 10, "seed": s, "accuracy": a + step,
               "macro_f1": a / 2 + step} for s, a in baselines.items()]
    cells.append({"strategy": "baseline", "train_size": 10, "seed": 20, "accuracy": 0.0625})  # unpaired
    order = np.random.default_rng(0).permutation(len(cells))
    res = Results([cells[i] for i in order])  # the pairing must not depend on the cells' order
    for metric in ("accuracy", "macro_f1"):
        d = res.paired_difference("aug", "baseline", train_size=10, metric=metric)
        assert d["n"] == 5, metric  # seed 20 has no partner
        assert (d["mean"], d["low"], d["high"]) == (step, step, step), (metric, d)
        assert d["p"] == 0.0 and d["verdict"] == "helps", (metric, d)
        back = res.paired_difference("baseline", "aug", train_size=10, metric=metric)
        assert (back["mean"], back["low"], back["high"]) == (-step, -step, -step)
        assert back["verdict"] == "hurts"
    frame = Results([c for c in cells if c["strategy"] == "baseline"]
                    + [c for c in cells if c["strategy"] == "aug"]).summary()
    row = frame[frame["strategy"] == "aug"].iloc[0]
    assert (row["diff_vs_baseline"], row["diff_low"], row["diff_high"]) == (step, step, step)
    assert row["verdict"] == "helps"


def test_metrics_match_sklearn() -> None:
    from sklearn.metrics import accuracy_score, average_precision_score, balanced_accuracy_score, f1_score

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 200)
    proba = rng.dirichlet(np.ones(3), 200)
    pred = proba.argmax(1)
    m = classification_metrics(y, proba)
    assert m["accuracy"] == pytest.approx(accuracy_score(y, pred))
    assert m["macro_f1"] == pytest.approx(f1_score(y, pred, average="macro"))
    assert m["balanced_accuracy"] == pytest.approx(balanced_accuracy_score(y, pred))
    yb = (rng.random(300) < 0.1).astype(int)
    pb = rng.dirichlet(np.ones(2), 300)
    mb = classification_metrics(yb, pb)
    assert mb["pr_auc"] == pytest.approx(average_precision_score(yb, pb[:, 1]))
    # a perfectly calibrated predictor: confidence 0.75 and right 3 times in 4
    y4 = np.array([0, 0, 0, 1] * 25)
    p4 = np.tile([0.75, 0.25], (100, 1))
    assert calibration(y4, p4)["ece"] == pytest.approx(0.0)


# -- protocol -------------------------------------------------------------------------------------
def test_training_rows_are_shared_stratified_and_disjoint_from_test() -> None:
    data = load("digits")
    tr, va = training_rows(data, 10, 3, 0.2)
    assert np.array_equal(np.bincount(data.y[tr], minlength=10), [8] * 10)
    assert np.array_equal(np.bincount(data.y[va], minlength=10), [2] * 10)
    assert not set(tr) & set(va) and not (set(tr) | set(va)) & set(data.test)
    again, _ = training_rows(data, 10, 3, 0.2)
    other, _ = training_rows(data, 10, 4, 0.2)
    assert np.array_equal(tr, again) and not np.array_equal(tr, other)


def test_checkpoint_selection_sees_only_the_validation_carve(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models trained by steps, when they select a checkpoint, keep the weights that score best
    on the validation rows carved from the cell's training subset (`training_rows`); the test
    split is only scored after. Every array the selection scores is recorded: it must be exactly
    that carve, and share no row with the test split (a table of distinct random rows, so rows
    are told apart by their values). At 10 per class the carve is 2 rows per class, which the
    default rule leaves unused (tests/test_checkpoint_selection.py): selection is forced here."""
    pytest.importorskip("torch")
    from augmentlab.datasets import Dataset
    from augmentlab.evaluate.cells import CellSpec, Protocol, run_cell
    from augmentlab.evaluate.strategies import BaselineStrategy
    from augmentlab.evaluate.torch_models import StepModel

    rng = np.random.default_rng(0)
    y = np.arange(150) % 3
    X = rng.normal(size=(150, 4)) + y[:, None]  # learnable, every row distinct
    split = rng.permutation(150)
    data = Dataset("distinct", "table", X, y, ("a", "b", "c"), train=np.sort(split[:90]),
                   test=np.sort(split[90:]))
    fits: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    scored: list[np.ndarray] = []  # what predict_proba saw while the model was being fitted
    fitting = [False]
    real_fit, real_proba = StepModel.fit, StepModel.predict_proba

    def fit(self: StepModel, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray,
            **kwargs: Any) -> StepModel:
        fits.append((np.array(X, copy=True), np.array(X_val, copy=True), np.array(y_val, copy=True)))
        fitting[0] = True
        try:
            return real_fit(self, X, y, X_val, y_val, **kwargs)
        finally:
            fitting[0] = False

    def predict_proba(self: StepModel, X: np.ndarray, *args: Any, **kwargs: Any) -> np.ndarray:
        if fitting[0]:
            scored.append(np.array(X, copy=True))
        return real_proba(self, X, *args, **kwargs)

    monkeypatch.setattr(StepModel, "fit", fit)
    monkeypatch.setattr(StepModel, "predict_proba", predict_proba)
    protocol = Protocol(model="mlp", steps=120, robustness_rows=30, invariance_rows=10,
                        selection="validation")
    cell = run_cell(data, protocol, CellSpec(BaselineStrategy("baseline"), 10, 0))
    assert cell["selection"] == "validation"
    train, val = training_rows(data, 10, 0, protocol.val_fraction)
    assert len(fits) == 1
    X_fit, X_val, y_val = fits[0]
    assert np.array_equal(X_val, X[val]) and np.array_equal(y_val, y[val])
    assert np.array_equal(X_fit, X[train])
    # checked at steps 50, 100 and the last one, each time on the validation carve alone
    assert [step for step, _ in cell["validation_history"]] == [50, 100, 120]
    assert len(scored) == 3 and all(np.array_equal(s, X[val]) for s in scored)
    test_rows = {row.tobytes() for row in X[data.test]}
    assert not any(row.tobytes() in test_rows for s in (*scored, X_val, X_fit) for row in s)
    assert 0.0 <= cell["accuracy"] <= 1.0  # the test split was scored, after the fit


def test_asking_for_more_rows_than_a_class_has_is_a_data_error() -> None:
    with pytest.raises(DataError, match="class_2' has 36"):
        training_rows(load("wine"), 40, 0, 0.2)


def test_bad_experiment_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig, match="train_sizes"):
        Experiment("wine", train_sizes=[1], out=tmp_path)
    with pytest.raises(InvalidConfig, match="budget"):
        Experiment("wine", budget="hours", out=tmp_path)
    with pytest.raises(InvalidConfig, match="is for image data"):
        Experiment("wine", model="small-cnn", out=tmp_path)
    with pytest.raises(InvalidConfig, match="same configuration"):
        Experiment("digits", strategies={"a": mild_geometric(), "b": mild_geometric()}, out=tmp_path)


# -- a real (small) experiment ---------------------------------------------------------------------
def _digits_experiment(out: Path, jobs: int = 1, **kwargs: object) -> Experiment:
    noop = al.Compose([al.Invert(p=0.0)], seed=0)  # changes nothing: must measure as no effect
    strategies = {"baseline": None, "noop": noop, "mild": mild_geometric()}
    return Experiment("digits", model="small-cnn", strategies=strategies, train_sizes=[6],
                      seeds=3, out=out, steps=60, robustness_rows=200, invariance_rows=100,
                      jobs=jobs, quiet=True, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Experiment, Results]:
    exp = _digits_experiment(tmp_path_factory.mktemp("digits"))
    return exp, exp.run()


def test_experiment_cells_and_summary(digits_run: tuple[Experiment, Results]) -> None:
    """The summary against numbers computed here from the cells (scipy's t interval and paired
    t-test), not the harness's own formulas."""
    exp, res = digits_run
    assert len(res.cells) == 9 and res.strategies == ["baseline", "noop", "mild"]
    frame = res.summary()
    assert frame["strategy"].tolist() == ["baseline", "noop", "mild"]
    for row in frame.to_dict("records"):
        acc = [c["accuracy"] for c in sorted(res.cells, key=lambda c: c["seed"])
               if c["strategy"] == row["strategy"]]
        low, high = stats.t.interval(0.95, len(acc) - 1, loc=np.mean(acc), scale=stats.sem(acc))
        assert row["seeds"] == 3 and row["accuracy"] == pytest.approx(np.mean(acc))
        if np.std(acc) > 0:
            assert (row["accuracy_low"], row["accuracy_high"]) == pytest.approx((low, high))
    base = [c["accuracy"] for c in sorted(res.cells, key=lambda c: c["seed"])
            if c["strategy"] == "baseline"]
    mild = [c["accuracy"] for c in sorted(res.cells, key=lambda c: c["seed"])
            if c["strategy"] == "mild"]
    row = frame[frame["strategy"] == "mild"].iloc[0]
    assert row["diff_vs_baseline"] == pytest.approx(np.mean(mild) - np.mean(base))
    assert row["diff_p_adjusted"] >= row["diff_p"]  # two comparisons: Holm never lowers a p
    for cell in res.cells:
        assert 0 <= cell["accuracy"] <= 1 and 0 <= cell["ece"] <= 1
        assert len(cell["robustness"]) == 10 and 0 <= cell["invariance"] <= 1
    assert (exp.out / "results.json").is_file() and (exp.out / "summary.csv").is_file()
    saved = json.loads((exp.out / "results.json").read_text())
    assert saved["meta"]["analysis"]["correction"] == "holm"
    assert "diff_p_adjusted" in (exp.out / "summary.csv").read_text().splitlines()[0]


def test_a_strategy_that_changes_nothing_is_equivalent(
        digits_run: tuple[Experiment, Results]) -> None:
    _, res = digits_run
    d = res.paired_difference("noop", "baseline", train_size=6)
    assert d["mean"] == 0.0 and d["verdict"] == "equivalent"
    with pytest.raises(InvalidInput, match="no strategy"):
        res.paired_difference("nope", "baseline", train_size=6)


def test_no_true_effect_with_real_noise_is_not_called_helps_or_hurts(tmp_path: Path) -> None:
    """Identical cells only exercise a zero spread. Here both sides are the baseline, trained on
    different subsets (seeds 0-7 against seeds 8-15): real run-to-run noise, no true effect."""
    res = Experiment("digits", model="logreg", train_sizes=[6], seeds=16, out=tmp_path,
                     robustness_rows=50, invariance_rows=20, quiet=True).run(report=False)
    cells = [dict(c, strategy="baseline") for c in res.cells if c["seed"] < 8]
    cells += [dict(c, strategy="same model", seed=c["seed"] - 8) for c in res.cells
              if c["seed"] >= 8]
    d = Results(cells).paired_difference("same model", "baseline", train_size=6)
    assert d["n"] == 8 and d["sd"] > 0.01  # real spread between runs
    assert d["verdict"] in ("equivalent", "inconclusive") and d["p"] > 0.05, d
    if d["verdict"] == "inconclusive":
        assert d["seeds_needed"] is None or d["seeds_needed"] > 8


def test_a_destructive_strategy_is_reported_as_hurting(tmp_path: Path) -> None:
    # every training image replaced by noise: the model cannot learn digits from that
    destroy = al.Compose([al.GaussNoise(std_range=(1.0, 1.0), mean_range=(0.0, 0.0), p=1.0),
                          al.Invert()], seed=0)
    exp = Experiment("digits", model="logreg", strategies={"destroy": Strategy("destroy", destroy, copies=1)},
                     train_sizes=[20], seeds=4, out=tmp_path, robustness_rows=100,
                     invariance_rows=50, quiet=True)
    d = exp.run(report=False).paired_difference("destroy", "baseline", train_size=20)
    assert d["verdict"] == "hurts" and d["high"] < 0


def test_rerun_reads_the_cache_and_an_interrupted_run_resumes(
        digits_run: tuple[Experiment, Results]) -> None:
    exp, first = digits_run
    again = _digits_experiment(exp.out).run(report=False)
    assert again.meta["cells_computed"] == 0 and again.cells == first.cells
    victim = sorted((exp.out / "cells").glob("*.json"))[0]
    victim.unlink()  # as if the run had been killed before this cell finished
    (exp.out / "cells" / "broken.json").write_text("{")  # stray junk is ignored
    resumed = _digits_experiment(exp.out).run(report=False)
    assert resumed.meta["cells_computed"] == 1
    strip = [{k: v for k, v in c.items() if k != "seconds"} for c in resumed.cells]
    assert strip == [{k: v for k, v in c.items() if k != "seconds"} for c in first.cells]


def test_results_do_not_depend_on_worker_count(tmp_path: Path,
                                               digits_run: tuple[Experiment, Results]) -> None:
    _, serial = digits_run
    parallel = _digits_experiment(tmp_path, jobs=2).run(report=False)
    key = ("strategy", "seed", "accuracy", "ece", "robustness", "invariance", "train_accuracy")
    assert [{k: c[k] for k in key} for c in parallel.cells] == \
        [{k: c[k] for k in key} for c in serial.cells]


def test_recommended_strategy_is_general() -> None:
    pipe = recommended_strategy(load("digits"))
    assert pipe is not None and "Flip" not in json.dumps(pipe.get_config())
    assert recommended_strategy(load("wine")) is None
    with pytest.raises(InvalidConfig):
        recommended_strategy("digits")  # type: ignore[arg-type]


def test_report_is_self_contained(digits_run: tuple[Experiment, Results]) -> None:
    exp, res = digits_run
    path = exp.report(res)
    page = path.read_text()
    for heading in ("Summary", "Accuracy vs training-set size", "Difference vs baseline",
                    "Generalization gap", "Calibration", "Robustness", "Real vs augmented",
                    "Configuration"):
        assert f"<h2>{heading}" in page, heading
    assert page.count("data:image/png;base64,") >= 6
    assert "http://" not in page and "https://" not in page  # nothing to fetch
    assert "equivalent" in page and "p adjusted" in page
    assert not math.isnan(res.meta["run_seconds"])


def test_report_renders_in_headless_chromium(digits_run: tuple[Experiment, Results]) -> None:
    from browser import chromium_path, render

    if chromium_path() is None and __import__("os").environ.get("CI"):
        pytest.fail("chromium is missing on CI: `make install` should have installed it")
    if chromium_path() is None:
        pytest.skip("chromium is not installed (run `make install`)")
    exp, res = digits_run
    page = exp.report(res)
    shot = Path(__file__).parent / "output" / "report.png"
    seen = render(page, shot)
    assert seen["errors"] == []
    assert len(seen["images"]) >= 6
    assert all(i["complete"] and i["width"] > 0 for i in seen["images"]), seen["images"]
    assert shot.stat().st_size > 10_000


def test_text_models_on_rotten_tomatoes(tmp_path: Path) -> None:
    data = load("rotten-tomatoes")
    # 160 training reviews: TF-IDF barely beats chance (balanced accuracy 0.5), sentence
    # embeddings carry what a pretrained model knows about sentiment
    for model, floor in (("tfidf-logreg", 0.53), ("embedding-logreg", 0.65)):
        res = Experiment(data, model=model, train_sizes=[100], seeds=2, out=tmp_path / model,
                         quiet=True).run(report=False)
        for cell in res.cells:
            assert cell["balanced_accuracy"] > floor, (model, cell["balanced_accuracy"])
            assert set(cell["robustness"]) == {"typos@0.05", "typos@0.15", "word_drop@0.1",
                                               "word_drop@0.25"}


def test_imbalanced_data_keeps_its_balance_and_compares_with_class_weights(tmp_path: Path) -> None:
    from augmentlab.synth import SMOTE

    exp = Experiment("keel:yeast4", model="logreg",
                     strategies={"class weights": Strategy("cw", class_weight="balanced"),
                                 "smote": SMOTE()},
                     train_sizes=["all"], seeds=3, out=tmp_path, quiet=True)
    res = exp.run()
    data = exp.data
    tr, va = training_rows(data, 1.0, 0, 0.2)
    assert len(tr) + len(va) == len(data.train)  # the whole (imbalanced) training split
    smote = res.paired_difference("smote", "baseline", train_size=1.0, metric="minority_recall")
    weights = res.paired_difference("class weights", "baseline", train_size=1.0,
                                    metric="minority_recall")
    # logistic regression ignores a 1-in-30 class until it is rebalanced, by rows or by weights
    assert smote["low"] > 0 and weights["low"] > 0
    page = (tmp_path / "report.html").read_text()
    assert "The rare class" in page and "100% of train" in page and "<b>Caution:</b>" in page


def test_generators_as_strategies_with_ratio_and_filters(tmp_path: Path) -> None:
    from augmentlab.synth import ConditionalVAE, GaussianCopula, by_score

    cvae = Strategy("cvae", resampler=ConditionalVAE(latent_dim=4, hidden=(64,), epochs=20),
                    ratio=1.0, filters=(lambda s: by_score(s, 0.1),))
    exp = Experiment("digits", model="small-cnn", strategies={"cvae": cvae}, train_sizes=[6],
                     seeds=2, steps=40, robustness_rows=100, invariance_rows=50, out=tmp_path / "img",
                     quiet=True)
    res = exp.run()
    cells = {c["strategy"]: c for c in res.cells if c["seed"] == 0}
    # 6 training rows per class (the whole subset: below 48 per class nothing is held out for
    # checkpoints) + at most as many synthetic ones (some filtered out)
    assert cells["baseline"]["rows_trained"] == 60 < cells["cvae"]["rows_trained"] <= 120
    assert cells["baseline"]["fidelity"] is None and 0 <= cells["cvae"]["fidelity"]["coverage"] <= 1
    # a few real and generated images per class are kept (first seed only) for the report's grid
    examples = cells["cvae"]["examples"]
    assert set(examples["synthetic"]) <= set(examples["real"]) == {str(c) for c in range(10)}
    assert np.asarray(examples["synthetic"][next(iter(examples["synthetic"]))][0]).shape == (8, 8)
    assert all("examples" not in c for c in res.cells if c["seed"] == 1)
    page = (tmp_path / "img" / "report.html").read_text()
    assert "<h2>Generated samples per class</h2>" in page and "<h3>cvae</h3>" in page
    copula = Strategy("copula", resampler=GaussianCopula(), ratio=0.5)
    exp = Experiment("wine", model="logreg", strategies={"copula": copula}, train_sizes=[10],
                     seeds=2, out=tmp_path / "tab", quiet=True)
    res = exp.run()
    synthetic = [c for c in res.cells if c["strategy"] == "copula"]
    assert {c["rows_trained"] for c in synthetic} == {45}  # 30 real (whole subset) + 15
    for cell in synthetic:  # fidelity of the added rows is measured in every cell
        fid = cell["fidelity"]
        assert set(fid) >= {"precision", "recall", "coverage", "near_copy_share", "detection_auc",
                            "frechet_distance"}
        assert 0 <= fid["detection_auc"] <= 1
    page = (tmp_path / "tab" / "report.html").read_text()
    assert "<h2>Synthetic data</h2>" in page and "<h3>copula</h3>" in page  # rows per class
    with pytest.raises(InvalidConfig, match="ratio needs a generator"):
        Strategy("x", ratio=1.0)
