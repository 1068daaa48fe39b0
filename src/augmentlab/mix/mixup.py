"""MixUp (Zhang et al. 2018) and Remix (Chou et al. 2020), its rebalanced form for long tails."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_number
from .base import Mixer, blend

__all__ = ["MixUp", "Remix"]


class MixUp(Mixer):
    """Blend every image with a partner from the same batch, ``lam * a + (1 - lam) * b`` with one
    ``lam ~ Beta(alpha, alpha)`` per batch; labels mix with the same weight.

    Example:
        >>> import numpy as np
        >>> x = np.stack([np.zeros((4, 4)), np.ones((4, 4))]).astype(np.float32)
        >>> out = MixUp(alpha=0.4, num_classes=2)(x, [0, 1], seed=0)
        >>> bool(np.allclose(out.labels.sum(axis=1), 1)), out.images.dtype
        (True, dtype('float32'))
    """

    def __init__(self, *, alpha: float = 0.2, p: float = 1.0, within_class: bool = False,
                 num_classes: int | None = None) -> None:
        super().__init__(alpha=alpha, p=p, within_class=within_class, num_classes=num_classes)

    def draw(self, x: np.ndarray, y: np.ndarray, partner: np.ndarray, hw: tuple[int, int],
             rng: np.random.Generator, **extra: Any) -> dict[str, Any]:
        return {"lam": float(rng.beta(self.alpha, self.alpha))}

    def mix(self, x: np.ndarray, y: np.ndarray, params: dict[str, Any],
            **extra: Any) -> tuple[np.ndarray, np.ndarray]:
        lam, partner = params["lam"], np.asarray(params["partner"])
        return blend(x, x[partner], lam), self.mix_labels(y, partner, lam)

    def mix_labels(self, y: np.ndarray, partner: np.ndarray, lam: float) -> np.ndarray:
        return lam * y + (1.0 - lam) * y[partner]


def _class_counts(counts: Any) -> np.ndarray:
    if isinstance(counts, Mapping):
        try:
            keys = sorted(int(k) for k in counts)
        except (TypeError, ValueError):
            raise InvalidConfig("Remix: class_counts keys must be class ids 0..C-1") from None
        if keys != list(range(len(keys))):
            raise InvalidConfig("Remix: class_counts must give a count for every class id 0..C-1")
        counts = [counts[k] if k in counts else counts[str(k)] for k in keys]
    if not isinstance(counts, Sequence) or not counts:
        raise InvalidConfig("Remix: class_counts must list each class's number of training "
                            "samples, by class id")
    arr = np.asarray(counts, dtype=np.float64)
    if arr.ndim != 1 or not np.isfinite(arr).all() or (arr < 1).any():
        raise InvalidConfig(f"Remix: class_counts={counts!r} must be counts >= 1")
    return arr


class Remix(MixUp):
    """Remix: images mix as in MixUp, but a pair's label goes wholly to the minority class when
    that class is at least ``kappa`` times rarer and its image weight is at least ``1 - tau``
    (Chou et al., "Remix: Rebalanced Mixup", ECCV 2020 workshops).

    Example:
        >>> import numpy as np
        >>> x = np.zeros((2, 4, 4), np.uint8)
        >>> out = Remix(alpha=1.0, class_counts=[1000, 10])(x, [0, 1], seed=3)
        >>> round(out.params["lam"], 2), out.labels[1].tolist()  # row 1 (rare) keeps its label
        (0.86, [0.0, 1.0])
        >>> out.labels[0].round(2).tolist()  # row 0 is mostly itself: a plain MixUp label
        [0.86, 0.14]
    """

    def __init__(self, *, class_counts: Sequence[int] | Mapping[int, int], alpha: float = 1.0,
                 kappa: float = 3.0, tau: float = 0.5, p: float = 1.0) -> None:
        self.counts = _class_counts(class_counts)
        super().__init__(alpha=alpha, p=p, num_classes=len(self.counts))
        self.kappa = float(check_number("Remix", "kappa", kappa, low=1.0))
        self.tau = float(check_number("Remix", "tau", tau, low=0.0, high=1.0))

    def mix_labels(self, y: np.ndarray, partner: np.ndarray, lam: float) -> np.ndarray:
        if y.shape[1] != len(self.counts):
            raise InvalidInput(f"Remix: labels have {y.shape[1]} classes, class_counts "
                               f"{len(self.counts)}")
        out = super().mix_labels(y, partner, lam)
        a, b = y.argmax(axis=1), y[partner].argmax(axis=1)
        ratio = self.counts[a] / self.counts[b]
        to_b = (ratio >= self.kappa) & (lam < self.tau)  # b is the rare one and fills most
        to_a = (ratio <= 1.0 / self.kappa) & (1.0 - lam < self.tau)
        out[to_b] = y[partner][to_b]
        out[to_a] = y[to_a]
        return out
