"""Word spans of a text and edits that keep everything between the words as it was."""

from __future__ import annotations

import re

__all__ = ["join_words", "word_spans"]

_WORD = re.compile(r"\S+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every whitespace-separated word.

    Example:
        >>> word_spans("a  bc d")
        [(0, 1), (3, 5), (6, 7)]
    """
    return [m.span() for m in _WORD.finditer(text)]


def join_words(text: str, spans: list[tuple[int, int]], order: list[int]) -> str:
    """The text with word slot ``k`` holding word ``order[k]``; slots beyond ``len(order)`` are
    removed with the whitespace before them (or after, for the first word).

    Example:
        >>> t = "the quick  brown fox"
        >>> join_words(t, word_spans(t), [3, 1, 2, 0])
        'fox quick  brown the'
        >>> join_words(t, word_spans(t), [0, 2])
        'the  brown'
    """
    if len(order) == len(spans):
        out, at = [], 0
        for (start, end), source in zip(spans, order, strict=True):
            out.append(text[at:start])
            s, e = spans[source]
            out.append(text[s:e])
            at = end
        out.append(text[at:])
        return "".join(out)
    # deletion: the kept words, in order, each with the whitespace that preceded it
    if not order:
        return ""
    pieces = [text[spans[order[0]][0]:spans[order[0]][1]]]
    for i in order[1:]:
        prev_end = spans[i - 1][1]
        pieces.append(text[prev_end:spans[i][0]] + text[spans[i][0]:spans[i][1]])
    return text[:spans[0][0]] + "".join(pieces) + text[spans[-1][1]:]


def insert_words(text: str, spans: list[tuple[int, int]], inserts: list[tuple[int, str]]) -> str:
    """The text with words inserted, one after another: ``(k, word)`` puts `word` before word
    slot ``k`` of the text as it is after the previous inserts (``k`` = word count: at the end),
    separated by one space.

    Example:
        >>> t = "good  film"
        >>> insert_words(t, word_spans(t), [(1, "movie"), (3, "indeed")])
        'good movie  film indeed'
    """
    words = [text[s:e] for s, e in spans]
    gaps = [text[spans[i - 1][1]:spans[i][0]] for i in range(1, len(spans))]  # between words
    for k, word in inserts:
        k = max(0, min(int(k), len(words)))
        words.insert(k, word)
        if len(words) > 1:
            gaps.insert(max(0, min(k, len(gaps))), " ")
    if not spans:
        return " ".join(words)
    lead, trail = text[:spans[0][0]], text[spans[-1][1]:]
    return lead + words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True)) + trail


_AFFIX = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def split_affixes(token: str) -> tuple[str, str, str]:
    """``(leading punctuation, word, trailing punctuation)``.

    Example:
        >>> split_affixes('"film,"')
        ('"', 'film', ',"')
    """
    m = _AFFIX.match(token)
    assert m is not None  # the pattern matches any string
    return m.group(1), m.group(2), m.group(3)
