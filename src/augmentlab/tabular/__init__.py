"""Table-row augmentation on a ``features`` field (column -> value) guided by a ``schema``
field (`Schema.infer(table)`), and whole-table helpers (MixUp of rows, planing weights, a
stratified sample). Transform names carry the ``tabular.`` prefix in pipeline files."""

from . import fields  # noqa: F401  (registers the field kinds and their checks with the core)
from .noise import CategoricalResample, GaussianNoise
from .rows import mixup_rows, planing_weights, stratified_sample
from .schema import Column, Schema
from .swap import FeatureDropout, SwapNoise

__all__ = ["CategoricalResample", "Column", "FeatureDropout", "GaussianNoise", "Schema",
           "SwapNoise", "mixup_rows", "planing_weights", "stratified_sample"]
