"""AddColoredNoise: noise whose spectrum falls (pink, brown) or rises (blue, violet) with
frequency, at a random signal-to-noise ratio."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from .base import AudioTransform, keep_full_scale, mix_at_snr, rms

__all__ = ["AddColoredNoise"]


class AddColoredNoise(AudioTransform):
    """Noise whose power changes by ``f_decay`` dB per octave, drawn in
    ``[min_f_decay, max_f_decay]`` (-3: pink, -6: brown, 0: white, +3: blue, +6: violet), at an
    SNR drawn in ``[min_snr_db, max_snr_db]`` against the clip's RMS. The noise is drawn in the
    frequency domain from a recorded seed (independent complex Gaussian bins, as white noise
    has), shaped (the DC bin zeroed), brought back by one inverse FFT and scaled to the SNR; a
    silent clip stays silent.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = 0.5 * np.sin(np.linspace(0, 300, 16000)).astype(np.float32)
        >>> y = al.audio.AddColoredNoise(min_snr_db=10, max_snr_db=10, min_f_decay=-3,
        ...                              max_f_decay=-3)(audio=x, sample_rate=16000, seed=0)["audio"]
        >>> snr = 10 * np.log10((x ** 2).mean() / ((y - x) ** 2).mean())
        >>> bool(9.9 < snr < 10.1)
        True
    """

    name = "audio.AddColoredNoise"

    def __init__(self, *, min_snr_db: float = 5.0, max_snr_db: float = 40.0,
                 min_f_decay: float = -6.0, max_f_decay: float = 6.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.snr = to_range(self.name, "min_snr_db..max_snr_db", (min_snr_db, max_snr_db),
                            low=-40, high=120)
        self.f_decay = to_range(self.name, "min_f_decay..max_f_decay", (min_f_decay, max_f_decay),
                                low=-12, high=12)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"snr_db": uniform(rng, *self.snr), "f_decay": uniform(rng, *self.f_decay),
                "seed": integer(rng, 0, 2**63 - 1)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        if rms(audio) == 0.0:
            return audio.copy()  # no SNR against silence: spare the FFT
        from scipy import fft

        n = audio.shape[-1]
        bins = n // 2 + 1
        # white Gaussian noise's spectrum has independent complex Gaussian bins: draw them
        # directly (as many normals as time samples) and save a forward FFT
        pairs = kernel_rng(params["seed"]).standard_normal((*audio.shape[:-1], bins, 2),
                                                            dtype=np.float32)
        spectrum = pairs.view(np.complex64)[..., 0]
        # power ~ f ** (f_decay / (10 log10 2)): amplitude ~ half that exponent
        exponent = params["f_decay"] / (20.0 * np.log10(2.0))
        shape = np.zeros(bins, dtype=np.float32)
        shape[1:] = np.arange(1, bins, dtype=np.float32) ** np.float32(exponent)
        noise = fft.irfft(spectrum * shape, n=n, axis=-1, workers=1)
        # (a one-sample clip: DC only, silent noise, the clip itself)
        return keep_full_scale(mix_at_snr(audio, noise, params["snr_db"]), audio)
