"""Words of a text: a text is handled as its `parts`, ``[space, word, space, ..., word, space]``
(one C-level regex split), words at the odd places, so edits keep whitespace exactly."""

from __future__ import annotations

import re

__all__ = ["parts_of", "single_spaced_words", "split_affixes"]

_WORDS = re.compile(r"(\S+)")
_AFFIX = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def parts_of(text: str) -> list[str]:
    """Whitespace and words, alternating: words at the odd indices.

    Example:
        >>> parts_of(" a  bc")
        [' ', 'a', '  ', 'bc', '']
    """
    return _WORDS.split(text)


def single_spaced_words(text: str) -> list[str] | None:
    """The words of a text whose words are separated by exactly one ASCII space (no other
    whitespace, none at the ends) -- most sentences -- else None. Joining them with one space
    gives the text back, which lets word-level transforms skip the whitespace bookkeeping.

    Example:
        >>> single_spaced_words("a bc d"), single_spaced_words("a  bc"), single_spaced_words(" a")
        (['a', 'bc', 'd'], None, None)
    """
    # isprintable is False for every whitespace character but the ASCII space
    if not text or not text.isprintable() or "  " in text or text[0] == " " or text[-1] == " ":
        return None
    return text.split(" ")


def split_affixes(token: str) -> tuple[str, str, str]:
    """``(leading punctuation, word, trailing punctuation)``.

    Example:
        >>> split_affixes('"film,"')
        ('"', 'film', ',"')
    """
    m = _AFFIX.match(token)
    assert m is not None  # the pattern matches any string
    return m.group(1), m.group(2), m.group(3)
