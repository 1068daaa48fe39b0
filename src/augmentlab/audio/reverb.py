"""ApplyImpulseResponse: convolve with a room's impulse response, from a folder or synthetic."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of, keep_full_scale, rms
from .folder import SoundFolder

__all__ = ["ApplyImpulseResponse", "synthetic_room"]


def synthetic_room(rt60: float, rate: int, seed: int) -> np.ndarray:
    """A diffuse room's impulse response: the direct sound, then Gaussian noise decaying by 60 dB
    in `rt60` seconds (Schroeder's model of late reverberation), normalised to unit energy.

    Example:
        >>> ir = synthetic_room(0.3, 8000, seed=1)
        >>> len(ir), round(float((ir ** 2).sum()), 6)
        (2400, 1.0)
    """
    n = max(2, int(round(rt60 * rate)))
    t = np.arange(n) / rate
    ir = kernel_rng(seed).standard_normal(n) * np.exp(-6.9078 * t / rt60)  # ln(1000): -60 dB
    ir[0] = 1.0 + abs(ir[0])  # the direct path first
    return (ir / math.sqrt(float((ir**2).sum()))).astype(np.float32)


class ApplyImpulseResponse(AudioTransform):
    """Convolve with an impulse response: a file drawn from `folder` (resampled, mixed to
    mono), or, without a folder, a synthetic room with a reverberation time drawn in
    ``[min_rt60, max_rt60]`` seconds. The tail is cut so the length is kept, and the level is
    matched to the dry clip's RMS; events stay where they are.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.zeros(8000, np.float32); x[100] = 1.0
        >>> y = al.audio.ApplyImpulseResponse(min_rt60=0.2, max_rt60=0.2)(
        ...     audio=x, sample_rate=8000, seed=0)["audio"]
        >>> y.shape, bool(np.abs(y[200:1500]).max() > 0)
        ((8000,), True)
    """

    name = "audio.ApplyImpulseResponse"

    def __init__(self, *, folder: str | None = None, min_rt60: float = 0.2, max_rt60: float = 1.0,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.folder = SoundFolder(folder, self.name) if folder is not None else None
        self.rt60 = to_range(self.name, "min_rt60..max_rt60", (min_rt60, max_rt60), low=0.01,
                             high=10)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if self.folder is not None:
            return {"file": self.folder.names[integer(rng, 0, len(self.folder.names))]}
        return {"rt60": uniform(rng, *self.rt60), "seed": integer(rng, 0, 2**63 - 1)}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        from scipy import signal

        key, audio, rate = audio_of(sample)
        if "file" in params:
            assert self.folder is not None
            ir = self.folder.read(params["file"], rate)
        else:
            ir = synthetic_room(params["rt60"], rate, params["seed"])
        n = audio.shape[-1]
        wet = signal.oaconvolve(audio.astype(np.float64), ir[None, :] if audio.ndim == 2 else ir,
                                axes=-1)[..., :n]
        dry_rms, wet_rms = rms(audio), rms(wet)
        if dry_rms > 0.0 and wet_rms > 0.0:
            wet *= dry_rms / wet_rms
        return sample.derive(**{key: keep_full_scale(wet.astype(np.float32), audio)})
