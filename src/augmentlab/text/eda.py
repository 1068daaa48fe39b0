"""The two EDA operations that need no lexicon (Wei & Zou, 2019): random swap and random
deletion. Params record word indices, so a replay does not depend on tokenising again the same
way — it does, but the record says exactly which words moved."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.rng import integer
from ..core.sample import Sample
from .base import TextTransform, locked_words, spans_of, text_of, word_segments
from .synonyms import count_of

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
                  RandomSwap(n=alpha), RandomDelete(rate=alpha)], p=1.0)


class RandomSwap(TextTransform):
    """Swap two random words, ``n`` times (EDA's RS; ``n`` a number of swaps or, below 1, a
    fraction of the words, EDA's alpha). Whitespace between words is kept as it was; words in
    protected ``spans`` do not move.

    Example:
        >>> import augmentlab as al
        >>> out = al.text.RandomSwap(n=1)(text="one two three", seed=0)
        >>> sorted(out["text"].split())
        ['one', 'three', 'two']
    """

    name = "text.RandomSwap"
    native_params = True  # {"pairs": [[int, int], ...]}

    def __init__(self, *, n: float = 1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.n = check_number("text.RandomSwap", "n", n, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text, spans = text_of(sample), spans_of(sample)
        if spans:
            segments = word_segments(text)
            locked = locked_words(segments, spans)
            words = len(segments)
            free = [i for i in range(words) if i not in locked]
        else:  # no protected words: the count is all it needs
            words = len(text.split())
            if words < 2:
                return {"pairs": []}
            return {"pairs": [[integer(rng, 0, words), integer(rng, 0, words)]
                              for _ in range(count_of(self.n, words))]}
        if len(free) < 2:
            return {"pairs": []}
        swaps = count_of(self.n, words)
        return {"pairs": [[free[integer(rng, 0, len(free))], free[integer(rng, 0, len(free))]]
                          for _ in range(swaps)]}

    def rewrite_words(self, words: list[str], params: dict[str, Any]) -> list[str] | None:
        n = len(words)
        for i, j in params["pairs"]:
            if i < n and j < n:
                words[i], words[j] = words[j], words[i]
        return words

    def rewrite(self, parts: list[str], params: dict[str, Any]) -> list[str] | None:
        words = parts[1::2]
        self.rewrite_words(words, params)
        parts[1::2] = words
        return parts

    def edits(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        if not params["pairs"]:
            return []
        segments = word_segments(text)
        order = list(range(len(segments)))
        for i, j in params["pairs"]:
            if i < len(order) and j < len(order):
                order[i], order[j] = order[j], order[i]
        words = [text[a:b] for a, b in segments]
        return [[segments[k][0], words[k], words[o]] for k, o in enumerate(order) if o != k]


def _bernoulli_hits(rng: np.random.Generator, n: int, rate: float) -> list[int]:
    """The indices in ``range(n)`` that each come up with probability `rate`, independently:
    drawn as geometric gaps between hits (one uniform per hit, not one per index).

    Example:
        >>> hits = _bernoulli_hits(np.random.default_rng(0), 100_000, 0.1)
        >>> 9_500 < len(hits) < 10_500 and hits == sorted(set(hits))
        True
    """
    if rate <= 0.0 or n <= 0:
        return []
    if rate >= 1.0:
        return list(range(n))
    scale = 1.0 / math.log1p(-rate)
    hits: list[int] = []
    i = -1
    draw = rng.random
    while True:
        i += 1 + int(math.log(1.0 - draw()) * scale)  # a gap ~ Geometric(rate) - 1
        if i >= n:
            return hits
        hits.append(i)


class RandomDelete(TextTransform):
    """Delete each word with probability ``rate`` (EDA's RD); one word is always kept, words
    in protected ``spans`` are never deleted.

    Example:
        >>> import augmentlab as al
        >>> al.text.RandomDelete(rate=0.99)(text="a b c d", seed=1)["text"] in "a b c d"
        True
    """

    name = "text.RandomDelete"
    native_params = True  # {"drop": [int, ...]}

    def __init__(self, *, rate: float = 0.1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_number("text.RandomDelete", "rate", rate, low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text, spans = text_of(sample), spans_of(sample)
        words = len(text.split())
        if words == 0:
            return {"drop": []}
        locked = locked_words(word_segments(text), spans) if spans else set()
        drop = [i for i in _bernoulli_hits(rng, words, self.rate) if i not in locked]
        if len(drop) == words:  # EDA keeps a word rather than return an empty sentence
            drop.remove(drop[integer(rng, 0, words)])
        return {"drop": drop}

    def rewrite(self, parts: list[str], params: dict[str, Any]) -> list[str] | None:
        drop = params["drop"]
        if not drop:
            return parts
        n = len(parts) // 2  # words
        dropped = set(drop)
        first_kept = next((i for i in range(n) if i not in dropped), n)
        keep = [True] * len(parts)
        for i in drop:
            if i >= n:
                continue
            keep[2 * i + 1] = False
            if i > first_kept:  # a word was kept before: the whitespace before goes too
                keep[2 * i] = False
            elif i + 1 < n:  # none kept yet: the whitespace after goes (not after the last word)
                keep[2 * i + 2] = False
        return [p for p, k in zip(parts, keep, strict=True) if k]

    def rewrite_words(self, words: list[str], params: dict[str, Any]) -> list[str] | None:
        drop = params["drop"]
        if not drop:
            return words
        dropped = set(drop)
        return [w for i, w in enumerate(words) if i not in dropped]

    def edits(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        if not params["drop"]:
            return []
        segments = word_segments(text)
        dropped = set(params["drop"])
        edits, kept_before = [], False
        for i, (a, b) in enumerate(segments):
            if i not in dropped:
                kept_before = True
                continue
            if kept_before:  # the word and the whitespace before it
                start = segments[i - 1][1]
                edits.append([start, text[start:b], ""])
            else:  # no word kept yet: the word and the whitespace after it
                end = segments[i + 1][0] if i + 1 < len(segments) else b
                edits.append([a, text[a:end], ""])
        return edits
