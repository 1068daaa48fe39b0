"""What every batch mixer shares: argument checks, labels to soft labels, the seed, the result.

A mixer is called on a whole batch, ``mixer(images, labels, seed=..., batch=...)``, and returns a
`MixedBatch`: the mixed images (same shape and dtype), soft labels that sum to 1 per row, and the
params it drew, JSON-native like a transform's. The draw depends only on ``(seed, batch)``, so a
batch mixes the same way whichever process or worker runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_number, check_prob
from ..core.sample import to_jsonable
from ..core.transform import _wrap_init
from ..core.types import ArrayLike

__all__ = ["MixedBatch", "Mixer", "soft_labels"]


class MixedBatch(NamedTuple):
    """A mixed batch: ``images`` as given in shape and dtype, ``labels`` ``(N, classes)`` rows
    that sum to 1, ``params`` what was drawn (JSON-native)."""

    images: np.ndarray
    labels: np.ndarray
    params: dict[str, Any]


def soft_labels(labels: ArrayLike, num_classes: int | None, owner: str) -> np.ndarray:
    """Class ids ``(N,)`` as one-hot rows, or soft labels ``(N, C)`` checked and returned as float.

    Example:
        >>> soft_labels([2, 0], 3, "MixUp").tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    y = np.asarray(labels)
    if y.ndim == 2:
        if not np.issubdtype(y.dtype, np.number) or not np.isfinite(y).all() or (y < 0).any():
            raise InvalidInput(f"{owner}: soft labels must be finite, non-negative numbers")
        if not np.allclose(y.sum(axis=1), 1.0, atol=1e-5):
            raise InvalidInput(f"{owner}: each row of soft labels must sum to 1")
        if num_classes is not None and y.shape[1] != num_classes:
            raise InvalidInput(f"{owner}: soft labels have {y.shape[1]} columns, num_classes is "
                               f"{num_classes}")
        return y.astype(np.float64)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise InvalidInput(f"{owner}: labels must be class ids (N,) as integers or soft labels "
                           f"(N, classes), got shape {y.shape} of {y.dtype}")
    if num_classes is None:
        raise InvalidInput(f"{owner}: class ids need num_classes=... (how many classes there are)")
    if len(y) and (y.min() < 0 or y.max() >= num_classes):
        raise InvalidInput(f"{owner}: class ids must be in [0, {num_classes}), got "
                           f"{int(y.min())}..{int(y.max())}")
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


class Mixer:
    """Base of the batch mixers: subclasses implement ``draw`` (randomness only) and ``mix``."""

    name: ClassVar[str] = "Mixer"
    _registry: ClassVar[dict[str, type[Mixer]]] = {}
    _config: dict[str, Any]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__
        Mixer._registry[cls.name] = cls
        if "__init__" in cls.__dict__:  # record the arguments, refuse unknown ones
            _wrap_init(cls)

    def __init__(self, *, alpha: float = 1.0, p: float = 1.0, within_class: bool = False,
                 num_classes: int | None = None) -> None:
        owner = type(self).__name__
        self.alpha = float(check_number(owner, "alpha", alpha, low=1e-6, high=1e6))
        self.p = check_prob(owner, "p", p)
        if not isinstance(within_class, bool):
            raise InvalidConfig(f"{owner}: within_class={within_class!r} must be true or false")
        self.within_class = within_class
        self.num_classes = None if num_classes is None else int(
            check_number(owner, "num_classes", num_classes, low=1, integer=True))

    # -- config ----------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Constructor arguments plus ``name`` (JSON-native).

        Example:
            >>> from augmentlab.mix import MixUp
            >>> MixUp(alpha=0.4).get_config()["alpha"]
            0.4
        """
        return {"name": self.name, **to_jsonable(self._config)}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Mixer:
        """Rebuild a mixer from `get_config()` output.

        Example:
            >>> from augmentlab.mix import Mixer
            >>> type(Mixer.from_config({"name": "CutMix", "alpha": 1.0})).__name__
            'CutMix'
        """
        args = dict(config)
        target = Mixer._registry.get(str(args.pop("name", "")))
        if target is None:
            raise InvalidConfig(f"unknown mixer config {dict(config)!r}; known: "
                                f"{', '.join(sorted(Mixer._registry))}")
        try:
            return target(**args)
        except TypeError as exc:
            raise InvalidConfig(f"{target.name}: {exc}") from None

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items())
        return f"{self.name}({args})"

    # -- running ---------------------------------------------------------------------------
    def __call__(self, images: ArrayLike, labels: ArrayLike, *, seed: int = 0, batch: int = 0,
                 **extra: Any) -> MixedBatch:
        """Mix one batch. `images`: ``(N, H, W)``, ``(N, H, W, C)`` or, with
        ``channels_first=True``, ``(N, C, H, W)``; `labels`: class ids or soft labels."""
        x = np.asarray(images)
        channels_first = bool(extra.pop("channels_first", False))
        if x.ndim not in (3, 4) or (channels_first and x.ndim != 4):
            raise InvalidInput(f"{self.name}: images must be a batch (N, H, W[, C]) or, with "
                               f"channels_first=True, (N, C, H, W); got shape {x.shape}")
        if x.dtype != np.uint8 and not np.issubdtype(x.dtype, np.floating):
            raise InvalidInput(f"{self.name}: images must be uint8 or float, got {x.dtype}")
        y = soft_labels(labels, self.num_classes or extra.pop("num_classes", None), self.name)
        if len(y) != len(x):
            raise InvalidInput(f"{self.name}: {len(x)} images but {len(y)} labels")
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(batch)]))
        hw = (x.shape[2], x.shape[3]) if channels_first else (x.shape[1], x.shape[2])
        if len(x) < 2 or (self.p < 1.0 and rng.random() >= self.p):
            return MixedBatch(x.copy(), y, {"applied": False})
        partner = self._partners(y, rng)
        params = {"applied": True, "partner": partner.tolist(),
                  **self.draw(x, y, partner, hw, rng, channels_first=channels_first, **extra)}
        out, soft = self.mix(x, y, params, channels_first=channels_first, **extra)
        return MixedBatch(out, soft, params)

    def _partners(self, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Each row's partner: a random permutation (within each class if asked)."""
        n = len(y)
        if not self.within_class:
            return rng.permutation(n)
        classes = y.argmax(axis=1)
        partner = np.arange(n)
        for c in np.unique(classes):
            rows = np.flatnonzero(classes == c)
            partner[rows] = rows[rng.permutation(len(rows))]
        return partner

    def draw(self, x: np.ndarray, y: np.ndarray, partner: np.ndarray, hw: tuple[int, int],
             rng: np.random.Generator, **extra: Any) -> dict[str, Any]:
        raise NotImplementedError

    def mix(self, x: np.ndarray, y: np.ndarray, params: dict[str, Any],
            **extra: Any) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


_wrap_init(Mixer)


def blend(a: np.ndarray, b: np.ndarray, lam: float) -> np.ndarray:
    """``lam * a + (1 - lam) * b`` in the dtype of `a` (uint8 rounded)."""
    out = lam * a.astype(np.float32) + (1.0 - lam) * b.astype(np.float32)
    if a.dtype == np.uint8:
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return out.astype(a.dtype)
