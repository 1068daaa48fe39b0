"""Character noise: keyboard typos, OCR confusions, swapped and deleted letters. Each character
of a word (letters and digits; whitespace and punctuation are never touched) is hit with
probability ``rate``; params record the edits as ``[position, old, new]`` so a replay applies them
without drawing again, and refuses a text they do not fit."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number
from ..core.rng import integer
from ..core.sample import Sample
from .base import TextTransform, spans_of, text_of

__all__ = ["CharDelete", "CharSwap", "KeyboardTypo", "OcrError"]

_ROWS = ("1234567890-", "qwertyuiop[", "asdfghjkl;'", "zxcvbnm,./")


def _keyboard() -> dict[str, str]:
    """QWERTY neighbours of every letter and digit (same row and the rows above and below)."""
    where = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    out = {}
    for c, (r, i) in where.items():
        if not c.isalnum():
            continue
        near = [_ROWS[rr][ii] for rr in (r - 1, r, r + 1) for ii in (i - 1, i, i + 1)
                if 0 <= rr < len(_ROWS) and 0 <= ii < len(_ROWS[rr]) and (rr, ii) != (r, i)]
        out[c] = "".join(n for n in near if n.isalnum())
    return out


KEYBOARD = _keyboard()
# confusions of OCR engines (as nlpaug's and the OCR-noise literature's tables)
OCR = {"0": "Oo", "O": "0D", "o": "0", "1": "lI", "l": "1I", "I": "1l", "5": "S", "S": "5", "8": "B",
       "B": "8", "2": "Z", "Z": "2", "6": "b", "b": "6", "g": "9q", "9": "g", "q": "9", "e": "c",
       "c": "e", "m": "n", "n": "m", "u": "v", "v": "u", "h": "b", "rn": "m"}


def _hits(sample: Any, rate: float, rng: np.random.Generator, ok: Any, width: int = 1) -> list[int]:
    """Positions hit with probability `rate` (one uniform per character) where ``ok(text, i)``
    holds and the `width` characters from there are outside every protected span."""
    text = text_of(sample)
    if not text or rate == 0.0:
        return []
    draws = rng.random(len(text))
    spans = spans_of(sample)
    return [i for i in np.flatnonzero(draws < rate).tolist() if ok(text, i)
            and not any(i < e and i + width > s for s, e, _ in spans)]


class _CharNoise(TextTransform):
    """Edits that each start at a character hit with probability ``rate``: a subclass says where
    one may start (`eligible`; the `width` characters from there stay clear of protected spans)
    and what it is (`edit_at`); a hit inside the previous edit is passed over."""

    _abstract = True
    width = 1  # how many characters one edit may change

    def __init__(self, *, rate: float = 0.05, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = check_number(self.name, "rate", rate, low=0, high=1)

    def eligible(self, text: str, i: int) -> bool:
        """Whether an edit may start at character `i` of `text`."""
        raise NotImplementedError

    def edit_at(self, text: str, i: int, rng: np.random.Generator) -> list[Any]:
        """The edit ``[i, old, new]`` that starts at character `i` of `text`."""
        raise NotImplementedError

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        """The edits, left to right, one per hit that does not fall inside the previous edit.

        Example:
            >>> import augmentlab as al
            >>> al.text.CharSwap(rate=1.0)(text="abcd", seed=0).record.steps[0].params["edits"]
            [[0, 'ab', 'ba'], [2, 'cd', 'dc']]
        """
        text = text_of(sample)
        edits: list[list[Any]] = []
        for i in _hits(sample, self.rate, rng, self.eligible, self.width):
            if edits and i < edits[-1][0] + len(edits[-1][1]):
                continue  # inside the previous edit
            edits.append(self.edit_at(text, i, rng))
        return {"edits": edits}

    def edits(self, text: str, params: dict[str, Any]) -> list[list[Any]]:
        return list(params["edits"])


class KeyboardTypo(_CharNoise):
    """Replace characters by a QWERTY neighbour (case kept), each with probability ``rate``.

    Example:
        >>> import augmentlab as al
        >>> al.text.KeyboardTypo(rate=0.3)(text="Great film", seed=2)["text"]
        'Nreat film'
    """

    name = "text.KeyboardTypo"

    def eligible(self, text: str, i: int) -> bool:
        return text[i].lower() in KEYBOARD

    def edit_at(self, text: str, i: int, rng: np.random.Generator) -> list[Any]:
        near = KEYBOARD[text[i].lower()]
        new = near[integer(rng, 0, len(near))]
        return [i, text[i], new.upper() if text[i].isupper() else new]


class OcrError(_CharNoise):
    """Replace characters by ones OCR confuses them with (0/O, 1/l/I, 5/S, rn/m, ...), each
    eligible character with probability ``rate``.

    Example:
        >>> import augmentlab as al
        >>> al.text.OcrError(rate=1.0)(text="solo", seed=0)["text"]
        's010'
    """

    name = "text.OcrError"
    width = 2  # "rn" -> "m"

    def eligible(self, text: str, i: int) -> bool:
        return text[i] in OCR or text[i:i + 2] in OCR

    def edit_at(self, text: str, i: int, rng: np.random.Generator) -> list[Any]:
        old = text[i:i + 2] if text[i:i + 2] in OCR else text[i]
        choices = OCR[old]
        return [i, old, choices[integer(rng, 0, len(choices))]]


class CharSwap(_CharNoise):
    """Swap a character with the next one in the same word, each with probability ``rate``.

    Example:
        >>> import augmentlab as al
        >>> al.text.CharSwap(rate=0.3)(text="Great film", seed=1)["text"]
        'Great fiml'
    """

    name = "text.CharSwap"
    width = 2

    def eligible(self, text: str, i: int) -> bool:
        return i + 1 < len(text) and text[i].isalnum() and text[i + 1].isalnum() and text[i] != text[i + 1]

    def edit_at(self, text: str, i: int, rng: np.random.Generator) -> list[Any]:
        return [i, text[i:i + 2], text[i + 1] + text[i]]


class CharDelete(_CharNoise):
    """Delete characters inside words (a word keeps at least one), each with probability ``rate``.

    Example:
        >>> import augmentlab as al
        >>> al.text.CharDelete(rate=1.0)(text="Great, film!", seed=1)["text"]
        'G, f!'
    """

    name = "text.CharDelete"

    def eligible(self, text: str, i: int) -> bool:
        return text[i].isalnum()

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        text = text_of(sample)
        hits = set(_hits(sample, self.rate, rng, self.eligible))
        edits = []
        start = None
        for i in range(len(text) + 1):  # per word: never delete all of it
            inside = i < len(text) and not text[i].isspace()
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                word = [j for j in range(start, i) if j in hits]
                if word and len(word) == sum(text[j].isalnum() for j in range(start, i)):
                    word = word[1:]  # every letter hit: the first one stays
                edits += [[j, text[j], ""] for j in word]
                start = None
        return {"edits": edits}
