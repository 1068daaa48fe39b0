"""Issue 21: checkpoint selection that is not noise at small sizes, the same for every strategy;
scikit-learn models on the whole training subset; each cell's test predictions kept.

Every test here fails on the protocol before it (version 1): scikit-learn models were fitted on
the 80% left after the validation carve, models trained by steps always kept the weights best on
a carve of 1-2 rows per class, and cells had no ``selection`` or ``test_predictions``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import augmentlab as al
from augmentlab.datasets import load
from augmentlab.errors import InvalidConfig
from augmentlab.evaluate import Strategy, mild_geometric, training_rows
from augmentlab.evaluate.cells import (
    MIN_VALIDATION_PER_CLASS,
    CellSpec,
    Protocol,
    checkpoint_selection,
    run_cell,
)
from augmentlab.evaluate.metrics import pack_predictions, unpack_predictions
from augmentlab.evaluate.models import SklearnModel
from augmentlab.evaluate.strategies import BaselineStrategy

SMALL, LARGE = 10, 50  # per class: a carve of 2 rows per class, and of 10 (at val_fraction 0.2)


def _rows(X: np.ndarray) -> list[bytes]:
    """The rows of `X` as a sorted list of byte strings (a multiset: order-free comparison)."""
    return sorted(np.ascontiguousarray(row).tobytes() for row in X)


class _Recorder:
    """A tiny scikit-learn-style classifier that records the rows it is fitted on and predicts
    the class prior (so nothing depends on what it learns)."""

    fitted: list[tuple[np.ndarray, np.ndarray]] = []

    def fit(self, X: np.ndarray, y: np.ndarray) -> _Recorder:
        _Recorder.fitted.append((np.array(X, copy=True), np.array(y, copy=True)))
        self.classes_ = np.unique(y)
        self.prior_ = np.bincount(y)[self.classes_] / len(y)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        return np.tile(self.prior_, (len(X), 1))


class _RecordingResampler:
    """A resampler (a strategy's offline step) that records the rows it is given, unchanged."""

    def __init__(self) -> None:
        self.seen: list[np.ndarray] = []

    def fit_resample(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.seen.append(np.array(X, copy=True))
        return X, y


@pytest.fixture
def step_fits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Every `StepModel.fit` of the test: the rows trained on, the validation rows it was given
    and the validation history it ended with."""
    pytest.importorskip("torch")
    from augmentlab.evaluate.torch_models import StepModel

    fits: list[dict[str, Any]] = []
    real_fit = StepModel.fit

    def fit(self: StepModel, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None,
            y_val: np.ndarray | None, **kwargs: Any) -> StepModel:
        out = real_fit(self, X, y, X_val, y_val, **kwargs)
        fits.append({"X": np.array(X, copy=True),
                     "X_val": None if X_val is None else np.array(X_val, copy=True),
                     "history": list(self.history), "steps": self.steps,
                     "kept": [p.detach().clone() for p in self.net.parameters()]})
        return out

    monkeypatch.setattr(StepModel, "fit", fit)
    yield fits


@pytest.fixture
def weights_after_each_step(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[Any]]]:
    """The parameters after every optimizer step (of every fit in the test), recorded by the
    optimizer itself: what "the final weights" and "the weights at step k" are, independently
    of the model's own bookkeeping."""
    torch = pytest.importorskip("torch")
    after: list[list[Any]] = []
    real_step = torch.optim.Adam.step

    def step(self: Any, *args: Any, **kwargs: Any) -> Any:
        out = real_step(self, *args, **kwargs)
        after.append([p.detach().clone() for group in self.param_groups for p in group["params"]])
        return out

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    yield after


def _same(a: list[Any], b: list[Any]) -> bool:
    import torch

    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def _protocol(model: Any, **kwargs: Any) -> Protocol:
    return Protocol(model=model, robustness_rows=20, invariance_rows=10, **kwargs)


# -- scikit-learn models: the whole subset ---------------------------------------------------------
def test_a_scikit_learn_model_is_fitted_on_every_row_of_the_subset() -> None:
    """No checkpoints to choose, so no rows held out: the estimator is fitted on the training
    rows and the validation carve together, and a strategy's offline resampling gets them all."""
    data = load("wine")
    train, val = training_rows(data, SMALL, 0, 0.2)
    subset = np.concatenate([train, val])
    _Recorder.fitted.clear()
    cell = run_cell(data, _protocol(SklearnModel(_Recorder)),
                    CellSpec(BaselineStrategy("baseline"), SMALL, 0))
    (X_fit, y_fit), = _Recorder.fitted
    assert len(X_fit) == len(subset) == 3 * SMALL
    assert _rows(X_fit) == _rows(data.X[subset])
    assert np.bincount(y_fit).tolist() == [SMALL] * 3
    assert cell["rows_trained"] == 3 * SMALL and cell["selection"] == "final"
    assert cell["validation_history"] == []

    resampler = _RecordingResampler()
    _Recorder.fitted.clear()
    run_cell(data, _protocol(SklearnModel(_Recorder)),
             CellSpec(Strategy("same rows", resampler=resampler), SMALL, 0))
    (seen,), ((X_fit, _),) = resampler.seen, _Recorder.fitted
    assert _rows(seen) == _rows(X_fit) == _rows(data.X[subset])


# -- models trained by steps: the fixed rule ---------------------------------------------------
def test_a_step_model_at_a_small_size_trains_on_the_whole_subset_and_keeps_its_final_weights(
        step_fits: list[dict[str, Any]], weights_after_each_step: list[list[Any]]) -> None:
    """At 10 per class the carve has 2 rows per class: no selection on it. The model trains on
    all 30 rows for the full budget and keeps the weights of the last optimizer step; the cell
    scores them (the same predictions as a model trained here on the subset)."""
    import torch

    from augmentlab.evaluate.torch_models import StepModel

    data = load("wine")
    train, val = training_rows(data, SMALL, 0, 0.2)
    subset = np.sort(np.concatenate([train, val]))
    cell = run_cell(data, _protocol("mlp", steps=60), CellSpec(BaselineStrategy("baseline"), SMALL, 0))
    (fit,) = step_fits
    assert cell["selection"] == "final" and cell["rows_trained"] == len(subset)
    assert fit["X_val"] is None and fit["history"] == [] and cell["validation_history"] == []
    assert _rows(fit["X"]) == _rows(data.X[subset])
    assert len(weights_after_each_step) == 60
    assert _same(fit["kept"], weights_after_each_step[-1])
    assert not _same(fit["kept"], weights_after_each_step[49])  # it did train on to the end

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in a cell
    try:
        alone = StepModel("mlp", steps=60).fit(data.X[subset], data.y[subset], None, None,
                                               seed=0, n_classes=3)
        expected = alone.predict_proba(data.test_set()[0]).argmax(1)
    finally:
        torch.set_num_threads(threads)
    assert np.array_equal(unpack_predictions(cell["test_predictions"]), expected)


def test_a_step_model_at_a_large_size_selects_on_the_validation_carve(
        step_fits: list[dict[str, Any]], weights_after_each_step: list[list[Any]]) -> None:
    """At 50 per class the carve has 10 rows per class: the model trains on the other 40 and
    keeps the weights that scored best on the carve (checked every 50 steps and at the last;
    ties to the later)."""
    data = load("digits")
    train, val = training_rows(data, LARGE, 0, 0.2)
    assert np.bincount(data.y[val]).min() == MIN_VALIDATION_PER_CLASS
    # 150 steps: here the carve scores best at step 100, so the kept weights are not the last
    cell = run_cell(data, _protocol("mlp", steps=150), CellSpec(BaselineStrategy("baseline"), LARGE, 0))
    (fit,) = step_fits
    assert cell["selection"] == "validation" and cell["rows_trained"] == len(train)
    assert _rows(fit["X"]) == _rows(data.X[train])
    assert fit["X_val"] is not None and np.array_equal(fit["X_val"], data.X[val])
    assert [step for step, _ in cell["validation_history"]] == [50, 100, 150]
    best = max(cell["validation_history"], key=lambda h: (h[1], h[0]))[0]
    assert _same(fit["kept"], weights_after_each_step[best - 1])
    # the scores are the carve's: recomputed from the weights of each checked step
    from augmentlab.evaluate.torch_models import StepModel

    probe = StepModel("mlp", steps=1)
    probe.fit(data.X[train][:2], data.y[train][:2], None, None, seed=0, n_classes=10)
    for step, score in cell["validation_history"]:
        for param, value in zip(probe.net.parameters(), weights_after_each_step[step - 1],
                                strict=True):
            param.data.copy_(value)
        assert float(np.mean(probe.predict_proba(data.X[val]).argmax(1) == data.y[val])) == score


def test_the_rule_is_the_same_for_every_strategy_of_a_cell(
        step_fits: list[dict[str, Any]]) -> None:
    """Baseline, class weights, on-the-fly augmentation and a strategy with its own step budget:
    at one (size, seed) they all get the same rows to train on and the same selection."""
    data = load("digits")
    strategies = [BaselineStrategy("baseline"), Strategy("weighted", class_weight="balanced"),
                  Strategy("mild", mild_geometric(seed=0)),
                  Strategy("longer", al.Compose([al.Invert(p=0.0)], seed=0), steps=70)]
    for size, expected in ((SMALL, "final"), (LARGE, "validation")):
        step_fits.clear()
        cells = [run_cell(data, _protocol("mlp", steps=50), CellSpec(s, size, 1)) for s in strategies]
        assert [c["selection"] for c in cells] == [expected] * len(strategies), size
        assert [f["steps"] for f in step_fits] == [50, 50, 50, 70]
        first = step_fits[0]
        for fit in step_fits[1:]:
            assert np.array_equal(fit["X"], first["X"])  # the same real rows, in the same order
            assert (fit["X_val"] is None) == (first["X_val"] is None)
            if first["X_val"] is not None:
                assert np.array_equal(fit["X_val"], first["X_val"])
        assert (first["X_val"] is None) == (expected == "final")


def test_the_selection_setting_overrides_the_rule(step_fits: list[dict[str, Any]]) -> None:
    data = load("wine")
    forced = run_cell(data, _protocol("mlp", steps=60, selection="validation"),
                      CellSpec(BaselineStrategy("baseline"), SMALL, 0))
    assert forced["selection"] == "validation" and step_fits[-1]["X_val"] is not None
    assert [step for step, _ in forced["validation_history"]] == [50, 60]
    with pytest.raises(InvalidConfig, match="selection"):
        Protocol(selection="best")
    # the rule reads the carve's rarest class
    assert checkpoint_selection(np.repeat([0, 1, 2], [10, 10, 9]), 3) == "final"
    assert checkpoint_selection(np.repeat([0, 1, 2], [10, 10, 10]), 3) == "validation"
    assert checkpoint_selection(np.repeat([0, 1, 2], 10), 3, "final") == "final"


def test_the_selection_mode_is_in_the_protocol_config() -> None:
    """Cached cells are keyed by the protocol's config: a cell of one selection mode is never
    read back for another."""
    configs = [_protocol("logreg", selection=mode).config("table")
               for mode in ("auto", "validation", "final")]
    assert [c["selection"] for c in configs] == ["auto", "validation", "final"]
    assert len({json.dumps(c, sort_keys=True, default=repr) for c in configs}) == 3
    assert configs[0]["selection_min_per_class"] == MIN_VALIDATION_PER_CLASS
    assert Protocol().selection == "auto"


# -- test predictions ------------------------------------------------------------------------------
@pytest.mark.parametrize("model, name, size", [("logreg", "wine", SMALL), ("mlp", "digits", SMALL),
                                               ("mlp", "digits", LARGE)])
def test_the_stored_predictions_give_the_cell_s_accuracy_exactly(model: str, name: str,
                                                                  size: int) -> None:
    if model == "mlp":
        pytest.importorskip("torch")
    data = load(name)
    cell = run_cell(data, _protocol(model, steps=60), CellSpec(BaselineStrategy("baseline"), size, 2))
    assert isinstance(cell["test_predictions"], str) and json.loads(json.dumps(cell)) == cell
    pred = unpack_predictions(cell["test_predictions"])
    y_test = data.test_set()[1]
    assert pred.shape == y_test.shape
    assert float(np.mean(pred == y_test)) == cell["accuracy"]
    assert len(np.unique(pred)) == len(data.classes)  # a real model's, not a constant


def test_packed_predictions_round_trip_and_stay_compact() -> None:
    rng = np.random.default_rng(0)
    for high, tag in ((2, "u1:"), (256, "u1:"), (257, "u2:"), (65536, "u2:")):
        pred = rng.integers(0, high, size=1001)
        pred[-1] = high - 1
        text = pack_predictions(pred)
        assert text.startswith(tag) and text.isascii()
        assert np.array_equal(unpack_predictions(text), pred)
        assert len(text) <= 3 + 4 * -(-len(pred) * (1 if tag == "u1:" else 2) // 3)
    for bad in (np.array([65536]), np.array([0.5]), np.zeros((2, 2), int)):
        with pytest.raises(ValueError):
            pack_predictions(bad)
    with pytest.raises(ValueError):
        unpack_predictions("u2:AAAA")  # three bytes are not whole uint16s


def test_a_protocol_with_its_default_model_is_usable() -> None:
    # Protocol()'s model=None was refused by make_model ("got NoneType") at the first cell
    assert Protocol().config("table")["model_name"] == "logreg"
    assert Protocol().config("image")["model_name"] == "small-cnn"
