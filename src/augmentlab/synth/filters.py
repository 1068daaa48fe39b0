"""Quality filters for synthetic rows. Each returns the kept indices and, for every dropped row,
the reason, so a manifest can say why a sample is not in the training set."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.types import ArrayLike, ProbabilisticClassifier
from .base import Synthetic

__all__ = ["FilterResult", "by_label_agreement", "by_novelty", "by_score", "chain"]


@dataclass
class FilterResult:
    """``kept``: indices of the rows that pass; ``dropped``: index -> reason.

    Example:
        >>> r = FilterResult(np.array([0, 2]), {1: "score 0.1 < 0.5"})
        >>> r.kept.tolist(), r.dropped[1]
        ([0, 2], 'score 0.1 < 0.5')
    """

    kept: np.ndarray
    dropped: dict[int, str] = field(default_factory=dict)

    def apply(self, synthetic: Synthetic) -> Synthetic:
        """The kept rows of `synthetic`, with their parents and scores."""
        idx = self.kept
        X = synthetic.X.iloc[idx].reset_index(drop=True) if hasattr(synthetic.X, "iloc") \
            else np.asarray(synthetic.X)[idx]
        y = synthetic.y.iloc[idx].reset_index(drop=True) if hasattr(synthetic.y, "iloc") \
            else np.asarray(synthetic.y)[idx]
        scores = None if synthetic.scores is None else synthetic.scores[idx]
        return Synthetic(X, y, [synthetic.parents[i] for i in idx], scores,
                         {**synthetic.info, "filtered_out": len(self.dropped)})


def _rows(X: Any) -> np.ndarray:
    arr = np.asarray(X.to_numpy() if hasattr(X, "to_numpy") else X, dtype=np.float64)
    return arr.reshape(len(arr), -1)


def by_score(synthetic: Synthetic, min_score: float) -> FilterResult:
    """Keep rows whose generator score (e.g. a critic's) is at least `min_score`.

    Example:
        >>> s = Synthetic(np.zeros((3, 1)), np.zeros(3), [None] * 3, np.array([0.9, 0.2, 0.6]))
        >>> by_score(s, 0.5).kept.tolist()
        [0, 2]
    """
    if synthetic.scores is None:
        raise InvalidInput("by_score: this generator gives no scores; filter by label agreement "
                           "or novelty instead")
    scores = np.asarray(synthetic.scores, dtype=np.float64)
    keep = scores >= min_score
    return FilterResult(np.flatnonzero(keep), {int(i): f"score {scores[i]:.3g} < {min_score:g}"
                                               for i in np.flatnonzero(~keep)})


def by_label_agreement(synthetic: Synthetic, oracle: ProbabilisticClassifier,
                       min_confidence: float = 0.5) -> FilterResult:
    """Keep rows an oracle classifier (trained on real data) assigns to their own label with at
    least `min_confidence`: drops samples that drifted into another class.

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> X = np.r_[np.zeros((20, 1)), np.ones((20, 1))]; y = np.repeat([0, 1], 20)
        >>> oracle = LogisticRegression().fit(X, y)
        >>> s = Synthetic(np.array([[0.05], [0.95]]), np.array([0, 0]), [None, None])
        >>> by_label_agreement(s, oracle, 0.6).kept.tolist()
        [0]
    """
    if not 0 <= min_confidence <= 1:
        raise InvalidConfig(f"by_label_agreement: min_confidence={min_confidence} must be in [0, 1]")
    proba = np.asarray(oracle.predict_proba(_rows(synthetic.X)))
    classes = list(oracle.classes_)
    labels = np.asarray(synthetic.y)
    missing = sorted(set(labels.tolist()) - set(classes))
    if missing:
        raise InvalidInput(f"by_label_agreement: the oracle does not know classes {missing}")
    conf = proba[np.arange(len(labels)), [classes.index(v) for v in labels]]
    keep = (conf >= min_confidence) & (proba.argmax(axis=1) == [classes.index(v) for v in labels])
    names = labels.tolist()  # plain Python values: readable reasons
    return FilterResult(np.flatnonzero(keep), {
        int(i): f"oracle gives label {names[i]!r} {conf[i]:.2f} (< {min_confidence:g} or not its "
                f"top class)" for i in np.flatnonzero(~keep)})


def by_novelty(synthetic: Synthetic, X_real: ArrayLike, min_distance: float | str = "auto") -> FilterResult:
    """Drop near-copies of real rows (memorisation): rows closer to a real row than
    `min_distance`; ``"auto"`` uses the 5th percentile of the real rows' own nearest-neighbour
    distances (closer than 95% of real rows are to each other).

    Example:
        >>> real = np.arange(20.0).reshape(10, 2)
        >>> s = Synthetic(np.array([[0.0, 1.0], [3.0, 0.0]]), np.zeros(2), [[0], [2]])
        >>> by_novelty(s, real).kept.tolist()
        [1]
    """
    from sklearn.neighbors import NearestNeighbors

    real = _rows(X_real)
    syn = _rows(synthetic.X)
    if min_distance == "auto":
        if len(real) < 2:
            raise InvalidInput("by_novelty: 'auto' needs at least two real rows")
        own = NearestNeighbors(n_neighbors=2).fit(real).kneighbors(real)[0][:, 1]
        threshold = float(np.quantile(own, 0.05))
    elif isinstance(min_distance, (int, float)) and min_distance >= 0:
        threshold = float(min_distance)
    else:
        raise InvalidConfig(f"by_novelty: min_distance={min_distance!r} must be >= 0 or 'auto'")
    dist, idx = NearestNeighbors(n_neighbors=1).fit(real).kneighbors(syn)
    keep = dist[:, 0] > threshold
    return FilterResult(np.flatnonzero(keep), {
        int(i): f"{dist[i, 0]:.3g} from real row {int(idx[i, 0])} (<= {threshold:.3g}): a near-copy"
        for i in np.flatnonzero(~keep)})


def chain(synthetic: Synthetic, *filters: Any) -> tuple[Synthetic, dict[int, str]]:
    """Apply filters one after another (each a function ``Synthetic -> FilterResult``); returns
    the kept rows and every dropped row's reason, indexed as in the original `synthetic`.

    Example:
        >>> s = Synthetic(np.zeros((3, 1)), np.zeros(3), [None] * 3, np.array([0.9, 0.2, 0.6]))
        >>> kept, why = chain(s, lambda t: by_score(t, 0.5), lambda t: by_score(t, 0.7))
        >>> len(kept), sorted(why)
        (1, [1, 2])
    """
    index = np.arange(len(synthetic))
    dropped: dict[int, str] = {}
    current = synthetic
    for f in filters:
        result = f(current)
        dropped.update({int(index[i]): why for i, why in result.dropped.items()})
        index = index[result.kept]
        current = result.apply(current)
    return current, dropped
