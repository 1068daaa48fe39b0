"""Level: peak normalisation and clipping distortion."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_number, to_range
from ..core.rng import uniform
from ..core.sample import Sample
from .base import AudioTransform

__all__ = ["ClippingDistortion", "Normalize"]


class Normalize(AudioTransform):
    """Scale so the loudest sample (over all channels) sits at `peak_db` dBFS (0: full scale);
    a silent clip stays silent. Deterministic.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.audio.Normalize()(audio=np.array([0.1, -0.25], np.float32), sample_rate=8000)
        >>> out["audio"].tolist()
        [0.4000000059604645, -1.0]
    """

    name = "audio.Normalize"
    random = False

    def __init__(self, *, peak_db: float = 0.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.peak_db = check_number("audio.Normalize", "peak_db", peak_db, low=-120, high=0)

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        peak = float(np.max(np.abs(audio)))
        if peak == 0.0:
            return audio.copy()
        return (audio * np.float32(10.0 ** (self.peak_db / 20.0) / peak)).astype(np.float32)


class ClippingDistortion(AudioTransform):
    """Hard-clip the loudest samples: a share drawn in ``[min_percentile, max_percentile]``
    percent of them (by absolute value) is cut to the level of the loudest sample left: 0
    leaves the clip as it is, 40 clips the loudest 40%. Meant to clip.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.linspace(-1, 1, 101).astype(np.float32)
        >>> y = al.audio.ClippingDistortion(min_percentile=20, max_percentile=20)(
        ...     audio=x, sample_rate=100, seed=0)["audio"]
        >>> round(float(y.max()), 2)  # the loudest 20% cut at 0.8
        0.8
    """

    name = "audio.ClippingDistortion"

    def __init__(self, *, min_percentile: float = 0, max_percentile: float = 40,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.percentile = to_range("audio.ClippingDistortion", "min_percentile..max_percentile",
                                   (min_percentile, max_percentile), low=0, high=100)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"percentile": uniform(rng, *self.percentile)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        # np.percentile's linear rule, from one partition around the two order statistics
        magnitude = np.abs(audio).ravel()
        position = (magnitude.size - 1) * (100.0 - params["percentile"]) / 100.0
        lo = int(position)
        hi = min(lo + 1, magnitude.size - 1)
        part = np.partition(magnitude, [lo, hi])
        level = float(part[lo]) + (float(part[hi]) - float(part[lo])) * (position - lo)
        return np.clip(audio, -level, level).astype(np.float32, copy=False)
