"""Table-row augmentation on a ``features`` field (column -> value) guided by a ``schema``
field (`Schema.infer(table)`). Transform names carry the ``tabular.`` prefix in pipeline files."""

from .noise import CategoricalResample, GaussianNoise
from .schema import Column, Schema

__all__ = ["CategoricalResample", "Column", "GaussianNoise", "Schema"]
