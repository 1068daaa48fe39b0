"""EDA's two lexicon operations (Wei & Zou, 2019) on WordNet synonyms: replace words by a synonym,
insert a synonym of a word at a random place. Stop words are never chosen; punctuation around a
word stays; a capitalised word gets a capitalised synonym. Params record the words chosen, so a
replay needs no lexicon lookups to agree."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.rng import integer
from ..core.transform import Transform
from .wordnet import wordnet
from .words import insert_words, parts_of, split_affixes

__all__ = ["RandomInsert", "SynonymReplace", "count_of"]


def count_of(n: float, words: int) -> int:
    """How many edits: ``n`` itself when ``n >= 1``, else EDA's ``max(1, int(n * words))``.

    Example:
        >>> count_of(2, 10), count_of(0.1, 25), count_of(0.1, 3)
        (2, 2, 1)
    """
    return int(n) if n >= 1 else max(1, int(n * words))


@functools.lru_cache(maxsize=1 << 17)
def _token_synonyms(folder: str | None, token: str) -> list[str]:
    """Synonyms of a whitespace token's word (its punctuation stripped); tokens repeat a lot."""
    core = split_affixes(token)[1]
    return wordnet(folder).synonyms(core) if core.isalpha() or "-" in core else []


def _text_of(sample: Any) -> str:
    keys = sample.keys_of("text")
    return sample[keys[0]] if keys else ""


def _cased(synonym: str, like: str) -> str:
    return synonym[:1].upper() + synonym[1:] if like[:1].isupper() else synonym


class _Lexical(Transform):
    _abstract = True
    fields = frozenset({"text"})

    def __init__(self, *, n: float = 1, wordnet_dir: str | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.n = check_number(self.name, "n", n, low=0)
        self.wordnet_dir = wordnet_dir

    def _candidates(self, tokens: list[str]) -> list[tuple[int, list[str]]]:
        out = []
        for i, token in enumerate(tokens):
            synonyms = _token_synonyms(self.wordnet_dir, token)
            if synonyms:
                out.append((i, synonyms))
        return out


class SynonymReplace(_Lexical):
    """Replace ``n`` random words (EDA's SR; below 1: a fraction alpha of the words) that have
    WordNet synonyms by one of them, chosen uniformly. Stop words and words without synonyms
    are left alone; a text with no such word comes back unchanged.

    Example:
        >>> import augmentlab as al
        >>> al.text.SynonymReplace(n=1)(text="A dull film.", seed=1)["text"]
        'A dull picture.'
    """

    name = "text.SynonymReplace"

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        tokens = _text_of(sample).split()
        candidates = self._candidates(tokens)
        chosen = []
        for j in rng.permutation(len(candidates))[:count_of(self.n, len(tokens))].tolist():
            i, synonyms = candidates[j]
            chosen.append([i, synonyms[integer(rng, 0, len(synonyms))]])
        return {"replace": sorted(chosen)}

    def apply_text(self, text: str, params: dict[str, Any]) -> str:
        if not params["replace"]:
            return text
        parts = parts_of(text)  # the whitespace between words is kept as it was
        for i, synonym in params["replace"]:
            lead, core, trail = split_affixes(parts[2 * i + 1])
            parts[2 * i + 1] = lead + _cased(synonym, core) + trail
        return "".join(parts)


class RandomInsert(_Lexical):
    """Insert a synonym of a random word (not a stop word) at a random position, ``n`` times
    (EDA's RI; below 1: a fraction alpha of the words).

    Example:
        >>> import augmentlab as al
        >>> out = al.text.RandomInsert(n=1)(text="a dull film", seed=0)["text"]
        >>> len(out.split())
        4
    """

    name = "text.RandomInsert"

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        tokens = _text_of(sample).split()
        candidates = self._candidates(tokens)
        inserts = []
        if candidates:
            count = len(tokens)
            for _ in range(count_of(self.n, len(tokens))):
                _, synonyms = candidates[integer(rng, 0, len(candidates))]
                count += 1
                inserts.append([integer(rng, 0, count), synonyms[integer(rng, 0, len(synonyms))]])
        return {"insert": inserts}

    def apply_text(self, text: str, params: dict[str, Any]) -> str:
        return insert_words(text, [(k, w) for k, w in params["insert"]]) if params["insert"] else text

