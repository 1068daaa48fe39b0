"""`Modality`: what the measure harness needs to know about one kind of data, in one object.

The harness never branches on a modality's name: it asks `adapter_for` (in ``__init__``) for
the adapter of ``dataset.modality`` and uses what it says -- the sample field a row goes into,
the fixed corruption suite, the default model, the recommended pipeline, and how a pipeline is
run over a batch of rows. Supporting a new modality in the harness is one module beside this one
(a `Modality` subclass) and one line in ``__init__``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from ...core.compose import Compose
    from ...datasets import Dataset

__all__ = ["CORRUPTION_SEED", "Modality", "stacked"]

CORRUPTION_SEED = 20261122  # fixed: the corruption suite is part of the benchmark, not of a run


def stacked(rows: list[Any], like: np.ndarray) -> np.ndarray:
    """Augmented rows back into one array: stacked, or a 1-d object array for strings.

    Example:
        >>> stacked(["a", "b"], np.array(["x", "y"], dtype=object)).tolist()
        ['a', 'b']
        >>> stacked([np.zeros(2), np.ones(2)], np.zeros((2, 2))).shape
        (2, 2)
    """
    return np.stack(rows) if like.dtype != object else np.array(rows, dtype=object)


class Modality:
    """The adapter of one modality. Subclasses set the class attributes and override the hooks
    their data needs; the defaults fit data whose rows go into their field unchanged.

    Example:
        >>> from augmentlab.evaluate.modalities import adapter_for
        >>> m = adapter_for("table")
        >>> m.name, m.field, m.default_model, m.suite[0]
        ('table', 'features', 'logreg', ('feature_noise', 0.1))
    """

    name: ClassVar[str]  # the one name: what Dataset.modality and results.json say
    field: ClassVar[str]  # the sample key a row goes into (``pipeline(**{field: row})``)
    suite: ClassVar[tuple[tuple[str, float], ...]]  # the corruption suite: (kind, level) pairs
    default_model: ClassVar[str]  # the built-in model used when none is named
    batch_mixing: ClassVar[bool] = False  # whether mixers (augmentlab.mix) apply to its batches
    invariance: ClassVar[bool] = False  # whether cells measure invariance to mild geometric jitter
    label_check: ClassVar[bool] = False  # whether an oracle can check augmented rows' labels
    # the `augmentlab synth` generators its rows can be fitted with (None: any; (): none yet)
    generators: ClassVar[tuple[str, ...] | None] = None

    def __repr__(self) -> str:
        return f"<modality {self.name}>"

    # -- the dataset ------------------------------------------------------------------------------
    def extra_fields(self, data: Dataset) -> dict[str, Any]:
        """What augmenting a row of `data` needs besides the row (a sample rate, column names)."""
        return {}

    # -- robustness -------------------------------------------------------------------------------
    def corruption_scale(self, data: Dataset) -> np.ndarray | None:
        """The per-feature spread corruptions are scaled by, from the training rows (or None)."""
        return None

    def corrupt(self, X: np.ndarray, kind: str, level: float, rng: np.random.Generator,
                scale: np.ndarray | None, sample_rate: int | None) -> np.ndarray:
        """`X` corrupted by one (kind, level) entry of `suite`, drawing from `rng`."""
        raise NotImplementedError(f"{type(self).__name__}.corrupt")

    # -- augmentation -----------------------------------------------------------------------------
    def recommended(self, data: Dataset, seed: int) -> Compose | None:
        """The general pipeline a user with new data of this modality starts from (or None)."""
        return None

    def inputs(self, X: np.ndarray, pipeline: Compose, extra: Mapping[str, Any]
               ) -> tuple[np.ndarray, str]:
        """The rows `pipeline` works on and their field (the rows themselves, by default)."""
        return X, self.field

    def prepare(self, X: np.ndarray, extra: Mapping[str, Any]) -> dict[str, Any]:
        """`extra` completed with what every copy of the training rows `X` shares."""
        return dict(extra)

    def augment(self, pipeline: Compose, X: np.ndarray, rows: np.ndarray, copy: int, seed: int,
                extra: Mapping[str, Any]) -> np.ndarray:
        """One augmented version of each row of `X` (`rows` are their ids: the seed-tree
        streams); the result has the rows' representation (`inputs`)."""
        out = [pipeline(**{self.field: x}, sample_id=int(r), copy=copy, seed=seed)[self.field]
               for x, r in zip(X, rows, strict=True)]
        return stacked(out, X)

    def shown(self, X: np.ndarray, extra: Mapping[str, Any]) -> list[Any]:
        """Rows as the model sees them, for the report's sample grid."""
        return list(X)
