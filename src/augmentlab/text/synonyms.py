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
from ..core.sample import Sample
from .base import TextTransform, locked_words, spans_of, text_of, word_segments
from .wordnet import wordnet
from .words import split_affixes

__all__ = ["RandomInsert", "SynonymReplace", "WordReplace", "count_of"]


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


def _cased(synonym: str, like: str) -> str:
    return synonym[:1].upper() + synonym[1:] if like[:1].isupper() else synonym


class _Lexical(TextTransform):
    _abstract = True

    def __init__(self, *, n: float = 1, wordnet_dir: str | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.n = check_number(self.name, "n", n, low=0)
        self.wordnet_dir = wordnet_dir

    def _candidates(self, tokens: list[str], locked: set[int]) -> list[tuple[int, list[str]]]:
        out = []
        for i, token in enumerate(tokens):
            synonyms = [] if i in locked else _token_synonyms(self.wordnet_dir, token)
            if synonyms:
                out.append((i, synonyms))
        return out


class WordReplace(TextTransform):
    """Base of the word-replacing transforms: ``n`` random words that have options (see
    `options`) are replaced by one of them, chosen uniformly; punctuation around a word and its
    capital stay; words in protected spans are never chosen."""

    _abstract = True
    n: float

    def options(self, tokens: list[str], locked: set[int]) -> list[tuple[int, list[str]]]:
        """``(word index, replacements)`` for every word that can be replaced."""
        raise NotImplementedError

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text = text_of(sample)
        segments = word_segments(text)
        tokens = [text[a:b] for a, b in segments]
        candidates = self.options(tokens, locked_words(segments, spans_of(sample)))
        chosen = []
        for j in rng.permutation(len(candidates))[:count_of(self.n, len(tokens))].tolist():
            i, words = candidates[j]
            chosen.append([i, words[integer(rng, 0, len(words))]])
        return {"replace": sorted(chosen)}

    def edits(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        if not params["replace"]:
            return []
        segments = word_segments(text)
        edits = []
        for i, word in params["replace"]:
            a, b = segments[i]
            lead, core, _ = split_affixes(text[a:b])
            edits.append([a + len(lead), core, _cased(word, core)])
        return edits


class SynonymReplace(WordReplace, _Lexical):
    """Replace ``n`` random words (EDA's SR; below 1: a fraction alpha of the words) that have
    WordNet synonyms by one of them, chosen uniformly. Stop words and words without synonyms
    are left alone; a text with no such word comes back unchanged.

    Example:
        >>> import augmentlab as al
        >>> al.text.SynonymReplace(n=1)(text="A dull film.", seed=1)["text"]
        'A dull picture.'
    """

    name = "text.SynonymReplace"

    def options(self, tokens: list[str], locked: set[int]) -> list[tuple[int, list[str]]]:
        return self._candidates(tokens, locked)


class RandomInsert(_Lexical):
    """Insert a synonym of a random word (not a stop word) at a random place between words,
    ``n`` times (EDA's RI; below 1: a fraction alpha of the words); never inside a protected
    span. Params: ``[slot, word]``, slot ``k`` = before the text's word ``k`` (the word count:
    at the end).

    Example:
        >>> import augmentlab as al
        >>> out = al.text.RandomInsert(n=1)(text="a dull film", seed=0)["text"]
        >>> len(out.split())
        4
    """

    name = "text.RandomInsert"

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text = text_of(sample)
        segments = word_segments(text)
        spans = spans_of(sample)
        tokens = [text[a:b] for a, b in segments]
        candidates = self._candidates(tokens, set())  # protected words may lend a synonym
        # a slot is the gap before word k; one inside a span (it crosses the gap) is not used
        slots = [k for k in range(len(segments) + 1)
                 if not any(s < segments[k][0] and e > segments[k - 1][1] for s, e, _ in spans
                            if 0 < k < len(segments))]
        inserts = []
        if candidates and slots:
            for _ in range(count_of(self.n, len(tokens))):
                _, synonyms = candidates[integer(rng, 0, len(candidates))]
                inserts.append([slots[integer(rng, 0, len(slots))],
                                synonyms[integer(rng, 0, len(synonyms))]])
        return {"insert": sorted(inserts, key=lambda kw: kw[0])}

    def edits(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        if not params["insert"]:
            return []
        segments = word_segments(text)
        by_slot: dict[int, list[str]] = {}
        for k, word in params["insert"]:
            by_slot.setdefault(int(k), []).append(word)
        edits = []
        for k, words in sorted(by_slot.items()):
            if k < len(segments):
                edits.append([segments[k][0], "", " ".join(words) + " "])
            else:
                edits.append([segments[-1][1], "", " " + " ".join(words)])
        return edits

