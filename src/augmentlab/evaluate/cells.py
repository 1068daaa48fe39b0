"""One cell of an experiment: train one model on one subset with one strategy, score it.

The protocol, identical for every strategy:

1. the training subset: ``size`` rows per class (or a fraction of each class, keeping its
   imbalance) drawn from the dataset's training split with the cell's (size, seed) alone, so
   every strategy of a (size, seed) gets the same rows (paired);
2. the validation carve: ``val_fraction`` of each class of that subset (at least one row). Only
   models trained by steps use it, and only to pick a checkpoint, by a rule that looks at the
   carve's size alone (`checkpoint_selection`), so every strategy of a (size, seed) gets the
   same one:

   - ``"validation"``: train on the rest of the subset, keep the weights that scored best on
     the carve (checked every ``eval_every`` steps);
   - ``"final"``: train on the whole subset, carve included, for the full step budget and keep
     the last weights.

   ``Protocol(selection="auto")`` (the default) takes ``"final"`` when the carve has fewer than
   `MIN_VALIDATION_PER_CLASS` (10) rows of some class, that is below 48 rows per class at the
   default ``val_fraction`` of 0.2, and ``"validation"`` otherwise. Below that the carve cannot
   rank checkpoints: at 2 rows per class one row moves its class's score by 50 points, so the
   best of ~10 checkpoints is picked by which rows happened to be held out (and may differ
   between two strategies of a seed by chance alone), while holding them out costs a fifth of
   very little data. From 10 rows per class one row moves its class's score by 10 points at
   most, checkpoints a few points apart are told apart by several rows, and selection is kept
   because it can then see a step budget too long for the data. (On digits, 8 seeds of 500
   steps, the whole subset with the last weights scored 0.3-1.7 points above selection on the
   carve on average from 6 to 50 per class, for both torch models: the rule costs nothing below
   the threshold.) Models that are not trained by steps (scikit-learn) have no checkpoints: they
   always train on the whole subset, and a strategy's offline augmentation or resampling
   applies to all of it;
3. the same model and budget and seed; augmentation only ever touches training rows;
4. scores on the fixed, never-augmented test split (each cell keeps its predicted class per
   test row, `pack_predictions`, for a bootstrap over test rows); robustness on a fixed
   corrupted subset of it; invariance as agreement between predictions on clean and augmented
   test rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from ..datasets import Dataset
from .auto import AutoStrategy
from .corruptions import corrupt
from .fitting import fit_strategy
from .metrics import calibration, classification_metrics, pack_predictions
from .modalities import adapter_for
from .models import make_model
from .protocol import (
    MIN_VALIDATION_PER_CLASS,
    PROTOCOL_VERSION,
    SELECTIONS,
    Protocol,
    checkpoint_selection,
    training_rows,
)
from .strategies import ResampleStrategy, Strategy
from .torch_models import StepModel

# the protocol's names are re-exported: cells are where readers look for them
__all__ = ["MIN_VALIDATION_PER_CLASS", "PROTOCOL_VERSION", "SELECTIONS", "CellSpec", "Protocol",
           "checkpoint_selection", "run_cell", "training_rows"]

@dataclass(frozen=True)
class CellSpec:
    strategy: Strategy
    size: int | float
    seed: int
    key: str = field(default="", compare=False)
    examples: bool = field(default=False, compare=False)  # keep a few synthetic rows per class


@lru_cache(maxsize=4)
def _suite(data: Dataset, rows: int) -> list[tuple[str, float, np.ndarray]]:
    """The corrupted test rows (computed once per process)."""
    modality = adapter_for(data.modality)
    X_test = data.X[_robust_rows(data, rows)]
    scale = modality.corruption_scale(data)
    rate = data.info.get("sample_rate")
    return [(kind, level, corrupt(X_test, modality.name, kind, level, scale, rate))
            for kind, level in modality.suite]


def _robust_rows(data: Dataset, rows: int) -> np.ndarray:
    rng = np.random.default_rng(1234)
    return np.sort(rng.permutation(data.test)[: min(rows, len(data.test))])


def _invariance(model: Any, data: Dataset, protocol: Protocol) -> float | None:
    pipe, modality = protocol.invariance_pipeline, adapter_for(data.modality)
    if pipe is None or not modality.invariance:
        return None
    rows = _robust_rows(data, protocol.invariance_rows)
    X = data.X[rows]
    clean = model.predict_proba(X).argmax(1)
    same = []
    for k in range(1, protocol.invariance_copies + 1):
        aug = modality.augment(pipe, X, rows, k, 97, {})
        same.append(model.predict_proba(aug).argmax(1) == clean)
    return float(np.mean(same))


def _synthetic_fidelity(strategy: Strategy, X: np.ndarray, y: np.ndarray, X_fit: np.ndarray,
                        y_fit: np.ndarray, seed: int) -> dict[str, float] | None:
    """Fidelity of the rows a generator added (real rows come first in ``X_fit``), measured
    against the real training rows of the cell. Pixels are scaled to [0, 1], table columns by
    the real rows' spread; the Fréchet distance is left out for images (pixel covariances of a
    few hundred rows are singular: pass a feature extractor to `fidelity_report` instead)."""
    from .fidelity import (
        detection_score,
        distance_to_closest_record,
        frechet_distance,
        precision_recall_density_coverage,
    )

    if not isinstance(strategy, ResampleStrategy) or len(X_fit) <= len(X) or X.dtype == object \
            or not np.array_equal(X_fit[: len(X)], X):
        return None
    real = X.reshape(len(X), -1).astype(np.float64)
    fake = X_fit[len(X):].reshape(len(X_fit) - len(X), -1).astype(np.float64)
    if X.dtype == np.uint8:
        real, fake = real / 255.0, fake / 255.0
    else:
        spread = real.std(axis=0)
        spread[spread == 0] = 1.0
        real, fake = real / spread, fake / spread
    if len(real) < 3 or len(fake) < 3:
        return None
    out: dict[str, float] = dict(precision_recall_density_coverage(real, fake))
    out["near_copy_share"] = distance_to_closest_record(real, fake)["near_copy_share"]
    out["detection_auc"] = detection_score(real, fake, seed)
    if X.dtype != np.uint8:
        out["frechet_distance"] = frechet_distance(real, fake)
    return out


def _examples(X: np.ndarray, y: np.ndarray, per_class: int = 4) -> dict[str, list[Any]]:
    """The first rows of each class, JSON-native (for the report's per-class sample grid)."""
    out: dict[str, list[Any]] = {}
    for cls in np.unique(y):
        rows = X[y == cls][:per_class]
        out[str(cls)] = rows.astype(int if rows.dtype == np.uint8 else float).tolist()
    return out


def run_cell(data: Dataset, protocol: Protocol, cell: CellSpec) -> dict[str, Any]:
    """Train and score one cell; returns a JSON-native dict (the cached result).

    Torch runs on one thread inside a cell, whichever process runs it: a multi-threaded
    reduction sums in another order, and the result would depend on the worker count.
    Parallelism comes from running cells side by side (``jobs``).
    """
    torch: Any = None
    if isinstance(protocol.model, StepModel) or protocol.model in ("small-cnn", "mlp"):
        import torch
    threads = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        return _run_cell(data, protocol, cell)
    finally:
        if torch is not None and threads is not None:
            torch.set_num_threads(threads)


def _run_cell(data: Dataset, protocol: Protocol, cell: CellSpec) -> dict[str, Any]:
    start = time.perf_counter()
    strategy, modality = cell.strategy, adapter_for(data.modality)
    train, val = training_rows(data, cell.size, cell.seed, protocol.val_fraction)
    steps = strategy.steps or protocol.steps
    model = make_model(protocol.model, modality.name, steps=steps,
                       sample_rate=data.info.get("sample_rate"))
    n_classes = len(data.classes)
    # the same for every strategy of the (size, seed): it looks at the carve alone
    selection = (checkpoint_selection(data.y[val], n_classes, protocol.selection)
                 if model.trained_by_steps else "final")  # no checkpoints: the whole subset
    if selection == "final":
        train, val = np.sort(np.concatenate([train, val])), val[:0]
    X, y = data.X[train], data.y[train]
    if isinstance(strategy, AutoStrategy):  # choose on the training subset, then fit the choice
        fitted = strategy.fit(model, protocol, data, train, val, cell.size, cell.seed)
    else:
        fitted = fit_strategy(model, strategy, protocol, data, train, val, cell.size, cell.seed)
    X_fit, y_fit, rows_trained, cost = fitted.X, fitted.y, fitted.rows, fitted.cost
    fit_seconds = time.perf_counter() - start
    fidelity = _synthetic_fidelity(strategy, X, y, X_fit, y_fit, cell.seed)

    X_test, y_test = data.test_set()
    proba = model.predict_proba(X_test)
    metrics = classification_metrics(y_test, proba)  # accuracy: mean(argmax == y_test)
    calib = calibration(y_test, proba)
    train_acc = float((model.predict_proba(X).argmax(1) == y).mean())
    robustness = {}
    rows = _robust_rows(data, protocol.robustness_rows)
    y_rob = data.y[rows]
    for kind, level, X_bad in _suite(data, protocol.robustness_rows):
        robustness[f"{kind}@{level:g}"] = float((model.predict_proba(X_bad).argmax(1) == y_rob).mean())
    result = {
        "strategy": strategy.name, "strategy_key": strategy.key, "train_size": cell.size,
        "seed": cell.seed, "rows_trained": int(rows_trained),
        "steps": int(getattr(model, "steps", 0)) or None,
        "selection": selection,
        # the compute spent: rows the model was run or fitted on (views and rounds included)
        "examples_seen": cost["examples_seen"], "fits": cost["fits"],
        **metrics,
        "train_accuracy": train_acc,
        "generalization_gap": train_acc - metrics["accuracy"],
        "ece": calib["ece"],
        "reliability": {k: v for k, v in calib.items() if k != "ece"},
        "robustness": robustness,
        "robust_accuracy": float(np.mean(list(robustness.values()))) if robustness else None,
        "invariance": _invariance(model, data, protocol),
        "validation_history": [list(h) for h in getattr(model, "history", [])],
        "fidelity": fidelity,
        # the predicted class of every test row, in `data.test_set()` order
        "test_predictions": pack_predictions(proba.argmax(axis=1)),
    }
    if fitted.choice is not None:
        result["auto"] = fitted.choice
    if fidelity is not None and cell.examples:
        result["examples"] = {"real": _examples(X, y), "synthetic": _examples(X_fit[len(X):], y_fit[len(X):])}
    result["seconds"] = {"fit": fit_seconds, "total": time.perf_counter() - start}
    return result

