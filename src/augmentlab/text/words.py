"""Words of a text and edits that keep everything between the words as it was.

A text is handled as its `parts`: ``[space, word, space, word, ..., word, space]`` (one C-level
regex split), words at the odd places. Edits rearrange the words and join the parts again, so
whitespace, line breaks and any characters are kept exactly.
"""

from __future__ import annotations

import re

__all__ = ["delete_words", "insert_words", "parts_of", "reorder_words", "split_affixes", "word_count"]

_WORDS = re.compile(r"(\S+)")


def parts_of(text: str) -> list[str]:
    """Whitespace and words, alternating: words at the odd indices.

    Example:
        >>> parts_of(" a  bc")
        [' ', 'a', '  ', 'bc', '']
    """
    return _WORDS.split(text)


def word_count(text: str) -> int:
    """Number of whitespace-separated words.

    Example:
        >>> word_count(" a  bc ")
        2
    """
    return len(text.split())


def reorder_words(text: str, order: list[int]) -> str:
    """The text with word slot ``k`` holding word ``order[k]`` (a permutation).

    Example:
        >>> reorder_words("the quick  brown fox", [3, 1, 2, 0])
        'fox quick  brown the'
    """
    parts = parts_of(text)
    words = parts[1::2]
    parts[1::2] = [words[i] for i in order]
    return "".join(parts)


def delete_words(text: str, dropped: set[int]) -> str:
    """The text without the words whose indices are in `dropped`, each taking the whitespace
    before it along (the first kept word keeps the text's leading whitespace).

    Example:
        >>> delete_words("the quick  brown fox", {1, 3})
        'the  brown'
    """
    parts = parts_of(text)
    kept = [i for i in range(len(parts) // 2) if i not in dropped]
    if not kept:
        return ""
    out = [parts[0], parts[2 * kept[0] + 1]]
    for i in kept[1:]:
        out += [parts[2 * i], parts[2 * i + 1]]
    out.append(parts[-1])
    return "".join(out)


def insert_words(text: str, inserts: list[tuple[int, str]]) -> str:
    """The text with words inserted, one after another: ``(k, word)`` puts `word` before word
    slot ``k`` of the text as it is after the previous inserts (``k`` = word count: at the end),
    separated by one space.

    Example:
        >>> insert_words("good  film", [(1, "movie"), (3, "indeed")])
        'good movie  film indeed'
    """
    parts = parts_of(text)
    words, gaps = parts[1::2], parts[2:-1:2]
    lead, trail = parts[0], parts[-1]
    for k, word in inserts:
        k = max(0, min(int(k), len(words)))
        words.insert(k, word)
        if len(words) > 1:
            gaps.insert(max(0, min(k, len(gaps))), " ")
    if not words:
        return text
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
