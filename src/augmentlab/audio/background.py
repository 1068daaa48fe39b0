"""AddBackgroundNoise: mix in a recording from a folder at a random signal-to-noise ratio."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of, keep_full_scale, mix_at_snr
from .folder import SoundFolder

__all__ = ["AddBackgroundNoise"]


class AddBackgroundNoise(AudioTransform):
    """Add a sound drawn from `folder` (any readable audio below it; mixed to mono, resampled,
    looped when shorter than the clip, a random stretch when longer) at an SNR drawn in
    ``[min_snr_db, max_snr_db]`` against the clip's RMS. The file and offset are recorded. A
    silent clip or a silent noise file leaves the clip unchanged.

    Example:
        >>> import pathlib, tempfile, numpy as np, soundfile as sf, augmentlab as al
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> sf.write(d / "hum.wav", np.sin(np.arange(800) / 3).astype(np.float32), 8000)
        >>> t = al.audio.AddBackgroundNoise(folder=str(d), min_snr_db=10, max_snr_db=10)
        >>> out = t(audio=np.ones(1600, np.float32) * 0.5, sample_rate=8000, seed=0)
        >>> out.record.steps[0].params["file"]
        'hum.wav'
    """

    name = "audio.AddBackgroundNoise"

    def __init__(self, *, folder: str, min_snr_db: float = 3.0, max_snr_db: float = 30.0,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.folder = SoundFolder(folder, self.name)
        self.snr = to_range(self.name, "min_snr_db..max_snr_db", (min_snr_db, max_snr_db),
                            low=-40, high=120)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        _, audio, rate = audio_of(sample)
        name = self.folder.names[integer(rng, 0, len(self.folder.names))]
        noise = self.folder.read(name, rate)
        offset = integer(rng, 0, max(1, len(noise) - audio.shape[-1] + 1))
        return {"file": name, "offset": offset, "snr_db": uniform(rng, *self.snr)}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        n = audio.shape[-1]
        noise = self.folder.read(params["file"], rate)
        if len(noise) < n:
            noise = np.tile(noise, -(-n // len(noise)))
        noise = noise[params["offset"]:params["offset"] + n]
        return sample.derive(**{key: keep_full_scale(mix_at_snr(audio, noise, params["snr_db"]), audio)})
