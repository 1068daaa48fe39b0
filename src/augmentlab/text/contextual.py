"""Replace words with what a language model expects there (contextual augmentation, Kobayashi
2018), with the packaged causal model (`augmentlab.text.lm`): the model reads the text up to a
word and proposes the next words it finds likeliest; each candidate sentence is then scored whole
(so the words after the gap count too) and one is drawn in proportion to its probability."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.sample import Sample
from .base import locked_words, spans_of, text_of, word_segments
from .synonyms import WordReplace, count_of
from .wordnet import STOP_WORDS
from .words import split_affixes

__all__ = ["ContextualReplace"]


class ContextualReplace(WordReplace):
    """Replace ``n`` words (below 1: a fraction of the words) by words SmolLM2 proposes in
    their context: the `k` likeliest next words after the text before the word that WordNet
    knows (not stop words, not the word itself), one drawn by the whole sentence's likelihood
    (softened by `temperature`). Stop words, non-words and protected spans are never replaced.
    The record holds the chosen words: a replay needs no model.

    Example:
        >>> import augmentlab as al
        >>> t = al.text.ContextualReplace(n=1, k=5)
        >>> (t.n, t.k, t.temperature)
        (1, 5, 1.0)
    """

    name = "text.ContextualReplace"

    def __init__(self, *, n: float = 0.1, k: int = 8, temperature: float = 1.0,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.n = check_number(self.name, "n", n, low=0)
        self.k = int(check_number(self.name, "k", k, low=1, high=100, integer=True))
        self.temperature = check_number(self.name, "temperature", temperature, low=0.01, high=100)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        from .lm import smollm2
        from .wordnet import wordnet

        text = text_of(sample)
        segments = word_segments(text)
        tokens = [text[a:b] for a, b in segments]
        locked = locked_words(segments, spans_of(sample))
        eligible = []
        for i, token in enumerate(tokens):
            core = split_affixes(token)[1]
            if i not in locked and core.isalpha() and core.lower() not in STOP_WORDS:
                eligible.append(i)
        wanted = count_of(self.n, len(tokens))
        if not eligible or wanted == 0:
            return {"replace": []}
        lm, lexicon = smollm2(), wordnet()
        chosen: list[list[Any]] = []
        for i in rng.permutation(eligible).tolist():
            if len(chosen) == wanted:
                break
            a, b = segments[i]
            lead, core, trail = split_affixes(text[a:b])
            start = a + len(lead)
            options = [w for w in lm.next_words(text[:start].rstrip(), 4 * self.k)
                       if w != core.lower() and w not in STOP_WORDS and lexicon.lemmas(w)][: self.k]
            if not options:
                continue
            sentences = [text[:start] + w + text[start + len(core):] for w in options]
            z = lm.score(sentences) / self.temperature
            prob = np.exp(z - z.max())
            cum = np.cumsum(prob / prob.sum())
            pick = min(int(np.searchsorted(cum, rng.random(), side="right")), len(options) - 1)
            chosen.append([i, options[pick]])
        return {"replace": sorted(chosen)}
