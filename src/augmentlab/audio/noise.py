"""Additive white Gaussian noise at a random signal-to-noise ratio."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import integer, kernel_rng, uniform
from .base import AudioTransform, keep_full_scale, rms

__all__ = ["AddGaussianNoise"]


class AddGaussianNoise(AudioTransform):
    """White Gaussian noise at an SNR drawn uniformly in ``[min_snr_db, max_snr_db]`` relative
    to the clip's RMS (a silent clip stays silent). The noise comes from a seed recorded in the
    params, so a replay adds the same noise.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = 0.5 * np.sin(np.linspace(0, 100, 8000)).astype(np.float32)
        >>> y = al.audio.AddGaussianNoise(min_snr_db=20, max_snr_db=20)(audio=x, sample_rate=8000,
        ...                                                             seed=0)["audio"]
        >>> snr = 10 * np.log10((x ** 2).mean() / ((y - x) ** 2).mean())
        >>> bool(19 < snr < 21)
        True
    """

    name = "audio.AddGaussianNoise"

    def __init__(self, *, min_snr_db: float = 5.0, max_snr_db: float = 40.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.snr = to_range("audio.AddGaussianNoise", "min_snr_db..max_snr_db",
                            (min_snr_db, max_snr_db), low=-40, high=120)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"snr_db": uniform(rng, *self.snr), "seed": integer(rng, 0, 2**63 - 1)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        std = rms(audio) / 10.0 ** (params["snr_db"] / 20.0)
        noise = kernel_rng(params["seed"]).standard_normal(audio.shape, dtype=np.float32)
        return keep_full_scale((audio + noise * audio.dtype.type(std)).astype(audio.dtype, copy=False),
                               audio)
