"""Text: 1-d object arrays of ``str`` on the ``text`` field.

Corruptions: typos (adjacent-letter swaps, drops) and word drops.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .base import Modality

if TYPE_CHECKING:
    from ...core.compose import Compose
    from ...datasets import Dataset

__all__ = ["TextModality"]


def _typos(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    out = []
    for text in X:
        chars = list(str(text))
        i = 0
        while i < len(chars) - 1:
            if chars[i].isalpha() and rng.random() < level:
                if rng.random() < 0.5:
                    chars[i], chars[i + 1] = chars[i + 1], chars[i]
                    i += 1
                else:
                    del chars[i]
                    continue
            i += 1
        out.append("".join(chars))
    return np.array(out, dtype=object)


def _word_drop(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    out = []
    for text in X:
        words = str(text).split()
        kept = [w for w in words if rng.random() >= level] or words[:1]
        out.append(" ".join(kept))
    return np.array(out, dtype=object)


class TextModality(Modality):
    """Text: a batch is augmented after the pipeline's translators have seen all of it, and
    an oracle fitted on real rows can check the labels of augmented ones (``label_check``).

    Example:
        >>> X = np.array(["a good film"], dtype=object)
        >>> TextModality().corrupt(X, "word_drop", 0.0, np.random.default_rng(0), None, None)[0]
        'a good film'
    """

    name: ClassVar[str] = "text"
    field: ClassVar[str] = "text"
    generators: ClassVar[tuple[str, ...] | None] = ()  # strings: no generator fits them yet
    suite: ClassVar[tuple[tuple[str, float], ...]] = (
        ("typos", 0.05), ("typos", 0.15), ("word_drop", 0.1), ("word_drop", 0.25))
    default_model: ClassVar[str] = "tfidf-logreg"
    label_check: ClassVar[bool] = True

    def corrupt(self, X: np.ndarray, kind: str, level: float, rng: np.random.Generator,
                scale: np.ndarray | None, sample_rate: int | None) -> np.ndarray:
        return {"typos": _typos, "word_drop": _word_drop}[kind](X, level, rng)

    def recommended(self, data: Dataset, seed: int) -> Compose:
        from ...core.compose import Compose
        from ...text import EDA

        return Compose([EDA(alpha=0.1)], seed=seed)

    def augment(self, pipeline: Compose, X: np.ndarray, rows: np.ndarray, copy: int, seed: int,
                extra: Mapping[str, Any]) -> np.ndarray:
        from ...text.translate import warm_pipeline

        warm_pipeline(pipeline, X)  # back-translation: the whole batch in one translator call
        return super().augment(pipeline, X, rows, copy, seed, extra)
