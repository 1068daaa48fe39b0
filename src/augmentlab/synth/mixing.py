"""Mixing synthetic rows with real ones: at a ratio, to balance classes, or progressively
(cheap label-preserving transforms first, a generator only for what is still missing)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.types import ArrayLike
from .base import Generator, SamplingStrategy, Synthetic, _concat, sampling_targets

__all__ = ["balance", "combine", "progressive_balance"]


def combine(real: tuple[Any, Any], synthetic: Synthetic, ratio: float, *, seed: int = 0
            ) -> tuple[Any, Any, np.ndarray]:
    """Real rows plus ``ratio`` x as many synthetic ones (a random subset, stratified by nothing:
    the synthetic rows' own class mix). Returns ``(X, y, is_synthetic)``.

    Example:
        >>> s = Synthetic(np.ones((10, 2)), np.ones(10, int), [None] * 10)
        >>> X, y, fake = combine((np.zeros((4, 2)), np.zeros(4, int)), s, ratio=0.5)
        >>> len(y), int(fake.sum())
        (6, 2)
    """
    if not isinstance(ratio, (int, float)) or ratio < 0:
        raise InvalidConfig(f"combine: ratio={ratio!r} must be >= 0 (synthetic rows per real row)")
    X_real, y_real = real
    want = int(round(ratio * len(y_real)))
    if want > len(synthetic):
        raise InvalidConfig(f"combine: ratio {ratio} needs {want} synthetic rows, only "
                            f"{len(synthetic)} were given; sample more")
    pick = np.sort(np.random.default_rng(seed).choice(len(synthetic), size=want, replace=False))
    Xs = synthetic.X.iloc[pick] if hasattr(synthetic.X, "iloc") else np.asarray(synthetic.X)[pick]
    ys = synthetic.y.iloc[pick] if hasattr(synthetic.y, "iloc") else np.asarray(synthetic.y)[pick]
    flags = np.r_[np.zeros(len(y_real), bool), np.ones(want, bool)]
    return _concat(X_real, Xs), _concat(y_real, ys), flags


def balance(X: ArrayLike, y: ArrayLike, generator: Generator, *, strategy: SamplingStrategy = "auto",
            seed: int = 0) -> tuple[Any, Any]:
    """Add synthetic rows until the classes are balanced (``strategy`` as imbalanced-learn's
    ``sampling_strategy``).

    Example:
        >>> from augmentlab.synth import RandomOverSampler
        >>> X = np.arange(10.0).reshape(5, 2); y = np.array([0, 0, 0, 1, 1])
        >>> np.bincount(balance(X, y, RandomOverSampler())[1]).tolist()
        [3, 3]
    """
    return generator.fit_resample(X, y, seed=seed, sampling_strategy=strategy)


def progressive_balance(X: ArrayLike, y: ArrayLike, transform: Generator, generator: Generator, *,
                        max_transform_ratio: float = 1.0, strategy: SamplingStrategy = "auto", seed: int = 0
                        ) -> tuple[Any, Any, dict[str, dict[Any, int]]]:
    """Balance in two stages: first up to ``max_transform_ratio`` x each class's size from
    `transform` (a cheap, label-preserving jitter such as `GaussianNoise`), then `generator` for
    the remaining shortage. Returns ``(X, y, {"transform": {class: n}, "generator": {...}})``.

    Example:
        >>> from augmentlab.synth import GaussianNoise, SMOTE
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(40, 2)); y = np.repeat([0, 1], [34, 6])
        >>> Xb, yb, used = progressive_balance(X, y, GaussianNoise(), SMOTE(k_neighbors=3))
        >>> np.bincount(yb).tolist(), used["transform"], used["generator"]
        ([34, 34], {1: 6}, {1: 22})
    """
    if not isinstance(max_transform_ratio, (int, float)) or max_transform_ratio < 0:
        raise InvalidConfig("progressive_balance: max_transform_ratio must be >= 0")
    transform.fit(X, y)
    assert transform.y_ is not None
    targets = sampling_targets(transform.y_, strategy, "progressive_balance")
    counts = {c: int(np.sum(transform.y_ == c)) for c in targets}
    first = {c: min(n, int(max_transform_ratio * counts[c])) for c, n in targets.items()}
    rest = {c: targets[c] - first[c] for c in targets}
    X_out, y_out = transform._restore(transform.X_, transform.y_)  # type: ignore[arg-type]
    if any(first.values()):
        t = transform.sample({c: n for c, n in first.items() if n}, seed=seed)
        X_out, y_out = _concat(X_out, t.X), _concat(y_out, t.y)
    if any(rest.values()):
        generator.fit(X, y)
        g = generator.sample({c: n for c, n in rest.items() if n}, seed=seed)
        X_out, y_out = _concat(X_out, g.X), _concat(y_out, g.y)
    return X_out, y_out, {"transform": {c: n for c, n in first.items() if n},
                          "generator": {c: n for c, n in rest.items() if n}}
