"""Fitting one model with one strategy on given rows of a dataset: the step every cell (and every
inner fold of the ``auto`` strategy) takes between choosing rows and scoring.

`fit_strategy` trains `model` on the rows `train` (validation rows `val` pick its checkpoint
when given), with the strategy's augmentation on the fly (models trained by steps) or up front
(the others), its resampling or generated rows, or -- for a `SemiStrategy` -- the cell's
unlabelled pool as well, and says what it cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..datasets import Dataset
from .modalities import adapter_for
from .semi import unlabeled_pool
from .strategies import SemiStrategy, Strategy

__all__ = ["Fitted", "fit_strategy"]


@dataclass
class Fitted:
    """What fitting left: the rows trained on before on-the-fly augmentation (``X``, ``y``; real
    rows first), their count, the compute spent (``examples_seen``, ``fits``) and, for ``auto``,
    the choice and its evidence."""

    X: np.ndarray
    y: np.ndarray
    rows: int
    cost: dict[str, int]
    choice: dict[str, Any] | None = field(default=None)


def fit_strategy(model: Any, strategy: Strategy, protocol: Any, data: Dataset, train: np.ndarray,
                 val: np.ndarray, size: int | float, seed: int,
                 exclude: np.ndarray | None = None) -> Fitted:
    """Fit `model` with `strategy` on ``data.X[train]`` (checkpoints picked on ``data.X[val]``
    when `val` is not empty) under `protocol` (`augmentlab.evaluate.Protocol`); `size` and
    `seed` are the cell's (they fix the unlabelled pool's draw). The pool of a `SemiStrategy`
    never holds a row of `train`, `val` or `exclude` (the cell's other labelled rows, when
    fitting on a part of them).

    Example:
        >>> from augmentlab.datasets import load
        >>> from augmentlab.evaluate import BaselineStrategy, Protocol, make_model
        >>> data = load("wine")
        >>> fitted = fit_strategy(make_model("logreg", "table"), BaselineStrategy("b"),
        ...                       Protocol(model="logreg"), data, data.train[::3],
        ...                       data.train[:0], 10, 0)
        >>> fitted.rows, fitted.cost
        (45, {'examples_seen': 45, 'fits': 1})
    """
    modality = adapter_for(data.modality)
    extra = modality.extra_fields(data)
    n_classes = len(data.classes)
    X, y = data.X[train], data.y[train]
    X_val, y_val = (data.X[val], data.y[val]) if len(val) else (None, None)
    if model.trained_by_steps:
        model.batch_size = protocol.batch_size
    if isinstance(strategy, SemiStrategy):
        if protocol.unlabeled is None:
            raise InvalidConfig(f"strategy {strategy.name!r} learns from unlabelled rows; give "
                                "them: Experiment(unlabeled='rest' or an array or folder)")
        labelled = np.concatenate([train, val] + ([] if exclude is None else [exclude]))
        pool, pool_ids = unlabeled_pool(data, protocol.unlabeled, labelled, size, seed,
                                        protocol.unlabeled_size)
        cost = strategy.train(model, data, X, y, train, X_val, y_val, pool, pool_ids, seed,
                              extra, n_classes, protocol.loader_workers)
        return Fitted(X, y, len(X), cost)
    hooks = (strategy.on_the_fly(train, seed, modality.field, extra, n_classes)
             if model.trained_by_steps else None)
    if hooks is not None:  # augmented (and mixed) batch by batch, as the model trains
        augment, mix = hooks
        X_fit, y_fit = X, y
    else:
        augment = mix = None
        X_fit, y_fit = strategy.offline(X, y, train, seed, modality.field, extra)
    if model.trained_by_steps:
        if protocol.budget == "epochs" and strategy.steps is None:
            model.steps = max(1, int(np.ceil(protocol.epochs * len(X_fit) / protocol.batch_size)))
        model.fit(X_fit, y_fit, X_val, y_val, seed=seed, augment=augment, n_classes=n_classes,
                  sample_weight=strategy.sample_weight(y_fit), mix=mix,
                  loader_workers=protocol.loader_workers)
        seen = int(model.examples_seen)
    else:
        model.fit(X_fit, y_fit, X_val, y_val, seed=seed, n_classes=n_classes,
                  sample_weight=strategy.sample_weight(y_fit))
        seen = len(X_fit)
    return Fitted(X_fit, y_fit, len(X_fit), {"examples_seen": seen, "fits": 1})
