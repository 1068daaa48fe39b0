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

from ..core.compose import Compose
from ..core.errors import DataError, InvalidConfig
from ..datasets import Dataset
from .auto import AutoStrategy
from .corruptions import corrupt
from .fitting import fit_strategy
from .metrics import calibration, classification_metrics, pack_predictions
from .modalities import adapter_for
from .models import make_model
from .semi import UNLABELED_SOURCES
from .strategies import ResampleStrategy, Strategy
from .torch_models import StepModel

__all__ = ["MIN_VALIDATION_PER_CLASS", "SELECTIONS", "CellSpec", "Protocol",
           "checkpoint_selection", "run_cell", "training_rows"]

# bump when a change makes cached cells incomparable (2: the checkpoint rule, scikit-learn
# models on the whole subset, test predictions kept)
PROTOCOL_VERSION = 2

# "auto" selects checkpoints on the validation carve only when it has this many rows of every
# class; below, models trained by steps train on the whole subset and keep their last weights
MIN_VALIDATION_PER_CLASS = 10
SELECTIONS = ("auto", "validation", "final")


@dataclass(frozen=True)
class Protocol:
    """Settings shared by every cell of an experiment."""

    model: Any = None
    budget: str = "steps"  # "steps": equal optimizer steps; "epochs": equal passes over the rows
    steps: int = 500  # with budget="steps"
    epochs: int = 30  # with budget="epochs"
    batch_size: int = 32
    val_fraction: float = 0.2
    robustness_rows: int = 1000
    invariance_rows: int = 500
    invariance_copies: int = 4
    invariance_pipeline: Compose | None = None
    # the checkpoint of models trained by steps: "auto" (the rule of `checkpoint_selection`),
    # "validation" (always select on the carve) or "final" (always the whole subset, last step)
    selection: str = "auto"
    # the unlabelled pool of semi-supervised strategies (`semi.unlabeled_pool`): None, "rest" or
    # "given", capped at unlabeled_size rows
    unlabeled: str | None = None
    unlabeled_size: int | None = None
    # DataLoader processes that build training batches ahead of the loop; results do not depend
    # on it, so it is not in the configuration (the cache key)
    loader_workers: int = 0

    def __post_init__(self) -> None:
        if self.selection not in SELECTIONS:
            raise InvalidConfig(f"selection={self.selection!r} must be one of "
                                + ", ".join(repr(s) for s in SELECTIONS))
        if self.unlabeled not in (None, *UNLABELED_SOURCES):
            raise InvalidConfig(f"unlabeled={self.unlabeled!r} must be None or one of "
                                + ", ".join(repr(s) for s in UNLABELED_SOURCES))
        if self.unlabeled_size is not None and int(self.unlabeled_size) < 1:
            raise InvalidConfig(f"unlabeled_size={self.unlabeled_size} must be >= 1 (or None: "
                                "the whole pool)")

    def config(self, modality: str, sample_rate: int | None = None) -> dict[str, Any]:
        model = make_model(self.model, modality, steps=self.steps, sample_rate=sample_rate)
        return {"model": model.config(), "model_name": getattr(model, "name", None) or
                getattr(model, "kind", None), "budget": self.budget, "steps": self.steps,
                "epochs": self.epochs, "batch_size": self.batch_size,
                "val_fraction": self.val_fraction, "robustness_rows": self.robustness_rows,
                "invariance_rows": self.invariance_rows,
                "invariance_copies": self.invariance_copies,
                "invariance_pipeline": None if self.invariance_pipeline is None
                else self.invariance_pipeline.get_config(),
                "selection": self.selection,
                "selection_min_per_class": MIN_VALIDATION_PER_CLASS,
                "unlabeled": self.unlabeled, "unlabeled_size": self.unlabeled_size,
                "protocol": PROTOCOL_VERSION}


@dataclass(frozen=True)
class CellSpec:
    strategy: Strategy
    size: int | float
    seed: int
    key: str = field(default="", compare=False)
    examples: bool = field(default=False, compare=False)  # keep a few synthetic rows per class


def training_rows(data: Dataset, size: int | float, seed: int, val_fraction: float
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Indices (into ``data.X``) of the training and validation rows of one (size, seed).

    ``size`` is rows per class (an int: a balanced subset) or a fraction of each class of the
    training split (a float in (0, 1]: the class balance kept, imbalance included).

    Example:
        >>> from augmentlab.datasets import load
        >>> tr, va = training_rows(load("wine"), 10, 0, 0.2)
        >>> len(tr), len(va)
        (24, 6)
        >>> tr, va = training_rows(load("wine"), 0.5, 0, 0.2)
        >>> len(tr) + len(va)
        66
    """
    counts = data.class_counts("train")
    if isinstance(size, float):
        want = {c: max(2, int(round(size * n))) for c, n in counts.items()}
        short = {c: n for c, n in counts.items() if n < 2}
    else:
        want = {c: int(size) for c in counts}
        short = {c: n for c, n in counts.items() if n < size}
    if short:
        raise DataError(f"train size {size} per class, but class(es) "
                        + ", ".join(f"{c!r} has {n}" for c, n in short.items())
                        + "; use smaller train_sizes or add examples", path=data.source or None)
    if not isinstance(size, float) and size < 2:
        raise DataError(f"train size {size} per class leaves nothing to validate on; use >= 2")
    # the subset depends on (seed, size) alone, never on the strategy: paired cells
    rng = np.random.default_rng([seed, int(size) if not isinstance(size, float) else
                                 int(round(size * 1e6)) + 10**7, 7919])
    y_train = data.y[data.train]
    train, val = [], []
    for c, name in enumerate(data.classes):
        pool = data.train[y_train == c]
        k_class = want[name]
        chosen = rng.choice(pool, size=k_class, replace=False)
        k = min(max(1, int(round(val_fraction * k_class))), k_class - 1)
        val.append(chosen[:k])
        train.append(chosen[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def checkpoint_selection(y_val: np.ndarray, n_classes: int, selection: str = "auto") -> str:
    """How a model trained by steps picks its weights in a cell whose validation carve has the
    labels `y_val`: ``"validation"`` (best on the carve) or ``"final"`` (whole subset, last
    step). ``"auto"`` takes ``"final"`` when some class has fewer than
    `MIN_VALIDATION_PER_CLASS` rows in the carve (see the module's protocol for why). The
    answer depends on the carve's class counts alone, never on the strategy: every strategy of
    a (size, seed) is trained the same way.

    Example:
        >>> y_val = np.repeat([0, 1, 2], 2)  # 10 rows per class at val_fraction 0.2
        >>> checkpoint_selection(y_val, 3)
        'final'
        >>> checkpoint_selection(np.repeat([0, 1, 2], 10), 3)  # 50 rows per class
        'validation'
        >>> checkpoint_selection(np.repeat([0, 1], [30, 9]), 2)  # a rare class decides
        'final'
        >>> checkpoint_selection(y_val, 3, "validation")
        'validation'
    """
    if selection not in SELECTIONS:
        raise InvalidConfig(f"selection={selection!r} must be one of "
                            + ", ".join(repr(s) for s in SELECTIONS))
    if selection != "auto":
        return selection
    counts = np.bincount(np.asarray(y_val, dtype=np.int64), minlength=n_classes)[:n_classes]
    return "validation" if int(counts.min()) >= MIN_VALIDATION_PER_CLASS else "final"


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

