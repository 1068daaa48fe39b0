"""The settings every cell of an experiment shares (`Protocol`), the rows a cell trains and
validates on (`training_rows`) and how a model trained by steps picks its weights
(`checkpoint_selection`); `augmentlab.evaluate.cells` describes the whole protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import DataError, InvalidConfig
from ..datasets import Dataset
from .models import ModelSpec, make_model
from .semi import UNLABELED_SOURCES

__all__ = ["MIN_VALIDATION_PER_CLASS", "PROTOCOL_VERSION", "SELECTIONS", "Protocol",
           "checkpoint_selection", "training_rows"]

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

    model: ModelSpec | None = None
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
        >>> training_rows(load("wine"), 1.5, 0, 0.2)
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: train size 1.5: a fraction of each class must be in (0, 1]; ...
    """
    if isinstance(size, bool) or not isinstance(size, (int, float, np.integer, np.floating)):
        raise InvalidConfig(f"train size {size!r}: give rows per class (an int >= 2) or a "
                            "fraction of each class (a float in (0, 1])")
    if isinstance(size, (float, np.floating)) and not 0 < size <= 1:  # NaN fails too
        raise InvalidConfig(f"train size {size!r}: a fraction of each class must be in (0, 1]; "
                            "for rows per class give an int")
    size = float(size) if isinstance(size, (float, np.floating)) else int(size)
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
