"""Images: ``uint8`` arrays ``(N, H, W)`` or ``(N, H, W, C)`` on the ``image`` field.

Corruptions: Gaussian noise, Gaussian blur, lower contrast, rotation, shift (two severities each).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ...core.compose import Compose, Sometimes
from ...image import Affine, BrightnessContrast, CoarseDropout
from .base import Modality

if TYPE_CHECKING:
    from ...datasets import Dataset

__all__ = ["ImageModality", "mild_geometric"]


def mild_geometric(seed: int = 0) -> Compose:
    """Small rotations, scalings and shifts: safe for almost any image classification task.

    Example:
        >>> [t.name for t in mild_geometric()]
        ['Affine']
    """
    # every argument spelled out: the pipeline (and its config hash, the results cache key) stays
    # what it was before Affine took Albumentations' defaults (p=0.5, keep_ratio=False)
    return Compose([Affine(rotate=10, scale=(0.9, 1.1), translate_percent=0.08, shear=0.0,
                           keep_ratio=True, p=1.0)], seed=seed)


def _per_image(X: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    return np.stack([fn(x) for x in X])


def _noise(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    noisy = X.astype(np.float32) + rng.normal(0.0, level * 255.0, X.shape).astype(np.float32)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def _blur(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    import cv2

    sigma = level * min(X.shape[1:3]) / 28.0  # severities are set for 28 px, scaled by size
    return _per_image(X, lambda x: cv2.GaussianBlur(x, (0, 0), sigma))


def _contrast(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    x = X.astype(np.float32)
    mean = x.mean(axis=tuple(range(1, X.ndim)), keepdims=True)
    return np.clip(np.rint(mean + (x - mean) * level), 0, 255).astype(np.uint8)


def _affine(X: np.ndarray, angle: float, shift: float, rng: np.random.Generator) -> np.ndarray:
    import cv2

    h, w = X.shape[1:3]
    out = []
    for x in X:
        sign = 1.0 if rng.random() < 0.5 else -1.0
        m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), sign * angle, 1.0)
        m[:, 2] += sign * shift * np.array([w, h])
        warped = cv2.warpAffine(x, m, (w, h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        out.append(warped.reshape(x.shape))
    return np.stack(out)


class ImageModality(Modality):
    """Images: mixers apply to their batches, and invariance to mild jitter is measured.

    Example:
        >>> X = np.full((2, 8, 8), 100, np.uint8)
        >>> ImageModality().corrupt(X, "contrast", 0.5, np.random.default_rng(0), None, None).shape
        (2, 8, 8)
    """

    name: ClassVar[str] = "image"
    field: ClassVar[str] = "image"
    generators: ClassVar[tuple[str, ...] | None] = ("cvae", "cgan")  # the others are for tables
    suite: ClassVar[tuple[tuple[str, float], ...]] = (
        ("noise", 0.08), ("noise", 0.16), ("blur", 0.7), ("blur", 1.2), ("contrast", 0.5),
        ("contrast", 0.3), ("rotate", 15.0), ("rotate", 30.0), ("shift", 0.1), ("shift", 0.2))
    default_model: ClassVar[str] = "small-cnn"
    batch_mixing: ClassVar[bool] = True
    invariance: ClassVar[bool] = True

    def corrupt(self, X: np.ndarray, kind: str, level: float, rng: np.random.Generator,
                scale: np.ndarray | None, sample_rate: int | None) -> np.ndarray:
        if kind == "rotate":
            return _affine(X, level, 0.0, rng)
        if kind == "shift":
            return _affine(X, 0.0, level, rng)
        return {"noise": _noise, "blur": _blur, "contrast": _contrast}[kind](X, level, rng)

    def recommended(self, data: Dataset, seed: int) -> Compose:
        h, w = data.X.shape[1:3]
        if min(h, w) < 8:
            return Compose([Affine(rotate=10, translate_percent=0.0, shear=0.0, keep_ratio=True,
                                   p=1.0)], seed=seed)
        # erase about a tenth to a fifth of each side: big enough to matter, too small to hide a
        # digit; p and keep_ratio spelled out keep the pipeline and its config hash (the cache
        # key) as they were
        return Compose([
            Affine(rotate=12, scale=(0.85, 1.15), translate_percent=0.1, shear=8, keep_ratio=True,
                   p=1.0),
            BrightnessContrast(brightness_limit=0.2, contrast_limit=0.2),
            Sometimes([CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.1, 0.25),
                                     hole_width_range=(0.1, 0.25), p=1.0)], p=0.5),
        ], seed=seed)
