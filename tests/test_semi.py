"""Unlabelled data in the harness: the pool, FixMatch / UDA / self-training cells, determinism with
DataLoader workers, and that nothing learns from the test split."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

import augmentlab as al
from augmentlab.datasets import Dataset, load, read_unlabeled
from augmentlab.errors import DataError, InvalidConfig
from augmentlab.evaluate import (
    Experiment,
    Protocol,
    SemiStrategy,
    StepModel,
    Strategy,
    pseudo_labels,
    training_rows,
    unlabeled_pool,
)
from augmentlab.evaluate.cells import CellSpec, run_cell
from augmentlab.evaluate.strategies import AugmentStrategy

DIGITS = load("digits")


def _cell(data: Dataset, strategy: SemiStrategy, *, workers: int = 0, size: int = 5,
          seed: int = 0, model: str = "small-cnn", steps: int = 40, pool: int | None = 300,
          source: str = "rest") -> dict:
    protocol = Protocol(model=model, steps=steps, robustness_rows=50, invariance_rows=20,
                        unlabeled=source, unlabeled_size=pool, loader_workers=workers)
    return run_cell(data, protocol, CellSpec(strategy, size, seed))


# -- the pool ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["digits", "wine", "breast-cancer"])
@pytest.mark.parametrize("size", [2, 10, 0.3])
@pytest.mark.parametrize("limit", [None, 25])
def test_pool_holds_no_test_row_and_no_labelled_row_of_the_cell(name: str, size: int | float,
                                                               limit: int | None) -> None:
    data = load(name)
    for seed in range(3):
        tr, va = training_rows(data, size, seed, 0.2)
        labelled = np.concatenate([tr, va])
        rows, ids = unlabeled_pool(data, "rest", labelled, size, seed, limit)
        assert not np.isin(ids, data.test).any()
        assert not np.isin(ids, labelled).any()
        assert np.isin(ids, data.train).all()
        assert np.array_equal(rows, data.X[ids])
        if limit is None:  # all the rest
            assert len(ids) == len(data.train) - len(labelled)
        else:
            assert len(ids) == limit
            again = unlabeled_pool(data, "rest", labelled, size, seed, limit)[1]
            assert np.array_equal(ids, again)  # a draw fixed by (size, seed)


def test_the_cell_trains_on_that_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the cell hands the strategy, not only what the function returns."""
    seen = {}
    original = SemiStrategy.train

    def spy(self, model, data, X, y, rows, X_val, y_val, pool, pool_ids, *args, **kwargs):
        seen.update(rows=rows, pool_ids=pool_ids, pool=pool)
        return original(self, model, data, X, y, rows, X_val, y_val, pool, pool_ids, *args, **kwargs)

    monkeypatch.setattr(SemiStrategy, "train", spy)
    _cell(DIGITS, SemiStrategy("st", "self-training", rounds=1), model="logreg", pool=None)
    tr, va = training_rows(DIGITS, 5, 0, 0.2)
    assert not np.isin(seen["pool_ids"], DIGITS.test).any()
    assert not np.isin(seen["pool_ids"], np.concatenate([tr, va])).any()
    assert len(seen["pool_ids"]) == len(DIGITS.train) - len(tr) - len(va)
    assert np.array_equal(seen["pool"], DIGITS.X[seen["pool_ids"]])


def test_given_rows_get_ids_no_labelled_row_has() -> None:
    data = dataclasses.replace(DIGITS, unlabeled=DIGITS.X[DIGITS.test[:30]])
    rows, ids = unlabeled_pool(data, "given", DIGITS.train[:10], 5, 0)
    assert ids.min() >= len(DIGITS.X) and len(ids) == 30
    assert np.array_equal(rows, DIGITS.X[DIGITS.test[:30]])


# -- nothing reads the test split -------------------------------------------------------------------
def _scrambled(data: Dataset) -> Dataset:
    y = data.y.copy()
    y[data.test] = np.random.default_rng(5).permutation(y[data.test])
    return dataclasses.replace(data, y=y)


@pytest.mark.parametrize("strategy, model", [
    (SemiStrategy("fixmatch", "fixmatch"), "small-cnn"),
    (SemiStrategy("st", "self-training", rounds=2), "small-cnn"),
    (SemiStrategy("st", "self-training", rounds=2), "logreg"),
])
def test_scrambled_test_labels_give_the_same_training(strategy: SemiStrategy, model: str) -> None:
    scrambled = _scrambled(DIGITS)
    assert not np.array_equal(scrambled.y[DIGITS.test], DIGITS.y[DIGITS.test])
    a, b = _cell(DIGITS, strategy, model=model), _cell(scrambled, strategy, model=model)
    assert a["test_predictions"] == b["test_predictions"]
    assert a["train_accuracy"] == b["train_accuracy"]
    assert a["accuracy"] != b["accuracy"]  # the scores do see the scrambled labels


# -- determinism ------------------------------------------------------------------------------------
@pytest.mark.parametrize("strategy", [
    SemiStrategy("fixmatch", "fixmatch"),
    SemiStrategy("uda", "uda", ema=None),
    SemiStrategy("st", "self-training", al.Compose([al.Affine(rotate=10, p=1.0)]), rounds=2),
])
def test_same_bytes_with_0_and_2_dataloader_workers(strategy: SemiStrategy) -> None:
    zero, two = _cell(DIGITS, strategy, workers=0), _cell(DIGITS, strategy, workers=2)
    again = _cell(DIGITS, strategy, workers=0)
    for key in ("test_predictions", "accuracy", "ece", "train_accuracy", "examples_seen"):
        assert zero[key] == two[key] == again[key], key


def test_supervised_batches_are_the_same_with_loader_workers() -> None:
    """The DataLoader's workers draw their base seed from a generator of their own: drawn from
    the global one, it shifted every dropout mask (a different model with 2 workers)."""
    rows = DIGITS.train[:80]
    X, y = DIGITS.X[rows], DIGITS.y[rows]
    strategy = AugmentStrategy("r", al.evaluate.recommended_strategy(DIGITS))
    augment = strategy.on_the_fly(rows, 0, "image", {}, 10)[0]
    probs = [StepModel("small-cnn", steps=30).fit(X, y, None, None, seed=3, augment=augment,
                                                  loader_workers=w).predict_proba(DIGITS.X[:50])
             for w in (0, 2)]
    assert np.array_equal(probs[0], probs[1])


def test_fixmatch_learns_from_the_pool_and_reports_its_cost() -> None:
    """The unlabelled term is really in the loss: another pool, another model; the compute
    counts the views."""
    strategy = SemiStrategy("fixmatch", "fixmatch", threshold=0.3)
    a = _cell(DIGITS, strategy, pool=300, steps=150)
    b = _cell(DIGITS, strategy, pool=200, steps=150)
    assert a["test_predictions"] != b["test_predictions"]
    assert a["examples_seen"] == 150 * (32 + 2 * 3 * 32) and a["fits"] == 1
    base = run_cell(DIGITS, Protocol(model="small-cnn", steps=40, robustness_rows=50,
                                     invariance_rows=20), CellSpec(al.evaluate.BaselineStrategy("b"), 5, 0))
    assert base["examples_seen"] == 40 * 32  # 40 steps of 32 rows


def test_self_training_adds_pseudo_labelled_rows_each_round() -> None:
    one = _cell(DIGITS, SemiStrategy("st", "self-training", rounds=1), model="logreg", pool=None)
    three = _cell(DIGITS, SemiStrategy("st", "self-training", rounds=3), model="logreg", pool=None)
    labelled = 50
    pool = len(DIGITS.train) - labelled
    assert one["fits"] == 2 and one["examples_seen"] == labelled + labelled + pool  # all in round 1 of 1
    assert three["fits"] == 4 and three["examples_seen"] > 4 * labelled


# -- pseudo-labels ----------------------------------------------------------------------------------
def test_pseudo_labels_are_the_argmax_and_grow_with_the_rounds() -> None:
    proba = np.random.default_rng(0).dirichlet(np.ones(3), size=200)
    kept = [pseudo_labels(proba, r, 4) for r in range(1, 5)]
    sizes = [len(p) for p, _ in kept]
    assert sizes == sorted(sizes) and sizes[-1] == 200
    for pos, lab in kept:
        assert np.array_equal(lab, proba[pos].argmax(1))
    first, _ = kept[0]
    for c in range(3):  # each predicted class is represented from the first round
        assert (proba[first].argmax(1) == c).any()
    pos, _ = pseudo_labels(proba, 4, 4, threshold=0.6)
    assert (proba[pos].max(1) >= 0.6).all() and len(pos) == int((proba.max(1) >= 0.6).sum())
    with pytest.raises(InvalidConfig, match="round 0"):
        pseudo_labels(proba, 0, 4)


# -- refusals ---------------------------------------------------------------------------------------
def test_a_semi_strategy_without_unlabelled_rows_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidConfig, match="unlabeled='rest'"):
        Experiment("digits", strategies={"fm": Strategy("fm", semi="fixmatch")}, out=tmp_path,
                   quiet=True)


def test_fixmatch_with_a_model_not_trained_by_steps_is_refused() -> None:
    with pytest.raises(InvalidConfig, match="self-training"):
        _cell(DIGITS, SemiStrategy("fm", "fixmatch"), model="logreg")


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "mean-teacher"}, "must be one of"),
    ({"method": "fixmatch", "threshold": 1.5}, "threshold"),
    ({"method": "self-training", "rounds": 0}, "rounds"),
    ({"method": "self-training", "strong": al.Compose([al.HorizontalFlip()])}, "no strong view"),
    ({"method": "fixmatch", "strong": "flip"}, "strong must be"),
])
def test_bad_semi_options_are_refused(kwargs: dict, match: str) -> None:
    with pytest.raises(InvalidConfig, match=match):
        SemiStrategy("s", **kwargs)


def test_semi_does_not_combine_with_a_resampler() -> None:
    from augmentlab.synth import SMOTE

    with pytest.raises(InvalidConfig, match="pipeline only"):
        Strategy("s", resampler=SMOTE(), semi="self-training")


def test_unlabelled_rows_of_another_shape_are_refused() -> None:
    with pytest.raises(DataError, match="unlabeled rows are"):
        dataclasses.replace(DIGITS, unlabeled=np.zeros((3, 9, 9), np.uint8))
    with pytest.raises(DataError, match="unlabeled rows are"):
        dataclasses.replace(DIGITS, unlabeled=np.zeros((3, 8, 8), np.float32))
    with pytest.raises(InvalidConfig, match="no unlabelled rows"):
        unlabeled_pool(DIGITS, "given", DIGITS.train[:5], 5, 0)


def test_the_callers_array_is_copied_not_frozen() -> None:
    rows = DIGITS.X[:4].copy()
    data = dataclasses.replace(DIGITS, unlabeled=rows)
    assert rows.flags.writeable and not data.unlabeled.flags.writeable
    rows[:] = 0
    assert data.unlabeled.any()


# -- user rows: arrays, folders, text files ---------------------------------------------------------
def test_unlabelled_images_from_a_folder_take_the_datasets_size(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    cv2.imwrite(str(tmp_path / "a.png"), np.full((16, 16, 3), 200, np.uint8))
    cv2.imwrite(str(tmp_path / "sub" / "b.jpg"), np.full((8, 8, 3), 50, np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    rows = read_unlabeled(tmp_path, DIGITS)
    assert rows.shape == (2, 8, 8) and rows.dtype == np.uint8
    assert abs(int(rows[0].mean()) - 200) <= 1 and abs(int(rows[1].mean()) - 50) <= 2
    with pytest.raises(DataError, match="no images"):
        read_unlabeled(tmp_path / "sub" / "nothing", DIGITS) if False else read_unlabeled(
            _empty(tmp_path), DIGITS)


def _empty(root: Path) -> Path:
    (root / "empty").mkdir(exist_ok=True)
    return root / "empty"


def test_unlabelled_texts_from_a_file(tmp_path: Path) -> None:
    rt = load("rotten-tomatoes")
    path = tmp_path / "pool.txt"
    path.write_text("a fine film\n\n  dull and long  \n", encoding="utf-8")
    assert read_unlabeled(path, rt).tolist() == ["a fine film", "dull and long"]
    path.write_bytes(b"\xff\xfe bad")
    with pytest.raises(DataError, match="not UTF-8"):
        read_unlabeled(path, rt)
    with pytest.raises(DataError, match="use .rest.*an array"):
        read_unlabeled(path, load("wine"))


def test_an_experiment_with_given_rows_runs_them_in_worker_processes(tmp_path: Path) -> None:
    """The workers get the dataset with its unlabelled rows, not the built-in reloaded by name."""
    rows = DIGITS.X[DIGITS.train[:200]]
    kwargs = dict(model="logreg", strategies={"st": Strategy("st", semi="self-training")},
                  train_sizes=[5], seeds=2, quiet=True, unlabeled=rows, robustness_rows=50)
    one = Experiment("digits", out=tmp_path / "one", jobs=1, **kwargs).run(report=False)
    two = Experiment("digits", out=tmp_path / "two", jobs=2, **kwargs).run(report=False)
    assert [c["test_predictions"] for c in one.cells] == [c["test_predictions"] for c in two.cells]
    frame = one.summary().set_index("strategy")  # the compute is reported beside the accuracy
    assert frame.loc["st", "examples_seen"] > 4 * frame.loc["baseline", "examples_seen"]
    assert frame.loc["st", "fit_seconds"] > 0
    assert "examples_seen" in one.summary_text() and "fit_seconds" in one.summary_text()
    rest = Experiment("digits", out=tmp_path / "rest", jobs=1,
                      **{**kwargs, "unlabeled": "rest"}).run(report=False)
    st = [c for c in rest.cells if c["strategy"] == "st"]
    assert st[0]["test_predictions"] != [c for c in one.cells if c["strategy"] == "st"][0][
        "test_predictions"]


def test_cli_evaluate_with_unlabeled_rest(tmp_path: Path) -> None:
    out = tmp_path / "res"
    proc = subprocess.run(
        [sys.executable, "-m", "augmentlab.cli", "evaluate", "--data", "digits", "--model", "logreg",
         "--strategy", "st=mild+self-training", "--unlabeled", "rest", "--unlabeled-size", "300",
         "--sizes", "5", "--seeds", "3", "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "st" in proc.stdout and "examples_seen" in proc.stdout
    assert "examples seen" in (out / "report.html").read_text()
    missing = subprocess.run(
        [sys.executable, "-m", "augmentlab.cli", "evaluate", "--data", "digits", "--strategy",
         "self-training", "--sizes", "5", "--seeds", "2", "--out", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=600)
    assert missing.returncode != 0 and "unlabeled='rest'" in missing.stderr
