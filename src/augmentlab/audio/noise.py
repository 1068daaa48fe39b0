"""Additive white Gaussian noise at a random signal-to-noise ratio or amplitude."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from .base import AudioTransform, keep_full_scale, rms

__all__ = ["AddGaussianNoise"]


class AddGaussianNoise(AudioTransform):
    """White Gaussian noise at an SNR drawn uniformly in ``[min_snr_db, max_snr_db]`` relative
    to the clip's RMS (a silent clip stays silent), or, with ``min_amplitude`` and
    ``max_amplitude``, of a standard deviation drawn in that range whatever the clip's level
    (audiomentations' AddGaussianNoise; a silent clip gets the noise). The noise comes from a
    seed recorded in the params, so a replay adds the same noise.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = 0.5 * np.sin(np.linspace(0, 100, 8000)).astype(np.float32)
        >>> y = al.audio.AddGaussianNoise(min_snr_db=20, max_snr_db=20)(audio=x, sample_rate=8000,
        ...                                                             seed=0)["audio"]
        >>> snr = 10 * np.log10((x ** 2).mean() / ((y - x) ** 2).mean())
        >>> bool(19 < snr < 21)
        True
        >>> z = al.audio.AddGaussianNoise(min_amplitude=0.01, max_amplitude=0.01)(
        ...     audio=np.zeros(8000, np.float32), sample_rate=8000, seed=0)["audio"]
        >>> round(float(z.std()), 3)
        0.01
    """

    name = "audio.AddGaussianNoise"

    def __init__(self, *, min_snr_db: float = 5.0, max_snr_db: float = 40.0,
                 min_amplitude: float | None = None, max_amplitude: float | None = None,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.snr = to_range(self.name, "min_snr_db..max_snr_db", (min_snr_db, max_snr_db),
                            low=-40, high=120)
        if (min_amplitude is None) != (max_amplitude is None):
            raise InvalidConfig(f"{self.name}: give both min_amplitude and max_amplitude (noise "
                                "of a fixed level), or neither (noise at an SNR)")
        self.amplitude = None if min_amplitude is None else to_range(
            self.name, "min_amplitude..max_amplitude", (min_amplitude, max_amplitude), low=0, high=10)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if self.amplitude is not None:
            return {"amplitude": uniform(rng, *self.amplitude), "seed": integer(rng, 0, 2**63 - 1)}
        return {"snr_db": uniform(rng, *self.snr), "seed": integer(rng, 0, 2**63 - 1)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        std = params["amplitude"] if "amplitude" in params else \
            rms(audio) / 10.0 ** (params["snr_db"] / 20.0)
        noise = kernel_rng(params["seed"]).standard_normal(audio.shape, dtype=np.float32)
        return keep_full_scale((audio + noise * audio.dtype.type(std)).astype(audio.dtype, copy=False),
                               audio)
