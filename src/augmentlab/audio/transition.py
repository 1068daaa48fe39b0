"""GainTransition: the level glides from one gain to another over part of the clip."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of

__all__ = ["GainTransition"]


class GainTransition(AudioTransform):
    """Glide from a gain to another (each drawn in ``[min_db, max_db]``) over a stretch whose
    length is a fraction of the clip drawn in ``[min_part, max_part]``, placed at random; the
    level is flat before and after it. The glide is linear in decibels (as a fader moves).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> y = al.audio.GainTransition(min_db=-6.0206, max_db=-6.0206)(
        ...     audio=np.ones(100, np.float32), sample_rate=100, seed=0)["audio"]
        >>> round(float(y.min()), 3), round(float(y.max()), 3)
        (0.5, 0.5)
    """

    name = "audio.GainTransition"

    def __init__(self, *, min_db: float = -24.0, max_db: float = 6.0, min_part: float = 0.2,
                 max_part: float = 0.5, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.db = to_range(self.name, "min_db..max_db", (min_db, max_db), low=-120, high=120)
        self.part = to_range(self.name, "min_part..max_part", (min_part, max_part), low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        n = audio_of(sample)[1].shape[-1]
        width = int(round(uniform(rng, *self.part) * n))
        return {"from_db": uniform(rng, *self.db), "to_db": uniform(rng, *self.db),
                "start": integer(rng, 0, n - width + 1), "width": width}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        n, start, width = audio.shape[-1], params["start"], params["width"]
        db = np.full(n, params["from_db"], dtype=np.float64)
        db[start:start + width] = np.linspace(params["from_db"], params["to_db"], width)
        db[start + width:] = params["to_db"]
        return (audio * (10.0 ** (db / 20.0)).astype(np.float32)).astype(np.float32)
