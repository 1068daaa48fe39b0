"""The text field kinds: ``text`` (a ``str``; decode bytes yourself: the encoding is yours to
know) and ``spans``, protected character ranges ``(start, end, label)`` of the text, ``0 <= start <
end <= len(text)``, not overlapping (text transforms never change them and move their offsets)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds

__all__ = ["check_text_fields"]


def _check_spans(key: str, value: Any, text: str | None) -> None:
    if text is None:
        raise InvalidInput(f"{key}: spans are character ranges of a text; pass text=... too")
    if not isinstance(value, (list, tuple)):
        raise InvalidInput(f"{key}: expected a list of (start, end, label), got {type(value).__name__}")
    for span in value:
        if not isinstance(span, (list, tuple)) or len(span) != 3 or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in span[:2]):
            raise InvalidInput(f"{key}: each span must be (start, end, label) with integer offsets, "
                               f"got {span!r}")
        if not 0 <= span[0] < span[1] <= len(text):
            raise InvalidInput(f"{key}: span {span[0]}..{span[1]} is empty or outside the text "
                               f"(0..{len(text)})")
    ordered = sorted((span[0], span[1]) for span in value)
    for (s0, e0), (s1, e1) in zip(ordered, ordered[1:], strict=False):  # neighbours
        if s1 < e0:
            raise InvalidInput(f"{key}: spans {s0}..{e0} and {s1}..{e1} overlap; merge them")


def check_text_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``text`` and ``spans`` fields.

    Example:
        >>> check_text_fields({"text": "hi", "spans": [(0, 9, "x")]}, {"text": "text", "spans": "spans"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: spans: span 0..9 is empty or outside the text (0..2)
    """
    texts = []
    for key, kind in kinds.items():
        if kind == "text":
            value = fields[key]
            if not isinstance(value, str):
                raise InvalidInput(f"{key}: expected a str, got {type(value).__name__}; decode it "
                                   "first (e.g. data.decode('utf-8'))")
            texts.append(value)
    for key, kind in kinds.items():
        if kind == "spans":
            _check_spans(key, fields[key], texts[0] if texts else None)


register_kinds(("text", "spans"), check_text_fields)
