"""The two EDA operations that need no lexicon (Wei & Zou, 2019): random swap and random
deletion. Params record word indices, so a replay does not depend on tokenising again the same
way — it does, but the record says exactly which words moved."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.rng import integer
from ..core.transform import Transform
from .synonyms import count_of
from .words import delete_words, reorder_words, word_count

__all__ = ["EDA", "RandomDelete", "RandomSwap"]


def EDA(*, alpha: float = 0.1, wordnet_dir: str | None = None) -> Any:  # noqa: N802  (a recipe)
    """The EDA recipe (Wei & Zou, 2019): each augmented copy applies one of synonym replacement,
    random insertion, random swap and random deletion, chosen with equal odds, each changing a
    fraction `alpha` of the words (the paper's default 0.1; its ``n_aug`` is the number of
    copies: ``augment --copies``, or ``Strategy(copies=...)`` in an experiment). Returns a
    plain `OneOf`, so it saves and loads like any pipeline.

    Example:
        >>> import augmentlab as al
        >>> recipe = al.text.EDA(alpha=0.1)
        >>> [t.name for t in recipe.transforms]
        ['text.SynonymReplace', 'text.RandomInsert', 'text.RandomSwap', 'text.RandomDelete']
    """
    from ..core.compose import OneOf
    from .synonyms import RandomInsert, SynonymReplace

    return OneOf([SynonymReplace(n=alpha, wordnet_dir=wordnet_dir),
                  RandomInsert(n=alpha, wordnet_dir=wordnet_dir),
                  RandomSwap(n=alpha), RandomDelete(rate=alpha)])


class RandomSwap(Transform):
    """Swap two random words, ``n`` times (EDA's RS; ``n`` a number of swaps or, below 1, a
    fraction of the words, EDA's alpha). Whitespace between words is kept as it was.

    Example:
        >>> import augmentlab as al
        >>> out = al.text.RandomSwap(n=1)(text="one two three", seed=0)
        >>> sorted(out["text"].split())
        ['one', 'three', 'two']
    """

    name = "text.RandomSwap"
    fields = frozenset({"text"})

    def __init__(self, *, n: float = 1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.n = check_number("text.RandomSwap", "n", n, low=0)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        words = word_count(sample[sample.keys_of("text")[0]]) if sample.keys_of("text") else 0
        swaps = count_of(self.n, words)
        pairs = [[integer(rng, 0, words), integer(rng, 0, words)] for _ in range(swaps)] if words > 1 else []
        return {"pairs": pairs}

    def apply_text(self, text: str, params: dict[str, Any]) -> str:
        if not params["pairs"]:
            return text
        order = list(range(word_count(text)))
        for i, j in params["pairs"]:
            if i < len(order) and j < len(order):
                order[i], order[j] = order[j], order[i]
        return reorder_words(text, order)


class RandomDelete(Transform):
    """Delete each word with probability ``rate`` (EDA's RD); one word is always kept.

    Example:
        >>> import augmentlab as al
        >>> al.text.RandomDelete(rate=0.99)(text="a b c d", seed=1)["text"] in "a b c d"
        True
    """

    name = "text.RandomDelete"
    fields = frozenset({"text"})

    def __init__(self, *, rate: float = 0.1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_number("text.RandomDelete", "rate", rate, low=0, high=1)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        words = word_count(sample[sample.keys_of("text")[0]]) if sample.keys_of("text") else 0
        if words == 0:
            return {"drop": []}
        drop = np.flatnonzero(rng.random(words) < self.rate).tolist()
        if len(drop) == words:  # EDA keeps a word rather than return an empty sentence
            drop.remove(drop[integer(rng, 0, words)])
        return {"drop": drop}

    def apply_text(self, text: str, params: dict[str, Any]) -> str:
        return delete_words(text, set(params["drop"])) if params["drop"] else text
