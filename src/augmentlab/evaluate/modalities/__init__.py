"""One adapter per modality: what the measure harness needs to know about each kind of data.

`adapter_for(name)` is the one place the harness reads a modality's name: it takes the canonical
name (what ``Dataset.modality`` says) or another accepted spelling (``"tabular"`` and
``"features"`` for ``"table"``; the names and spellings are `augmentlab.datasets.modality`'s), and
returns the `Modality` that the harness then asks instead of branching on names.

Example:
    >>> adapter_for("tabular") is adapter_for("features") is adapter_for("table")
    True
    >>> sorted(ADAPTERS)
    ['audio', 'image', 'series', 'table', 'text']
"""

from __future__ import annotations

from ...datasets.modality import canonical_modality
from .audio import AudioModality
from .base import CORRUPTION_SEED, Modality
from .image import ImageModality
from .series import SeriesModality
from .table import TableModality
from .text import TextModality

__all__ = ["ADAPTERS", "CORRUPTION_SEED", "Modality", "adapter_for", "canonical"]

ADAPTERS: dict[str, Modality] = {m.name: m for m in (
    ImageModality(), TextModality(), TableModality(), AudioModality(), SeriesModality())}


def adapter_for(name: str) -> Modality:
    """The adapter of modality `name` (any accepted spelling).

    Example:
        >>> adapter_for("image").field, adapter_for("features").name
        ('image', 'table')
    """
    return ADAPTERS[canonical_modality(name)]


def canonical(name: str) -> str:
    """The one name of modality `name`.

    Example:
        >>> canonical("tabular")
        'table'
    """
    return canonical_modality(name)
