"""The modalities' names: one name per modality (what `Dataset.modality` and ``results.json``
say) and the other spellings a user may pass for it, resolved here, below every layer that reads
a name (the measure harness's `adapter_for`, the command).

Example:
    >>> MODALITIES
    ('image', 'text', 'table', 'audio', 'series')
    >>> canonical_modality("tabular"), canonical_modality("features"), canonical_modality("text")
    ('table', 'table', 'text')
"""

from __future__ import annotations

from ..core.errors import InvalidConfig

__all__ = ["ALIASES", "MODALITIES", "canonical_modality"]

MODALITIES = ("image", "text", "table", "audio", "series")

# other spellings -> the one name ("features" is also the table's sample field)
ALIASES = {"tabular": "table", "features": "table"}


def canonical_modality(name: str) -> str:
    """The one name of modality `name` (a name in `MODALITIES` or one of its `ALIASES`).

    Example:
        >>> canonical_modality("features")
        'table'
        >>> canonical_modality("video")
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidConfig: unknown modality 'video'; use one of image, text, ...
    """
    if isinstance(name, str):
        if name in MODALITIES:
            return name
        if name in ALIASES:
            return ALIASES[name]
    raise InvalidConfig(f"unknown modality {name!r}; use one of {', '.join(MODALITIES)}")
