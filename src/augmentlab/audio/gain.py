"""Gain: multiply the waveform by a random level in decibels."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import uniform
from ..core.sample import Sample
from .base import AudioTransform

__all__ = ["Gain"]


class Gain(AudioTransform):
    """Change the level by a gain drawn uniformly in ``[min_db, max_db]`` decibels. Like
    audiomentations' Gain it may push samples past 1.0 (clipping is left to the writer or a
    later `audio.Normalize`); the dtype is kept.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.full(4, 0.1, np.float32)
        >>> out = al.audio.Gain(min_db=-6.0206, max_db=-6.0206)(audio=x, sample_rate=8000, seed=0)
        >>> round(float(out["audio"][0]), 4)
        0.05
    """

    name = "audio.Gain"

    def __init__(self, *, min_db: float = -12.0, max_db: float = 12.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.db = to_range("audio.Gain", "min_db..max_db", (min_db, max_db), low=-120, high=120)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"db": uniform(rng, *self.db)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return (audio * audio.dtype.type(10.0 ** (params["db"] / 20.0))).astype(audio.dtype, copy=False)
