"""Active learning with augmentation: an uncertainty-sampling loop that labels the pool samples the
model is least sure of, and trains on augmented copies of everything labelled so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidConfig, InvalidInput
from ..core.transform import Transform

__all__ = ["ActiveResult", "active_learning", "uncertainty"]

_STRATEGIES = ("entropy", "margin", "least_confident", "random")


def uncertainty(proba: np.ndarray, strategy: str = "entropy") -> np.ndarray:
    """How unsure each row of predicted probabilities is (higher = less sure).

    Example:
        >>> uncertainty(np.array([[0.9, 0.1], [0.5, 0.5]]), "margin").round(2).tolist()
        [0.2, 1.0]
    """
    p = np.clip(np.asarray(proba, dtype=np.float64), 1e-12, 1.0)
    if strategy == "entropy":
        return -(p * np.log(p)).sum(axis=1)
    top = np.sort(p, axis=1)
    if strategy == "margin":
        return 1.0 - (top[:, -1] - top[:, -2])
    if strategy == "least_confident":
        return 1.0 - top[:, -1]
    raise InvalidConfig(f"uncertainty: strategy={strategy!r} must be one of "
                        f"{', '.join(_STRATEGIES[:3])}")


@dataclass
class ActiveResult:
    """Per round: how many pool samples were labelled, the training rows used (with copies),
    the test accuracy; and the order in which pool indices were labelled."""

    rounds: list[dict[str, float]] = field(default_factory=list)
    labelled: list[int] = field(default_factory=list)


def active_learning(model: Callable[[], Any], X_pool: Any, y_pool: Any, X_test: Any, y_test: Any,
                    *, pipeline: Transform | None = None, copies: int = 2, initial: int = 20,
                    query: int = 20, rounds: int = 5, strategy: str = "entropy", seed: int = 0,
                    features: Callable[[np.ndarray], np.ndarray] | None = None) -> ActiveResult:
    """Start from ``initial`` random pool samples; each round train ``model()`` (a fresh
    scikit-learn-like estimator) on the labelled samples plus ``copies`` augmented copies of each
    (copy ``k`` of pool sample ``i`` is the pipeline's draw ``(seed, i, k)``, so a sample keeps its
    copies across rounds), score the test set, and label the ``query`` most uncertain remaining
    samples (``strategy``; ``"random"`` is the baseline to compare with). Labels come from
    ``y_pool`` as an oracle would give them. `features` maps images to model inputs (default:
    flattened pixels scaled to [0, 1]).

    Example:
        >>> from sklearn.datasets import load_digits
        >>> from sklearn.linear_model import LogisticRegression
        >>> import augmentlab as al
        >>> d = load_digits(); X = d.images.astype("uint8")
        >>> r = active_learning(lambda: LogisticRegression(max_iter=300), X[:1000], d.target[:1000],
        ...                     X[1000:], d.target[1000:], pipeline=al.Affine(rotate=10), rounds=2)
        >>> [row["labelled"] for row in r.rounds]
        [20, 40]
    """
    if strategy not in _STRATEGIES:
        raise InvalidConfig(f"active_learning: strategy={strategy!r} must be one of "
                            f"{', '.join(_STRATEGIES)}")
    for name, v in (("copies", copies), ("initial", initial), ("query", query), ("rounds", rounds)):
        if isinstance(v, bool) or not isinstance(v, int) or v < (0 if name == "copies" else 1):
            raise InvalidConfig(f"active_learning: {name}={v!r} must be a positive integer")
    X, y = np.asarray(X_pool), np.asarray(y_pool)
    Xt, yt = np.asarray(X_test), np.asarray(y_test)
    if len(X) != len(y) or len(Xt) != len(yt):
        raise InvalidInput("active_learning: each image set needs one label per image")
    if initial + query * (rounds - 1) > len(X):
        raise InvalidInput(f"active_learning: {rounds} rounds label "
                           f"{initial + query * (rounds - 1)} samples; the pool has {len(X)}")
    to_features = features or (lambda a: a.reshape(len(a), -1).astype(np.float64)
                               / (255.0 if a.dtype == np.uint8 else 1.0))
    pipe = None if pipeline is None else (
        pipeline if isinstance(pipeline, Compose) else Compose([pipeline]))
    rng = np.random.default_rng(seed)
    labelled = [int(i) for i in rng.choice(len(X), size=initial, replace=False)]
    augmented: dict[int, list[np.ndarray]] = {}
    result = ActiveResult()
    for r in range(rounds):
        for i in labelled:
            if pipe is not None and i not in augmented:
                augmented[i] = [pipe(image=X[i], sample_id=i, copy=k, seed=seed)["image"]
                                for k in range(1, copies + 1)]
        rows = [X[i] for i in labelled] + [a for i in labelled for a in augmented.get(i, [])]
        labels = [y[i] for i in labelled] + [y[i] for i in labelled
                                             for _ in augmented.get(i, [])]
        est = model()
        est.fit(to_features(np.stack(rows)), np.asarray(labels))
        accuracy = float((est.predict(to_features(Xt)) == yt).mean())
        result.rounds.append({"round": r, "labelled": len(labelled), "train_rows": len(rows),
                              "accuracy": accuracy})
        if r == rounds - 1:
            break
        rest = np.setdiff1d(np.arange(len(X)), labelled)
        if strategy == "random":
            picked = rng.choice(rest, size=query, replace=False)
        else:
            scores = uncertainty(est.predict_proba(to_features(X[rest])), strategy)
            picked = rest[np.argsort(-scores, kind="stable")[:query]]
        labelled += [int(i) for i in picked]
    result.labelled = labelled
    return result
