"""Transforms that keep two modalities consistent. A horizontal flip that also swaps the spatial
words of the caption ("the dog on the left" stays true of the flipped image). For audio with a
transcript nothing extra is needed: audio transforms never touch a ``text`` field, and word
timings given as ``events`` move with tempo and speed changes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .core.errors import InvalidConfig
from .core.sample import Sample
from .core.transform import Transform
from .image.functional import matrices as mx
from .image.functional.dtype import DEPTHS
from .image.spatial.warp import WarpStyle, warp_sample
from .text.base import edit_sample, spans_of, text_of

__all__ = ["HorizontalFlipWithCaption"]

_SWAPS = (("left", "right"), ("leftmost", "rightmost"), ("lefthand", "righthand"),
          ("leftward", "rightward"), ("leftwards", "rightwards"))


def _match_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


class HorizontalFlipWithCaption(Transform):
    """Mirror the image (masks, boxes and keypoints with it) and swap left/right words in the
    text: whole words only, case kept ("Left" -> "Right"), words inside protected ``spans`` left
    alone (their offsets follow the edits). ``swaps`` replaces the default word pairs.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = HorizontalFlipWithCaption()(image=np.array([[1, 2]], np.uint8),
        ...                                   text="A cat left of a Right-facing dog.")
        >>> out["image"].tolist(), out["text"]
        ([[2, 1]], 'A cat right of a Left-facing dog.')
    """

    name = "HorizontalFlipWithCaption"
    fields = frozenset({"image", "mask", "bboxes", "keypoints", "polygons", "text", "spans"})
    random = False
    native_params = True

    image_dtypes = DEPTHS  # a mirror moves pixels, never reads them

    def __init__(self, *, swaps: Sequence[Sequence[str]] | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        pairs = _SWAPS if swaps is None else swaps
        if (not isinstance(pairs, (list, tuple)) or not pairs or not all(
                isinstance(pair, (list, tuple)) and len(pair) == 2
                and all(isinstance(w, str) and re.fullmatch(r"\w+", w) for w in pair)
                for pair in pairs)):
            raise InvalidConfig("HorizontalFlipWithCaption: swaps must be pairs of single words, "
                                "e.g. [['left', 'right'], ['east', 'west']]")
        self._to = {}
        for a, b in pairs:
            self._to[a.lower()], self._to[b.lower()] = b.lower(), a.lower()
        words = sorted(self._to, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b",
                                   re.IGNORECASE)
        self._style = WarpStyle()

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        if any(kind in ("image", "mask") for kind in sample.kinds.values()):
            width = sample.size[1]
            sample = warp_sample(sample, mx.hflip(width), sample.size, self._style)
        spans = spans_of(sample)
        edits = [[m.start(), m.group(0), _match_case(self._to[m.group(0).lower()], m.group(0))]
                 for m in self._pattern.finditer(text_of(sample))
                 if not any(m.start() < e and s < m.end() for s, e, _ in spans)]
        return edit_sample(self.name, sample, edits)
