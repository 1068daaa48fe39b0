"""What every text transform shares: its change to the text is a list of edits
``[position, old, new]`` (sorted, not overlapping), applied in one pass; protected ``spans``
(entities, numbers, URLs: ``(start, end, label)`` character offsets) are never edited and their
offsets follow the edits."""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from ..core.errors import InvalidInput
from ..core.sample import Sample
from ..core.transform import Transform
from .words import parts_of, single_spaced_words

__all__ = ["TextTransform", "apply_edits", "edit_sample", "locked_words", "spans_of", "text_of",
           "word_segments"]

Edit = list[Any]  # [position, old, new]


def text_of(sample: Any) -> str:
    """The sample's text ("" when it has none)."""
    key = sample.first_of("text")
    return sample[key] if key is not None else ""


def spans_of(sample: Any) -> list[tuple[int, int, Any]]:
    """The sample's protected spans (empty when it has none)."""
    key = sample.first_of("spans")
    return [tuple(s) for s in sample[key]] if key is not None else []  # type: ignore[misc]


def word_segments(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every whitespace-separated word.

    Example:
        >>> word_segments(" ab  c")
        [(1, 3), (5, 6)]
    """
    ends = list(accumulate(map(len, parts_of(text))))  # part k ends at ends[k]
    return list(zip(ends[0:-1:2], ends[1::2], strict=True))


def locked_words(segments: list[tuple[int, int]], spans: list[tuple[int, int, Any]]) -> set[int]:
    """Indices of words that overlap a protected span.

    Example:
        >>> sorted(locked_words([(0, 3), (4, 8), (9, 12)], [(5, 6, "X")]))
        [1]
    """
    if not spans:
        return set()
    return {i for i, (a, b) in enumerate(segments) if any(a < e and s < b for s, e, _ in spans)}


def _touches(pos: int, old: str, start: int, end: int) -> bool:
    if old:
        return pos < end and pos + len(old) > start
    return start < pos < end  # an insertion strictly inside the span


def apply_edits(owner: str, text: str, edits: list[Edit],
                spans: list[tuple[int, int, Any]] | None = None) -> tuple[str, list[tuple[int, int, Any]]]:
    """Apply sorted, non-overlapping ``[position, old, new]`` edits; returns the new text and the
    spans moved to their new offsets. Raises `InvalidInput` when an edit does not fit the text
    (a record replayed on another text) or would change a protected span.

    Example:
        >>> apply_edits("t", "a big dog", [[2, "big", "large"]], [(6, 9, "ANIMAL")])
        ('a large dog', [(8, 11, 'ANIMAL')])
    """
    out, at = [], 0
    for pos, old, new in edits:
        if pos < at or text[pos:pos + len(old)] != old:
            raise InvalidInput(f"{owner}: the record's edit at {pos} expects {old!r}; this is not "
                               "the text it was made for")
        out.append(text[at:pos])
        out.append(new)
        at = pos + len(old)
    out.append(text[at:])
    moved = []
    for start, end, label in spans or []:
        shift = 0
        for pos, old, new in edits:
            if _touches(pos, old, start, end):
                raise InvalidInput(f"{owner}: an edit at {pos} would change the protected span "
                                   f"{start}..{end} ({label!r})")
            if pos + len(old) <= start:  # before the span (an insertion at its start, too)
                shift += len(new) - len(old)
        moved.append((start + shift, end + shift, label))
    return "".join(out), moved


class TextTransform(Transform):
    """A text transform: ``edits(text, params)`` says what changes; spans are kept and moved."""

    _abstract = True
    fields = frozenset({"text", "spans"})

    def edits(self, text: str, params: dict[str, Any]) -> list[Edit]:
        raise NotImplementedError

    def rewrite(self, parts: list[str], params: dict[str, Any]) -> list[str] | None:
        """A shortcut for texts without protected spans: the new `parts_of` list (words at the
        odd places) straight away, or None to take the edits path. It must give the text the
        edits give (a test compares them); transforms without one return None."""
        return None

    def rewrite_words(self, words: list[str], params: dict[str, Any]) -> list[str] | None:
        """The shortcut for single-spaced texts (`single_spaced_words`): the new words, joined
        with one space; None to take `rewrite`. Same contract as `rewrite`."""
        return None

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key = sample.first_of("text")
        if key is None:
            return sample
        text = sample[key]
        span_key = sample.first_of("spans")
        cls = type(self)
        if span_key is None:  # the shortcuts, for the transforms that have them
            if cls.rewrite_words is not TextTransform.rewrite_words:
                words = single_spaced_words(text)
                if words is not None:
                    rewritten = self.rewrite_words(words, params)
                    if rewritten is not None:
                        return sample.derive(**{key: " ".join(rewritten)})
            if cls.rewrite is not TextTransform.rewrite:
                parts = self.rewrite(parts_of(text), params)
                if parts is not None:
                    return sample.derive(**{key: "".join(parts)})
        return edit_sample(self.name, sample, self.edits(text, params))


def edit_sample(owner: str, sample: Any, edits: list[Edit]) -> Any:
    """The sample with `edits` applied to its text and its spans moved (unchanged without edits).

    Example:
        >>> from augmentlab.core.sample import Sample
        >>> s = Sample(text="a big dog", spans=[(6, 9, "ANIMAL")])
        >>> s.kinds = {"text": "text", "spans": "spans"}
        >>> out = edit_sample("t", s, [[2, "big", "large"]])
        >>> out["text"], out["spans"]
        ('a large dog', [(8, 11, 'ANIMAL')])
    """
    if not edits:
        return sample
    key, span_key = sample.first_of("text"), sample.first_of("spans")
    new_text, moved = apply_edits(owner, sample[key], edits, spans_of(sample))
    changes: dict[str, Any] = {key: new_text}
    if span_key is not None:
        changes[span_key] = moved
    return sample.derive(**changes)
