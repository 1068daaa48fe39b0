"""One adapter per modality: what the measure harness needs to know about each kind of data.

`adapter_for(name)` is the one place a modality's name is read: it takes the canonical name
(what ``Dataset.modality`` says), the name of the modality's sample field, or another accepted
spelling (``"tabular"`` and ``"features"`` for ``"table"``), and returns the `Modality` that the
harness then asks instead of branching on names.

Example:
    >>> adapter_for("tabular") is adapter_for("features") is adapter_for("table")
    True
    >>> sorted(ADAPTERS)
    ['audio', 'image', 'series', 'table', 'text']
"""

from __future__ import annotations

from ...core.errors import InvalidConfig
from .audio import AudioModality
from .base import CORRUPTION_SEED, Modality
from .image import ImageModality
from .series import SeriesModality
from .table import TableModality
from .text import TextModality

__all__ = ["ADAPTERS", "CORRUPTION_SEED", "Modality", "adapter_for", "canonical"]

ADAPTERS: dict[str, Modality] = {m.name: m for m in (
    ImageModality(), TextModality(), TableModality(), AudioModality(), SeriesModality())}

# every accepted spelling -> its adapter: the name, the sample field, the aliases
_SPELLINGS: dict[str, Modality] = {
    spelling: m for m in ADAPTERS.values() for spelling in (m.name, m.field, *m.aliases)}


def adapter_for(name: str) -> Modality:
    """The adapter of modality `name` (any accepted spelling).

    Example:
        >>> adapter_for("image").field, adapter_for("features").name
        ('image', 'table')
    """
    try:
        return _SPELLINGS[name]
    except (KeyError, TypeError):
        raise InvalidConfig(f"unknown modality {name!r}; use one of {', '.join(ADAPTERS)}") from None


def canonical(name: str) -> str:
    """The one name of modality `name`.

    Example:
        >>> canonical("tabular")
        'table'
    """
    return adapter_for(name).name
