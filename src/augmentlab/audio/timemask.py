"""TimeMask: silence a random stretch of the clip (SpecAugment's time mask, on the waveform)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of

__all__ = ["TimeMask"]


class TimeMask(AudioTransform):
    """Zero a stretch whose length is a fraction of the clip drawn in
    ``[min_band_part, max_band_part]``, at a random place (every channel). Length kept; events
    are left where they are (the sound they mark is partly hidden, not moved).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.audio.TimeMask(min_band_part=0.5, max_band_part=0.5)(
        ...     audio=np.ones(10, np.float32), sample_rate=10, seed=0)["audio"]
        >>> int((y == 0).sum())
        5
    """

    name = "audio.TimeMask"

    def __init__(self, *, min_band_part: float = 0.0, max_band_part: float = 0.5,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.part = to_range("audio.TimeMask", "min_band_part..max_band_part",
                             (min_band_part, max_band_part), low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        n = audio_of(sample)[1].shape[-1]
        width = int(round(uniform(rng, *self.part) * n))
        return {"start": integer(rng, 0, n - width + 1), "width": width}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = audio.copy()
        out[..., params["start"]:params["start"] + params["width"]] = 0.0
        return out
