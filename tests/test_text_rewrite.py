"""The shortcut text path (`rewrite`, texts without spans) gives exactly the text of the edits path."""

from __future__ import annotations

import numpy as np
import pytest

import augmentlab as al
import augmentlab.datasets
from augmentlab.text.base import apply_edits
from augmentlab.text.words import parts_of, single_spaced_words

SHORTCUT = [al.text.RandomSwap(n=0.3), al.text.RandomSwap(n=3), al.text.RandomDelete(rate=0.3),
            al.text.RandomDelete(rate=0.9)]


def _texts() -> list[str]:
    real = [str(s) for s in al.datasets.load("rotten-tomatoes").X[:300]]
    assert sum(single_spaced_words(t) is not None for t in real) > 200  # the common case
    odd = ["", " ", "one", "  two  words ", "a\tb\n c  d ", "é ü  ß", "x " * 40, " lead", "trail ",
           "a\u00a0b c", "one two", "é ü ß"]
    return real + odd


def _same_as_edits(t: al.Transform, text: str, params: dict) -> None:
    edits = t.edits(text, params)
    want = apply_edits(t.name, text, edits)[0] if edits else text
    assert "".join(t.rewrite(parts_of(text), params)) == want, (text, params)
    words = single_spaced_words(text)
    if words is not None:
        assert " ".join(t.rewrite_words(words, params)) == want, (text, params)


@pytest.mark.parametrize("t", SHORTCUT, ids=lambda t: repr(t))
def test_rewrite_equals_the_edits_path(t: al.Transform) -> None:
    pipe = al.Compose([t], seed=3)
    rng = np.random.default_rng(0)
    for i, text in enumerate(_texts()):
        _same_as_edits(t, text, pipe(text=text, sample_id=i).record.steps[0].params)
        # replayed params that do not fit this text (another text's record) are ignored alike
        if isinstance(t, al.text.RandomSwap):
            wild = {"pairs": [[int(a), int(b)] for a, b in rng.integers(0, 60, (3, 2))]}
        else:
            wild = {"drop": sorted({int(v) for v in rng.integers(0, 60, 5)})}
        _same_as_edits(t, text, wild)


def test_spans_still_take_the_edits_path() -> None:
    text = "Paris is far from the sea and Rome"
    spans = [(0, 5, "CITY"), (30, 34, "CITY")]
    for i in range(20):
        out = al.Compose([al.text.RandomDelete(rate=0.5)], seed=1)(text=text, spans=spans,
                                                                    sample_id=i)
        assert [out["text"][s:e] for s, e, _ in out["spans"]] == ["Paris", "Rome"]
