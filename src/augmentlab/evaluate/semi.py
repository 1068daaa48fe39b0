"""Unlabelled data in an experiment: which rows a cell may learn from without their labels, and
which of them self-training pseudo-labels in each round.

The unlabelled pool of a cell is one of

- ``"rest"``: the training split's rows that are not in the cell's labelled subset (its
  validation carve included), labels hidden -- every labelled dataset can be tried at once;
- ``"given"``: the dataset's own unlabelled rows (``Dataset.unlabeled``);

optionally a seeded draw of ``size`` of them (the same for every strategy of a (size, seed)).
Test rows are never in it: the pool is drawn from the training split or from rows that have no
labels at all. Each pool row has an id for the seed tree: its row index in ``data.X`` for
``"rest"``, ``len(data.X) + i`` for the i-th given row, so no id is shared with a labelled row.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import InvalidConfig
from ..datasets import Dataset

__all__ = ["UNLABELED_SOURCES", "pseudo_labels", "unlabeled_pool"]

UNLABELED_SOURCES = ("rest", "given")


def unlabeled_pool(data: Dataset, source: str, labelled: np.ndarray, size: int | float, seed: int,
                   limit: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, ids)`` of a cell's unlabelled pool: the rows (in ``data.X``'s representation) and
    their seed-tree ids. `labelled` are the cell's labelled row indices (training and validation
    carve), `size` and `seed` the cell's; `limit` caps the pool with a draw that depends on
    (size, seed) alone.

    Example:
        >>> from augmentlab.datasets import load
        >>> from augmentlab.evaluate.cells import training_rows
        >>> data = load("wine")
        >>> tr, va = training_rows(data, 10, 0, 0.2)
        >>> rows, ids = unlabeled_pool(data, "rest", np.concatenate([tr, va]), 10, 0)
        >>> len(ids) == len(data.train) - 30, bool(np.isin(ids, data.test).any())
        (True, False)
        >>> len(unlabeled_pool(data, "rest", np.concatenate([tr, va]), 10, 0, limit=20)[1])
        20
    """
    if source == "rest":
        ids = np.setdiff1d(data.train, labelled)
    elif source == "given":
        if data.unlabeled is None:
            raise InvalidConfig(f"dataset {data.name!r} has no unlabelled rows; give them "
                                "(Experiment(unlabeled=array or folder)) or use unlabeled='rest'")
        ids = len(data.X) + np.arange(len(data.unlabeled))
    else:
        raise InvalidConfig(f"unlabeled={source!r} must be one of " + ", ".join(UNLABELED_SOURCES))
    if limit is not None and limit < len(ids):
        code = int(size) if not isinstance(size, float) else int(round(size * 1e6)) + 10**7
        ids = np.sort(np.random.default_rng([seed, code, 104729]).choice(ids, limit, replace=False))
    if len(ids) == 0:
        raise InvalidConfig("the unlabelled pool is empty: every training row is in the labelled "
                            "subset; use a smaller train size or give unlabelled rows")
    rows = data.X[ids] if source == "rest" else data.unlabeled[ids - len(data.X)]  # type: ignore[index]
    return rows, ids


def pseudo_labels(proba: np.ndarray, round_: int, rounds: int, threshold: float | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """``(positions, labels)`` of the pool rows self-training keeps after round `round_` of
    `rounds` (1-based): of the rows predicted as each class, the ``round_ / rounds`` most
    confident share (all of them in the last round), a curriculum as in Cascante-Bonilla et al.
    2021 taken per class so a class the model predicts rarely is not crowded out; with
    `threshold`, only rows whose top probability reaches it.

    Example:
        >>> p = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7]])
        >>> [a.tolist() for a in pseudo_labels(p, 1, 2)]
        [[0, 2], [0, 1]]
        >>> [a.tolist() for a in pseudo_labels(p, 2, 2, threshold=0.75)]
        [[0, 2], [0, 1]]
    """
    if not 1 <= round_ <= rounds:
        raise InvalidConfig(f"round {round_} must be between 1 and rounds={rounds}")
    predicted, confidence = proba.argmax(axis=1), proba.max(axis=1)
    keep = []
    for c in np.unique(predicted):
        members = np.flatnonzero(predicted == c)
        # most confident first; ties by position, so the choice is the same on every machine
        members = members[np.lexsort((members, -confidence[members]))]
        k = int(np.ceil(len(members) * round_ / rounds))
        keep.append(members[:k])
    chosen = np.sort(np.concatenate(keep)) if keep else np.zeros(0, np.int64)
    if threshold is not None:
        chosen = chosen[confidence[chosen] >= threshold]
    return chosen, predicted[chosen]
