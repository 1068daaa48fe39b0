"""Field kinds: the one list of what a sample's fields can be, filled by the modalities.

A call such as ``pipe(image=..., bboxes=...)`` or ``pipe(audio=..., sample_rate=...)`` names its
fields; each key is a field kind (or is mapped to one by ``Compose(extra_fields=...)``). The core
knows no modality: each modality package registers its kinds on import, with the function that
checks them on every call (``audio`` registers ``audio``, ``sample_rate``, ``events`` and
``spectrogram`` with the check that audio is float and ``sample_rate`` a positive int). The image
kinds are handled by the pipeline's image pass and register without a check.

Adding a field kind is one `register_kinds` call in the modality that owns it (see
ARCHITECTURE.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import InvalidConfig, InvalidInput

__all__ = [
    "check_fields",
    "field_of",
    "is_kind",
    "kind_names",
    "register_kinds",
    "resolve_kinds",
]

# check(fields, kinds): validate the call's fields of this family (it sees the whole call, so that
# spans can be checked against the text, events against the clip's duration); raise InvalidInput
FieldCheck = Callable[[Mapping[str, Any], Mapping[str, str]], None]

_KINDS: dict[str, FieldCheck | None] = {}
# kinds whose values are arrays with a height and width first (an image, a mask): a sample's
# `size` is theirs. A set object that is filled, never rebound (core.sample reads it).
GRID_KINDS: set[str] = set()


def register_kinds(names: Iterable[str], check: FieldCheck | None = None, *,
                   grid: Iterable[str] = ()) -> None:
    """Declare field kinds, and the function that validates them on every call; the kinds in
    `grid` are arrays whose first two axes are height and width (they give a sample its `size`).

    Registering the same kinds again with the same check is a no-op (a module imported twice);
    a kind claimed by two different checks is a programming error.

    Example:
        >>> def check_depth(fields, kinds):
        ...     for key, kind in kinds.items():
        ...         if kind == "example_depth" and fields[key] < 0:
        ...             raise InvalidInput(f"{key}: depth must be >= 0")
        >>> register_kinds(["example_depth"], check_depth)
        >>> is_kind("example_depth")
        True
    """
    for name in names:
        if not isinstance(name, str) or not name or name == "passthrough":
            raise InvalidConfig(f"a field kind is a non-empty name other than 'passthrough', got "
                                f"{name!r}")
        if name in _KINDS and _origin(_KINDS[name]) != _origin(check):
            raise InvalidConfig(f"field kind {name!r} is registered twice, by {_KINDS[name]} and "
                                f"{check}")
        _KINDS[name] = check
    for name in grid:
        if name not in _KINDS:
            raise InvalidConfig(f"grid kind {name!r} is not among the kinds registered with it")
        GRID_KINDS.add(name)


def _origin(check: FieldCheck | None) -> tuple[str, str] | None:
    # a module imported again (importlib.reload) registers an equal function, not the same object
    if check is None:
        return None
    return getattr(check, "__module__", ""), getattr(check, "__qualname__", repr(check))


def is_kind(name: Any) -> bool:
    """Whether `name` is a registered field kind.

    Example:
        >>> is_kind("image"), is_kind("picture")
        (True, False)
    """
    return isinstance(name, str) and name in _KINDS


def kind_names() -> list[str]:
    """Every registered field kind, sorted (for messages that list them).

    Example:
        >>> "image" in kind_names()
        True
    """
    return sorted(_KINDS)


def has_check(kinds: Mapping[str, str]) -> bool:
    """Whether any field of a call has a kind with a check (decided once per key layout)."""
    return any(_KINDS.get(kind) is not None for kind in kinds.values())


def check_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Run the checks of the kinds present in one call (each family's check once).

    Example:
        >>> import augmentlab  # registers every modality's kinds
        >>> check_fields({"text": b"hi"}, {"text": "text"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: text: expected a str, got bytes; decode it first ...
    """
    checks = dict.fromkeys(_KINDS.get(kind) for kind in kinds.values())
    for check in checks:
        if check is not None:
            check(fields, kinds)


def field_of(sample: Any, kind: str, how: str) -> tuple[str, Any]:
    """``(key, value)`` of the sample's first field of `kind`; `InvalidInput` saying what the
    transform works on and `how` to pass it when there is none.

    Example:
        >>> import augmentlab as al
        >>> sample = al.Compose([al.text.RandomSwap()], seed=0)(text="hi there")
        >>> field_of(sample, "text", "text: pass text=...")[0]
        'text'
    """
    keys = sample.keys_of(kind)
    if not keys:
        raise InvalidInput(f"this transform works on {how}")
    return keys[0], sample[keys[0]]


# kinds whose look-alike keys (``masks``, ``image2``, ``mask_1``, ``bboxes2``) an Albumentations
# user passes out of habit: passed through untouched, they would silently stop following the
# image, so an undeclared one is refused
_LOOK_ALIKE = re.compile(r"^(image|mask|bboxes|keypoints)(s|_?\d+)$")


def resolve_kinds(keys: Mapping[str, Any], extra_fields: Mapping[str, str]) -> dict[str, str]:
    """Map each key of a call to its field kind; unknown keys map to ``"passthrough"`` (carried
    along untouched: labels, ids, metadata), except keys that look like a spatial field
    (``masks``, ``images``, ``image2``, ``mask_1``, ``bboxes2``) and are not declared, which are
    refused: untouched, they would no longer match the image.

    Example:
        >>> resolve_kinds({"image": 0, "mask2": 0, "labels": 0}, {"mask2": "mask"})
        {'image': 'image', 'mask2': 'mask', 'labels': 'passthrough'}
        >>> resolve_kinds({"image": 0, "masks": 0}, {})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: masks: looks like a mask field but is not one...
    """
    kinds = {}
    for key in keys:
        if key in extra_fields:
            kinds[key] = extra_fields[key]
        elif is_kind(key):
            kinds[key] = key
        else:
            alike = _LOOK_ALIKE.match(key) if isinstance(key, str) else None
            if alike:
                kind = alike.group(1)
                how = ("stack the masks along the last axis as one mask=(H, W, N), or declare "
                       "each: Compose(..., extra_fields={'mask2': 'mask'}) and pass mask2=..."
                       if key == "masks" else
                       f"declare it: Compose(..., extra_fields={{{key!r}: {kind!r}}}) (what "
                       "Albumentations calls additional_targets)")
                raise InvalidInput(f"{key}: looks like a{'n' if kind[0] in 'aeiou' else ''} "
                                   f"{kind} field but is not one, so it would pass through "
                                   f"untouched and no longer match the image; {how}")
            kinds[key] = "passthrough"
    return kinds
