"""Time-series augmentation on a ``series`` field (``(T,)`` or ``(T, channels)`` floats, time
first, NaN for missing values) with optional ``step_labels`` (one label per time step) that move
with time. Transform names carry the ``series.`` prefix in pipeline files."""

from . import fields  # noqa: F401  (registers the field kinds and their checks with the core)
from .smooth import Convolve, Dropout, Pool, masked_convolve
from .time import Crop, Permutation, Resize, TimeWarp, WindowSlice, WindowWarp
from .values import Drift, Jitter, MagnitudeWarp, Quantize, Scaling, smooth_curve

__all__ = [
    "Convolve",
    "Crop",
    "Drift",
    "Dropout",
    "Jitter",
    "MagnitudeWarp",
    "Permutation",
    "Pool",
    "Quantize",
    "Resize",
    "Scaling",
    "TimeWarp",
    "WindowSlice",
    "WindowWarp",
    "masked_convolve",
    "smooth_curve",
]
