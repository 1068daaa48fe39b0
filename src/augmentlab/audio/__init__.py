"""Audio augmentation on an ``audio`` field (float samples, ``(n,)`` or ``(channels, n)``) with
its ``sample_rate`` and optional ``events`` ``(onset, offset, label)`` that move with the sound.
Transform names carry the ``audio.`` prefix in pipeline files (``name: audio.Gain``)."""

from .gain import Gain
from .noise import AddGaussianNoise
from .shift import Shift

__all__ = ["AddGaussianNoise", "Gain", "Shift"]
